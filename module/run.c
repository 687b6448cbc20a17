// SPDX-License-Identifier: GPL-2.0
/*
 * Run context: the one bounded wait every scenario uses, abort, the cap on
 * runs in progress, and the start/end lines that make a console log
 * describe itself.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "wqfault.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/* Longest single sleep in a bounded wait: how late an abort is seen. */
#define WQF_DEFAULT_SLICE	(HZ / 50)
/* Room for the knobs or results of one scenario in a log line. */
#define WQF_LINE_LEN		384

static atomic_t wqf_nr_runs = ATOMIC_INIT(0);
static atomic64_t wqf_last_id = ATOMIC64_INIT(0);

/**
 * wqf_ctx_init() - prepare a run context
 * @ctx: the context to initialise
 */
void wqf_ctx_init(struct wqf_ctx *ctx)
{
	ctx->aborted = false;
	ctx->slice = WQF_DEFAULT_SLICE ? WQF_DEFAULT_SLICE : 1;
	INIT_LIST_HEAD(&ctx->node);
}
EXPORT_SYMBOL_GPL(wqf_ctx_init);

/**
 * wqf_ctx_abort() - make every current and future wait of @ctx return
 * @ctx: the run to abort
 *
 * Safe from any context. Waiters notice within one slice.
 */
void wqf_ctx_abort(struct wqf_ctx *ctx)
{
	WRITE_ONCE(ctx->aborted, true);
}
EXPORT_SYMBOL_GPL(wqf_ctx_abort);

/**
 * wqf_ctx_aborted() - has @ctx been aborted?
 * @ctx: the run
 *
 * Return: true once wqf_ctx_abort() was called.
 */
bool wqf_ctx_aborted(const struct wqf_ctx *ctx)
{
	return READ_ONCE(ctx->aborted);
}
EXPORT_SYMBOL_GPL(wqf_ctx_aborted);

/**
 * wqf_wait() - wait for @done, bounded by @deadline and by abort
 * @ctx: the run the waiter belongs to
 * @done: the completion to wait for
 * @deadline: absolute time in jiffies after which the wait gives up
 *
 * Sleeps uninterruptibly in slices of at most @ctx->slice jiffies, so an
 * abort is seen quickly and no wait is ever unbounded.
 *
 * Return: 0 if @done completed, -ECANCELED if the run was aborted first,
 * -ETIMEDOUT if @deadline passed first.
 */
int wqf_wait(struct wqf_ctx *ctx, struct completion *done,
	     unsigned long deadline)
{
	for (;;) {
		long left = (long)(deadline - jiffies);

		if (wqf_ctx_aborted(ctx))
			return -ECANCELED;
		if (left <= 0)
			return try_wait_for_completion(done) ? 0 : -ETIMEDOUT;
		if (wait_for_completion_timeout(done,
						min_t(long, left, ctx->slice)))
			return 0;
	}
}
EXPORT_SYMBOL_GPL(wqf_wait);

/**
 * wqf_ctx_tick() - sleep until @seq moves on from @seen, or one tick
 * @ctx: the run
 * @wq: where the run's parties wake the driving thread
 * @seq: a progress counter the parties advance
 * @seen: the value of @seq the caller last acted on
 *
 * The driving thread's one way to wait: interruptible, so a signal to the
 * client (Ctrl-C, kill) aborts the run, and never longer than 10 ms, so
 * watchdogs and deadlines are checked often.
 *
 * Return: true if the run must stop (aborted, or the caller was signalled).
 */
bool wqf_ctx_tick(struct wqf_ctx *ctx, wait_queue_head_t *wq, atomic_t *seq,
		  int seen)
{
	long ret;

	ret = wait_event_interruptible_timeout(*wq, atomic_read(seq) != seen ||
					       wqf_ctx_aborted(ctx),
					       max_t(long, msecs_to_jiffies(10), 1));
	if (ret < 0)
		wqf_ctx_abort(ctx);
	return wqf_ctx_aborted(ctx);
}
EXPORT_SYMBOL_GPL(wqf_ctx_tick);

/**
 * wqf_owner_init() - prepare an owner (one per open file)
 * @owner: the owner to initialise
 */
void wqf_owner_init(struct wqf_owner *owner)
{
	spin_lock_init(&owner->lock);
	INIT_LIST_HEAD(&owner->runs);
}
EXPORT_SYMBOL_GPL(wqf_owner_init);

/**
 * wqf_owner_abort() - abort the runs in progress of @owner
 * @owner: the owner
 * @files: abort only runs started by tasks sharing this files_struct, or
 *         every run if NULL
 */
