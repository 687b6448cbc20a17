// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the run context's bounded wait, on real completions and a real
 * workqueue.
 */
#include <kunit/test.h>
#include <linux/workqueue.h>

#include "wqfault.h"

struct wqf_core_ctx {
	struct wqf_ctx ctx;
	struct completion done;
	struct delayed_work dwork;
	bool abort;	/* what the delayed work does: abort, or complete */
};

static void wqf_core_fire(struct work_struct *work)
{
	struct wqf_core_ctx *c = container_of(to_delayed_work(work),
					      struct wqf_core_ctx, dwork);

	if (c->abort)
		wqf_ctx_abort(&c->ctx);
	else
		complete(&c->done);
}

static struct wqf_core_ctx *wqf_core_setup(struct kunit *test)
{
	struct wqf_core_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	wqf_ctx_init(&c->ctx);
	init_completion(&c->done);
	INIT_DELAYED_WORK(&c->dwork, wqf_core_fire);
	return c;
}

/* A completion signalled from a work item ends the wait with 0. */
static void wqfault_core_wait_released(struct kunit *test)
{
	struct wqf_core_ctx *c = wqf_core_setup(test);

	schedule_delayed_work(&c->dwork, HZ / 50);
	KUNIT_EXPECT_EQ(test, wqf_wait(&c->ctx, &c->done, jiffies + 30 * HZ), 0);
	cancel_delayed_work_sync(&c->dwork);
	KUNIT_EXPECT_FALSE(test, wqf_ctx_aborted(&c->ctx));
}

/* Nobody signals: the wait gives up at its deadline, not before. */
static void wqfault_core_wait_times_out(struct kunit *test)
{
	struct wqf_core_ctx *c = wqf_core_setup(test);
	unsigned long deadline = jiffies + HZ / 5;

	KUNIT_EXPECT_EQ(test, wqf_wait(&c->ctx, &c->done, deadline), -ETIMEDOUT);
	KUNIT_EXPECT_TRUE(test, time_after_eq(jiffies, deadline));
}

/* An abort from another context ends a wait whose deadline is far away. */
static void wqfault_core_wait_aborted(struct kunit *test)
{
	struct wqf_core_ctx *c = wqf_core_setup(test);
	unsigned long deadline = jiffies + 60 * HZ;

	c->abort = true;
	schedule_delayed_work(&c->dwork, HZ / 50);
	KUNIT_EXPECT_EQ(test, wqf_wait(&c->ctx, &c->done, deadline), -ECANCELED);
	cancel_delayed_work_sync(&c->dwork);
	KUNIT_EXPECT_TRUE(test, time_before(jiffies, deadline));
	/* Later waits return at once, even on a deadline in the past. */
	KUNIT_EXPECT_EQ(test, wqf_wait(&c->ctx, &c->done, jiffies), -ECANCELED);
}

/* A completion that is already done wins over an expired deadline. */
static void wqfault_core_wait_done_at_deadline(struct kunit *test)
{
	struct wqf_core_ctx *c = wqf_core_setup(test);

	complete(&c->done);
	KUNIT_EXPECT_EQ(test, wqf_wait(&c->ctx, &c->done, jiffies - 1), 0);
}

static struct kunit_case wqfault_core_cases[] = {
	KUNIT_CASE(wqfault_core_wait_released),
	KUNIT_CASE(wqfault_core_wait_times_out),
	KUNIT_CASE(wqfault_core_wait_aborted),
	KUNIT_CASE(wqfault_core_wait_done_at_deadline),
	{}
};

static struct kunit_suite wqfault_core_suite = {
	.name = "wqfault_core",
	.test_cases = wqfault_core_cases,
};

kunit_test_suite(wqfault_core_suite);

MODULE_DESCRIPTION("KUnit tests for the wqfault run context");
MODULE_LICENSE("GPL");
