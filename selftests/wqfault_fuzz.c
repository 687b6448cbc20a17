// SPDX-License-Identifier: GPL-2.0
/*
 * wqfault ioctl fuzzer: random command numbers near and far from ours,
 * random sizes, bad and half-mapped pointers, random fields and mutated
 * scenario payloads, from several threads on several descriptors. Every
 * call must end with success or a documented errno (uapi.rst), a run with
 * a verdict; the console must stay free of splats (scripts/parse-results).
 *
 * Bounded by calls and by time: WQF_FUZZ_CALLS (default 100000),
 * WQF_FUZZ_SECONDS (default 240) and WQF_FUZZ_SEED (default: the clock,
 * printed) in the environment; WQF_FUZZ_THREADS (default 6: more runs at once than the cap of 4).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include <linux/wqfault.h>
#include "fields.h"

#define WQF_DEV		"/dev/wqfault"
#define FZ_MAX_THREADS	16
#define FZ_FDS		2
/* Room for any of our structs, and more, ending at a guard page. */
#define FZ_BUF		8192
/* The start of that buffer holds a run's payload; the header goes after. */
#define FZ_PAYLOAD	1024

/* The errnos uapi.rst documents; index 0 counts successes. */
static const int fz_errnos[] = {
	0, EPERM, EFAULT, EINVAL, E2BIG, EBUSY, ENOENT, ENOMEM, ENOTTY,
};

#define FZ_NR_ERRNOS	ARRAY_SIZE(fz_errnos)

struct fz_thread {
	pthread_t thread;
	__u64 rng;
	int fds[FZ_FDS];
	unsigned char *page;	/* FZ_BUF bytes, then a PROT_NONE page */
	unsigned long calls;
	unsigned long hist[FZ_NR_ERRNOS];
	unsigned long runs, verdicts[5];
	unsigned long bad;	/* undocumented errno or impossible result */
	char first_bad[160];
};

static atomic_ulong fz_calls_left;
static atomic_bool fz_stop;
static __u64 fz_deadline_us;
static int fz_abort_fds[FZ_MAX_THREADS * FZ_FDS];
static int fz_nr_abort_fds;

static __u64 fz_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* xorshift64*: repeatable per seed and thread. */
static __u64 fz_rand(struct fz_thread *t)
{
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 2685821657736338717ULL;
}

static __u32 fz_below(struct fz_thread *t, __u32 n)
{
	return (__u32)(fz_rand(t) % n);
}

/* Values at the edges of every range the module checks. */
static __u32 fz_value(struct fz_thread *t)
{
	static const __u32 edge[] = {
		0, 1, 2, 3, 4, 7, 8, 15, 16, 63, 64, 65, 255, 256, 257, 511,
		512, 513, 999, 1000, 1001, 9999, 10000, 10001, 65535, 65536,
		99999, 100000, 100001, 600000, 600001, 0x7fffffff, 0x80000000,
		0xfffffffe, 0xffffffff,
	};

	switch (fz_below(t, 4)) {
	case 0:
		return (__u32)fz_rand(t);
	case 1:
		return fz_below(t, 32);
	default:
		return edge[fz_below(t, ARRAY_SIZE(edge))];
	}
}

/* A valid run of each scenario, small and quick: the base to mutate. */
static void fz_template(struct fz_thread *t, struct wqf_runbuf *run)
{
	memset(run, 0, sizeof(*run));
	run->size = sizeof(struct wqf_run);
	run->scenario = 1 + fz_below(t, 5);
	run->stall_timeout_ms = 10 + fz_below(t, 40);
	run->flags = WQF_RUN_NO_LOCKDEP;
	switch (run->scenario) {
	case WQF_SCN_STARVE:
		run->flags = 0;
		run->variant = fz_below(t, 3);
		WQF_SET(run, max_active, 2 + fz_below(t, 6));
		WQF_SET(run, requests, 1 + fz_below(t, 32));
		break;
	case WQF_SCN_LOCKCB:
		run->variant = fz_below(t, 2);
		WQF_SET(run, sessions, 1 + fz_below(t, 32));
		WQF_SET(run, closers, fz_below(t, WQF_GET(run, sessions) + 1));
		WQF_SET(run, bystanders, fz_below(t, 4));
		break;
	case WQF_SCN_LEAK:
		run->flags = 0;
		run->variant = fz_below(t, 2);
		WQF_SET(run, senders, 1 + fz_below(t, 4));
		WQF_SET(run, buffers, 1 + fz_below(t, 4));
		WQF_SET(run, retry_delay_ms, fz_below(t, 5));
		WQF_SET(run, fault_close, fz_below(t, 3));
		break;
	case WQF_SCN_MUX:
		run->flags = 0;
		run->variant = fz_below(t, 4);
		WQF_SET(run, threads, 2 + fz_below(t, 6));
		WQF_SET(run, resources, 1);
		WQF_SET(run, max_mux, 1 + fz_below(t, 4));
		break;
	default:
		run->variant = fz_below(t, 2);
		WQF_SET(run, mode, fz_below(t, 2));
		WQF_SET(run, clients, 1 + fz_below(t, 4));
		WQF_SET(run, iterations, 1 + fz_below(t, 20));
		break;
	}
}

