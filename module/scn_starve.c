// SPDX-License-Identifier: GPL-2.0
/*
 * starve: critical work queue starvation.
 *
 * A client queues requests on a workqueue with a real max_active. A request
 * whose share misses the referral cache queues a connect item for it on the
 * same queue and waits for it. Once the waiting requests hold every active
 * slot of an accounting domain (a CPU for per-CPU queues, a NUMA node for
 * unbound ones), the connect items stay parked on the kernel's inactive
 * list and nothing moves. The starvation watchdog (starve_poll(), run by
 * the harness's driving loop each tick) sees a connect parked longer than
 * the stall timeout, takes the diagnosis from the kernel's own state
 * (WORK_STRUCT_INACTIVE, workqueue_congested()) and gives the DEADLOCK
 * verdict; the loop then stops the run, which unwinds by itself.
 *
 * Fixes: the client throttles requests in flight below max_active, or the
 * connect items go to a queue of their own.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": starve: " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/topology.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "wqfault.h"
#include "trace.h"

/*
 * The payload of WQF_SCN_STARVE: knobs, then results. Userspace finds
 * each field by name through WQF_IOC_FIELD_INFO, which publishes
 * starve_fields below (Documentation/knobs.rst); add new fields at the end.
 */
struct wqf_starve {
	u32 queue;
	u32 queue_flags;
	u32 max_active;
	u32 requests;
	u32 shares;
	u32 cached;
	u32 throttle;
	u32 connect_delay_us;
	u32 placement;
	s32 cpu;
	u32 connect_placement;
	s32 connect_cpu;
	u32 completed;
	u32 hits;
	u32 misses;
	u32 timed_out;
	u32 connects;
	u32 max_in_flight;
	u32 diag_waiting;
	u32 diag_parked_connects;
	u32 diag_parked_requests;
	s32 diag_cpu;
	s32 diag_node;
	u32 diag_congested;
	u32 confirm;
	u32 oldest_parked_ms;
	u64 mem_bytes;
};

#define STARVE_MAX_REQUESTS	1000000
#define STARVE_MAX_DELAY_US	1000000
/* The largest CPU number any kernel has (x86 MAXSMP); pinning checks online. */
#define STARVE_MAX_CPU		8191

enum { SHARE_IDLE, SHARE_QUEUED, SHARE_RUNNING, SHARE_CONNECTED };
enum { REQ_IDLE, REQ_QUEUED, REQ_STARTED, REQ_WAITING, REQ_DONE };

struct starve;

/* One share of the referral cache, with its connect item. */
struct starve_share {
	struct work_struct connect;
	struct completion connected;
	struct list_head parked;	/* on starve.parked: queued, not started */
	struct starve *st;
	unsigned long queued_at;
	int queued_cpu;
	int state;
};

/*
 * A request slot. Unthrottled runs have one per request; a throttled run
 * has `throttle` slots, and a request that ends hands its slot on to the
 * client's next request.
 */
struct starve_req {
	struct work_struct work;
	struct starve *st;
	u32 n;		/* the client's request number */
	u32 share;
	u8 state;
	bool gated;
};

struct starve {
	struct wqf_ctx *ctx;
	struct wqf_starve *k;
	struct workqueue_struct *wq;
	struct workqueue_struct *connect_wq;
	struct starve_share *shares;
	u32 nr_shares;
	struct starve_req *reqs;
	u32 nr_reqs;
	spinlock_t lock;	/* protects parked */
	struct list_head parked;
	struct completion gate;
	unsigned long stall;	/* jiffies */
	unsigned long wait_bound;	/* jiffies a request may wait at most */
	unsigned long last_progress;	/* jiffies: a connect started or a request ended */
	u32 gate_cursor;	/* gated requests 0..cursor-1 have settled */
	bool gate_open;
	bool burst_queued;	/* the gate's bound runs from here */
	bool throttled;
	bool unwound;		/* stopped, and what was queued is off the queues */
	bool snapped;		/* the counters were taken at the verdict */
	atomic_t sent;		/* requests handed to the queue so far */
	atomic_t in_flight;
	atomic_t finished;
	atomic_t waiting;
	atomic_t completed;
	atomic_t hits;
	atomic_t misses;
	atomic_t timed_out;
	atomic_t connects;
	atomic_t connecting;	/* connect items running now */
};

static const char * const starve_variants[] = {
	[WQF_STARVE_BUGGY] = "buggy",
	[WQF_STARVE_THROTTLE] = "throttle",
	[WQF_STARVE_SEPARATE_QUEUE] = "separate-queue",
};

static const char * const starve_queues[] = {
	[WQF_QUEUE_UNBOUND] = "unbound",
	[WQF_QUEUE_PERCPU] = "percpu",
	[WQF_QUEUE_ORDERED] = "ordered",
};

static const char * const starve_placements[] = {
	[WQF_PLACE_LOCAL] = "local",
	[WQF_PLACE_PIN] = "pin",
	[WQF_PLACE_SPREAD] = "spread",
};

static const char * const starve_confirms[] = {
	[WQF_CONFIRM_NOT_RUN] = "not-run",
	[WQF_CONFIRM_CLEARED] = "cleared",
	[WQF_CONFIRM_NOT_CLEARED] = "not-cleared",
	[WQF_CONFIRM_UNSUPPORTED] = "unsupported",
};

static bool starve_parked(struct work_struct *work)
{
	return test_bit(WORK_STRUCT_INACTIVE_BIT, work_data_bits(work));
}

static void starve_queue_connect(struct starve *st, struct starve_share *sh)
{
	int cpu = st->k->connect_placement == WQF_PLACE_PIN ? st->k->connect_cpu : -1;

	spin_lock(&st->lock);
	sh->queued_at = jiffies;
	sh->queued_cpu = cpu >= 0 ? cpu : raw_smp_processor_id();
	list_add_tail(&sh->parked, &st->parked);
	spin_unlock(&st->lock);
	trace_wqfault_connect_queued(st->ctx->id, sh - st->shares, &sh->connect);
	if (cpu >= 0)
		queue_work_on(cpu, st->connect_wq, &sh->connect);
	else
		queue_work(st->connect_wq, &sh->connect);
}

static void starve_connect_fn(struct work_struct *work)
{
	struct starve_share *sh = container_of(work, struct starve_share, connect);
	struct starve *st = sh->st;

	trace_wqfault_connect_activated(st->ctx->id, sh - st->shares, work);
	spin_lock(&st->lock);
	list_del_init(&sh->parked);
	spin_unlock(&st->lock);
	WRITE_ONCE(sh->state, SHARE_RUNNING);
	WRITE_ONCE(st->last_progress, jiffies);
	atomic_inc(&st->connects);
	atomic_inc(&st->connecting);
	if (st->k->connect_delay_us && !wqf_ctx_aborted(st->ctx))
		fsleep(st->k->connect_delay_us);
	WRITE_ONCE(st->last_progress, jiffies);
	atomic_dec(&st->connecting);
	/* Pairs with the acquire in starve_request_fn(): connected, then seen. */
	smp_store_release(&sh->state, SHARE_CONNECTED);
	wqf_complete_all(st->ctx, &sh->connected);
	trace_wqfault_connect_done(st->ctx->id, sh - st->shares, work);
	wake_up(&st->ctx->progress);
}

static void starve_submit(struct starve *st, struct starve_req *rq, u32 n,
			  bool gated);

/*
 * Throttled admission: the request that ends passes its credit, and its
 * slot, to the next request of the client, so at most `throttle` are ever
 * in flight and the client is not woken for each one.
 */
static void starve_admit_next(struct starve *st, struct starve_req *rq)
{
	u32 n;

	if (wqf_ctx_aborted(st->ctx))
		return;
	n = atomic_inc_return(&st->sent) - 1;
	if (n < st->k->requests)
		starve_submit(st, rq, n, false);
}

static void starve_request_fn(struct work_struct *work)
{
	struct starve_req *rq = container_of(work, struct starve_req, work);
	struct starve *st = rq->st;
	struct starve_share *sh = &st->shares[rq->share];
	int ret;

	WRITE_ONCE(rq->state, REQ_STARTED);
	trace_wqfault_request_started(st->ctx->id, rq->n, rq->share, work);
	if (wqf_ctx_aborted(st->ctx))
		goto out;
	if (rq->gated && !READ_ONCE(st->gate_open)) {
		wake_up(&st->ctx->progress);
		/*
		 * The gate opens at most a stall after the whole burst is
		 * queued, and queueing 100,000 requests on a busy host takes
		 * longer than any stall: the bound counts from then.
		 */
		do {
			ret = wqf_wait(st->ctx, &st->gate, jiffies + st->wait_bound);
		} while (ret == -ETIMEDOUT && !READ_ONCE(st->burst_queued));
		if (ret) {
			if (ret == -ETIMEDOUT)
				atomic_inc(&st->timed_out);
			goto out;
		}
	}
	/* Pairs with the release in starve_connect_fn(). */
	if (smp_load_acquire(&sh->state) == SHARE_CONNECTED) {
		atomic_inc(&st->hits);
		atomic_inc(&st->completed);
		trace_wqfault_request_completed(st->ctx->id, rq->n, rq->share,
						work);
		goto out;
	}
	atomic_inc(&st->misses);
	/* An aborted run queues nothing more: its queues are going away. */
	if (wqf_ctx_aborted(st->ctx))
		goto out;
	if (cmpxchg(&sh->state, SHARE_IDLE, SHARE_QUEUED) == SHARE_IDLE)
		starve_queue_connect(st, sh);
	WRITE_ONCE(rq->state, REQ_WAITING);
	atomic_inc(&st->waiting);
	trace_wqfault_request_waiting(st->ctx->id, rq->n, rq->share, work);
	ret = wqf_wait(st->ctx, &sh->connected, jiffies + st->wait_bound);
	atomic_dec(&st->waiting);
	if (!ret) {
		trace_wqfault_request_woken(st->ctx->id, rq->n, rq->share, work);
		atomic_inc(&st->completed);
		trace_wqfault_request_completed(st->ctx->id, rq->n, rq->share,
						work);
	} else if (ret == -ETIMEDOUT) {
		atomic_inc(&st->timed_out);
	}
out:
	WRITE_ONCE(rq->state, REQ_DONE);
	WRITE_ONCE(st->last_progress, jiffies);
	atomic_dec(&st->in_flight);
	if (st->throttled)
		starve_admit_next(st, rq);
	/* The client only waits for the last request (and ticks otherwise). */
	if ((u32)atomic_inc_return(&st->finished) == st->k->requests)
		wqf_ctx_event(st->ctx);
}

/* Lock-free maximum: submitters run concurrently in throttled runs. */
static void starve_track_max(u32 *max, u32 val)
{
	u32 old = READ_ONCE(*max);

	while (val > old) {
		u32 prev = cmpxchg(max, old, val);

		if (prev == old)
			break;
		old = prev;
	}
}

static void starve_submit(struct starve *st, struct starve_req *rq, u32 n,
			  bool gated)
{
	struct wqf_starve *k = st->k;
	int cpu;

	starve_track_max(&k->max_in_flight, atomic_inc_return(&st->in_flight));
	rq->n = n;
	rq->share = n % st->nr_shares;
	/* Only a miss queues a connect: hits need not wait at the gate. */
	rq->gated = gated && rq->share < st->nr_shares - k->cached;
	rq->state = REQ_QUEUED;
	trace_wqfault_request_queued(st->ctx->id, n, rq->share, &rq->work);
	switch (k->placement) {
	case WQF_PLACE_PIN:
		queue_work_on(k->cpu, st->wq, &rq->work);
		break;
	case WQF_PLACE_SPREAD:
		/* Round-robin over online CPUs, by request number. */
		cpu = cpumask_nth(n % num_online_cpus(), cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_online_mask);
		queue_work_on(cpu, st->wq, &rq->work);
		break;
	default:
		queue_work(st->wq, &rq->work);
	}
}

/*
 * Every gated request has started or is parked by the kernel. Ungated
 * requests (hits) that ran and ended count as settled too. While the gate
 * is shut no gated request ends, so these states last: a cursor keeps the
 * scan linear over the whole burst.
 */
static bool starve_gate_settled(struct starve *st, u32 n)
{
	for (; st->gate_cursor < n; st->gate_cursor++) {
		struct starve_req *rq = &st->reqs[st->gate_cursor];

		if (READ_ONCE(rq->state) < REQ_STARTED && !starve_parked(&rq->work))
			return false;
	}
	return true;
}

/*
 * The starvation watchdog: the oldest parked connect, if it has been parked
 * for a stall period, no connect is running, and nothing has moved for as
 * long (a slow but moving queue is not a stall).
 */
static struct starve_share *starve_watchdog(struct starve *st)
{
	unsigned long now = jiffies;
	struct starve_share *sh;

	spin_lock(&st->lock);
	sh = list_first_entry_or_null(&st->parked, struct starve_share, parked);
	if (sh && (atomic_read(&st->connecting) ||
		   time_before_eq(now, sh->queued_at + st->stall) ||
		   time_before_eq(now, READ_ONCE(st->last_progress) + st->stall)))
		sh = NULL;
	spin_unlock(&st->lock);
	return sh;
}

/*
 * Confirm a suspected stall over a short grace period of real runtime: the
 * same connect must still be parked and nothing may have moved. A guest
 * that the host froze sees its jiffies jump on resume, so a healthy run can
 * look stalled for an instant; it moves on within the grace period, a
 * deadlocked one does not. Returns false if the run must stop.
 */
static bool starve_confirm_stall(struct starve *st, struct starve_share **oldest)
{
	long grace = max_t(long, st->stall / 100, 3);
	unsigned long progress = READ_ONCE(st->last_progress);
	struct starve_share *suspect = *oldest;

	if (wait_event_interruptible_timeout(st->ctx->progress,
					     READ_ONCE(st->last_progress) != progress ||
					     wqf_ctx_aborted(st->ctx), grace) < 0)
		wqf_ctx_abort(st->ctx);
	if (wqf_ctx_aborted(st->ctx))
		return false;
	*oldest = starve_watchdog(st);
	if (*oldest != suspect || READ_ONCE(st->last_progress) != progress)
		*oldest = NULL;
	return true;
}

static void starve_diagnose(struct starve *st, struct starve_share *oldest)
{
	struct wqf_starve *k = st->k;
	struct starve_share *sh;
	int cpu = oldest->queued_cpu;
	u32 i, n = 0;

	k->oldest_parked_ms = jiffies_to_msecs(jiffies - oldest->queued_at);
	k->diag_waiting = atomic_read(&st->waiting);
	spin_lock(&st->lock);
	list_for_each_entry(sh, &st->parked, parked)
		n += starve_parked(&sh->connect);
	spin_unlock(&st->lock);
	k->diag_parked_connects = n;
	for (i = 0, n = 0; i < st->nr_reqs; i++)
		n += READ_ONCE(st->reqs[i].state) == REQ_QUEUED &&
		     starve_parked(&st->reqs[i].work);
	k->diag_parked_requests = n;
	k->diag_cpu = k->queue == WQF_QUEUE_PERCPU ? cpu : -1;
	k->diag_node = cpu_to_node(cpu);
	k->diag_congested = workqueue_congested(cpu, st->connect_wq);
	pr_warn("watchdog: run %llu: connect item parked %u ms on %s (cpu %d node %d): %u requests hold slots waiting, %u connects and %u requests parked, congested=%u\n",
		st->ctx->id, k->oldest_parked_ms, starve_queues[k->queue], cpu,
		k->diag_node, k->diag_waiting, k->diag_parked_connects,
		k->diag_parked_requests, k->diag_congested);
}

/* Raise max_active by one: does the oldest parked connect then run? */
static void starve_confirm(struct starve *st, struct starve_share *oldest)
{
	struct wqf_starve *k = st->k;
	unsigned long deadline = jiffies + st->stall;

	if (k->queue == WQF_QUEUE_ORDERED) {
		k->confirm = WQF_CONFIRM_UNSUPPORTED;
		return;
	}
	workqueue_set_max_active(st->connect_wq, k->max_active + 1);
	k->confirm = wqf_ctx_wait_until(st->ctx, READ_ONCE(oldest->state) != SHARE_QUEUED,
					deadline) ? WQF_CONFIRM_NOT_CLEARED : WQF_CONFIRM_CLEARED;
}

