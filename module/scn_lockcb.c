// SPDX-License-Identifier: GPL-2.0
/*
 * lockcb: a lock held while calling completions.
 *
 * A session table (list + lock) whose idle sessions a timeout scanner
 * expires. The scanner is a delayed work item on an ordered "service"
 * queue that unrelated bystander items share, as services share one
 * process. The buggy scanner calls each expired session's completion with
 * the table lock held; the completion needs that lock, either directly or
 * through flush_work() of the session's cleanup work item, which takes it.
 *
 * Recoverable: nobody blocks on the lock for real. The side that needs it
 * announces the acquisition to lockdep with might_lock() (so a debug kernel
 * prints its own report: recursive locking on the direct path, a circular
 * dependency through the work item's lockdep map on the flush path) and
 * then tries to take it with trylock until the stall timeout. When that
 * fails, the run records DEADLOCK with the session, the lock and the tasks,
 * aborts, and every party unwinds. See Documentation/scenarios.rst.
 *
 * Fix: claim the expired sessions onto a private list under the lock, drop
 * the lock, then call the completions. A client closing sessions at the
 * same time claims them under the same lock, so each session is completed
 * exactly once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": lockcb: " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "lock_ops.h"
#include "wqfault.h"

/*
 * The payload of WQF_SCN_LOCKCB: knobs, then results. Userspace finds
 * each field by name through WQF_IOC_FIELD_INFO, which publishes
 * lockcb_fields below (Documentation/knobs.rst); add new fields at the end.
 */
struct wqf_lockcb {
	u32 lock;
	u32 path;
	u32 sessions;
	u32 expired;
	u32 idle_ms;
	u32 bystanders;
	u32 closers;
	u32 completed;
	u32 double_completions;
	u32 lost;
	u32 bystanders_run;
	u32 diag_session;
	u32 diag_holder_pid;
	u32 diag_waiter_pid;
	u32 diag_recursive;
	u32 pad;
	u64 bystander_max_delay_us;
	u64 bystander_mean_delay_us;
};

#define LOCKCB_MAX_SESSIONS	100000
#define LOCKCB_MAX_BYSTANDERS	10000
#define LOCKCB_MAX_IDLE_MS	60000

struct lockcb;
struct lockcb_session;

typedef void (*lockcb_fn)(struct lockcb *lk, struct lockcb_session *s);

enum { SESS_CLAIMED };

struct lockcb_session {
	struct list_head node;		/* in the table, or a scanner's private list */
	struct work_struct cleanup;	/* flush path: takes the table lock */
	struct lockcb *lk;
	unsigned long flags;
	atomic_t completions;	/* calls of the completion routine */
	bool done;		/* a completion finished its work */
	u32 id;
	bool expired;
	bool closing;
	bool client_claimed;	/* the client, not the scanner, claimed it */
};

struct lockcb_bystander {
	struct work_struct work;
	struct lockcb *lk;
	ktime_t queued;
	s64 delay_us;
};

struct lockcb_closer {
	struct work_struct work;
	struct lockcb *lk;
};

struct lockcb {
	struct wqf_ctx *ctx;
	struct wqf_lockcb *k;
	struct wqf_lock lock;		/* the table lock: protects table, claims */
	struct task_struct *holder;	/* who holds the table lock, for the diagnosis */
	struct list_head table;
	struct lockcb_session *sessions;
	struct lockcb_bystander *bystanders;
	struct lockcb_closer closer;
	struct delayed_work scan;
	struct workqueue_struct *svc_wq;	/* ordered: the scanner and bystanders */
	struct workqueue_struct *aux_wq;	/* cleanup items and the closing client */
	bool scan_started;
	bool annotate;			/* might_lock() for lockdep */
};

/* Run @fn under the table lock if it is free, the way a completion reads. */
static bool lockcb_try_run(struct lockcb *lk, lockcb_fn fn, struct lockcb_session *s)
{
	if (!lk->lock.ops->trylock_read(&lk->lock))
		return false;
	fn(lk, s);
	lk->lock.ops->unlock_read(&lk->lock);
	return true;
}

/*
 * Lockdep keeps its graph for the whole boot and keys classes by where a
 * lock or work item is initialised. Each variant gets classes of its own,
 * so the edges a buggy run records (table lock -> cleanup work) are not
 * held against a later fixed run in the same boot.
 */
