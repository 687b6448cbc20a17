// SPDX-License-Identifier: GPL-2.0
/*
 * mux: one outstanding request allowed (MaxMpx = 1).
 *
 * A client channel has a pool of request credits (the server's MaxMpx, or
 * SMB credits): a thread takes one before it sends a request and gives it
 * back when the answer is in. Requests are carried out by work items on a
 * transport workqueue. The client's redirector threads are work items on a
 * client workqueue. At logoff they race: writer threads each hold a
 * profile resource and need a credit to write it back; logoff threads take
 * a credit and then wait for a profile resource. Once the logoff threads
 * hold every credit while the writers hold the resources, nothing moves.
 * The pool is a counter and a waitqueue, as in the CIFS client
 * (wait_for_free_credits()).
 *
 * Credits needed at once: one per logoff thread that can hold one while it
 * waits, plus one for a writer. Below that the buggy variant deadlocks, at
 * and above it the run completes. Every wait is bounded by the stall timeout:
 * the first party whose wait expires records the cycle (which thread holds
 * a credit, which holds the resource it waits for, what each waits for),
 * aborts the run, and every party gives back what it holds.
 *
 * Hang mode (WQF_RUN_HANG): the stall does not abort. Every party still
 * waiting (the logoff threads holding credits, the writers waiting for
 * one) then sleeps in one long uninterruptible wait on the run's hang_wq,
 * which hung_task sees, while the driving thread holds the hang
 * (wqf_hang_hold()); then it aborts and every party unwinds as above.
 *
 * Fixes: raise the limit to the credits needed at once; never wait for a
 * resource holding a credit (release it and take one again once the
 * resource is ours); or serialise the client's threads on an ordered
 * workqueue, so the race is never run. See Documentation/scenarios.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": mux: " fmt

#include <linux/atomic.h>
#include <linux/ktime.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "fault.h"
#include "wqfault.h"

/*
 * The payload of WQF_SCN_MUX: knobs, then results. Userspace finds
 * each field by name through WQF_IOC_FIELD_INFO, which publishes
 * mux_fields below (Documentation/knobs.rst); add new fields at the end.
 */
struct wqf_mux {
	u32 max_mux;
	u32 threads;
	u32 resources;
	u32 window_us;
	u32 credits;
	u32 credits_needed;
	u32 completed;
	u32 writebacks;
	u32 logoffs;
	u32 timed_out;
	u32 credit_waits;
	u32 backoffs;
	u32 max_credits_in_use;
	u32 unreleased;
	s32 diag_credit_thread;
	u32 diag_credit_pid;
	u32 diag_credit_waits;
	s32 diag_resource;
	s32 diag_resource_thread;
	u32 diag_resource_pid;
	u32 diag_resource_waits;
	u32 diag_cycle;
	u32 diag_credits_free;
	u32 diag_credits_held;
	u32 diag_credit_waiters;
	u32 diag_resource_waiters;
};

#define MUX_MAX_CREDITS		256
#define MUX_MAX_THREADS		256
#define MUX_MAX_WINDOW_US	1000000
/*
 * A wait that expires with no cycle in the pool (a credit holder is still
 * working: the host is slow) is given this many more stall periods before
 * the run is called stuck anyway.
 */
#define MUX_GRACE		4
/* How long the writers may take to start, past the stall timeout. */
#define MUX_START_BOUND		(10 * HZ)

struct mux;

/* One redirector thread: a work item on the client queue. */
struct mux_thread {
	struct work_struct work;
	struct work_struct req;		/* its request, on the transport queue */
	struct completion req_done;
	struct mux *mx;
	u32 id;
	u32 resource;		/* writer: the one it holds; logoff: the one it needs */
	bool writer;
	u32 credits;		/* credits it holds; under mx->lock */
	u32 waits;		/* enum wqf_mux_wait; under mx->lock */
	bool arrived;		/* logoff: took a credit or queued for one */
	pid_t pid;
	bool done;
	bool timed_out;
};

