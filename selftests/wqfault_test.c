// SPDX-License-Identifier: GPL-2.0
/*
 * wqfault selftests: drive /dev/wqfault through its UAPI.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "kselftest_harness.h"
#include <linux/wqfault.h>

#define WQF_DEV "/dev/wqfault"

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = open(WQF_DEV, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, WQF_DEV " absent: wqfault module not loaded");
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(dev, version)
{
	struct wqf_version v = { .size = sizeof(v) };

	ASSERT_EQ(0, ioctl(self->fd, WQF_IOC_VERSION, &v));
	EXPECT_EQ(WQF_API_VERSION, v.api_version);
	EXPECT_EQ(sizeof(v), v.size);
	EXPECT_LT(0, v.max_runs);
}

/* The test kernel is built with the detectors; the features must say so. */
TEST_F(dev, version_features_of_test_kernel)
{
	struct wqf_version v = { .size = sizeof(v) };

	ASSERT_EQ(0, ioctl(self->fd, WQF_IOC_VERSION, &v));
	EXPECT_TRUE(v.features & WQF_FEAT_LOCKDEP);
	EXPECT_TRUE(v.features & WQF_FEAT_FAULT_INJECTION);
	EXPECT_TRUE(v.features & WQF_FEAT_HUNG_TASK);
	EXPECT_TRUE(v.features & WQF_FEAT_WQ_WATCHDOG);
}

/* A struct from a newer userspace: zero tail accepted, only our size written. */
TEST_F(dev, version_larger_struct_zero_tail)
{
	struct {
		struct wqf_version v;
		__u64 future[2];
	} big;

	memset(&big, 0, sizeof(big));
	big.v.size = sizeof(big);
	ASSERT_EQ(0, ioctl(self->fd, WQF_IOC_VERSION, &big));
	EXPECT_EQ(WQF_API_VERSION, big.v.api_version);
	EXPECT_EQ(0, big.future[0]);
}

TEST_F(dev, version_nonzero_tail_is_e2big)
{
	struct {
		struct wqf_version v;
		__u64 future;
	} big;

	memset(&big, 0, sizeof(big));
	big.v.size = sizeof(big);
	big.future = 1;
	EXPECT_EQ(-1, ioctl(self->fd, WQF_IOC_VERSION, &big));
	EXPECT_EQ(E2BIG, errno);
}

TEST_F(dev, version_short_size_is_einval)
{
	struct wqf_version v = { .size = 4 };

	EXPECT_EQ(-1, ioctl(self->fd, WQF_IOC_VERSION, &v));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(dev, bad_pointer_is_efault)
{
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, ioctl(self->fd, WQF_IOC_VERSION, p));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, WQF_IOC_VERSION, NULL));
	EXPECT_EQ(EFAULT, errno);
	munmap(p, 4096);
}

TEST_F(dev, unknown_command_is_enotty)
{
	struct wqf_version v = { .size = sizeof(v) };

	EXPECT_EQ(-1, ioctl(self->fd, _IO(WQF_IOC_MAGIC, 0x7f), &v));
	EXPECT_EQ(ENOTTY, errno);
}

/* Drop CAP_SYS_ADMIN in a child: every command must then be -EPERM. */
TEST_F(dev, without_cap_sys_admin_is_eperm)
{
	pid_t pid = fork();
	int status;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct __user_cap_header_struct hdr = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct data[2];
		struct wqf_version v = { .size = sizeof(v) };

		if (syscall(SYS_capget, &hdr, data))
			_exit(10);
		data[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
		if (syscall(SYS_capset, &hdr, data))
			_exit(11);
		if (ioctl(self->fd, WQF_IOC_VERSION, &v) != -1)
			_exit(12);
		_exit(errno == EPERM ? 0 : 13);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN
