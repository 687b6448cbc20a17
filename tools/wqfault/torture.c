// SPDX-License-Identifier: GPL-2.0
/*
 * wqfault torture: random scenarios, variants and knobs, random aborts
 * (ioctl, close, signal), hang mode with release, more runners than the
 * module's cap, rmmod attempts and CPU offline/online, for a duration and
 * from a seed, as locktorture and rcutorture do for their subsystems.
 *
 * Each case's knobs are drawn from ranges where the verdict is known from
 * the knobs alone (the starve and mux thresholds measured and asserted in
 * KUnit; fixes never fail; forced faults leak exactly in the buggy leak),
 * and every verdict is checked against that prediction. An aborted run is
 * ABORTED, or keeps its predicted verdict if it reached it before the
 * abort. Ends with counts per scenario and verdict; exits 1 on a wrong
 * verdict, an undocumented errno, a lost run, a kernel splat in the log,
 * a module that could be unloaded under a run, or a module still held
 * after the last descriptor is closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/wqfault.h>

#include "cli.h"
#include "fields.h"

#define TT_MAX_WORKERS	16
#define TT_SCNS		6	/* indexed by enum wqf_scenario_id */
#define TT_VERDICTS	5	/* indexed by enum wqf_verdict */
/* A run that has not returned this long after its bound is lost. */
#define TT_LOST_US	60000000ULL

enum { TT_PLAIN, TT_ABORT, TT_CLOSE, TT_SIGNAL, TT_HANG, TT_ACTIONS };

static const char *const tt_scn_names[TT_SCNS] = {
	[WQF_SCN_STARVE] = "starve", [WQF_SCN_LOCKCB] = "lockcb",
	[WQF_SCN_MUX] = "mux", [WQF_SCN_ABBA] = "abba", [WQF_SCN_LEAK] = "leak",
};

static const char *const tt_verdict_names[TT_VERDICTS] = {
	"NONE", "COMPLETED", "DEADLOCK", "LEAKED", "ABORTED",
};

static const char *const tt_action_names[TT_ACTIONS] = {
	"plain", "abort", "close", "signal", "hang",
};

struct tt_stats {
	unsigned long runs[TT_SCNS][TT_VERDICTS];
	unsigned long actions[TT_ACTIONS];
	unsigned long busy, wrong, bad_errno, lost;
};

static struct tt_stats tt_total;
static pthread_mutex_t tt_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *tt_dev;
static uint64_t tt_deadline_us;
static atomic_bool tt_stop;
static atomic_ulong tt_rmmod_tries, tt_rmmod_loaded_away, tt_hotplugs;
static bool tt_verbose;

static uint64_t tt_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint64_t tt_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static unsigned int tt_range(uint64_t *s, unsigned int lo, unsigned int hi)
{
	return lo + (unsigned int)(tt_rand(s) % (hi - lo + 1));
}

/*
 * One random case: knobs within the ranges where the verdict is known.
 * Returns the predicted verdict.
 */
