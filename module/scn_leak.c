// SPDX-License-Identifier: GPL-2.0
/*
 * leak: a failed close on an error path leaves an exclusive open behind.
 *
 * A session table of exclusive opens (name -> owner), as a redirector
 * keeps for the files its clients hold open. Each sender is a work item on
 * a real workqueue: it opens its file exclusively (a connect to the remote,
 * fault point fail_connect), writes its buffers (fail_write) and closes the
 * file (fail_close). A sender that fails queues a retry of the same file as
 * a delayed work item, as a transfer service retries minutes later.
 *
 * Buggy: the close is tried once; when it fails the entry stays in the
 * table, and the retry is refused with -EBUSY (a sharing violation).
 * Fixed: the close is retried with backoff and, if every attempt fails,
 * the entry is torn down anyway; the retry succeeds.
 *
 * Where faults are decided: in the calling task, before any work item is
 * queued. The run lists its fault sites in a fixed order (for each sender:
 * its open, each buffer's write, each close attempt its variant may make,
 * its retry's open) and fills one decision per site: forced by the knobs,
 * or, with WQF_RUN_FAULT_ATTR, by should_fail() on the site's point. So the
 * caller's fail-nth (/proc/thread-self/fail-nth) picks exactly one site,
 * although the sites run in kworkers. A site decided to fail that its
 * sender never reaches (a write after an earlier failed one) has no effect.
 * The delay point is evaluated in the sender work items (race widening;
 * fail-nth does not reach it).
 *
 * Verdict: once every sender and retry has ended, LEAKED if the table still
 * holds entries (named in the results), else COMPLETED. Then the run
 * removes what is left, so nothing outlives it.
 *
 * Hang mode (WQF_RUN_HANG): the real bug does not block, its retry fails.
 * In hang mode a retry refused with -EBUSY waits instead for the entry to
 * go, as a client that waits for a sharing violation to clear does: one
 * long uninterruptible sleep on the run's hang_wq, woken when an entry is
 * removed, which hung_task sees. A leaked entry is never removed, so once
 * every party left is such a retry the run is stuck: leak_poll() tells the
 * harness's driving loop, which holds the hang (wqf_hang_hold()), then
 * stops the run; the retries end with -EBUSY and the verdict is LEAKED,
 * as without hang mode.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": leak: " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "fault.h"
#include "wqfault.h"
#include "trace.h"

/* Leaked entry names the run reports. */
#define LEAK_NAMES	4

/*
 * The payload of WQF_SCN_LEAK: knobs, then results. Userspace finds
 * each field by name through WQF_IOC_FIELD_INFO, which publishes
 * leak_fields below (Documentation/knobs.rst); add new fields at the end.
 */
struct wqf_leak {
	u32 senders;
	u32 buffers;
	u32 retry_delay_ms;
	u32 close_retries;
	u32 close_backoff_us;
	u32 fault_write_at;
	u32 fault_close;
	u32 fault_connect;
	u32 opened;
	u32 written;
	u32 write_faults;
	u32 connect_faults;
	u32 close_attempts;
	u32 close_faults;
	u32 torn_down;
	u32 retries;
	u32 retries_ok;
	u32 retries_busy;
	u32 sites;
	u32 sites_failed;
	u32 leaked;
	u32 pad;
	char leaked_names[LEAK_NAMES][WQF_NAME_LEN];
};

#define LEAK_MAX_SENDERS	64
#define LEAK_MAX_BUFFERS	1000
#define LEAK_MAX_RETRY_DELAY_MS	60000
#define LEAK_DEF_CLOSE_RETRIES	3
#define LEAK_MAX_CLOSE_RETRIES	16
#define LEAK_DEF_BACKOFF_US	100
#define LEAK_MAX_BACKOFF_US	100000
#define LEAK_BUF_SIZE		512

/* How a site was decided to fail (bits of a plan byte). */
#define LEAK_FORCED		BIT(0)
#define LEAK_FAULT_ATTR		BIT(1)

static const char * const leak_variants[] = {
	[WQF_LEAK_BUGGY] = "buggy",
	[WQF_LEAK_FIXED] = "fixed",
};