void wqf_owner_abort(struct wqf_owner *owner, const void *files)
{
	struct wqf_ctx *ctx;

	spin_lock(&owner->lock);
	list_for_each_entry(ctx, &owner->runs, node)
		if (!files || ctx->files == files)
			wqf_ctx_abort(ctx);
	spin_unlock(&owner->lock);
}
EXPORT_SYMBOL_GPL(wqf_owner_abort);

/**
 * wqf_runs_in_progress() - how many runs are in progress now
 *
 * Return: the number of runs between start and end, over all owners.
 */
int wqf_runs_in_progress(void)
{
	return atomic_read(&wqf_nr_runs);
}
EXPORT_SYMBOL_GPL(wqf_runs_in_progress);

static int wqf_validate(struct wqf_run *args, const struct wqf_scenario *scn)
{
	if (!scn) {
		pr_warn_ratelimited("unknown scenario %u\n", args->scenario);
		return -EINVAL;
	}
	if (args->variant >= scn->nr_variants) {
		pr_warn_ratelimited("%s: unknown variant %u\n", scn->name,
				    args->variant);
		return -EINVAL;
	}
	if (args->flags & ~scn->flags) {
		pr_warn_ratelimited("%s: run flags 0x%x unknown or not for it\n",
				    scn->name, args->flags & ~scn->flags);
		return -EINVAL;
	}
	if (!args->stall_timeout_ms)
		args->stall_timeout_ms = WQF_STALL_DEFAULT_MS;
	if (args->stall_timeout_ms < WQF_STALL_MIN_MS ||
	    args->stall_timeout_ms > WQF_STALL_MAX_MS) {
		pr_warn_ratelimited("stall_timeout_ms %u outside %u..%u\n",
				    args->stall_timeout_ms, WQF_STALL_MIN_MS,
				    WQF_STALL_MAX_MS);
		return -EINVAL;
	}
	args->verdict = WQF_VERDICT_NONE;
	args->run_id = 0;
	args->elapsed_us = 0;
	args->verdict_us = 0;
	return scn->validate(args);
}

/**
 * wqf_run_scenario() - validate and carry out one run to its verdict
 * @args: knobs in, verdict and results out
 * @owner: the open file the run belongs to (for abort), or NULL
 *
 * Prints a start line with every knob and an end line with the verdict and
 * results. Blocks until the run is over; every wait inside is bounded.
 *
 * Return: 0 with @args->verdict set, -EINVAL on bad knobs, -EBUSY if
 * WQF_MAX_RUNS runs are in progress, -ENOMEM.
 */
int wqf_run_scenario(struct wqf_run *args, struct wqf_owner *owner)
{
	const struct wqf_scenario *scn = wqf_scenario_by_id(args->scenario);
	struct wqf_ctx *ctx;
	char *line;
	ktime_t start;
	int ret;

	ret = wqf_validate(args, scn);
	if (ret)
		return ret;
	if (atomic_inc_return(&wqf_nr_runs) > WQF_MAX_RUNS) {
		pr_warn_ratelimited("%d runs in progress already\n", WQF_MAX_RUNS);
		ret = -EBUSY;
		goto err_dec;
	}
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	line = kmalloc(WQF_LINE_LEN, GFP_KERNEL);
	if (!ctx || !line) {
		ret = -ENOMEM;
		goto err_free;
	}
	wqf_ctx_init(ctx);
	ctx->id = atomic64_inc_return(&wqf_last_id);
	ctx->args = args;
	ctx->files = current->files;
	args->run_id = ctx->id;
	if (owner) {
		spin_lock(&owner->lock);
		list_add_tail(&ctx->node, &owner->runs);
		spin_unlock(&owner->lock);
	}

	scn->describe(args, line, WQF_LINE_LEN);
	pr_info("%s start: run=%llu variant=%s flags=0x%x stall_timeout_ms=%u %s\n",
		scn->name, ctx->id, scn->variants[args->variant], args->flags,
		args->stall_timeout_ms, line);
	start = ktime_get();
	ret = scn->run(ctx);
	args->elapsed_us = ktime_us_delta(ktime_get(), start);
	if (!ret) {
		scn->report(args, line, WQF_LINE_LEN);
		pr_info("%s end: run=%llu verdict=%s elapsed_us=%llu verdict_us=%llu %s\n",
			scn->name, ctx->id, wqf_verdict_name(args->verdict),
			args->elapsed_us, args->verdict_us, line);
	} else {
		pr_info("%s end: run=%llu error=%d\n", scn->name, ctx->id, ret);
	}

	if (owner) {
		spin_lock(&owner->lock);
		list_del(&ctx->node);
		spin_unlock(&owner->lock);
	}
err_free:
	kfree(line);
	kfree(ctx);
err_dec:
	atomic_dec(&wqf_nr_runs);
	return ret;
}
EXPORT_SYMBOL_GPL(wqf_run_scenario);
