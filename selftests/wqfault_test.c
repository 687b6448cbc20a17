// SPDX-License-Identifier: GPL-2.0
/*
 * wqfault selftests: drive /dev/wqfault through its UAPI.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "kselftest_harness.h"
#include <linux/wqfault.h>
#include "fields.h"

#define WQF_DEV "/dev/wqfault"

/* The load every starve run here uses: small enough to be quick. */
#define ST_MAX_ACTIVE	4
#define ST_REQUESTS	16
/* A short stall timeout keeps buggy runs (DEADLOCK verdicts) fast. */
#define ST_STALL_MS	300
/* Long enough that only an abort can end the run in time. */
#define ST_LONG_STALL_MS	20000
/* How long to let a run get going before aborting it. */
#define ST_SETTLE_US	300000
/* An aborted run must end well before this (the stall is 20 s). */
#define ST_ABORT_BOUND_US	10000000ULL

static __u64 now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A valid starve run at the standard load: unbound queue, local placement. */
static void starve_args(struct wqf_runbuf *run, __u32 variant, __u32 stall_ms)
{
	memset(run, 0, sizeof(*run));
	run->size = sizeof(struct wqf_run);
	run->scenario = WQF_SCN_STARVE;
	run->variant = variant;
	run->stall_timeout_ms = stall_ms;
	WQF_SET(run, queue, WQF_QUEUE_UNBOUND);
	WQF_SET(run, max_active, ST_MAX_ACTIVE);
	WQF_SET(run, requests, ST_REQUESTS);
	WQF_SET(run, placement, WQF_PLACE_LOCAL);
}

/* Does @fd still answer WQF_IOC_VERSION correctly? */
static bool device_works(int fd)
{
	struct wqf_version v = { .size = sizeof(v) };

	return ioctl(fd, WQF_IOC_VERSION, &v) == 0 &&
	       v.api_version == WQF_API_VERSION;
}

/*
 * One WQF_IOC_RUN in a thread of its own. Threads only record what they
 * saw: ASSERT_*() and EXPECT_*() are for the test's main thread.
 */
struct runner {
	pthread_t thread;
	int fd;
	int ret;
	int err;
	__u64 wall_us;
	__u64 end_us;	/* now_us() when the ioctl returned */
	int started;	/* about to call the ioctl */
	struct wqf_runbuf run;
};

static void *runner_fn(void *arg)
{
	struct runner *r = arg;
	__u64 t0 = now_us();

	__atomic_store_n(&r->started, 1, __ATOMIC_RELEASE);
	r->ret = wqf_runbuf_ioctl(r->fd, &r->run);
	r->err = r->ret ? errno : 0;
	r->end_us = now_us();
	r->wall_us = r->end_us - t0;
	return NULL;
}

static int runner_start(struct runner *r, int fd, __u32 variant,
			__u32 stall_ms)
{
	r->fd = fd;
	r->ret = -1;
	r->err = 0;
	r->wall_us = 0;
	starve_args(&r->run, variant, stall_ms);
	return pthread_create(&r->thread, NULL, runner_fn, r);
}

/* A fixture's set-up: @fd is the device, or the test SKIPs (no module). */
static void dev_open(struct __test_metadata *_metadata, int *fd)
{
	*fd = open(WQF_DEV, O_RDWR | O_CLOEXEC);
	if (*fd < 0 && errno == ENOENT)
		SKIP(return, WQF_DEV " absent: wqfault module not loaded");
	ASSERT_LE(0, *fd);
}

static void dev_close(int fd)
{
	if (fd >= 0)
		close(fd);
}

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	dev_open(_metadata, &self->fd);
}

FIXTURE_TEARDOWN(dev)
{
	dev_close(self->fd);
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
		struct wqf_scenario_info info = { .size = sizeof(info) };
		struct wqf_runbuf run;

		/* Valid, and short if it ran anyway: only EPERM may stop it. */
		starve_args(&run, WQF_STARVE_BUGGY, ST_STALL_MS);
		if (syscall(SYS_capget, &hdr, data))
			_exit(10);
		data[CAP_SYS_ADMIN / 32].effective &= ~(1u << (CAP_SYS_ADMIN % 32));
		if (syscall(SYS_capset, &hdr, data))
			_exit(11);
		if (ioctl(self->fd, WQF_IOC_VERSION, &v) != -1)
			_exit(12);
		if (errno != EPERM)
			_exit(13);
		if (wqf_runbuf_ioctl(self->fd, &run) != -1)
			_exit(14);
		if (errno != EPERM)
			_exit(15);
		if (run.verdict != WQF_VERDICT_NONE || run.run_id)
			_exit(16);
		if (ioctl(self->fd, WQF_IOC_SCENARIO_INFO, &info) != -1)
			_exit(17);
		if (errno != EPERM)
			_exit(18);
		if (ioctl(self->fd, WQF_IOC_ABORT, NULL) != -1)
			_exit(19);
		_exit(errno == EPERM ? 0 : 20);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_TRUE(device_works(self->fd));
}

TEST_F(dev, scenario_info_lists_starve)
{
	struct wqf_version v = { .size = sizeof(v) };
	struct wqf_scenario_info info;

	ASSERT_EQ(0, ioctl(self->fd, WQF_IOC_VERSION, &v));
	ASSERT_LE(1, v.nr_scenarios);

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.index = 0;
	ASSERT_EQ(0, ioctl(self->fd, WQF_IOC_SCENARIO_INFO, &info));
	EXPECT_EQ(sizeof(info), info.size);
	EXPECT_EQ(0, info.index);
	EXPECT_EQ(WQF_SCN_STARVE, info.id);
	EXPECT_STREQ("starve", info.name);
	ASSERT_EQ(3, info.nr_variants);
	EXPECT_STREQ("buggy", info.variants[WQF_STARVE_BUGGY]);
	EXPECT_STREQ("throttle", info.variants[WQF_STARVE_THROTTLE]);
	EXPECT_STREQ("separate-queue", info.variants[WQF_STARVE_SEPARATE_QUEUE]);
	/* Unused variant slots are zeroed, not left with stale bytes. */
	EXPECT_EQ(0, info.variants[3][0]);
}

TEST_F(dev, scenario_info_past_last_is_enoent)
{
	struct wqf_version v = { .size = sizeof(v) };
	struct wqf_scenario_info info;

	ASSERT_EQ(0, ioctl(self->fd, WQF_IOC_VERSION, &v));

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.index = v.nr_scenarios;
	EXPECT_EQ(-1, ioctl(self->fd, WQF_IOC_SCENARIO_INFO, &info));
	EXPECT_EQ(ENOENT, errno);
	info.index = UINT32_MAX;
	EXPECT_EQ(-1, ioctl(self->fd, WQF_IOC_SCENARIO_INFO, &info));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_TRUE(device_works(self->fd));
}

/* The module's payload size of scenario @scn (WQF_IOC_SCENARIO_INFO). */
static __u32 payload_size(__u32 scn)
{
	const struct wqf_tab *t = wqf_tab_of(-1, scn);

	if (!t)
		abort();
	return t->info.payload_size;
}

/*
 * A starve run as a bare header @h and a payload of its own, in @k->data
 * (the ABI itself); its results are read from @k by name.
 */
static void bare_starve(struct wqf_run *h, struct wqf_runbuf *k, __u32 variant)
{
	starve_args(k, variant, ST_STALL_MS);
	memcpy(h, k, sizeof(*h));
	h->payload = (uintptr_t)k->data;
	h->payload_size = payload_size(WQF_SCN_STARVE);
}

TEST_F(dev, run_nonzero_tail_is_e2big)
{
	struct {
		struct wqf_run run;
		__u64 future;
	} big;
	struct wqf_runbuf k;

	memset(&big, 0, sizeof(big));
	bare_starve(&big.run, &k, WQF_STARVE_BUGGY);
	big.run.size = sizeof(big);
	big.future = 1;
	EXPECT_EQ(-1, ioctl(self->fd, WQF_IOC_RUN, &big));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(WQF_VERDICT_NONE, big.run.verdict);
	EXPECT_TRUE(device_works(self->fd));
}

/* A newer userspace's header with a zero tail runs; the tail is not written. */
TEST_F(dev, run_larger_struct_zero_tail)
{
	struct {
		struct wqf_run run;
		__u64 future[2];
	} big;
	struct wqf_runbuf k;

	memset(&big, 0, sizeof(big));
	bare_starve(&big.run, &k, WQF_STARVE_SEPARATE_QUEUE);
	big.run.size = sizeof(big);
	ASSERT_EQ(0, ioctl(self->fd, WQF_IOC_RUN, &big));
	EXPECT_EQ(WQF_VERDICT_COMPLETED, big.run.verdict);
	EXPECT_EQ(sizeof(big.run), big.run.size);
	EXPECT_EQ(ST_REQUESTS, WQF_GET(&k, completed));	/* results in the payload */
	EXPECT_EQ(0, big.future[0]);
	EXPECT_EQ(0, big.future[1]);
}

TEST_F(dev, run_short_size_is_einval)
{
	struct wqf_runbuf k;
	struct wqf_run run;

	bare_starve(&run, &k, WQF_STARVE_BUGGY);
	run.size = 8;
	EXPECT_EQ(-1, ioctl(self->fd, WQF_IOC_RUN, &run));
	EXPECT_EQ(EINVAL, errno);
	/* One byte short of the header every caller must pass. */
	run.size = sizeof(run) - 1;
	EXPECT_EQ(-1, ioctl(self->fd, WQF_IOC_RUN, &run));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_TRUE(device_works(self->fd));
}

TEST_F(dev, run_bad_pointer_is_efault)
{
	void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct wqf_runbuf k;
	struct wqf_run run;

	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, ioctl(self->fd, WQF_IOC_RUN, p));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, WQF_IOC_RUN, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, WQF_IOC_SCENARIO_INFO, p));
	EXPECT_EQ(EFAULT, errno);
	/* The payload pointer too: unmapped, NULL. */
	bare_starve(&run, &k, WQF_STARVE_BUGGY);
	run.payload = (uintptr_t)p;
	EXPECT_EQ(-1, ioctl(self->fd, WQF_IOC_RUN, &run));
	EXPECT_EQ(EFAULT, errno);
	run.payload = 0;
	EXPECT_EQ(-1, ioctl(self->fd, WQF_IOC_RUN, &run));
	EXPECT_EQ(EFAULT, errno);
	munmap(p, 4096);
	EXPECT_TRUE(device_works(self->fd));
}

/*
 * The payload is size-first on its own: a longer one with a zero tail
 * runs and only the kernel's size is written back, a non-zero tail is
 * E2BIG; one of the scenario's first shipped size (payload_min) runs,
 * with the fields added since at their defaults; one below is EINVAL.
 */
TEST_F(dev, run_payload_sizes)
{
	const struct wqf_tab *t = wqf_tab_of(-1, WQF_SCN_STARVE);
	__u32 size = payload_size(WQF_SCN_STARVE);
	struct wqf_runbuf k;
	struct wqf_run run;
	__u64 future;

	ASSERT_GE(sizeof(k.data), size + sizeof(future));
	bare_starve(&run, &k, WQF_STARVE_SEPARATE_QUEUE);
	run.payload_size = size + sizeof(future);
	ASSERT_EQ(0, ioctl(self->fd, WQF_IOC_RUN, &run));
	EXPECT_EQ(WQF_VERDICT_COMPLETED, run.verdict);
	EXPECT_EQ(size, run.payload_size);
	EXPECT_EQ(ST_REQUESTS, WQF_GET(&k, completed));
	memcpy(&future, k.data + size, sizeof(future));
	EXPECT_EQ(0, future);

	bare_starve(&run, &k, WQF_STARVE_BUGGY);
	run.payload_size = size + sizeof(future);
	future = 1;
	memcpy(k.data + size, &future, sizeof(future));
	EXPECT_EQ(-1, ioctl(self->fd, WQF_IOC_RUN, &run));
	EXPECT_EQ(E2BIG, errno);

	ASSERT_NE(NULL, t);
	ASSERT_LE(t->info.payload_min, size);
	ASSERT_LE(offsetof(struct wqf_scenario_info, payload_min) + 4, t->info.size);
	bare_starve(&run, &k, WQF_STARVE_SEPARATE_QUEUE);
	run.payload_size = t->info.payload_min;
	ASSERT_EQ(0, ioctl(self->fd, WQF_IOC_RUN, &run));
	EXPECT_EQ(WQF_VERDICT_COMPLETED, run.verdict);
	EXPECT_EQ(size, run.payload_size);	/* the kernel's size comes back */

	bare_starve(&run, &k, WQF_STARVE_BUGGY);
	run.payload_size = t->info.payload_min - 4;
	EXPECT_EQ(-1, ioctl(self->fd, WQF_IOC_RUN, &run));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(WQF_VERDICT_NONE, run.verdict);
	EXPECT_TRUE(device_works(self->fd));
}

/*
 * An ABI 1 binary: its _IO() commands are unknown (ENOTTY), so its struct
 * is never misread.
 */
