// SPDX-License-Identifier: GPL-2.0
/*
 * wqfault_bench: benchmarks measured in one boot, each against a baseline
 * of the same run. Runs at load time, prints "wqfault_bench: key=value"
 * lines for scripts/run-bench, and is unloaded right after.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "wqfault.h"

static unsigned int requests = 20000;
module_param(requests, uint, 0444);
MODULE_PARM_DESC(requests, "requests per throughput and overhead run");
static unsigned int max_active = 4;
module_param(max_active, uint, 0444);
MODULE_PARM_DESC(max_active, "max_active of the queues");
static unsigned int stall_ms = 1000;
module_param(stall_ms, uint, 0444);
MODULE_PARM_DESC(stall_ms, "stall timeout of the verdict-latency runs");
static unsigned int big = 100000;
module_param(big, uint, 0444);
MODULE_PARM_DESC(big, "requests of the large throttled run");
static unsigned int rounds = 7;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "repetitions of each measurement (the median counts)");

struct raw_item {
	struct work_struct work;
	atomic_t *left;
	struct completion *done;
};

static void raw_fn(struct work_struct *work)
{
	struct raw_item *it = container_of(work, struct raw_item, work);

	if (atomic_dec_and_test(it->left))
		complete(it->done);
}

/* The baseline: queue_work() of n items at once, the last completes. */
static s64 bench_raw(unsigned int n)
{
	struct workqueue_struct *wq;
	DECLARE_COMPLETION_ONSTACK(done);
	struct raw_item *items;
	atomic_t left;
	ktime_t t0;
	s64 us = -1;
	unsigned int i;

	items = kvcalloc(n, sizeof(*items), GFP_KERNEL);
	wq = alloc_workqueue("wqf_bench_raw", WQ_UNBOUND, max_active);
	if (!items || !wq)
		goto out;
	atomic_set(&left, n);
	t0 = ktime_get();
	for (i = 0; i < n; i++) {
		INIT_WORK(&items[i].work, raw_fn);
		items[i].left = &left;
		items[i].done = &done;
		queue_work(wq, &items[i].work);
	}
	if (wait_for_completion_timeout(&done, 120 * HZ))
		us = ktime_us_delta(ktime_get(), t0);
out:
	if (wq)
		destroy_workqueue(wq);
	kvfree(items);
	return us;
}

static int bench_starve(struct wqf_run *r, u32 variant, u32 n, u32 shares,
			u32 cached)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->scenario = WQF_SCN_STARVE;
	r->variant = variant;
	r->stall_timeout_ms = stall_ms;
	r->starve.queue = WQF_QUEUE_UNBOUND;
	r->starve.max_active = max_active;
	r->starve.requests = n;
	r->starve.shares = shares;
	r->starve.cached = cached;
	return wqf_run_scenario(r, NULL);
}

static int __init wqf_bench_init(void)
{
	struct wqf_run *r = kzalloc(sizeof(*r), GFP_KERNEL);
	unsigned int i;
	s64 raw;

	if (!r)
		return -ENOMEM;
	pr_info("start requests=%u max_active=%u stall_ms=%u big=%u rounds=%u\n",
		requests, max_active, stall_ms, big, rounds);
	for (i = 0; i < rounds; i++) {
		if (!bench_starve(r, WQF_STARVE_BUGGY, 16, 0, 0))
			pr_info("verdict round=%u verdict=%s verdict_us=%llu parked_ms=%u stall_us=%u\n",
				i, wqf_verdict_name(r->verdict), r->verdict_us,
				r->starve.oldest_parked_ms, stall_ms * 1000);
	}
	for (i = 0; i < rounds; i++) {
		if (!bench_starve(r, WQF_STARVE_THROTTLE, requests, 0, 0))
			pr_info("throttle round=%u verdict=%s elapsed_us=%llu requests=%u\n",
				i, wqf_verdict_name(r->verdict), r->elapsed_us, requests);
		if (!bench_starve(r, WQF_STARVE_SEPARATE_QUEUE, requests, 0, 0))
			pr_info("separate round=%u verdict=%s elapsed_us=%llu requests=%u\n",
				i, wqf_verdict_name(r->verdict), r->elapsed_us, requests);
	}
	for (i = 0; i < rounds; i++) {
		raw = bench_raw(requests);
		pr_info("raw round=%u elapsed_us=%lld requests=%u\n", i, raw, requests);
		/* The same shape through the harness: every share cached, all hits. */
		if (!bench_starve(r, WQF_STARVE_BUGGY, requests, 1, 1))
			pr_info("harness round=%u verdict=%s elapsed_us=%llu requests=%u\n",
				i, wqf_verdict_name(r->verdict), r->elapsed_us, requests);
	}
	if (!bench_starve(r, WQF_STARVE_THROTTLE, big, 0, 0))
		pr_info("big verdict=%s elapsed_us=%llu requests=%u mem_bytes=%llu\n",
			wqf_verdict_name(r->verdict), r->elapsed_us, big,
			r->starve.mem_bytes);
	pr_info("end\n");
	kfree(r);
	return 0;
}

static void __exit wqf_bench_exit(void)
{
}

module_init(wqf_bench_init);
module_exit(wqf_bench_exit);

MODULE_DESCRIPTION("wqfault benchmarks, each against a baseline of the same run");
MODULE_LICENSE("GPL");
