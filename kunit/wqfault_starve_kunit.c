// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the starve scenario on real workqueues. The buggy variant must
 * deadlock exactly where the kernel's max_active accounting says, the
 * fixes must never deadlock, and the diagnosis must match the kernel's
 * own state.
 */
#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/slab.h>

#include "wqfault.h"
#include "wqfault_kunit.h"

/* Short stall: every deadlocking case costs about this much. */
#define STALL_MS	200

struct starve_case {
	const char *desc;
	u32 variant;
	u32 queue;
	u32 queue_flags;
	u32 max_active;
	u32 requests;
	u32 shares;
	u32 cached;
	u32 placement;
	s32 cpu;
	s32 connect_cpu;
	u32 cpus_needed;
	u32 verdict;
};

static void starve_args(struct kunit *test, struct wqf_args *r,
			const struct starve_case *c)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->scenario = WQF_SCN_STARVE;
	r->variant = c->variant;
	r->stall_timeout_ms = STALL_MS;
	WQF_SET(r, queue, c->queue);
	WQF_SET(r, queue_flags, c->queue_flags);
	WQF_SET(r, max_active, c->max_active);
	WQF_SET(r, requests, c->requests);
	WQF_SET(r, shares, c->shares);
	WQF_SET(r, cached, c->cached);
	WQF_SET(r, placement, c->placement);
	WQF_SET(r, cpu, c->cpu);
	if (c->connect_cpu != -1) {
		WQF_SET(r, connect_placement, WQF_PLACE_PIN);
		WQF_SET(r, connect_cpu, c->connect_cpu);
	}
}

static void starve_run_case(struct kunit *test, const struct starve_case *c,
			    struct wqf_args *r)
{
	if (num_online_cpus() < c->cpus_needed)
		kunit_skip(test, "needs %u online CPUs", c->cpus_needed);
	/* How many requests each CPU gets depends on the CPU count. */
	if (c->placement == WQF_PLACE_SPREAD && c->cpus_needed > 1 &&
	    num_online_cpus() != c->cpus_needed)
		kunit_skip(test, "written for exactly %u online CPUs", c->cpus_needed);
	starve_args(test, r, c);
	KUNIT_ASSERT_EQ(test, wqf_run_scenario(r, NULL), 0);
	/* Nothing of the run is left: it has ended and its queues are gone. */
	KUNIT_EXPECT_EQ(test, wqf_runs_in_progress(), 0);
}

#define U WQF_QUEUE_UNBOUND
#define P WQF_QUEUE_PERCPU
#define O WQF_QUEUE_ORDERED
#define BUGGY WQF_STARVE_BUGGY
#define DL WQF_VERDICT_DEADLOCK
#define OK WQF_VERDICT_COMPLETED
#define PIN WQF_PLACE_PIN
#define SPREAD WQF_PLACE_SPREAD

/*
 * The threshold, per accounting domain. The first requests miss (cached
 * shares are the last ones); the start gate makes min(requests in the
 * domain, limit) of them hold slots before any connect is queued. Deadlock
 * iff the misses holding slots fill the domain's limit: max_active per node
 * (unbound), per CPU (per-CPU), 1 (ordered). Only points where no slot frees
 * before the stall are listed: once a hit frees a slot on an unbound queue,
 * the kernel hands it round-robin to the pods' pool_workqueues, and whether
 * a parked connect or a parked request gets it is a race.
 */
static const struct starve_case threshold_cases[] = {
	{ .desc = "unbound W=4 R=3 below", .variant = BUGGY, .queue = U, .max_active = 4,
	  .requests = 3, .connect_cpu = -1, .cpus_needed = 1, .verdict = OK },
	{ .desc = "unbound W=4 R=4 at", .variant = BUGGY, .queue = U, .max_active = 4,
	  .requests = 4, .connect_cpu = -1, .cpus_needed = 1, .verdict = DL },
	{ .desc = "unbound W=4 R=5 above", .variant = BUGGY, .queue = U, .max_active = 4,
	  .requests = 5, .connect_cpu = -1, .cpus_needed = 1, .verdict = DL },
	{ .desc = "unbound W=4 R=64 far above", .variant = BUGGY, .queue = U, .max_active = 4,
	  .requests = 64, .connect_cpu = -1, .cpus_needed = 1, .verdict = DL },
	{ .desc = "unbound W=1 R=1 at", .variant = BUGGY, .queue = U, .max_active = 1,
	  .requests = 1, .connect_cpu = -1, .cpus_needed = 1, .verdict = DL },
	{ .desc = "unbound W=16 R=15 below", .variant = BUGGY, .queue = U, .max_active = 16,
	  .requests = 15, .connect_cpu = -1, .cpus_needed = 1, .verdict = OK },
	{ .desc = "unbound W=16 R=16 at", .variant = BUGGY, .queue = U, .max_active = 16,
	  .requests = 16, .connect_cpu = -1, .cpus_needed = 1, .verdict = DL },
	{ .desc = "unbound+highpri W=4 R=4 at", .variant = BUGGY, .queue = U,
	  .queue_flags = WQF_QF_HIGHPRI, .max_active = 4, .requests = 4, .connect_cpu = -1,
	  .cpus_needed = 1, .verdict = DL },
	{ .desc = "unbound+mem_reclaim W=4 R=8: rescuer does not help", .variant = BUGGY,
	  .queue = U, .queue_flags = WQF_QF_MEM_RECLAIM, .max_active = 4, .requests = 8,
	  .connect_cpu = -1, .cpus_needed = 1, .verdict = DL },
	{ .desc = "unbound W=4 R=8 shares=8 cached=5: 3 misses", .variant = BUGGY, .queue = U,
	  .max_active = 4, .requests = 8, .shares = 8, .cached = 5, .connect_cpu = -1,
	  .cpus_needed = 1, .verdict = OK },
	{ .desc = "unbound W=4 R=8 shares=8 cached=4: 4 misses", .variant = BUGGY, .queue = U,
	  .max_active = 4, .requests = 8, .shares = 8, .cached = 4, .connect_cpu = -1,
	  .cpus_needed = 1, .verdict = DL },
	{ .desc = "unbound W=4 R=16 shares=2: 4 waiters, 2 connects", .variant = BUGGY,
	  .queue = U, .max_active = 4, .requests = 16, .shares = 2, .connect_cpu = -1,
	  .cpus_needed = 1, .verdict = DL },
	{ .desc = "percpu pin0 W=2 R=1 below", .variant = BUGGY, .queue = P, .max_active = 2,
	  .requests = 1, .placement = PIN, .connect_cpu = -1, .cpus_needed = 1, .verdict = OK },
	{ .desc = "percpu pin0 W=2 R=2 at", .variant = BUGGY, .queue = P, .max_active = 2,
	  .requests = 2, .placement = PIN, .connect_cpu = -1, .cpus_needed = 1, .verdict = DL },
	{ .desc = "percpu pin0 W=2 R=3 above", .variant = BUGGY, .queue = P, .max_active = 2,
	  .requests = 3, .placement = PIN, .connect_cpu = -1, .cpus_needed = 1, .verdict = DL },
	{ .desc = "percpu+highpri pin0 W=2 R=2 at", .variant = BUGGY, .queue = P,
	  .queue_flags = WQF_QF_HIGHPRI, .max_active = 2, .requests = 2, .placement = PIN,
	  .connect_cpu = -1, .cpus_needed = 1, .verdict = DL },
	{ .desc = "percpu+mem_reclaim pin0 W=2 R=2 at", .variant = BUGGY, .queue = P,
	  .queue_flags = WQF_QF_MEM_RECLAIM, .max_active = 2, .requests = 2, .placement = PIN,
	  .connect_cpu = -1, .cpus_needed = 1, .verdict = DL },
	{ .desc = "percpu pin0 W=2 R=2, connects on cpu1", .variant = BUGGY, .queue = P,
	  .max_active = 2, .requests = 2, .placement = PIN, .connect_cpu = 1, .cpus_needed = 2,
	  .verdict = OK },
	{ .desc = "percpu pin1 W=2 R=8, connects on cpu0", .variant = BUGGY, .queue = P,
	  .max_active = 2, .requests = 8, .placement = PIN, .cpu = 1, .cpus_needed = 2,
	  .verdict = OK },
	{ .desc = "percpu spread W=4 R=6 over 2 CPUs: 3 per CPU", .variant = BUGGY, .queue = P,
	  .max_active = 4, .requests = 6, .placement = SPREAD, .connect_cpu = -1,
	  .cpus_needed = 2, .verdict = OK },
	{ .desc = "percpu spread W=4 R=7 over 2 CPUs: 4 on cpu0", .variant = BUGGY, .queue = P,
	  .max_active = 4, .requests = 7, .placement = SPREAD, .connect_cpu = -1,
	  .cpus_needed = 2, .verdict = DL },
	{ .desc = "unbound spread W=4 R=7: one node counts all", .variant = BUGGY, .queue = U,
	  .max_active = 4, .requests = 7, .placement = SPREAD, .connect_cpu = -1,
	  .cpus_needed = 2, .verdict = DL },
	{ .desc = "ordered R=1", .variant = BUGGY, .queue = O, .max_active = 1, .requests = 1,
	  .connect_cpu = -1, .cpus_needed = 1, .verdict = DL },
	{ .desc = "ordered R=1 cached: a hit needs no connect", .variant = BUGGY, .queue = O,
	  .max_active = 1, .requests = 1, .shares = 1, .cached = 1, .connect_cpu = -1,
	  .cpus_needed = 1, .verdict = OK },
};

