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

static void starve_args(struct wqf_args *r, const struct starve_case *c)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->scenario = WQF_SCN_STARVE;
	r->variant = c->variant;
	r->stall_timeout_ms = STALL_MS;
	r->starve.queue = c->queue;
	r->starve.queue_flags = c->queue_flags;
	r->starve.max_active = c->max_active;
	r->starve.requests = c->requests;
	r->starve.shares = c->shares;
	r->starve.cached = c->cached;
	r->starve.placement = c->placement;
	r->starve.cpu = c->cpu;
	if (c->connect_cpu != -1) {
		r->starve.connect_placement = WQF_PLACE_PIN;
		r->starve.connect_cpu = c->connect_cpu;
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
	starve_args(r, c);
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
	{ "unbound W=4 R=3 below", BUGGY, U, 0, 4, 3, 0, 0, 0, 0, -1, 1, OK },
	{ "unbound W=4 R=4 at", BUGGY, U, 0, 4, 4, 0, 0, 0, 0, -1, 1, DL },
	{ "unbound W=4 R=5 above", BUGGY, U, 0, 4, 5, 0, 0, 0, 0, -1, 1, DL },
	{ "unbound W=4 R=64 far above", BUGGY, U, 0, 4, 64, 0, 0, 0, 0, -1, 1, DL },
	{ "unbound W=1 R=1 at", BUGGY, U, 0, 1, 1, 0, 0, 0, 0, -1, 1, DL },
	{ "unbound W=16 R=15 below", BUGGY, U, 0, 16, 15, 0, 0, 0, 0, -1, 1, OK },
	{ "unbound W=16 R=16 at", BUGGY, U, 0, 16, 16, 0, 0, 0, 0, -1, 1, DL },
	{ "unbound+highpri W=4 R=4 at", BUGGY, U, WQF_QF_HIGHPRI, 4, 4, 0, 0, 0, 0, -1, 1, DL },
	{ "unbound+mem_reclaim W=4 R=8: rescuer does not help", BUGGY, U,
	  WQF_QF_MEM_RECLAIM, 4, 8, 0, 0, 0, 0, -1, 1, DL },
	{ "unbound W=4 R=8 shares=8 cached=5: 3 misses", BUGGY, U, 0, 4, 8, 8, 5, 0, 0, -1, 1, OK },
	{ "unbound W=4 R=8 shares=8 cached=4: 4 misses", BUGGY, U, 0, 4, 8, 8, 4, 0, 0, -1, 1, DL },
	{ "unbound W=4 R=16 shares=2: 4 waiters, 2 connects",
	  BUGGY, U, 0, 4, 16, 2, 0, 0, 0, -1, 1, DL },
	{ "percpu pin0 W=2 R=1 below", BUGGY, P, 0, 2, 1, 0, 0, PIN, 0, -1, 1, OK },
	{ "percpu pin0 W=2 R=2 at", BUGGY, P, 0, 2, 2, 0, 0, PIN, 0, -1, 1, DL },
	{ "percpu pin0 W=2 R=3 above", BUGGY, P, 0, 2, 3, 0, 0, PIN, 0, -1, 1, DL },
	{ "percpu+highpri pin0 W=2 R=2 at",
	  BUGGY, P, WQF_QF_HIGHPRI, 2, 2, 0, 0, PIN, 0, -1, 1, DL },
	{ "percpu+mem_reclaim pin0 W=2 R=2 at",
	  BUGGY, P, WQF_QF_MEM_RECLAIM, 2, 2, 0, 0, PIN, 0, -1, 1, DL },
	{ "percpu pin0 W=2 R=2, connects on cpu1", BUGGY, P, 0, 2, 2, 0, 0, PIN, 0, 1, 2, OK },
	{ "percpu pin1 W=2 R=8, connects on cpu0", BUGGY, P, 0, 2, 8, 0, 0, PIN, 1, 0, 2, OK },
	{ "percpu spread W=4 R=6 over 2 CPUs: 3 per CPU",
	  BUGGY, P, 0, 4, 6, 0, 0, SPREAD, 0, -1, 2, OK },
	{ "percpu spread W=4 R=7 over 2 CPUs: 4 on cpu0",
	  BUGGY, P, 0, 4, 7, 0, 0, SPREAD, 0, -1, 2, DL },
	{ "unbound spread W=4 R=7: one node counts all",
	  BUGGY, U, 0, 4, 7, 0, 0, SPREAD, 0, -1, 2, DL },
	{ "ordered R=1", BUGGY, O, 0, 1, 1, 0, 0, 0, 0, -1, 1, DL },
	{ "ordered R=1 cached: a hit needs no connect", BUGGY, O, 0, 1, 1, 1, 1, 0, 0, -1, 1, OK },
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
		KUNIT_EXPECT_EQ(test, r->starve.completed, c->requests);
		KUNIT_EXPECT_EQ(test, r->starve.timed_out, 0);
	}
}