static unsigned int tt_case(uint64_t *s, struct wqf_runbuf *r)
{
	unsigned int a, b, c;

	memset(r, 0, sizeof(*r));
	r->size = sizeof(struct wqf_run);
	r->scenario = tt_range(s, WQF_SCN_STARVE, WQF_SCN_LEAK);
	switch (r->scenario) {
	case WQF_SCN_STARVE:
		/* Unbound, placed locally: DEADLOCK exactly if R >= W. */
		r->variant = tt_range(s, 0, 2);
		r->stall_timeout_ms = 100;
		a = tt_range(s, r->variant == WQF_STARVE_THROTTLE ? 2 : 1, 8);
		b = tt_range(s, 1, 24);
		WQF_SET(r, queue, WQF_QUEUE_UNBOUND);
		WQF_SET(r, max_active, a);
		WQF_SET(r, requests, b);
		if (r->variant != WQF_STARVE_BUGGY)
			return WQF_VERDICT_COMPLETED;
		return b >= a ? WQF_VERDICT_DEADLOCK : WQF_VERDICT_COMPLETED;
	case WQF_SCN_LOCKCB:
		r->variant = tt_range(s, 0, 1);
		r->flags = WQF_RUN_NO_LOCKDEP;
		r->stall_timeout_ms = 100;
		a = tt_range(s, WQF_LOCK_MUTEX, WQF_LOCK_RWSEM);
		b = tt_range(s, 1, 32);
		WQF_SET(r, lock, a);
		WQF_SET(r, path, a == WQF_LOCK_SPINLOCK ? WQF_LOCKCB_DIRECT : tt_range(s, 0, 1));
		WQF_SET(r, sessions, b);
		WQF_SET(r, closers, tt_range(s, 0, b / 2));
		WQF_SET(r, bystanders, tt_range(s, 0, 4));
		return r->variant == WQF_LOCKCB_BUGGY ? WQF_VERDICT_DEADLOCK :
							WQF_VERDICT_COMPLETED;
	case WQF_SCN_LEAK:
		/* A forced close failure: the buggy sender leaks its entry. */
		r->variant = tt_range(s, 0, 1);
		b = tt_range(s, 1, 4);
		WQF_SET(r, senders, tt_range(s, 1, 4));
		WQF_SET(r, buffers, b);
		WQF_SET(r, fault_write_at, tt_range(s, 1, b));
		WQF_SET(r, fault_close, 1);
		WQF_SET(r, retry_delay_ms, 1);
		WQF_SET(r, close_retries, 2);
		WQF_SET(r, close_backoff_us, 10);
		return r->variant == WQF_LEAK_BUGGY ? WQF_VERDICT_LEAKED :
						      WQF_VERDICT_COMPLETED;
	case WQF_SCN_MUX:
		/*
		 * A long window: the writer waits for every logoff thread to
		 * arrive (or the window), so a busy host keeps the order.
		 */
		r->variant = tt_range(s, 0, 3);
		r->stall_timeout_ms = 1000;
		a = tt_range(s, 2, 6);
		b = tt_range(s, 1, a - 1);
		c = tt_range(s, 1, 4);
		WQF_SET(r, threads, a);
		WQF_SET(r, resources, b);
		WQF_SET(r, max_mux, c);
		WQF_SET(r, window_us, 500000);
		if (r->variant != WQF_MUX_BUGGY)
			return WQF_VERDICT_COMPLETED;
		/* The logoff threads and one writer need a credit at once. */
		return c < a - b + 1 ? WQF_VERDICT_DEADLOCK : WQF_VERDICT_COMPLETED;
	case WQF_SCN_ABBA:
	default:
		/* Trigger mode on one resource: the handshake closes the cycle. */
		r->variant = tt_range(s, 0, 1);
		r->flags = WQF_RUN_NO_LOCKDEP;
		r->stall_timeout_ms = 300;
		WQF_SET(r, mode, WQF_ABBA_TRIGGER);
		WQF_SET(r, resource, WQF_ABBA_SAME);
		WQF_SET(r, lock, tt_range(s, 0, 1) ? WQF_LOCK_RWSEM : WQF_LOCK_MUTEX);
		WQF_SET(r, clients, 2);
		WQF_SET(r, iterations, r->variant == WQF_ABBA_BUGGY ? 1 : tt_range(s, 1, 50));
		return r->variant == WQF_ABBA_BUGGY ? WQF_VERDICT_DEADLOCK :
						      WQF_VERDICT_COMPLETED;
	}
}

struct tt_runner {
	pthread_t thread;
	int fd;
	int ret;
	int err;
	atomic_bool started;
	atomic_bool done;
	uint64_t end_us;
	struct wqf_runbuf run;
};

static void *tt_runner_fn(void *arg)
{
	struct tt_runner *r = arg;

	atomic_store(&r->started, true);
	r->ret = wqf_runbuf_ioctl(r->fd, &r->run);
	r->err = r->ret ? errno : 0;
	r->end_us = tt_now_us();
	atomic_store(&r->done, true);
	return NULL;
}

