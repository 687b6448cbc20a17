// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the mux scenario. The buggy client must deadlock below the
 * credits needed at once (logoff threads + 1) and complete at and above
 * it, with the cycle named; each fix must complete where the bug
 * deadlocks; after a deadlock every credit and resource is given back.
 * The threshold points are those measured in Documentation/scenarios.rst.
 */
#include <kunit/test.h>

#include "wqfault.h"
#include "wqfault_kunit.h"

#define STALL_MS	400
/*
 * Writers wait for the logoff threads to reach the pool, 200 ms at most:
 * under TCG, with 16 threads, new kworkers can take longer than 50 ms.
 */
#define WINDOW_US	200000

struct mux_case {
	const char *desc;
	u32 variant;
	u32 threads;
	u32 resources;
	u32 max_mux;
	u32 verdict;
};

static void mux_args(struct kunit *test, struct wqf_args *r,
		     const struct mux_case *c)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->scenario = WQF_SCN_MUX;
	r->variant = c->variant;
	r->stall_timeout_ms = STALL_MS;
	WQF_SET(r, threads, c->threads);
	WQF_SET(r, resources, c->resources);
	WQF_SET(r, max_mux, c->max_mux);
	WQF_SET(r, window_us, WINDOW_US);
}

static struct wqf_args *mux_run_case(struct kunit *test, const struct mux_case *c)
{
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	mux_args(test, r, c);
	KUNIT_ASSERT_EQ(test, wqf_run_scenario(r, NULL), 0);
	KUNIT_EXPECT_EQ(test, wqf_runs_in_progress(), 0);
	return r;
}

static void mux_case_desc(const struct mux_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

#define BUGGY WQF_MUX_BUGGY
#define RAISE WQF_MUX_RAISE_LIMIT
#define RBW WQF_MUX_RELEASE_BEFORE_WAIT
#define SERIAL WQF_MUX_SERIALISE
#define DEADLOCK WQF_VERDICT_DEADLOCK
#define COMPLETED WQF_VERDICT_COMPLETED

/*
 * The buggy client on both sides of the line: deadlock for max_mux below
 * threads - resources + 1, completion at and above it.
 */
static const struct mux_case threshold_cases[] = {
	{ .desc = "2 threads 1 resource mux 1 (below)", .variant = BUGGY, .threads = 2,
	  .resources = 1, .max_mux = 1, .verdict = DEADLOCK },
	{ .desc = "2 threads 1 resource mux 2 (at)", .variant = BUGGY, .threads = 2,
	  .resources = 1, .max_mux = 2, .verdict = COMPLETED },
	{ .desc = "2 threads 1 resource mux 3 (above)", .variant = BUGGY, .threads = 2,
	  .resources = 1, .max_mux = 3, .verdict = COMPLETED },
	{ .desc = "4 threads 1 resource mux 3 (below)", .variant = BUGGY, .threads = 4,
	  .resources = 1, .max_mux = 3, .verdict = DEADLOCK },
	{ .desc = "4 threads 1 resource mux 4 (at)", .variant = BUGGY, .threads = 4,
	  .resources = 1, .max_mux = 4, .verdict = COMPLETED },
	{ .desc = "4 threads 2 resources mux 2 (below)", .variant = BUGGY, .threads = 4,
	  .resources = 2, .max_mux = 2, .verdict = DEADLOCK },
	{ .desc = "4 threads 2 resources mux 3 (at)", .variant = BUGGY, .threads = 4,
	  .resources = 2, .max_mux = 3, .verdict = COMPLETED },
	{ .desc = "8 threads 2 resources mux 6 (below)", .variant = BUGGY, .threads = 8,
	  .resources = 2, .max_mux = 6, .verdict = DEADLOCK },
	{ .desc = "8 threads 2 resources mux 7 (at)", .variant = BUGGY, .threads = 8,
	  .resources = 2, .max_mux = 7, .verdict = COMPLETED },
	{ .desc = "8 threads 4 resources mux 1 (below)", .variant = BUGGY, .threads = 8,
	  .resources = 4, .max_mux = 1, .verdict = DEADLOCK },
	{ .desc = "8 threads 4 resources mux 4 (below)", .variant = BUGGY, .threads = 8,
	  .resources = 4, .max_mux = 4, .verdict = DEADLOCK },
	{ .desc = "8 threads 4 resources mux 5 (at)", .variant = BUGGY, .threads = 8,
	  .resources = 4, .max_mux = 5, .verdict = COMPLETED },
	{ .desc = "8 threads 4 resources mux 8 (above)", .variant = BUGGY, .threads = 8,
	  .resources = 4, .max_mux = 8, .verdict = COMPLETED },
};

KUNIT_ARRAY_PARAM(threshold, threshold_cases, mux_case_desc);

static void mux_expect_released(struct kunit *test, const struct wqf_args *r)
{
	KUNIT_EXPECT_EQ(test, WQF_GET(r, unreleased), 0);
	KUNIT_EXPECT_LE(test, r->verdict_us, r->elapsed_us);
}

static void wqfault_mux_threshold(struct kunit *test)
{
	const struct mux_case *c = test->param_value;
	struct wqf_args *r = mux_run_case(test, c);

	KUNIT_EXPECT_EQ(test, WQF_GET(r, credits_needed), c->threads - c->resources + 1);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, credits), c->max_mux);
	KUNIT_ASSERT_EQ(test, r->verdict, c->verdict);
	mux_expect_released(test, r);
	if (c->verdict == COMPLETED) {
		KUNIT_EXPECT_EQ(test, WQF_GET(r, completed), c->threads);
		KUNIT_EXPECT_EQ(test, WQF_GET(r, writebacks), c->resources);
		KUNIT_EXPECT_EQ(test, WQF_GET(r, logoffs), c->threads - c->resources);
		KUNIT_EXPECT_EQ(test, WQF_GET(r, timed_out), 0);
		KUNIT_EXPECT_LE(test, WQF_GET(r, max_credits_in_use), c->max_mux);
		return;
	}
	/* The cycle: every credit held by a logoff thread waiting for a resource. */
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_cycle), 1);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_credits_free), 0);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_credits_held), c->max_mux);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_credit_waits), (u32)WQF_MUX_WAIT_RESOURCE);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_resource_waits), (u32)WQF_MUX_WAIT_CREDIT);
	KUNIT_EXPECT_GE(test, WQF_GET(r, diag_credit_thread), (s32)c->resources);
	KUNIT_EXPECT_LT(test, WQF_GET(r, diag_resource_thread), (s32)c->resources);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_resource), WQF_GET(r, diag_resource_thread));
	KUNIT_EXPECT_NE(test, WQF_GET(r, diag_credit_pid), WQF_GET(r, diag_resource_pid));
	KUNIT_EXPECT_NE(test, WQF_GET(r, diag_credit_pid), 0);
	KUNIT_EXPECT_NE(test, WQF_GET(r, diag_resource_pid), 0);
	/* Writers, and logoff threads without a credit, wait for one. */
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_credit_waiters),
			c->resources + (c->threads - c->resources - c->max_mux));
	KUNIT_EXPECT_EQ(test, WQF_GET(r, writebacks), 0);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, completed), 0);
	KUNIT_EXPECT_GE(test, r->verdict_us, STALL_MS * 1000ULL);
}