/* One exclusive open in the session table. */
struct leak_entry {
	struct list_head node;
	char name[WQF_NAME_LEN];
	u32 owner;		/* the sender holding it */
	u64 bytes;		/* written so far */
	u8 buf[LEAK_BUF_SIZE];	/* the last buffer written */
};

struct leak;

struct leak_sender {
	struct work_struct work;
	struct delayed_work retry;
	struct leak *lk;
	u32 id;
	char name[WQF_NAME_LEN];
	u8 *plan;		/* this sender's sites, in leak_site_*() order */
};

struct leak {
	struct wqf_ctx *ctx;
	struct wqf_leak *k;
	bool fixed;
	u32 attempts;			/* close attempts a sender may make */
	u32 nr_sites;			/* per sender */
	struct mutex table_lock;	/* protects table */
	struct list_head table;
	struct leak_sender *senders;
	u8 *plan;
	struct workqueue_struct *wq;
	atomic_t opened, written, write_faults, connect_faults;
	atomic_t close_attempts, close_faults, torn_down;
	atomic_t retries, retries_ok, retries_busy;
	atomic_t removals;		/* entries removed: wakes blocked retries */
	atomic_t blocked;		/* hang mode: retries waiting for an entry */
	u64 stuck_us;		/* hang mode: when only blocked retries were left */
};

/* A sender's sites: open, writes, close attempts, the retry's open. */
static u32 leak_site_open(const struct leak *lk) { return 0; }
static u32 leak_site_write(const struct leak *lk, u32 b) { return 1 + b; }

static u32 leak_site_close(const struct leak *lk, u32 a)
{
	return 1 + lk->k->buffers + a;
}

static u32 leak_site_retry(const struct leak *lk)
{
	return 1 + lk->k->buffers + lk->attempts;
}

/* A sender or a retry ended: ctx->parties counts those still to end. */
static void leak_party_done(struct leak *lk)
{
	atomic_dec(&lk->ctx->parties);
	wqf_ctx_event(lk->ctx);
}

/* Does site @site of sender @s fail? Counts the fault and traces it. */
static bool leak_fault(struct leak_sender *s, u32 site,
		       enum wqf_fault_point point, atomic_t *count)
{
	if (!s->plan[site])
		return false;
	atomic_inc(count);
	trace_wqfault_fault_injected(s->lk->ctx->id, point, s->id, site);
	return true;
}

static struct leak_entry *leak_find_locked(struct leak *lk, const char *name)
{
	struct leak_entry *e;

	list_for_each_entry(e, &lk->table, node)
		if (!strcmp(e->name, name))
			return e;
	return NULL;
}

/* Add @s's entry, unless the name is open already (-EBUSY). */
static int leak_insert(struct leak_sender *s)
{
	struct leak *lk = s->lk;
	struct leak_entry *e;
	int ret = 0;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	strscpy(e->name, s->name, sizeof(e->name));
	e->owner = s->id;
	mutex_lock(&lk->table_lock);
	if (leak_find_locked(lk, e->name))
		ret = -EBUSY;	/* a sharing violation */
	else
		list_add_tail(&e->node, &lk->table);
	mutex_unlock(&lk->table_lock);
	if (ret)
		kfree(e);
	return ret;
}

/* Open @s's file exclusively; the connect may fail first. */
static int leak_open(struct leak_sender *s, u32 site)
{
	if (leak_fault(s, site, WQF_FAULT_CONNECT, &s->lk->connect_faults))
		return -ECONNRESET;
	return leak_insert(s);
}

/* Remove @s's entry: what a successful close (or a teardown) does. */
static void leak_remove(struct leak_sender *s)
{
	struct leak *lk = s->lk;
	struct leak_entry *e;

	mutex_lock(&lk->table_lock);
	e = leak_find_locked(lk, s->name);
	if (e)
		list_del(&e->node);
	mutex_unlock(&lk->table_lock);
	if (e) {
		atomic_inc(&lk->removals);
		wake_up_all(&lk->ctx->hang_wq);
	}
	kfree(e);
}

