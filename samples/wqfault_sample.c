// SPDX-License-Identifier: GPL-2.0
/*
 * A scenario of its own, in a module of its own: what a kernel developer
 * writes to try a workqueue design on wqfault. It registers "selfflush":
 * reset items each queue a delete item and wait for it; in the buggy
 * variant the delete goes on the reset's own queue, behind the resets, so
 * with max_active resets waiting the deletes never start. The fixed
 * variant gives the deletes a queue of their own. wqfault's CLI, sweep,
 * hang mode, tracing and kernel log handle it with no change to wqfault.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "wqfault.h"

/* Its id: registered scenarios take theirs from WQF_SCN_USER_BASE. */
#define SF_ID		(WQF_SCN_USER_BASE + 1)
#define SF_MAX_RESETS	64

/**
 * struct sf_payload - knobs and results of selfflush (its UAPI, declared
 * by the field table below; userspace reads it through WQF_IOC_FIELD_INFO)
 * @max_active: the reset queue's max_active
 * @resets: reset items queued at the start
 * @delete_delay_us: how long a delete item works
 * @completed: resets whose delete ran in time
 * @waited_max_us: longest a reset waited for its delete
 * @diag_waiting: at the stall: resets waiting for their delete
 * @diag_parked: at the stall: deletes queued and not started
 */
struct sf_payload {
	__u32 max_active;
	__u32 resets;
	__u32 delete_delay_us;
	__u32 completed;
	__u64 waited_max_us;
	__u32 diag_waiting;
	__u32 diag_parked;
};

enum { SF_BUGGY, SF_FIXED };

static const char * const sf_variants[] = {
	[SF_BUGGY] = "buggy",
	[SF_FIXED] = "fixed",
};

#define WQF_FIELDS_OF	struct sf_payload

static const struct wqf_field sf_fields[] = {
	WQF_KNOB(max_active, U32, 0, 1, 8, 1, NULL, "the reset queue's max_active"),
	WQF_KNOB(resets, U32, 0, 1, SF_MAX_RESETS, 1, NULL,
		 "reset items queued at the start, each waiting for its delete"),
	WQF_KNOB(delete_delay_us, U32, 0, 0, 100000, 0, "us", "how long a delete works"),
	WQF_RESULT(completed, U32, NULL, "resets whose delete ran in time"),
	WQF_RESULT(waited_max_us, U64, "us", "longest a reset waited for its delete"),
	WQF_DIAG(diag_waiting, U32, NULL,
		 "resets waiting for their delete at the stall"),
	WQF_DIAG(diag_parked, U32, NULL,
		 "deletes queued and not started at the stall"),
};

struct sf_run;

struct sf_item {
	struct work_struct reset;
	struct work_struct del;
	struct completion deleted;
	struct sf_run *sf;
	unsigned long waiting_since;	/* jiffies, 0 when not waiting */
	atomic_t del_started;
	u64 waited_us;
	bool done;
};

struct sf_run {
	struct wqf_ctx *ctx;
	struct sf_payload *k;
	struct workqueue_struct *wq, *del_wq;
	struct sf_item *items;
	struct completion go;	/* the start gate: every reset is queued */
};

static void sf_delete_fn(struct work_struct *work)
{
	struct sf_item *it = container_of(work, struct sf_item, del);

	atomic_set(&it->del_started, 1);
	if (it->sf->k->delete_delay_us)
		usleep_range(it->sf->k->delete_delay_us, it->sf->k->delete_delay_us + 10);
	wqf_complete_all(it->sf->ctx, &it->deleted);
	wqf_ctx_event(it->sf->ctx);
}

static void sf_diagnose(struct sf_run *sf)
{
	u32 i;

	for (i = 0; i < sf->k->resets; i++) {
		sf->k->diag_waiting += !!READ_ONCE(sf->items[i].waiting_since);
		sf->k->diag_parked += work_pending(&sf->items[i].del) &&
				      !atomic_read(&sf->items[i].del_started);
	}
}

/* The first reset whose delete did not come within the stall: the verdict. */
static void sf_stall(struct sf_run *sf)
{
	struct wqf_ctx *ctx = sf->ctx;

	if (xchg(&ctx->deadlocked, true))
		return;
	sf_diagnose(sf);
	wqf_ctx_deadlock(ctx, ktime_us_delta(ktime_get(), ctx->start));
	/* hang mode: the driving thread holds the stall, then stops the run */
	if (!ctx->hang)
		wqf_ctx_stop(ctx);
	wqf_ctx_event(ctx);
}

