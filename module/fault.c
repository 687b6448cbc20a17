// SPDX-License-Identifier: GPL-2.0
/*
 * Fault points on the kernel's fault-injection framework, as null_blk does
 * it: a fault_attr per point, set from a module parameter string
 * ("<interval>,<probability>,<space>,<times>", parsed by
 * setup_fault_attr()) and tuned at run time through the standard knobs of
 * fault_create_debugfs_attr() under /sys/kernel/debug/wqfault/<point>/.
 * should_fail() also honours the calling task's fail-nth
 * (/proc/thread-self/fail-nth), so a point only sees it when evaluated in
 * that task, never in a kworker. Without CONFIG_FAULT_INJECTION the same
 * hooks run the fallback below (fault.h is the compat layer).
 * See Documentation/fault-injection.rst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/random.h>

#include "fault.h"

static char *fail_write;
module_param(fail_write, charp, 0400);
MODULE_PARM_DESC(fail_write, "fail_write point: \"<interval>,<probability>,<space>,<times>\"");

static char *fail_close;
module_param(fail_close, charp, 0400);
MODULE_PARM_DESC(fail_close, "fail_close point: \"<interval>,<probability>,<space>,<times>\"");

static char *fail_connect;
module_param(fail_connect, charp, 0400);
MODULE_PARM_DESC(fail_connect, "fail_connect point: \"<interval>,<probability>,<space>,<times>\"");

static char *delay;
module_param(delay, charp, 0400);
MODULE_PARM_DESC(delay, "delay point: \"<interval>,<probability>,<space>,<times>\"");

static unsigned int delay_us = 1000;
module_param(delay_us, uint, 0600);
MODULE_PARM_DESC(delay_us, "How long the delay point sleeps when it fires, in us (max 1000000). Default: 1000");

#define WQF_DELAY_MAX_US	1000000

/* As DECLARE_FAULT_ATTR(): interval 1, times 1, probability 0 (off). */
#define WQF_FAULT(n) { .name = n, WQF_FAULT_ATTR_INIT			\
		       .fb = { .interval = 1, .times = ATOMIC_INIT(1) } }

static struct wqf_fault wqf_faults[WQF_FAULT_NR] = {
	[WQF_FAULT_WRITE] = WQF_FAULT("fail_write"),
	[WQF_FAULT_CLOSE] = WQF_FAULT("fail_close"),
	[WQF_FAULT_CONNECT] = WQF_FAULT("fail_connect"),
	[WQF_FAULT_DELAY] = WQF_FAULT("delay"),
};

static char **const wqf_fault_params[WQF_FAULT_NR] = {
	[WQF_FAULT_WRITE] = &fail_write,
	[WQF_FAULT_CLOSE] = &fail_close,
	[WQF_FAULT_CONNECT] = &fail_connect,
	[WQF_FAULT_DELAY] = &delay,
};

/**
 * wqf_fault_fallback_parse() - set a fallback point from a parameter string
 * @fb: the point
 * @str: "<interval>,<probability>,<space>,<times>", as for
 *       setup_fault_attr(); space is ignored
 *
 * Return: 0, or -EINVAL if @str is malformed or the probability is above
 * 100.
 */
int wqf_fault_fallback_parse(struct wqf_fault_fallback *fb, const char *str)
{
	unsigned int interval, probability;
	int space, times;

	if (sscanf(str, "%u,%u,%d,%d", &interval, &probability, &space,
		   &times) < 4 || probability > 100)
		return -EINVAL;
	WRITE_ONCE(fb->interval, interval);
	WRITE_ONCE(fb->probability, probability);
	atomic_set(&fb->times, times);
	atomic_set(&fb->count, 0);
	return 0;
}
EXPORT_SYMBOL_GPL(wqf_fault_fallback_parse);

/**
 * wqf_fault_fallback_fail() - should this call of a fallback point fail?
 * @fb: the point
 *
 * The order of should_fail(): probability 0 never fails, then times left,
 * then every interval-th call, then the probability. Safe from any context.
 *
 * Return: true if the caller must fail.
 */
bool wqf_fault_fallback_fail(struct wqf_fault_fallback *fb)
{
	u32 probability = READ_ONCE(fb->probability);
	u32 interval = READ_ONCE(fb->interval);

	if (!probability || !atomic_read(&fb->times))
		return false;
	if (interval > 1 && atomic_inc_return(&fb->count) % interval)
		return false;
	if (probability <= get_random_u32_below(100))
		return false;
	if (atomic_read(&fb->times) == -1)
		return true;
	return atomic_dec_if_positive(&fb->times) >= 0;
}
EXPORT_SYMBOL_GPL(wqf_fault_fallback_fail);

