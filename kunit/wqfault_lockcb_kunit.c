// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the lockcb scenario. The buggy scanner must deadlock on every lock
 * kind and path with the right diagnosis and stall its bystanders; the
 * fixed scanner must complete every session exactly once, also while a
 * client closes sessions at the same time. Lockdep's own report is checked
 * in VM boots of their own (it fires once per boot), so these runs leave
 * the might_lock() annotations out.
 */
#include <kunit/test.h>

#include "wqfault.h"
#include "wqfault_kunit.h"

#define STALL_MS	200
/*
 * Fixed runs never wait for the stall; theirs is long so that "the
 * bystanders were not held up" has a wide margin under TCG (a fixed flush
 * run's scanner legitimately works for tens of ms, once 225 ms).
 */
#define FIXED_STALL_MS	2000

struct lockcb_case {
	const char *desc;
	u32 variant;
	u32 lock;
	u32 path;
	u32 sessions;
	u32 expired;
	u32 closers;
};

static void lockcb_args(struct kunit *test, struct wqf_args *r,
			const struct lockcb_case *c)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->scenario = WQF_SCN_LOCKCB;
	r->variant = c->variant;
	r->flags = WQF_RUN_NO_LOCKDEP;
	r->stall_timeout_ms = c->variant == WQF_LOCKCB_FIXED ? FIXED_STALL_MS : STALL_MS;
	WQF_SET(r, lock, c->lock);
	WQF_SET(r, path, c->path);
	WQF_SET(r, sessions, c->sessions);
	WQF_SET(r, expired, c->expired);
	WQF_SET(r, closers, c->closers);
	WQF_SET(r, bystanders, 4);
}

static struct wqf_args *lockcb_run_case(struct kunit *test, const struct lockcb_case *c)
{
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	lockcb_args(test, r, c);
	KUNIT_ASSERT_EQ(test, wqf_run_scenario(r, NULL), 0);
	KUNIT_EXPECT_EQ(test, wqf_runs_in_progress(), 0);
	return r;
}

static void lockcb_case_desc(const struct lockcb_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

#define BUGGY WQF_LOCKCB_BUGGY
#define FIXED WQF_LOCKCB_FIXED
#define MUTEX WQF_LOCK_MUTEX
#define SPIN WQF_LOCK_SPINLOCK
#define RWSEM WQF_LOCK_RWSEM
#define DIRECT WQF_LOCKCB_DIRECT
#define FLUSH WQF_LOCKCB_FLUSH

/* Every lock kind and path (a spinlock cannot flush). */
static const struct lockcb_case matrix_cases[] = {
	{ .desc = "buggy mutex direct", .variant = BUGGY, .lock = MUTEX, .path = DIRECT,
	  .sessions = 8 },
	{ .desc = "buggy spinlock direct", .variant = BUGGY, .lock = SPIN, .path = DIRECT,
	  .sessions = 8 },
	{ .desc = "buggy rwsem direct", .variant = BUGGY, .lock = RWSEM, .path = DIRECT,
	  .sessions = 8 },
	{ .desc = "buggy mutex flush", .variant = BUGGY, .lock = MUTEX, .path = FLUSH,
	  .sessions = 8 },
	{ .desc = "buggy rwsem flush", .variant = BUGGY, .lock = RWSEM, .path = FLUSH,
	  .sessions = 8 },
	{ .desc = "fixed mutex direct", .variant = FIXED, .lock = MUTEX, .path = DIRECT,
	  .sessions = 32 },
	{ .desc = "fixed spinlock direct", .variant = FIXED, .lock = SPIN, .path = DIRECT,
	  .sessions = 32 },
	{ .desc = "fixed rwsem direct", .variant = FIXED, .lock = RWSEM, .path = DIRECT,
	  .sessions = 32 },
	{ .desc = "fixed mutex flush", .variant = FIXED, .lock = MUTEX, .path = FLUSH,
	  .sessions = 32 },
	{ .desc = "fixed rwsem flush", .variant = FIXED, .lock = RWSEM, .path = FLUSH,
	  .sessions = 32 },
};

KUNIT_ARRAY_PARAM(matrix, matrix_cases, lockcb_case_desc);

static void wqfault_lockcb_matrix(struct kunit *test)
{
	const struct lockcb_case *c = test->param_value;
	struct wqf_args *r = lockcb_run_case(test, c);

	KUNIT_EXPECT_EQ(test, WQF_GET(r, bystanders_run), 4);
	/* Buggy or fixed, every expired session's completion is called once. */
	KUNIT_EXPECT_EQ(test, WQF_GET(r, double_completions), 0);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, lost), 0);
	KUNIT_EXPECT_LE(test, WQF_GET(r, completed), c->sessions);
	if (c->variant == FIXED) {
		KUNIT_EXPECT_EQ(test, r->verdict, (u32)WQF_VERDICT_COMPLETED);
		KUNIT_EXPECT_EQ(test, WQF_GET(r, completed), c->sessions);
		/* The bystanders were not held up by a stuck scanner. */
		KUNIT_EXPECT_LT(test, WQF_GET(r, bystander_max_delay_us),
				FIXED_STALL_MS * 1000ULL / 2);
		return;
	}
	KUNIT_ASSERT_EQ(test, r->verdict, (u32)WQF_VERDICT_DEADLOCK);
	/* The first expired session's completion is the one that stuck. */
	KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_session), 0);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, completed), 0);
	KUNIT_EXPECT_NE(test, WQF_GET(r, diag_holder_pid), 0);
	KUNIT_EXPECT_NE(test, WQF_GET(r, diag_waiter_pid), 0);
	if (c->path == DIRECT) {
		/* The scanner waits for the lock it holds itself. */
		KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_recursive), 1);
		KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_holder_pid), WQF_GET(r, diag_waiter_pid));
	} else {
		/* The cleanup worker waits for the scanner, which flushes it. */
		KUNIT_EXPECT_EQ(test, WQF_GET(r, diag_recursive), 0);
		KUNIT_EXPECT_NE(test, WQF_GET(r, diag_holder_pid), WQF_GET(r, diag_waiter_pid));
	}
	/* Collateral damage: the bystanders waited out the stall. */
	KUNIT_EXPECT_GE(test, WQF_GET(r, bystander_mean_delay_us), STALL_MS * 1000ULL / 2);
	KUNIT_EXPECT_GE(test, r->verdict_us, STALL_MS * 1000ULL);
}

