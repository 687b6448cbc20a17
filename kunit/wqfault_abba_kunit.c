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

static void abba_args(struct wqf_args *r, const struct abba_case *c)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->scenario = WQF_SCN_ABBA;
	r->variant = c->variant;
	r->flags = WQF_RUN_NO_LOCKDEP;
	r->stall_timeout_ms = c->verdict == WQF_VERDICT_DEADLOCK ? STALL_MS : FIXED_STALL_MS;
	r->abba.mode = c->mode;
	r->abba.resource = c->resource;
	r->abba.lock = c->lock;
	r->abba.clients = c->clients;
	r->abba.iterations = c->iterations;
	r->abba.race_window_us = c->window_us;
}

static struct wqf_args *abba_run_case(struct kunit *test, const struct abba_case *c)
{
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	abba_args(r, c);
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
	{ "buggy same mutex 2 clients", BUGGY, TRIGGER, SAME, MUTEX, 2, 1, 0, DEADLOCK },
	{ "buggy same rwsem 2 clients", BUGGY, TRIGGER, SAME, RWSEM, 2, 1, 0, DEADLOCK },
	{ "buggy same mutex 4 clients", BUGGY, TRIGGER, SAME, MUTEX, 4, 1, 0, DEADLOCK },
	{ "buggy same mutex window 1 ms", BUGGY, TRIGGER, SAME, MUTEX, 2, 1, 1000, DEADLOCK },
	{ "buggy same mutex 1 client", BUGGY, TRIGGER, SAME, MUTEX, 1, 20, 0, COMPLETED },
	{ "buggy different mutex 2 clients", BUGGY, TRIGGER, DIFF, MUTEX, 2, 20, 0, COMPLETED },
	{ "buggy different rwsem 4 clients", BUGGY, TRIGGER, DIFF, RWSEM, 4, 20, 0, COMPLETED },
	{ "buggy different mutex window 1 ms", BUGGY, TRIGGER, DIFF, MUTEX, 2, 5, 1000, COMPLETED },
	{ "ordered same mutex 2 clients", ORDERED, TRIGGER, SAME, MUTEX, 2, 20, 0, COMPLETED },
	{ "ordered same rwsem 2 clients", ORDERED, TRIGGER, SAME, RWSEM, 2, 20, 0, COMPLETED },
	{ "ordered same mutex 4 clients", ORDERED, TRIGGER, SAME, MUTEX, 4, 20, 0, COMPLETED },
	{ "ordered same mutex window 1 ms", ORDERED, TRIGGER, SAME, MUTEX, 2, 5, 1000, COMPLETED },
	{ "ordered different mutex 2 clients", ORDERED, TRIGGER, DIFF, MUTEX, 2, 20, 0, COMPLETED },
};

KUNIT_ARRAY_PARAM(trigger, trigger_cases, abba_case_desc);

static void wqfault_abba_trigger(struct kunit *test)
{
	const struct abba_case *c = test->param_value;
	struct wqf_args *r = abba_run_case(test, c);
	struct wqf_abba *k = &r->abba;

	if (c->verdict == COMPLETED) {
		KUNIT_EXPECT_EQ(test, r->verdict, (u32)WQF_VERDICT_COMPLETED);
		KUNIT_EXPECT_EQ(test, k->completed, c->clients * c->iterations);
		KUNIT_EXPECT_EQ(test, k->cycles, 0);
		KUNIT_EXPECT_EQ(test, k->timed_out, 0);
		KUNIT_EXPECT_EQ(test, k->diag_cycle, 0);
		return;
	}
	KUNIT_ASSERT_EQ(test, r->verdict, (u32)WQF_VERDICT_DEADLOCK);
	/* The cycle: a client-path party and a redirector-path party. */
	KUNIT_EXPECT_EQ(test, k->diag_cycle, 1);
	KUNIT_EXPECT_EQ(test, k->diag_resource, 0);
	KUNIT_EXPECT_EQ(test, k->diag_iteration, 0);
	KUNIT_EXPECT_EQ(test, k->diag_client % 2, 0);
	KUNIT_EXPECT_EQ(test, k->diag_redir % 2, 1);
	KUNIT_EXPECT_NE(test, k->diag_client_pid, 0);
	KUNIT_EXPECT_NE(test, k->diag_redir_pid, 0);
	KUNIT_EXPECT_NE(test, k->diag_client_pid, k->diag_redir_pid);
	KUNIT_EXPECT_NE(test, k->diag_waiter_pid, 0);
	KUNIT_EXPECT_EQ(test, k->completed, 0);
	KUNIT_EXPECT_EQ(test, k->cycles, 1);
	KUNIT_EXPECT_GE(test, k->timed_out, 1);
	KUNIT_EXPECT_LE(test, k->first_cycle_us, r->verdict_us);
	KUNIT_EXPECT_GE(test, r->verdict_us, STALL_MS * 1000ULL);
}