TEST_F(dev, abi1_commands_are_enotty)
{
	struct wqf_runbuf run;
	unsigned int nr;

	starve_args(&run, WQF_STARVE_BUGGY, ST_STALL_MS);
	for (nr = 0; nr < 3; nr++) {
		EXPECT_EQ(-1, ioctl(self->fd, _IO(WQF_IOC_MAGIC, nr), &run));
		EXPECT_EQ(ENOTTY, errno);
	}
	EXPECT_EQ(WQF_VERDICT_NONE, run.verdict);
	EXPECT_TRUE(device_works(self->fd));
}

/* Two files, two runs at once: each gets its own verdict and run_id. */
TEST_F(dev, two_fds_run_at_once)
{
	struct runner r[2];
	int i;

	for (i = 0; i < 2; i++) {
		int fd = open(WQF_DEV, O_RDWR | O_CLOEXEC);

		ASSERT_LE(0, fd);
		ASSERT_EQ(0, runner_start(&r[i], fd, WQF_STARVE_BUGGY, ST_STALL_MS));
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, pthread_join(r[i].thread, NULL));
		close(r[i].fd);
	}
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, r[i].ret) {
			TH_LOG("run %d: errno %d", i, r[i].err);
		}
		EXPECT_EQ(WQF_VERDICT_DEADLOCK, r[i].run.verdict);
		EXPECT_NE(0, r[i].run.run_id);
	}
	EXPECT_NE(r[0].run.run_id, r[1].run.run_id);
}

/* WQF_IOC_ABORT from a second thread ends a run stuck for 20 s at once. */
TEST_F_TIMEOUT(dev, abort_from_other_thread, 60)
{
	struct runner a;

	ASSERT_EQ(0, runner_start(&a, self->fd, WQF_STARVE_BUGGY,
				  ST_LONG_STALL_MS));
	usleep(ST_SETTLE_US);
	EXPECT_EQ(0, ioctl(self->fd, WQF_IOC_ABORT, NULL));
	ASSERT_EQ(0, pthread_join(a.thread, NULL));

	ASSERT_EQ(0, a.ret) {
		TH_LOG("run: errno %d", a.err);
	}
	EXPECT_EQ(WQF_VERDICT_ABORTED, a.run.verdict);
	EXPECT_LT(a.run.elapsed_us, ST_ABORT_BOUND_US);
	EXPECT_LT(a.wall_us, ST_ABORT_BOUND_US);
	EXPECT_NE(0, a.run.run_id);
	EXPECT_TRUE(device_works(self->fd));
}

/* Abort with no run in progress is a no-op, and later runs are not hit. */
TEST_F(dev, abort_when_idle)
{
	struct wqf_runbuf run;

	EXPECT_EQ(0, ioctl(self->fd, WQF_IOC_ABORT, NULL));
	starve_args(&run, WQF_STARVE_SEPARATE_QUEUE, ST_STALL_MS);
	ASSERT_EQ(0, wqf_runbuf_ioctl(self->fd, &run));
	EXPECT_EQ(WQF_VERDICT_COMPLETED, run.verdict);
}

/*
 * close() of any descriptor of the file, by a thread sharing the running
 * thread's file table, aborts the run (the module's .flush).
 */
TEST_F_TIMEOUT(dev, close_from_other_thread_aborts, 60)
{
	struct runner a;
	int fd2;

	fd2 = dup(self->fd);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, runner_start(&a, self->fd, WQF_STARVE_BUGGY,
				  ST_LONG_STALL_MS));
	usleep(ST_SETTLE_US);
	EXPECT_EQ(0, close(fd2));
	ASSERT_EQ(0, pthread_join(a.thread, NULL));

	ASSERT_EQ(0, a.ret) {
		TH_LOG("run: errno %d", a.err);
	}
	EXPECT_EQ(WQF_VERDICT_ABORTED, a.run.verdict);
	EXPECT_LT(a.run.elapsed_us, ST_ABORT_BOUND_US);
	EXPECT_LT(a.wall_us, ST_ABORT_BOUND_US);
	EXPECT_TRUE(device_works(self->fd));
}

/* A forked child closing its copy of the file must not abort our run. */
TEST_F(dev, close_in_forked_child_does_not_abort)
{
	struct runner a;
	int status;
	pid_t pid;

	ASSERT_EQ(0, runner_start(&a, self->fd, WQF_STARVE_BUGGY, 1000));
	usleep(ST_SETTLE_US);
	pid = fork();
	if (pid == 0) {
		close(self->fd);
		_exit(0);
	}
	EXPECT_LE(0, pid);
	if (pid > 0)
		EXPECT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, pthread_join(a.thread, NULL));

	ASSERT_EQ(0, a.ret) {
		TH_LOG("run: errno %d", a.err);
	}
	EXPECT_EQ(WQF_VERDICT_DEADLOCK, a.run.verdict);
}

static void on_sigusr1(int sig)
{
}

/* A signal to the running thread aborts its run, which still reports. */
TEST_F_TIMEOUT(dev, signal_aborts_run, 60)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	struct runner a;

	/* No SA_RESTART: the handler must interrupt the run. */
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, runner_start(&a, self->fd, WQF_STARVE_BUGGY,
				  ST_LONG_STALL_MS));
	usleep(ST_SETTLE_US);
	EXPECT_EQ(0, pthread_kill(a.thread, SIGUSR1));
	ASSERT_EQ(0, pthread_join(a.thread, NULL));

	ASSERT_EQ(0, a.ret) {
		TH_LOG("run: errno %d", a.err);
	}
	EXPECT_EQ(WQF_VERDICT_ABORTED, a.run.verdict);
	EXPECT_LT(a.wall_us, ST_ABORT_BOUND_US);
}

/* max_runs runs in progress over all files: one more is EBUSY. */
TEST_F_TIMEOUT(dev, too_many_runs_is_ebusy, 60)
{
	struct wqf_version v = { .size = sizeof(v) };
	struct runner *r;
	struct wqf_runbuf run;
	__u32 i, started = 0;

	ASSERT_EQ(0, ioctl(self->fd, WQF_IOC_VERSION, &v));
	ASSERT_LE(1, v.max_runs);
	ASSERT_GE(64, v.max_runs);
	r = calloc(v.max_runs, sizeof(*r));
	ASSERT_NE(NULL, r);

	for (i = 0; i < v.max_runs; i++) {
		int fd = open(WQF_DEV, O_RDWR | O_CLOEXEC);

		if (fd < 0)
			break;
		if (runner_start(&r[i], fd, WQF_STARVE_BUGGY, 3000)) {
			close(fd);
			break;
		}
		started++;
	}
	EXPECT_EQ(v.max_runs, started);
	usleep(500000);

	/* Valid and short, should it run anyway. */
	starve_args(&run, WQF_STARVE_BUGGY, ST_STALL_MS);
	EXPECT_EQ(-1, wqf_runbuf_ioctl(self->fd, &run));
	EXPECT_EQ(EBUSY, errno);

	for (i = 0; i < started; i++)
		EXPECT_EQ(0, ioctl(r[i].fd, WQF_IOC_ABORT, NULL));
	for (i = 0; i < started; i++) {
		EXPECT_EQ(0, pthread_join(r[i].thread, NULL));
		close(r[i].fd);
		EXPECT_EQ(0, r[i].ret) {
			TH_LOG("run %u: errno %d", i, r[i].err);
		}
		EXPECT_EQ(WQF_VERDICT_ABORTED, r[i].run.verdict);
	}
	free(r);

	/* Every slot is free again. */
	starve_args(&run, WQF_STARVE_SEPARATE_QUEUE, ST_STALL_MS);
	ASSERT_EQ(0, wqf_runbuf_ioctl(self->fd, &run)) {
		TH_LOG("run after the others ended: errno %d", errno);
	}
	EXPECT_EQ(WQF_VERDICT_COMPLETED, run.verdict);
}

/*
 * The starve scenario's variants at one load: the bug deadlocks, each fix
 * completes.
 */
FIXTURE(starve) {
	int fd;
};

FIXTURE_VARIANT(starve) {
	__u32 variant;
	__u32 verdict;
};

FIXTURE_VARIANT_ADD(starve, buggy) {
	.variant = WQF_STARVE_BUGGY,
	.verdict = WQF_VERDICT_DEADLOCK,
};

FIXTURE_VARIANT_ADD(starve, throttle) {
	.variant = WQF_STARVE_THROTTLE,
	.verdict = WQF_VERDICT_COMPLETED,
};

FIXTURE_VARIANT_ADD(starve, separate_queue) {
	.variant = WQF_STARVE_SEPARATE_QUEUE,
	.verdict = WQF_VERDICT_COMPLETED,
};

FIXTURE_SETUP(starve)
{
	dev_open(_metadata, &self->fd);
}

FIXTURE_TEARDOWN(starve)
{
	dev_close(self->fd);
}

TEST_F(starve, verdict)
{
	struct wqf_runbuf run;

	starve_args(&run, variant->variant, ST_STALL_MS);

	ASSERT_EQ(0, wqf_runbuf_ioctl(self->fd, &run));
	ASSERT_EQ(variant->verdict, run.verdict);
	EXPECT_NE(0, run.run_id);
	EXPECT_LE(run.verdict_us, run.elapsed_us);
	TH_LOG("verdict_us=%llu elapsed_us=%llu completed=%lld max_in_flight=%lld",
	       (unsigned long long)run.verdict_us,
	       (unsigned long long)run.elapsed_us, WQF_GET(&run, completed),
	       WQF_GET(&run, max_in_flight));

	if (run.verdict == WQF_VERDICT_DEADLOCK) {
		/*
		 * Every slot held by a waiting request, their connects parked
		 * behind the rest of the requests.
		 */
		EXPECT_EQ(ST_MAX_ACTIVE, WQF_GET(&run, diag_waiting));
		EXPECT_EQ(ST_MAX_ACTIVE, WQF_GET(&run, diag_parked_connects));
		EXPECT_EQ(ST_REQUESTS - ST_MAX_ACTIVE, WQF_GET(&run, diag_parked_requests));
		EXPECT_EQ(1, WQF_GET(&run, diag_congested));
		EXPECT_EQ(-1, WQF_GET(&run, diag_cpu));
		EXPECT_GE(run.verdict_us, (__u64)ST_STALL_MS * 1000);
		EXPECT_LE(ST_STALL_MS, WQF_GET(&run, oldest_parked_ms));
		EXPECT_EQ(WQF_CONFIRM_NOT_RUN, WQF_GET(&run, confirm));
		EXPECT_GT(ST_REQUESTS, WQF_GET(&run, completed));
		return;
	}

	EXPECT_EQ(ST_REQUESTS, WQF_GET(&run, completed));
	EXPECT_EQ(0, WQF_GET(&run, timed_out));
	EXPECT_EQ(ST_REQUESTS, WQF_GET(&run, hits) + WQF_GET(&run, misses));
	EXPECT_EQ(0, WQF_GET(&run, diag_waiting));
	EXPECT_EQ(0, WQF_GET(&run, diag_parked_connects));
	if (variant->variant == WQF_STARVE_THROTTLE) {
		/* throttle 0 asks for the default, max_active - 1. */
		EXPECT_EQ(ST_MAX_ACTIVE - 1, WQF_GET(&run, throttle));
		EXPECT_GE(ST_MAX_ACTIVE - 1, WQF_GET(&run, max_in_flight));
		EXPECT_LE(1, WQF_GET(&run, max_in_flight));
	}
}

/*
 * Bad knobs the field tables cannot say (one knob bounded by another, the
 * scenario and variant): each is refused with EINVAL before anything runs,
 * and the device keeps working. Single-field ranges are tested from the
 * tables themselves (fields.*). A variant changes one __u32 (at @offset) of a valid
 * run of @scn_variant (buggy unless given).
 */
FIXTURE(bad_run) {
	int fd;
};

FIXTURE_VARIANT(bad_run) {
	__u32 scn_variant;
	const char *field;	/* a payload field, by name, or */
	size_t offset;		/* a header field */
	__u32 value;
	bool pin_connect;	/* connect_placement = WQF_PLACE_PIN too */
};

FIXTURE_VARIANT_ADD(bad_run, throttle_eq_max_active) {
	.scn_variant = WQF_STARVE_THROTTLE,
	.field = "throttle",
	.value = ST_MAX_ACTIVE,
};

FIXTURE_VARIANT_ADD(bad_run, throttle_above_max_active) {
	.scn_variant = WQF_STARVE_THROTTLE,
	.field = "throttle",
	.value = ST_MAX_ACTIVE + 1,
};

FIXTURE_VARIANT_ADD(bad_run, throttle_for_buggy) {
	.field = "throttle",
	.value = 2,
};

FIXTURE_VARIANT_ADD(bad_run, scenario_0) {
	.offset = offsetof(struct wqf_runbuf, scenario),
	.value = 0,
};

FIXTURE_VARIANT_ADD(bad_run, scenario_99) {
	.offset = offsetof(struct wqf_runbuf, scenario),
	.value = 99,
};

FIXTURE_VARIANT_ADD(bad_run, variant_3) {
	.offset = offsetof(struct wqf_runbuf, variant),
	.value = 3,
};