static void starve_case_desc(const struct starve_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(threshold, threshold_cases, starve_case_desc);

static void wqfault_starve_threshold(struct kunit *test)
{
	const struct starve_case *c = test->param_value;
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	starve_run_case(test, c, r);
	KUNIT_EXPECT_STREQ(test, wqf_verdict_name(r->verdict),
			   wqf_verdict_name(c->verdict));
	if (c->verdict == OK) {
		KUNIT_EXPECT_EQ(test, WQF_GET(r, completed), c->requests);
		KUNIT_EXPECT_EQ(test, WQF_GET(r, timed_out), 0);
	}
}

/* The fixes never deadlock, for request counts far above max_active. */
static const struct starve_case fixed_cases[] = {
	{ .desc = "throttle unbound W=4 R=2000", .variant = WQF_STARVE_THROTTLE, .queue = U,
	  .max_active = 4, .requests = 2000, .connect_cpu = -1, .cpus_needed = 1,
	  .verdict = OK },
	{ .desc = "throttle unbound W=2 R=2000", .variant = WQF_STARVE_THROTTLE, .queue = U,
	  .max_active = 2, .requests = 2000, .connect_cpu = -1, .cpus_needed = 1,
	  .verdict = OK },
	{ .desc = "throttle unbound+mem_reclaim W=4 R=2000", .variant = WQF_STARVE_THROTTLE,
	  .queue = U, .queue_flags = WQF_QF_MEM_RECLAIM, .max_active = 4, .requests = 2000,
	  .connect_cpu = -1, .cpus_needed = 1, .verdict = OK },
	{ .desc = "throttle percpu pin0 W=2 R=2000", .variant = WQF_STARVE_THROTTLE, .queue = P,
	  .max_active = 2, .requests = 2000, .placement = PIN, .connect_cpu = -1,
	  .cpus_needed = 1, .verdict = OK },
	{ .desc = "throttle percpu+highpri spread W=4 R=2000", .variant = WQF_STARVE_THROTTLE,
	  .queue = P, .queue_flags = WQF_QF_HIGHPRI, .max_active = 4, .requests = 2000,
	  .placement = SPREAD, .connect_cpu = -1, .cpus_needed = 1, .verdict = OK },
	{ .desc = "throttle unbound W=4 R=2000 shares=16", .variant = WQF_STARVE_THROTTLE,
	  .queue = U, .max_active = 4, .requests = 2000, .shares = 16, .connect_cpu = -1,
	  .cpus_needed = 1, .verdict = OK },
	{ .desc = "separate-queue unbound W=4 R=2000", .variant = WQF_STARVE_SEPARATE_QUEUE,
	  .queue = U, .max_active = 4, .requests = 2000, .connect_cpu = -1, .cpus_needed = 1,
	  .verdict = OK },
	{ .desc = "separate-queue percpu pin0 W=2 R=2000", .variant = WQF_STARVE_SEPARATE_QUEUE,
	  .queue = P, .max_active = 2, .requests = 2000, .placement = PIN, .connect_cpu = -1,
	  .cpus_needed = 1, .verdict = OK },
	{ .desc = "separate-queue ordered R=500", .variant = WQF_STARVE_SEPARATE_QUEUE,
	  .queue = O, .max_active = 1, .requests = 500, .connect_cpu = -1, .cpus_needed = 1,
	  .verdict = OK },
	{ .desc = "separate-queue unbound+mem_reclaim W=1 R=500",
	  .variant = WQF_STARVE_SEPARATE_QUEUE, .queue = U, .queue_flags = WQF_QF_MEM_RECLAIM,
	  .max_active = 1, .requests = 500, .connect_cpu = -1, .cpus_needed = 1,
	  .verdict = OK },
};

KUNIT_ARRAY_PARAM(fixed, fixed_cases, starve_case_desc);

static void wqfault_starve_fixed(struct kunit *test)
{
	const struct starve_case *c = test->param_value;
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	starve_run_case(test, c, r);
	KUNIT_EXPECT_EQ(test, r->verdict, (u32)WQF_VERDICT_COMPLETED);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, completed), c->requests);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, hits) + WQF_GET(r, misses), c->requests);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, connects), WQF_GET(r, shares) - WQF_GET(r, cached));
	if (c->variant == WQF_STARVE_THROTTLE)
		KUNIT_EXPECT_LE(test, WQF_GET(r, max_in_flight), c->max_active - 1);
}