struct mux {
	struct wqf_ctx *ctx;
	struct wqf_mux *k;
	spinlock_t lock;	/* protects free, owner[], threads' credits and waits */
	u32 free;		/* credits in the pool */
	u32 in_use_max;
	u32 arrived;		/* logoff threads at the pool */
	u32 held;		/* writers that took their resource */
	s32 *owner;		/* per resource: the holding thread, or -1 */
	struct mux_thread *threads;
	u32 nr_logoff;
	wait_queue_head_t wq;	/* a credit or resource given back, an arrival */
	atomic_t writebacks;
	atomic_t logoffs;
	atomic_t credit_waits;
	atomic_t backoffs;
	struct workqueue_struct *client_wq;
	struct workqueue_struct *tx_wq;
};

static const char * const mux_variants[] = {
	[WQF_MUX_BUGGY] = "buggy",
	[WQF_MUX_RAISE_LIMIT] = "raise-limit",
	[WQF_MUX_RELEASE_BEFORE_WAIT] = "release-first",	/* WQF_NAME_LEN */
	[WQF_MUX_SERIALISE] = "serialise",
};

static const char * const mux_waits[] = {
	[WQF_MUX_WAIT_NONE] = "none",
	[WQF_MUX_WAIT_CREDIT] = "credit",
	[WQF_MUX_WAIT_RESOURCE] = "resource",
};

static void mux_event(struct mux *mx)
{
	wqf_ctx_event(mx->ctx);
}

/*
 * The end of a party's wait: one jiffy more than the stall timeout, as the
 * current jiffy may be about to end, so a wait that expires has really
 * lasted the stall timeout.
 */
static unsigned long mux_deadline(const struct mux *mx)
{
	return jiffies + mx->ctx->stall + 1;
}

static u32 mux_variant(const struct mux *mx)
{
	return mx->ctx->args->variant;
}

/*
 * The deadlock, as opposed to a slow run: no credit is free, and every
 * credit is held by a thread waiting for a resource whose holder waits for
 * a credit. Nobody can give one back.
 */
static bool mux_cycle_locked(struct mux *mx)
	__must_hold(&mx->lock)
{
	u32 i;

	if (mx->free)
		return false;
	for (i = 0; i < mx->k->threads; i++) {
		struct mux_thread *t = &mx->threads[i];
		s32 h;

		if (!t->credits)
			continue;
		if (t->waits != WQF_MUX_WAIT_RESOURCE)
			return false;
		h = mx->owner[t->resource];
		if (h < 0 || mx->threads[h].waits != WQF_MUX_WAIT_CREDIT)
			return false;
	}
	return true;
}

/* Record the cycle as it stands, under the pool lock. */
static void mux_diagnose_locked(struct mux *mx)
{
	struct wqf_mux *k = mx->k;
	struct mux_thread *c = NULL;
	u32 i;

	k->diag_credits_free = mx->free;
	for (i = 0; i < k->threads; i++) {
		struct mux_thread *t = &mx->threads[i];

		k->diag_credit_waiters += t->waits == WQF_MUX_WAIT_CREDIT;
		if (t->waits != WQF_MUX_WAIT_RESOURCE)
			continue;
		k->diag_resource_waiters++;
		k->diag_credits_held += t->credits;
		if (!c && t->credits)
			c = t;
	}
	k->diag_cycle = mux_cycle_locked(mx);
	k->diag_credit_thread = -1;
	k->diag_resource = -1;
	k->diag_resource_thread = -1;
	if (!c)
		return;
	k->diag_credit_thread = c->id;
	k->diag_credit_pid = c->pid;
	k->diag_credit_waits = c->waits;
	k->diag_resource = c->resource;
	k->diag_resource_thread = mx->owner[c->resource];
	if (k->diag_resource_thread >= 0) {
		struct mux_thread *h = &mx->threads[k->diag_resource_thread];

		k->diag_resource_pid = h->pid;
		k->diag_resource_waits = h->waits;
	}
}

/*
 * A party's wait expired: the run is stuck. The first one says why. In hang
 * mode the run is not aborted here: the driving thread holds the hang first.
 */
static void mux_stall(struct mux *mx)
{
	struct wqf_mux *k = mx->k;

	spin_lock(&mx->lock);
	if (mx->ctx->deadlocked) {
		spin_unlock(&mx->lock);
		return;
	}
	/* Before anyone can give a credit back: nobody takes it after this. */
	WRITE_ONCE(mx->ctx->deadlocked, true);
	mux_diagnose_locked(mx);
	if (!mx->ctx->hang)
		wqf_ctx_stop(mx->ctx);
	spin_unlock(&mx->lock);
	/* Hang mode: the parties still waiting stop polling and block. */
	wake_up_all(&mx->wq);
	mux_event(mx);
	wqf_ctx_deadlock(mx->ctx, ktime_us_delta(ktime_get(), mx->ctx->start));
	pr_warn("run %llu: credit held by thread %d (pid %u) waiting for %s %d; held by thread %d (pid %u) waiting for %s; %u of %u credits free, %u threads wait for a credit\n",
		mx->ctx->id, k->diag_credit_thread, k->diag_credit_pid,
		mux_waits[k->diag_credit_waits], k->diag_resource,
		k->diag_resource_thread, k->diag_resource_pid,
		mux_waits[k->diag_resource_waits], k->diag_credits_free,
		k->credits, k->diag_credit_waiters);
}

/*
 * Hang mode, after the verdict: block the way the real thread does, in one
 * long uninterruptible sleep (hung_task sees it) that only the abort ends,
 * once the driving thread's hold is over; bounded all the same.
 */
static void mux_hang(struct mux *mx)
{
	struct wqf_ctx *ctx = mx->ctx;

	wait_event_timeout(ctx->hang_wq, wqf_ctx_aborted(ctx),
			   mx->ctx->stall + msecs_to_jiffies(ctx->args->hang.hang_ms) +
			   10 * HZ);
}

/* Stopped: aborted, or (hang mode) the stall is recorded. Under mx->lock. */
static bool mux_stopped_locked(struct mux *mx)
	__must_hold(&mx->lock)
{
	return wqf_ctx_aborted(mx->ctx) || mx->ctx->deadlocked;
}

/*
 * Sleep on mx->wq until @ready(), bounded by @deadline and by abort. Called
 * with mx->lock held, which it drops while sleeping and takes again.
 * Return: 0 when @ready(), -ECANCELED, or -ETIMEDOUT (the stall recorded).
 */
static int mux_wait_locked(struct mux *mx, struct mux_thread *t, u32 what,
			   bool (*ready)(struct mux *mx, struct mux_thread *t),
			   unsigned long deadline)
	__must_hold(&mx->lock)
{
	u32 grace = MUX_GRACE;

	for (;;) {
		long left = (long)(deadline - jiffies);

		/* A stopped run hands nothing out: parties only give back. */
		if (wqf_ctx_aborted(mx->ctx)) {
			t->waits = WQF_MUX_WAIT_NONE;
			return -ECANCELED;
		}
		if (mx->ctx->deadlocked) {
			/* Hang mode: stuck where the stall found it. */
			t->waits = what;
			spin_unlock(&mx->lock);
			mux_hang(mx);
			spin_lock(&mx->lock);
			t->waits = WQF_MUX_WAIT_NONE;
			return -ECANCELED;
		}
		if (ready(mx, t))
			break;
		t->waits = what;
		if (left <= 0 && grace && !mux_cycle_locked(mx)) {
			/* Slow, not stuck: someone holding a credit can move. */
			grace--;
			deadline = mux_deadline(mx);
			continue;
		}
		if (left <= 0) {
			spin_unlock(&mx->lock);
			mux_stall(mx);	/* records t->waits as it stands */
			if (mx->ctx->hang)
				mux_hang(mx);
			spin_lock(&mx->lock);
			t->waits = WQF_MUX_WAIT_NONE;
			t->timed_out = true;
			return -ETIMEDOUT;
		}
		spin_unlock(&mx->lock);
		wait_event_timeout(mx->wq, ready(mx, t) || READ_ONCE(mx->ctx->deadlocked) ||
				   wqf_ctx_aborted(mx->ctx),
				   min_t(long, left, mx->ctx->slice));
		spin_lock(&mx->lock);
	}
	t->waits = WQF_MUX_WAIT_NONE;
	return 0;
}