FIXTURE_VARIANT_ADD(bad_run, variant_7) {
	.offset = offsetof(struct wqf_runbuf, variant),
	.value = 7,
};

FIXTURE_VARIANT_ADD(bad_run, cached_above_shares) {
	.field = "cached",
	.value = ST_REQUESTS + 1,
};

FIXTURE_VARIANT_ADD(bad_run, connect_cpu_4096) {
	.field = "connect_cpu",
	.value = 4096,
	.pin_connect = true,
};

FIXTURE_SETUP(bad_run)
{
	dev_open(_metadata, &self->fd);
}

FIXTURE_TEARDOWN(bad_run)
{
	dev_close(self->fd);
}

TEST_F(bad_run, einval)
{
	struct wqf_runbuf run;

	/* Short stall: should the module take the knobs, the run is brief. */
	starve_args(&run, variant->scn_variant, ST_STALL_MS);
	if (variant->pin_connect)
		WQF_SET(&run, connect_placement, WQF_PLACE_PIN);
	if (variant->field)
		wqf_must_set(&run, variant->field, variant->value);
	else
		memcpy((char *)&run + variant->offset, &variant->value,
		       sizeof(variant->value));
	EXPECT_EQ(-1, wqf_runbuf_ioctl(self->fd, &run)) {
		TH_LOG("accepted: verdict %u", run.verdict);
	}
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(WQF_VERDICT_NONE, run.verdict);
	EXPECT_TRUE(device_works(self->fd));
}

/* lockcb through the UAPI: one variant per lock kind, path and fix. */
FIXTURE(lockcb) {
	int fd;
};

FIXTURE_VARIANT(lockcb) {
	__u32 variant;
	__u32 lock;
	__u32 path;
	__u32 verdict;
};

FIXTURE_VARIANT_ADD(lockcb, buggy_mutex_direct) {
	.variant = WQF_LOCKCB_BUGGY, .lock = WQF_LOCK_MUTEX,
	.path = WQF_LOCKCB_DIRECT, .verdict = WQF_VERDICT_DEADLOCK,
};

FIXTURE_VARIANT_ADD(lockcb, buggy_spinlock_direct) {
	.variant = WQF_LOCKCB_BUGGY, .lock = WQF_LOCK_SPINLOCK,
	.path = WQF_LOCKCB_DIRECT, .verdict = WQF_VERDICT_DEADLOCK,
};

FIXTURE_VARIANT_ADD(lockcb, buggy_rwsem_flush) {
	.variant = WQF_LOCKCB_BUGGY, .lock = WQF_LOCK_RWSEM,
	.path = WQF_LOCKCB_FLUSH, .verdict = WQF_VERDICT_DEADLOCK,
};

FIXTURE_VARIANT_ADD(lockcb, fixed_mutex_flush) {
	.variant = WQF_LOCKCB_FIXED, .lock = WQF_LOCK_MUTEX,
	.path = WQF_LOCKCB_FLUSH, .verdict = WQF_VERDICT_COMPLETED,
};

FIXTURE_VARIANT_ADD(lockcb, fixed_spinlock_direct) {
	.variant = WQF_LOCKCB_FIXED, .lock = WQF_LOCK_SPINLOCK,
	.path = WQF_LOCKCB_DIRECT, .verdict = WQF_VERDICT_COMPLETED,
};

FIXTURE_SETUP(lockcb)
{
	dev_open(_metadata, &self->fd);
}

FIXTURE_TEARDOWN(lockcb)
{
	dev_close(self->fd);
}

static void lockcb_args(struct wqf_runbuf *run, __u32 variant, __u32 lock, __u32 path)
{
	memset(run, 0, sizeof(*run));
	run->size = sizeof(struct wqf_run);
	run->scenario = WQF_SCN_LOCKCB;
	run->variant = variant;
	/* Lockdep reports once per boot; its own VM boots check the report. */
	run->flags = WQF_RUN_NO_LOCKDEP;
	run->stall_timeout_ms = ST_STALL_MS;
	WQF_SET(run, lock, lock);
	WQF_SET(run, path, path);
	WQF_SET(run, sessions, 16);
	WQF_SET(run, closers, 8);
	WQF_SET(run, bystanders, 2);
}

TEST_F(lockcb, verdict)
{
	struct wqf_runbuf run;

	lockcb_args(&run, variant->variant, variant->lock, variant->path);
	ASSERT_EQ(0, wqf_runbuf_ioctl(self->fd, &run));
	EXPECT_EQ(variant->verdict, run.verdict);
	EXPECT_EQ(2, WQF_GET(&run, bystanders_run));
	/* Every variant: each session's completion called exactly once. */
	EXPECT_EQ(0, WQF_GET(&run, double_completions));
	EXPECT_EQ(0, WQF_GET(&run, lost));
	EXPECT_GE(16, WQF_GET(&run, completed));
	if (variant->verdict == WQF_VERDICT_COMPLETED) {
		EXPECT_EQ(16, WQF_GET(&run, completed));
	} else {
		EXPECT_EQ(variant->path == WQF_LOCKCB_DIRECT, WQF_GET(&run, diag_recursive));
		EXPECT_NE(0, WQF_GET(&run, diag_holder_pid));
		EXPECT_LE(ST_STALL_MS * 1000ULL, run.verdict_us);
	}
}

TEST_F(lockcb, spinlock_flush_is_einval)
{
	struct wqf_runbuf run;

	lockcb_args(&run, WQF_LOCKCB_BUGGY, WQF_LOCK_SPINLOCK, WQF_LOCKCB_FLUSH);
	EXPECT_EQ(-1, wqf_runbuf_ioctl(self->fd, &run));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_TRUE(device_works(self->fd));
}

