// SPDX-License-Identifier: GPL-2.0
/*
 * Run context: the one bounded wait every scenario uses, abort, the cap on
 * runs in progress, and the start/end lines that make a console log
 * describe itself.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "wqfault.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/* Longest single sleep in a bounded wait: how late an abort is seen. */
#define WQF_DEFAULT_SLICE	(HZ / 50)
/* Room for the knobs or results of one run in a log line. */
#define WQF_LINE_LEN		960

static const char * const wqf_hang_end_names[] = {
	[WQF_HANG_NOT_HELD] = "not-held",
	[WQF_HANG_DEADLINE] = "deadline",
	[WQF_HANG_RELEASED] = "released",
	[WQF_HANG_ABORTED] = "aborted",
};

static const char * const wqf_verdict_names[] = {
	[WQF_VERDICT_NONE] = "NONE",
	[WQF_VERDICT_COMPLETED] = "COMPLETED",
	[WQF_VERDICT_DEADLOCK] = "DEADLOCK",
	[WQF_VERDICT_LEAKED] = "LEAKED",
	[WQF_VERDICT_ABORTED] = "ABORTED",
};

/* Bit N of wqf_run.flags; the holes are bits no longer used. */
static const char * const wqf_run_flag_names[] = {
	"confirm", "no-lockdep", NULL, NULL, "fault-attr", "hang", "dry-run",
};

static_assert(WQF_RUN_CONFIRM == BIT(0) && WQF_RUN_NO_LOCKDEP == BIT(1));
static_assert(WQF_RUN_FAULT_ATTR == BIT(4) && WQF_RUN_HANG == BIT(5));
static_assert(BIT(6) == WQF_RUN_DRY_RUN);

/* The fields every run has (WQF_IOC_FIELD_INFO scenario 0). */
#define WQF_FIELDS_OF	struct wqf_run
static const struct wqf_field wqf_run_fields[] = {
	WQF_KNOB_FLAGS(flags, wqf_run_flag_names, "run flags (those the scenario honours)"),
	WQF_KNOB(stall_timeout_ms, U32, WQF_FIELD_ZERO_DEFAULT | WQF_FIELD_BOUNDED,
		 WQF_STALL_MIN_MS, WQF_STALL_MAX_MS, WQF_STALL_DEFAULT_MS, "ms",
		 "a party stuck this long is a stall"),
	{ WQF_FIELD_AS("hang_ms", hang.hang_ms, WQF_FIELD_U32,
		       WQF_FIELD_IN | WQF_FIELD_AUTO | WQF_FIELD_BOUNDED),
	  .min = WQF_HANG_MIN_MS, .max = WQF_HANG_MAX_MS, .unit = "ms",
	  .help = "hang mode: hold the stuck parties this long at most (0: 30000)" },
	WQF_RESULT_ENUM(verdict, wqf_verdict_names, 0, "how the run ended"),
	{ WQF_FIELD_AT(run_id, WQF_FIELD_U64, WQF_FIELD_OUT | WQF_FIELD_NOLOG),
	  .help = "the run's number in the kernel log lines" },
	WQF_RESULT(elapsed_us, U64, "us", "from the start to the end, cleanup done"),
	WQF_RESULT(verdict_us, U64, "us", "from the start to the verdict"),
	{ WQF_FIELD_AS("held_ms", hang.held_ms, WQF_FIELD_U32, WQF_FIELD_OUT),
	  .unit = "ms", .help = "hang mode: how long the stuck parties were held" },
	{ WQF_FIELD_AS("hang_end", hang.end, WQF_FIELD_ENUM, WQF_FIELD_OUT),
	  .names = wqf_hang_end_names, .nr_names = ARRAY_SIZE(wqf_hang_end_names),
	  .help = "hang mode: what ended the hold" },
};

#undef WQF_FIELDS_OF

/**
 * wqf_common_fields() - the fields every run has, offsets in struct wqf_run
 * @n: set to the number of entries
 *
 * Return: the table.
 */
const struct wqf_field *wqf_common_fields(u32 *n)
{
	*n = ARRAY_SIZE(wqf_run_fields);
	return wqf_run_fields;
}
EXPORT_SYMBOL_GPL(wqf_common_fields);

/**
 * wqf_args_field() - a field of a run, by its name, as userspace finds it
 * @args: the run; @args->scenario picks the scenario's table
 * @name: a header field's name, or one of the scenario's fields
 * @field: set to the field's declaration
 *
 * For in-kernel callers (the KUnit suites) that fill and read runs without
 * the scenario's payload struct. The scenario's module must stay loaded
 * while the caller uses the result.
 *
 * Return: where the field is in @args, ERR_PTR(-ENOENT) if neither table
 * has @name, or the error of wqf_scenario_get().
 */
void *wqf_args_field(const struct wqf_args *args, const char *name,
		     const struct wqf_field **field)
{
	const struct wqf_scenario *scn;

	*field = wqf_field_find(wqf_run_fields, ARRAY_SIZE(wqf_run_fields), name);
	if (*field)
		return (u8 *)args + (*field)->offset;
	scn = wqf_scenario_get(args->scenario);
	if (IS_ERR(scn))
		return ERR_CAST(scn);
	*field = wqf_field_find(scn->fields, scn->nr_fields, name);
	wqf_scenario_put(scn);
	if (!*field)
		return ERR_PTR(-ENOENT);
	return (u8 *)args->data + (*field)->offset;
}
EXPORT_SYMBOL_GPL(wqf_args_field);

/**
 * wqf_args_get() - read a number, enum or flags field of a run by its name
 * @args: the run
 * @name: the field's name
 * @v: set to its value
 *
 * Return: 0, -EINVAL for a string field, or the error of wqf_args_field().
 */
int wqf_args_get(const struct wqf_args *args, const char *name, s64 *v)
{
	const struct wqf_field *f;
	void *at = wqf_args_field(args, name, &f);

	if (IS_ERR(at))
		return PTR_ERR(at);
	if (f->type == WQF_FIELD_STRING)
		return -EINVAL;
	*v = wqf_field_get(f, at - f->offset);
	return 0;
}
EXPORT_SYMBOL_GPL(wqf_args_get);

/**
 * wqf_args_set() - set a number, enum or flags field of a run by its name
 * (no range check: the run checks it)
 * @args: the run
 * @name: the field's name
 * @v: the value
 *
 * Return: 0, -EINVAL for a string field, or the error of wqf_args_field().
 */
int wqf_args_set(struct wqf_args *args, const char *name, s64 v)
{
	const struct wqf_field *f;
	void *at = wqf_args_field(args, name, &f);

	if (IS_ERR(at))
		return PTR_ERR(at);
	if (f->type == WQF_FIELD_STRING)
		return -EINVAL;
	wqf_field_set(f, at - f->offset, v);
	return 0;
}
EXPORT_SYMBOL_GPL(wqf_args_set);

static atomic_t wqf_nr_runs = ATOMIC_INIT(0);
/* Every run in progress, for wqf_release_all(). */
static LIST_HEAD(wqf_all_runs);
static DEFINE_SPINLOCK(wqf_all_lock);
static atomic64_t wqf_last_id = ATOMIC64_INIT(0);

/**
 * wqf_ctx_init() - prepare a run context
 * @ctx: the context to initialise
 */
void wqf_ctx_init(struct wqf_ctx *ctx)
{
	ctx->aborted = false;
	ctx->hang = false;
	ctx->released = false;
	ctx->traced = false;
	atomic_set(&ctx->state, WQF_CTX_RUNNING);
	ctx->slice = WQF_DEFAULT_SLICE ? WQF_DEFAULT_SLICE : 1;
	INIT_LIST_HEAD(&ctx->node);
	INIT_LIST_HEAD(&ctx->all);
	init_waitqueue_head(&ctx->hang_wq);
	init_waitqueue_head(&ctx->progress);
	atomic_set(&ctx->events, 0);
	atomic_set(&ctx->parties, 0);
	ctx->deadlocked = false;
	ctx->start = ktime_get();
	ctx->stall = 1;
}
EXPORT_SYMBOL_GPL(wqf_ctx_init);

/**
 * wqf_ctx_stop() - make every current and future wait of @ctx return
 * @ctx: the run to unwind
 *
 * What a scenario calls to unwind its parties once it has its verdict (or
 * cannot go on); it does not decide the verdict. Safe from any context.
 * Waiters notice within one slice.
 */
void wqf_ctx_stop(struct wqf_ctx *ctx)
{
	WRITE_ONCE(ctx->aborted, true);
	wake_up_all(&ctx->hang_wq);
}
EXPORT_SYMBOL_GPL(wqf_ctx_stop);

/**
 * wqf_ctx_abort() - abort a run from outside: the user wants it over
 * @ctx: the run to abort
 *
 * For WQF_IOC_ABORT, a close and a signal to the caller. Unless the
 * run already has its verdict (wqf_ctx_decide()), its verdict is ABORTED;
 * then it unwinds as wqf_ctx_stop(). Safe from any context.
 */
void wqf_ctx_abort(struct wqf_ctx *ctx)
{
	atomic_cmpxchg(&ctx->state, WQF_CTX_RUNNING, WQF_CTX_CANCELLED);
	wqf_ctx_stop(ctx);
}
EXPORT_SYMBOL_GPL(wqf_ctx_abort);

/**
 * wqf_ctx_poll() - in a long loop of the driving thread: is the run over?
 * @ctx: the run
 *
 * For loops that do not sleep in wqf_ctx_tick() (setting up or queueing a
 * hundred thousand items): a signal to the caller aborts the run here too.
 *
 * Return: true if the run must stop.
 */
bool wqf_ctx_poll(struct wqf_ctx *ctx)
{
	if (signal_pending(current))
		wqf_ctx_abort(ctx);
	return wqf_ctx_aborted(ctx);
}
EXPORT_SYMBOL_GPL(wqf_ctx_poll);

/**
 * wqf_ctx_decide() - the run reaches its verdict now, unless aborted first
 * @ctx: the run
 *
 * A scenario calls it where it sees its DEADLOCK (before it unwinds); the
 * harness calls it when the run returns. The first of this and
 * wqf_ctx_abort() wins.
 *
 * Return: false if the run was aborted before its verdict.
 */
bool wqf_ctx_decide(struct wqf_ctx *ctx)
{
	return atomic_cmpxchg(&ctx->state, WQF_CTX_RUNNING,
			      WQF_CTX_DECIDED) != WQF_CTX_CANCELLED;
}
EXPORT_SYMBOL_GPL(wqf_ctx_decide);

/**
 * wqf_ctx_cancelled() - was the run aborted before its verdict?
 * @ctx: the run
 *
 * Return: true once wqf_ctx_abort() came before wqf_ctx_decide().
 */
bool wqf_ctx_cancelled(struct wqf_ctx *ctx)
{
	return atomic_read(&ctx->state) == WQF_CTX_CANCELLED;
}
EXPORT_SYMBOL_GPL(wqf_ctx_cancelled);

/**
 * wqf_ctx_verdict() - record the verdict's time and fire its tracepoint
 * @ctx: the run
 * @verdict: enum wqf_verdict
 * @verdict_us: microseconds from the run's start to the verdict
 *
 * Once per run: later calls do nothing. A scenario calls it at a DEADLOCK
 * it has decided; the harness calls it for every other verdict.
 */
void wqf_ctx_verdict(struct wqf_ctx *ctx, u32 verdict, u64 verdict_us)
{
	if (xchg(&ctx->traced, true))
		return;
	ctx->args->verdict_us = verdict_us;
	trace_wqfault_verdict(ctx->id, ctx->args->scenario, ctx->args->variant,
			      verdict, verdict_us);
}
EXPORT_SYMBOL_GPL(wqf_ctx_verdict);

/**
 * wqf_ctx_deadlock() - a scenario sees its DEADLOCK: decide and trace it
 * @ctx: the run
 * @verdict_us: microseconds from the run's start to the verdict
 *
 * Return: false if the run was aborted first (its verdict is ABORTED).
 */
bool wqf_ctx_deadlock(struct wqf_ctx *ctx, u64 verdict_us)
{
	if (!wqf_ctx_decide(ctx))
		return false;
	wqf_ctx_verdict(ctx, WQF_VERDICT_DEADLOCK, verdict_us);
	return true;
}
EXPORT_SYMBOL_GPL(wqf_ctx_deadlock);

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
 * abort is seen quickly and no wait is ever unbounded. In hang mode it is
 * one uninterruptible sleep up to @deadline instead, as the real bug's
 * wait is, so hung_task can see it; wqf_complete_all() and abort wake it.
 *
 * Return: 0 if @done completed, -ECANCELED if the run was aborted (or
 * stopped) first or meanwhile, -ETIMEDOUT if @deadline passed first.
 */
int wqf_wait(struct wqf_ctx *ctx, struct completion *done,
	     unsigned long deadline)
{
	if (ctx->hang) {
		long left = (long)(deadline - jiffies);

		if (left > 0)
			wait_event_timeout(ctx->hang_wq, completion_done(done) ||
					   wqf_ctx_aborted(ctx), left);
		if (wqf_ctx_aborted(ctx))
			return -ECANCELED;
		return try_wait_for_completion(done) ? 0 : -ETIMEDOUT;
	}
	for (;;) {
		long left = (long)(deadline - jiffies);

		if (wqf_ctx_aborted(ctx))
			return -ECANCELED;
		if (left <= 0)
			return try_wait_for_completion(done) ? 0 : -ETIMEDOUT;
		/*
		 * An abort can come while this sleeps, and the unwind may
		 * complete @done to wake it: it is then an abort, not a go.
		 */
		if (wait_for_completion_timeout(done,
						min_t(long, left, ctx->slice)))
			return wqf_ctx_aborted(ctx) ? -ECANCELED : 0;
	}
}
EXPORT_SYMBOL_GPL(wqf_wait);

/**
 * wqf_complete_all() - complete_all() that also wakes hang-mode waiters
 * @ctx: the run @done belongs to
 * @done: the completion
 *
 * Scenarios complete what their parties wait for with wqf_wait() this way.
 */
void wqf_complete_all(struct wqf_ctx *ctx, struct completion *done)
{
	complete_all(done);
	wake_up_all(&ctx->hang_wq);
}
EXPORT_SYMBOL_GPL(wqf_complete_all);

/**
 * wqf_hang_hold() - in hang mode, keep a stalled run stalled
 * @ctx: the run, at its verdict
 * @wq: where the run's parties wake the driving thread (as wqf_ctx_tick())
 * @seq: its progress counter
 *
 * Called by the driving thread once it has its verdict and before it
 * unwinds. Without WQF_RUN_HANG it returns at once. Else it waits, ticking,
 * until wqf_release_all(), an abort or signal, or wqf_hang.hang_ms, and
 * records how long and what ended it.
 *
 * Return: true if the run was aborted (or the caller signalled) meanwhile.
 */
bool wqf_hang_hold(struct wqf_ctx *ctx, wait_queue_head_t *wq, atomic_t *seq)
{
	struct wqf_hang *h = &ctx->args->hang;
	unsigned long start = jiffies, end = start + msecs_to_jiffies(h->hang_ms);
	bool aborted = false;

	if (!ctx->hang)
		return false;
	h->end = WQF_HANG_DEADLINE;
	while (time_before(jiffies, end)) {
		if (READ_ONCE(ctx->released)) {
			h->end = WQF_HANG_RELEASED;
			break;
		}
		if (wqf_ctx_tick(ctx, wq, seq, atomic_read(seq))) {
			h->end = WQF_HANG_ABORTED;
			aborted = true;
			break;
		}
	}
	h->held_ms = jiffies_to_msecs(jiffies - start);
	return aborted;
}
EXPORT_SYMBOL_GPL(wqf_hang_hold);

/**
 * wqf_release_all() - end the hold of every hang-mode run in progress
 *
 * Return: how many runs in hang mode were released.
 */
int wqf_release_all(void)
{
	struct wqf_ctx *ctx;
	int n = 0;

	spin_lock(&wqf_all_lock);
	list_for_each_entry(ctx, &wqf_all_runs, all) {
		if (!ctx->hang)
			continue;
		WRITE_ONCE(ctx->released, true);
		n++;
	}
	spin_unlock(&wqf_all_lock);
	return n;
}
EXPORT_SYMBOL_GPL(wqf_release_all);

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
 * wqf_ctx_event() - a party made progress: wake the driving thread
 * @ctx: the run
 */
void wqf_ctx_event(struct wqf_ctx *ctx)
{
	atomic_inc(&ctx->events);
	wake_up(&ctx->progress);
}
EXPORT_SYMBOL_GPL(wqf_ctx_event);

/**
 * wqf_ctx_wait() - the driving thread waits for the parties' next event
 * @ctx: the run
 *
 * wqf_ctx_tick() on the run's own progress counter, for at most one tick.
 *
 * Return: true if the run must stop (aborted, or the caller was signalled).
 */
bool wqf_ctx_wait(struct wqf_ctx *ctx)
{
	return wqf_ctx_tick(ctx, &ctx->progress, &ctx->events, atomic_read(&ctx->events));
}
EXPORT_SYMBOL_GPL(wqf_ctx_wait);

/**
 * wqf_ctx_stall() - the driving thread sees the run's stall: DEADLOCK
 * @ctx: the run
 *
 * For a scenario whose driving thread, not a party, detects the stall (in
 * its wqf_drive.poll): decides and stamps the verdict and marks the run
 * deadlocked, as a party does when it sees the stall itself.
 *
 * Return: false if the run was aborted first (its verdict is ABORTED).
 */
bool wqf_ctx_stall(struct wqf_ctx *ctx)
{
	if (!wqf_ctx_deadlock(ctx, max_t(u64, ktime_us_delta(ktime_get(), ctx->start), 1)))
		return false;
	WRITE_ONCE(ctx->deadlocked, true);
	return true;
}
EXPORT_SYMBOL_GPL(wqf_ctx_stall);

static bool wqf_drive_done(struct wqf_ctx *ctx, const struct wqf_drive *d)
{
	return d && d->done ? d->done(ctx) : !atomic_read(&ctx->parties);
}

/**
 * wqf_ctx_drive() - the driving thread's loop, once the parties are started
 * @ctx: the run; @ctx->parties set to the parties started (unless @d says
 *       when the run is done)
 * @d: the scenario's part, or NULL: parties that see the stall themselves
 *
 * The one loop of every run: until the parties have ended (each calls
 * atomic_dec() on @ctx->parties and wqf_ctx_event(), or @d->done says so),
 * it ticks on @ctx->progress, so a signal aborts. Once the stall is seen,
 * by a party (@ctx->deadlocked) or by @d->poll, it holds a hang-mode
 * stall (wqf_hang_hold()) and stops the run; once the run is stopped,
 * @d->unwind takes what is still queued off its queues, and the loop waits
 * for the parties to unwind without spinning. Every party's wait is
 * bounded and @ctx->deadline, if set, bounds the loop: this ends. The
 * verdict's time is stamped here unless the stall stamped it.
 *
 * Return: WQF_VERDICT_DEADLOCK if the stall was seen, WQF_VERDICT_ABORTED
 * if the run was aborted (or passed @ctx->deadline) first, else
 * WQF_VERDICT_COMPLETED.
 */
u32 wqf_ctx_drive(struct wqf_ctx *ctx, const struct wqf_drive *d)
{
	bool held = false, unwound = false, late = false;

	while (!wqf_drive_done(ctx, d)) {
		if (!wqf_ctx_aborted(ctx)) {
			/* hang mode: keep it stuck, for the kernel's detectors */
			if (READ_ONCE(ctx->deadlocked) || (d && d->poll && d->poll(ctx))) {
				held = true;
				wqf_hang_hold(ctx, &ctx->progress, &ctx->events);
				wqf_ctx_stop(ctx);
				continue;
			}
			if (ctx->deadline && time_after(jiffies, ctx->deadline)) {
				pr_warn_ratelimited("run %llu: parties still running at the deadline\n",
						    ctx->id);
				late = true;
				wqf_ctx_stop(ctx);
				continue;
			}
			wqf_ctx_wait(ctx);
			continue;
		}
		if (!unwound && d && d->unwind) {
			unwound = true;
			d->unwind(ctx);
			continue;
		}
		wait_event_timeout(ctx->progress, wqf_drive_done(ctx, d),
				   max_t(long, msecs_to_jiffies(10), 1));
	}
	if (READ_ONCE(ctx->deadlocked))
		return WQF_VERDICT_DEADLOCK;
	if (!ctx->args->verdict_us)
		ctx->args->verdict_us = max_t(u64, ktime_us_delta(ktime_get(), ctx->start), 1);
	/* A hold without a stall (wqf_drive.poll decided the verdict) stands. */
	if (late || wqf_ctx_cancelled(ctx) || (wqf_ctx_aborted(ctx) && !held))
		return WQF_VERDICT_ABORTED;
	return WQF_VERDICT_COMPLETED;
}
EXPORT_SYMBOL_GPL(wqf_ctx_drive);

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

/**
 * wqf_verdict_name() - printable name of a verdict
 * @verdict: enum wqf_verdict
 *
 * Return: "COMPLETED", "DEADLOCK", ... or "NONE" for unknown values.
 */
const char *wqf_verdict_name(u32 verdict)
{
	return verdict < ARRAY_SIZE(wqf_verdict_names) ? wqf_verdict_names[verdict] :
		"NONE";
}
EXPORT_SYMBOL_GPL(wqf_verdict_name);

static void *wqf_payload(const struct wqf_scenario *scn, const struct wqf_args *args)
{
	return (void *)args->data;
}

/* struct wqf_args repeats the UAPI header: the same fields, the same places. */
static_assert(offsetof(struct wqf_args, size) ==
	      offsetof(struct wqf_run, size));
static_assert(offsetof(struct wqf_args, scenario) ==
	      offsetof(struct wqf_run, scenario));
static_assert(offsetof(struct wqf_args, variant) ==
	      offsetof(struct wqf_run, variant));
static_assert(offsetof(struct wqf_args, flags) ==
	      offsetof(struct wqf_run, flags));
static_assert(offsetof(struct wqf_args, stall_timeout_ms) ==
	      offsetof(struct wqf_run, stall_timeout_ms));
static_assert(offsetof(struct wqf_args, verdict) ==
	      offsetof(struct wqf_run, verdict));
static_assert(offsetof(struct wqf_args, run_id) ==
	      offsetof(struct wqf_run, run_id));
static_assert(offsetof(struct wqf_args, elapsed_us) ==
	      offsetof(struct wqf_run, elapsed_us));
static_assert(offsetof(struct wqf_args, verdict_us) ==
	      offsetof(struct wqf_run, verdict_us));
static_assert(offsetof(struct wqf_args, hang) ==
	      offsetof(struct wqf_run, hang));
static_assert(offsetof(struct wqf_args, payload_size) ==
	      offsetof(struct wqf_run, payload_size));
static_assert(offsetof(struct wqf_args, pad) ==
	      offsetof(struct wqf_run, pad));
static_assert(offsetof(struct wqf_args, payload) ==
	      offsetof(struct wqf_run, payload));
static_assert(offsetof(struct wqf_args, data) == sizeof(struct wqf_run));

static int wqf_validate(struct wqf_args *args, const struct wqf_scenario *scn)
{
	int ret;

	if (IS_ERR(scn)) {
		pr_warn_ratelimited("scenario %u: %s\n", args->scenario,
				    PTR_ERR(scn) == -ENODEV ? "going away" : "unknown");
		return PTR_ERR(scn) == -ENODEV ? -ENODEV : -EINVAL;
	}
	if (args->pad) {
		pr_warn_ratelimited("%s: non-zero header pad\n", scn->name);
		return -EINVAL;
	}
	if (args->variant >= scn->nr_variants) {
		pr_warn_ratelimited("%s: unknown variant %u\n", scn->name,
				    args->variant);
		return -EINVAL;
	}
	/* The header: size, scenario and variant are no fields; no padding. */
	ret = wqf_fields_check(scn->name, wqf_run_fields, ARRAY_SIZE(wqf_run_fields),
			       args, 0);
	if (ret)
		return ret;
	if (args->flags & ~(scn->flags | WQF_RUN_DRY_RUN)) {
		pr_warn_ratelimited("%s: run flags 0x%x not for it\n",
				    scn->name, args->flags & ~scn->flags);
		return -EINVAL;
	}
	if (args->hang.pad) {
		pr_warn_ratelimited("%s: non-zero hang pad\n", scn->name);
		return -EINVAL;
	}
	if (args->flags & WQF_RUN_HANG) {
		if (!args->hang.hang_ms)
			args->hang.hang_ms = WQF_HANG_DEFAULT_MS;
		if (args->flags & WQF_RUN_CONFIRM) {
			pr_warn_ratelimited("%s: hang mode and confirm exclude each other\n",
					    scn->name);
			return -EINVAL;
		}
	} else if (args->hang.hang_ms) {
		pr_warn_ratelimited("%s: hang_ms without hang mode\n", scn->name);
		return -EINVAL;
	}
	ret = wqf_fields_check(scn->name, scn->fields, scn->nr_fields,
			       wqf_payload(scn, args), scn->payload_size);
	if (ret)
		return ret;
	return scn->validate ? scn->validate(args) : 0;
}

/* "name=value" for every field of @dir: the run's own, then the scenario's. */
static int wqf_print_fields(char *buf, size_t len, const struct wqf_scenario *scn,
			    const struct wqf_args *args, u32 dir)
{
	int n;

	n = wqf_fields_print(buf, len, wqf_run_fields, ARRAY_SIZE(wqf_run_fields),
			     args, dir);
	return n + wqf_fields_print(buf + n, len - n, scn->fields, scn->nr_fields,
				    wqf_payload(scn, args), dir);
}

/*
 * A run's lifecycle: the scenario's state, its set-up, its parties driven
 * to the verdict, the stop, its results, its teardown. Whatever happens,
 * nothing of the run is pending or allocated on return.
 */
static int wqf_scenario_run(struct wqf_ctx *ctx, const struct wqf_scenario *scn)
{
	int ret;

	ctx->priv = kzalloc(scn->priv_size, GFP_KERNEL);
	if (!ctx->priv)
		return -ENOMEM;
	ret = scn->setup(ctx);
	if (!ret)
		ctx->args->verdict = scn->start(ctx);
	wqf_ctx_stop(ctx);
	if (scn->stop)
		scn->stop(ctx);
	if (!ret && scn->results)
		scn->results(ctx);
	if (scn->teardown)
		scn->teardown(ctx);
	kfree(ctx->priv);
	ctx->priv = NULL;
	return ret;
}

/**
 * wqf_run_scenario() - validate and carry out one run to its verdict
 * @args: knobs in, verdict and results out
 * @owner: the open file the run belongs to (for abort), or NULL
 *
 * Prints a start line with every knob and an end line with the verdict and
 * results. Blocks until the run is over; every wait inside is bounded.
 *
 * Return: 0 with @args->verdict set, -EINVAL on bad knobs or an unknown
 * scenario (or one whose module is going away), -EBUSY if WQF_MAX_RUNS
 * runs are in progress, -ENOMEM.
 */
int wqf_run_scenario(struct wqf_args *args, struct wqf_owner *owner)
{
	const struct wqf_scenario *scn = wqf_scenario_get(args->scenario);
	struct wqf_ctx *ctx;
	char *line;
	ktime_t start;
	unsigned long start_j;
	int ret;

	ret = wqf_validate(args, scn);
	if (ret || (args->flags & WQF_RUN_DRY_RUN)) {
		wqf_scenario_put(scn);
		return ret;
	}
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
	ctx->hang = args->flags & WQF_RUN_HANG;
	ctx->id = atomic64_inc_return(&wqf_last_id);
	ctx->args = args;
	ctx->files = current->files;
	args->run_id = ctx->id;
	if (owner) {
		spin_lock(&owner->lock);
		list_add_tail(&ctx->node, &owner->runs);
		spin_unlock(&owner->lock);
	}
	spin_lock(&wqf_all_lock);
	list_add_tail(&ctx->all, &wqf_all_runs);
	spin_unlock(&wqf_all_lock);

	wqf_print_fields(line, WQF_LINE_LEN, scn, args, WQF_FIELD_IN);
	pr_info("%s start: run=%llu variant=%s%s\n", scn->name, ctx->id,
		scn->variants[args->variant], line);
	start = ktime_get();
	start_j = jiffies;
	ctx->start = start;
	ctx->stall = max_t(unsigned long, msecs_to_jiffies(args->stall_timeout_ms), 1);
	ret = wqf_scenario_run(ctx, scn);
	args->elapsed_us = ktime_us_delta(ktime_get(), start);
	/* Aborted while it set up: nothing ran, and that is a verdict too. */
	if (ret == -ECANCELED && wqf_ctx_aborted(ctx)) {
		args->verdict = WQF_VERDICT_ABORTED;
		ret = 0;
	}
	/* Finished, but left state behind: the scenario says what counts. */
	if (!ret && args->verdict == WQF_VERDICT_COMPLETED && scn->leaked &&
	    scn->leaked(args))
		args->verdict = WQF_VERDICT_LEAKED;
	if (!ret) {
		/*
		 * Aborted before its verdict: ABORTED, whatever the parties
		 * did while they unwound (they exit early, so a run may look
		 * complete, or leaky).
		 */
		if (!wqf_ctx_decide(ctx))
			args->verdict = WQF_VERDICT_ABORTED;
		wqf_ctx_verdict(ctx, args->verdict,
				args->verdict_us ?: args->elapsed_us);
		wqf_print_fields(line, WQF_LINE_LEN, scn, args, WQF_FIELD_OUT);
		/*
		 * elapsed_jiffies_ms: the span on the tick's clock, which
		 * every timeout here and hung_task count in; it falls behind
		 * elapsed_us when ticks are lost (a periodic tick in a guest
		 * on a busy host).
		 */
		pr_info("%s end: run=%llu elapsed_jiffies_ms=%u%s\n", scn->name,
			ctx->id, jiffies_to_msecs(jiffies - start_j), line);
	} else {
		pr_info("%s end: run=%llu error=%d\n", scn->name, ctx->id, ret);
	}

	spin_lock(&wqf_all_lock);
	list_del(&ctx->all);
	spin_unlock(&wqf_all_lock);
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
	wqf_scenario_put(scn);
	return ret;
}
EXPORT_SYMBOL_GPL(wqf_run_scenario);