static bool mux_credit_free(struct mux *mx, struct mux_thread *t)
{
	return READ_ONCE(mx->free) > 0;
}

static bool mux_resource_free(struct mux *mx, struct mux_thread *t)
{
	return READ_ONCE(mx->owner[t->resource]) < 0;
}

static void mux_put_credit_locked(struct mux *mx, struct mux_thread *t)
	__must_hold(&mx->lock)
{
	t->credits--;
	mx->free++;
}

/* Take a request credit, waiting at most the stall timeout for one. */
static int mux_get_credit(struct mux *mx, struct mux_thread *t)
{
	int ret;

	spin_lock(&mx->lock);
	if (!t->writer && !t->arrived) {
		t->arrived = true;
		mx->arrived++;
		wake_up_all(&mx->wq);
	}
	if (!mx->free)
		atomic_inc(&mx->credit_waits);
	ret = mux_wait_locked(mx, t, WQF_MUX_WAIT_CREDIT, mux_credit_free,
			      mux_deadline(mx));
	if (!ret) {
		mx->free--;
		t->credits++;
		mx->in_use_max = max(mx->in_use_max, mx->k->credits - mx->free);
	}
	spin_unlock(&mx->lock);
	return ret;
}

static void mux_put_credit(struct mux *mx, struct mux_thread *t)
{
	spin_lock(&mx->lock);
	if (t->credits)
		mux_put_credit_locked(mx, t);
	spin_unlock(&mx->lock);
	wake_up_all(&mx->wq);
}

/*
 * Take the thread's profile resource. With @backoff (release-before-wait),
 * a credit is never held while waiting: it goes back to the pool first.
 */
static int mux_get_resource(struct mux *mx, struct mux_thread *t, bool backoff)
{
	int ret;

	spin_lock(&mx->lock);
	if (backoff && t->credits && !mux_resource_free(mx, t)) {
		mux_put_credit_locked(mx, t);
		atomic_inc(&mx->backoffs);
		wake_up_all(&mx->wq);
	}
	ret = mux_wait_locked(mx, t, WQF_MUX_WAIT_RESOURCE, mux_resource_free,
			      mux_deadline(mx));
	if (!ret)
		mx->owner[t->resource] = t->id;
	spin_unlock(&mx->lock);
	return ret;
}

static void mux_put_resource(struct mux *mx, struct mux_thread *t)
{
	spin_lock(&mx->lock);
	if (mx->owner[t->resource] == t->id)
		mx->owner[t->resource] = -1;
	spin_unlock(&mx->lock);
	wake_up_all(&mx->wq);
}

/* The request itself: carried out by a work item on the transport queue. */
static void mux_req_fn(struct work_struct *work)
{
	struct mux_thread *t = container_of(work, struct mux_thread, req);

	atomic_inc(t->writer ? &t->mx->writebacks : &t->mx->logoffs);
	wqf_complete_all(t->mx->ctx, &t->req_done);
}

/* Send the thread's request (a credit is held) and wait for the answer. */
static int mux_send(struct mux *mx, struct mux_thread *t)
{
	int ret;

	/* Under the lock, as a stall stops the run: no request goes out after it. */
	spin_lock(&mx->lock);
	if (mux_stopped_locked(mx)) {
		spin_unlock(&mx->lock);
		return -ECANCELED;
	}
	queue_work(mx->tx_wq, &t->req);
	spin_unlock(&mx->lock);
	ret = wqf_wait(mx->ctx, &t->req_done, mux_deadline(mx));
	if (ret == -ETIMEDOUT) {
		t->timed_out = true;
		mux_stall(mx);
		if (mx->ctx->hang)
			mux_hang(mx);
	}
	return ret;
}

