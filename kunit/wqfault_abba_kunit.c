// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the abba scenario. In trigger mode the buggy variant must deadlock
 * on one resource, naming the cycle, and complete on different resources
 * (different lock instances); the ordered variant must complete everywhere.
 * In race mode the cycle count is a measurement: only its bounds and the
 * bookkeeping are asserted. Lockdep's own report is checked in a VM boot of
 * its own (it fires once per boot), so these runs leave the might_lock()
 * annotations out.
 */
#include <kunit/test.h>

#include "wqfault.h"
#include "wqfault_kunit.h"

#define STALL_MS	200
/* Runs that should complete never wait for the stall: a wide margin. */
#define FIXED_STALL_MS	2000

struct abba_case {
	const char *desc;
	u32 variant;
	u32 mode;
	u32 resource;
	u32 lock;
	u32 clients;
	u32 iterations;
	u32 window_us;
	u32 verdict;	/* 0: race mode, measured */
};

static void abba_args(struct kunit *test, struct wqf_args *r,
		      const struct abba_case *c)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->scenario = WQF_SCN_ABBA;
	r->variant = c->variant;
	r->flags = WQF_RUN_NO_LOCKDEP;
	r->stall_timeout_ms = c->verdict == WQF_VERDICT_DEADLOCK ? STALL_MS : FIXED_STALL_MS;
	WQF_SET(r, mode, c->mode);
	WQF_SET(r, resource, c->resource);
	WQF_SET(r, lock, c->lock);
	WQF_SET(r, clients, c->clients);
	WQF_SET(r, iterations, c->iterations);
	WQF_SET(r, race_window_us, c->window_us);
}

static struct wqf_args *abba_run_case(struct kunit *test, const struct abba_case *c)
{
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	abba_args(test, r, c);
	KUNIT_ASSERT_EQ(test, wqf_run_scenario(r, NULL), 0);
	KUNIT_EXPECT_EQ(test, wqf_runs_in_progress(), 0);
	return r;
}

