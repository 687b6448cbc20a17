// SPDX-License-Identifier: GPL-2.0
/*
 * abba: two layers take two locks in opposite orders.
 *
 * A DFS layer with a referral entry lock per resource and a redirector
 * with a connection lock per resource. The client path (opening a file)
 * takes the referral entry lock, then calls into the redirector, which
 * takes the connection lock. The redirector path (connection setup
 * refreshing the referral) takes the connection lock, then the referral
 * entry lock. Two clients on the same resource at once, one on each path,
 * close an AB-BA cycle; on different resources they use different lock
 * instances and nothing closes.
 *
 * Recoverable, as lockcb: each acquisition is announced to lockdep with
 * might_lock() (so a debug kernel reports the inversion as soon as both
 * orders have been seen, whether or not a run ever hangs) and then taken
 * with trylock until the stall timeout. A stalled wait records DEADLOCK,
 * names the cycle from the recorded lock owners and what each party waits
 * for, aborts, and every party unwinds. See Documentation/scenarios.rst.
 *
 * Hang mode (WQF_RUN_HANG): after the verdict the run is not aborted until
 * the driving thread's hold (wqf_hang_hold()) is over. Meanwhile the
 * client path holding the referral lock sleeps in one long uninterruptible
 * wait on the run's hang_wq for the abort, and every other waiting party
 * blocks in the real lock acquisition (mutex_lock(), down_write()): the
 * redirector path holding the connection lock blocks on the referral lock
 * the client path holds. Both are what hung_task sees. On abort the client
 * path lets go of the referral lock, so each real acquisition returns in
 * turn, the lock is given back at once, and every party unwinds. In race
 * mode the client path does not back off from a cycle in hang mode: a
 * cycle that closes stalls.
 *
 * Fix (ordered): the client path drops the referral entry lock before it
 * calls into the redirector, so only "connection, then referral" remains.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": abba: " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "fault.h"
#include "lock_ops.h"
#include "wqfault.h"

/*
 * The payload of WQF_SCN_ABBA: knobs, then results. Userspace finds
 * each field by name through WQF_IOC_FIELD_INFO, which publishes
 * abba_fields below (Documentation/knobs.rst); add new fields at the end.
 */
struct wqf_abba {
	u32 mode;
	u32 clients;
	u32 resource;
	u32 lock;
	u32 race_window_us;
	u32 iterations;
	u32 completed;
	u32 cycles;
	u32 timed_out;
	u32 diag_cycle;
	u32 diag_resource;
	u32 diag_iteration;
	u32 diag_client;
	u32 diag_client_pid;
	u32 diag_redir;
	u32 diag_redir_pid;
	u32 diag_waiter_pid;
	u32 pad;
	u64 first_cycle_us;
};

#define ABBA_MAX_CLIENTS	64
#define ABBA_MAX_ITERATIONS	100000
#define ABBA_MAX_WINDOW_US	100000

struct abba_party;

/* One lock of a resource, and who holds it (for the diagnosis). */
struct abba_lock {
	struct wqf_lock lock;		/* a mutex or an rwsem, per k->lock */
	struct abba_party *owner;
	atomic_t waiters;		/* parties polling for it */
	const char *name;		/* "referral" or "connection" */
};

/* One remote resource: its referral entry and its connection. */
struct abba_res {
	struct abba_lock dfs;		/* the DFS layer's referral entry lock */
	struct abba_lock conn;		/* the redirector's connection lock */
	u32 id;
};

struct abba;

/* A client: a work item that opens its resource @iterations times. */
struct abba_party {
	struct work_struct work;
	struct abba *ab;
	struct abba_res *res;
	struct abba_lock *wants;	/* the lock it is trying to take */
	u32 id;
	bool redir;			/* redirector path: connection lock first */
	pid_t pid;
	u32 iter;
	u32 held_iter;			/* handshake: last iteration + 1 it held its first lock */
	bool done;			/* its loop has ended */
	struct abba_party *backed_off_from;	/* race mode: the cycle's other party */
	u32 completed;
	u32 cycles;
	u32 timed_out;
};

struct abba {
	struct wqf_ctx *ctx;
	struct wqf_abba *k;
	struct abba_res *res;
	u32 nr_res;
	struct abba_party *parties;
	struct workqueue_struct *wq;
	struct completion go;		/* start gate: every client ready */
	atomic_t ready;			/* clients at the start gate */
	bool diagnosed;			/* the diag_* fields are filled */
	bool annotate;			/* might_lock() for lockdep */
};

