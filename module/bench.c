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
static bool abort_cases = true;
module_param(abort_cases, bool, 0444);
MODULE_PARM_DESC(abort_cases, "measure abort-to-return latency at the largest sizes");

/* Abort-to-return: the runs are aborted after each of these delays. */
static const unsigned int bench_abort_ms[] = { 50, 500, 2000, 6000 };
#define BENCH_ABORT_STALL_MS	60000
static const char * const bench_sizes[] = { "small", "large" };

struct bench_aborter {
	struct delayed_work dwork;
	struct wqf_owner *owner;
	ktime_t at;
};

static void bench_abort_fn(struct work_struct *work)
{
	struct bench_aborter *a = container_of(to_delayed_work(work),
					       struct bench_aborter, dwork);

	a->at = ktime_get();
	wqf_owner_abort(a->owner, NULL);
}

/* A knob of the abort cases: its value in the small case and the large one. */
static const struct {
	u32 scn;
	const char *name;
	s64 small, large;
} bench_abort_knobs[] = {
	{ WQF_SCN_STARVE, "queue", WQF_QUEUE_UNBOUND, WQF_QUEUE_UNBOUND },
	{ WQF_SCN_STARVE, "max_active", 512, 512 },
	{ WQF_SCN_STARVE, "requests", 16, 100000 },
	{ WQF_SCN_LOCKCB, "path", WQF_LOCKCB_FLUSH, WQF_LOCKCB_FLUSH },
	{ WQF_SCN_LOCKCB, "sessions", 16, 100000 },
	{ WQF_SCN_LOCKCB, "closers", 8, 50000 },
	{ WQF_SCN_LOCKCB, "bystanders", 4, 10000 },
	{ WQF_SCN_MUX, "threads", 2, 256 },
	{ WQF_SCN_MUX, "resources", 1, 1 },
	{ WQF_SCN_MUX, "max_mux", 1, 1 },
	{ WQF_SCN_MUX, "window_us", 100000, 100000 },
	{ WQF_SCN_ABBA, "mode", WQF_ABBA_RACE, WQF_ABBA_RACE },
	{ WQF_SCN_ABBA, "clients", 2, 64 },
	{ WQF_SCN_ABBA, "iterations", 100000, 100000 },
	{ WQF_SCN_ABBA, "race_window_us", 20, 20 },
	{ WQF_SCN_LEAK, "senders", 1, 64 },
	{ WQF_SCN_LEAK, "buffers", 4, 1000 },
	{ WQF_SCN_LEAK, "fault_write_at", 1, 1 },
	{ WQF_SCN_LEAK, "retry_delay_ms", 60000, 60000 },
};

/* The largest case of each scenario (@large) or a small one (its baseline). */
static void bench_abort_case(struct wqf_args *r, u32 scn, u32 variant, bool large)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->scenario = scn;
	r->variant = variant;
	r->stall_timeout_ms = BENCH_ABORT_STALL_MS;
	if (scn == WQF_SCN_LOCKCB || scn == WQF_SCN_ABBA)
		r->flags = WQF_RUN_NO_LOCKDEP;
	for (i = 0; i < ARRAY_SIZE(bench_abort_knobs); i++)
		if (bench_abort_knobs[i].scn == scn)
			WARN_ON_ONCE(wqf_args_set(r, bench_abort_knobs[i].name,
						  large ? bench_abort_knobs[i].large :
						  bench_abort_knobs[i].small));
	/* The throttle must stay below max_active: the kernel's default. */
	if (scn == WQF_SCN_STARVE && variant == WQF_STARVE_THROTTLE)
		WARN_ON_ONCE(wqf_args_set(r, "max_active", 16));
}