/* Unbound W=4, R=16: 4 slots held by waiters, 4 connects and 12 requests parked. */
static void wqfault_starve_diagnosis_unbound(struct kunit *test)
{
	static const struct starve_case c = {
		.variant = BUGGY,
		.queue = U,
		.max_active = 4,
		.requests = 16,
		.connect_cpu = -1,
		.cpus_needed = 1,
		.verdict = DL,
	};
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	starve_run_case(test, &c, r);
	KUNIT_ASSERT_EQ(test, r->verdict, (u32)WQF_VERDICT_DEADLOCK);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_waiting), 4);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_parked_connects), 4);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_parked_requests), 12);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_congested), 1);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_cpu), -1);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, completed), 0);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, connects), 0);
	KUNIT_EXPECT_GE(test, WQF_GET(r, oldest_parked_ms), STALL_MS);
	KUNIT_EXPECT_GE(test, r->verdict_us, STALL_MS * 1000ULL);
	KUNIT_EXPECT_GE(test, r->elapsed_us, r->verdict_us);
}

/* Per-CPU W=2, R=5 pinned to the last CPU: the diagnosis names that CPU. */
static void wqfault_starve_diagnosis_percpu(struct kunit *test)
{
	struct starve_case c = { "", BUGGY, P, 0, 2, 5, 0, 0, PIN, 0, -1, 1, DL };
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	int cpu = cpumask_last(cpu_online_mask);

	KUNIT_ASSERT_NOT_NULL(test, r);
	c.cpu = cpu;
	starve_run_case(test, &c, r);
	KUNIT_ASSERT_EQ(test, r->verdict, (u32)WQF_VERDICT_DEADLOCK);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_cpu), cpu);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_node), cpu_to_node(cpu));
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_waiting), 2);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_parked_connects), 2);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_parked_requests), 3);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_congested), 1);
}

/*
 * confirm: one more slot lets the first parked item run. That clears the
 * stall only if it is a connect, i.e. no request is parked ahead of it.
 * "Ahead" is FIFO within one pool_workqueue: an unbound queue has one per
 * pod, and freed slots go round-robin over the pods, so the not-cleared
 * case is asserted on a per-CPU queue (one pwq per CPU).
 */
static const struct starve_case confirm_cases[] = {
	{ .desc = "unbound W=4 R=4: connect first in line", .variant = BUGGY, .queue = U,
	  .max_active = 4, .requests = 4, .connect_cpu = -1, .cpus_needed = 1,
	  .verdict = WQF_CONFIRM_CLEARED },
	{ .desc = "percpu pin0 W=2 R=4: requests parked ahead", .variant = BUGGY, .queue = P,
	  .max_active = 2, .requests = 4, .placement = PIN, .connect_cpu = -1, .cpus_needed = 1,
	  .verdict = WQF_CONFIRM_NOT_CLEARED },
	{ .desc = "percpu pin0 W=2 R=2", .variant = BUGGY, .queue = P, .max_active = 2,
	  .requests = 2, .placement = PIN, .connect_cpu = -1, .cpus_needed = 1,
	  .verdict = WQF_CONFIRM_CLEARED },
	{ .desc = "ordered: max_active is fixed", .variant = BUGGY, .queue = O, .max_active = 1,
	  .requests = 1, .connect_cpu = -1, .cpus_needed = 1,
	  .verdict = WQF_CONFIRM_UNSUPPORTED },
};