static void mux_thread_end(struct mux *mx, struct mux_thread *t, int ret)
{
	mux_put_credit(mx, t);
	mux_put_resource(mx, t);
	WRITE_ONCE(t->done, !ret);
	atomic_dec(&mx->ctx->parties);
	mux_event(mx);
}

static bool mux_all_arrived(struct mux *mx)
{
	return READ_ONCE(mx->arrived) == mx->nr_logoff || wqf_ctx_aborted(mx->ctx);
}

/* Writer: holds its profile resource, needs a credit to write it back. */
static void mux_writer_fn(struct work_struct *work)
{
	struct mux_thread *t = container_of(work, struct mux_thread, work);
	struct mux *mx = t->mx;
	int ret = 0;

	t->pid = task_pid_nr(current);
	spin_lock(&mx->lock);
	mx->owner[t->resource] = t->id;
	mx->held++;
	spin_unlock(&mx->lock);
	mux_event(mx);
	/* The race window: the resource is held, the write-back not yet sent. */
	if (mx->k->window_us)
		wait_event_timeout(mx->wq, mux_all_arrived(mx),
				   usecs_to_jiffies(mx->k->window_us));
	/* The fault framework's delay point widens it further when it fires. */
	wqf_fault_delay();
	ret = mux_get_credit(mx, t);
	if (!ret)
		ret = mux_send(mx, t);
	mux_thread_end(mx, t, ret);
}

/* Logoff: takes a credit, then needs a profile resource. */
static void mux_logoff_fn(struct work_struct *work)
{
	struct mux_thread *t = container_of(work, struct mux_thread, work);
	struct mux *mx = t->mx;
	bool backoff = mux_variant(mx) == WQF_MUX_RELEASE_BEFORE_WAIT;
	int ret;

	t->pid = task_pid_nr(current);
	ret = mux_get_credit(mx, t);
	if (!ret)
		ret = mux_get_resource(mx, t, backoff);
	if (!ret && !t->credits)
		ret = mux_get_credit(mx, t);	/* backed off: take one again */
	if (!ret)
		ret = mux_send(mx, t);
	mux_thread_end(mx, t, ret);
}

static int mux_setup(struct wqf_ctx *ctx)
{
	struct mux *mx = ctx->priv;
	struct wqf_mux *k = wqf_args_payload(ctx->args);
	u32 i;

	mx->ctx = ctx;
	mx->k = k;
	mx->nr_logoff = k->threads - k->resources;
	mx->free = k->credits;
	spin_lock_init(&mx->lock);
	init_waitqueue_head(&mx->wq);

	mx->threads = kcalloc(k->threads, sizeof(*mx->threads), GFP_KERNEL);
	mx->owner = kcalloc(k->resources, sizeof(*mx->owner), GFP_KERNEL);
	if (!mx->threads || !mx->owner)
		return -ENOMEM;
	for (i = 0; i < k->resources; i++)
		mx->owner[i] = -1;
	for (i = 0; i < k->threads; i++) {
		struct mux_thread *t = &mx->threads[i];

		t->mx = mx;
		t->id = i;
		t->writer = i < k->resources;
		t->resource = t->writer ? i : (i - k->resources) % k->resources;
		INIT_WORK(&t->work, t->writer ? mux_writer_fn : mux_logoff_fn);
		INIT_WORK(&t->req, mux_req_fn);
		init_completion(&t->req_done);
	}
	if (mux_variant(mx) == WQF_MUX_SERIALISE)
		mx->client_wq = alloc_ordered_workqueue("wqf_mux%llu", 0, mx->ctx->id);
	else
		mx->client_wq = alloc_workqueue("wqf_mux%llu", WQ_UNBOUND,
						k->threads, mx->ctx->id);
	mx->tx_wq = alloc_workqueue("wqf_muxtx%llu", WQ_UNBOUND, 0, mx->ctx->id);
	return mx->client_wq && mx->tx_wq ? 0 : -ENOMEM;
}