static void bench_abort(struct wqf_args *r)
{
	static const struct { u32 scn, variant; const char *name; } cases[] = {
		{ WQF_SCN_STARVE, WQF_STARVE_BUGGY, "starve-buggy" },
		{ WQF_SCN_STARVE, WQF_STARVE_THROTTLE, "starve-throttle" },
		{ WQF_SCN_STARVE, WQF_STARVE_SEPARATE_QUEUE, "starve-separate" },
		{ WQF_SCN_LOCKCB, WQF_LOCKCB_BUGGY, "lockcb-buggy" },
		{ WQF_SCN_LOCKCB, WQF_LOCKCB_FIXED, "lockcb-fixed" },
		{ WQF_SCN_MUX, WQF_MUX_BUGGY, "mux-buggy" },
		{ WQF_SCN_ABBA, WQF_ABBA_ORDERED, "abba-ordered" },
		{ WQF_SCN_LEAK, WQF_LEAK_FIXED, "leak-fixed" },
	};
	struct bench_aborter *a = kzalloc(sizeof(*a), GFP_KERNEL);
	struct wqf_owner *owner = kzalloc(sizeof(*owner), GFP_KERNEL);
	unsigned int c, d, large;

	if (!a || !owner)
		goto out;
	wqf_owner_init(owner);
	a->owner = owner;
	INIT_DELAYED_WORK(&a->dwork, bench_abort_fn);
	for (c = 0; c < ARRAY_SIZE(cases); c++) {
		for (large = 0; large < 2; large++) {
			for (d = 0; d < ARRAY_SIZE(bench_abort_ms); d++) {
				ktime_t ret_at;

				bench_abort_case(r, cases[c].scn, cases[c].variant, large);
				a->at = 0;
				schedule_delayed_work(&a->dwork,
						      msecs_to_jiffies(bench_abort_ms[d]));
				if (wqf_run_scenario(r, owner)) {
					cancel_delayed_work_sync(&a->dwork);
					continue;
				}
				ret_at = ktime_get();
				/* Over before the abort: nothing to measure. */
				if (cancel_delayed_work_sync(&a->dwork) || !a->at ||
				    ktime_after(a->at, ret_at))
					continue;
				pr_info("abort case=%s size=%s at_ms=%u verdict=%s latency_us=%lld elapsed_us=%llu\n",
					cases[c].name, bench_sizes[large],
					bench_abort_ms[d], wqf_verdict_name(r->verdict),
					ktime_us_delta(ret_at, a->at), r->elapsed_us);
			}
		}
	}
out:
	kfree(owner);
	kfree(a);
}

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

static int bench_starve(struct wqf_args *r, u32 variant, u32 n, u32 shares,
			u32 cached)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->scenario = WQF_SCN_STARVE;
	r->variant = variant;
	r->stall_timeout_ms = stall_ms;
	if (wqf_args_set(r, "queue", WQF_QUEUE_UNBOUND) ||
	    wqf_args_set(r, "max_active", max_active) ||
	    wqf_args_set(r, "requests", n) || wqf_args_set(r, "shares", shares) ||
	    wqf_args_set(r, "cached", cached))
		return -ENOENT;
	return wqf_run_scenario(r, NULL);
}

/* Result @name of run @r (0 if the scenario has none by that name). */
static s64 bench_get(const struct wqf_args *r, const char *name)
{
	s64 v = 0;

	WARN_ON_ONCE(wqf_args_get(r, name, &v));
	return v;
}

static int __init wqf_bench_init(void)
{
	struct wqf_args *r = kzalloc(sizeof(*r), GFP_KERNEL);
	unsigned int i;
	s64 raw;

	if (!r)
		return -ENOMEM;
	pr_info("start requests=%u max_active=%u stall_ms=%u big=%u rounds=%u\n",
		requests, max_active, stall_ms, big, rounds);
	for (i = 0; i < rounds; i++) {
		if (!bench_starve(r, WQF_STARVE_BUGGY, 16, 0, 0))
			pr_info("verdict round=%u verdict=%s verdict_us=%llu parked_ms=%lld stall_us=%u\n",
				i, wqf_verdict_name(r->verdict), r->verdict_us,
				bench_get(r, "oldest_parked_ms"), stall_ms * 1000);
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
		pr_info("big verdict=%s elapsed_us=%llu requests=%u mem_bytes=%lld\n",
			wqf_verdict_name(r->verdict), r->elapsed_us, big,
			bench_get(r, "mem_bytes"));
	if (abort_cases)
		bench_abort(r);
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