/* A client closes half the sessions while the fixed scanner expires them. */
static const struct lockcb_case race_cases[] = {
	{ .desc = "mutex direct 2000 sessions, 1000 closed", .variant = FIXED, .lock = MUTEX,
	  .path = DIRECT, .sessions = 2000, .closers = 1000 },
	{ .desc = "spinlock direct 2000 sessions, 1000 closed", .variant = FIXED, .lock = SPIN,
	  .path = DIRECT, .sessions = 2000, .closers = 1000 },
	{ .desc = "rwsem direct 2000 sessions, 1000 closed", .variant = FIXED, .lock = RWSEM,
	  .path = DIRECT, .sessions = 2000, .closers = 1000 },
	{ .desc = "mutex flush 1000 sessions, 500 closed", .variant = FIXED, .lock = MUTEX,
	  .path = FLUSH, .sessions = 1000, .closers = 500 },
	{ .desc = "rwsem flush 1000 sessions, all closed", .variant = FIXED, .lock = RWSEM,
	  .path = FLUSH, .sessions = 1000, .closers = 1000 },
	{ .desc = "mutex direct 64 sessions, 16 expired, 32 closed", .variant = FIXED,
	  .lock = MUTEX, .path = DIRECT, .sessions = 64, .expired = 16, .closers = 32 },
};

KUNIT_ARRAY_PARAM(race, race_cases, lockcb_case_desc);

static void wqfault_lockcb_exactly_once(struct kunit *test)
{
	const struct lockcb_case *c = test->param_value;
	struct wqf_args *r = lockcb_run_case(test, c);
	u32 expect = max_t(u32, WQF_GET(r, expired), c->closers);

	KUNIT_EXPECT_EQ(test, r->verdict, (u32)WQF_VERDICT_COMPLETED);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, double_completions), 0);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, lost), 0);
	/* Expired or closed sessions complete; live, unclosed ones stay. */
	KUNIT_EXPECT_EQ(test, WQF_GET(r, completed), expect);
}

static const struct lockcb_case invalid_cases[] = {
	{ .desc = "spinlock with the flush path", .variant = BUGGY, .lock = SPIN, .path = FLUSH,
	  .sessions = 8 },
	{ .desc = "no sessions", .variant = BUGGY, .lock = MUTEX, .path = DIRECT },
	{ .desc = "100001 sessions", .variant = BUGGY, .lock = MUTEX, .path = DIRECT,
	  .sessions = 100001 },
	{ .desc = "more expired than sessions", .variant = BUGGY, .lock = MUTEX, .path = DIRECT,
	  .sessions = 8, .expired = 9 },
	{ .desc = "more closers than sessions", .variant = FIXED, .lock = MUTEX, .path = DIRECT,
	  .sessions = 8, .closers = 9 },
	{ .desc = "unknown lock kind", .variant = BUGGY, .lock = 3, .path = DIRECT,
	  .sessions = 8 },
	{ .desc = "unknown path", .variant = BUGGY, .lock = MUTEX, .path = 2, .sessions = 8 },
	{ .desc = "unknown variant", .variant = 2, .lock = MUTEX, .path = DIRECT,
	  .sessions = 8 },
};

KUNIT_ARRAY_PARAM(invalid, invalid_cases, lockcb_case_desc);

static void wqfault_lockcb_invalid(struct kunit *test)
{
	const struct lockcb_case *c = test->param_value;
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	lockcb_args(test, r, c);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, r->run_id, 0);
}

/* Knob limits that the table above cannot express. */
static void wqfault_lockcb_invalid_limits(struct kunit *test)
{
	static const struct lockcb_case c = {
		.variant = BUGGY,
		.lock = MUTEX,
		.path = DIRECT,
		.sessions = 8,
	};
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	lockcb_args(test, r, &c);
	WQF_SET(r, idle_ms, 60001);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	lockcb_args(test, r, &c);
	WQF_SET(r, bystanders, 10001);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	lockcb_args(test, r, &c);
	lockcb_args(test, r, &c);
	r->flags |= WQF_RUN_CONFIRM;
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
}

static struct kunit_case wqfault_lockcb_cases[] = {
	KUNIT_CASE_PARAM_ATTR(wqfault_lockcb_matrix, matrix_gen_params, WQF_KUNIT_SLOW),
	KUNIT_CASE_PARAM(wqfault_lockcb_exactly_once, race_gen_params),
	KUNIT_CASE_PARAM(wqfault_lockcb_invalid, invalid_gen_params),
	KUNIT_CASE(wqfault_lockcb_invalid_limits),
	{}
};

static struct kunit_suite wqfault_lockcb_suite = {
	.name = "wqfault_lockcb",
	.test_cases = wqfault_lockcb_cases,
};

kunit_test_suite(wqfault_lockcb_suite);