static void tt_on_signal(int sig)
{
	(void)sig;
}

static void tt_note(struct tt_stats *st, const struct wqf_runbuf *r, const char *what,
		    unsigned int action, unsigned int want)
{
	st->wrong++;
	fprintf(stderr,
		"torture: WRONG %s: %s variant %u (%s): verdict %s, predicted %s\n",
		what, tt_scn_names[r->scenario], r->variant,
		tt_action_names[action],
		tt_verdict_names[r->verdict < TT_VERDICTS ? r->verdict : 0],
		tt_verdict_names[want]);
}

/* One run with one action; the result goes into @st. */
static void tt_one(uint64_t *s, struct tt_stats *st)
{
	struct tt_runner *r = calloc(1, sizeof(*r));
	unsigned int want, action = tt_range(s, 0, TT_ACTIONS - 1);
	uint64_t before = 0, sent = 0, bound;
	int dup_fd;

	if (!r)
		return;
	want = tt_case(s, &r->run);
	if (action == TT_HANG && want == WQF_VERDICT_COMPLETED)
		action = TT_PLAIN;
	/*
	 * A spinlock held in hang mode spins with preemption off until the
	 * driving thread ends the hold: with the other CPU going offline that
	 * thread cannot run, and the workqueue watchdog reports the spin (the
	 * detector matrix's case, not torture's). Hang mode takes a sleeping
	 * lock here.
	 */
	if (action == TT_HANG && r->run.scenario == WQF_SCN_LOCKCB &&
	    WQF_GET(&r->run, lock) == WQF_LOCK_SPINLOCK)
		WQF_SET(&r->run, lock, WQF_LOCK_MUTEX);
	if (action == TT_HANG) {
		r->run.flags |= WQF_RUN_HANG;
		r->run.hang.hang_ms = tt_range(s, 1000, 2000);
	}
	st->actions[action]++;
	r->fd = open(tt_dev, O_RDWR | O_CLOEXEC);
	if (r->fd < 0) {
		fprintf(stderr, "torture: open %s: %s\n", tt_dev, strerror(errno));
		st->lost++;
		free(r);
		return;
	}
	r->ret = -1;
	/*
	 * The close action closes a second descriptor of the file: closing
	 * any of them aborts the file's runs, and the run's own one stays
	 * valid (closed, its number could go to another runner's open).
	 */
	dup_fd = action == TT_CLOSE ? dup(r->fd) : -1;
	if ((action == TT_CLOSE && dup_fd < 0) ||
	    pthread_create(&r->thread, NULL, tt_runner_fn, r)) {
		if (dup_fd >= 0)
			close(dup_fd);
		close(r->fd);
		free(r);
		return;
	}
	while (!atomic_load(&r->started))
		usleep(100);
	if (action != TT_PLAIN && action != TT_HANG) {
		usleep(tt_range(s, 0, 300) * 1000);
		before = tt_now_us();
		if (action == TT_ABORT)
			ioctl(r->fd, WQF_IOC_ABORT, NULL);
		else if (action == TT_CLOSE)
			close(dup_fd);	/* any descriptor of the file aborts */
		else
			pthread_kill(r->thread, SIGUSR1);
		/* A run that ended before this may have ended on its own. */
		sent = tt_now_us();
	} else if (action == TT_HANG) {
		usleep(tt_range(s, 0, 1500) * 1000);
		ioctl(r->fd, WQF_IOC_RELEASE, NULL);
	}
	/* Every run is bounded: stall, hang and unwind, with room for TCG. */
	bound = tt_now_us() + 10ULL * r->run.stall_timeout_ms * 1000 +
		(uint64_t)r->run.hang.hang_ms * 1000 + TT_LOST_US;
	while (!atomic_load(&r->done) && tt_now_us() < bound)
		usleep(2000);
	if (!atomic_load(&r->done)) {
		fprintf(stderr, "torture: LOST run: %s variant %u (%s) never returned\n",
			tt_scn_names[r->run.scenario], r->run.variant,
			tt_action_names[action]);
		st->lost++;
		atomic_store(&tt_stop, true);
		return;	/* leave it: the summary reports the loss */
	}
	pthread_join(r->thread, NULL);
	close(r->fd);

	if (r->ret) {
		if (r->err == EBUSY) {
			st->busy++;
		} else {
			st->bad_errno++;
			fprintf(stderr, "torture: run %s: errno %d (%s)\n",
				tt_scn_names[r->run.scenario], r->err, strerror(r->err));
		}
		free(r);
		return;
	}
	if (r->run.verdict >= TT_VERDICTS || r->run.verdict == WQF_VERDICT_NONE) {
		tt_note(st, &r->run, "no verdict", action, want);
		free(r);
		return;
	}
	st->runs[r->run.scenario][r->run.verdict]++;
	if (!sent || r->end_us <= before) {
		/* Nothing aborted it (or not in time): the prediction holds. */
		if (r->run.verdict != want)
			tt_note(st, &r->run, "verdict", action, want);
	} else if (r->run.verdict != want && r->run.verdict != WQF_VERDICT_ABORTED) {
		/* Aborted, or over while the abort was sent: ABORTED or its own. */
		tt_note(st, &r->run, "verdict after an abort", action, want);
	}
	if (tt_verbose)
		printf("torture: %s variant %u %s: %s\n", tt_scn_names[r->run.scenario],
		       r->run.variant, tt_action_names[action],
		       tt_verdict_names[r->run.verdict]);
	free(r);
}

