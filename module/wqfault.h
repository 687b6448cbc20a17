/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wqfault internal types: the run context shared by every scenario, the
 * scenario operations, and the owner (an open file) runs belong to.
 */
#ifndef _WQFAULT_H
#define _WQFAULT_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <uapi/linux/wqfault.h>

#include "field.h"

/* How many runs may be in progress at once, over all file descriptors. */
#define WQF_MAX_RUNS		4
/* Default and range of wqf_run.stall_timeout_ms. */
#define WQF_STALL_DEFAULT_MS	1000
#define WQF_STALL_MIN_MS	10
#define WQF_STALL_MAX_MS	600000
/* Range and fallback default of wqf_hang.hang_ms. */
#define WQF_HANG_MIN_MS		1000
#define WQF_HANG_MAX_MS		600000
#define WQF_HANG_DEFAULT_MS	30000

/* Largest payload (scenario struct) a scenario may declare. */
#define WQF_PAYLOAD_MAX		512
/* Scenarios registered at most, the built-ins included. */
#define WQF_MAX_SCENARIOS	32

/**
 * struct wqf_args - a run as the module holds it: the fields of the UAPI
 * header struct wqf_run, by the same names and at the same offsets
 * (asserted in run.c), then the scenario's payload
 * @size: sizeof(struct wqf_run) as userspace knew it
 * @scenario: enum wqf_scenario_id
 * @variant: index into the scenario's variants
 * @flags: WQF_RUN_* bits
 * @stall_timeout_ms: a party stuck this long is a stall
 * @verdict: enum wqf_verdict
 * @run_id: the run's number in the kernel log lines
 * @elapsed_us: from the start of the run to its end
 * @verdict_us: from the start of the run to the verdict
 * @hang: hang mode
 * @payload_size: the payload's size as userspace gave it
 * @pad: zero
 * @payload: the user pointer to the payload
 * @data: the scenario's payload (wqf_scenario.payload_size bytes; its
 *        struct is the scenario's own, see wqf_args_payload())
 */
struct wqf_args {
	__u32 size;
	__u32 scenario;
	__u32 variant;
	__u32 flags;
	__u32 stall_timeout_ms;
	__u32 verdict;
	__u64 run_id;
	__u64 elapsed_us;
	__u64 verdict_us;
	struct wqf_hang hang;
	__u32 payload_size;
	__u32 pad;
	__aligned_u64 payload;
	u8 data[WQF_PAYLOAD_MAX] __aligned(8);
};

/**
 * wqf_args_payload() - the scenario's payload of a run
 * @args: the run
 *
 * Return: @args->data, which a scenario reads as its own payload struct.
 */
static inline void *wqf_args_payload(struct wqf_args *args)
{
	return args->data;
}

/*
 * enum wqf_ctx_state - the verdict and an abort race for a run: whichever
 * comes first stands. An abort (WQF_IOC_ABORT, close, a signal to the
 * caller, rmmod) before the verdict makes the run ABORTED, whatever its
 * parties did while they unwound.
 */
enum wqf_ctx_state {
	WQF_CTX_RUNNING,
	WQF_CTX_DECIDED,
	WQF_CTX_CANCELLED,
};

/**
 * struct wqf_ctx - one run of a scenario
 * @aborted: set once by wqf_ctx_abort() or wqf_ctx_stop(); every wait
 *           returns -ECANCELED after
 * @state: enum wqf_ctx_state: decided (wqf_ctx_decide()) or cancelled
 *         (wqf_ctx_abort()) first
 * @traced: the wqfault_verdict tracepoint has fired for this run
 * @slice: longest single sleep inside wqf_wait(), in jiffies; bounds how
 *         late an abort is noticed
 * @id: the run's number, as printed in the kernel log
 * @args: the run's knobs and results (kernel copy of the header and payload)
 * @files: the files_struct of the task that started the run (for close())
 * @node: entry in the owner's list of runs
 * @hang: hang mode (WQF_RUN_HANG): waits are one long sleep each
 * @released: set once by wqf_release_all()
 * @hang_wq: hang-mode waiters sleep here; woken by wqf_complete_all(),
 *           abort and release
 * @all: entry in the list of every run in progress
 * @start: when the run started (the scenario's run() was called)
 * @stall: the stall timeout, in jiffies
 * @progress: where the parties wake the driving thread (wqf_ctx_event())
 * @events: the parties' progress counter
 * @parties: parties still to end, for wqf_ctx_drive()
 * @deadline: optional bound of wqf_ctx_drive() in jiffies (0: the parties'
 *            own bounds suffice); past it the run is stopped, ABORTED
 * @deadlocked: a party or the driving thread saw the stall the scenario
 *              reproduces (set by the scenario, once)
 * @priv: the scenario's own state for the run
 */
