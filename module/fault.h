/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wqfault fault points (fault.c) on the kernel's fault-injection framework:
 * one struct fault_attr per point, with the standard debugfs knobs under
 * /sys/kernel/debug/wqfault/<point>/ and a module parameter string each.
 * A hook is one line: if (wqf_should_fail(WQF_FAULT_WRITE)) return -EIO;
 *
 * This header is the compat layer for fault injection: the only place that
 * looks at CONFIG_FAULT_INJECTION. Without it the same hooks are served by a
 * small fallback (struct wqf_fault_fallback): probability, interval and
 * times, in debugfs, and the same parameter strings; no fail-nth, space,
 * verbose or task-filter. See Documentation/fault-injection.rst.
 */
#ifndef _WQFAULT_FAULT_H
#define _WQFAULT_FAULT_H

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/fault-inject.h>
#include <linux/types.h>

struct dentry;

/**
 * enum wqf_fault_point - the module's fault points
 * @WQF_FAULT_WRITE: a write fails ("fail_write")
 * @WQF_FAULT_CLOSE: a close fails ("fail_close")
 * @WQF_FAULT_CONNECT: opening a connection fails ("fail_connect")
 * @WQF_FAULT_DELAY: wqf_fault_delay() sleeps ("delay"), to widen a race
 *                   window
 * @WQF_FAULT_NR: number of points
 */
enum wqf_fault_point {
	WQF_FAULT_WRITE,
	WQF_FAULT_CLOSE,
	WQF_FAULT_CONNECT,
	WQF_FAULT_DELAY,
	WQF_FAULT_NR,
};

/**
 * struct wqf_fault_fallback - a fault point without CONFIG_FAULT_INJECTION
 * @probability: percent of the calls that fail, 0 (never) to 100
 * @interval: only every @interval-th call may fail; 0 and 1 mean each
 * @times: failures left; -1 means no limit
 * @count: calls so far
 *
 * The same meaning as the fault_attr fields of the same names, so that
 * "<interval>,<probability>,<space>,<times>" parameter strings read the
 * same; space is accepted and ignored.
 */
struct wqf_fault_fallback {
	u32 probability;
	u32 interval;
	atomic_t times;
	atomic_t count;
};

/**
 * struct wqf_fault - one fault point
 * @name: its debugfs directory and module parameter name
 * @attr: the kernel's fault_attr (only with CONFIG_FAULT_INJECTION: 6.1
 *        has no struct fault_attr without it)
 * @fb: the fallback, used only without CONFIG_FAULT_INJECTION
 */
struct wqf_fault {
	const char *name;
#ifdef CONFIG_FAULT_INJECTION
	struct fault_attr attr;
#endif
	struct wqf_fault_fallback fb;
};

int wqf_fault_fallback_parse(struct wqf_fault_fallback *fb, const char *str);
bool wqf_fault_fallback_fail(struct wqf_fault_fallback *fb);
void wqf_fault_fallback_debugfs(struct wqf_fault_fallback *fb, const char *name,
				struct dentry *parent);

#ifdef CONFIG_FAULT_INJECTION

/* The kernel's framework: should_fail() honours the caller's fail-nth. */
#define WQF_FAULT_ATTR_INIT		.attr = FAULT_ATTR_INITIALIZER,
#define WQF_FAULT_KERNEL_FRAMEWORK	true

static inline bool wqf_fault_attr_fail(struct wqf_fault *f)
{
	return should_fail(&f->attr, 1);
}

/* setup_fault_attr() returns 1 on success, 0 on error. */
static inline int wqf_fault_attr_setup(struct wqf_fault *f, char *str)
{
	return setup_fault_attr(&f->attr, str) ? 0 : -EINVAL;
}

/* -ENODEV without CONFIG_FAULT_INJECTION_DEBUG_FS: not fatal. */
static inline int wqf_fault_attr_debugfs(struct wqf_fault *f,
					 struct dentry *parent)
{
	return PTR_ERR_OR_ZERO(fault_create_debugfs_attr(f->name, parent,
							 &f->attr));
}

#else /* CONFIG_FAULT_INJECTION */

/* Stubs: the same calls, served by the fallback. */
#define WQF_FAULT_ATTR_INIT
#define WQF_FAULT_KERNEL_FRAMEWORK	false

static inline bool wqf_fault_attr_fail(struct wqf_fault *f)
{
	return wqf_fault_fallback_fail(&f->fb);
}

static inline int wqf_fault_attr_setup(struct wqf_fault *f, char *str)
{
	return wqf_fault_fallback_parse(&f->fb, str);
}

static inline int wqf_fault_attr_debugfs(struct wqf_fault *f,
					 struct dentry *parent)
{
	wqf_fault_fallback_debugfs(&f->fb, f->name, parent);
	return 0;
}

#endif /* CONFIG_FAULT_INJECTION */

bool wqf_should_fail(enum wqf_fault_point point);
unsigned int wqf_fault_delay(void);
const char *wqf_fault_name(enum wqf_fault_point point);
int wqf_fault_init(struct dentry *dir);

#endif /* _WQFAULT_FAULT_H */