static struct workqueue_struct *starve_alloc_wq(struct starve *st,
						const char *role)
{
	struct wqf_starve *k = st->k;
	unsigned int flags = 0;

	if (k->queue_flags & WQF_QF_HIGHPRI)
		flags |= WQ_HIGHPRI;
	if (k->queue_flags & WQF_QF_MEM_RECLAIM)
		flags |= WQ_MEM_RECLAIM;
	if (k->queue == WQF_QUEUE_ORDERED)
		return alloc_ordered_workqueue("wqf_%s%llu", flags, role,
					       st->ctx->id);
	if (k->queue == WQF_QUEUE_UNBOUND)
		flags |= WQ_UNBOUND;
	return alloc_workqueue("wqf_%s%llu", flags, k->max_active, role,
			       st->ctx->id);
}

static int starve_setup(struct wqf_ctx *ctx)
{
	struct starve *st = ctx->priv;
	struct wqf_starve *k = wqf_args_payload(ctx->args);
	bool throttled = ctx->args->variant == WQF_STARVE_THROTTLE;
	u32 i;

	st->ctx = ctx;
	st->k = k;
	spin_lock_init(&st->lock);
	INIT_LIST_HEAD(&st->parked);
	init_completion(&st->gate);
	st->stall = msecs_to_jiffies(ctx->args->stall_timeout_ms);
	/* Past the watchdog, the confirm window and the connect's own work. */
	st->wait_bound = 3 * st->stall + usecs_to_jiffies(k->connect_delay_us) + HZ +
			 msecs_to_jiffies(ctx->args->hang.hang_ms);
	st->throttled = throttled;

	st->nr_shares = k->shares;
	st->nr_reqs = throttled ? min(k->requests, k->throttle) : k->requests;
	/* Large tables fail cleanly (ENOMEM), without calling the OOM killer. */
	st->shares = kvcalloc(st->nr_shares, sizeof(*st->shares),
			      GFP_KERNEL | __GFP_RETRY_MAYFAIL);
	st->reqs = kvcalloc(st->nr_reqs, sizeof(*st->reqs),
			    GFP_KERNEL | __GFP_RETRY_MAYFAIL);
	if (!st->shares || !st->reqs)
		return -ENOMEM;
	k->mem_bytes = sizeof(*st) + st->nr_shares * sizeof(*st->shares) +
		       st->nr_reqs * sizeof(*st->reqs);
	for (i = 0; i < st->nr_shares; i++) {
		struct starve_share *sh = &st->shares[i];

		/* 100,000 items take a while to set up: look for an abort. */
		if (!(i & 1023) && wqf_ctx_poll(st->ctx))
			return -ECANCELED;
		INIT_WORK(&sh->connect, starve_connect_fn);
		init_completion(&sh->connected);
		INIT_LIST_HEAD(&sh->parked);
		sh->st = st;
		if (i >= st->nr_shares - k->cached) {
			sh->state = SHARE_CONNECTED;
			complete_all(&sh->connected);
		}
	}
	for (i = 0; i < st->nr_reqs; i++) {
		if (!(i & 1023) && wqf_ctx_poll(st->ctx))
			return -ECANCELED;
		INIT_WORK(&st->reqs[i].work, starve_request_fn);
		st->reqs[i].st = st;
	}

	st->wq = starve_alloc_wq(st, "starve");
	if (!st->wq)
		return -ENOMEM;
	if (st->ctx->args->variant != WQF_STARVE_SEPARATE_QUEUE) {
		st->connect_wq = st->wq;
		return 0;
	}
	st->connect_wq = starve_alloc_wq(st, "connect");
	return st->connect_wq ? 0 : -ENOMEM;
}

/*
 * After a stop, items still queued would each run only to see the abort
 * and end: at 100,000 requests that drain takes seconds. Take them off the
 * queue instead (cancel_work() also takes parked items off the inactive
 * list); only items that are running are left for the drain.
 */
static void starve_cancel_queued(struct starve *st)
{
	u32 i;

	for (i = 0; i < st->nr_reqs; i++) {
		if (work_pending(&st->reqs[i].work))
			cancel_work(&st->reqs[i].work);
		if (!(i & 1023))
			cond_resched();
	}
	for (i = 0; i < st->nr_shares; i++) {
		if (work_pending(&st->shares[i].connect))
			cancel_work(&st->shares[i].connect);
		if (!(i & 1023))
			cond_resched();
	}
}