/*
 * Lockdep classes of their own per variant (and lock kind), as in lockcb:
 * a buggy run's "referral, then connection" and "connection, then
 * referral" must not be held against a later ordered run in the same boot.
 */
static struct lock_class_key abba_keys[2][2][2];	/* [variant][mutex/rwsem][dfs/conn] */
static const char * const abba_key_names[2][2] = {
	[WQF_ABBA_BUGGY] = { "wqf_abba_dfs_buggy", "wqf_abba_conn_buggy" },
	[WQF_ABBA_ORDERED] = { "wqf_abba_dfs_ordered", "wqf_abba_conn_ordered" },
};

static const char * const abba_variants[] = {
	[WQF_ABBA_BUGGY] = "buggy",
	[WQF_ABBA_ORDERED] = "ordered",
};

static const char * const abba_modes[] = {
	[WQF_ABBA_TRIGGER] = "trigger",
	[WQF_ABBA_RACE] = "race",
};

static const char * const abba_resources[] = {
	[WQF_ABBA_SAME] = "same",
	[WQF_ABBA_DIFFERENT] = "different",
};

static void abba_event(struct abba *ab)
{
	wqf_ctx_event(ab->ctx);
}

static void abba_release(struct abba *ab, struct abba_lock *l)
{
	WRITE_ONCE(l->owner, NULL);
	l->lock.ops->unlock(&l->lock);
}

/*
 * Is @q in an AB-BA cycle with the owner of the lock it wants? Returns that
 * owner: it holds what @q wants and wants what @q holds.
 */
static struct abba_party *abba_partner_in_cycle(struct abba_party *q)
{
	struct abba_lock *want = READ_ONCE(q->wants);
	struct abba_party *o = want ? READ_ONCE(want->owner) : NULL;
	struct abba_lock *back;

	if (!o || o == q)
		return NULL;
	back = READ_ONCE(o->wants);
	if (!back || READ_ONCE(back->owner) != q || READ_ONCE(want->owner) != o)
		return NULL;
	return o;
}

/* Fill the diag_* fields once, with the cycle of @a and @b if any. */
static void abba_diagnose(struct abba *ab, struct abba_party *a,
			  struct abba_party *b, struct abba_party *waiter)
{
	struct wqf_abba *k = ab->k;
	struct abba_party *c = a, *r = b;

	if (xchg(&ab->diagnosed, true))
		return;
	k->diag_waiter_pid = waiter->pid;
	k->diag_resource = waiter->res->id;
	k->diag_iteration = READ_ONCE(waiter->iter);
	k->first_cycle_us = 0;
	if (!a || !b)
		return;
	if (c->redir)
		swap(c, r);
	k->diag_cycle = 1;
	k->diag_resource = c->res->id;
	k->diag_iteration = READ_ONCE(c->iter);
	k->diag_client = c->id;
	k->diag_client_pid = c->pid;
	k->diag_redir = r->id;
	k->diag_redir_pid = r->pid;
	k->first_cycle_us = ktime_us_delta(ktime_get(), ab->ctx->start);
}

/*
 * A wait of @p reached the stall timeout: the verdict. Walk "waits for a
 * lock owned by" from @p (it may be a bystander queued behind the cycle)
 * to find the cycle, then abort the run.
 */
static void abba_stall(struct abba *ab, struct abba_party *p)
{
	struct abba_party *q = p, *o = NULL;
	struct wqf_abba *k = ab->k;
	u32 i;

	if (xchg(&ab->ctx->deadlocked, true))
		return;
	for (i = 0; q && i <= k->clients; i++) {
		struct abba_lock *want = READ_ONCE(q->wants);

		o = abba_partner_in_cycle(q);
		if (o)
			break;
		q = want ? READ_ONCE(want->owner) : NULL;
	}
	abba_diagnose(ab, o ? q : NULL, o, p);
	k->diag_waiter_pid = p->pid;
	wqf_ctx_deadlock(ab->ctx, ktime_us_delta(ktime_get(), ab->ctx->start));
	if (k->diag_cycle)
		pr_warn("run %llu: resource %u: client %u (pid %u) holds the referral lock and waits for the connection lock; redirector %u (pid %u) holds the connection lock and waits for the referral lock; stuck %u ms\n",
			ab->ctx->id, k->diag_resource, k->diag_client,
			k->diag_client_pid, k->diag_redir, k->diag_redir_pid,
			jiffies_to_msecs(ab->ctx->stall));
	else
		pr_warn("run %llu: client %u (pid %u) waited %u ms for the %s lock of resource %u; no cycle found\n",
			ab->ctx->id, p->id, p->pid, jiffies_to_msecs(ab->ctx->stall),
			READ_ONCE(p->wants) ? READ_ONCE(p->wants)->name : "?",
			p->res->id);
	/* hang mode: the driving thread holds the hang, then aborts */
	if (!ab->ctx->hang)
		wqf_ctx_stop(ab->ctx);
	abba_event(ab);
}