/* Flush and destroy both queues: nothing of the run is left pending. */
static void mux_destroy_queues(struct wqf_ctx *ctx)
{
	struct mux *mx = ctx->priv;

	if (mx->client_wq)
		destroy_workqueue(mx->client_wq);
	if (mx->tx_wq)
		destroy_workqueue(mx->tx_wq);
}

static u32 mux_drive(struct wqf_ctx *ctx)
{
	struct mux *mx = ctx->priv;
	struct wqf_mux *k = mx->k;
	unsigned long deadline;
	u32 i;

	atomic_set(&mx->ctx->parties, k->threads);
	for (i = 0; i < k->resources; i++)
		queue_work(mx->client_wq, &mx->threads[i].work);
	/*
	 * The writers hold their resources before logoff starts. Their start
	 * is set-up, not part of the race: it is bounded by a start bound,
	 * not by the stall timeout (many threads start slowly under TCG).
	 * Past the bound the logoff threads start all the same, and the run
	 * goes on to its verdict.
	 */
	deadline = jiffies + mx->ctx->stall + MUX_START_BOUND;
	if (mux_variant(mx) != WQF_MUX_SERIALISE &&
	    wqf_ctx_wait_until(mx->ctx, READ_ONCE(mx->held) >= k->resources,
			       deadline) == -ETIMEDOUT)
		pr_warn_ratelimited("run %llu: %u of %u writers started in time; logoff starts\n",
				    mx->ctx->id, READ_ONCE(mx->held), k->resources);
	for (i = k->resources; i < k->threads; i++)
		queue_work(mx->client_wq, &mx->threads[i].work);
	return wqf_ctx_drive(mx->ctx, NULL);
}

/* Only after mux_results(): the tallies are read from these arrays. */
static void mux_free(struct wqf_ctx *ctx)
{
	struct mux *mx = ctx->priv;

	kfree(mx->owner);
	kfree(mx->threads);
}

static void mux_results(struct wqf_ctx *ctx)
{
	struct mux *mx = ctx->priv;
	struct wqf_mux *k = mx->k;
	u32 i;

	for (i = 0; i < k->threads; i++) {
		k->completed += mx->threads[i].done;
		k->timed_out += mx->threads[i].timed_out;
		k->unreleased += mx->threads[i].credits;
	}
	for (i = 0; i < k->resources; i++)
		k->unreleased += mx->owner[i] >= 0;
	/* Credits neither free nor held by a thread: lost on the way. */
	if (!k->unreleased && mx->free != k->credits)
		k->unreleased = abs((int)k->credits - (int)mx->free);
	k->writebacks = atomic_read(&mx->writebacks);
	k->logoffs = atomic_read(&mx->logoffs);
	k->credit_waits = atomic_read(&mx->credit_waits);
	k->backoffs = atomic_read(&mx->backoffs);
	k->max_credits_in_use = mx->in_use_max;
}

/* What the field table cannot say: knobs bounded or derived by others. */
static int mux_validate(struct wqf_args *args)
{
	struct wqf_mux *k = wqf_args_payload(args);

	if (k->resources >= k->threads)
		return wqf_bad("resources (must be below threads)", k->resources);
	/* A writer still in its window is slow, not stuck. */
	if (k->window_us > args->stall_timeout_ms * 500ULL)
		return wqf_bad("window_us (more than half the stall timeout)",
			       k->window_us);
	k->diag_credit_thread = -1;
	k->diag_resource = -1;
	k->diag_resource_thread = -1;
	k->credits_needed = k->threads - k->resources + 1;
	k->credits = k->max_mux;
	if (args->variant == WQF_MUX_RAISE_LIMIT)
		k->credits = max(k->max_mux, k->credits_needed);
	return 0;
}

