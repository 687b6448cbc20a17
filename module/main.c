// SPDX-License-Identifier: GPL-2.0
/*
 * wqfault: reproduce workqueue deadlocks and leaks on demand, and prove
 * their fixes. Module init/exit and the /dev/wqfault ioctl interface.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "fault.h"
#include "wqfault.h"

/* What userspace relies on: every UAPI struct's size (uapi.rst). */
static_assert(sizeof(struct wqf_version) == 24);
static_assert(sizeof(struct wqf_scenario_info) == 176);
static_assert(sizeof(struct wqf_field_info) == 496);
static_assert(sizeof(struct wqf_run) == 80);
static_assert(offsetof(struct wqf_run, payload) == 72);
static_assert(sizeof(struct wqf_hang) == 16);
static_assert(offsetof(struct wqf_field_info, min) % 8 == 0);
/* Each payload's size is asserted in its scenario's file, beside its table. */

static u64 wqf_features(void)
{
	u64 f = 0;

	if (IS_ENABLED(CONFIG_PROVE_LOCKING))
		f |= WQF_FEAT_LOCKDEP;
	if (IS_ENABLED(CONFIG_FAULT_INJECTION))
		f |= WQF_FEAT_FAULT_INJECTION;
	if (IS_ENABLED(CONFIG_DETECT_HUNG_TASK))
		f |= WQF_FEAT_HUNG_TASK;
	if (IS_ENABLED(CONFIG_WQ_WATCHDOG))
		f |= WQF_FEAT_WQ_WATCHDOG;
	return f;
}

/*
 * Read a size-first struct: the first u32 is userspace's idea of its size.
 * Too small is -EINVAL, unknown non-zero tail bytes are -E2BIG.
 */
static int wqf_copy_in(void *dst, size_t ksize, size_t minsize,
		       const void __user *src, u32 *usize)
{
	int ret;

	if (get_user(*usize, (const u32 __user *)src))
		return -EFAULT;
	if (*usize < minsize) {
		pr_warn_ratelimited("struct size %u below minimum %zu\n",
				    *usize, minsize);
		return -EINVAL;
	}
	ret = copy_struct_from_user(dst, ksize, src, *usize);
	if (ret == -E2BIG)
		pr_warn_ratelimited("unknown non-zero fields past %zu bytes\n",
				    ksize);
	return ret;
}

static int wqf_copy_out(void __user *dst, const void *src, size_t ksize,
			u32 usize)
{
	return copy_to_user(dst, src, min_t(size_t, ksize, usize)) ?
		-EFAULT : 0;
}

static long wqf_ioc_version(void __user *arg)
{
	struct wqf_version v;
	u32 usize;
	int ret;

	ret = wqf_copy_in(&v, sizeof(v), offsetofend(struct wqf_version, features),
			  arg, &usize);
	if (ret)
		return ret;
	v.size = sizeof(v);
	v.api_version = WQF_API_VERSION;
	v.nr_scenarios = wqf_nr_scenarios();
	v.max_runs = WQF_MAX_RUNS;
	v.features = wqf_features();
	return wqf_copy_out(arg, &v, sizeof(v), usize);
}

static long wqf_ioc_scenario_info(void __user *arg)
{
	const struct wqf_scenario *scn;
	struct wqf_scenario_info info;
	u32 usize, i;
	int ret;

	ret = wqf_copy_in(&info, sizeof(info),
			  offsetofend(struct wqf_scenario_info, variants), arg, &usize);
	if (ret)
		return ret;
	scn = wqf_scenario_at(info.index);
	if (IS_ERR(scn))
		return PTR_ERR(scn);
	memset_after(&info, 0, index);
	info.size = sizeof(info);
	info.id = scn->id;
	info.nr_variants = min_t(u32, scn->nr_variants, WQF_MAX_VARIANTS);
	strscpy(info.name, scn->name, sizeof(info.name));
	for (i = 0; i < info.nr_variants; i++)
		strscpy(info.variants[i], scn->variants[i], sizeof(info.variants[i]));
	info.nr_fields = scn->nr_fields;
	info.flags = scn->flags;
	info.payload_size = scn->payload_size;
	info.payload_min = scn->payload_min ?: scn->payload_size;
	wqf_scenario_put(scn);
	return wqf_copy_out(arg, &info, sizeof(info), usize);
}