/* Overwrite 1-4 random 32-bit words of the run (sizes and pointer included). */
static void fz_mutate(struct fz_thread *t, struct wqf_runbuf *run)
{
	__u32 *w = (__u32 *)run;
	__u32 n = 1 + fz_below(t, 4), i;

	for (i = 0; i < n; i++)
		w[fz_below(t, sizeof(*run) / 4)] = fz_value(t);
	/*
	 * Keep the counts that size allocations modest: a 512 MiB guest. The
	 * scenario may be a mutated one; only starve has these knobs.
	 */
	if (run->scenario == WQF_SCN_STARVE &&
	    (WQF_GET(run, requests) > 100000 || WQF_GET(run, shares) > 100000)) {
		WQF_SET(run, requests, 0);
		WQF_SET(run, shares, 0);
	}
	/*
	 * Lockdep reports once per boot and its reports are checked in boots
	 * of their own: the fuzzer's buggy lockcb and abba runs go without.
	 */
	if (run->scenario == WQF_SCN_LOCKCB || run->scenario == WQF_SCN_ABBA)
		run->flags |= WQF_RUN_NO_LOCKDEP;
}

static int fz_errno_index(int err)
{
	unsigned int i;

	for (i = 0; i < FZ_NR_ERRNOS; i++)
		if (fz_errnos[i] == err)
			return i;
	return -1;
}

static void fz_bad(struct fz_thread *t, const char *what, unsigned long cmd,
		   int err)
{
	if (!t->bad++)
		snprintf(t->first_bad, sizeof(t->first_bad),
			 "%s: cmd 0x%lx errno %d (%s)", what, cmd, err,
			 strerror(err));
}

/* A command number: ours, ours with other dir/size bits, or anything. */
static unsigned long fz_cmd(struct fz_thread *t)
{
	static const unsigned long ours[] = {
		WQF_IOC_VERSION, WQF_IOC_SCENARIO_INFO, WQF_IOC_RUN,
		WQF_IOC_ABORT, WQF_IOC_RELEASE, WQF_IOC_FIELD_INFO,
	};
	unsigned long nr = fz_below(t, 8);

	switch (fz_below(t, 6)) {
	case 0:
	case 1:
	case 2:
		return ours[fz_below(t, ARRAY_SIZE(ours))];
	case 3:	/* our magic, near our numbers */
		return _IOC(fz_below(t, 4), WQF_IOC_MAGIC, nr, fz_below(t, 1024));
	case 4:	/* our magic, any number */
		return _IOC(fz_below(t, 4), WQF_IOC_MAGIC, fz_below(t, 256),
			    fz_below(t, 1 << 14));
	default:	/* another magic; the VFS's own commands left out */
		return _IOC(fz_below(t, 4), 0xc0 + fz_below(t, 0x30),
			    fz_below(t, 256), fz_below(t, 1 << 14));
	}
}

/*
 * The argument: a struct at the end of the mapped buffer (so a size past
 * it faults), NULL, a kernel address or an unmapped one.
 */
static void *fz_arg(struct fz_thread *t, const void *src, size_t len)
{
	size_t at;

	switch (fz_below(t, 16)) {
	case 0:
		return NULL;
	case 1:
		return (void *)0xffffffffff600000UL;
	case 2:
		return t->page + FZ_BUF;	/* the guard page */
	case 3:
		return (void *)(uintptr_t)fz_rand(t);
	default:
		break;
	}
	if (len > FZ_BUF)
		len = FZ_BUF;
	/* Flush with the guard page, or with slack after it. */
	at = FZ_BUF - len - (fz_below(t, 2) ? 0 : fz_below(t, FZ_BUF - FZ_PAYLOAD - len + 1));
	memcpy(t->page + at, src, len);
	return t->page + at;
}