static int leak_write(struct leak_sender *s, u32 b)
{
	struct leak *lk = s->lk;
	struct leak_entry *e;

	if (leak_fault(s, leak_site_write(lk, b), WQF_FAULT_WRITE, &lk->write_faults))
		return -EIO;
	mutex_lock(&lk->table_lock);
	e = leak_find_locked(lk, s->name);
	if (e) {
		memset(e->buf, (u8)(s->id + b), sizeof(e->buf));
		e->bytes += sizeof(e->buf);
	}
	mutex_unlock(&lk->table_lock);
	atomic_inc(&lk->written);
	return 0;
}

/* One close attempt: fails (entry kept) or removes the entry. */
static int leak_close_once(struct leak_sender *s, u32 a)
{
	struct leak *lk = s->lk;

	atomic_inc(&lk->close_attempts);
	if (leak_fault(s, leak_site_close(lk, a), WQF_FAULT_CLOSE, &lk->close_faults))
		return -EIO;
	leak_remove(s);
	return 0;
}

/*
 * Buggy: one attempt; a failed close leaves the entry in the table.
 * Fixed: retry with backoff; if every attempt fails, tear the entry down
 * anyway (the remote side's handle is abandoned, the table is not).
 */
static int leak_close(struct leak_sender *s)
{
	struct leak *lk = s->lk;
	u32 backoff = lk->k->close_backoff_us, a;
	int ret;

	ret = leak_close_once(s, 0);
	if (!ret || !lk->fixed)
		return ret;
	for (a = 1; a < lk->attempts; a++) {
		fsleep(backoff);
		backoff = min_t(u32, backoff * 2, LEAK_MAX_BACKOFF_US);
		ret = leak_close_once(s, a);
		if (!ret)
			return 0;
	}
	leak_remove(s);
	atomic_inc(&lk->torn_down);
	return ret;
}

static void leak_sender_fn(struct work_struct *work)
{
	struct leak_sender *s = container_of(work, struct leak_sender, work);
	struct leak *lk = s->lk;
	int ret, cret;
	u32 b;

	ret = leak_open(s, leak_site_open(lk));
	if (!ret) {
		atomic_inc(&lk->opened);
		wqf_fault_delay();	/* widen the window the entry is open */
		for (b = 0; b < lk->k->buffers && !ret; b++)
			ret = leak_write(s, b);
		/* Done or on the error path: close the file. */
		cret = leak_close(s);
		if (!ret)
			ret = cret;
	}
	if (ret && !wqf_ctx_aborted(lk->ctx)) {
		atomic_inc(&lk->ctx->parties);
		queue_delayed_work(lk->wq, &s->retry,
				   msecs_to_jiffies(lk->k->retry_delay_ms));
	}
	leak_party_done(lk);
}

/*
 * The retry's open. In hang mode a sharing violation is waited out: one
 * uninterruptible sleep until an entry is removed (then try again) or the
 * run is aborted, bounded all the same.
 */
static int leak_retry_open(struct leak_sender *s)
{
	struct leak *lk = s->lk;
	struct wqf_ctx *ctx = lk->ctx;
	unsigned long end = jiffies + msecs_to_jiffies(ctx->args->stall_timeout_ms) +
			    msecs_to_jiffies(ctx->args->hang.hang_ms) + 10 * HZ;
	int ret;

	if (leak_fault(s, leak_site_retry(lk), WQF_FAULT_CONNECT, &lk->connect_faults))
		return -ECONNRESET;
	for (;;) {
		int seen = atomic_read(&lk->removals);
		long left = (long)(end - jiffies);

		ret = leak_insert(s);
		if (ret != -EBUSY || !ctx->hang || wqf_ctx_aborted(ctx) || left <= 0)
			return ret;
		atomic_inc(&lk->blocked);
		wqf_ctx_event(ctx);
		wait_event_timeout(ctx->hang_wq, atomic_read(&lk->removals) != seen ||
				   wqf_ctx_aborted(ctx), left);
		atomic_dec(&lk->blocked);
	}
}

