/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the KUnit suites share: a hang-mode run held to its deadline, and
 * what its result must say about the hold.
 */
#ifndef WQFAULT_KUNIT_H
#define WQFAULT_KUNIT_H

#include <kunit/test.h>

#include "wqfault.h"

/* Cases that wait out a stall timeout or a hang: KUnit's "slow" speed. */
#define WQF_KUNIT_SLOW	{ .speed = KUNIT_SPEED_SLOW }

/* The hang-mode deadline of the suites' runs, and the slack on it. */
#define WQF_KUNIT_HANG_MS	1000
#define WQF_KUNIT_HANG_SLACK_MS	20

/*
 * The suites fill and read a run's payload by field name, through the
 * scenario's own table (wqf_args_field()), as userspace does: they never
 * see a payload struct, so a field added to a scenario changes only the
 * scenario's file. A name the table lacks fails the test.
 */
static inline s64 wqf_kunit_get(struct kunit *test, const struct wqf_args *r,
				const char *name)
{
	s64 v = 0;

	KUNIT_ASSERT_EQ_MSG(test, wqf_args_get(r, name, &v), 0, "field %s", name);
	return v;
}

static inline void wqf_kunit_set(struct kunit *test, struct wqf_args *r,
				 const char *name, s64 v)
{
	KUNIT_ASSERT_EQ_MSG(test, wqf_args_set(r, name, v), 0, "field %s", name);
}

/* Element @i of string-array field @name of @r. */
static inline const char *wqf_kunit_str(struct kunit *test, const struct wqf_args *r,
					const char *name, u32 i)
{
	const struct wqf_field *f;
	const char *at = wqf_args_field(r, name, &f);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(at), "field %s", name);
	KUNIT_ASSERT_EQ(test, f->type, WQF_FIELD_STRING);
	KUNIT_ASSERT_LT(test, i, f->count);
	return at + i * f->width;
}

/* Field @_f of run @_r, by its name (in a KUnit case: @test in scope). */
#define WQF_GET(_r, _f)		wqf_kunit_get(test, (_r), #_f)
#define WQF_SET(_r, _f, _v)	wqf_kunit_set(test, (_r), #_f, (_v))
#define WQF_STR(_r, _f, _i)	wqf_kunit_str(test, (_r), #_f, (_i))

/*
 * Run @r in hang mode with no release, so a stalled run is held until its
 * deadline; the run must end, and leave no run in progress.
 */
static inline void wqf_kunit_run_hang(struct kunit *test, struct wqf_args *r)
{
	r->flags |= WQF_RUN_HANG;
	r->hang.hang_ms = WQF_KUNIT_HANG_MS;
	KUNIT_ASSERT_EQ(test, wqf_run_scenario(r, NULL), 0);
	KUNIT_EXPECT_EQ(test, wqf_runs_in_progress(), 0);
}

/*
 * After wqf_kunit_run_hang(): a run that stalled (@held) was held to the
 * deadline after its verdict; one that did not held nothing.
 */
static inline void wqf_kunit_expect_hold(struct kunit *test,
					 const struct wqf_args *r, bool held)
{
	const u32 least = WQF_KUNIT_HANG_MS - WQF_KUNIT_HANG_SLACK_MS;

	if (!held) {
		KUNIT_EXPECT_EQ(test, r->hang.end, (u32)WQF_HANG_NOT_HELD);
		KUNIT_EXPECT_EQ(test, r->hang.held_ms, 0);
		return;
	}
	KUNIT_EXPECT_EQ(test, r->hang.end, (u32)WQF_HANG_DEADLINE);
	KUNIT_EXPECT_GE(test, r->hang.held_ms, least);
	KUNIT_EXPECT_GE(test, r->elapsed_us - r->verdict_us, least * 1000ULL);
}

#endif /* WQFAULT_KUNIT_H */