static void fz_one(struct fz_thread *t)
{
	union {
		struct wqf_runbuf run;
		struct wqf_version v;
		struct wqf_scenario_info info;
		unsigned char raw[1024];
	} u;
	unsigned long cmd = fz_cmd(t);
	size_t len = sizeof(struct wqf_run), plen;
	const struct wqf_tab *tab;
	int fd = t->fds[fz_below(t, FZ_FDS)], ret, err, idx;
	void *arg;

	memset(&u, 0, sizeof(u));
	switch (cmd) {
	case WQF_IOC_RUN:
		fz_template(t, &u.run);
		/*
		 * The payload at the start of the mapped buffer: its own size,
		 * sometimes longer (a non-zero tail, now and then) or shorter.
		 */
		tab = wqf_tab_of(fd, u.run.scenario);
		plen = tab ? tab->info.payload_size : sizeof(u.run.data);
		if (!fz_below(t, 8))
			plen = fz_below(t, FZ_PAYLOAD);
		memset(t->page, 0, FZ_PAYLOAD);
		memcpy(t->page, u.run.data, plen < sizeof(u.run.data) ? plen : sizeof(u.run.data));
		if (!fz_below(t, 16) && plen)
			t->page[fz_below(t, plen)] = (unsigned char)(1 + fz_below(t, 255));
		u.run.payload = (uintptr_t)t->page;
		u.run.payload_size = plen;
		if (fz_below(t, 8))
			fz_mutate(t, &u.run);
		/* The header: sometimes longer than the kernel's, sometimes shorter. */
		if (!fz_below(t, 8)) {
			len = fz_below(t, sizeof(u.raw));
			if (!fz_below(t, 2) && len > sizeof(struct wqf_run))
				u.raw[sizeof(struct wqf_run) +
				      fz_below(t, len - sizeof(struct wqf_run))] =
					(unsigned char)(1 + fz_below(t, 255));
			u.run.size = fz_below(t, 2) ? len : fz_value(t);
		}
		break;
	case WQF_IOC_SCENARIO_INFO:
		u.info.size = fz_below(t, 4) ? sizeof(u.info) : fz_value(t);
		u.info.index = fz_below(t, 2) ? fz_below(t, 8) : fz_value(t);
		len = sizeof(u.info);
		break;
	default:
		u.v.size = fz_below(t, 4) ? sizeof(u.v) : fz_value(t);
		len = fz_below(t, 2) ? sizeof(u.v) : fz_below(t, sizeof(u.raw));
		break;
	}
	arg = fz_arg(t, &u, len);
	ret = ioctl(fd, cmd, arg);
	err = ret < 0 ? errno : 0;
	t->calls++;
	idx = fz_errno_index(err);
	if (idx < 0) {
		fz_bad(t, "undocumented errno", cmd, err);
		return;
	}
	t->hist[idx]++;
	if (ret < 0 || cmd != WQF_IOC_RUN)
		return;
	/* The result is read back only where the whole struct was mapped. */
	if ((unsigned char *)arg < t->page ||
	    (unsigned char *)arg + sizeof(struct wqf_run) > t->page + FZ_BUF)
		return;
	memcpy(&u.run, arg, sizeof(struct wqf_run));
	/* A dry run checks the knobs only: no verdict, no run number. */
	if (u.run.flags & WQF_RUN_DRY_RUN) {
		if (u.run.verdict != WQF_VERDICT_NONE || u.run.run_id)
			fz_bad(t, "dry run that ran", cmd, (int)u.run.verdict);
		return;
	}
	t->runs++;
	if (u.run.verdict < WQF_VERDICT_COMPLETED || u.run.verdict > WQF_VERDICT_ABORTED)
		fz_bad(t, "run without a verdict", cmd, (int)u.run.verdict);
	else
		t->verdicts[u.run.verdict]++;
}

static void *fz_thread_fn(void *arg)
{
	struct fz_thread *t = arg;

	while (!atomic_load(&fz_stop)) {
		unsigned long left = atomic_load(&fz_calls_left);

		if (!left || fz_now_us() > fz_deadline_us)
			break;
		if (!atomic_compare_exchange_weak(&fz_calls_left, &left, left - 1))
			continue;
		fz_one(t);
	}
	return NULL;
}

/* Aborts every run on every descriptor now and then: runs stay short. */
static void *fz_aborter_fn(void *arg)
{
	while (!atomic_load(&fz_stop)) {
		int i;

		usleep(20000);
		for (i = 0; i < fz_nr_abort_fds; i++)
			ioctl(fz_abort_fds[i], WQF_IOC_ABORT, NULL);
	}
	return NULL;
}