static struct lock_class_key lockcb_lock_keys[2][3];	/* [variant][lock kind] */
static const char * const lockcb_lock_names[2] = {
	[WQF_LOCKCB_BUGGY] = "wqf_lockcb_table_buggy",
	[WQF_LOCKCB_FIXED] = "wqf_lockcb_table_fixed",
};

static const char * const lockcb_variants[] = {
	[WQF_LOCKCB_BUGGY] = "buggy",
	[WQF_LOCKCB_FIXED] = "fixed",
};

static const char * const lockcb_paths[] = {
	[WQF_LOCKCB_DIRECT] = "direct",
	[WQF_LOCKCB_FLUSH] = "flush",
};

static void lockcb_event(struct lockcb *lk)
{
	wqf_ctx_event(lk->ctx);
}

static void lockcb_table_lock(struct lockcb *lk)
{
	lk->lock.ops->lock(&lk->lock);
	WRITE_ONCE(lk->holder, current);
}

static void lockcb_table_unlock(struct lockcb *lk)
{
	WRITE_ONCE(lk->holder, NULL);
	lk->lock.ops->unlock(&lk->lock);
}

/* The first completion that cannot get the lock: the verdict. True if first. */
static bool lockcb_deadlock(struct lockcb *lk, struct lockcb_session *s)
{
	struct task_struct *holder = READ_ONCE(lk->holder);
	struct wqf_lockcb *k = lk->k;

	if (xchg(&lk->ctx->deadlocked, true))
		return false;
	k->diag_session = s->id;
	k->diag_holder_pid = holder ? task_pid_nr(holder) : 0;
	k->diag_waiter_pid = task_pid_nr(current);
	k->diag_recursive = holder == current;
	wqf_ctx_deadlock(lk->ctx, ktime_us_delta(ktime_get(), lk->ctx->start));
	pr_warn("run %llu: session %u: %s completion could not get the %s held by pid %u (%s) for %u ms\n",
		lk->ctx->id, s->id, lockcb_paths[k->path], lk->lock.ops->name,
		k->diag_holder_pid, k->diag_recursive ? "itself" : "another task",
		jiffies_to_msecs(lk->ctx->stall));
	/* hang mode: the driving thread holds the hang, then aborts */
	if (!lk->ctx->hang)
		wqf_ctx_stop(lk->ctx);
	lockcb_event(lk);
	return true;
}

/*
 * Hang mode, after the verdict: stay stuck the way the real waiter is
 * until the run is released or aborted (bounded all the same). A sleeping
 * lock's waiter sleeps in one uninterruptible wait, which hung_task sees;
 * a spinlock's waiter keeps spinning with preemption off, which the soft
 * lockup detector and RCU see. Only the first stuck completion hangs: the
 * scanner meets the rest one by one, and a hang each would add up. If the
 * bound passes first (the driving thread could not run: with one CPU
 * online, this spinning one), the run is stopped from here.
 */
static void lockcb_hang(struct lockcb *lk)
{
	struct wqf_ctx *ctx = lk->ctx;
	unsigned long bound = jiffies + lk->ctx->stall +
			      msecs_to_jiffies(ctx->args->hang.hang_ms) + 10 * HZ;

	if (lk->lock.ops->sleeps)
		wait_event_timeout(ctx->hang_wq, wqf_ctx_aborted(ctx),
				   bound - jiffies);
	else
		while (!wqf_ctx_aborted(ctx) && time_before(jiffies, bound))
			cpu_relax();
	wqf_ctx_stop(ctx);
}

/*
 * Run @fn under the table lock the way a completion takes it: tell lockdep,
 * then try until the stall timeout. Sleeping kinds nap between tries; a
 * spinlock waiter spins (it may be inside the scanner's spinlock section).
 * Only a completion's wait decides the verdict (@diagnose); a client that
 * times out is a victim, like the bystanders, and just gives up.
 */
static bool lockcb_run_locked(struct lockcb *lk, struct lockcb_session *s,
			      lockcb_fn fn, bool diagnose)
{
	unsigned long deadline = jiffies + lk->ctx->stall;

	if (lk->annotate)
		lk->lock.ops->might_read(&lk->lock);
	for (;;) {
		if (lockcb_try_run(lk, fn, s))
			return true;
		if (wqf_ctx_aborted(lk->ctx))
			return false;
		if (time_after(jiffies, deadline)) {
			if (diagnose && lockcb_deadlock(lk, s) && lk->ctx->hang)
				lockcb_hang(lk);
			return false;
		}
		if (lk->lock.ops->sleeps)
			usleep_range(100, 200);
		else
			cpu_relax();
	}
}