/*
 * Hang mode, after the verdict: @p, waiting for @l, blocks the way the real
 * code does until the hold is over. The client path holding the referral
 * lock (@held) waits for the abort in one long uninterruptible sleep, and
 * then lets go of it; anyone else takes @l for real (it holds no lock that
 * a party blocked for real waits for, so each acquisition returns once the
 * client path has let go) and gives it back at once. Bounded all the same.
 * Return: -ECANCELED; nobody gets a lock after the verdict.
 */
static int abba_hang(struct abba *ab, struct abba_party *p,
		     struct abba_lock *l, struct abba_lock *held)
{
	struct wqf_ctx *ctx = ab->ctx;

	if (held && !p->redir) {
		wait_event_timeout(ctx->hang_wq, wqf_ctx_aborted(ctx),
				   ab->ctx->stall + msecs_to_jiffies(ctx->args->hang.hang_ms) +
				   10 * HZ);
		return -ECANCELED;
	}
	l->lock.ops->lock(&l->lock);
	l->lock.ops->unlock(&l->lock);
	return -ECANCELED;
}

/*
 * Take @l the way the real code would block on it: tell lockdep, then try
 * until the stall timeout. @held is the lock @p already holds, if any.
 * While the client path waits holding the referral lock it watches for
 * the cycle: it counts it once, and in race mode breaks it by backing off.
 *
 * Polling trylocks are unfair: a party that just let go of a lock would
 * take it back before a waiter's next try, every time (a real mutex hands
 * it over). So a newcomer does not take a lock others are waiting for: it
 * joins them, and the waiters' next tries decide.
 *
 * Return: 0 with @l held, -EDEADLK (backed off), -ETIMEDOUT or -ECANCELED.
 */
static int abba_acquire(struct abba *ab, struct abba_party *p,
			struct abba_lock *l, struct abba_lock *held)
{
	unsigned long deadline = jiffies + ab->ctx->stall;
	bool seen = false, waiting = false, grace = false;
	int ret;

	if (ab->annotate)
		l->lock.ops->might(&l->lock);
	WRITE_ONCE(p->wants, l);
	for (;;) {
		struct abba_party *o;

		/* After the verdict nobody gets a lock: the counts stay as they were. */
		if (wqf_ctx_aborted(ab->ctx)) {
			ret = -ECANCELED;
			break;
		}
		if (READ_ONCE(ab->ctx->deadlocked)) {
			/* hang mode: stuck where the verdict found it */
			ret = abba_hang(ab, p, l, held);
			break;
		}
		if ((waiting || !atomic_read(&l->waiters)) && l->lock.ops->trylock(&l->lock)) {
			WRITE_ONCE(l->owner, p);
			ret = 0;
			break;
		}
		if (!waiting) {
			waiting = true;
			atomic_inc(&l->waiters);
		}
		o = held && !p->redir && !seen ? abba_partner_in_cycle(p) : NULL;
		if (o) {
			seen = true;
			p->cycles++;
			abba_diagnose(ab, p, o, p);
			/* In hang mode a cycle that closes stays closed. */
			if (ab->k->mode == WQF_ABBA_RACE && !ab->ctx->hang) {
				p->backed_off_from = o;
				ret = -EDEADLK;
				break;
			}
		}
		/*
		 * A stall is confirmed over a short grace period of real tries,
		 * as in starve: a guest descheduled by a busy host sees its
		 * jiffies jump, and a healthy wait must not look stalled.
		 */
		if (time_after(jiffies, deadline) && !grace) {
			grace = true;
			deadline = jiffies + max(ab->ctx->stall / 100, 3UL);
		} else if (time_after(jiffies, deadline)) {
			p->timed_out++;
			abba_stall(ab, p);
			ret = -ETIMEDOUT;
			if (ab->ctx->hang)
				abba_hang(ab, p, l, held);
			break;
		}
		usleep_range(50, 100);
	}
	if (waiting)
		atomic_dec(&l->waiters);
	WRITE_ONCE(p->wants, NULL);
	return ret;
}