/* The fixes never deadlock, for request counts far above max_active. */
static const struct starve_case fixed_cases[] = {
	{ "throttle unbound W=4 R=2000",
	  WQF_STARVE_THROTTLE, U, 0, 4, 2000, 0, 0, 0, 0, -1, 1, OK },
	{ "throttle unbound W=2 R=2000",
	  WQF_STARVE_THROTTLE, U, 0, 2, 2000, 0, 0, 0, 0, -1, 1, OK },
	{ "throttle unbound+mem_reclaim W=4 R=2000", WQF_STARVE_THROTTLE, U,
	  WQF_QF_MEM_RECLAIM, 4, 2000, 0, 0, 0, 0, -1, 1, OK },
	{ "throttle percpu pin0 W=2 R=2000",
	  WQF_STARVE_THROTTLE, P, 0, 2, 2000, 0, 0, PIN, 0, -1, 1, OK },
	{ "throttle percpu+highpri spread W=4 R=2000", WQF_STARVE_THROTTLE, P,
	  WQF_QF_HIGHPRI, 4, 2000, 0, 0, SPREAD, 0, -1, 1, OK },
	{ "throttle unbound W=4 R=2000 shares=16",
	  WQF_STARVE_THROTTLE, U, 0, 4, 2000, 16, 0, 0, 0, -1, 1, OK },
	{ "separate-queue unbound W=4 R=2000",
	  WQF_STARVE_SEPARATE_QUEUE, U, 0, 4, 2000, 0, 0, 0, 0, -1, 1, OK },
	{ "separate-queue percpu pin0 W=2 R=2000",
	  WQF_STARVE_SEPARATE_QUEUE, P, 0, 2, 2000, 0, 0, PIN, 0, -1, 1, OK },
	{ "separate-queue ordered R=500",
	  WQF_STARVE_SEPARATE_QUEUE, O, 0, 1, 500, 0, 0, 0, 0, -1, 1, OK },
	{ "separate-queue unbound+mem_reclaim W=1 R=500", WQF_STARVE_SEPARATE_QUEUE, U,
	  WQF_QF_MEM_RECLAIM, 1, 500, 0, 0, 0, 0, -1, 1, OK },
};

KUNIT_ARRAY_PARAM(fixed, fixed_cases, starve_case_desc);

static void wqfault_starve_fixed(struct kunit *test)
{
	const struct starve_case *c = test->param_value;
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	starve_run_case(test, c, r);
	KUNIT_EXPECT_EQ(test, r->verdict, (u32)WQF_VERDICT_COMPLETED);
	KUNIT_EXPECT_EQ(test, r->starve.completed, c->requests);
	KUNIT_EXPECT_EQ(test, r->starve.hits + r->starve.misses, c->requests);
	KUNIT_EXPECT_EQ(test, r->starve.connects, r->starve.shares - r->starve.cached);
	if (c->variant == WQF_STARVE_THROTTLE)
		KUNIT_EXPECT_LE(test, r->starve.max_in_flight, c->max_active - 1);
}