static void starve_teardown(struct wqf_ctx *ctx)
{
	struct starve *st = ctx->priv;

	/*
	 * Requests first: a request still running may queue its connect,
	 * which must find the connect queue alive, never being destroyed.
	 * Draining runs every item left; after a stop they end at once.
	 */
	if (st->wq)
		destroy_workqueue(st->wq);
	if (st->connect_wq && st->connect_wq != st->wq)
		destroy_workqueue(st->connect_wq);
	kvfree(st->reqs);
	kvfree(st->shares);
}

/* The counters as they stand at the verdict, before any unwinding. */
static void starve_snapshot(struct starve *st)
{
	struct wqf_starve *k = st->k;

	k->completed = atomic_read(&st->completed);
	k->hits = atomic_read(&st->hits);
	k->misses = atomic_read(&st->misses);
	k->timed_out = atomic_read(&st->timed_out);
	k->connects = atomic_read(&st->connects);
}

/* Every request ended, or the run stopped and its queues are emptied. */
static bool starve_done(struct wqf_ctx *ctx)
{
	struct starve *st = ctx->priv;

	return (u32)atomic_read(&st->finished) == st->k->requests || READ_ONCE(st->unwound);
}

/*
 * The driving thread's watchdog, each tick: a confirmed stall is the
 * DEADLOCK; the counters are taken, the kernel's state diagnosed and,
 * with WQF_RUN_CONFIRM, max_active raised to see it clear.
 */
static bool starve_poll(struct wqf_ctx *ctx)
{
	struct starve *st = ctx->priv;
	struct starve_share *oldest = starve_watchdog(st);

	if (!oldest || !starve_confirm_stall(st, &oldest) || !oldest)
		return false;
	if (!wqf_ctx_stall(ctx))
		return false;
	starve_snapshot(st);
	st->snapped = true;
	starve_diagnose(st, oldest);
	if (ctx->args->flags & WQF_RUN_CONFIRM)
		starve_confirm(st, oldest);
	return true;
}

static void starve_unwind(struct wqf_ctx *ctx)
{
	struct starve *st = ctx->priv;

	starve_cancel_queued(st);
	/* What still runs ends within a slice; destroying the queues drains it. */
	WRITE_ONCE(st->unwound, true);
}

static const struct wqf_drive starve_drive_ops = {
	.done = starve_done,
	.poll = starve_poll,
	.unwind = starve_unwind,
};

static u32 starve_drive(struct wqf_ctx *ctx)
{
	struct starve *st = ctx->priv;
	struct wqf_starve *k = st->k;
	u32 burst = st->throttled ? min(k->requests, k->throttle) : k->requests;
	u32 sent, verdict;
	unsigned long deadline;

	/*
	 * The start gate: hold the first burst until each request holds a slot
	 * or is parked by the kernel, so the outcome does not depend on how
	 * fast the first requests run.
	 */
	/* Requests that end admit the rest (throttle): they start after the burst. */
	atomic_set(&st->sent, burst);
	for (sent = 0; sent < burst; sent++) {
		/* A large burst takes a while to queue: look for an abort. */
		if (!(sent & 255)) {
			if (wqf_ctx_poll(ctx))
				return WQF_VERDICT_ABORTED;
			cond_resched();
		}
		starve_submit(st, &st->reqs[sent], sent, true);
	}
	WRITE_ONCE(st->burst_queued, true);
	/* Settling is bounded by a stall from here, however long queueing took. */
	deadline = jiffies + st->stall;
	if (wqf_ctx_wait_until(ctx, starve_gate_settled(st, burst), deadline) == -ECANCELED)
		return WQF_VERDICT_ABORTED;
	WRITE_ONCE(st->last_progress, jiffies);
	WRITE_ONCE(st->gate_open, true);
	wqf_complete_all(ctx, &st->gate);

	verdict = wqf_ctx_drive(ctx, &starve_drive_ops);
	/* Requests whose own wait bound expired saw the stall too. */
	if (verdict == WQF_VERDICT_COMPLETED && atomic_read(&st->timed_out))
		verdict = wqf_ctx_stall(ctx) ? WQF_VERDICT_DEADLOCK : WQF_VERDICT_ABORTED;
	return verdict;
}

/* Stopped before the drive loop could unwind (the start gate), or done. */
static void starve_stop(struct wqf_ctx *ctx)
{
	struct starve *st = ctx->priv;

	if (st->wq && ctx->args->verdict != WQF_VERDICT_COMPLETED && !st->unwound)
		starve_cancel_queued(st);
	wqf_complete_all(ctx, &st->gate);
}