/*
 * Trigger mode: holding its first lock, wait until the partner holds its
 * own first lock in this iteration (or the lock the partner takes first is
 * held by anyone): then both second acquisitions meet. Don't wait for a
 * partner that waits for this party (in the ordered variant it may still
 * be after the lock this one holds, from its previous iteration) or that
 * has ended. Bounded by the stall timeout; after that, go on anyway.
 */
static bool abba_partner_ready(struct abba_party *p, struct abba_party *q,
			       struct abba_lock *qfirst, u32 it)
{
	struct abba_lock *qwants = READ_ONCE(q->wants);

	return READ_ONCE(q->held_iter) > it || READ_ONCE(qfirst->owner) ||
	       READ_ONCE(q->done) || (qwants && READ_ONCE(qwants->owner) == p);
}

static void abba_handshake(struct abba *ab, struct abba_party *p, u32 it)
{
	unsigned long deadline = jiffies + ab->ctx->stall;
	struct abba_lock *qfirst;
	struct abba_party *q;

	if ((p->id ^ 1) >= ab->k->clients)
		return;
	q = &ab->parties[p->id ^ 1];
	qfirst = q->redir ? &q->res->conn : &q->res->dfs;
	while (!abba_partner_ready(p, q, qfirst, it)) {
		if (wqf_ctx_aborted(ab->ctx) || time_after(jiffies, deadline))
			return;
		usleep_range(20, 50);
	}
}

/*
 * Race mode, after breaking a cycle: let the redirector path that waited
 * for @dfs have it before trying again, or the client would take it back
 * at once while the redirector sleeps between its tries.
 */
static int abba_back_off(struct abba *ab, struct abba_party *p,
			 struct abba_lock *dfs)
{
	unsigned long deadline = jiffies + ab->ctx->stall;
	struct abba_party *o = p->backed_off_from;

	p->backed_off_from = NULL;
	while (READ_ONCE(o->wants) == dfs) {
		if (wqf_ctx_aborted(ab->ctx))
			return -ECANCELED;
		if (time_after(jiffies, deadline))
			return 0;
		usleep_range(20, 50);
	}
	return 0;
}

/* One open of the resource by @p. Nonzero ends the client's loop. */
static int abba_open(struct abba *ab, struct abba_party *p, u32 it)
{
	struct abba_res *r = p->res;
	struct abba_lock *first = p->redir ? &r->conn : &r->dfs;
	struct abba_lock *second = p->redir ? &r->dfs : &r->conn;
	int ret;

	ret = abba_acquire(ab, p, first, NULL);
	if (ret)
		return ret;
	WRITE_ONCE(p->held_iter, it + 1);
	if (ab->k->mode == WQF_ABBA_TRIGGER)
		abba_handshake(ab, p, it);
	if (ab->k->race_window_us)
		fsleep(ab->k->race_window_us);
	/* The fault framework's delay point widens it further when it fires. */
	wqf_fault_delay();
	/* The fix: the client path resolves the referral, then lets go. */
	if (!p->redir && ab->ctx->args->variant == WQF_ABBA_ORDERED) {
		abba_release(ab, first);
		first = NULL;
	}
	ret = abba_acquire(ab, p, second, first);
	if (!ret) {
		p->completed++;
		abba_release(ab, second);
	}
	if (first)
		abba_release(ab, first);
	if (ret == -EDEADLK)
		ret = abba_back_off(ab, p, first);
	return ret;
}

static void abba_party_fn(struct work_struct *work)
{
	struct abba_party *p = container_of(work, struct abba_party, work);
	struct abba *ab = p->ab;
	u32 i;

	p->pid = task_pid_nr(current);
	atomic_inc(&ab->ready);
	abba_event(ab);
	if (!wqf_wait(ab->ctx, &ab->go, jiffies + ab->ctx->stall + 10 * HZ)) {
		for (i = 0; i < ab->k->iterations; i++) {
			WRITE_ONCE(p->iter, i);
			if (wqf_ctx_aborted(ab->ctx) || abba_open(ab, p, i))
				break;
		}
	}
	WRITE_ONCE(p->done, true);
	atomic_dec(&ab->ctx->parties);
	abba_event(ab);
}