struct wqf_ctx {
	bool aborted;
	bool hang;
	bool released;
	bool traced;
	bool deadlocked;
	atomic_t state;
	unsigned long slice;
	u64 id;
	struct wqf_args *args;
	const void *files;
	struct list_head node;
	wait_queue_head_t hang_wq;
	struct list_head all;
	ktime_t start;
	unsigned long stall;
	wait_queue_head_t progress;
	atomic_t events;
	atomic_t parties;
	unsigned long deadline;
	void *priv;
};

/**
 * struct wqf_owner - the runs started through one open file
 * @lock: protects @runs
 * @runs: struct wqf_ctx entries in progress
 */
struct wqf_owner {
	spinlock_t lock;	/* protects runs */
	struct list_head runs;
};

/**
 * struct wqf_drive - a scenario's part in the driving loop, wqf_ctx_drive()
 * @done: the run's parties have all ended (NULL: when ctx->parties is 0)
 * @poll: called each tick while the run goes on: true once the driving
 *        thread has seen the stall (wqf_ctx_stall()), or, having decided
 *        the verdict (wqf_ctx_decide()), that the parties left are stuck
 *        for good; the loop then holds a hang-mode run and stops it
 * @unwind: called once after the run is stopped: take the work items still
 *          queued off their queues, so they need not run only to end
 */
struct wqf_drive {
	bool (*done)(struct wqf_ctx *ctx);
	bool (*poll)(struct wqf_ctx *ctx);
	void (*unwind)(struct wqf_ctx *ctx);
};

/**
 * struct wqf_scenario - what a scenario implements
 * @owner: the module that provides it (THIS_MODULE); referenced while in use
 * @id: enum wqf_scenario_id, or from WQF_SCN_USER_BASE for another module's
 * @name: short name, as used by the CLI and in log lines
 * @variants: variant names; wqf_run.variant indexes this
 * @nr_variants: entries in @variants
 * @flags: the WQF_RUN_* flags the scenario honours; others are -EINVAL
 * @fields: the scenario's knobs and results, in payload order
 * @nr_fields: entries in @fields
 * @payload_size: the size of the scenario's struct (its payload), at most
 *                WQF_PAYLOAD_MAX
 * @payload_min: the smallest payload userspace may pass (the struct's size
 *               when the scenario first shipped), or 0 for @payload_size
 * @validate: the rules the field table cannot say (one knob bounded by
 *            another, values derived from others); called after the
 *            harness checked every field. -EINVAL (with a rate-limited
 *            message) on bad input
 * @priv_size: bytes of the run's own state, ctx->priv: the harness
 *             allocates it zeroed before @setup and frees it after
 *             @teardown
 * @setup: make the run's queues, locks and state; 0 or a negative errno
 *         (nothing runs then; -ECANCELED if aborted meanwhile, which the
 *         harness reports as the verdict ABORTED)
 * @start: start the parties and drive the run to its verdict, with
 *         wqf_ctx_drive(); every wait bounded. Returns the verdict
 * @stop: optional: after the harness stopped the run (wqf_ctx_stop(),
 *        also when @setup failed), end what is pending, so that nothing
 *        runs any more: cancel work, destroy the queues
 * @results: optional: after @stop, fill the payload's results
 * @teardown: optional: free what @setup made, also after it failed
 * @leaked: optional: did a COMPLETED run leave state behind? The harness
 *          then reports LEAKED
 */
struct wqf_scenario {
	struct module *owner;
	u32 id;
	const char *name;
	const char * const *variants;
	u32 nr_variants;
	u32 flags;
	const struct wqf_field *fields;
	u32 nr_fields;
	u32 payload_size;
	u32 payload_min;
	int (*validate)(struct wqf_args *args);
	size_t priv_size;
	int (*setup)(struct wqf_ctx *ctx);
	u32 (*start)(struct wqf_ctx *ctx);
	void (*stop)(struct wqf_ctx *ctx);
	void (*results)(struct wqf_ctx *ctx);
	void (*teardown)(struct wqf_ctx *ctx);
	bool (*leaked)(const struct wqf_args *args);
};

