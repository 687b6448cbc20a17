// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the run context's bounded wait, on real completions and a real
 * workqueue; a registered scenario whose module is going away.
 */
#include <kunit/test.h>
#include <linux/module.h>
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

/* A kunit action: the delayed work never fires on the test's freed memory. */
static void wqf_core_cancel(void *data)
{
	struct wqf_core_ctx *c = data;

	cancel_delayed_work_sync(&c->dwork);
}

static struct wqf_core_ctx *wqf_core_setup(struct kunit *test)
{
	struct wqf_core_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	wqf_ctx_init(&c->ctx);
	init_completion(&c->done);
	INIT_DELAYED_WORK(&c->dwork, wqf_core_fire);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, wqf_core_cancel, c), 0);
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

/*
 * The unwind completes what parties wait for, to wake them: a waiter woken
 * that way after an abort must not take it as a go (it would go on and
 * queue work on a queue being destroyed).
 */
static void wqf_core_abort_then_complete(struct work_struct *work)
{
	struct wqf_core_ctx *c = container_of(to_delayed_work(work),
					      struct wqf_core_ctx, dwork);

	wqf_ctx_stop(&c->ctx);
	complete_all(&c->done);
}

static void wqfault_core_wait_completed_after_abort(struct kunit *test)
{
	struct wqf_core_ctx *c = wqf_core_setup(test);

	INIT_DELAYED_WORK(&c->dwork, wqf_core_abort_then_complete);
	/* A long slice: the completion, not the abort check, wakes the wait. */
	c->ctx.slice = 30 * HZ;
	schedule_delayed_work(&c->dwork, HZ / 50);
	KUNIT_EXPECT_EQ(test, wqf_wait(&c->ctx, &c->done, jiffies + 60 * HZ),
			-ECANCELED);
	cancel_delayed_work_sync(&c->dwork);
}

/* An abort before the verdict cancels the run; after it, it does not. */
static void wqfault_core_abort_races_verdict(struct kunit *test)
{
	struct wqf_core_ctx *c = wqf_core_setup(test);

	wqf_ctx_abort(&c->ctx);
	KUNIT_EXPECT_TRUE(test, wqf_ctx_cancelled(&c->ctx));
	KUNIT_EXPECT_FALSE(test, wqf_ctx_decide(&c->ctx));

	wqf_ctx_init(&c->ctx);
	KUNIT_EXPECT_TRUE(test, wqf_ctx_decide(&c->ctx));
	wqf_ctx_abort(&c->ctx);
	KUNIT_EXPECT_TRUE(test, wqf_ctx_aborted(&c->ctx));
	KUNIT_EXPECT_FALSE(test, wqf_ctx_cancelled(&c->ctx));
	KUNIT_EXPECT_TRUE(test, wqf_ctx_decide(&c->ctx));

	/* A scenario's own unwind is not an abort of the run. */
	wqf_ctx_init(&c->ctx);
	wqf_ctx_stop(&c->ctx);
	KUNIT_EXPECT_TRUE(test, wqf_ctx_aborted(&c->ctx));
	KUNIT_EXPECT_TRUE(test, wqf_ctx_decide(&c->ctx));
}

/*
 * A registered scenario whose module is going away: taking it fails with
 * -ENODEV, and so does a run of it, before anything of the scenario is
 * called. The owner is a module in MODULE_STATE_GOING, as one in its exit.
 */
static struct module wqf_core_going = {
	.state = MODULE_STATE_GOING,
	.name = "wqf_going",
};

static const char * const wqf_core_variants[] = { "only" };

static int wqf_core_setup_never(struct wqf_ctx *ctx)
{
	return -EIO;
}

static u32 wqf_core_start_never(struct wqf_ctx *ctx)
{
	return WQF_VERDICT_NONE;
}

struct wqf_core_payload {
	u32 knob;
	u32 result;
};

#define WQF_FIELDS_OF	struct wqf_core_payload
static const struct wqf_field wqf_core_fields[] = {
	WQF_KNOB(knob, U32, 0, 0, 1, 0, NULL, "a knob"),
	WQF_RESULT(result, U32, NULL, "a result"),
};

static const struct wqf_scenario wqf_core_going_scn = {
	.owner = &wqf_core_going,
	.id = WQF_SCN_USER_BASE + 100,
	.name = "going",
	.variants = wqf_core_variants,
	.nr_variants = ARRAY_SIZE(wqf_core_variants),
	WQF_SCENARIO_PAYLOAD(struct wqf_core_payload, wqf_core_fields, result),
	.priv_size = 8,
	.setup = wqf_core_setup_never,
	.start = wqf_core_start_never,
};

static void wqf_core_unregister(void *data)
{
	wqfault_unregister_scenario(data);
}

static void wqfault_core_going_module_is_enodev(struct kunit *test)
{
	struct wqf_args *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	u32 n = wqf_nr_scenarios();

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_ASSERT_EQ(test, wqfault_register_scenario(&wqf_core_going_scn), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, wqf_core_unregister,
							(void *)&wqf_core_going_scn), 0);
	KUNIT_EXPECT_EQ(test, wqf_nr_scenarios(), n + 1);
	KUNIT_EXPECT_EQ(test, PTR_ERR(wqf_scenario_get(wqf_core_going_scn.id)), -ENODEV);
	KUNIT_EXPECT_EQ(test, PTR_ERR(wqf_scenario_at(n)), -ENODEV);
	r->size = sizeof(struct wqf_run);
	r->scenario = wqf_core_going_scn.id;
	r->payload_size = sizeof(struct wqf_core_payload);
	KUNIT_EXPECT_EQ(test, wqf_run_scenario(r, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, r->run_id, 0);
	KUNIT_EXPECT_EQ(test, wqf_runs_in_progress(), 0);
}

static struct kunit_case wqfault_core_cases[] = {
	KUNIT_CASE(wqfault_core_wait_released),
	KUNIT_CASE(wqfault_core_wait_times_out),
	KUNIT_CASE(wqfault_core_wait_aborted),
	KUNIT_CASE(wqfault_core_wait_done_at_deadline),
	KUNIT_CASE(wqfault_core_wait_completed_after_abort),
	KUNIT_CASE(wqfault_core_abort_races_verdict),
	KUNIT_CASE(wqfault_core_going_module_is_enodev),
	{}
};

static struct kunit_suite wqfault_core_suite = {
	.name = "wqfault_core",
	.test_cases = wqfault_core_cases,
};

kunit_test_suite(wqfault_core_suite);

MODULE_DESCRIPTION("KUnit tests for the wqfault run context");
MODULE_LICENSE("GPL");
