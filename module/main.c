// SPDX-License-Identifier: GPL-2.0
/*
 * wqfault: reproduce workqueue deadlocks and leaks on demand, and prove
 * their fixes. Module init/exit and the /dev/wqfault ioctl interface.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "fault.h"
#include "wqfault.h"

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
	if (!scn)
		return -ENOENT;
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
	info.payload_offset = scn->payload_offset;
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
	if (info.scenario) {
		scn = wqf_scenario_by_id(info.scenario);
		if (!scn) {
			pr_warn_ratelimited("field info: unknown scenario %u\n",
					    info.scenario);
			return -EINVAL;
		}
		f = scn->fields;
		n = scn->nr_fields;
	} else {
		f = wqf_common_fields(&n);
	}
	if (info.index >= n)
		return -ENOENT;
	wqf_field_info_fill(&info, &f[info.index]);
	return wqf_copy_out(arg, &info, sizeof(info), usize);
}

static long wqf_ioc_run(struct wqf_owner *owner, void __user *arg)
{
	struct wqf_run *run;
	u32 usize;
	int ret;

	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	ret = wqf_copy_in(run, sizeof(*run), offsetofend(struct wqf_run, verdict_us),
			  arg, &usize);
	if (!ret)
		ret = wqf_run_scenario(run, owner);
	if (!ret) {
		run->size = sizeof(*run);
		ret = wqf_copy_out(arg, run, sizeof(*run), usize);
	}
	kfree(run);
	return ret;
}

static long wqf_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct wqf_owner *owner = file->private_data;
	void __user *uarg = (void __user *)arg;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	switch (cmd) {
	case WQF_IOC_VERSION:
		return wqf_ioc_version(uarg);
	case WQF_IOC_SCENARIO_INFO:
		return wqf_ioc_scenario_info(uarg);
	case WQF_IOC_FIELD_INFO:
		return wqf_ioc_field_info(uarg);
	case WQF_IOC_RUN:
		return wqf_ioc_run(owner, uarg);
	case WQF_IOC_ABORT:
		wqf_owner_abort(owner, NULL);
		return 0;
	case WQF_IOC_RELEASE:
		return wqf_release_all();
	default:
		pr_warn_ratelimited("unknown ioctl 0x%x\n", cmd);
		return -ENOTTY;
	}
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

	ret = wqf_scenarios_sane();
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