/* The retry: open the same file again, and close it at once. */
static void leak_retry_fn(struct work_struct *work)
{
	struct leak_sender *s = container_of(to_delayed_work(work),
					     struct leak_sender, retry);
	struct leak *lk = s->lk;
	int ret;

	atomic_inc(&lk->retries);
	ret = leak_retry_open(s);
	if (!ret) {
		leak_remove(s);
		atomic_inc(&lk->retries_ok);
	} else if (ret == -EBUSY) {
		atomic_inc(&lk->retries_busy);
	}
	leak_party_done(lk);
}

/* Decide every site, in the calling task (see the top of the file). */
static void leak_plan(struct leak *lk, bool fault_attr)
{
	struct wqf_leak *k = lk->k;
	u32 i, j;

	for (i = 0; i < k->senders; i++) {
		u8 *p = lk->senders[i].plan;

		if (i < k->fault_connect)
			p[leak_site_open(lk)] |= LEAK_FORCED;
		if (k->fault_write_at)
			p[leak_site_write(lk, k->fault_write_at - 1)] |= LEAK_FORCED;
		for (j = 0; j < min(k->fault_close, lk->attempts); j++)
			p[leak_site_close(lk, j)] |= LEAK_FORCED;
		if (!fault_attr)
			continue;
		for (j = 0; j < lk->nr_sites; j++) {
			enum wqf_fault_point pt;

			if (j == leak_site_open(lk) || j == leak_site_retry(lk))
				pt = WQF_FAULT_CONNECT;
			else if (j < leak_site_close(lk, 0))
				pt = WQF_FAULT_WRITE;
			else
				pt = WQF_FAULT_CLOSE;
			k->sites++;
			if (wqf_should_fail(pt)) {
				p[j] |= LEAK_FAULT_ATTR;
				k->sites_failed++;
			}
		}
	}
}

static int leak_setup(struct wqf_ctx *ctx)
{
	struct leak *lk = ctx->priv;
	struct wqf_leak *k = wqf_args_payload(ctx->args);
	u32 i;

	lk->ctx = ctx;
	lk->k = k;
	lk->fixed = ctx->args->variant == WQF_LEAK_FIXED;
	lk->attempts = lk->fixed ? 1 + k->close_retries : 1;
	lk->nr_sites = 1 + k->buffers + lk->attempts + 1;
	mutex_init(&lk->table_lock);
	INIT_LIST_HEAD(&lk->table);

	lk->senders = kvcalloc(k->senders, sizeof(*lk->senders), GFP_KERNEL);
	lk->plan = kvcalloc(k->senders, lk->nr_sites, GFP_KERNEL);
	if (!lk->senders || !lk->plan)
		return -ENOMEM;
	for (i = 0; i < k->senders; i++) {
		struct leak_sender *s = &lk->senders[i];

		s->lk = lk;
		s->id = i;
		s->plan = lk->plan + (size_t)i * lk->nr_sites;
		snprintf(s->name, sizeof(s->name), "file%u", i);
		INIT_WORK(&s->work, leak_sender_fn);
		INIT_DELAYED_WORK(&s->retry, leak_retry_fn);
	}
	lk->wq = alloc_workqueue("wqf_leak%llu", WQ_UNBOUND, 0, lk->ctx->id);
	if (!lk->wq)
		return -ENOMEM;
	leak_plan(lk, ctx->args->flags & WQF_RUN_FAULT_ATTR);
	return 0;
}

/*
 * hang mode: only retries blocked on a leaked entry are left. The verdict
 * (LEAKED) stands from here, and the driving loop holds the hang.
 */
static bool leak_poll(struct wqf_ctx *ctx)
{
	struct leak *lk = ctx->priv;

	if (!ctx->hang || lk->stuck_us ||
	    atomic_read(&lk->blocked) != atomic_read(&ctx->parties))
		return false;
	lk->stuck_us = max_t(u64, ktime_us_delta(ktime_get(), ctx->start), 1);
	if (!wqf_ctx_decide(ctx))
		return false;
	ctx->args->verdict_us = lk->stuck_us;
	return true;
}