TEST_F(lockcb, no_sessions_is_einval)
{
	struct wqf_runbuf run;

	lockcb_args(&run, WQF_LOCKCB_FIXED, WQF_LOCK_MUTEX, WQF_LOCKCB_DIRECT);
	WQF_SET(&run, sessions, 0);
	EXPECT_EQ(-1, wqf_runbuf_ioctl(self->fd, &run));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(lockcb, listed)
{
	struct wqf_scenario_info info = { .size = sizeof(info), .index = 1 };

	ASSERT_EQ(0, ioctl(self->fd, WQF_IOC_SCENARIO_INFO, &info));
	EXPECT_STREQ("lockcb", info.name);
	EXPECT_EQ(WQF_SCN_LOCKCB, info.id);
	ASSERT_EQ(2, info.nr_variants);
	EXPECT_STREQ("buggy", info.variants[0]);
	EXPECT_STREQ("fixed", info.variants[1]);
}

/*
 * leak through the UAPI: forced faults per variant, bad knobs, and fail-nth
 * sweeps that fail every fault site of a run in turn, as
 * tools/testing/selftests/iommu/iommufd_fail_nth.c does.
 */
#define LK_SENDERS	2
#define LK_BUFFERS	3
#define LK_CLOSE_RETRIES	2

FIXTURE(leak) {
	int fd;
};

FIXTURE_VARIANT(leak) {
	__u32 variant;
	__u32 fault_write_at;
	__u32 fault_close;
	__u32 verdict;
	__u32 busy;	/* retries refused with EBUSY */
};

FIXTURE_VARIANT_ADD(leak, buggy_write_then_close_fails) {
	.variant = WQF_LEAK_BUGGY, .fault_write_at = 2, .fault_close = 1,
	.verdict = WQF_VERDICT_LEAKED, .busy = LK_SENDERS,
};

FIXTURE_VARIANT_ADD(leak, buggy_write_fails_close_works) {
	.variant = WQF_LEAK_BUGGY, .fault_write_at = 2,
	.verdict = WQF_VERDICT_COMPLETED,
};

FIXTURE_VARIANT_ADD(leak, fixed_write_then_close_fails) {
	.variant = WQF_LEAK_FIXED, .fault_write_at = 2, .fault_close = 1,
	.verdict = WQF_VERDICT_COMPLETED,
};

FIXTURE_VARIANT_ADD(leak, fixed_every_close_fails) {
	.variant = WQF_LEAK_FIXED, .fault_write_at = 1,
	.fault_close = LK_CLOSE_RETRIES + 1, .verdict = WQF_VERDICT_COMPLETED,
};

FIXTURE_SETUP(leak)
{
	dev_open(_metadata, &self->fd);
}

FIXTURE_TEARDOWN(leak)
{
	dev_close(self->fd);
}

/* leak tests that are the same for every variant above. */
FIXTURE(leak_any) {
	int fd;
};

FIXTURE_SETUP(leak_any)
{
	dev_open(_metadata, &self->fd);
}

FIXTURE_TEARDOWN(leak_any)
{
	dev_close(self->fd);
}

static void leak_args(struct wqf_runbuf *run, __u32 variant)
{
	memset(run, 0, sizeof(*run));
	run->size = sizeof(struct wqf_run);
	run->scenario = WQF_SCN_LEAK;
	run->variant = variant;
	WQF_SET(run, senders, LK_SENDERS);
	WQF_SET(run, buffers, LK_BUFFERS);
	WQF_SET(run, retry_delay_ms, 1);
	WQF_SET(run, close_retries, LK_CLOSE_RETRIES);
	WQF_SET(run, close_backoff_us, 10);
}

TEST_F(leak, verdict)
{
	struct wqf_runbuf run;

	leak_args(&run, variant->variant);
	WQF_SET(&run, fault_write_at, variant->fault_write_at);
	WQF_SET(&run, fault_close, variant->fault_close);
	ASSERT_EQ(0, wqf_runbuf_ioctl(self->fd, &run));
	EXPECT_EQ(variant->verdict, run.verdict);
	EXPECT_EQ(LK_SENDERS, WQF_GET(&run, opened));
	EXPECT_EQ(LK_SENDERS, WQF_GET(&run, write_faults));
	/* Every sender failed a write, so every sender retried. */
	EXPECT_EQ(LK_SENDERS, WQF_GET(&run, retries));
	EXPECT_EQ(variant->busy, WQF_GET(&run, retries_busy));
	EXPECT_EQ(LK_SENDERS - variant->busy, WQF_GET(&run, retries_ok));
	if (variant->verdict == WQF_VERDICT_LEAKED) {
		EXPECT_EQ(LK_SENDERS, WQF_GET(&run, leaked));
		EXPECT_STREQ("file0", WQF_STR(&run, leaked_names, 0));
		EXPECT_STREQ("file1", WQF_STR(&run, leaked_names, 1));
	} else {
		EXPECT_EQ(0, WQF_GET(&run, leaked));
		EXPECT_STREQ("", WQF_STR(&run, leaked_names, 0));
	}
	if (variant->fault_close > LK_CLOSE_RETRIES)
		EXPECT_EQ(LK_SENDERS, WQF_GET(&run, torn_down));
}

TEST_F(leak_any, bad_knobs_einval)
{
	struct wqf_runbuf run;

	leak_args(&run, WQF_LEAK_BUGGY);
	WQF_SET(&run, fault_write_at, LK_BUFFERS + 1);
	EXPECT_EQ(-1, wqf_runbuf_ioctl(self->fd, &run));
	EXPECT_EQ(EINVAL, errno);
	leak_args(&run, WQF_LEAK_BUGGY);
	run.flags = WQF_RUN_CONFIRM;
	EXPECT_EQ(-1, wqf_runbuf_ioctl(self->fd, &run));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_TRUE(device_works(self->fd));
}

TEST_F(leak_any, listed)
{
	struct wqf_scenario_info info;
	__u32 i;

	for (i = 0;; i++) {
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		info.index = i;
		ASSERT_EQ(0, ioctl(self->fd, WQF_IOC_SCENARIO_INFO, &info));
		if (!strcmp(info.name, "leak"))
			break;
	}
	EXPECT_EQ(WQF_SCN_LEAK, info.id);
	ASSERT_EQ(2, info.nr_variants);
	EXPECT_STREQ("buggy", info.variants[0]);
	EXPECT_STREQ("fixed", info.variants[1]);
}

static int aw_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

/*
 * Whether the kernel's allocation fault points (failslab, fail_page_alloc,
 * where built in) take part in fail-nth: only in the allocation failure
 * walk. Elsewhere an allocation that does not sleep (debugobjects, KASAN's
 * stack depot) would take a number that a sweep of the module's own fault
 * points counts on. Missing files (no such fault point) are passed over.
 */
static void fail_nth_allocs(bool on)
{
	aw_write("/sys/kernel/debug/failslab/ignore-gfp-wait", on ? "N" : "Y");
	aw_write("/sys/kernel/debug/failslab/cache-filter", on ? "N" : "Y");
	aw_write("/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", on ? "N" : "Y");
	aw_write("/sys/kernel/debug/fail_page_alloc/min-order", on ? "0" : "100");
}

/* This thread's fail-nth: -1 if the kernel has none. */
static int fail_nth_open(void)
{
	return open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
}

static int fail_nth_set(int nfd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(nfd, buf, len, 0) == len ? 0 : -1;
}

/* What is left of it: 0 once the fault was injected. */
static long fail_nth_get(int nfd)
{
	char buf[16] = {};

	if (pread(nfd, buf, sizeof(buf) - 1, 0) <= 0)
		return -1;
	return strtol(buf, NULL, 10);
}

/*
 * Fail site N of the run for N = 1, 2, ... until a run that had no Nth
 * site to fail. The run decides its sites in this thread (see
 * Documentation/fault-injection.rst), so fail-nth reaches them although
 * they run in kworkers. Returns how many runs leaked; *@nr_sites is the
 * number of sites swept.
 */
static int fail_nth_sweep(struct __test_metadata *_metadata, int fd,
			  __u32 variant, unsigned int *nr_sites)
{
	struct wqf_version v = { .size = sizeof(v) };
	struct wqf_runbuf run;
	int nfd, leaked = 0;
	unsigned int nth;
	long left;

	ASSERT_EQ(0, ioctl(fd, WQF_IOC_VERSION, &v));
	if (!(v.features & WQF_FEAT_FAULT_INJECTION))
		SKIP(return -1, "no CONFIG_FAULT_INJECTION: fail-nth needs it");
	nfd = fail_nth_open();
	if (nfd < 0)
		SKIP(return -1, "no /proc/thread-self/fail-nth");
	fail_nth_allocs(false);
	for (nth = 1; nth < 1000; nth++) {
		leak_args(&run, variant);
		run.flags = WQF_RUN_FAULT_ATTR;
		ASSERT_EQ(0, fail_nth_set(nfd, nth));
		ASSERT_EQ(0, wqf_runbuf_ioctl(fd, &run)) {
			TH_LOG("fail-nth %u: run failed: %s", nth, strerror(errno));
		}
		left = fail_nth_get(nfd);
		ASSERT_EQ(0, fail_nth_set(nfd, 0));
		ASSERT_LE(0, left);
		if (left) {
			/* Nothing was injected: every site has had its turn. */
			EXPECT_EQ(0, WQF_GET(&run, sites_failed));
			EXPECT_EQ(WQF_VERDICT_COMPLETED, run.verdict);
			*nr_sites = nth - 1;
			EXPECT_EQ(*nr_sites, WQF_GET(&run, sites));
			break;
		}
		EXPECT_EQ(1, WQF_GET(&run, sites_failed)) {
			TH_LOG("fail-nth %u: %lld sites failed", nth, WQF_GET(&run, sites_failed));
		}
		if (run.verdict == WQF_VERDICT_LEAKED) {
			leaked++;
			EXPECT_EQ(1, WQF_GET(&run, leaked));
			EXPECT_EQ(1, WQF_GET(&run, close_faults));
		} else {
			EXPECT_EQ(WQF_VERDICT_COMPLETED, run.verdict) {
				TH_LOG("fail-nth %u: verdict %u", nth, run.verdict);
			}
		}
	}
	close(nfd);
	EXPECT_GT(1000, nth);
	return leaked;
}

/* Whichever single step fails, the fixed variant leaves nothing. */
TEST_F_TIMEOUT(leak_any, fail_nth_sweep_fixed_never_leaks, 300)
{
	unsigned int sites = 0;
	int leaked = fail_nth_sweep(_metadata, self->fd, WQF_LEAK_FIXED, &sites);

	if (leaked < 0)
		return;
	TH_LOG("fixed: %u sites swept, %d runs leaked", sites, leaked);
	/* Per sender: open, writes, 1 + retries close attempts, retry open. */
	EXPECT_EQ(LK_SENDERS * (1 + LK_BUFFERS + 1 + LK_CLOSE_RETRIES + 1), sites);
	EXPECT_EQ(0, leaked);
}

/* The same sweep finds the bug: exactly the close sites leak. */
TEST_F_TIMEOUT(leak_any, fail_nth_sweep_buggy_leaks_on_close, 300)
{
	unsigned int sites = 0;
	int leaked = fail_nth_sweep(_metadata, self->fd, WQF_LEAK_BUGGY, &sites);

	if (leaked < 0)
		return;
	TH_LOG("buggy: %u sites swept, %d runs leaked", sites, leaked);
	EXPECT_EQ(LK_SENDERS * (1 + LK_BUFFERS + 1 + 1), sites);
	EXPECT_EQ(LK_SENDERS, leaked);
}

/*
 * mux through the UAPI: the buggy client deadlocks with one credit and
 * names the cycle; each fix completes at the same load; bad knobs are
 * EINVAL. Two threads, one resource: thread 0 holds the resource and needs
 * a credit to write it back, thread 1 logs off holding the only credit.
 */
#define MUX_STALL_MS	300
#define MUX_WINDOW_US	100000

FIXTURE(mux) {
	int fd;
};

FIXTURE_VARIANT(mux) {
	__u32 variant;
	__u32 threads;
	__u32 resources;
	__u32 max_mux;
	__u32 verdict;
};

FIXTURE_VARIANT_ADD(mux, buggy_max_mux_1) {
	.variant = WQF_MUX_BUGGY, .threads = 2, .resources = 1, .max_mux = 1,
	.verdict = WQF_VERDICT_DEADLOCK,
};

FIXTURE_VARIANT_ADD(mux, buggy_8_threads_2_resources_below) {
	.variant = WQF_MUX_BUGGY, .threads = 8, .resources = 2, .max_mux = 6,
	.verdict = WQF_VERDICT_DEADLOCK,
};

FIXTURE_VARIANT_ADD(mux, buggy_max_mux_2) {
	.variant = WQF_MUX_BUGGY, .threads = 2, .resources = 1, .max_mux = 2,
	.verdict = WQF_VERDICT_COMPLETED,
};

FIXTURE_VARIANT_ADD(mux, buggy_8_threads_2_resources_at) {
	.variant = WQF_MUX_BUGGY, .threads = 8, .resources = 2, .max_mux = 7,
	.verdict = WQF_VERDICT_COMPLETED,
};

FIXTURE_VARIANT_ADD(mux, raise_limit) {
	.variant = WQF_MUX_RAISE_LIMIT, .threads = 2, .resources = 1, .max_mux = 1,
	.verdict = WQF_VERDICT_COMPLETED,
};

FIXTURE_VARIANT_ADD(mux, release_before_wait) {
	.variant = WQF_MUX_RELEASE_BEFORE_WAIT, .threads = 2, .resources = 1,
	.max_mux = 1, .verdict = WQF_VERDICT_COMPLETED,
};

FIXTURE_VARIANT_ADD(mux, serialise) {
	.variant = WQF_MUX_SERIALISE, .threads = 2, .resources = 1, .max_mux = 1,
	.verdict = WQF_VERDICT_COMPLETED,
};

FIXTURE_VARIANT_ADD(mux, release_before_wait_8_threads) {
	.variant = WQF_MUX_RELEASE_BEFORE_WAIT, .threads = 8, .resources = 2,
	.max_mux = 1, .verdict = WQF_VERDICT_COMPLETED,
};

FIXTURE_SETUP(mux)
{
	dev_open(_metadata, &self->fd);
}

FIXTURE_TEARDOWN(mux)
{
	dev_close(self->fd);
}

static void mux_args(struct wqf_runbuf *run, __u32 variant, __u32 threads,
		     __u32 resources, __u32 max_mux)
{
	memset(run, 0, sizeof(*run));
	run->size = sizeof(struct wqf_run);
	run->scenario = WQF_SCN_MUX;
	run->variant = variant;
	run->stall_timeout_ms = MUX_STALL_MS;
	WQF_SET(run, threads, threads);
	WQF_SET(run, resources, resources);
	WQF_SET(run, max_mux, max_mux);
	WQF_SET(run, window_us, MUX_WINDOW_US);
}

TEST_F(mux, verdict)
{
	struct wqf_runbuf run;

	mux_args(&run, variant->variant, variant->threads, variant->resources,
		 variant->max_mux);

	ASSERT_EQ(0, wqf_runbuf_ioctl(self->fd, &run));
	ASSERT_EQ(variant->verdict, run.verdict);
	EXPECT_NE(0, run.run_id);
	EXPECT_LE(run.verdict_us, run.elapsed_us);
	EXPECT_EQ(variant->threads - variant->resources + 1, WQF_GET(&run, credits_needed));
	/* Whatever the verdict, every credit and resource was given back. */
	EXPECT_EQ(0, WQF_GET(&run, unreleased));
	TH_LOG("verdict_us=%llu completed=%lld credits=%lld max_in_use=%lld backoffs=%lld",
	       (unsigned long long)run.verdict_us, WQF_GET(&run, completed), WQF_GET(&run, credits),
	       WQF_GET(&run, max_credits_in_use), WQF_GET(&run, backoffs));

	if (run.verdict == WQF_VERDICT_DEADLOCK) {
		/* A logoff thread holds a credit, a writer the resource. */
		EXPECT_EQ(1, WQF_GET(&run, diag_cycle));
		EXPECT_LE((__s32)variant->resources, WQF_GET(&run, diag_credit_thread));
		EXPECT_EQ(WQF_MUX_WAIT_RESOURCE, WQF_GET(&run, diag_credit_waits));
		EXPECT_GT((__s32)variant->resources, WQF_GET(&run, diag_resource_thread));
		EXPECT_EQ(WQF_GET(&run, diag_resource_thread), WQF_GET(&run, diag_resource));
		EXPECT_EQ(WQF_MUX_WAIT_CREDIT, WQF_GET(&run, diag_resource_waits));
		EXPECT_NE(0, WQF_GET(&run, diag_credit_pid));
		EXPECT_NE(WQF_GET(&run, diag_credit_pid), WQF_GET(&run, diag_resource_pid));
		EXPECT_EQ(0, WQF_GET(&run, diag_credits_free));
		EXPECT_EQ(variant->max_mux, WQF_GET(&run, diag_credits_held));
		EXPECT_EQ(0, WQF_GET(&run, writebacks));
		EXPECT_EQ(0, WQF_GET(&run, completed));
		EXPECT_LE((__u64)MUX_STALL_MS * 1000, run.verdict_us);
		return;
	}
	EXPECT_EQ(variant->threads, WQF_GET(&run, completed));
	EXPECT_EQ(variant->resources, WQF_GET(&run, writebacks));
	EXPECT_EQ(variant->threads - variant->resources, WQF_GET(&run, logoffs));
	EXPECT_EQ(0, WQF_GET(&run, timed_out));
	EXPECT_EQ(-1, WQF_GET(&run, diag_credit_thread));
	EXPECT_GE(WQF_GET(&run, credits), WQF_GET(&run, max_credits_in_use));
	switch (variant->variant) {
	case WQF_MUX_RAISE_LIMIT:
		EXPECT_EQ(WQF_GET(&run, credits_needed), WQF_GET(&run, credits));
		break;
	case WQF_MUX_RELEASE_BEFORE_WAIT:
		EXPECT_EQ(1, WQF_GET(&run, credits));
		EXPECT_LE(1, WQF_GET(&run, backoffs));
		break;
	case WQF_MUX_SERIALISE:
		EXPECT_EQ(1, WQF_GET(&run, max_credits_in_use));
		break;
	}
}

TEST_F(dev, mux_listed)
{
	struct wqf_scenario_info info = { .size = sizeof(info), .index = 2 };

	ASSERT_EQ(0, ioctl(self->fd, WQF_IOC_SCENARIO_INFO, &info));
	EXPECT_STREQ("mux", info.name);
	EXPECT_EQ(WQF_SCN_MUX, info.id);
	ASSERT_EQ(4, info.nr_variants);
	EXPECT_STREQ("buggy", info.variants[WQF_MUX_BUGGY]);
	EXPECT_STREQ("raise-limit", info.variants[WQF_MUX_RAISE_LIMIT]);
	EXPECT_STREQ("release-first", info.variants[WQF_MUX_RELEASE_BEFORE_WAIT]);
	EXPECT_STREQ("serialise", info.variants[WQF_MUX_SERIALISE]);
	EXPECT_EQ(0, info.variants[4][0]);
}

/* A stall of 20 s: only an abort can end the buggy run in time. */
TEST_F_TIMEOUT(dev, mux_abort_unwinds, 60)
{
	struct runner r;
	__u64 t0 = now_us();

	r.fd = self->fd;
	r.ret = -1;
	mux_args(&r.run, WQF_MUX_BUGGY, 4, 1, 2);
	r.run.stall_timeout_ms = ST_LONG_STALL_MS;
	ASSERT_EQ(0, pthread_create(&r.thread, NULL, runner_fn, &r));
	usleep(ST_SETTLE_US);
	EXPECT_EQ(0, ioctl(self->fd, WQF_IOC_ABORT));
	ASSERT_EQ(0, pthread_join(r.thread, NULL));
	ASSERT_EQ(0, r.ret);
	EXPECT_EQ(WQF_VERDICT_ABORTED, r.run.verdict);
	EXPECT_EQ(0, WQF_GET(&r.run, unreleased));
	EXPECT_GT(ST_ABORT_BOUND_US, now_us() - t0);
	EXPECT_TRUE(device_works(self->fd));
}

/*
 * Bad knobs: a variant changes one __u32 (at @offset) of a valid buggy run
 * (2 threads, 1 resource, max_mux 1); each is EINVAL before anything runs.
 */
FIXTURE(mux_bad) {
	int fd;
};

FIXTURE_VARIANT(mux_bad) {
	const char *field;	/* a payload field, by name, or */
	size_t offset;		/* a header field */
	__u32 value;
};

FIXTURE_VARIANT_ADD(mux_bad, resources_eq_threads) {
	.field = "resources", .value = 2,
};

FIXTURE_VARIANT_ADD(mux_bad, window_over_half_stall) {
	.field = "window_us",
	.value = MUX_STALL_MS * 500 + 1,
};

FIXTURE_VARIANT_ADD(mux_bad, variant_4) {
	.offset = offsetof(struct wqf_runbuf, variant), .value = 4,
};

FIXTURE_VARIANT_ADD(mux_bad, flags_confirm) {
	.offset = offsetof(struct wqf_runbuf, flags), .value = WQF_RUN_CONFIRM,
};

FIXTURE_VARIANT_ADD(mux_bad, flags_no_lockdep) {
	.offset = offsetof(struct wqf_runbuf, flags), .value = WQF_RUN_NO_LOCKDEP,
};

FIXTURE_SETUP(mux_bad)
{
	dev_open(_metadata, &self->fd);
}

FIXTURE_TEARDOWN(mux_bad)
{
	dev_close(self->fd);
}

TEST_F(mux_bad, einval)
{
	struct wqf_runbuf run;

	mux_args(&run, WQF_MUX_BUGGY, 2, 1, 1);
	if (variant->field)
		wqf_must_set(&run, variant->field, variant->value);
	else
		memcpy((char *)&run + variant->offset, &variant->value,
		       sizeof(variant->value));
	EXPECT_EQ(-1, wqf_runbuf_ioctl(self->fd, &run)) {
		TH_LOG("accepted: verdict %u", run.verdict);
	}
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(WQF_VERDICT_NONE, run.verdict);
	EXPECT_TRUE(device_works(self->fd));
}

/* A payload shorter than the scenario's is refused, not zero-extended. */
TEST_F(dev, mux_short_struct_is_einval)
{
	struct wqf_runbuf run;

	mux_args(&run, WQF_MUX_BUGGY, 2, 1, 1);
	run.payload_size = payload_size(WQF_SCN_MUX) - 4;
	EXPECT_EQ(-1, wqf_runbuf_ioctl(self->fd, &run));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_TRUE(device_works(self->fd));
}

/*
 * abba through the UAPI: the forced interleaving deadlocks on one resource
 * and completes on different ones; the ordered variant always completes;
 * race mode's count is a measurement whose bookkeeping must add up.
 */
#define ABBA_CLIENTS	2
#define ABBA_ITERS	50

FIXTURE(abba) {
	int fd;
};

FIXTURE_VARIANT(abba) {
	__u32 variant;
	__u32 mode;
	__u32 resource;
	__u32 lock;
	__u32 verdict;	/* 0: race mode on one resource, measured */
};

FIXTURE_VARIANT_ADD(abba, buggy_trigger_same) {
	.variant = WQF_ABBA_BUGGY, .mode = WQF_ABBA_TRIGGER,
	.resource = WQF_ABBA_SAME, .lock = WQF_LOCK_MUTEX,
	.verdict = WQF_VERDICT_DEADLOCK,
};

FIXTURE_VARIANT_ADD(abba, buggy_trigger_same_rwsem) {
	.variant = WQF_ABBA_BUGGY, .mode = WQF_ABBA_TRIGGER,
	.resource = WQF_ABBA_SAME, .lock = WQF_LOCK_RWSEM,
	.verdict = WQF_VERDICT_DEADLOCK,
};

FIXTURE_VARIANT_ADD(abba, buggy_trigger_different) {
	.variant = WQF_ABBA_BUGGY, .mode = WQF_ABBA_TRIGGER,
	.resource = WQF_ABBA_DIFFERENT, .lock = WQF_LOCK_MUTEX,
	.verdict = WQF_VERDICT_COMPLETED,
};

FIXTURE_VARIANT_ADD(abba, buggy_race_different) {
	.variant = WQF_ABBA_BUGGY, .mode = WQF_ABBA_RACE,
	.resource = WQF_ABBA_DIFFERENT, .lock = WQF_LOCK_MUTEX,
	.verdict = WQF_VERDICT_COMPLETED,
};

FIXTURE_VARIANT_ADD(abba, buggy_race_same) {
	.variant = WQF_ABBA_BUGGY, .mode = WQF_ABBA_RACE,
	.resource = WQF_ABBA_SAME, .lock = WQF_LOCK_MUTEX,
	.verdict = 0,
};

FIXTURE_VARIANT_ADD(abba, ordered_trigger_same) {
	.variant = WQF_ABBA_ORDERED, .mode = WQF_ABBA_TRIGGER,
	.resource = WQF_ABBA_SAME, .lock = WQF_LOCK_MUTEX,
	.verdict = WQF_VERDICT_COMPLETED,
};

FIXTURE_VARIANT_ADD(abba, ordered_race_same_rwsem) {
	.variant = WQF_ABBA_ORDERED, .mode = WQF_ABBA_RACE,
	.resource = WQF_ABBA_SAME, .lock = WQF_LOCK_RWSEM,
	.verdict = WQF_VERDICT_COMPLETED,
};

FIXTURE_SETUP(abba)
{
	dev_open(_metadata, &self->fd);
}

FIXTURE_TEARDOWN(abba)
{
	dev_close(self->fd);
}

/* Runs that should complete never wait for the stall: a wide margin. */
#define ABBA_FIXED_STALL_MS	2000

static void abba_args(struct wqf_runbuf *run, __u32 variant, __u32 mode,
		      __u32 resource, __u32 lock, __u32 stall_ms)
{
	memset(run, 0, sizeof(*run));
	run->size = sizeof(struct wqf_run);
	run->scenario = WQF_SCN_ABBA;
	run->variant = variant;
	/* Lockdep reports once per boot; its own VM boot checks the report. */
	run->flags = WQF_RUN_NO_LOCKDEP;
	run->stall_timeout_ms = stall_ms;
	WQF_SET(run, mode, mode);
	WQF_SET(run, resource, resource);
	WQF_SET(run, lock, lock);
	WQF_SET(run, clients, ABBA_CLIENTS);
	WQF_SET(run, iterations, mode == WQF_ABBA_TRIGGER && variant == WQF_ABBA_BUGGY &&
		resource == WQF_ABBA_SAME ? 1 : ABBA_ITERS);
}

TEST_F(abba, verdict)
{
	struct wqf_runbuf run;

	abba_args(&run, variant->variant, variant->mode, variant->resource,
		  variant->lock, variant->verdict == WQF_VERDICT_DEADLOCK ?
		  ST_STALL_MS : ABBA_FIXED_STALL_MS);

	ASSERT_EQ(0, wqf_runbuf_ioctl(self->fd, &run));
	TH_LOG("verdict %u: completed=%lld cycles=%lld timed_out=%lld", run.verdict,
	       WQF_GET(&run, completed), WQF_GET(&run, cycles), WQF_GET(&run, timed_out));
	if (variant->verdict == WQF_VERDICT_COMPLETED) {
		EXPECT_EQ(WQF_VERDICT_COMPLETED, run.verdict);
		EXPECT_EQ(ABBA_CLIENTS * ABBA_ITERS, WQF_GET(&run, completed));
		EXPECT_EQ(0, WQF_GET(&run, cycles));
		EXPECT_EQ(0, WQF_GET(&run, timed_out));
		EXPECT_EQ(0, WQF_GET(&run, diag_cycle));
		return;
	}
	if (variant->verdict == WQF_VERDICT_DEADLOCK) {
		ASSERT_EQ(WQF_VERDICT_DEADLOCK, run.verdict);
		EXPECT_EQ(1, WQF_GET(&run, diag_cycle));
		EXPECT_EQ(0, WQF_GET(&run, diag_client));
		EXPECT_EQ(1, WQF_GET(&run, diag_redir));
		EXPECT_NE(0, WQF_GET(&run, diag_client_pid));
		EXPECT_NE(0, WQF_GET(&run, diag_redir_pid));
		EXPECT_NE(WQF_GET(&run, diag_client_pid), WQF_GET(&run, diag_redir_pid));
		EXPECT_EQ(1, WQF_GET(&run, cycles));
		EXPECT_EQ(0, WQF_GET(&run, completed));
		EXPECT_LE(ST_STALL_MS * 1000ULL, run.verdict_us);
		return;
	}
	/* Race mode on one resource: measured, so only the bookkeeping. */
	EXPECT_EQ(ABBA_CLIENTS * ABBA_ITERS, WQF_GET(&run, completed) + WQF_GET(&run, cycles));
	EXPECT_GE(ABBA_ITERS, WQF_GET(&run, cycles));
	EXPECT_EQ(0, WQF_GET(&run, timed_out));
	EXPECT_EQ(WQF_GET(&run, cycles) ? WQF_VERDICT_DEADLOCK : WQF_VERDICT_COMPLETED,
		  run.verdict);
	EXPECT_EQ(!!WQF_GET(&run, cycles), WQF_GET(&run, diag_cycle));
}

/*
 * One __u32 of a valid buggy trigger run changed to a value one knob's
 * bound by another refuses (single-field ranges: fields.*).
 */
static const struct {
	const char *field;
	__u32 value;
} abba_bad[] = {
	/* 2 clients x 75 ms, twice, reaches the 300 ms stall timeout. */
	{ "race_window_us", ST_STALL_MS * 1000 / 4 },
};

/* Once, not per abba variant: the dev fixture. */
TEST_F(dev, abba_bad_knobs_are_einval)
{
	struct wqf_runbuf run;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(abba_bad); i++) {
		abba_args(&run, WQF_ABBA_BUGGY, WQF_ABBA_TRIGGER, WQF_ABBA_SAME,
			  WQF_LOCK_MUTEX, ST_STALL_MS);
		wqf_must_set(&run, abba_bad[i].field, abba_bad[i].value);
		EXPECT_EQ(-1, wqf_runbuf_ioctl(self->fd, &run)) {
			TH_LOG("case %zu accepted: verdict %u", i, run.verdict);
		}
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(WQF_VERDICT_NONE, run.verdict);
	}
	EXPECT_TRUE(device_works(self->fd));
}