/* Unbound W=4, R=16: 4 slots held by waiters, 4 connects and 12 requests parked. */
static void wqfault_starve_diagnosis_unbound(struct kunit *test)
{
	static const struct starve_case c = {
		"", BUGGY, U, 0, 4, 16, 0, 0, 0, 0, -1, 1, DL };
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	starve_run_case(test, &c, r);
	KUNIT_ASSERT_EQ(test, r->verdict, (u32)WQF_VERDICT_DEADLOCK);
	KUNIT_EXPECT_EQ(test, r->starve.diag_waiting, 4);
	KUNIT_EXPECT_EQ(test, r->starve.diag_parked_connects, 4);
	KUNIT_EXPECT_EQ(test, r->starve.diag_parked_requests, 12);
	KUNIT_EXPECT_EQ(test, r->starve.diag_congested, 1);
	KUNIT_EXPECT_EQ(test, r->starve.diag_cpu, -1);
	KUNIT_EXPECT_EQ(test, r->starve.completed, 0);
	KUNIT_EXPECT_EQ(test, r->starve.connects, 0);
	KUNIT_EXPECT_GE(test, r->starve.oldest_parked_ms, STALL_MS);
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
	KUNIT_EXPECT_EQ(test, r->starve.diag_cpu, cpu);
	KUNIT_EXPECT_EQ(test, r->starve.diag_node, cpu_to_node(cpu));
	KUNIT_EXPECT_EQ(test, r->starve.diag_waiting, 2);
	KUNIT_EXPECT_EQ(test, r->starve.diag_parked_connects, 2);
	KUNIT_EXPECT_EQ(test, r->starve.diag_parked_requests, 3);
	KUNIT_EXPECT_EQ(test, r->starve.diag_congested, 1);
}

/*
 * confirm: one more slot lets the first parked item run. That clears the
 * stall only if it is a connect, i.e. no request is parked ahead of it.
 * "Ahead" is FIFO within one pool_workqueue: an unbound queue has one per
 * pod, and freed slots go round-robin over the pods, so the not-cleared
 * case is asserted on a per-CPU queue (one pwq per CPU).
 */
static const struct starve_case confirm_cases[] = {
	{ "unbound W=4 R=4: connect first in line", BUGGY, U, 0, 4, 4, 0, 0, 0, 0, -1, 1,
	  WQF_CONFIRM_CLEARED },
	{ "percpu pin0 W=2 R=4: requests parked ahead", BUGGY, P, 0, 2, 4, 0, 0, PIN, 0, -1, 1,
	  WQF_CONFIRM_NOT_CLEARED },
	{ "percpu pin0 W=2 R=2", BUGGY, P, 0, 2, 2, 0, 0, PIN, 0, -1, 1,
	  WQF_CONFIRM_CLEARED },
	{ "ordered: max_active is fixed", BUGGY, O, 0, 1, 1, 0, 0, 0, 0, -1, 1,
	  WQF_CONFIRM_UNSUPPORTED },
};

KUNIT_ARRAY_PARAM(confirm, confirm_cases, starve_case_desc);

static void wqfault_starve_confirm(struct kunit *test)
{
	const struct starve_case *c = test->param_value;
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	if (num_online_cpus() < c->cpus_needed)
		kunit_skip(test, "needs %u online CPUs", c->cpus_needed);
	starve_args(r, c);
	r->flags = WQF_RUN_CONFIRM;
	KUNIT_ASSERT_EQ(test, wqf_run_scenario(r, NULL), 0);
	KUNIT_EXPECT_EQ(test, r->verdict, (u32)WQF_VERDICT_DEADLOCK);
	KUNIT_EXPECT_EQ(test, r->starve.confirm, c->verdict);
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
	complete(&a->done);
	return 0;
}