struct tt_worker {
	pthread_t thread;
	uint64_t seed;
	struct tt_stats st;
};

static void *tt_worker_fn(void *arg)
{
	struct tt_worker *w = arg;

	while (!atomic_load(&tt_stop) && tt_now_us() < tt_deadline_us)
		tt_one(&w->seed, &w->st);
	return NULL;
}

/*
 * rmmod while runs are in progress: the open descriptors hold the module,
 * so it must be refused (EAGAIN, "in use"; EBUSY from older kernels).
 */
static void *tt_rmmod_fn(void *arg)
{
	uint64_t *seed = arg;

	while (!atomic_load(&tt_stop) && tt_now_us() < tt_deadline_us) {
		usleep(tt_range(seed, 200, 800) * 1000);
		if (!syscall(SYS_delete_module, "wqfault", O_NONBLOCK)) {
			atomic_fetch_add(&tt_rmmod_loaded_away, 1);
			atomic_store(&tt_stop, true);
		}
		atomic_fetch_add(&tt_rmmod_tries, 1);
	}
	return NULL;
}

static int tt_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

/* Take CPU 1 offline and back, now and then, while runs go on. */
static void *tt_hotplug_fn(void *arg)
{
	static const char cpu1[] = "/sys/devices/system/cpu/cpu1/online";
	uint64_t *seed = arg;

	while (!atomic_load(&tt_stop) && tt_now_us() < tt_deadline_us) {
		usleep(tt_range(seed, 500, 2000) * 1000);
		if (tt_write(cpu1, "0"))
			break;
		usleep(tt_range(seed, 50, 500) * 1000);
		if (tt_write(cpu1, "1"))
			break;
		atomic_fetch_add(&tt_hotplugs, 1);
	}
	tt_write(cpu1, "1");
	return NULL;
}

/*
 * Kernel log records since @from that a run must never cause. Returns how
 * many; prints each.
 */