static void abba_case_desc(const struct abba_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

#define BUGGY WQF_ABBA_BUGGY
#define ORDERED WQF_ABBA_ORDERED
#define TRIGGER WQF_ABBA_TRIGGER
#define RACE WQF_ABBA_RACE
#define SAME WQF_ABBA_SAME
#define DIFF WQF_ABBA_DIFFERENT
#define MUTEX WQF_LOCK_MUTEX
#define RWSEM WQF_LOCK_RWSEM
#define DEADLOCK WQF_VERDICT_DEADLOCK
#define COMPLETED WQF_VERDICT_COMPLETED

static const struct abba_case trigger_cases[] = {
	{ .desc = "buggy same mutex 2 clients", .variant = BUGGY, .mode = TRIGGER,
	  .resource = SAME, .lock = MUTEX, .clients = 2, .iterations = 1, .verdict = DEADLOCK },
	{ .desc = "buggy same rwsem 2 clients", .variant = BUGGY, .mode = TRIGGER,
	  .resource = SAME, .lock = RWSEM, .clients = 2, .iterations = 1, .verdict = DEADLOCK },
	{ .desc = "buggy same mutex 4 clients", .variant = BUGGY, .mode = TRIGGER,
	  .resource = SAME, .lock = MUTEX, .clients = 4, .iterations = 1, .verdict = DEADLOCK },
	{ .desc = "buggy same mutex window 1 ms", .variant = BUGGY, .mode = TRIGGER,
	  .resource = SAME, .lock = MUTEX, .clients = 2, .iterations = 1, .window_us = 1000,
	  .verdict = DEADLOCK },
	{ .desc = "buggy same mutex 1 client", .variant = BUGGY, .mode = TRIGGER,
	  .resource = SAME, .lock = MUTEX, .clients = 1, .iterations = 20,
	  .verdict = COMPLETED },
	{ .desc = "buggy different mutex 2 clients", .variant = BUGGY, .mode = TRIGGER,
	  .resource = DIFF, .lock = MUTEX, .clients = 2, .iterations = 20,
	  .verdict = COMPLETED },
	{ .desc = "buggy different rwsem 4 clients", .variant = BUGGY, .mode = TRIGGER,
	  .resource = DIFF, .lock = RWSEM, .clients = 4, .iterations = 20,
	  .verdict = COMPLETED },
	{ .desc = "buggy different mutex window 1 ms", .variant = BUGGY, .mode = TRIGGER,
	  .resource = DIFF, .lock = MUTEX, .clients = 2, .iterations = 5, .window_us = 1000,
	  .verdict = COMPLETED },
	{ .desc = "ordered same mutex 2 clients", .variant = ORDERED, .mode = TRIGGER,
	  .resource = SAME, .lock = MUTEX, .clients = 2, .iterations = 20,
	  .verdict = COMPLETED },
	{ .desc = "ordered same rwsem 2 clients", .variant = ORDERED, .mode = TRIGGER,
	  .resource = SAME, .lock = RWSEM, .clients = 2, .iterations = 20,
	  .verdict = COMPLETED },
	{ .desc = "ordered same mutex 4 clients", .variant = ORDERED, .mode = TRIGGER,
	  .resource = SAME, .lock = MUTEX, .clients = 4, .iterations = 20,
	  .verdict = COMPLETED },
	{ .desc = "ordered same mutex window 1 ms", .variant = ORDERED, .mode = TRIGGER,
	  .resource = SAME, .lock = MUTEX, .clients = 2, .iterations = 5, .window_us = 1000,
	  .verdict = COMPLETED },
	{ .desc = "ordered different mutex 2 clients", .variant = ORDERED, .mode = TRIGGER,
	  .resource = DIFF, .lock = MUTEX, .clients = 2, .iterations = 20,
	  .verdict = COMPLETED },
};

KUNIT_ARRAY_PARAM(trigger, trigger_cases, abba_case_desc);

static void wqfault_abba_trigger(struct kunit *test)
{
	const struct abba_case *c = test->param_value;
	struct wqf_args *r = abba_run_case(test, c);

	if (c->verdict == COMPLETED) {
		KUNIT_EXPECT_EQ(test, r->verdict, (u32)WQF_VERDICT_COMPLETED);
		KUNIT_EXPECT_EQ(test, WQF_GET(r, completed), c->clients * c->iterations);
		KUNIT_EXPECT_EQ(test, WQF_GET(r, cycles), 0);
		KUNIT_EXPECT_EQ(test, WQF_GET(r, timed_out), 0);
		KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_cycle), 0);
		return;
	}
	KUNIT_ASSERT_EQ(test, r->verdict, (u32)WQF_VERDICT_DEADLOCK);
	/* The cycle: a client-path party and a redirector-path party. */
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_cycle), 1);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_resource), 0);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_iteration), 0);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_client) % 2, 0);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_redir) % 2, 1);
	KUNIT_EXPECT_NE(test, WQF_GET(r, diag_client_pid), 0);
	KUNIT_EXPECT_NE(test, WQF_GET(r, diag_redir_pid), 0);
	KUNIT_EXPECT_NE(test, WQF_GET(r, diag_client_pid), WQF_GET(r, diag_redir_pid));
	KUNIT_EXPECT_NE(test, WQF_GET(r, diag_waiter_pid), 0);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, completed), 0);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, cycles), 1);
	KUNIT_EXPECT_GE(test, WQF_GET(r, timed_out), 1);
	KUNIT_EXPECT_LE(test, WQF_GET(r, first_cycle_us), r->verdict_us);
	KUNIT_EXPECT_GE(test, r->verdict_us, STALL_MS * 1000ULL);
}

/* Race mode: free-running; the count is measured, its bounds asserted. */
static const struct abba_case race_cases[] = {
	{ .desc = "buggy same mutex window 0", .variant = BUGGY, .mode = RACE, .resource = SAME,
	  .lock = MUTEX, .clients = 2, .iterations = 300 },
	{ .desc = "buggy same mutex window 100 us", .variant = BUGGY, .mode = RACE,
	  .resource = SAME, .lock = MUTEX, .clients = 2, .iterations = 100, .window_us = 100 },
	{ .desc = "buggy same rwsem 4 clients", .variant = BUGGY, .mode = RACE,
	  .resource = SAME, .lock = RWSEM, .clients = 4, .iterations = 100 },
	{ .desc = "buggy different mutex (no cycle)", .variant = BUGGY, .mode = RACE,
	  .resource = DIFF, .lock = MUTEX, .clients = 2, .iterations = 300,
	  .verdict = COMPLETED },
	{ .desc = "buggy different mutex window 100 us", .variant = BUGGY, .mode = RACE,
	  .resource = DIFF, .lock = MUTEX, .clients = 4, .iterations = 100, .window_us = 100,
	  .verdict = COMPLETED },
	{ .desc = "ordered same mutex window 0", .variant = ORDERED, .mode = RACE,
	  .resource = SAME, .lock = MUTEX, .clients = 2, .iterations = 300,
	  .verdict = COMPLETED },
	{ .desc = "ordered same rwsem window 100 us", .variant = ORDERED, .mode = RACE,
	  .resource = SAME, .lock = RWSEM, .clients = 4, .iterations = 100, .window_us = 100,
	  .verdict = COMPLETED },
};

