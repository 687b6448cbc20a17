/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wqfault internal types: the run context shared by every scenario.
 */
#ifndef _WQFAULT_H
#define _WQFAULT_H

#include <linux/completion.h>
#include <linux/jiffies.h>
#include <linux/types.h>

/**
 * struct wqf_run - one run of a scenario
 * @aborted: set once by wqf_run_abort(); every wait returns -ECANCELED after
 * @slice: longest single sleep inside wqf_wait(), in jiffies; bounds how
 *         late an abort is noticed
 */
struct wqf_run {
	bool aborted;
	unsigned long slice;
};

void wqf_run_init(struct wqf_run *run);
void wqf_run_abort(struct wqf_run *run);
bool wqf_run_aborted(const struct wqf_run *run);
int wqf_wait(struct wqf_run *run, struct completion *done,
	     unsigned long deadline);

#endif /* _WQFAULT_H */