static int tt_splats(int kmsg)
{
	static const char *const bad[] = {
		"WARNING:", "BUG:", "Oops", "general protection", "possible recursive",
		"circular locking", "blocked for more than", "soft lockup",
		"rcu_sched self-detected", "rcu: INFO", "workqueue lockup",
		"Call Trace", "KASAN", "UBSAN", "kmemleak",
	};
	char rec[2048];
	int n = 0;
	ssize_t len;
	unsigned int i;

	if (kmsg < 0)
		return 0;
	while ((len = read(kmsg, rec, sizeof(rec) - 1)) > 0 || (len < 0 && errno == EPIPE)) {
		if (len <= 0)
			continue;
		rec[len] = 0;
		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			if (strstr(rec, bad[i])) {
				fprintf(stderr, "torture: kernel: %s", strchr(rec, ';') ?
					strchr(rec, ';') + 1 : rec);
				n++;
				break;
			}
		}
	}
	return n;
}

/* The module's reference count, or -1 without sysfs. */
static long tt_refcnt(void)
{
	char buf[32] = "";
	int fd = open("/sys/module/wqfault/refcnt", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

static int tt_num(const char *a, const char *name, unsigned long long *v)
{
	size_t n = strlen(name);
	char *end;

	if (strncmp(a, name, n) || a[n] != '=')
		return 0;
	errno = 0;
	*v = strtoull(a + n + 1, &end, 0);
	if (errno || *end || end == a + n + 1)
		return -1;
	return 1;
}

static void tt_usage(FILE *f)
{
	fprintf(f,
		"usage: wqfault torture [--duration=S] [--seed=N] [--workers=N]\n"
		"                       [--no-hotplug] [--no-rmmod] [--verbose]\n"
		"  --duration=S   run for S seconds (default 60)\n"
		"  --seed=N       the random seed (default: from the clock; printed)\n"
		"  --workers=N    runners at once, 1..16 (default 6: past the cap of 4)\n"
		"  --no-hotplug   leave CPU 1 online\n"
		"  --no-rmmod     make no rmmod attempts\n");
}

int cmd_torture(int argc, char **argv, const char *dev)
{
	unsigned long long duration = 60, seed = tt_now_us(), workers = 6, v;
	bool hotplug = true, rmmod = true;
	struct tt_worker *w;
	pthread_t rm_thread, hp_thread;
	uint64_t rm_seed, hp_seed, t0;
	struct sigaction sa = { .sa_handler = tt_on_signal };
	unsigned long ran = 0;
	int i, j, kmsg, splats, holder, rc = 0;
	long refs = -1, refs0;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help")) {
			tt_usage(stdout);
			return 0;
		}
		if (tt_num(a, "--duration", &v) > 0 && v >= 1 && v <= 86400)
			duration = v;
		else if (tt_num(a, "--seed", &v) > 0)
			seed = v;
		else if (tt_num(a, "--workers", &v) > 0 && v >= 1 && v <= TT_MAX_WORKERS)
			workers = v;
		else if (!strcmp(a, "--no-hotplug"))
			hotplug = false;
		else if (!strcmp(a, "--no-rmmod"))
			rmmod = false;
		else if (!strcmp(a, "--verbose"))
			tt_verbose = true;
		else
			break;
	}
	if (i < argc) {
		fprintf(stderr, "wqfault torture: bad option %s\n", argv[i]);
		tt_usage(stderr);
		return EXIT_USAGE;
	}
	tt_dev = dev;
	/* No SA_RESTART: the signal must reach the run, as Ctrl-C would. */
	sigaction(SIGUSR1, &sa, NULL);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg >= 0)
		lseek(kmsg, 0, SEEK_END);
	printf("torture: seed %llu, %llu s, %llu workers, hotplug %s, rmmod %s\n",
	       seed, duration, workers, hotplug ? "on" : "off", rmmod ? "on" : "off");
	fflush(stdout);

	w = calloc(workers, sizeof(*w));
	/* Modules that use wqfault's symbols (a scenario module) hold it too. */
	refs0 = tt_refcnt();
	/* Held throughout: every rmmod attempt meets an open descriptor. */
	holder = open(dev, O_RDWR | O_CLOEXEC);
	if (!w || holder < 0) {
		fprintf(stderr, "torture: %s: %s\n", dev, strerror(errno));
		free(w);
		return 1;
	}
	/* The workers set fields by name: the tables, loaded once, before them. */
	for (i = WQF_SCN_STARVE; i <= WQF_SCN_LEAK; i++)
		if (!wqf_tab_of(holder, i)) {
			fprintf(stderr, "torture: scenario %d: %s\n", i, strerror(errno));
			close(holder);
			free(w);
			return 1;
		}
	t0 = tt_now_us();
	tt_deadline_us = t0 + duration * 1000000ULL;
	rm_seed = seed * 31 + 7;
	hp_seed = seed * 37 + 11;
	if (rmmod && pthread_create(&rm_thread, NULL, tt_rmmod_fn, &rm_seed))
		rmmod = false;
	if (hotplug && pthread_create(&hp_thread, NULL, tt_hotplug_fn, &hp_seed))
		hotplug = false;
	for (i = 0; i < (int)workers; i++) {
		w[i].seed = seed * 0x9e3779b97f4a7c15ULL + i + 1;
		pthread_create(&w[i].thread, NULL, tt_worker_fn, &w[i]);
	}
	for (i = 0; i < (int)workers; i++) {
		pthread_join(w[i].thread, NULL);
		pthread_mutex_lock(&tt_lock);
		for (j = 0; j < TT_SCNS * TT_VERDICTS; j++)
			(&tt_total.runs[0][0])[j] += (&w[i].st.runs[0][0])[j];
		for (j = 0; j < TT_ACTIONS; j++)
			tt_total.actions[j] += w[i].st.actions[j];
		tt_total.busy += w[i].st.busy;
		tt_total.wrong += w[i].st.wrong;
		tt_total.bad_errno += w[i].st.bad_errno;
		tt_total.lost += w[i].st.lost;
		pthread_mutex_unlock(&tt_lock);
	}
	atomic_store(&tt_stop, true);
	if (rmmod)
		pthread_join(rm_thread, NULL);
	if (hotplug)
		pthread_join(hp_thread, NULL);
	close(holder);
	free(w);

	/* Every descriptor is closed: nothing may hold the module now. */
	for (i = 0; i < 500 && (refs = tt_refcnt()) > refs0; i++)
		usleep(10000);
	splats = tt_splats(kmsg);
	if (kmsg >= 0)
		close(kmsg);

	printf("torture: %.1f s\n", (tt_now_us() - t0) / 1e6);
	printf("%-8s %10s %10s %10s %10s\n", "scenario", "COMPLETED", "DEADLOCK",
	       "LEAKED", "ABORTED");
	for (i = 1; i < TT_SCNS; i++) {
		printf("%-8s %10lu %10lu %10lu %10lu\n", tt_scn_names[i],
		       tt_total.runs[i][1], tt_total.runs[i][2], tt_total.runs[i][3],
		       tt_total.runs[i][4]);
		for (j = 1; j < TT_VERDICTS; j++)
			ran += tt_total.runs[i][j];
	}
	printf("torture: runs %lu, EBUSY %lu; actions:", ran, tt_total.busy);
	for (j = 0; j < TT_ACTIONS; j++)
		printf(" %s %lu", tt_action_names[j], tt_total.actions[j]);
	printf("\ntorture: rmmod refused %lu of %lu, cpu1 offline/online %lu\n",
	       atomic_load(&tt_rmmod_tries) - atomic_load(&tt_rmmod_loaded_away),
	       atomic_load(&tt_rmmod_tries), atomic_load(&tt_hotplugs));
	printf("torture: wrong verdicts %lu, bad errnos %lu, lost runs %lu, splats %d",
	       tt_total.wrong, tt_total.bad_errno, tt_total.lost, splats);
	printf(", module refs after %ld (before %ld)\n", refs, refs0);
	if (tt_total.wrong || tt_total.bad_errno || tt_total.lost || splats ||
	    atomic_load(&tt_rmmod_loaded_away) || refs > refs0 || !ran)
		rc = 1;
	printf("torture: %s (seed %llu)\n", rc ? "FAILED" : "passed", seed);
	return rc;
}