/* The counters, unless the watchdog took them at the verdict. */
static void starve_results(struct wqf_ctx *ctx)
{
	struct starve *st = ctx->priv;

	if (!st->snapped)
		starve_snapshot(st);
}

/* The kernel's WQ_DFL_MIN_ACTIVE (since 6.9): a node's floor. */
#define STARVE_NODE_MIN_ACTIVE	8

/*
 * Items of an unbound queue active at once in a NUMA node: since 6.9 the
 * kernel splits max_active over the nodes by their share of the online
 * CPUs, never below min(max_active, WQ_DFL_MIN_ACTIVE)
 * (wq_update_node_max_active()); before, each node had all of it. The
 * 6.9 split is the smaller, so a throttle below it holds on both.
 * Returns the smallest limit of a node with online CPUs.
 */
static u32 starve_node_limit(u32 max_active)
{
	u32 total = num_online_cpus(), min_active = min(max_active, STARVE_NODE_MIN_ACTIVE);
	u32 limit = max_active;
	int node;

	for_each_online_node(node) {
		u32 cpus = cpumask_weight_and(cpumask_of_node(node), cpu_online_mask);

		if (cpus)
			limit = min(limit, clamp(DIV_ROUND_UP(max_active * cpus, total),
						 min_active, max_active));
	}
	return limit;
}

static bool starve_cpu_ok(s32 cpu)
{
	return (u32)cpu < nr_cpu_ids && cpu_online(cpu);
}

/* What the field table cannot say: knobs bounded or derived by others. */
static int starve_validate(struct wqf_args *args)
{
	struct wqf_starve *k = wqf_args_payload(args);

	if (!k->max_active)
		k->max_active = k->queue == WQF_QUEUE_ORDERED ? 1 : 4;
	if (k->queue == WQF_QUEUE_ORDERED && k->max_active != 1)
		return wqf_bad("max_active (an ordered queue has 1)", k->max_active);
	if (!k->shares)
		k->shares = k->requests;
	if (k->cached > k->shares)
		return wqf_bad("cached (above shares)", k->cached);
	if (args->variant == WQF_STARVE_THROTTLE) {
		/*
		 * Below what the kernel grants at once in one domain: a CPU's
		 * max_active (per-CPU queue), or the node's share of it
		 * (unbound: on a NUMA machine less than max_active). A larger
		 * throttle is taken, and is no fix: see scenarios.rst.
		 */
		if (!k->throttle && k->queue == WQF_QUEUE_UNBOUND)
			k->throttle = max(starve_node_limit(k->max_active), 2U) - 1;
		if (!k->throttle)
			k->throttle = k->max_active - 1;
		if (!k->throttle || k->throttle >= k->max_active)
			return wqf_bad("throttle (must be 1..max_active-1)",
				       k->throttle);
	} else if (k->throttle) {
		return wqf_bad("throttle for an unthrottled variant", k->throttle);
	}
	if (k->placement == WQF_PLACE_PIN && !starve_cpu_ok(k->cpu))
		return wqf_bad("cpu (not online)", k->cpu);
	if (k->connect_placement == WQF_PLACE_PIN && !starve_cpu_ok(k->connect_cpu))
		return wqf_bad("connect_cpu (not online)", k->connect_cpu);
	k->diag_cpu = -1;
	k->diag_node = -1;
	return 0;
}

static const char * const starve_queue_flags[] = { "highpri", "mem-reclaim" };

static_assert(WQF_QF_HIGHPRI == BIT(0) && WQF_QF_MEM_RECLAIM == BIT(1));

/* Connects are queued locally or on one CPU: not spread. */
static const char * const starve_connect_placements[] = {
	[WQF_PLACE_LOCAL] = "local",
	[WQF_PLACE_PIN] = "pin",
};

#define WQF_FIELDS_OF	struct wqf_starve