/* Race mode: free-running; the count is measured, its bounds asserted. */
static const struct abba_case race_cases[] = {
	{ "buggy same mutex window 0", BUGGY, RACE, SAME, MUTEX, 2, 300, 0, 0 },
	{ "buggy same mutex window 100 us", BUGGY, RACE, SAME, MUTEX, 2, 100, 100, 0 },
	{ "buggy same rwsem 4 clients", BUGGY, RACE, SAME, RWSEM, 4, 100, 0, 0 },
	{ "buggy different mutex (no cycle)", BUGGY, RACE, DIFF, MUTEX, 2, 300, 0, COMPLETED },
	{ "buggy different mutex window 100 us", BUGGY, RACE, DIFF, MUTEX, 4, 100, 100, COMPLETED },
	{ "ordered same mutex window 0", ORDERED, RACE, SAME, MUTEX, 2, 300, 0, COMPLETED },
	{ "ordered same rwsem window 100 us", ORDERED, RACE, SAME, RWSEM, 4, 100, 100, COMPLETED },
};

KUNIT_ARRAY_PARAM(race, race_cases, abba_case_desc);

static void wqfault_abba_race(struct kunit *test)
{
	const struct abba_case *c = test->param_value;
	struct wqf_args *r = abba_run_case(test, c);
	struct wqf_abba *k = &r->abba;

	kunit_info(test, "%u cycles in %u iterations, %u opens completed",
		   k->cycles, c->iterations, k->completed);
	/* Every open either completed or backed off out of a cycle. */
	KUNIT_EXPECT_EQ(test, k->completed + k->cycles, c->clients * c->iterations);
	KUNIT_EXPECT_LE(test, k->cycles, c->clients / 2 * c->iterations);
	KUNIT_EXPECT_EQ(test, k->timed_out, 0);
	if (c->verdict == COMPLETED) {
		KUNIT_EXPECT_EQ(test, r->verdict, (u32)WQF_VERDICT_COMPLETED);
		KUNIT_EXPECT_EQ(test, k->cycles, 0);
		return;
	}
	/* The cycle closed at least once exactly when the verdict says so. */
	KUNIT_EXPECT_EQ(test, r->verdict, k->cycles ? (u32)WQF_VERDICT_DEADLOCK :
			(u32)WQF_VERDICT_COMPLETED);
	KUNIT_EXPECT_EQ(test, k->diag_cycle, !!k->cycles);
	if (k->cycles) {
		KUNIT_EXPECT_NE(test, k->diag_client_pid, 0);
		KUNIT_EXPECT_NE(test, k->diag_redir_pid, 0);
		KUNIT_EXPECT_EQ(test, r->verdict_us, k->first_cycle_us);
	}
}

static const struct abba_case invalid_cases[] = {
	{ "no clients", BUGGY, TRIGGER, SAME, MUTEX, 0, 1, 0, 0 },
	{ "65 clients", BUGGY, TRIGGER, SAME, MUTEX, 65, 1, 0, 0 },
	{ "100001 iterations", BUGGY, RACE, SAME, MUTEX, 2, 100001, 0, 0 },
	{ "window 100001 us", BUGGY, TRIGGER, SAME, MUTEX, 2, 1, 100001, 0 },
	{ "window too long for the stall", BUGGY, TRIGGER, SAME, MUTEX, 64, 1, 20000, 0 },
	{ "spinlock", BUGGY, TRIGGER, SAME, WQF_LOCK_SPINLOCK, 2, 1, 0, 0 },
	{ "unknown lock kind", BUGGY, TRIGGER, SAME, 3, 2, 1, 0, 0 },
	{ "unknown mode", BUGGY, 2, SAME, MUTEX, 2, 1, 0, 0 },
	{ "unknown resource", BUGGY, TRIGGER, 2, MUTEX, 2, 1, 0, 0 },
	{ "unknown variant", 2, TRIGGER, SAME, MUTEX, 2, 1, 0, 0 },
};

