// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the leak scenario and the fault points. With forced faults the
 * buggy close leaks exactly the entries whose close failed, and their
 * retries are refused with EBUSY; the fixed close never leaks, whichever
 * step fails. The fault_attr path decides every site of the run in the
 * calling task; the fallback behind the same hook (used on kernels without
 * CONFIG_FAULT_INJECTION) keeps interval and times as fault_attr does.
 */
#include <kunit/test.h>

#include "fault.h"
#include "wqfault.h"
#include "wqfault_kunit.h"

struct leak_case {
	const char *desc;
	u32 variant;
	u32 senders;
	u32 write_at;
	u32 close;		/* forced close failures per sender */
	u32 connect;		/* senders whose open fails */
	u32 close_retries;
	u32 verdict;
	u32 leaked;
	u32 busy;		/* retries refused with EBUSY */
	u32 ok;			/* retries that succeeded */
	u32 torn_down;
};

#define BUGGY WQF_LEAK_BUGGY
#define FIXED WQF_LEAK_FIXED
#define LEAKED WQF_VERDICT_LEAKED
#define COMPLETED WQF_VERDICT_COMPLETED
#define BUFFERS 4

static void leak_args(struct kunit *test, struct wqf_args *r,
		      const struct leak_case *c)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->scenario = WQF_SCN_LEAK;
	r->variant = c->variant;
	WQF_SET(r, senders, c->senders);
	WQF_SET(r, buffers, BUFFERS);
	WQF_SET(r, retry_delay_ms, 1);
	WQF_SET(r, close_retries, c->close_retries);
	WQF_SET(r, close_backoff_us, 10);
	WQF_SET(r, fault_write_at, c->write_at);
	WQF_SET(r, fault_close, c->close);
	WQF_SET(r, fault_connect, c->connect);
}

static void leak_case_desc(const struct leak_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

static const struct leak_case run_cases[] = {
	{ .desc = "buggy: write fault, close fails: leaks", .variant = BUGGY, .senders = 3,
	  .write_at = 2, .close = 1, .verdict = LEAKED, .leaked = 3, .busy = 3 },
	{ .desc = "buggy: close fails at the end: leaks", .variant = BUGGY, .senders = 2,
	  .close = 1, .verdict = LEAKED, .leaked = 2, .busy = 2 },
	{ .desc = "buggy: write fault, close works", .variant = BUGGY, .senders = 2,
	  .write_at = 1, .verdict = COMPLETED, .ok = 2 },
	{ .desc = "buggy: connect fault on one sender", .variant = BUGGY, .senders = 2,
	  .connect = 1, .verdict = COMPLETED, .ok = 1 },
	{ .desc = "buggy: no fault", .variant = BUGGY, .senders = 4, .verdict = COMPLETED },
	{ .desc = "fixed: write fault, close fails once", .variant = FIXED, .senders = 3,
	  .write_at = 2, .close = 1, .verdict = COMPLETED, .ok = 3 },
	{ .desc = "fixed: close fails every attempt: torn down", .variant = FIXED, .senders = 2,
	  .write_at = 4, .close = 4, .close_retries = 3, .verdict = COMPLETED, .ok = 2,
	  .torn_down = 2 },
	{ .desc = "fixed: 17 close faults, 1 retry", .variant = FIXED, .senders = 1,
	  .write_at = 1, .close = 17, .close_retries = 1, .verdict = COMPLETED, .ok = 1,
	  .torn_down = 1 },
	{ .desc = "fixed: connect faults on every sender", .variant = FIXED, .senders = 2,
	  .connect = 2, .verdict = COMPLETED, .ok = 2 },
};

KUNIT_ARRAY_PARAM(run, run_cases, leak_case_desc);

static void wqfault_leak_verdict(struct kunit *test)
{
	const struct leak_case *c = test->param_value;
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	u32 failed = c->connect;	/* senders that queue a retry */

	KUNIT_ASSERT_NOT_NULL(test, r);
	leak_args(test, r, c);
	KUNIT_ASSERT_EQ(test, wqf_run_scenario(r, NULL), 0);
	KUNIT_EXPECT_EQ(test, wqf_runs_in_progress(), 0);
	KUNIT_EXPECT_EQ(test, r->verdict, c->verdict);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, leaked), c->leaked);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, retries_busy), c->busy);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, retries_ok), c->ok);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, torn_down), c->torn_down);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, opened), c->senders - c->connect);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, connect_faults), c->connect);
	if (c->write_at || c->close)
		failed = c->senders - c->connect;
	KUNIT_EXPECT_EQ(test, WQF_GET(r, retries), failed);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, write_faults),
			c->write_at ? c->senders - c->connect : 0);
	/* Writes stop at the faulty buffer. */
	KUNIT_EXPECT_EQ(test, WQF_GET(r, written), (c->senders - c->connect) *
			(c->write_at ? c->write_at - 1 : BUFFERS));
	KUNIT_EXPECT_EQ(test, WQF_GET(r, sites), 0);
	if (c->leaked) {
		/* Leaked entries are named, first ones first. */
		KUNIT_EXPECT_STREQ(test, WQF_STR(r, leaked_names, 0), "file0");
		KUNIT_EXPECT_STREQ(test, WQF_STR(r, leaked_names, 1), "file1");
	} else {
		KUNIT_EXPECT_STREQ(test, WQF_STR(r, leaked_names, 0), "");
	}
}