/* Shared enum names of the UAPI (index = value). */
extern const char * const wqf_lock_names[3];

extern const struct wqf_scenario wqf_scn_starve;
extern const struct wqf_scenario wqf_scn_lockcb;
extern const struct wqf_scenario wqf_scn_mux;
extern const struct wqf_scenario wqf_scn_leak;
extern const struct wqf_scenario wqf_scn_abba;

const struct wqf_scenario *wqf_scenario_at(u32 index);
const struct wqf_scenario *wqf_scenario_get(u32 id);
void wqf_scenario_put(const struct wqf_scenario *scn);
u32 wqf_nr_scenarios(void);
int wqf_scenarios_init(void);
int wqf_scenarios_sane(void);
int wqfault_register_scenario(const struct wqf_scenario *scn);
void wqfault_unregister_scenario(const struct wqf_scenario *scn);
const char *wqf_verdict_name(u32 verdict);

void wqf_ctx_init(struct wqf_ctx *ctx);
void wqf_ctx_abort(struct wqf_ctx *ctx);
void wqf_ctx_stop(struct wqf_ctx *ctx);
bool wqf_ctx_poll(struct wqf_ctx *ctx);
bool wqf_ctx_decide(struct wqf_ctx *ctx);
bool wqf_ctx_cancelled(struct wqf_ctx *ctx);
void wqf_ctx_verdict(struct wqf_ctx *ctx, u32 verdict, u64 verdict_us);
bool wqf_ctx_deadlock(struct wqf_ctx *ctx, u64 verdict_us);
bool wqf_ctx_aborted(const struct wqf_ctx *ctx);
int wqf_wait(struct wqf_ctx *ctx, struct completion *done,
	     unsigned long deadline);
bool wqf_ctx_tick(struct wqf_ctx *ctx, wait_queue_head_t *wq, atomic_t *seq,
		  int seen);
void wqf_ctx_event(struct wqf_ctx *ctx);
bool wqf_ctx_wait(struct wqf_ctx *ctx);

/**
 * wqf_ctx_wait_until() - the driving thread waits, ticking, for a start
 * condition of its parties (a gate, writers holding their resources)
 * @ctx: the run
 * @cond: the condition, evaluated after each wqf_ctx_wait()
 * @deadline: jiffies: the wait's bound
 *
 * Return: 0 once @cond holds, -ECANCELED if the run must stop (aborted or
 * stopped, or the caller signalled), -ETIMEDOUT past @deadline.
 */
#define wqf_ctx_wait_until(ctx, cond, deadline)				\
({									\
	int __ret = 0;							\
									\
	while (!(cond)) {						\
		if (wqf_ctx_wait(ctx)) {				\
			__ret = -ECANCELED;				\
			break;						\
		}							\
		if (time_after(jiffies, (deadline))) {			\
			__ret = -ETIMEDOUT;				\
			break;						\
		}							\
	}								\
	__ret;								\
})
bool wqf_ctx_stall(struct wqf_ctx *ctx);
u32 wqf_ctx_drive(struct wqf_ctx *ctx, const struct wqf_drive *d);

void wqf_owner_init(struct wqf_owner *owner);
void wqf_owner_abort(struct wqf_owner *owner, const void *files);
int wqf_run_scenario(struct wqf_args *args, struct wqf_owner *owner);
void *wqf_args_field(const struct wqf_args *args, const char *name,
		     const struct wqf_field **field);
/**
 * wqf_bad() - refuse a knob in a scenario's validate: one rate-limited line
 * @what: the knob and the rule it breaks
 * @val: its value
 *
 * Return: -EINVAL.
 */
#define wqf_bad(what, val)						\
({									\
	pr_warn_ratelimited("invalid %s %lld\n", (what), (long long)(val)); \
	-EINVAL;							\
})

int wqf_args_get(const struct wqf_args *args, const char *name, s64 *v);
int wqf_args_set(struct wqf_args *args, const char *name, s64 v);
int wqf_runs_in_progress(void);
void wqf_complete_all(struct wqf_ctx *ctx, struct completion *done);
bool wqf_hang_hold(struct wqf_ctx *ctx, wait_queue_head_t *wq, atomic_t *seq);
int wqf_release_all(void);

#endif /* _WQFAULT_H */