KUNIT_ARRAY_PARAM(confirm, confirm_cases, starve_case_desc);

static void wqfault_starve_confirm(struct kunit *test)
{
	const struct starve_case *c = test->param_value;
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	if (num_online_cpus() < c->cpus_needed)
		kunit_skip(test, "needs %u online CPUs", c->cpus_needed);
	starve_args(test, r, c);
	r->flags = WQF_RUN_CONFIRM;
	KUNIT_ASSERT_EQ(test, wqf_run_scenario(r, NULL), 0);
	KUNIT_EXPECT_EQ(test, r->verdict, (u32)WQF_VERDICT_DEADLOCK);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, confirm), c->verdict);
	KUNIT_EXPECT_EQ(test, wqf_runs_in_progress(), 0);
}

struct starve_abort_ctx {
	struct wqf_owner owner;
	struct wqf_args run;
	struct completion done;
	int ret;
};

static int starve_abort_thread(void *data)
{
	struct starve_abort_ctx *a = data;

	a->ret = wqf_run_scenario(&a->run, &a->owner);
	complete_all(&a->done);	/* the test and its cleanup action both wait */
	return 0;
}

/* A kunit action: abort the run and wait for its thread to be done with it. */
static void starve_abort_finish(void *data)
{
	struct starve_abort_ctx *a = data;

	wqf_owner_abort(&a->owner, NULL);
	wait_for_completion(&a->done);
}

/* A run whose stall timeout is far away ends ABORTED when its owner aborts. */
static void wqfault_starve_abort(struct kunit *test)
{
	static const struct starve_case c = {
		.variant = BUGGY,
		.queue = U,
		.max_active = 4,
		.requests = 16,
		.connect_cpu = -1,
		.cpus_needed = 1,
		.verdict = DL,
	};
	struct starve_abort_ctx *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct task_struct *t;

	KUNIT_ASSERT_NOT_NULL(test, a);
	wqf_owner_init(&a->owner);
	init_completion(&a->done);
	starve_args(test, &a->run, &c);
	a->run.stall_timeout_ms = 60000;
	t = kthread_run(starve_abort_thread, a, "wqf_kunit_abort");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	/* Whatever fails below, the run ends before its memory goes. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, starve_abort_finish, a), 0);
	msleep(300);
	wqf_owner_abort(&a->owner, NULL);
	/* Bounded: the run's own waits end on abort within a slice. */
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&a->done, 30 * HZ));
	KUNIT_EXPECT_EQ(test, a->ret, 0);
	KUNIT_EXPECT_EQ(test, a->run.verdict, (u32)WQF_VERDICT_ABORTED);
	KUNIT_EXPECT_LT(test, a->run.elapsed_us, 30000000ULL);
	KUNIT_EXPECT_EQ(test, wqf_runs_in_progress(), 0);
}