/*
 * With WQF_RUN_FAULT_ATTR every site is decided through should_fail(),
 * here with the points at their defaults (probability 0) and no fail-nth
 * in this task: nothing fails, and the sites are counted.
 */
static void wqfault_leak_fault_attr_sites(struct kunit *test)
{
	static const struct leak_case c = {
		.variant = FIXED,
		.senders = 3,
		.close_retries = 2,
	};
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	leak_args(test, r, &c);
	r->flags = WQF_RUN_FAULT_ATTR;
	KUNIT_ASSERT_EQ(test, wqf_run_scenario(r, NULL), 0);
	KUNIT_EXPECT_EQ(test, r->verdict, (u32)COMPLETED);
	/* Per sender: open, 4 writes, 1 + 2 close attempts, the retry's open. */
	KUNIT_EXPECT_EQ(test, WQF_GET(r, sites), 3 * (1 + BUFFERS + 3 + 1));
	KUNIT_EXPECT_EQ(test, WQF_GET(r, sites_failed), 0);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, retries), 0);
}

static const struct leak_case invalid_cases[] = {
	{ .desc = "no senders", .variant = BUGGY },
	{ .desc = "65 senders", .variant = BUGGY, .senders = 65 },
	{ .desc = "write fault past the last buffer", .variant = BUGGY, .senders = 1,
	  .write_at = BUFFERS + 1 },
	{ .desc = "18 forced close faults", .variant = FIXED, .senders = 1, .close = 18 },
	{ .desc = "more connect faults than senders", .variant = BUGGY, .senders = 1,
	  .connect = 2 },
	{ .desc = "17 close retries", .variant = FIXED, .senders = 1, .close_retries = 17 },
	{ .desc = "unknown variant", .variant = 2, .senders = 1 },
};

KUNIT_ARRAY_PARAM(invalid, invalid_cases, leak_case_desc);

static void wqfault_leak_invalid(struct kunit *test)
{
	const struct leak_case *c = test->param_value;
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	leak_args(test, r, c);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, r->run_id, 0);
}

/* Knob limits and flags the table above cannot express. */
static void wqfault_leak_invalid_limits(struct kunit *test)
{
	static const struct leak_case c = { .variant = BUGGY, .senders = 1 };
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	leak_args(test, r, &c);
	WQF_SET(r, buffers, 1001);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	leak_args(test, r, &c);
	WQF_SET(r, retry_delay_ms, 60001);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	leak_args(test, r, &c);
	WQF_SET(r, close_backoff_us, 100001);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
	leak_args(test, r, &c);
	leak_args(test, r, &c);
	/* Results are zeroed, not refused. */
	WQF_SET(r, opened, 7);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), 0);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, opened), 1);
	leak_args(test, r, &c);
	r->flags = WQF_RUN_NO_LOCKDEP;
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -EINVAL);
}

