// SPDX-License-Identifier: GPL-2.0
/*
 * wqfault: reproduce workqueue deadlocks and leaks on demand, and prove
 * their fixes. Module init/exit and the /dev/wqfault ioctl interface.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <uapi/linux/wqfault.h>

#include "wqfault.h"

/* How many runs may be in progress at once, over all file descriptors. */
#define WQF_MAX_RUNS	4

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
	v.nr_scenarios = 0;
	v.max_runs = WQF_MAX_RUNS;
	v.features = wqf_features();
	return wqf_copy_out(arg, &v, sizeof(v), usize);
}

static long wqf_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	switch (cmd) {
	case WQF_IOC_VERSION:
		return wqf_ioc_version(uarg);
	default:
		pr_warn_ratelimited("unknown ioctl 0x%x\n", cmd);
		return -ENOTTY;
	}
}

static const struct file_operations wqf_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = wqf_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice wqf_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "wqfault",
	.fops = &wqf_fops,
	.mode = 0600,
};

static int __init wqf_init(void)
{
	int ret;

	ret = misc_register(&wqf_miscdev);
	if (ret)
		return ret;
	pr_info("loaded: api %d, features 0x%llx\n", WQF_API_VERSION,
		wqf_features());
	return 0;
}

static void __exit wqf_exit(void)
{
	misc_deregister(&wqf_miscdev);
	pr_info("unloaded\n");
}

module_init(wqf_init);
module_exit(wqf_exit);

MODULE_DESCRIPTION("Reproduce workqueue deadlocks and leaks, prove their fixes");
MODULE_LICENSE("GPL");