/* A cycle held for a 20 s stall timeout ends at once on WQF_IOC_ABORT. */
TEST_F_TIMEOUT(dev, abba_abort_from_other_thread, 60)
{
	struct runner a = { .fd = self->fd, .ret = -1 };

	abba_args(&a.run, WQF_ABBA_BUGGY, WQF_ABBA_TRIGGER, WQF_ABBA_SAME,
		  WQF_LOCK_MUTEX, ST_LONG_STALL_MS);
	ASSERT_EQ(0, pthread_create(&a.thread, NULL, runner_fn, &a));
	usleep(ST_SETTLE_US);
	EXPECT_EQ(0, ioctl(self->fd, WQF_IOC_ABORT, NULL));
	ASSERT_EQ(0, pthread_join(a.thread, NULL));

	ASSERT_EQ(0, a.ret) {
		TH_LOG("run: errno %d", a.err);
	}
	EXPECT_EQ(WQF_VERDICT_ABORTED, a.run.verdict);
	EXPECT_LT(a.run.elapsed_us, ST_ABORT_BOUND_US);
	EXPECT_LT(a.wall_us, ST_ABORT_BOUND_US);
	EXPECT_EQ(0, WQF_GET(&a.run, completed));
	EXPECT_TRUE(device_works(self->fd));
}

TEST_F(dev, abba_listed)
{
	struct wqf_scenario_info info;
	__u32 i;

	for (i = 0;; i++) {
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		info.index = i;
		ASSERT_EQ(0, ioctl(self->fd, WQF_IOC_SCENARIO_INFO, &info));
		if (info.id == WQF_SCN_ABBA)
			break;
	}
	EXPECT_STREQ("abba", info.name);
	ASSERT_EQ(2, info.nr_variants);
	EXPECT_STREQ("buggy", info.variants[WQF_ABBA_BUGGY]);
	EXPECT_STREQ("ordered", info.variants[WQF_ABBA_ORDERED]);
}

/*
 * Hang mode: a buggy run stays stuck after its verdict until released.
 * WQF_IOC_RELEASE from another thread ends the hold long before hang_ms.
 */
#define HANG_MS		60000
/* The buggy abba runs: a short stall timeout. */
#define HANG_STALL_MS	300
/* Past the stall timeout (300 ms) and the run's start, under TCG too. */
#define HANG_SETTLE_US	1500000
#define HANG_BOUND_US	20000000ULL

/* Run @a in hang mode, release it from here, and check how it ended. */
static void hang_release(struct __test_metadata *_metadata, int fd,
			 struct runner *a, __u32 verdict)
{
	int n = 0, i;

	a->fd = fd;
	a->ret = -1;
	a->run.flags |= WQF_RUN_HANG;
	a->run.hang.hang_ms = HANG_MS;
	ASSERT_EQ(0, pthread_create(&a->thread, NULL, runner_fn, a));
	usleep(HANG_SETTLE_US);
	/* Released runs stay released: one that is not in its hold yet ends it at once. */
	for (i = 0; i < 50 && n < 1; i++) {
		n = ioctl(fd, WQF_IOC_RELEASE, NULL);
		if (n < 1)
			usleep(100000);
	}
	EXPECT_LE(1, n);
	ASSERT_EQ(0, pthread_join(a->thread, NULL));
	ASSERT_EQ(0, a->ret) {
		TH_LOG("run: errno %d", a->err);
	}
	EXPECT_EQ(verdict, a->run.verdict);
	EXPECT_EQ(WQF_HANG_RELEASED, a->run.hang.end);
	EXPECT_GT(HANG_MS, a->run.hang.held_ms);
	EXPECT_GT(HANG_BOUND_US, a->wall_us);
	EXPECT_TRUE(device_works(fd));
}

TEST_F_TIMEOUT(dev, mux_hang_released, 60)
{
	struct runner a;

	mux_args(&a.run, WQF_MUX_BUGGY, 4, 2, 2);
	hang_release(_metadata, self->fd, &a, WQF_VERDICT_DEADLOCK);
	EXPECT_EQ(1, WQF_GET(&a.run, diag_cycle));
	EXPECT_EQ(0, WQF_GET(&a.run, unreleased));
}

TEST_F_TIMEOUT(dev, abba_hang_released, 60)
{
	struct runner a;

	abba_args(&a.run, WQF_ABBA_BUGGY, WQF_ABBA_TRIGGER, WQF_ABBA_SAME,
		  WQF_LOCK_MUTEX, HANG_STALL_MS);
	hang_release(_metadata, self->fd, &a, WQF_VERDICT_DEADLOCK);
	EXPECT_EQ(1, WQF_GET(&a.run, diag_cycle));
	EXPECT_EQ(0, WQF_GET(&a.run, completed));
}

TEST_F_TIMEOUT(dev, leak_hang_released, 60)
{
	struct runner a;

	leak_args(&a.run, WQF_LEAK_BUGGY);
	WQF_SET(&a.run, fault_close, 1);
	hang_release(_metadata, self->fd, &a, WQF_VERDICT_LEAKED);
	EXPECT_EQ(LK_SENDERS, WQF_GET(&a.run, leaked));
	EXPECT_EQ(LK_SENDERS, WQF_GET(&a.run, retries_busy));
}

/* The fixed variants in hang mode complete and hold nothing. */
TEST_F(dev, hang_fixed_variants_hold_nothing)
{
	struct wqf_runbuf run;
	int i;

	for (i = 0; i < 3; i++) {
		if (i == 0)
			mux_args(&run, WQF_MUX_RELEASE_BEFORE_WAIT, 4, 2, 1);
		else if (i == 1)
			abba_args(&run, WQF_ABBA_ORDERED, WQF_ABBA_TRIGGER,
				  WQF_ABBA_SAME, WQF_LOCK_MUTEX, ABBA_FIXED_STALL_MS);
		else
			leak_args(&run, WQF_LEAK_FIXED);
		if (i == 2)
			WQF_SET(&run, fault_close, 1);
		run.flags |= WQF_RUN_HANG;
		run.hang.hang_ms = HANG_MS;
		ASSERT_EQ(0, wqf_runbuf_ioctl(self->fd, &run));
		EXPECT_EQ(WQF_VERDICT_COMPLETED, run.verdict);
		EXPECT_EQ(WQF_HANG_NOT_HELD, run.hang.end);
		EXPECT_EQ(0, run.hang.held_ms);
		EXPECT_GT(HANG_MS * 1000ULL / 4, run.elapsed_us);
	}
}

/* hang_ms outside 1,000..600,000, or without hang mode, is EINVAL. */
TEST_F(dev, hang_ms_out_of_range_is_einval)
{
	static const __u32 bad[] = { 999, 600001, 0xffffffff };
	struct wqf_runbuf run;
	unsigned int i, s;

	for (s = 0; s < 3; s++) {
		for (i = 0; i < ARRAY_SIZE(bad) + 1; i++) {
			if (s == 0)
				mux_args(&run, WQF_MUX_BUGGY, 4, 2, 2);
			else if (s == 1)
				abba_args(&run, WQF_ABBA_BUGGY, WQF_ABBA_TRIGGER,
					  WQF_ABBA_SAME, WQF_LOCK_MUTEX, HANG_STALL_MS);
			else
				leak_args(&run, WQF_LEAK_BUGGY);
			if (i < ARRAY_SIZE(bad)) {
				run.flags |= WQF_RUN_HANG;
				run.hang.hang_ms = bad[i];
			} else {
				run.hang.hang_ms = 1000;	/* no WQF_RUN_HANG */
			}
			EXPECT_EQ(-1, wqf_runbuf_ioctl(self->fd, &run));
			EXPECT_EQ(EINVAL, errno);
			EXPECT_EQ(0, run.run_id);
		}
	}
}

/*
 * Abort semantics, for every scenario and variant at its largest sizes: an
 * abort (WQF_IOC_ABORT, close() of the last descriptor, a signal to the
 * caller) before the verdict gives ABORTED, whatever the parties did while
 * they unwound, and the call returns without waiting out the stall. A run
 * that ended before the abort was sent keeps its own verdict. Each case is
 * aborted three times, once each way, at a different moment.
 */
#define AB_STALL_MS	60000
/* Far below the stall: only the abort can have ended the run this soon. */
#define AB_RETURN_BOUND_US	15000000ULL

enum { AB_IOCTL, AB_CLOSE, AB_SIGNAL, AB_HOW_NR };

static void ab_starve(struct wqf_runbuf *run, __u32 variant)
{
	starve_args(run, variant, AB_STALL_MS);
	WQF_SET(run, max_active, variant == WQF_STARVE_THROTTLE ? 16 : 512);
	WQF_SET(run, requests, 100000);
}

static void ab_starve_buggy(struct wqf_runbuf *r) { ab_starve(r, WQF_STARVE_BUGGY); }
static void ab_starve_throttle(struct wqf_runbuf *r) { ab_starve(r, WQF_STARVE_THROTTLE); }
static void ab_starve_separate(struct wqf_runbuf *r) { ab_starve(r, WQF_STARVE_SEPARATE_QUEUE); }

static void ab_starve_separate_small(struct wqf_runbuf *r)
{
	ab_starve(r, WQF_STARVE_SEPARATE_QUEUE);
	WQF_SET(r, requests, 5000);
}

static void ab_lockcb(struct wqf_runbuf *run, __u32 variant, __u32 path,
		      __u32 sessions, __u32 closers)
{
	lockcb_args(run, variant, WQF_LOCK_MUTEX, path);
	run->stall_timeout_ms = AB_STALL_MS;
	WQF_SET(run, sessions, sessions);
	WQF_SET(run, closers, closers);
	WQF_SET(run, bystanders, 100);
}

static void ab_lockcb_buggy(struct wqf_runbuf *r)
{
	ab_lockcb(r, WQF_LOCKCB_BUGGY, WQF_LOCKCB_DIRECT, 100000, 50000);
}

static void ab_lockcb_buggy_small(struct wqf_runbuf *r)
{
	ab_lockcb(r, WQF_LOCKCB_BUGGY, WQF_LOCKCB_FLUSH, 75, 52);
}

static void ab_lockcb_fixed(struct wqf_runbuf *r)
{
	ab_lockcb(r, WQF_LOCKCB_FIXED, WQF_LOCKCB_FLUSH, 100000, 50000);
}

static void ab_mux(struct wqf_runbuf *run, __u32 variant)
{
	mux_args(run, variant, 256, 1, variant == WQF_MUX_RAISE_LIMIT ? 256 : 1);
	run->stall_timeout_ms = AB_STALL_MS;
	WQF_SET(run, window_us, 1000000);
}

static void ab_mux_buggy(struct wqf_runbuf *r) { ab_mux(r, WQF_MUX_BUGGY); }
static void ab_mux_raise(struct wqf_runbuf *r) { ab_mux(r, WQF_MUX_RAISE_LIMIT); }
static void ab_mux_release(struct wqf_runbuf *r) { ab_mux(r, WQF_MUX_RELEASE_BEFORE_WAIT); }
static void ab_mux_serialise(struct wqf_runbuf *r) { ab_mux(r, WQF_MUX_SERIALISE); }

static void ab_abba(struct wqf_runbuf *run, __u32 variant, __u32 mode)
{
	abba_args(run, variant, mode, WQF_ABBA_SAME, WQF_LOCK_MUTEX, AB_STALL_MS);
	WQF_SET(run, clients, 64);
	if (mode == WQF_ABBA_RACE) {
		WQF_SET(run, iterations, 100000);
		WQF_SET(run, race_window_us, 20);
	}
}

static void ab_abba_buggy(struct wqf_runbuf *r) { ab_abba(r, WQF_ABBA_BUGGY, WQF_ABBA_TRIGGER); }
static void ab_abba_buggy_race(struct wqf_runbuf *r) { ab_abba(r, WQF_ABBA_BUGGY, WQF_ABBA_RACE); }
static void ab_abba_ordered(struct wqf_runbuf *r) { ab_abba(r, WQF_ABBA_ORDERED, WQF_ABBA_RACE); }

static void ab_leak(struct wqf_runbuf *run, __u32 variant)
{
	leak_args(run, variant);
	run->stall_timeout_ms = AB_STALL_MS;
	WQF_SET(run, senders, 64);
	WQF_SET(run, buffers, 1000);
	WQF_SET(run, fault_write_at, 500);
	WQF_SET(run, fault_close, 1);
	/* The retries wait a minute: only an abort ends the run sooner. */
	WQF_SET(run, retry_delay_ms, 60000);
}

static void ab_leak_buggy(struct wqf_runbuf *r) { ab_leak(r, WQF_LEAK_BUGGY); }
static void ab_leak_fixed(struct wqf_runbuf *r) { ab_leak(r, WQF_LEAK_FIXED); }

FIXTURE(abort_run) {
	int unused;
};

FIXTURE_VARIANT(abort_run) {
	void (*args)(struct wqf_runbuf *run);
	__u32 delay_ms[AB_HOW_NR];	/* from the start to the abort, per way */
};

FIXTURE_VARIANT_ADD(abort_run, starve_buggy) {
	.args = ab_starve_buggy, .delay_ms = { 20, 300, 1000 } };
FIXTURE_VARIANT_ADD(abort_run, starve_throttle) {
	.args = ab_starve_throttle, .delay_ms = { 20, 300, 1000 } };
FIXTURE_VARIANT_ADD(abort_run, starve_separate_queue) {
	.args = ab_starve_separate, .delay_ms = { 20, 300, 1000 } };
FIXTURE_VARIANT_ADD(abort_run, starve_separate_queue_5000) {
	.args = ab_starve_separate_small, .delay_ms = { 20, 100, 220 } };
FIXTURE_VARIANT_ADD(abort_run, lockcb_buggy) {
	.args = ab_lockcb_buggy, .delay_ms = { 20, 300, 1000 } };
FIXTURE_VARIANT_ADD(abort_run, lockcb_buggy_75) {
	.args = ab_lockcb_buggy_small, .delay_ms = { 20, 60, 150 } };
FIXTURE_VARIANT_ADD(abort_run, lockcb_fixed) {
	.args = ab_lockcb_fixed, .delay_ms = { 20, 300, 1000 } };
FIXTURE_VARIANT_ADD(abort_run, mux_buggy) {
	.args = ab_mux_buggy, .delay_ms = { 20, 300, 1000 } };
FIXTURE_VARIANT_ADD(abort_run, mux_raise_limit) {
	.args = ab_mux_raise, .delay_ms = { 20, 300, 600 } };
FIXTURE_VARIANT_ADD(abort_run, mux_release_first) {
	.args = ab_mux_release, .delay_ms = { 20, 300, 600 } };
FIXTURE_VARIANT_ADD(abort_run, mux_serialise) {
	.args = ab_mux_serialise, .delay_ms = { 20, 300, 600 } };
FIXTURE_VARIANT_ADD(abort_run, abba_buggy_trigger) {
	.args = ab_abba_buggy, .delay_ms = { 20, 300, 1000 } };
FIXTURE_VARIANT_ADD(abort_run, abba_buggy_race) {
	.args = ab_abba_buggy_race, .delay_ms = { 20, 300, 1000 } };
FIXTURE_VARIANT_ADD(abort_run, abba_ordered_race) {
	.args = ab_abba_ordered, .delay_ms = { 20, 300, 1000 } };
FIXTURE_VARIANT_ADD(abort_run, leak_buggy) {
	.args = ab_leak_buggy, .delay_ms = { 20, 300, 1000 } };
FIXTURE_VARIANT_ADD(abort_run, leak_fixed) {
	.args = ab_leak_fixed, .delay_ms = { 20, 300, 1000 } };