/*
 * Stopped: senders not started, and retries still waiting out their delay
 * (up to a minute), are taken off the queue. A running sender is waited
 * for first: it queues its retry only before the stop.
 */
static void leak_unwind(struct wqf_ctx *ctx)
{
	struct leak *lk = ctx->priv;
	u32 i;

	for (i = 0; i < lk->k->senders; i++)
		if (cancel_work_sync(&lk->senders[i].work))
			leak_party_done(lk);
	for (i = 0; i < lk->k->senders; i++)
		if (cancel_delayed_work(&lk->senders[i].retry))
			leak_party_done(lk);
}

static const struct wqf_drive leak_drive_ops = {
	.poll = leak_poll,
	.unwind = leak_unwind,
};

/* Queue the senders; wait, bounded, until they and their retries end. */
static u32 leak_drive(struct wqf_ctx *ctx)
{
	struct leak *lk = ctx->priv;
	struct wqf_leak *k = lk->k;
	u32 i;

	/* Backoff, retry delay and the stall bound, with room for TCG. */
	lk->ctx->deadline = jiffies + msecs_to_jiffies(k->retry_delay_ms) +
		usecs_to_jiffies((u64)LEAK_MAX_BACKOFF_US * lk->attempts) +
		msecs_to_jiffies(lk->ctx->args->stall_timeout_ms) + 10 * HZ;
	atomic_set(&lk->ctx->parties, k->senders);
	for (i = 0; i < k->senders; i++)
		queue_work(lk->wq, &lk->senders[i].work);
	return wqf_ctx_drive(lk->ctx, &leak_drive_ops);
}

/* Stop every work item (an aborted run may have retries pending). */
static void leak_teardown(struct wqf_ctx *ctx)
{
	struct leak *lk = ctx->priv;
	struct leak_entry *e, *tmp;
	u32 i;

	if (lk->wq) {
		wqf_ctx_stop(lk->ctx);
		/* A sender queues its retry only before the abort. */
		for (i = 0; i < lk->k->senders; i++) {
			cancel_work_sync(&lk->senders[i].work);
			cancel_delayed_work_sync(&lk->senders[i].retry);
		}
		destroy_workqueue(lk->wq);
	}
	/* The run always cleans up: leaked entries go after the verdict. */
	list_for_each_entry_safe(e, tmp, &lk->table, node) {
		list_del(&e->node);
		kfree(e);
	}
	kvfree(lk->plan);
	kvfree(lk->senders);
	mutex_destroy(&lk->table_lock);
}

static void leak_results(struct wqf_ctx *ctx)
{
	struct leak *lk = ctx->priv;
	struct wqf_leak *k = lk->k;
	u32 i;

	k->opened = atomic_read(&lk->opened);
	k->written = atomic_read(&lk->written);
	k->write_faults = atomic_read(&lk->write_faults);
	k->connect_faults = atomic_read(&lk->connect_faults);
	k->close_attempts = atomic_read(&lk->close_attempts);
	k->close_faults = atomic_read(&lk->close_faults);
	k->torn_down = atomic_read(&lk->torn_down);
	k->retries = atomic_read(&lk->retries);
	k->retries_ok = atomic_read(&lk->retries_ok);
	k->retries_busy = atomic_read(&lk->retries_busy);

	/* In sender order, so the names do not depend on scheduling. */
	mutex_lock(&lk->table_lock);
	for (i = 0; i < k->senders; i++) {
		if (!leak_find_locked(lk, lk->senders[i].name))
			continue;
		if (k->leaked < LEAK_NAMES)
			strscpy(k->leaked_names[k->leaked], lk->senders[i].name,
				sizeof(k->leaked_names[0]));
		k->leaked++;
	}
	mutex_unlock(&lk->table_lock);
}

/* What the field table cannot say: knobs bounded by others. */
static int leak_validate(struct wqf_args *args)
{
	struct wqf_leak *k = wqf_args_payload(args);

	if (k->fault_write_at > k->buffers)
		return wqf_bad("fault_write_at (above buffers)", k->fault_write_at);
	if (k->fault_connect > k->senders)
		return wqf_bad("fault_connect (above senders)", k->fault_connect);
	return 0;
}