static unsigned long fz_env(const char *name, unsigned long def)
{
	const char *s = getenv(name);

	return s && *s ? strtoul(s, NULL, 0) : def;
}

FIXTURE(fuzz) {
	int unused;
};

FIXTURE_SETUP(fuzz)
{
	int fd = open(WQF_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		SKIP(return, WQF_DEV " absent: wqfault module not loaded");
	ASSERT_LE(0, fd);
	close(fd);
}

FIXTURE_TEARDOWN(fuzz)
{
}

TEST_F_TIMEOUT(fuzz, documented_errnos_only, 600)
{
	unsigned long calls = fz_env("WQF_FUZZ_CALLS", 100000);
	unsigned long secs = fz_env("WQF_FUZZ_SECONDS", 240);
	unsigned long seed = fz_env("WQF_FUZZ_SEED", (unsigned long)fz_now_us());
	unsigned int nthreads = fz_env("WQF_FUZZ_THREADS", 6);
	unsigned long hist[FZ_NR_ERRNOS] = { 0 }, verdicts[5] = { 0 };
	unsigned long done = 0, runs = 0, bad = 0;
	struct fz_thread *th;
	pthread_t aborter;
	unsigned int i, j;

	if (nthreads < 1 || nthreads > FZ_MAX_THREADS)
		nthreads = 6;
	TH_LOG("seed %lu, %lu calls, %u threads, at most %lu s", seed, calls,
	       nthreads, secs);
	th = calloc(nthreads, sizeof(*th));
	ASSERT_NE(NULL, th);
	atomic_store(&fz_calls_left, calls);
	fz_deadline_us = fz_now_us() + secs * 1000000ULL;
	for (i = 0; i < nthreads; i++) {
		th[i].rng = seed * 0x9e3779b97f4a7c15ULL + i + 1;
		th[i].page = mmap(NULL, FZ_BUF + 4096, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, th[i].page);
		ASSERT_EQ(0, mprotect(th[i].page + FZ_BUF, 4096, PROT_NONE));
		for (j = 0; j < FZ_FDS; j++) {
			th[i].fds[j] = open(WQF_DEV, O_RDWR | O_CLOEXEC);
			ASSERT_LE(0, th[i].fds[j]);
			fz_abort_fds[fz_nr_abort_fds++] = th[i].fds[j];
		}
	}
	ASSERT_EQ(0, pthread_create(&aborter, NULL, fz_aborter_fn, NULL));
	for (i = 0; i < nthreads; i++)
		ASSERT_EQ(0, pthread_create(&th[i].thread, NULL, fz_thread_fn, &th[i]));
	for (i = 0; i < nthreads; i++)
		ASSERT_EQ(0, pthread_join(th[i].thread, NULL));
	atomic_store(&fz_stop, true);
	ASSERT_EQ(0, pthread_join(aborter, NULL));

	for (i = 0; i < nthreads; i++) {
		done += th[i].calls;
		runs += th[i].runs;
		bad += th[i].bad;
		for (j = 0; j < FZ_NR_ERRNOS; j++)
			hist[j] += th[i].hist[j];
		for (j = 0; j < 5; j++)
			verdicts[j] += th[i].verdicts[j];
		if (th[i].bad)
			TH_LOG("thread %u: %lu bad, first: %s", i, th[i].bad,
			       th[i].first_bad);
		for (j = 0; j < FZ_FDS; j++)
			close(th[i].fds[j]);
		munmap(th[i].page, FZ_BUF + 4096);
	}
	TH_LOG("calls %lu: ok %lu EPERM %lu EFAULT %lu EINVAL %lu E2BIG %lu",
	       done, hist[0], hist[1], hist[2], hist[3], hist[4]);
	TH_LOG("calls %lu: EBUSY %lu ENOENT %lu ENOMEM %lu ENOTTY %lu", done,
	       hist[5], hist[6], hist[7], hist[8]);
	TH_LOG("runs %lu: COMPLETED %lu DEADLOCK %lu LEAKED %lu ABORTED %lu",
	       runs, verdicts[1], verdicts[2], verdicts[3], verdicts[4]);
	free(th);
	EXPECT_EQ(0, bad);
	/* Not cut short by the time bound: every call was made. */
	EXPECT_EQ(calls, done);
	/* The mix reached the module's run path and its checks. */
	EXPECT_LT(0, runs);
	EXPECT_LT(0, hist[3]);
	EXPECT_LT(0, hist[8]);
}

TEST_HARNESS_MAIN
