// SPDX-License-Identifier: GPL-2.0
/*
 * Run context: the one bounded wait every scenario uses, and abort.
 */
#include <linux/module.h>
#include <linux/sched.h>

#include "wqfault.h"

/* Longest single sleep in a bounded wait: how late an abort is seen. */
#define WQF_DEFAULT_SLICE	(HZ / 10)

/**
 * wqf_run_init() - prepare a run context
 * @run: the run to initialise
 */
void wqf_run_init(struct wqf_run *run)
{
	run->aborted = false;
	run->slice = WQF_DEFAULT_SLICE ? WQF_DEFAULT_SLICE : 1;
}
EXPORT_SYMBOL_GPL(wqf_run_init);

/**
 * wqf_run_abort() - make every current and future wait of @run return
 * @run: the run to abort
 *
 * Safe from any context. Waiters notice within one slice.
 */
void wqf_run_abort(struct wqf_run *run)
{
	WRITE_ONCE(run->aborted, true);
}
EXPORT_SYMBOL_GPL(wqf_run_abort);

/**
 * wqf_run_aborted() - has @run been aborted?
 * @run: the run
 *
 * Return: true once wqf_run_abort() was called.
 */
bool wqf_run_aborted(const struct wqf_run *run)
{
	return READ_ONCE(run->aborted);
}
EXPORT_SYMBOL_GPL(wqf_run_aborted);

/**
 * wqf_wait() - wait for @done, bounded by @deadline and by abort
 * @run: the run the waiter belongs to
 * @done: the completion to wait for
 * @deadline: absolute time in jiffies after which the wait gives up
 *
 * Sleeps uninterruptibly in slices of at most @run->slice jiffies, so an
 * abort is seen quickly and no wait is ever unbounded.
 *
 * Return: 0 if @done completed, -ECANCELED if the run was aborted first,
 * -ETIMEDOUT if @deadline passed first.
 */
int wqf_wait(struct wqf_run *run, struct completion *done,
	     unsigned long deadline)
{
	for (;;) {
		long left = (long)(deadline - jiffies);

		if (wqf_run_aborted(run))
			return -ECANCELED;
		if (left <= 0)
			return try_wait_for_completion(done) ? 0 : -ETIMEDOUT;
		if (wait_for_completion_timeout(done,
						min_t(long, left, run->slice)))
			return 0;
	}
}
EXPORT_SYMBOL_GPL(wqf_wait);