#define WQF_FIELDS_OF	struct wqf_mux
#define R_WAIT(_m, _help) \
	WQF_RESULT_ENUM(_m, mux_waits, WQF_FIELD_DIAG, _help)

static const struct wqf_field mux_fields[] = {
	WQF_KNOB(max_mux, U32, 0, 1, MUX_MAX_CREDITS, 1, NULL,
		 "request credits the server grants the client"),
	WQF_KNOB(threads, U32, 0, 2, MUX_MAX_THREADS, 2, NULL,
		 "redirector threads: writers hold a resource each, the others log off"),
	WQF_KNOB(resources, U32, WQF_FIELD_BOUNDED, 1, MUX_MAX_THREADS - 1, 1, NULL,
		 "profile resources, one writer each (below threads)"),
	WQF_KNOB(window_us, U32, WQF_FIELD_BOUNDED, 0, MUX_MAX_WINDOW_US, 150000, "us",
		 "race window: a writer holds its resource this long at most (half the stall)"),
	WQF_RESULT(credits, U32, NULL, "credits in the pool for the run"),
	WQF_RESULT(credits_needed, U32, NULL, "credits needed at once: logoff threads + 1"),
	WQF_RESULT(completed, U32, NULL, "threads that finished their path"),
	WQF_RESULT(writebacks, U32, NULL, "write-back requests carried out"),
	WQF_RESULT(logoffs, U32, NULL, "logoff requests carried out"),
	WQF_RESULT(timed_out, U32, NULL, "threads whose own wait expired"),
	WQF_RESULT(credit_waits, U32, NULL, "threads that had to wait for a credit"),
	WQF_RESULT(backoffs, U32, NULL, "credits released before waiting for a resource"),
	WQF_RESULT(max_credits_in_use, U32, NULL, "most credits taken at once"),
	WQF_RESULT(unreleased, U32, NULL, "credits and resources still taken at the end"),
	WQF_DIAG(diag_credit_thread, S32, NULL,
		 "a thread holding a credit while it waits (the lowest), or -1"),
	WQF_DIAG(diag_credit_pid, U32, NULL, "its task's pid"),
	R_WAIT(diag_credit_waits, "what it waits for"),
	WQF_DIAG(diag_resource, S32, NULL, "the resource it waits for, or -1"),
	WQF_DIAG(diag_resource_thread, S32, NULL, "the thread holding it, or -1"),
	WQF_DIAG(diag_resource_pid, U32, NULL, "its task's pid"),
	R_WAIT(diag_resource_waits, "what that holder waits for"),
	WQF_DIAG(diag_cycle, U32, NULL, "1 if the two wait for each other"),
	WQF_DIAG(diag_credits_free, U32, NULL, "credits free at the stall"),
	WQF_DIAG(diag_credits_held, U32, NULL, "credits held by threads waiting for a resource"),
	WQF_DIAG(diag_credit_waiters, U32, NULL, "threads waiting for a credit"),
	WQF_DIAG(diag_resource_waiters, U32, NULL, "threads waiting for a resource"),
};

/* A credit or a resource still taken at the end. */
static bool mux_leaked(const struct wqf_args *args)
{
	const struct wqf_mux *k = (const void *)args->data;

	return k->unreleased;
}

const struct wqf_scenario wqf_scn_mux = {
	.owner = THIS_MODULE,
	.id = WQF_SCN_MUX,
	.name = "mux",
	.variants = mux_variants,
	.nr_variants = ARRAY_SIZE(mux_variants),
	.flags = WQF_RUN_HANG,
	WQF_SCENARIO_PAYLOAD(struct wqf_mux, mux_fields, diag_resource_waiters),
	.validate = mux_validate,
	.priv_size = sizeof(struct mux),
	.setup = mux_setup,
	.start = mux_drive,
	.stop = mux_destroy_queues,
	.results = mux_results,
	.teardown = mux_free,
	.leaked = mux_leaked,
};