FIXTURE_SETUP(abort_run)
{
	int fd = open(WQF_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		SKIP(return, WQF_DEV " absent: wqfault module not loaded");
	ASSERT_LE(0, fd);
	close(fd);
}

FIXTURE_TEARDOWN(abort_run)
{
}

TEST_F_TIMEOUT(abort_run, verdict_and_return, 300)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	int how;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	for (how = 0; how < AB_HOW_NR; how++) {
		struct runner a = { .ret = -1 };
		int ab_ret;
		__u64 before, sent;
		int fd = open(WQF_DEV, O_RDWR | O_CLOEXEC);

		ASSERT_LE(0, fd);
		a.fd = fd;
		variant->args(&a.run);
		ASSERT_EQ(0, pthread_create(&a.thread, NULL, runner_fn, &a));
		/* The delay counts from the call, not from the thread's creation. */
		while (!__atomic_load_n(&a.started, __ATOMIC_ACQUIRE))
			usleep(100);
		usleep(variant->delay_ms[how] * 1000);
		before = now_us();
		if (how == AB_IOCTL)
			ab_ret = ioctl(fd, WQF_IOC_ABORT, NULL);
		else if (how == AB_CLOSE)
			ab_ret = close(fd);	/* the last descriptor */
		else
			ab_ret = pthread_kill(a.thread, SIGUSR1);
		EXPECT_EQ(0, ab_ret);
		/* Ended between before and sent: either verdict. */
		sent = now_us();
		ASSERT_EQ(0, pthread_join(a.thread, NULL));
		if (how != AB_CLOSE)
			close(fd);

		ASSERT_EQ(0, a.ret) {
			TH_LOG("abort %d: run errno %d", how, a.err);
		}
		if (a.end_us <= before) {
			/* Over before the abort: its own verdict, never ABORTED. */
			TH_LOG("abort %d: the run ended before the abort (%llu us)",
			       how, (unsigned long long)a.wall_us);
			EXPECT_NE(WQF_VERDICT_ABORTED, a.run.verdict);
			continue;
		}
		if (a.end_us <= sent)
			continue;
		EXPECT_EQ(WQF_VERDICT_ABORTED, a.run.verdict) {
			TH_LOG("abort %d at %u ms: verdict %u after %llu us", how,
			       variant->delay_ms[how], a.run.verdict,
			       (unsigned long long)a.wall_us);
		}
		EXPECT_LT(a.end_us - sent, AB_RETURN_BOUND_US);
		EXPECT_LT(a.run.elapsed_us, AB_STALL_MS * 1000ULL);
	}
}

/*
 * mux with 256 threads and a 10 ms stall: the writers are slow to start,
 * which is set-up, not a stall. The run goes on to a verdict of its own;
 * nothing aborted it, so never ABORTED. (With 255 threads taking turns on
 * one resource, a 10 ms stall calls even a fix's slow queue a stall.)
 */
TEST_F_TIMEOUT(dev, mux_slow_start_is_not_aborted, 120)
{
	static const __u32 variants[] = {
		WQF_MUX_BUGGY, WQF_MUX_RAISE_LIMIT, WQF_MUX_RELEASE_BEFORE_WAIT,
		WQF_MUX_SERIALISE,
	};
	unsigned int i, n;

	for (n = 0; n < 2; n++) {
		for (i = 0; i < ARRAY_SIZE(variants); i++) {
			struct wqf_runbuf run;

			/* 128 writers must hold their resources first. */
			mux_args(&run, variants[i], 256, 128, 1);
			run.stall_timeout_ms = 10;
			WQF_SET(&run, window_us, 5000);
			ASSERT_EQ(0, wqf_runbuf_ioctl(self->fd, &run));
			EXPECT_TRUE(run.verdict == WQF_VERDICT_DEADLOCK ||
				    run.verdict == WQF_VERDICT_COMPLETED) {
				TH_LOG("variant %u: verdict %u", variants[i], run.verdict);
			}
		}
	}
}

/*
 * lockcb aborted mid-run, over and over: its parties end quickly once
 * aborted, and a driver that then found none left took the run for
 * complete and, missing completions, LEAKED. Always ABORTED.
 */
TEST_F_TIMEOUT(dev, lockcb_abort_is_never_leaked, 120)
{
	unsigned int i;

	for (i = 0; i < 20; i++) {
		struct runner a = { .ret = -1, .fd = self->fd };

		lockcb_args(&a.run, WQF_LOCKCB_BUGGY, WQF_LOCK_MUTEX, WQF_LOCKCB_FLUSH);
		a.run.stall_timeout_ms = ST_LONG_STALL_MS;
		WQF_SET(&a.run, sessions, 75);
		WQF_SET(&a.run, closers, 52);
		ASSERT_EQ(0, pthread_create(&a.thread, NULL, runner_fn, &a));
		while (!__atomic_load_n(&a.started, __ATOMIC_ACQUIRE))
			usleep(100);
		usleep(20000 + 7000 * i);
		EXPECT_EQ(0, ioctl(self->fd, WQF_IOC_ABORT, NULL));
		ASSERT_EQ(0, pthread_join(a.thread, NULL));
		ASSERT_EQ(0, a.ret);
		EXPECT_EQ(WQF_VERDICT_ABORTED, a.run.verdict) {
			TH_LOG("abort %u: verdict %u, completed %lld, lost %lld", i,
			       a.run.verdict, WQF_GET(&a.run, completed), WQF_GET(&a.run, lost));
		}
	}
}

/*
 * rmmod while a descriptor is open (and a run in progress) is refused:
 * delete_module() fails with EAGAIN ("in use"), and the run goes on.
 */
TEST_F_TIMEOUT(dev, rmmod_during_run_is_eagain, 60)
{
	struct runner a;
	int fd = self->fd;

	ASSERT_EQ(0, runner_start(&a, fd, WQF_STARVE_BUGGY, ST_LONG_STALL_MS));
	usleep(ST_SETTLE_US);
	EXPECT_EQ(-1, syscall(SYS_delete_module, "wqfault", O_NONBLOCK));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, ioctl(fd, WQF_IOC_ABORT, NULL));
	ASSERT_EQ(0, pthread_join(a.thread, NULL));
	EXPECT_EQ(0, a.ret);
	EXPECT_EQ(WQF_VERDICT_ABORTED, a.run.verdict);
	EXPECT_TRUE(device_works(fd));
}

/*
 * Allocation failure walk, as tools/testing/selftests/iommu's fail_nth
 * does: with failslab and fail_page_alloc armed for sleeping allocations
 * (probability 0: only fail-nth fails anything), fail the Nth allocation
 * site of a run's task for N = 1, 2, ... until a run that had no Nth site.
 * Every failure must end with ENOMEM or a verdict; afterwards the device
 * works and the same run gives its verdict. The sanitizer boot's kmemleak
 * scan after rmmod finds what a failure path leaked. Skips without
 * CONFIG_FAILSLAB (the debug kernel; the sanitizer kernel has it).
 */
#define AW_MAX_SITES	3000

FIXTURE(alloc_walk) {
	int fd;
	int nfd;
};

FIXTURE_VARIANT(alloc_walk) {
	__u32 scenario;
	__u32 variant;
	__u32 verdict;
};

FIXTURE_VARIANT_ADD(alloc_walk, starve_buggy) {
	.scenario = WQF_SCN_STARVE, .variant = WQF_STARVE_BUGGY,
	.verdict = WQF_VERDICT_DEADLOCK };
FIXTURE_VARIANT_ADD(alloc_walk, starve_separate_queue) {
	.scenario = WQF_SCN_STARVE, .variant = WQF_STARVE_SEPARATE_QUEUE,
	.verdict = WQF_VERDICT_COMPLETED };
FIXTURE_VARIANT_ADD(alloc_walk, lockcb_fixed) {
	.scenario = WQF_SCN_LOCKCB, .variant = WQF_LOCKCB_FIXED,
	.verdict = WQF_VERDICT_COMPLETED };
FIXTURE_VARIANT_ADD(alloc_walk, mux_buggy) {
	.scenario = WQF_SCN_MUX, .variant = WQF_MUX_BUGGY,
	.verdict = WQF_VERDICT_DEADLOCK };
FIXTURE_VARIANT_ADD(alloc_walk, abba_buggy) {
	.scenario = WQF_SCN_ABBA, .variant = WQF_ABBA_BUGGY,
	.verdict = WQF_VERDICT_DEADLOCK };
FIXTURE_VARIANT_ADD(alloc_walk, leak_buggy) {
	.scenario = WQF_SCN_LEAK, .variant = WQF_LEAK_BUGGY,
	.verdict = WQF_VERDICT_LEAKED };

FIXTURE_SETUP(alloc_walk)
{
	self->nfd = -1;
	self->fd = open(WQF_DEV, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, WQF_DEV " absent: wqfault module not loaded");
	ASSERT_LE(0, self->fd);
	if (access("/sys/kernel/debug/failslab", F_OK))
		SKIP(return, "no CONFIG_FAILSLAB: the sanitizer kernel has it");
	self->nfd = fail_nth_open();
	ASSERT_LE(0, self->nfd);
	/* Sleeping and order-0 allocations too; no log line per failure. */
	ASSERT_EQ(0, aw_write("/sys/kernel/debug/failslab/verbose", "0"));
	if (!access("/sys/kernel/debug/fail_page_alloc", F_OK))
		ASSERT_EQ(0, aw_write("/sys/kernel/debug/fail_page_alloc/verbose", "0"));
	fail_nth_allocs(true);
}

FIXTURE_TEARDOWN(alloc_walk)
{
	if (self->nfd >= 0) {
		fail_nth_set(self->nfd, 0);
		close(self->nfd);
		fail_nth_allocs(false);
	}
	if (self->fd >= 0)
		close(self->fd);
}

static void alloc_walk_args(struct wqf_runbuf *run, __u32 scenario, __u32 variant)
{
	switch (scenario) {
	case WQF_SCN_STARVE:
		starve_args(run, variant, 100);
		break;
	case WQF_SCN_LOCKCB:
		lockcb_args(run, variant, WQF_LOCK_MUTEX, WQF_LOCKCB_FLUSH);
		run->stall_timeout_ms = 100;
		break;
	case WQF_SCN_MUX:
		mux_args(run, variant, 2, 1, 1);
		run->stall_timeout_ms = 200;
		WQF_SET(run, window_us, 50000);
		break;
	case WQF_SCN_ABBA:
		abba_args(run, variant, WQF_ABBA_TRIGGER, WQF_ABBA_SAME,
			  WQF_LOCK_MUTEX, 100);
		break;
	default:
		leak_args(run, variant);
		WQF_SET(run, fault_write_at, 2);
		WQF_SET(run, fault_close, 1);
		break;
	}
}

TEST_F_TIMEOUT(alloc_walk, every_site_fails_cleanly, 900)
{
	unsigned int nth, sites = 0, nomem = 0, verdicts = 0;
	struct wqf_runbuf run;

	for (nth = 1; nth <= AW_MAX_SITES; nth++) {
		long left;
		int ret, err;

		alloc_walk_args(&run, variant->scenario, variant->variant);
		ASSERT_EQ(0, fail_nth_set(self->nfd, nth));
		ret = wqf_runbuf_ioctl(self->fd, &run);
		err = errno;
		left = fail_nth_get(self->nfd);
		ASSERT_EQ(0, fail_nth_set(self->nfd, 0));
		if (left > 0)
			break;	/* the run had no Nth site: every one was walked */
		sites++;
		if (ret) {
			EXPECT_EQ(ENOMEM, err) {
				TH_LOG("site %u: errno %d (%s)", nth, err, strerror(err));
			}
			nomem++;
			continue;
		}
		EXPECT_TRUE(run.verdict >= WQF_VERDICT_COMPLETED &&
			    run.verdict <= WQF_VERDICT_ABORTED) {
			TH_LOG("site %u: verdict %u", nth, run.verdict);
		}
		verdicts++;
	}
	TH_LOG("%u allocation sites walked: %u ENOMEM, %u with a verdict",
	       sites, nomem, verdicts);
	EXPECT_LT(nth, AW_MAX_SITES);
	EXPECT_LT(0, sites);
	/* Nothing is left broken: the same run gives its verdict. */
	alloc_walk_args(&run, variant->scenario, variant->variant);
	ASSERT_EQ(0, wqf_runbuf_ioctl(self->fd, &run));
	EXPECT_EQ(variant->verdict, run.verdict);
}

/*
 * Bad input derived from the field tables (WQF_IOC_FIELD_INFO): every
 * field of every scenario, so a new field or scenario is tested with no
 * new test code. Every run here is a dry run (WQF_RUN_DRY_RUN): the kernel
 * checks the knobs and returns without running.
 */
#define FT_MAX_FIELDS	64
#define FT_MAX_SCN	16

struct ft_scn {
	struct wqf_scenario_info info;
	struct wqf_field_info f[FT_MAX_FIELDS];
	size_t payload;		/* offset of its payload in struct wqf_runbuf */
};

struct ft_tables {
	struct wqf_field_info common[FT_MAX_FIELDS];
	unsigned int nr_common;
	struct ft_scn scn[FT_MAX_SCN];
	unsigned int nr;
};

/* Where the scenario's payload is in struct wqf_runbuf. */
static void ft_where(struct ft_scn *sc)
{
	sc->payload = offsetof(struct wqf_runbuf, data);
}