static const struct wqf_field starve_fields[] = {
	WQF_KNOB_ENUM(queue, starve_queues, WQF_QUEUE_UNBOUND,
		      "the workqueue: unbound, per-CPU, or ordered (max_active 1)"),
	WQF_KNOB_FLAGS(queue_flags, starve_queue_flags,
		       "WQ_HIGHPRI, WQ_MEM_RECLAIM (a rescuer) on the queue"),
	WQF_KNOB(max_active, U32, WQF_FIELD_AUTO | WQF_FIELD_BOUNDED, 1, WQ_MAX_ACTIVE, 0, NULL,
		 "the queue's max_active (0: 4, or 1 on an ordered queue)"),
	WQF_KNOB(requests, U32, 0, 1, STARVE_MAX_REQUESTS, 16, NULL,
		 "requests the client sends"),
	WQF_KNOB(shares, U32, WQF_FIELD_AUTO, 1, STARVE_MAX_REQUESTS, 0, NULL,
		 "distinct shares; request i names share i % shares (0: one per request)"),
	WQF_KNOB(cached, U32, WQF_FIELD_BOUNDED, 0, STARVE_MAX_REQUESTS, 0, NULL,
		 "the last N shares are in the referral cache: no connect (at most shares)"),
	WQF_KNOB(throttle, U32, WQF_FIELD_AUTO | WQF_FIELD_BOUNDED, 1, WQ_MAX_ACTIVE - 1, 0, NULL,
		 "throttle variant: requests in flight at most (0: below the kernel's grant)"),
	WQF_KNOB(connect_delay_us, U32, 0, 0, STARVE_MAX_DELAY_US, 0, "us",
		 "how long a connect item works"),
	WQF_KNOB_ENUM(placement, starve_placements, WQF_PLACE_LOCAL,
		      "where requests are queued: the client's CPU, cpu, or round-robin"),
	WQF_KNOB(cpu, S32, 0, 0, STARVE_MAX_CPU, 0, NULL, "the CPU for placement pin"),
	WQF_KNOB_ENUM(connect_placement, starve_connect_placements, WQF_PLACE_LOCAL,
		      "where a request queues its connect: its own CPU, or connect_cpu"),
	WQF_KNOB(connect_cpu, S32, 0, 0, STARVE_MAX_CPU, 0, NULL,
		 "the CPU for connect_placement pin"),
	WQF_RESULT(completed, U32, NULL, "requests that got their share and finished"),
	WQF_RESULT(hits, U32, NULL, "requests that found their share in the cache"),
	WQF_RESULT(misses, U32, NULL, "requests that had to wait for a connect"),
	WQF_RESULT(timed_out, U32, NULL, "requests whose own wait bound expired"),
	WQF_RESULT(connects, U32, NULL, "connect items that ran"),
	WQF_RESULT(max_in_flight, U32, NULL, "most requests queued and not finished at once"),
	WQF_DIAG(diag_waiting, U32, NULL, "requests holding a slot, waiting"),
	WQF_DIAG(diag_parked_connects, U32, NULL,
		 "connect items the kernel holds inactive, never run"),
	WQF_DIAG(diag_parked_requests, U32, NULL, "request items held inactive"),
	WQF_DIAG(diag_cpu, S32, NULL,
		 "CPU whose max_active accounting starved (per-CPU queues), or -1"),
	WQF_DIAG(diag_node, S32, NULL, "NUMA node of the starved accounting, or -1"),
	WQF_DIAG(diag_congested, U32, NULL, "workqueue_congested() at the stall"),
	WQF_RESULT_ENUM(confirm, starve_confirms, WQF_FIELD_DIAG,
			"confirm flag: did max_active + 1 clear the stall?"),
	WQF_DIAG(oldest_parked_ms, U32, "ms",
		 "age of the oldest parked connect when the watchdog fired"),
	WQF_RESULT(mem_bytes, U64, "bytes",
		   "memory the run allocated for requests, shares and bookkeeping"),
};

const struct wqf_scenario wqf_scn_starve = {
	.owner = THIS_MODULE,
	.id = WQF_SCN_STARVE,
	.name = "starve",
	.variants = starve_variants,
	.nr_variants = ARRAY_SIZE(starve_variants),
	.flags = WQF_RUN_CONFIRM | WQF_RUN_HANG,
	WQF_SCENARIO_PAYLOAD(struct wqf_starve, starve_fields, mem_bytes),
	.validate = starve_validate,
	.priv_size = sizeof(struct starve),
	.setup = starve_setup,
	.start = starve_drive,
	.stop = starve_stop,
	.results = starve_results,
	.teardown = starve_teardown,
};