/* Each fix where the bug deadlocks (max_mux 1, and below the line). */
static const struct mux_case fix_cases[] = {
	{ .desc = "raise-limit 2 threads 1 resource mux 1", .variant = RAISE, .threads = 2,
	  .resources = 1, .max_mux = 1, .verdict = COMPLETED },
	{ .desc = "raise-limit 8 threads 2 resources mux 1", .variant = RAISE, .threads = 8,
	  .resources = 2, .max_mux = 1, .verdict = COMPLETED },
	{ .desc = "release-first 2 threads 1 resource mux 1", .variant = RBW, .threads = 2,
	  .resources = 1, .max_mux = 1, .verdict = COMPLETED },
	{ .desc = "release-first 8 threads 2 resources mux 1", .variant = RBW, .threads = 8,
	  .resources = 2, .max_mux = 1, .verdict = COMPLETED },
	{ .desc = "release-first 16 threads 4 resources mux 3", .variant = RBW, .threads = 16,
	  .resources = 4, .max_mux = 3, .verdict = COMPLETED },
	{ .desc = "serialise 2 threads 1 resource mux 1", .variant = SERIAL, .threads = 2,
	  .resources = 1, .max_mux = 1, .verdict = COMPLETED },
	{ .desc = "serialise 8 threads 2 resources mux 1", .variant = SERIAL, .threads = 8,
	  .resources = 2, .max_mux = 1, .verdict = COMPLETED },
};

KUNIT_ARRAY_PARAM(fix, fix_cases, mux_case_desc);

static void wqfault_mux_fix(struct kunit *test)
{
	const struct mux_case *c = test->param_value;
	struct wqf_args *r = mux_run_case(test, c);

	KUNIT_ASSERT_EQ(test, r->verdict, c->verdict);
	mux_expect_released(test, r);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, completed), c->threads);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, writebacks), c->resources);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, logoffs), c->threads - c->resources);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, timed_out), 0);
	KUNIT_EXPECT_LE(test, WQF_GET(r, max_credits_in_use), WQF_GET(r, credits));
	switch (c->variant) {
	case RAISE:
		KUNIT_EXPECT_EQ(test, WQF_GET(r, credits), WQF_GET(r, credits_needed));
		break;
	case RBW:
		/* Every logoff thread that found its resource held backed off. */
		KUNIT_EXPECT_EQ(test, WQF_GET(r, credits), c->max_mux);
		KUNIT_EXPECT_GE(test, WQF_GET(r, backoffs), 1);
		KUNIT_EXPECT_LE(test, WQF_GET(r, backoffs), c->threads - c->resources);
		break;
	case SERIAL:
		/* One thread at a time: never more than one credit taken. */
		KUNIT_EXPECT_EQ(test, WQF_GET(r, max_credits_in_use), 1);
		KUNIT_EXPECT_EQ(test, WQF_GET(r, backoffs), 0);
		break;
	}
}