static void abba_init_lock(struct abba *ab, struct abba_lock *l, int which)
{
	u32 variant = ab->ctx->args->variant;
	struct lock_class_key *key;

	key = &abba_keys[variant][ab->k->lock == WQF_LOCK_RWSEM][which];
	l->name = which ? "connection" : "referral";
	atomic_set(&l->waiters, 0);
	wqf_lock_init(&l->lock, ab->k->lock, key, abba_key_names[variant][which]);
}

static int abba_setup(struct wqf_ctx *ctx)
{
	struct abba *ab = ctx->priv;
	struct wqf_abba *k = wqf_args_payload(ctx->args);
	u32 i;

	ab->ctx = ctx;
	ab->k = k;
	ab->annotate = !(ctx->args->flags & WQF_RUN_NO_LOCKDEP);
	init_completion(&ab->go);

	ab->nr_res = k->resource == WQF_ABBA_SAME ? 1 : k->clients;
	ab->res = kcalloc(ab->nr_res, sizeof(*ab->res), GFP_KERNEL);
	ab->parties = kcalloc(k->clients, sizeof(*ab->parties), GFP_KERNEL);
	if (!ab->res || !ab->parties)
		return -ENOMEM;
	for (i = 0; i < ab->nr_res; i++) {
		ab->res[i].id = i;
		abba_init_lock(ab, &ab->res[i].dfs, 0);
		abba_init_lock(ab, &ab->res[i].conn, 1);
	}
	for (i = 0; i < k->clients; i++) {
		struct abba_party *p = &ab->parties[i];

		p->ab = ab;
		p->id = i;
		p->redir = i & 1;
		p->res = &ab->res[k->resource == WQF_ABBA_SAME ? 0 : i];
		INIT_WORK(&p->work, abba_party_fn);
	}
	/* Every client runs at once: one worker each. */
	ab->wq = alloc_workqueue("wqf_abba%llu", WQ_UNBOUND, k->clients, ab->ctx->id);
	return ab->wq ? 0 : -ENOMEM;
}

/* Wait for every client to end; the parties' counts stay readable. */
static void abba_stop(struct wqf_ctx *ctx)
{
	struct abba *ab = ctx->priv;
	u32 i;

	if (ab->wq)
		destroy_workqueue(ab->wq);
	for (i = 0; ab->res && i < ab->nr_res; i++) {
		wqf_lock_destroy(&ab->res[i].dfs.lock);
		wqf_lock_destroy(&ab->res[i].conn.lock);
	}
}

/* Last: after abba_results() has read the parties. */
static void abba_free(struct wqf_ctx *ctx)
{
	struct abba *ab = ctx->priv;

	kfree(ab->parties);
	kfree(ab->res);
}

/* Queue the clients, open the start gate, wait for every client to end. */
static u32 abba_drive(struct wqf_ctx *ctx)
{
	struct abba *ab = ctx->priv;
	struct wqf_abba *k = ab->k;
	u32 verdict;
	unsigned long deadline = jiffies + ab->ctx->stall + 10 * HZ;
	u32 i;

	atomic_set(&ab->ctx->parties, k->clients);
	for (i = 0; i < k->clients; i++)
		queue_work(ab->wq, &ab->parties[i].work);
	if (wqf_ctx_wait_until(ab->ctx, atomic_read(&ab->ready) == k->clients, deadline))
		return WQF_VERDICT_ABORTED;
	wqf_complete_all(ab->ctx, &ab->go);
	/* Every client's waits are bounded by the stall timeout. */
	verdict = wqf_ctx_drive(ab->ctx, NULL);
	/* Race mode: the cycle closed, and only the back-off got out of it. */
	if (verdict == WQF_VERDICT_COMPLETED && k->mode == WQF_ABBA_RACE &&
	    READ_ONCE(ab->diagnosed)) {
		ab->ctx->args->verdict_us = k->first_cycle_us;
		return WQF_VERDICT_DEADLOCK;
	}
	return verdict;
}