#define WQF_FIELDS_OF	struct wqf_leak

static const struct wqf_field leak_fields[] = {
	WQF_KNOB(senders, U32, 0, 1, LEAK_MAX_SENDERS, 1, NULL,
		 "sender work items, each with a file of its own"),
	WQF_KNOB(buffers, U32, 0, 1, LEAK_MAX_BUFFERS, 4, NULL, "buffers each sender writes"),
	WQF_KNOB(retry_delay_ms, U32, 0, 0, LEAK_MAX_RETRY_DELAY_MS, 10, "ms",
		 "a failed sender queues its retry as a delayed item this long after"),
	WQF_KNOB(close_retries, U32, WQF_FIELD_ZERO_DEFAULT, 1, LEAK_MAX_CLOSE_RETRIES,
		 LEAK_DEF_CLOSE_RETRIES, NULL,
		 "fixed variant: close attempts after the first (buggy tries once)"),
	WQF_KNOB(close_backoff_us, U32, WQF_FIELD_ZERO_DEFAULT, 1, LEAK_MAX_BACKOFF_US,
		 LEAK_DEF_BACKOFF_US, "us",
		 "fixed variant: sleep before the first close retry, doubled each time"),
	WQF_KNOB(fault_write_at, U32, WQF_FIELD_BOUNDED, 0, LEAK_MAX_BUFFERS, 1, NULL,
		 "forced fault: each sender's write of buffer N (from 1) fails; 0: none"),
	WQF_KNOB(fault_close, U32, 0, 0, LEAK_MAX_CLOSE_RETRIES + 1, 1, NULL,
		 "forced fault: the first N close attempts of each sender fail"),
	WQF_KNOB(fault_connect, U32, WQF_FIELD_BOUNDED, 0, LEAK_MAX_SENDERS, 0, NULL,
		 "forced fault: the opens of the first N senders fail (at most senders)"),
	WQF_RESULT(opened, U32, NULL, "entries the senders opened"),
	WQF_RESULT(written, U32, NULL, "buffers written"),
	WQF_RESULT(write_faults, U32, NULL, "writes that failed"),
	WQF_RESULT(connect_faults, U32, NULL, "opens that failed"),
	WQF_RESULT(close_attempts, U32, NULL, "close attempts, over every sender"),
	WQF_RESULT(close_faults, U32, NULL, "close attempts that failed"),
	WQF_RESULT(torn_down, U32, NULL, "fixed: entries torn down after every close failed"),
	WQF_RESULT(retries, U32, NULL, "retry work items that ran"),
	WQF_RESULT(retries_ok, U32, NULL, "retries that opened and closed their file"),
	WQF_RESULT(retries_busy, U32, NULL, "retries refused with EBUSY: the entry was still open"),
	WQF_RESULT(sites, U32, NULL, "fault-attr flag: fault sites decided before the start"),
	WQF_RESULT(sites_failed, U32, NULL, "of those, the ones fault_attr chose to fail"),
	WQF_RESULT(leaked, U32, NULL, "entries left in the table at the end"),
	WQF_RESULT_STRINGS(leaked_names,
			   "names of the first leaked entries"),
};

/* Entries left in the table when the run ended. */
static bool leak_leaked(const struct wqf_args *args)
{
	const struct wqf_leak *k = (const void *)args->data;

	return k->leaked;
}

const struct wqf_scenario wqf_scn_leak = {
	.owner = THIS_MODULE,
	.id = WQF_SCN_LEAK,
	.name = "leak",
	.variants = leak_variants,
	.nr_variants = ARRAY_SIZE(leak_variants),
	.flags = WQF_RUN_FAULT_ATTR | WQF_RUN_HANG,
	WQF_SCENARIO_PAYLOAD(struct wqf_leak, leak_fields, leaked_names),
	.validate = leak_validate,
	.priv_size = sizeof(struct leak),
	.setup = leak_setup,
	.start = leak_drive,
	.results = leak_results,
	.teardown = leak_teardown,
	.leaked = leak_leaked,
};