/* Bad knobs: -EINVAL, and nothing starts. */
static const struct starve_case invalid_cases[] = {
	{ .desc = "max_active 513", .variant = BUGGY, .queue = U, .max_active = 513,
	  .requests = 4, .connect_cpu = -1, .cpus_needed = 1 },
	{ .desc = "requests 0", .variant = BUGGY, .queue = U, .max_active = 4,
	  .connect_cpu = -1, .cpus_needed = 1 },
	{ .desc = "requests 1000001", .variant = BUGGY, .queue = U, .max_active = 4,
	  .requests = 1000001, .connect_cpu = -1, .cpus_needed = 1 },
	{ .desc = "cached above shares", .variant = BUGGY, .queue = U, .max_active = 4,
	  .requests = 8, .shares = 4, .cached = 5, .connect_cpu = -1, .cpus_needed = 1 },
	{ .desc = "ordered with max_active 2", .variant = BUGGY, .queue = O, .max_active = 2,
	  .requests = 4, .connect_cpu = -1, .cpus_needed = 1 },
	{ .desc = "throttle on ordered", .variant = WQF_STARVE_THROTTLE, .queue = O,
	  .max_active = 1, .requests = 4, .connect_cpu = -1, .cpus_needed = 1 },
	{ .desc = "unknown queue kind", .variant = BUGGY, .queue = 7, .max_active = 4,
	  .requests = 4, .connect_cpu = -1, .cpus_needed = 1 },
	{ .desc = "unknown queue flag", .variant = BUGGY, .queue = U, .queue_flags = 1U << 9,
	  .max_active = 4, .requests = 4, .connect_cpu = -1, .cpus_needed = 1 },
	{ .desc = "unknown placement", .variant = BUGGY, .queue = U, .max_active = 4,
	  .requests = 4, .placement = 9, .connect_cpu = -1, .cpus_needed = 1 },
	{ .desc = "pin to a CPU that does not exist", .variant = BUGGY, .queue = P,
	  .max_active = 4, .requests = 4, .placement = PIN, .cpu = 4096, .connect_cpu = -1,
	  .cpus_needed = 1 },
	{ .desc = "connect_cpu -2", .variant = BUGGY, .queue = P, .max_active = 4,
	  .requests = 4, .connect_cpu = -2, .cpus_needed = 1 },
	{ .desc = "unknown variant", .variant = 3, .queue = U, .max_active = 4, .requests = 4,
	  .connect_cpu = -1, .cpus_needed = 1 },
};

KUNIT_ARRAY_PARAM(invalid, invalid_cases, starve_case_desc);

static void wqfault_starve_invalid(struct kunit *test)
{
	const struct starve_case *c = test->param_value;
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	starve_args(test, r, c);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, r->run_id, 0);
	KUNIT_EXPECT_EQ(test, wqf_runs_in_progress(), 0);
}

/* throttle must be below max_active; its default is max_active - 1. */
static void wqfault_starve_throttle_limits(struct kunit *test)
{
	static const struct starve_case c = {
		.variant = WQF_STARVE_THROTTLE,
		.queue = U,
		.max_active = 4,
		.requests = 8,
		.connect_cpu = -1,
		.cpus_needed = 1,
		.verdict = OK,
	};
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	starve_args(test, r, &c);
	WQF_SET(r, throttle, 4);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	starve_args(test, r, &c);
	WQF_SET(r, max_active, 1);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	starve_args(test, r, &c);
	KUNIT_ASSERT_EQ(test, wqf_run_scenario(r, NULL), 0);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, throttle), 3);
	KUNIT_EXPECT_EQ(test, r->verdict, (u32)WQF_VERDICT_COMPLETED);
	/* Unthrottled variants refuse a throttle rather than ignore it. */
	starve_args(test, r, &c);
	r->variant = BUGGY;
	WQF_SET(r, throttle, 2);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
}

/* A run flag of another scenario is refused, not ignored. */
static void wqfault_starve_foreign_flag(struct kunit *test)
{
	static const struct starve_case c = {
		.variant = BUGGY,
		.queue = U,
		.max_active = 4,
		.requests = 4,
		.connect_cpu = -1,
		.cpus_needed = 1,
		.verdict = DL,
	};
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	starve_args(test, r, &c);
	r->flags = WQF_RUN_NO_LOCKDEP;
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, r->run_id, 0);
}

static struct kunit_case wqfault_starve_cases[] = {
	KUNIT_CASE_PARAM_ATTR(wqfault_starve_threshold, threshold_gen_params, WQF_KUNIT_SLOW),
	KUNIT_CASE_PARAM(wqfault_starve_fixed, fixed_gen_params),
	KUNIT_CASE(wqfault_starve_diagnosis_unbound),
	KUNIT_CASE(wqfault_starve_diagnosis_percpu),
	KUNIT_CASE_PARAM_ATTR(wqfault_starve_confirm, confirm_gen_params, WQF_KUNIT_SLOW),
	KUNIT_CASE_SLOW(wqfault_starve_abort),
	KUNIT_CASE_PARAM(wqfault_starve_invalid, invalid_gen_params),
	KUNIT_CASE(wqfault_starve_throttle_limits),
	KUNIT_CASE(wqfault_starve_foreign_flag),
	{}
};

static struct kunit_suite wqfault_starve_suite = {
	.name = "wqfault_starve",
	.test_cases = wqfault_starve_cases,
};

kunit_test_suite(wqfault_starve_suite);