static void abba_results(struct wqf_ctx *ctx)
{
	struct abba *ab = ctx->priv;
	struct wqf_abba *k = ab->k;
	u32 i;

	for (i = 0; i < k->clients; i++) {
		k->completed += ab->parties[i].completed;
		k->cycles += ab->parties[i].cycles;
		k->timed_out += ab->parties[i].timed_out;
	}
}

/* What the field table cannot say: knobs bounded or derived by others. */
static int abba_validate(struct wqf_args *args)
{
	struct wqf_abba *k = wqf_args_payload(args);

	if (!k->iterations)
		k->iterations = k->mode == WQF_ABBA_RACE ? 1000 : 1;
	/* Waits in a fixed run must stay well inside the stall timeout. */
	if ((u64)k->race_window_us * k->clients * 2 >= args->stall_timeout_ms * 1000ULL)
		return wqf_bad("race_window_us (times clients, above half the stall timeout)",
			       k->race_window_us);
	return 0;
}

/* Both locks are of one kind, and a spinlock cannot wait for its partner. */
static const char * const abba_lock_names[] = {
	[WQF_LOCK_MUTEX] = "mutex",
	[WQF_LOCK_RWSEM] = "rwsem",
};

#define WQF_FIELDS_OF	struct wqf_abba

static const struct wqf_field abba_fields[] = {
	WQF_KNOB_ENUM(mode, abba_modes, WQF_ABBA_TRIGGER,
		      "trigger: a handshake forces the interleaving; race: free-running"),
	WQF_KNOB(clients, U32, 0, 1, ABBA_MAX_CLIENTS, 2, NULL,
		 "clients; even ones take the client path, odd ones the redirector's"),
	WQF_KNOB_ENUM(resource, abba_resources, WQF_ABBA_SAME,
		      "every client opens resource 0, or client i opens resource i"),
	WQF_KNOB_ENUM(lock, abba_lock_names, WQF_LOCK_MUTEX, "the kind of both locks"),
	WQF_KNOB(race_window_us, U32, WQF_FIELD_BOUNDED, 0, ABBA_MAX_WINDOW_US, 0, "us",
		 "delay between a party's two acquisitions (times clients: below stall / 2)"),
	WQF_KNOB(iterations, U32, WQF_FIELD_AUTO, 1, ABBA_MAX_ITERATIONS, 0, NULL,
		 "opens each client makes (0: 1, or 1000 in race mode)"),
	WQF_RESULT(completed, U32, NULL, "opens that got both locks"),
	WQF_RESULT(cycles, U32, NULL, "opens in which the AB-BA cycle closed"),
	WQF_RESULT(timed_out, U32, NULL, "waits for a lock that reached the stall timeout"),
	WQF_DIAG(diag_cycle, U32, NULL, "1 if the diagnosis found the cycle"),
	WQF_DIAG(diag_resource, U32, NULL, "the resource at the first cycle or stall"),
	WQF_DIAG(diag_iteration, U32, NULL, "the client path's iteration then"),
	WQF_DIAG(diag_client, U32, NULL,
		 "the client-path party: holds the DFS lock, waits for the connection lock"),
	WQF_DIAG(diag_client_pid, U32, NULL, "its pid"),
	WQF_DIAG(diag_redir, U32, NULL,
		 "the redirector party: holds the connection lock, waits for the DFS lock"),
	WQF_DIAG(diag_redir_pid, U32, NULL, "its pid"),
	WQF_DIAG(diag_waiter_pid, U32, NULL, "the party whose wait timed out or found the cycle"),
	WQF_RESULT(first_cycle_us, U64, "us", "from the start to the first cycle"),
};

const struct wqf_scenario wqf_scn_abba = {
	.owner = THIS_MODULE,
	.id = WQF_SCN_ABBA,
	.name = "abba",
	.variants = abba_variants,
	.nr_variants = ARRAY_SIZE(abba_variants),
	.flags = WQF_RUN_NO_LOCKDEP | WQF_RUN_HANG,
	WQF_SCENARIO_PAYLOAD(struct wqf_abba, abba_fields, first_cycle_us),
	.validate = abba_validate,
	.priv_size = sizeof(struct abba),
	.setup = abba_setup,
	.start = abba_drive,
	.stop = abba_stop,
	.results = abba_results,
	.teardown = abba_free,
};