static void sf_reset_fn(struct work_struct *work)
{
	struct sf_item *it = container_of(work, struct sf_item, reset);
	struct sf_run *sf = it->sf;
	struct wqf_ctx *ctx = sf->ctx;
	ktime_t t0 = ktime_get();
	int ret;

	/*
	 * The start gate: every reset is queued before any queues its delete,
	 * so the resets hold their slots first and the outcome does not
	 * depend on how fast the first ones run.
	 */
	ret = wqf_wait(ctx, &sf->go, jiffies + ctx->stall + 10 * HZ);
	if (ret)
		goto out;
	queue_work(sf->del_wq, &it->del);
	WRITE_ONCE(it->waiting_since, jiffies ?: 1);
	ret = wqf_wait(ctx, &it->deleted, jiffies + ctx->stall);
	if (ret == -ETIMEDOUT) {
		sf_stall(sf);
		/* Hang mode: stay blocked as the real flush would, until released. */
		if (ctx->hang)
			ret = wqf_wait(ctx, &it->deleted, jiffies + ctx->stall + 10 * HZ +
				       msecs_to_jiffies(ctx->args->hang.hang_ms));
	}
	it->done = !ret;
	it->waited_us = ktime_us_delta(ktime_get(), t0);
	WRITE_ONCE(it->waiting_since, 0);
out:
	atomic_dec(&ctx->parties);
	wqf_ctx_event(ctx);
}

/* The queues and items; the harness allocated struct sf_run (ctx->priv). */
static int sf_setup(struct wqf_ctx *ctx)
{
	struct sf_run *sf = ctx->priv;
	u32 i;

	sf->ctx = ctx;
	sf->k = wqf_args_payload(ctx->args);
	init_completion(&sf->go);
	sf->items = kcalloc(sf->k->resets, sizeof(*sf->items), GFP_KERNEL);
	sf->wq = alloc_workqueue("wqf_sample", WQ_UNBOUND, sf->k->max_active);
	sf->del_wq = ctx->args->variant == SF_FIXED ?
		alloc_workqueue("wqf_sample_del", WQ_UNBOUND, 0) : sf->wq;
	if (!sf->items || !sf->wq || !sf->del_wq)
		return -ENOMEM;
	for (i = 0; i < sf->k->resets; i++) {
		struct sf_item *it = &sf->items[i];

		it->sf = sf;
		INIT_WORK(&it->reset, sf_reset_fn);
		INIT_WORK(&it->del, sf_delete_fn);
		init_completion(&it->deleted);
	}
	return 0;
}

/* Queue the resets; the harness's loop: progress, the stall, the hold. */
static u32 sf_start(struct wqf_ctx *ctx)
{
	struct sf_run *sf = ctx->priv;
	u32 i;

	atomic_set(&ctx->parties, sf->k->resets);
	for (i = 0; i < sf->k->resets; i++)
		queue_work(sf->wq, &sf->items[i].reset);
	wqf_complete_all(ctx, &sf->go);
	return wqf_ctx_drive(ctx, NULL);
}

static void sf_results(struct wqf_ctx *ctx)
{
	struct sf_run *sf = ctx->priv;
	u32 i;

	for (i = 0; i < sf->k->resets; i++) {
		sf->k->completed += sf->items[i].done;
		sf->k->waited_max_us = max(sf->k->waited_max_us, sf->items[i].waited_us);
	}
}

/* The resets have returned; destroying drains the deletes they queued. */
static void sf_teardown(struct wqf_ctx *ctx)
{
	struct sf_run *sf = ctx->priv;

	if (sf->del_wq && sf->del_wq != sf->wq)
		destroy_workqueue(sf->del_wq);
	if (sf->wq)
		destroy_workqueue(sf->wq);
	kfree(sf->items);
}

static const struct wqf_scenario sf_scenario = {
	.owner = THIS_MODULE,
	.id = SF_ID,
	.name = "selfflush",
	.variants = sf_variants,
	.nr_variants = ARRAY_SIZE(sf_variants),
	.flags = WQF_RUN_HANG,
	.fields = sf_fields,
	.nr_fields = ARRAY_SIZE(sf_fields),
	.payload_size = sizeof(struct sf_payload),
	.priv_size = sizeof(struct sf_run),
	.setup = sf_setup,
	.start = sf_start,
	.results = sf_results,
	.teardown = sf_teardown,
};

static int __init sf_init(void)
{
	return wqfault_register_scenario(&sf_scenario);
}

static void __exit sf_exit(void)
{
	wqfault_unregister_scenario(&sf_scenario);
}

module_init(sf_init);
module_exit(sf_exit);

MODULE_DESCRIPTION("wqfault sample: a scenario registered by another module");
MODULE_LICENSE("GPL");