KUNIT_ARRAY_PARAM(race, race_cases, abba_case_desc);

static void wqfault_abba_race(struct kunit *test)
{
	const struct abba_case *c = test->param_value;
	struct wqf_args *r = abba_run_case(test, c);

	kunit_info(test, "%lld cycles in %u iterations, %lld opens completed",
		   WQF_GET(r, cycles), c->iterations, WQF_GET(r, completed));
	/* Every open either completed or backed off out of a cycle. */
	KUNIT_EXPECT_EQ(test, WQF_GET(r, completed) + WQF_GET(r, cycles),
			c->clients * c->iterations);
	KUNIT_EXPECT_LE(test, WQF_GET(r, cycles), c->clients / 2 * c->iterations);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, timed_out), 0);
	if (c->verdict == COMPLETED) {
		KUNIT_EXPECT_EQ(test, r->verdict, (u32)WQF_VERDICT_COMPLETED);
		KUNIT_EXPECT_EQ(test, WQF_GET(r, cycles), 0);
		return;
	}
	/* The cycle closed at least once exactly when the verdict says so. */
	KUNIT_EXPECT_EQ(test, r->verdict, WQF_GET(r, cycles) ? (u32)WQF_VERDICT_DEADLOCK :
			(u32)WQF_VERDICT_COMPLETED);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_cycle), !!WQF_GET(r, cycles));
	if (WQF_GET(r, cycles)) {
		KUNIT_EXPECT_NE(test, WQF_GET(r, diag_client_pid), 0);
		KUNIT_EXPECT_NE(test, WQF_GET(r, diag_redir_pid), 0);
		KUNIT_EXPECT_EQ(test, r->verdict_us, WQF_GET(r, first_cycle_us));
	}
}

static const struct abba_case invalid_cases[] = {
	{ .desc = "no clients", .variant = BUGGY, .mode = TRIGGER, .resource = SAME,
	  .lock = MUTEX, .iterations = 1 },
	{ .desc = "65 clients", .variant = BUGGY, .mode = TRIGGER, .resource = SAME,
	  .lock = MUTEX, .clients = 65, .iterations = 1 },
	{ .desc = "100001 iterations", .variant = BUGGY, .mode = RACE, .resource = SAME,
	  .lock = MUTEX, .clients = 2, .iterations = 100001 },
	{ .desc = "window 100001 us", .variant = BUGGY, .mode = TRIGGER, .resource = SAME,
	  .lock = MUTEX, .clients = 2, .iterations = 1, .window_us = 100001 },
	{ .desc = "window too long for the stall", .variant = BUGGY, .mode = TRIGGER,
	  .resource = SAME, .lock = MUTEX, .clients = 64, .iterations = 1, .window_us = 20000 },
	{ .desc = "spinlock", .variant = BUGGY, .mode = TRIGGER, .resource = SAME,
	  .lock = WQF_LOCK_SPINLOCK, .clients = 2, .iterations = 1 },
	{ .desc = "unknown lock kind", .variant = BUGGY, .mode = TRIGGER, .resource = SAME,
	  .lock = 3, .clients = 2, .iterations = 1 },
	{ .desc = "unknown mode", .variant = BUGGY, .mode = 2, .resource = SAME, .lock = MUTEX,
	  .clients = 2, .iterations = 1 },
	{ .desc = "unknown resource", .variant = BUGGY, .mode = TRIGGER, .resource = 2,
	  .lock = MUTEX, .clients = 2, .iterations = 1 },
	{ .desc = "unknown variant", .variant = 2, .mode = TRIGGER, .resource = SAME,
	  .lock = MUTEX, .clients = 2, .iterations = 1 },
};

KUNIT_ARRAY_PARAM(invalid, invalid_cases, abba_case_desc);