static const struct mux_case invalid_cases[] = {
	{ .desc = "max_mux 0", .variant = BUGGY, .threads = 2, .resources = 1 },
	{ .desc = "max_mux 257", .variant = BUGGY, .threads = 2, .resources = 1,
	  .max_mux = 257 },
	{ .desc = "1 thread", .variant = BUGGY, .threads = 1, .resources = 1, .max_mux = 1 },
	{ .desc = "257 threads", .variant = BUGGY, .threads = 257, .resources = 1,
	  .max_mux = 1 },
	{ .desc = "no resources", .variant = BUGGY, .threads = 2, .max_mux = 1 },
	{ .desc = "as many resources as threads", .variant = BUGGY, .threads = 4,
	  .resources = 4, .max_mux = 1 },
	{ .desc = "unknown variant", .variant = 4, .threads = 2, .resources = 1, .max_mux = 1 },
};

KUNIT_ARRAY_PARAM(invalid, invalid_cases, mux_case_desc);

static void wqfault_mux_invalid(struct kunit *test)
{
	const struct mux_case *c = test->param_value;
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	mux_args(test, r, c);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, r->run_id, 0);
}

/* Knob limits the table cannot express: the window, and run flags. */
static void wqfault_mux_invalid_limits(struct kunit *test)
{
	static const struct mux_case c = {
		.variant = BUGGY,
		.threads = 2,
		.resources = 1,
		.max_mux = 1,
	};
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	mux_args(test, r, &c);
	WQF_SET(r, window_us, 1000001);
	r->stall_timeout_ms = 600000;
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	mux_args(test, r, &c);
	/* Over half the stall timeout. */
	WQF_SET(r, window_us, STALL_MS * 500 + 1);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	mux_args(test, r, &c);
	r->flags = WQF_RUN_CONFIRM;
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	mux_args(test, r, &c);
	r->flags = WQF_RUN_NO_LOCKDEP;
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	/* Exactly half the stall timeout is allowed. */
	mux_args(test, r, &c);
	r->variant = RAISE;
	WQF_SET(r, window_us, STALL_MS * 500);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), 0);
	KUNIT_EXPECT_EQ(test, r->verdict, (u32)COMPLETED);
}

/* Hang mode, held to its deadline: each party's wait is one long sleep. */
static const struct mux_case hang_cases[] = {
	{ .desc = "buggy 4 threads 2 resources mux 2", .variant = BUGGY, .threads = 4,
	  .resources = 2, .max_mux = 2, .verdict = DEADLOCK },
	{ .desc = "release-first 4 threads 2 resources mux 1", .variant = RBW, .threads = 4,
	  .resources = 2, .max_mux = 1, .verdict = COMPLETED },
	{ .desc = "raise-limit 4 threads 2 resources mux 1", .variant = RAISE, .threads = 4,
	  .resources = 2, .max_mux = 1, .verdict = COMPLETED },
};

KUNIT_ARRAY_PARAM(hang, hang_cases, mux_case_desc);

static void wqfault_mux_hang(struct kunit *test)
{
	const struct mux_case *c = test->param_value;
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	mux_args(test, r, c);
	wqf_kunit_run_hang(test, r);
	KUNIT_ASSERT_EQ(test, r->verdict, c->verdict);
	mux_expect_released(test, r);
	if (c->verdict == COMPLETED) {
		/* A fixed variant holds nothing. */
		wqf_kunit_expect_hold(test, r, false);
		KUNIT_EXPECT_EQ(test, WQF_GET(r, completed), c->threads);
		return;
	}
	wqf_kunit_expect_hold(test, r, true);
	/* The same cycle as without hang mode, and nothing moved after it. */
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_cycle), 1);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_credits_free), 0);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, writebacks), 0);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, completed), 0);
	KUNIT_EXPECT_GE(test, WQF_GET(r, timed_out), 1);
}

static struct kunit_case wqfault_mux_cases[] = {
	KUNIT_CASE_PARAM_ATTR(wqfault_mux_threshold, threshold_gen_params, WQF_KUNIT_SLOW),
	KUNIT_CASE_PARAM(wqfault_mux_fix, fix_gen_params),
	KUNIT_CASE_PARAM(wqfault_mux_invalid, invalid_gen_params),
	KUNIT_CASE(wqfault_mux_invalid_limits),
	KUNIT_CASE_PARAM_ATTR(wqfault_mux_hang, hang_gen_params, WQF_KUNIT_SLOW),
	{}
};

static struct kunit_suite wqfault_mux_suite = {
	.name = "wqfault_mux",
	.test_cases = wqfault_mux_cases,
};

kunit_test_suite(wqfault_mux_suite);