/* The fallback's "<interval>,<probability>,<space>,<times>" semantics. */
static void wqfault_leak_fallback(struct kunit *test)
{
	struct wqf_fault_fallback fb = { .interval = 1, .times = ATOMIC_INIT(1) };
	bool got[8];
	int i;

	/* Off by default, like DECLARE_FAULT_ATTR(): probability 0. */
	KUNIT_EXPECT_FALSE(test, wqf_fault_fallback_fail(&fb));
	KUNIT_ASSERT_EQ(test, wqf_fault_fallback_parse(&fb, "2,100,0,3"), 0);
	for (i = 0; i < ARRAY_SIZE(got); i++)
		got[i] = wqf_fault_fallback_fail(&fb);
	/* Every second call, three times, then never again. */
	for (i = 0; i < ARRAY_SIZE(got); i++)
		KUNIT_EXPECT_EQ_MSG(test, got[i], i % 2 == 1 && i < 6, "call %d", i);
	KUNIT_ASSERT_EQ(test, wqf_fault_fallback_parse(&fb, "1,100,0,-1"), 0);
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_TRUE(test, wqf_fault_fallback_fail(&fb));
	KUNIT_EXPECT_EQ(test, wqf_fault_fallback_parse(&fb, "1,101,0,1"), -EINVAL);
	KUNIT_EXPECT_EQ(test, wqf_fault_fallback_parse(&fb, "1,100"), -EINVAL);
	KUNIT_EXPECT_EQ(test, wqf_fault_fallback_parse(&fb, "junk"), -EINVAL);
}

/*
 * Hang mode, held to its deadline: a buggy retry refused with EBUSY waits
 * for the leaked entry to go (it never does) until the hold ends; the
 * verdict is still LEAKED. The fixed close leaves nothing to wait for.
 */
static const struct leak_case hang_cases[] = {
	{ .desc = "buggy: close fails: retries wait", .variant = BUGGY, .senders = 2,
	  .close = 1, .verdict = LEAKED, .leaked = 2, .busy = 2 },
	{ .desc = "fixed: write fault, close fails once: nothing held", .variant = FIXED,
	  .senders = 2, .write_at = 2, .close = 1, .verdict = COMPLETED, .ok = 2 },
	{ .desc = "buggy: connect fault: nothing held", .variant = BUGGY, .senders = 2,
	  .connect = 1, .verdict = COMPLETED, .ok = 1 },
};

KUNIT_ARRAY_PARAM(hang, hang_cases, leak_case_desc);

static void wqfault_leak_hang(struct kunit *test)
{
	const struct leak_case *c = test->param_value;
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	leak_args(test, r, c);
	wqf_kunit_run_hang(test, r);
	KUNIT_EXPECT_EQ(test, r->verdict, c->verdict);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, leaked), c->leaked);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, retries_busy), c->busy);
	KUNIT_EXPECT_EQ(test, WQF_GET(r, retries_ok), c->ok);
	wqf_kunit_expect_hold(test, r, c->leaked);
	if (c->leaked)
		KUNIT_EXPECT_STREQ(test, WQF_STR(r, leaked_names, 0), "file0");
}

static struct kunit_case wqfault_leak_cases[] = {
	KUNIT_CASE_PARAM(wqfault_leak_verdict, run_gen_params),
	KUNIT_CASE(wqfault_leak_fault_attr_sites),
	KUNIT_CASE_PARAM(wqfault_leak_invalid, invalid_gen_params),
	KUNIT_CASE(wqfault_leak_invalid_limits),
	KUNIT_CASE(wqfault_leak_fallback),
	KUNIT_CASE_PARAM_ATTR(wqfault_leak_hang, hang_gen_params, WQF_KUNIT_SLOW),
	{}
};

static struct kunit_suite wqfault_leak_suite = {
	.name = "wqfault_leak",
	.test_cases = wqfault_leak_cases,
};

kunit_test_suite(wqfault_leak_suite);