static void wqfault_abba_invalid(struct kunit *test)
{
	const struct abba_case *c = test->param_value;
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	abba_args(test, r, c);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, r->run_id, 0);
}

/* Knob limits that the table above cannot express. */
static void wqfault_abba_invalid_limits(struct kunit *test)
{
	static const struct abba_case c = {
		.variant = BUGGY,
		.mode = TRIGGER,
		.resource = SAME,
		.lock = MUTEX,
		.clients = 2,
		.iterations = 1,
	};
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	abba_args(test, r, &c);
	abba_args(test, r, &c);
	r->flags |= WQF_RUN_CONFIRM;
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	/* The window bound follows the stall timeout: 2 x 2 x 50 ms = 200 ms. */
	abba_args(test, r, &c);
	r->stall_timeout_ms = 200;
	WQF_SET(r, race_window_us, 50000);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
}

/*
 * Hang mode, held to its deadline: the client path sleeps in one long wait
 * for the release, the redirector path blocks in the real lock acquisition;
 * both unwind after it.
 */
static const struct abba_case hang_cases[] = {
	{ .desc = "buggy trigger same mutex", .variant = BUGGY, .mode = TRIGGER,
	  .resource = SAME, .lock = MUTEX, .clients = 2, .iterations = 1, .verdict = DEADLOCK },
	{ .desc = "buggy trigger same rwsem 4 clients", .variant = BUGGY, .mode = TRIGGER,
	  .resource = SAME, .lock = RWSEM, .clients = 4, .iterations = 1, .verdict = DEADLOCK },
	{ .desc = "buggy race same mutex", .variant = BUGGY, .mode = RACE, .resource = SAME,
	  .lock = MUTEX, .clients = 2, .iterations = 300 },
	{ .desc = "ordered trigger same mutex", .variant = ORDERED, .mode = TRIGGER,
	  .resource = SAME, .lock = MUTEX, .clients = 2, .iterations = 20,
	  .verdict = COMPLETED },
	{ .desc = "buggy trigger different mutex", .variant = BUGGY, .mode = TRIGGER,
	  .resource = DIFF, .lock = MUTEX, .clients = 2, .iterations = 20,
	  .verdict = COMPLETED },
};

KUNIT_ARRAY_PARAM(hang, hang_cases, abba_case_desc);

static void wqfault_abba_hang(struct kunit *test)
{
	const struct abba_case *c = test->param_value;
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	abba_args(test, r, c);
	wqf_kunit_run_hang(test, r);
	/* Race mode: held only if the cycle closed (measured, as above). */
	if (c->verdict == COMPLETED ||
	    (!c->verdict && r->verdict == WQF_VERDICT_COMPLETED)) {
		KUNIT_EXPECT_EQ(test, r->verdict, (u32)WQF_VERDICT_COMPLETED);
		KUNIT_EXPECT_EQ(test, WQF_GET(r, cycles), 0);
		wqf_kunit_expect_hold(test, r, false);
		KUNIT_EXPECT_EQ(test, WQF_GET(r, completed), c->clients * c->iterations);
		return;
	}
	/* In race mode a cycle that closes is not backed off from: it stalls. */
	KUNIT_ASSERT_EQ(test, r->verdict, (u32)WQF_VERDICT_DEADLOCK);
	wqf_kunit_expect_hold(test, r, true);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_cycle), 1);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, cycles), 1);
	KUNIT_EXPECT_GE(test, WQF_GET(r, timed_out), 1);
	if (c->mode == TRIGGER)
		KUNIT_EXPECT_EQ(test, WQF_GET(r, completed), 0);
}

static struct kunit_case wqfault_abba_cases[] = {
	KUNIT_CASE_PARAM_ATTR(wqfault_abba_trigger, trigger_gen_params, WQF_KUNIT_SLOW),
	KUNIT_CASE_PARAM_ATTR(wqfault_abba_race, race_gen_params, WQF_KUNIT_SLOW),
	KUNIT_CASE_PARAM(wqfault_abba_invalid, invalid_gen_params),
	KUNIT_CASE(wqfault_abba_invalid_limits),
	KUNIT_CASE_PARAM_ATTR(wqfault_abba_hang, hang_gen_params, WQF_KUNIT_SLOW),
	{}
};

static struct kunit_suite wqfault_abba_suite = {
	.name = "wqfault_abba",
	.test_cases = wqfault_abba_cases,
};

kunit_test_suite(wqfault_abba_suite);