/**
 * wqf_fault_fallback_debugfs() - the fallback's knobs in debugfs
 * @fb: the point
 * @name: directory to create under @parent
 * @parent: the module's debugfs directory
 *
 * Creates @name/{probability,interval,times}, as the kernel's fault_attr
 * knobs of the same names.
 */
void wqf_fault_fallback_debugfs(struct wqf_fault_fallback *fb, const char *name,
				struct dentry *parent)
{
	struct dentry *dir = debugfs_create_dir(name, parent);

	debugfs_create_u32("probability", 0600, dir, &fb->probability);
	debugfs_create_u32("interval", 0600, dir, &fb->interval);
	debugfs_create_atomic_t("times", 0600, dir, &fb->times);
}
EXPORT_SYMBOL_GPL(wqf_fault_fallback_debugfs);

/**
 * wqf_should_fail() - the one-line hook of a fault point
 * @point: which point
 *
 * With CONFIG_FAULT_INJECTION this is should_fail() on the point's
 * fault_attr: its debugfs knobs apply and, when called in process context,
 * the calling task's fail-nth too (a kworker has its own, zero). Without
 * it, the fallback decides. Safe from any context.
 *
 * Return: true if the caller must fail (or, for WQF_FAULT_DELAY, delay).
 */
bool wqf_should_fail(enum wqf_fault_point point)
{
	if (WARN_ON_ONCE(point >= WQF_FAULT_NR))
		return false;
	return wqf_fault_attr_fail(&wqf_faults[point]);
}
EXPORT_SYMBOL_GPL(wqf_should_fail);

/**
 * wqf_fault_delay() - widen a race window when the delay point fires
 *
 * For scenarios that want a window made wider on demand: call it where the
 * window is. It evaluates the "delay" point (in the calling task: its
 * fail-nth counts this call) and, if that fires, sleeps for the delay_us
 * module parameter. Process context only: it may sleep.
 *
 * Return: the time slept in microseconds, 0 if the point did not fire.
 */
unsigned int wqf_fault_delay(void)
{
	unsigned int us = min_t(unsigned int, READ_ONCE(delay_us), WQF_DELAY_MAX_US);

	might_sleep();
	if (!wqf_should_fail(WQF_FAULT_DELAY))
		return 0;
	fsleep(us);
	return us;
}
EXPORT_SYMBOL_GPL(wqf_fault_delay);

/**
 * wqf_fault_name() - the name of a fault point
 * @point: which point
 *
 * Return: "fail_write", ..., or "?" for an unknown point.
 */
const char *wqf_fault_name(enum wqf_fault_point point)
{
	return point < WQF_FAULT_NR ? wqf_faults[point].name : "?";
}
EXPORT_SYMBOL_GPL(wqf_fault_name);

/**
 * wqf_fault_init() - set the points from their parameters, add debugfs
 * @dir: the module's debugfs directory (removed, knobs and all, by the
 *       module's exit)
 *
 * A malformed parameter string fails the module load, as in null_blk.
 * Debugfs trouble does not: the points then keep their parameter settings.
 *
 * Return: 0, or -EINVAL for a malformed parameter string.
 */
int wqf_fault_init(struct dentry *dir)
{
	int i, ret;

	for (i = 0; i < WQF_FAULT_NR; i++) {
		char *str = *wqf_fault_params[i];

		if (str && wqf_fault_attr_setup(&wqf_faults[i], str)) {
			pr_err("bad %s=\"%s\": want <interval>,<probability>,<space>,<times>\n",
			       wqf_faults[i].name, str);
			return -EINVAL;
		}
	}
	for (i = 0; i < WQF_FAULT_NR; i++) {
		ret = wqf_fault_attr_debugfs(&wqf_faults[i], dir);
		if (ret && ret != -ENODEV)
			pr_warn("%s: no debugfs knobs (%d)\n", wqf_faults[i].name, ret);
	}
	pr_info("fault points: %s\n", WQF_FAULT_KERNEL_FRAMEWORK ?
		"fault_attr (CONFIG_FAULT_INJECTION)" : "fallback (no CONFIG_FAULT_INJECTION)");
	return 0;
}