/* Under the lock, for a completion: account the closed session. */
static void lockcb_account_locked(struct lockcb *lk, struct lockcb_session *s)
{
	WRITE_ONCE(lk->holder, current);
	WRITE_ONCE(s->done, true);
	WRITE_ONCE(lk->holder, NULL);
}

/* The completion's own use of the table. */
static void lockcb_account(struct lockcb *lk, struct lockcb_session *s)
{
	lockcb_run_locked(lk, s, lockcb_account_locked, true);
}

static void lockcb_cleanup_fn(struct work_struct *work)
{
	struct lockcb_session *s = container_of(work, struct lockcb_session, cleanup);

	lockcb_account(s->lk, s);
}

/* A session's completion routine. */
static void lockcb_complete(struct lockcb *lk, struct lockcb_session *s)
{
	atomic_inc(&s->completions);
	if (wqf_ctx_aborted(lk->ctx))
		return;
	if (lk->k->path == WQF_LOCKCB_DIRECT) {
		lockcb_account(lk, s);
		return;
	}
	queue_work(lk->aux_wq, &s->cleanup);
	flush_work(&s->cleanup);
}

static void lockcb_scan_fn(struct work_struct *work)
{
	struct lockcb *lk = container_of(to_delayed_work(work), struct lockcb, scan);
	struct lockcb_session *s, *t;
	LIST_HEAD(expired);

	WRITE_ONCE(lk->scan_started, true);
	lockcb_event(lk);
	lockcb_table_lock(lk);
	list_for_each_entry_safe(s, t, &lk->table, node) {
		if (!s->expired || test_and_set_bit(SESS_CLAIMED, &s->flags))
			continue;
		if (lk->ctx->args->variant == WQF_LOCKCB_FIXED) {
			list_move_tail(&s->node, &expired);
			continue;
		}
		/* The bug: the completion runs under the table lock. */
		list_del_init(&s->node);
		lockcb_complete(lk, s);
	}
	lockcb_table_unlock(lk);
	list_for_each_entry_safe(s, t, &expired, node) {
		list_del_init(&s->node);
		lockcb_complete(lk, s);
	}
	atomic_dec(&lk->ctx->parties);
	lockcb_event(lk);
}

static void lockcb_bystander_fn(struct work_struct *work)
{
	struct lockcb_bystander *b = container_of(work, struct lockcb_bystander, work);
	struct lockcb *lk = b->lk;

	b->delay_us = ktime_us_delta(ktime_get(), b->queued);
	atomic_dec(&lk->ctx->parties);
	lockcb_event(lk);
}

/* Under the lock, for the client: claim the session unless the scanner has. */
static void lockcb_claim_locked(struct lockcb *lk, struct lockcb_session *s)
{
	WRITE_ONCE(lk->holder, current);
	s->client_claimed = !test_and_set_bit(SESS_CLAIMED, &s->flags);
	if (s->client_claimed)
		list_del_init(&s->node);
	WRITE_ONCE(lk->holder, NULL);
}

/* A client closing its sessions while the scanner runs. */
static void lockcb_closer_fn(struct work_struct *work)
{
	struct lockcb *lk = container_of(work, struct lockcb, closer.work);
	u32 i;

	for (i = 0; i < lk->k->closers && !wqf_ctx_aborted(lk->ctx); i++) {
		struct lockcb_session *s = &lk->sessions[i];

		if (!lockcb_run_locked(lk, s, lockcb_claim_locked, false))
			break;
		if (s->client_claimed)
			lockcb_complete(lk, s);
	}
	atomic_dec(&lk->ctx->parties);
	lockcb_event(lk);
}