static long wqf_ioc_field_info(void __user *arg)
{
	const struct wqf_scenario *scn;
	const struct wqf_field *f;
	struct wqf_field_info info;
	u32 usize, n;
	int ret;

	ret = wqf_copy_in(&info, sizeof(info), offsetofend(struct wqf_field_info, help),
			  arg, &usize);
	if (ret)
		return ret;
	if (!info.scenario) {
		f = wqf_common_fields(&n);
		if (info.index >= n)
			return -ENOENT;
		wqf_field_info_fill(&info, &f[info.index]);
		return wqf_copy_out(arg, &info, sizeof(info), usize);
	}
	scn = wqf_scenario_get(info.scenario);
	if (IS_ERR(scn)) {
		pr_warn_ratelimited("field info: scenario %u: %s\n", info.scenario,
				    PTR_ERR(scn) == -ENODEV ? "going away" : "unknown");
		return PTR_ERR(scn) == -ENODEV ? -ENODEV : -EINVAL;
	}
	ret = -ENOENT;
	if (info.index < scn->nr_fields) {
		wqf_field_info_fill(&info, &scn->fields[info.index]);
		ret = 0;
	}
	wqf_scenario_put(scn);
	return ret ?: wqf_copy_out(arg, &info, sizeof(info), usize);
}

static long wqf_ioc_run(struct wqf_owner *owner, void __user *arg)
{
	const struct wqf_scenario *scn;
	void __user *upayload;
	struct wqf_args *args;
	u32 usize, min;
	int ret;

	args = kzalloc(sizeof(*args), GFP_KERNEL);
	if (!args)
		return -ENOMEM;
	ret = wqf_copy_in(args, sizeof(struct wqf_run), sizeof(struct wqf_run), arg,
			  &usize);
	if (ret)
		goto out;
	scn = wqf_scenario_get(args->scenario);
	if (IS_ERR(scn)) {
		pr_warn_ratelimited("scenario %u: %s\n", args->scenario,
				    PTR_ERR(scn) == -ENODEV ? "going away" : "unknown");
		ret = PTR_ERR(scn) == -ENODEV ? -ENODEV : -EINVAL;
		goto out;
	}
	min = scn->payload_min ?: scn->payload_size;
	if (args->payload_size < min) {
		pr_warn_ratelimited("%s: payload size %u below minimum %u\n", scn->name,
				    args->payload_size, min);
		ret = -EINVAL;
		goto put;
	}
	upayload = u64_to_user_ptr(args->payload);
	ret = copy_struct_from_user(args->data, scn->payload_size, upayload,
				    args->payload_size);
	if (ret == -E2BIG)
		pr_warn_ratelimited("%s: unknown non-zero payload bytes past %u\n",
				    scn->name, scn->payload_size);
	if (ret)
		goto put;
	ret = wqf_run_scenario(args, owner);
	if (ret)
		goto put;
	if (copy_to_user(upayload, args->data, min_t(u32, scn->payload_size,
						     args->payload_size))) {
		ret = -EFAULT;
		goto put;
	}
	args->size = sizeof(struct wqf_run);
	args->payload_size = scn->payload_size;
	ret = wqf_copy_out(arg, args, sizeof(struct wqf_run), usize);
put:
	wqf_scenario_put(scn);
out:
	kfree(args);
	return ret;
}

/* Our command @ref, whatever size userspace's struct had (it says). */
static bool wqf_cmd_is(unsigned int cmd, unsigned int ref)
{
	return (cmd & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT)) ==
	       (ref & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT));
}