static int ft_field(int fd, __u32 scn, __u32 index, struct wqf_field_info *f)
{
	memset(f, 0, sizeof(*f));
	f->size = sizeof(*f);
	f->scenario = scn;
	f->index = index;
	return ioctl(fd, WQF_IOC_FIELD_INFO, f);
}

/* Every scenario and field the module publishes; 0, or an errno. */
static int ft_load(int fd, struct ft_tables *t)
{
	unsigned int i, j;

	memset(t, 0, sizeof(*t));
	for (j = 0; j < FT_MAX_FIELDS && !ft_field(fd, 0, j, &t->common[j]); j++)
		;
	t->nr_common = j;
	for (i = 0; i < FT_MAX_SCN; i++) {
		struct ft_scn *sc = &t->scn[i];

		sc->info.size = sizeof(sc->info);
		sc->info.index = i;
		if (ioctl(fd, WQF_IOC_SCENARIO_INFO, &sc->info))
			break;
		if (sc->info.nr_fields > FT_MAX_FIELDS)
			return E2BIG;
		for (j = 0; j < sc->info.nr_fields; j++)
			if (ft_field(fd, sc->info.id, j, &sc->f[j]))
				return errno;
		ft_where(sc);
	}
	t->nr = i;
	return 0;
}

static void ft_set(void *base, const struct wqf_field_info *f, __s64 v)
{
	char *at = (char *)base + f->offset;

	if (f->width == 8) {
		__u64 u = v;

		memcpy(at, &u, 8);
	} else {
		__u32 u = v;

		memcpy(at, &u, 4);
	}
}

static bool ft_number(const struct wqf_field_info *f)
{
	return f->type == WQF_FIELD_U32 || f->type == WQF_FIELD_S32 ||
	       f->type == WQF_FIELD_U64;
}

/* A dry run of @sc with every knob at its published default. */
static void ft_base(const struct ft_tables *t, const struct ft_scn *sc,
		    struct wqf_runbuf *run)
{
	unsigned int j;

	memset(run, 0, sizeof(*run));
	run->size = sizeof(struct wqf_run);
	run->scenario = sc->info.id;
	for (j = 0; j < t->nr_common; j++)
		if (t->common[j].flags & WQF_FIELD_IN)
			ft_set(run, &t->common[j], t->common[j].def);
	for (j = 0; j < sc->info.nr_fields; j++)
		if (sc->f[j].flags & WQF_FIELD_IN)
			ft_set((char *)run + sc->payload, &sc->f[j], sc->f[j].def);
	run->flags |= WQF_RUN_DRY_RUN;
	run->payload_size = sc->info.payload_size;
}

/* Dry-run @run: 0 if taken, else the errno. */
static int ft_try(int fd, struct wqf_runbuf *run)
{
	return wqf_runbuf_ioctl(fd, run) ? errno : 0;
}

FIXTURE(fields) {
	int fd;
	struct ft_tables *t;
};

FIXTURE_SETUP(fields)
{
	self->t = NULL;
	self->fd = open(WQF_DEV, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, WQF_DEV " absent: wqfault module not loaded");
	ASSERT_LE(0, self->fd);
	self->t = malloc(sizeof(*self->t));
	ASSERT_NE(NULL, self->t);
	ASSERT_EQ(0, ft_load(self->fd, self->t));
	ASSERT_LT(0, self->t->nr);
	ASSERT_LT(0, self->t->nr_common);
}

FIXTURE_TEARDOWN(fields)
{
	free(self->t);
	if (self->fd >= 0)
		close(self->fd);
}

/* The tables agree with themselves and fit the payload they describe. */
TEST_F(fields, tables_are_consistent)
{
	unsigned int i, j, k, n = 0;

	for (i = 0; i < self->t->nr; i++) {
		const struct ft_scn *sc = &self->t->scn[i];

		ASSERT_LT(0, sc->info.nr_fields);
		EXPECT_GE(sizeof(struct wqf_runbuf), sc->payload + sc->info.payload_size);
		for (j = 0; j < sc->info.nr_fields; j++, n++) {
			const struct wqf_field_info *f = &sc->f[j];

			EXPECT_GE(sc->info.payload_size, f->offset + f->width * f->count)
				TH_LOG("%s.%s", sc->info.name, f->name);
			EXPECT_EQ(strspn(f->name, "abcdefghijklmnopqrstuvwxyz0123456789_"),
				  strlen(f->name));
			EXPECT_NE(0, f->help[0]);
			if ((f->flags & WQF_FIELD_IN) && ft_number(f) &&
			    !(f->def == 0 && (f->flags & WQF_FIELD_AUTO))) {
				EXPECT_LE(f->min, f->def) TH_LOG("%s.%s", sc->info.name, f->name);
				EXPECT_GE(f->max, f->def) TH_LOG("%s.%s", sc->info.name, f->name);
			}
			/* One name and bytes of its own each. */
			for (k = 0; k < j; k++) {
				const struct wqf_field_info *g = &sc->f[k];

				EXPECT_NE(0, strcmp(f->name, g->name));
				EXPECT_TRUE(f->offset >= g->offset + g->width * g->count ||
					    g->offset >= f->offset + f->width * f->count)
					TH_LOG("%s: %s overlaps %s", sc->info.name, f->name,
					       g->name);
			}
		}
	}
	TH_LOG("%u fields of %u scenarios", n, self->t->nr);
}

TEST_F(fields, info_errors)
{
	struct wqf_field_info f;

	EXPECT_EQ(-1, ft_field(self->fd, self->t->scn[0].info.id,
			       self->t->scn[0].info.nr_fields, &f));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, ft_field(self->fd, 99, 0, &f));
	EXPECT_EQ(EINVAL, errno);
	memset(&f, 0, sizeof(f));
	f.size = offsetof(struct wqf_field_info, help);
	EXPECT_EQ(-1, ioctl(self->fd, WQF_IOC_FIELD_INFO, &f));
	EXPECT_EQ(EINVAL, errno);
}

/* Every knob at its default makes a valid run: what the CLI sends. */
TEST_F(fields, defaults_are_valid)
{
	struct wqf_runbuf run;
	unsigned int i;

	for (i = 0; i < self->t->nr; i++) {
		ft_base(self->t, &self->t->scn[i], &run);
		EXPECT_EQ(0, ft_try(self->fd, &run)) TH_LOG("%s", self->t->scn[i].info.name);
		EXPECT_EQ(WQF_VERDICT_NONE, run.verdict);
		EXPECT_EQ(0, run.run_id);
	}
}

/*
 * Number knobs: one below min and one above max are EINVAL; min and max
 * are taken unless other knobs narrow the range (WQF_FIELD_BOUNDED).
 */
static void ft_ranges(struct __test_metadata *_metadata, int fd,
		      const struct ft_tables *t, const struct ft_scn *sc,
		      const struct wqf_field_info *f, size_t at, unsigned int *n)
{
	__s64 tmin = f->type == WQF_FIELD_S32 ? INT32_MIN : 0;
	__s64 tmax = f->type == WQF_FIELD_S32 ? INT32_MAX :
		     f->type == WQF_FIELD_U32 ? (__s64)UINT32_MAX : INT64_MAX;
	struct wqf_runbuf run;

	if (!(f->flags & WQF_FIELD_IN) || !ft_number(f))
		return;
	if (f->min > tmin && !(f->min - 1 == 0 &&
			       (f->flags & (WQF_FIELD_AUTO | WQF_FIELD_ZERO_DEFAULT)))) {
		ft_base(t, sc, &run);
		ft_set((char *)&run + at, f, f->min - 1);
		EXPECT_EQ(EINVAL, ft_try(fd, &run)) TH_LOG("%s.%s = min - 1",
							   sc->info.name, f->name);
		(*n)++;
	}
	if (f->max < tmax) {
		ft_base(t, sc, &run);
		ft_set((char *)&run + at, f, f->max + 1);
		EXPECT_EQ(EINVAL, ft_try(fd, &run)) TH_LOG("%s.%s = max + 1",
							   sc->info.name, f->name);
		(*n)++;
	}
	if (f->flags & WQF_FIELD_BOUNDED)
		return;
	ft_base(t, sc, &run);
	ft_set((char *)&run + at, f, f->min);
	EXPECT_EQ(0, ft_try(fd, &run)) TH_LOG("%s.%s = min", sc->info.name, f->name);
	ft_base(t, sc, &run);
	ft_set((char *)&run + at, f, f->max);
	EXPECT_EQ(0, ft_try(fd, &run)) TH_LOG("%s.%s = max", sc->info.name, f->name);
	*n += 2;
}

/*
 * Enum knobs: every named value is taken, holes and the first value past
 * the names are EINVAL. Flag knobs: a named bit is taken (the run's own
 * flags: if the scenario honours it), an unnamed one is EINVAL.
 */
static void ft_names(struct __test_metadata *_metadata, int fd,
		     const struct ft_tables *t, const struct ft_scn *sc,
		     const struct wqf_field_info *f, size_t at, bool common,
		     unsigned int *n)
{
	struct wqf_runbuf run;
	unsigned int v;

	if (!(f->flags & WQF_FIELD_IN))
		return;
	if (f->type == WQF_FIELD_ENUM) {
		for (v = 0; v <= f->nr_names; v++, (*n)++) {
			bool ok = v < f->nr_names && f->names[v][0];

			ft_base(t, sc, &run);
			ft_set((char *)&run + at, f, v);
			EXPECT_EQ(ok ? 0 : EINVAL, ft_try(fd, &run))
				TH_LOG("%s.%s = %u", sc->info.name, f->name, v);
		}
	}
	if (f->type == WQF_FIELD_FLAGS) {
		for (v = 0; v < 32; v++, (*n)++) {
			bool ok = v < f->nr_names && f->names[v][0];

			if (common)
				ok = ok && ((sc->info.flags | WQF_RUN_DRY_RUN) & (1U << v));
			ft_base(t, sc, &run);
			ft_set((char *)&run + at, f, (1U << v) | (common ? WQF_RUN_DRY_RUN : 0));
			EXPECT_EQ(ok ? 0 : EINVAL, ft_try(fd, &run))
				TH_LOG("%s.%s bit %u", sc->info.name, f->name, v);
		}
	}
}

TEST_F(fields, ranges)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < self->t->nr; i++) {
		const struct ft_scn *sc = &self->t->scn[i];

		for (j = 0; j < self->t->nr_common; j++)
			ft_ranges(_metadata, self->fd, self->t, sc, &self->t->common[j], 0, &n);
		for (j = 0; j < sc->info.nr_fields; j++)
			ft_ranges(_metadata, self->fd, self->t, sc, &sc->f[j], sc->payload, &n);
	}
	ASSERT_LT(0, n);
	TH_LOG("%u range cases", n);
}

TEST_F(fields, enum_and_flag_names)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < self->t->nr; i++) {
		const struct ft_scn *sc = &self->t->scn[i];

		for (j = 0; j < self->t->nr_common; j++)
			ft_names(_metadata, self->fd, self->t, sc, &self->t->common[j], 0,
				 true, &n);
		for (j = 0; j < sc->info.nr_fields; j++)
			ft_names(_metadata, self->fd, self->t, sc, &sc->f[j], sc->payload,
				 false, &n);
	}
	ASSERT_LT(0, n);
	TH_LOG("%u enum and flag cases", n);
}

/* A byte of a payload that belongs to no field (padding) must be zero. */
TEST_F(fields, nonzero_padding_is_einval)
{
	unsigned int i, j, b, n = 0;
	struct wqf_runbuf run;

	for (i = 0; i < self->t->nr; i++) {
		const struct ft_scn *sc = &self->t->scn[i];

		for (b = 0; b < sc->info.payload_size; b++) {
			bool covered = false;

			for (j = 0; j < sc->info.nr_fields; j++)
				covered |= b >= sc->f[j].offset &&
					   b < sc->f[j].offset + sc->f[j].width * sc->f[j].count;
			if (covered)
				continue;
			ft_base(self->t, sc, &run);
			((char *)&run)[sc->payload + b] = 1;
			EXPECT_EQ(EINVAL, ft_try(self->fd, &run))
				TH_LOG("%s byte %u", sc->info.name, b);
			n++;
		}
	}
	/* And the header's own pad. */
	ft_base(self->t, &self->t->scn[0], &run);
	run.pad = 1;
	EXPECT_EQ(EINVAL, ft_try(self->fd, &run));
	ASSERT_LT(0, n);
	TH_LOG("%u padding bytes", n);
}

/* Results carry no input: any value in them is ignored, and zeroed. */
TEST_F(fields, results_are_ignored_on_input)
{
	unsigned int i, j;
	struct wqf_runbuf run;

	for (i = 0; i < self->t->nr; i++) {
		const struct ft_scn *sc = &self->t->scn[i];

		ft_base(self->t, sc, &run);
		for (j = 0; j < sc->info.nr_fields; j++)
			if (sc->f[j].flags & WQF_FIELD_OUT)
				memset((char *)&run + sc->payload + sc->f[j].offset, 0x5a,
				       sc->f[j].width * sc->f[j].count);
		EXPECT_EQ(0, ft_try(self->fd, &run)) TH_LOG("%s", sc->info.name);
	}
}

TEST_HARNESS_MAIN