static int lockcb_setup(struct wqf_ctx *ctx)
{
	struct lockcb *lk = ctx->priv;
	struct wqf_lockcb *k = wqf_args_payload(ctx->args);
	u32 v = ctx->args->variant, i;

	lk->ctx = ctx;
	lk->k = k;
	lk->annotate = !(ctx->args->flags & WQF_RUN_NO_LOCKDEP);
	wqf_lock_init(&lk->lock, k->lock, &lockcb_lock_keys[v][k->lock], lockcb_lock_names[v]);

	/* Large tables fail cleanly (ENOMEM), without calling the OOM killer. */
	lk->sessions = kvcalloc(k->sessions, sizeof(*lk->sessions),
				GFP_KERNEL | __GFP_RETRY_MAYFAIL);
	lk->bystanders = kvcalloc(max(k->bystanders, 1U), sizeof(*lk->bystanders),
				  GFP_KERNEL | __GFP_RETRY_MAYFAIL);
	if (!lk->sessions || !lk->bystanders)
		return -ENOMEM;
	INIT_LIST_HEAD(&lk->table);
	for (i = 0; i < k->sessions; i++) {
		struct lockcb_session *s = &lk->sessions[i];

		/* 100,000 sessions take a while to set up: look for an abort. */
		if (!(i & 1023) && wqf_ctx_poll(lk->ctx))
			return -ECANCELED;
		s->id = i;
		s->lk = lk;
		s->expired = i < k->expired;
		s->closing = i < k->closers;
		/* Two INIT_WORK sites: one lockdep class per variant. */
		if (lk->ctx->args->variant == WQF_LOCKCB_FIXED)
			INIT_WORK(&s->cleanup, lockcb_cleanup_fn);
		else
			INIT_WORK(&s->cleanup, lockcb_cleanup_fn);
		list_add_tail(&s->node, &lk->table);
	}
	for (i = 0; i < k->bystanders; i++) {
		INIT_WORK(&lk->bystanders[i].work, lockcb_bystander_fn);
		lk->bystanders[i].lk = lk;
	}
	INIT_WORK(&lk->closer.work, lockcb_closer_fn);
	lk->closer.lk = lk;
	INIT_DELAYED_WORK(&lk->scan, lockcb_scan_fn);
	lk->svc_wq = alloc_ordered_workqueue("wqf_svc%llu", 0, lk->ctx->id);
	lk->aux_wq = alloc_workqueue("wqf_aux%llu", WQ_UNBOUND, 0, lk->ctx->id);
	return lk->svc_wq && lk->aux_wq ? 0 : -ENOMEM;
}

/* Wait for every work item of the run: nothing touches the sessions after. */
static void lockcb_stop(struct wqf_ctx *ctx)
{
	struct lockcb *lk = ctx->priv;

	if (lk->svc_wq) {
		cancel_delayed_work_sync(&lk->scan);
		destroy_workqueue(lk->svc_wq);
	}
	if (lk->aux_wq)
		destroy_workqueue(lk->aux_wq);
}

/* Only after lockcb_results(): the tallies are read from these arrays. */
static void lockcb_free(struct wqf_ctx *ctx)
{
	struct lockcb *lk = ctx->priv;

	kvfree(lk->bystanders);
	kvfree(lk->sessions);
	wqf_lock_destroy(&lk->lock);
}

/* Start the scanner, then bystanders and the closer once it runs. */
static u32 lockcb_drive(struct wqf_ctx *ctx)
{
	struct lockcb *lk = ctx->priv;
	struct wqf_lockcb *k = lk->k;
	unsigned long deadline;
	int ret;
	u32 i;

	atomic_set(&lk->ctx->parties, 1 + k->bystanders + !!k->closers);
	queue_delayed_work(lk->svc_wq, &lk->scan, msecs_to_jiffies(k->idle_ms));
	deadline = jiffies + msecs_to_jiffies(k->idle_ms) + lk->ctx->stall + 10 * HZ;
	ret = wqf_ctx_wait_until(lk->ctx, READ_ONCE(lk->scan_started), deadline);
	/*
	 * The stop of a deadlock verdict (the scanner started and stalled
	 * before this thread ran again) is not an abort of the run.
	 */
	if (ret == -ETIMEDOUT || (ret && !READ_ONCE(lk->ctx->deadlocked)))
		return WQF_VERDICT_ABORTED;
	/* Behind the running scanner on its ordered service queue. */
	for (i = 0; i < k->bystanders; i++) {
		lk->bystanders[i].queued = ktime_get();
		queue_work(lk->svc_wq, &lk->bystanders[i].work);
	}
	if (k->closers)
		queue_work(lk->aux_wq, &lk->closer.work);
	/* Every party's waits are bounded by the stall timeout. */
	return wqf_ctx_drive(lk->ctx, NULL);
}

static void lockcb_results(struct wqf_ctx *ctx)
{
	struct lockcb *lk = ctx->priv;
	struct wqf_lockcb *k = lk->k;
	s64 sum = 0;
	u32 i;

	for (i = 0; i < k->sessions; i++) {
		struct lockcb_session *s = &lk->sessions[i];
		int n = atomic_read(&s->completions);

		k->completed += READ_ONCE(s->done);
		k->double_completions += n > 1;
		k->lost += n == 0 && (s->expired || s->closing);
	}
	for (i = 0; i < k->bystanders; i++) {
		s64 d = lk->bystanders[i].delay_us;

		if (!lk->bystanders[i].queued)
			continue;
		k->bystanders_run++;
		sum += d;
		k->bystander_max_delay_us = max_t(u64, k->bystander_max_delay_us, d);
	}
	if (k->bystanders_run)
		k->bystander_mean_delay_us = div_u64(sum, k->bystanders_run);
}

/* What the field table cannot say: knobs bounded or derived by others. */
static int lockcb_validate(struct wqf_args *args)
{
	struct wqf_lockcb *k = wqf_args_payload(args);

	if (k->path == WQF_LOCKCB_FLUSH && k->lock == WQF_LOCK_SPINLOCK)
		return wqf_bad("path flush with a spinlock (flushing sleeps)",
			       k->path);
	if (!k->expired)
		k->expired = k->sessions;
	if (k->expired > k->sessions)
		return wqf_bad("expired (above sessions)", k->expired);
	if (k->closers > k->sessions)
		return wqf_bad("closers (above sessions)", k->closers);
	return 0;
}

#define WQF_FIELDS_OF	struct wqf_lockcb

static const struct wqf_field lockcb_fields[] = {
	WQF_KNOB_ENUM(lock, wqf_lock_names, WQF_LOCK_MUTEX,
		      "the session table's lock"),
	WQF_KNOB_ENUM(path, lockcb_paths, WQF_LOCKCB_DIRECT,
		      "a completion takes the lock, or flushes a cleanup item that does"),
	WQF_KNOB(sessions, U32, 0, 1, LOCKCB_MAX_SESSIONS, 8, NULL, "sessions in the table"),
	WQF_KNOB(expired, U32, WQF_FIELD_AUTO | WQF_FIELD_BOUNDED, 1, LOCKCB_MAX_SESSIONS, 0, NULL,
		 "sessions past their idle deadline, the first ones (0: all)"),
	WQF_KNOB(idle_ms, U32, 0, 0, LOCKCB_MAX_IDLE_MS, 10, "ms",
		 "the scanner, a delayed work item, runs this long after the start"),
	WQF_KNOB(bystanders, U32, 0, 0, LOCKCB_MAX_BYSTANDERS, 4, NULL,
		 "unrelated items on the scanner's ordered service queue"),
	WQF_KNOB(closers, U32, WQF_FIELD_BOUNDED, 0, LOCKCB_MAX_SESSIONS, 0, NULL,
		 "sessions a client also closes while the scanner runs (at most sessions)"),
	WQF_RESULT(completed, U32, NULL, "sessions whose completion ran to its end"),
	WQF_RESULT(double_completions, U32, NULL, "sessions completed twice"),
	WQF_RESULT(lost, U32, NULL, "expired or closed sessions never completed"),
	WQF_RESULT(bystanders_run, U32, NULL, "bystander items that ran"),
	WQF_DIAG(diag_session, U32, NULL,
		 "the session whose completion could not get the lock"),
	WQF_DIAG(diag_holder_pid, U32, NULL, "pid of the task holding the lock"),
	WQF_DIAG(diag_waiter_pid, U32, NULL, "pid of the task waiting for it"),
	WQF_DIAG(diag_recursive, U32, NULL, "1 if holder and waiter are one task"),
	WQF_RESULT(bystander_max_delay_us, U64, "us", "longest a bystander waited to start"),
	WQF_RESULT(bystander_mean_delay_us, U64, "us", "mean wait of the bystanders to start"),
};

/* A session never completed, or completed twice. */
static bool lockcb_leaked(const struct wqf_args *args)
{
	const struct wqf_lockcb *k = (const void *)args->data;

	return k->lost || k->double_completions;
}

const struct wqf_scenario wqf_scn_lockcb = {
	.owner = THIS_MODULE,
	.id = WQF_SCN_LOCKCB,
	.name = "lockcb",
	.variants = lockcb_variants,
	.nr_variants = ARRAY_SIZE(lockcb_variants),
	.flags = WQF_RUN_NO_LOCKDEP | WQF_RUN_HANG,
	WQF_SCENARIO_PAYLOAD(struct wqf_lockcb, lockcb_fields, bystander_mean_delay_us),
	.validate = lockcb_validate,
	.priv_size = sizeof(struct lockcb),
	.setup = lockcb_setup,
	.start = lockcb_drive,
	.stop = lockcb_stop,
	.results = lockcb_results,
	.teardown = lockcb_free,
	.leaked = lockcb_leaked,
};