static long wqf_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct wqf_owner *owner = file->private_data;
	void __user *uarg = (void __user *)arg;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	if (wqf_cmd_is(cmd, WQF_IOC_VERSION))
		return wqf_ioc_version(uarg);
	if (wqf_cmd_is(cmd, WQF_IOC_SCENARIO_INFO))
		return wqf_ioc_scenario_info(uarg);
	if (wqf_cmd_is(cmd, WQF_IOC_FIELD_INFO))
		return wqf_ioc_field_info(uarg);
	if (wqf_cmd_is(cmd, WQF_IOC_RUN))
		return wqf_ioc_run(owner, uarg);
	if (cmd == WQF_IOC_ABORT) {
		wqf_owner_abort(owner, NULL);
		return 0;
	}
	if (cmd == WQF_IOC_RELEASE)
		return wqf_release_all();
	pr_warn_ratelimited("unknown ioctl 0x%x\n", cmd);
	return -ENOTTY;
}

static int wqf_open(struct inode *inode, struct file *file)
{
	struct wqf_owner *owner = kzalloc(sizeof(*owner), GFP_KERNEL);

	if (!owner)
		return -ENOMEM;
	wqf_owner_init(owner);
	file->private_data = owner;
	return 0;
}

/*
 * close() from a task sharing the running task's file table aborts its
 * runs; a forked child closing its copy does not.
 */
static int wqf_flush(struct file *file, fl_owner_t id)
{
	wqf_owner_abort(file->private_data, id);
	return 0;
}

static int wqf_release(struct inode *inode, struct file *file)
{
	/* An ioctl holds a file reference: no run can be in progress here. */
	kfree(file->private_data);
	return 0;
}

static const struct file_operations wqf_fops = {
	.owner = THIS_MODULE,
	.open = wqf_open,
	.flush = wqf_flush,
	.release = wqf_release,
	.unlocked_ioctl = wqf_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice wqf_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "wqfault",
	.fops = &wqf_fops,
	.mode = 0600,
};

/* debugfs wqfault/release: any write ends every hang-mode run's hold. */
static ssize_t wqf_release_write(struct file *file, const char __user *buf,
				 size_t count, loff_t *ppos)
{
	int n = wqf_release_all();

	pr_info_ratelimited("debugfs release: %d run(s) in hang mode released\n", n);
	return count;
}

static const struct file_operations wqf_release_fops = {
	.owner = THIS_MODULE,
	.write = wqf_release_write,
	.llseek = noop_llseek,
};

static struct dentry *wqf_debugfs;

static int __init wqf_init(void)
{
	int ret;

	ret = wqf_scenarios_init();
	if (ret)
		return ret;
	wqf_debugfs = debugfs_create_dir("wqfault", NULL);
	ret = wqf_fault_init(wqf_debugfs);
	if (ret)
		goto err_debugfs;
	/* Optional: without debugfs, WQF_IOC_RELEASE still releases. */
	debugfs_create_file("release", 0200, wqf_debugfs, NULL, &wqf_release_fops);
	ret = misc_register(&wqf_miscdev);
	if (ret)
		goto err_debugfs;
	pr_info("loaded: api %d, features 0x%llx\n", WQF_API_VERSION,
		wqf_features());
	return 0;

err_debugfs:
	debugfs_remove_recursive(wqf_debugfs);
	return ret;
}

static void __exit wqf_exit(void)
{
	misc_deregister(&wqf_miscdev);
	/* the fault points' knobs and the release file go with the directory */
	debugfs_remove_recursive(wqf_debugfs);
	pr_info("unloaded\n");
}

module_init(wqf_init);
module_exit(wqf_exit);

MODULE_DESCRIPTION("Reproduce workqueue deadlocks and leaks, prove their fixes");
MODULE_LICENSE("GPL");