/* A run whose stall timeout is far away ends ABORTED when its owner aborts. */
static void wqfault_starve_abort(struct kunit *test)
{
	static const struct starve_case c = {
		"", BUGGY, U, 0, 4, 16, 0, 0, 0, 0, -1, 1, DL };
	struct starve_abort_ctx *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	struct task_struct *t;

	KUNIT_ASSERT_NOT_NULL(test, a);
	wqf_owner_init(&a->owner);
	init_completion(&a->done);
	starve_args(&a->run, &c);
	a->run.stall_timeout_ms = 60000;
	t = kthread_run(starve_abort_thread, a, "wqf_kunit_abort");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
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
	{ "max_active 513", BUGGY, U, 0, 513, 4, 0, 0, 0, 0, -1, 1, 0 },
	{ "requests 0", BUGGY, U, 0, 4, 0, 0, 0, 0, 0, -1, 1, 0 },
	{ "requests 1000001", BUGGY, U, 0, 4, 1000001, 0, 0, 0, 0, -1, 1, 0 },
	{ "cached above shares", BUGGY, U, 0, 4, 8, 4, 5, 0, 0, -1, 1, 0 },
	{ "ordered with max_active 2", BUGGY, O, 0, 2, 4, 0, 0, 0, 0, -1, 1, 0 },
	{ "throttle on ordered", WQF_STARVE_THROTTLE, O, 0, 1, 4, 0, 0, 0, 0, -1, 1, 0 },
	{ "unknown queue kind", BUGGY, 7, 0, 4, 4, 0, 0, 0, 0, -1, 1, 0 },
	{ "unknown queue flag", BUGGY, U, 1U << 9, 4, 4, 0, 0, 0, 0, -1, 1, 0 },
	{ "unknown placement", BUGGY, U, 0, 4, 4, 0, 0, 9, 0, -1, 1, 0 },
	{ "pin to a CPU that does not exist", BUGGY, P, 0, 4, 4, 0, 0, PIN, 4096, -1, 1, 0 },
	{ "connect_cpu -2", BUGGY, P, 0, 4, 4, 0, 0, 0, 0, -2, 1, 0 },
	{ "unknown variant", 3, U, 0, 4, 4, 0, 0, 0, 0, -1, 1, 0 },
};

KUNIT_ARRAY_PARAM(invalid, invalid_cases, starve_case_desc);

static void wqfault_starve_invalid(struct kunit *test)
{
	const struct starve_case *c = test->param_value;
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	starve_args(r, c);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, r->run_id, 0);
	KUNIT_EXPECT_EQ(test, wqf_runs_in_progress(), 0);
}

/* throttle must be below max_active; its default is max_active - 1. */
static void wqfault_starve_throttle_limits(struct kunit *test)
{
	static const struct starve_case c = {
		"", WQF_STARVE_THROTTLE, U, 0, 4, 8, 0, 0, 0, 0, -1, 1, OK };
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	starve_args(r, &c);
	r->starve.throttle = 4;
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	starve_args(r, &c);
	r->starve.max_active = 1;
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	starve_args(r, &c);
	KUNIT_ASSERT_EQ(test, wqf_run_scenario(r, NULL), 0);
	KUNIT_EXPECT_EQ(test, r->starve.throttle, 3);
	KUNIT_EXPECT_EQ(test, r->verdict, (u32)WQF_VERDICT_COMPLETED);
	/* Unthrottled variants refuse a throttle rather than ignore it. */
	starve_args(r, &c);
	r->variant = BUGGY;
	r->starve.throttle = 2;
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
}

/* A run flag of another scenario is refused, not ignored. */
static void wqfault_starve_foreign_flag(struct kunit *test)
{
	static const struct starve_case c = {
		"", BUGGY, U, 0, 4, 4, 0, 0, 0, 0, -1, 1, DL };
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	starve_args(r, &c);
	r->flags = WQF_RUN_NO_LOCKDEP;
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, r->run_id, 0);
}

static struct kunit_case wqfault_starve_cases[] = {
	KUNIT_CASE_PARAM(wqfault_starve_threshold, threshold_gen_params),
	KUNIT_CASE_PARAM(wqfault_starve_fixed, fixed_gen_params),
	KUNIT_CASE(wqfault_starve_diagnosis_unbound),
	KUNIT_CASE(wqfault_starve_diagnosis_percpu),
	KUNIT_CASE_PARAM(wqfault_starve_confirm, confirm_gen_params),
	KUNIT_CASE(wqfault_starve_abort),
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