KUNIT_ARRAY_PARAM(invalid, invalid_cases, abba_case_desc);

static void wqfault_abba_invalid(struct kunit *test)
{
	const struct abba_case *c = test->param_value;
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	abba_args(r, c);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, r->run_id, 0);
}

/* Knob limits that the table above cannot express. */
static void wqfault_abba_invalid_limits(struct kunit *test)
{
	static const struct abba_case c = { "", BUGGY, TRIGGER, SAME, MUTEX, 2, 1, 0, 0 };
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	abba_args(r, &c);
	r->abba.pad = 1;
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	abba_args(r, &c);
	r->flags |= WQF_RUN_CONFIRM;
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	/* The window bound follows the stall timeout: 2 x 2 x 50 ms = 200 ms. */
	abba_args(r, &c);
	r->stall_timeout_ms = 200;
	r->abba.race_window_us = 50000;
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
}

/*
 * Hang mode, held to its deadline: the client path sleeps in one long wait
 * for the release, the redirector path blocks in the real lock acquisition;
 * both unwind after it.
 */
static const struct abba_case hang_cases[] = {
	{ "buggy trigger same mutex", BUGGY, TRIGGER, SAME, MUTEX, 2, 1, 0, DEADLOCK },
	{ "buggy trigger same rwsem 4 clients", BUGGY, TRIGGER, SAME, RWSEM, 4, 1, 0, DEADLOCK },
	{ "buggy race same mutex", BUGGY, RACE, SAME, MUTEX, 2, 300, 0, 0 },
	{ "ordered trigger same mutex", ORDERED, TRIGGER, SAME, MUTEX, 2, 20, 0, COMPLETED },
	{ "buggy trigger different mutex", BUGGY, TRIGGER, DIFF, MUTEX, 2, 20, 0, COMPLETED },
};

KUNIT_ARRAY_PARAM(hang, hang_cases, abba_case_desc);

static void wqfault_abba_hang(struct kunit *test)
{
	const struct abba_case *c = test->param_value;
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct wqf_abba *k = &r->abba;

	KUNIT_ASSERT_NOT_NULL(test, r);
	abba_args(r, c);
	wqf_kunit_run_hang(test, r);
	/* Race mode: held only if the cycle closed (measured, as above). */
	if (c->verdict == COMPLETED ||
	    (!c->verdict && r->verdict == WQF_VERDICT_COMPLETED)) {
		KUNIT_EXPECT_EQ(test, r->verdict, (u32)WQF_VERDICT_COMPLETED);
		KUNIT_EXPECT_EQ(test, k->cycles, 0);
		wqf_kunit_expect_hold(test, r, false);
		KUNIT_EXPECT_EQ(test, k->completed, c->clients * c->iterations);
		return;
	}
	/* In race mode a cycle that closes is not backed off from: it stalls. */
	KUNIT_ASSERT_EQ(test, r->verdict, (u32)WQF_VERDICT_DEADLOCK);
	wqf_kunit_expect_hold(test, r, true);
	KUNIT_EXPECT_EQ(test, k->diag_cycle, 1);
	KUNIT_EXPECT_EQ(test, k->cycles, 1);
	KUNIT_EXPECT_GE(test, k->timed_out, 1);
	if (c->mode == TRIGGER)
		KUNIT_EXPECT_EQ(test, k->completed, 0);
}

static struct kunit_case wqfault_abba_cases[] = {
	KUNIT_CASE_PARAM(wqfault_abba_trigger, trigger_gen_params),
	KUNIT_CASE_PARAM(wqfault_abba_race, race_gen_params),
	KUNIT_CASE_PARAM(wqfault_abba_invalid, invalid_gen_params),
	KUNIT_CASE(wqfault_abba_invalid_limits),
	KUNIT_CASE_PARAM(wqfault_abba_hang, hang_gen_params),
	{}
};

static struct kunit_suite wqfault_abba_suite = {
	.name = "wqfault_abba",
	.test_cases = wqfault_abba_cases,
};

kunit_test_suite(wqfault_abba_suite);
