// SPDX-License-Identifier: GPL-2.0
/*
 * wqfault - command-line driver for the wqfault kernel module.
 *
 * Exit status: 0 success, 1 failure (or a verdict other than --expect),
 * 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/wqfault.h>

#include "cli.h"

static const char *dev_path = "/dev/wqfault";

static const char *const verdicts[] = {
	"NONE", "COMPLETED", "DEADLOCK", "LEAKED", "ABORTED",
};

static const char *const queues[] = { "unbound", "percpu", "ordered" };

static const char *const placements[] = { "local", "pin", "spread" };

static const char *const confirms[] = {
	"not-run", "cleared", "not-cleared", "unsupported",
};

static const char *name_of(const char *const *tbl, size_t n, unsigned int i)
{
	return i < n ? tbl[i] : "?";
}

static const char *verdict_name(unsigned int v)
{
	return name_of(verdicts, ARRAY_SIZE(verdicts), v);
}

static const char *queue_name(unsigned int q)
{
	return name_of(queues, ARRAY_SIZE(queues), q);
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: wqfault [--dev=PATH] COMMAND [ARGS]\n"
		"commands:\n"
		"  version             the module's ABI version and features\n"
		"  list                scenarios and their variants\n"
		"  run SCENARIO [OPTS] run one scenario to its verdict\n"
		"  demo [LOAD OPTS]    starve: buggy and throttle under the same load, side by\n"
		"                      side (the run options but variant, throttle, expect,\n"
		"                      repeat and json)\n"
		"  sweep SCENARIO --KNOB=A..B [--KNOB2=C..D] [--variant=V1,V2] [OPTS]\n"
		"                      one run per cell of the grid (first range: columns,\n"
		"                      second: rows) and a table of verdicts; --json or\n"
		"                      --csv for one record per cell\n"
		"  timeline TRACE... [-o OUT.svg] [--summary]\n"
		"                      draw runs recorded with run --trace (one panel\n"
		"                      each): slots, parked items, verdict; --summary\n"
		"                      prints what each panel shows at its verdict\n"
		"  release             end the hold of every run in hang mode\n"
		"  torture [--duration=S] [--seed=N] [--workers=N] [--no-hotplug] [--no-rmmod]\n"
		"                      random runs, aborts, signals, closes, hang mode,\n"
		"                      rmmod attempts and CPU hotplug; every verdict checked\n"
		"                      against its knobs; exit 1 on any fault\n"
		"  help                this text\n"
		"run options (starve):\n"
		"  --variant=NAME          buggy | throttle | separate-queue (default buggy)\n"
		"  --queue=KIND            unbound | percpu | ordered (default unbound)\n"
		"  --highpri --mem-reclaim add WQ_HIGHPRI / WQ_MEM_RECLAIM\n"
		"  --max-active=N          the queue's max_active (default 4; ordered: 1)\n"
		"  --requests=N            requests the client sends (default 16)\n"
		"  --shares=N              distinct shares (default: one per request)\n"
		"  --cached=N              shares already in the referral cache\n"
		"  --throttle=N            requests in flight at most (throttle variant)\n"
		"  --connect-delay-us=N    how long a connect works\n"
		"  --placement=P           local | pin | spread (default local)\n"
		"  --cpu=N                 the CPU for --placement=pin\n"
		"  --connect-cpu=N         queue connects on CPU N (default: the request's own)\n"
		"  --confirm               on a stall, raise max_active by one and report\n"
		"run options (lockcb):\n"
		"  --variant=NAME          buggy | fixed (default buggy)\n"
		"  --lock=KIND             mutex | spinlock | rwsem (default mutex)\n"
		"  --path=P                direct | flush: how a completion needs the lock\n"
		"  --sessions=N            sessions in the table (default 8)\n"
		"  --expired=N             sessions the scanner expires (default: all)\n"
		"  --idle-ms=N             the scanner runs after N ms (default 10)\n"
		"  --bystanders=N          unrelated items on the scanner's queue (default 4)\n"
		"  --closers=N             sessions a client closes while the scanner runs\n"
		"  --no-lockdep            no might_lock() annotations (lockdep stays quiet)\n"
		"run options (mux):\n"
		"  --variant=NAME          buggy | raise-limit | release-first | serialise\n"
		"                          (default buggy; release-before-wait = release-first)\n"
		"  --max-mux=N             request credits the server grants (default 1)\n"
		"  --threads=N             redirector threads (default 2)\n"
		"  --resources=N           profile resources, each held by a writer thread;\n"
		"                          the other threads run logoff (default 1)\n"
		"  --window-us=N           race window: how long a writer holds its resource\n"
		"                          before it needs a credit, at most (default 50000,\n"
		"                          or half the stall timeout if that is less)\n"
		"run options (abba):\n"
		"  --variant=NAME          buggy | ordered (default buggy)\n"
		"  --mode=M                trigger | race (default trigger)\n"
		"  --clients=N             clients; even ones take the client path (default 2)\n"
		"  --resource=R            same | different (default same)\n"
		"  --lock=KIND             mutex | rwsem (default mutex)\n"
		"  --race-window-us=N      delay between a client's two acquisitions\n"
		"  --iterations=N          opens per client (default 1; race: 1000)\n"
		"  --no-lockdep            no might_lock() annotations (lockdep stays quiet)\n"
		"run options (leak):\n"
		"  --variant=NAME          buggy | fixed (default buggy)\n"
		"  --senders=N             sender work items, a file each (default 1)\n"
		"  --buffers=N             buffers each sender writes (default 4)\n"
		"  --retry-delay-ms=N      a failed sender retries after N ms (default 10)\n"
		"  --close-retries=N       fixed: close attempts after the first (default 3)\n"
		"  --close-backoff-us=N    fixed: first backoff, doubled each time (default 100)\n"
		"  --fault-write-at=K      force every sender's write of buffer K to fail\n"
		"  --fault-close=N         force each sender's first N close attempts to fail\n"
		"  --fault-connect=N       force the first N senders' opens to fail\n"
		"  --fault-attr            also let the fault_attr points (debugfs knobs,\n"
		"                          fail-nth) decide every fault site\n"
		"run options (all):\n"
		"  --stall-timeout-ms=N    a party stuck this long is a stall (default 1000)\n"
		"  --repeat=N              run N times; the exit status covers every run\n"
		"  --fail-nth=N            write N to /proc/thread-self/fail-nth before each\n"
		"                          run (the Nth fault site the run asks fails; see\n"
		"                          leak --fault-attr) and say if it was reached\n"
		"  --json                  print the result as JSON\n"
		"  --hang                  hang mode: one long uninterruptible wait per stuck\n"
		"                          party, held after the verdict until `wqfault release`,\n"
		"                          Ctrl-C or --hang-ms (every scenario)\n"
		"  --hang-ms=N             hold the hang N ms at most (default 30000)\n"
		"  --trace=FILE            record wqfault:* and workqueue:* events of the run\n"
		"                          (tracefs) into FILE, for `wqfault timeline`\n"
		"  --expect=VERDICT        exit 1 unless every verdict is VERDICT\n");
}

static int open_dev(void)
{
	int fd = open(dev_path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "wqfault: %s: %s%s\n", dev_path, strerror(errno),
			errno == ENOENT ? " (is the wqfault module loaded?)" : "");
	return fd;
}

static int cmd_version(int fd)
{
	struct wqf_version v = { .size = sizeof(v) };

	if (ioctl(fd, WQF_IOC_VERSION, &v)) {
		fprintf(stderr, "wqfault: version: %s\n", strerror(errno));
		return 1;
	}
	printf("api_version %u\nscenarios %u\nmax_runs %u\nfeatures%s%s%s%s\n",
	       v.api_version, v.nr_scenarios, v.max_runs,
	       v.features & WQF_FEAT_LOCKDEP ? " lockdep" : "",
	       v.features & WQF_FEAT_FAULT_INJECTION ? " fault-injection" : "",
	       v.features & WQF_FEAT_HUNG_TASK ? " hung-task" : "",
	       v.features & WQF_FEAT_WQ_WATCHDOG ? " wq-watchdog" : "");
	return 0;
}

static int cmd_release(int fd)
{
	int n = ioctl(fd, WQF_IOC_RELEASE);

	if (n < 0) {
		fprintf(stderr, "wqfault: release: %s\n", strerror(errno));
		return 1;
	}
	printf("released %d run(s) in hang mode\n", n);
	return 0;
}

/* Fill @info for scenario @name; returns 0, or 1 with a message. */
static int find_scenario(int fd, const char *name, struct wqf_scenario_info *info)
{
	unsigned int i;

	for (i = 0;; i++) {
		memset(info, 0, sizeof(*info));
		info->size = sizeof(*info);
		info->index = i;
		if (ioctl(fd, WQF_IOC_SCENARIO_INFO, info))
			break;
		if (!strcmp(info->name, name))
			return 0;
	}
	if (errno != ENOENT)
		fprintf(stderr, "wqfault: scenario info: %s\n", strerror(errno));
	else
		fprintf(stderr, "wqfault: unknown scenario '%s' (see: wqfault list)\n", name);
	return 1;
}

static int cmd_list(int fd)
{
	struct wqf_scenario_info info;
	unsigned int i, v;

	for (i = 0;; i++) {
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		info.index = i;
		if (ioctl(fd, WQF_IOC_SCENARIO_INFO, &info))
			break;
		printf("%-10s", info.name);
		for (v = 0; v < info.nr_variants && v < WQF_MAX_VARIANTS; v++)
			printf(" %s", info.variants[v]);
		printf("\n");
	}
	if (errno != ENOENT) {
		fprintf(stderr, "wqfault: list: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

static int lookup(const char *const *tbl, unsigned int n, const char *s)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(tbl[i], s))
			return i;
	return -1;
}

/* Parse "--name=value" into a number; 1 on match, -1 on a bad value. */
static int opt_num(const char *arg, const char *name, long long lo, long long hi,
		   long long *out)
{
	size_t n = strlen(name);
	char *end;

	if (strncmp(arg, name, n) || arg[n] != '=')
		return 0;
	errno = 0;
	*out = strtoll(arg + n + 1, &end, 0);
	if (errno || end == arg + n + 1 || *end || *out < lo || *out > hi) {
		fprintf(stderr, "wqfault: bad value in %s\n", arg);
		return -1;
	}
	return 1;
}

static const char *opt_str(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(arg, name, n) || arg[n] != '=' ? NULL : arg + n + 1;
}

struct run_opts {
	struct wqf_run run;
	const char *variant;
	int json;
	int expect;
	long long repeat;
	long long fail_nth;	/* 0: leave /proc/thread-self/fail-nth alone */
	int demo;	/* `wqfault demo`: only the load options */
	const char *trace;	/* --trace=FILE */
	char title[512];	/* the command line, for the trace file */
	long long max_active, cpu, connect_cpu;	/* starve, resolved at the end */
};

struct num_opt {
	const char *name;
	long long lo, hi;
	void *dst;
	int is_u32;
};

/* Match @a against @nums: 1 matched and stored, 0 no match, -1 bad value. */
static int parse_num(const char *a, const struct num_opt *nums, size_t n)
{
	long long v;
	size_t j;
	int r;

	for (j = 0; j < n; j++) {
		r = opt_num(a, nums[j].name, nums[j].lo, nums[j].hi, &v);
		if (r > 0 && nums[j].is_u32)
			*(__u32 *)nums[j].dst = v;
		else if (r > 0)
			*(long long *)nums[j].dst = v;
		if (r)
			return r;
	}
	return 0;
}

/* Match "--name=word" against a table: 1 stored, 0 no match, -1 unknown. */
static int parse_word(const char *a, const char *name, const char *const *tbl,
		      unsigned int n, __u32 *dst)
{
	const char *s = opt_str(a, name);
	int r;

	if (!s)
		return 0;
	r = lookup(tbl, n, s);
	if (r < 0) {
		fprintf(stderr, "wqfault: unknown value in %s\n", a);
		return -1;
	}
	*dst = r;
	return 1;
}

/* Match the bare flag @name: 1 and @bit set in the run flags, or 0. */
static int parse_flag(const char *a, const char *name, struct run_opts *o, __u32 bit)
{
	if (strcmp(a, name))
		return 0;
	o->run.flags |= bit;
	return 1;
}

static int starve_opt(const char *a, struct run_opts *o)
{
	struct wqf_starve *k = &o->run.starve;
	const struct num_opt nums[] = {
		{ "--max-active", 0, UINT_MAX, &o->max_active, 0 },
		{ "--requests", 0, UINT_MAX, &k->requests, 1 },
		{ "--shares", 0, UINT_MAX, &k->shares, 1 },
		{ "--cached", 0, UINT_MAX, &k->cached, 1 },
		{ "--throttle", 0, UINT_MAX, &k->throttle, 1 },
		{ "--connect-delay-us", 0, UINT_MAX, &k->connect_delay_us, 1 },
		{ "--cpu", INT_MIN, INT_MAX, &o->cpu, 0 },
		{ "--connect-cpu", INT_MIN, INT_MAX, &o->connect_cpu, 0 },
	};
	int r;

	if (o->demo && opt_str(a, "--throttle")) {
		fprintf(stderr, "wqfault: '%s' is for run; demo picks the variants\n", a);
		return -1;
	}
	r = parse_num(a, nums, ARRAY_SIZE(nums));
	if (!r)
		r = parse_word(a, "--queue", queues, ARRAY_SIZE(queues), &k->queue);
	if (!r)
		r = parse_word(a, "--placement", placements, ARRAY_SIZE(placements),
			       &k->placement);
	if (r)
		return r;
	if (!strcmp(a, "--highpri"))
		k->queue_flags |= WQF_QF_HIGHPRI;
	else if (!strcmp(a, "--mem-reclaim"))
		k->queue_flags |= WQF_QF_MEM_RECLAIM;
	else if (!strcmp(a, "--confirm"))
		o->run.flags |= WQF_RUN_CONFIRM;
	else
		return 0;
	return 1;
}

static void starve_init(struct run_opts *o)
{
	o->run.starve.requests = 16;
	o->max_active = -1;
	o->connect_cpu = -1;
}

static void starve_finish(struct run_opts *o)
{
	struct wqf_starve *k = &o->run.starve;

	/* Default max_active: 4, or 1 for an ordered queue (its only value). */
	if (o->max_active >= 0)
		k->max_active = o->max_active;
	else
		k->max_active = k->queue == WQF_QUEUE_ORDERED ? 1 : 4;
	k->cpu = o->cpu;
	if (o->connect_cpu != -1) {
		k->connect_placement = WQF_PLACE_PIN;
		k->connect_cpu = o->connect_cpu;
	}
}

static const char *const lock_kinds[] = { "mutex", "spinlock", "rwsem" };

static const char *const lockcb_paths[] = { "direct", "flush" };

static int lockcb_opt(const char *a, struct run_opts *o)
{
	struct wqf_lockcb *k = &o->run.lockcb;
	const struct num_opt nums[] = {
		{ "--sessions", 0, UINT_MAX, &k->sessions, 1 },
		{ "--expired", 0, UINT_MAX, &k->expired, 1 },
		{ "--idle-ms", 0, UINT_MAX, &k->idle_ms, 1 },
		{ "--bystanders", 0, UINT_MAX, &k->bystanders, 1 },
		{ "--closers", 0, UINT_MAX, &k->closers, 1 },
	};
	int r;

	r = parse_num(a, nums, ARRAY_SIZE(nums));
	if (!r)
		r = parse_word(a, "--lock", lock_kinds, ARRAY_SIZE(lock_kinds), &k->lock);
	if (!r)
		r = parse_word(a, "--path", lockcb_paths, ARRAY_SIZE(lockcb_paths), &k->path);
	if (r)
		return r;
	return parse_flag(a, "--no-lockdep", o, WQF_RUN_NO_LOCKDEP);
}

static void lockcb_init(struct run_opts *o)
{
	o->run.lockcb.sessions = 8;
	o->run.lockcb.bystanders = 4;
	o->run.lockcb.idle_ms = 10;
}

/* Returns 0, or 2 on a usage error (message printed). */
static int parse_run(int argc, char **argv, struct run_opts *o,
		     int (*opt)(const char *a, struct run_opts *o))
{
	const struct num_opt nums[] = {
		{ "--stall-timeout-ms", 0, UINT_MAX, &o->run.stall_timeout_ms, 1 },
		{ "--repeat", 1, 1000000, &o->repeat, 0 },
		{ "--hang-ms", 0, UINT_MAX, &o->run.hang.hang_ms, 1 },
		{ "--fail-nth", 0, INT_MAX, &o->fail_nth, 0 },
	};
	const char *s;
	int i, r;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (o->demo && (opt_str(a, "--variant") || opt_str(a, "--expect") ||
				opt_str(a, "--repeat") || !strcmp(a, "--json"))) {
			fprintf(stderr, "wqfault: '%s' is for run; demo picks the variants\n", a);
			return 2;
		}
		r = parse_num(a, nums, ARRAY_SIZE(nums));
		if (!r)
			r = opt(a, o);
		if (r < 0)
			return 2;
		if (r > 0)
			continue;
		if (!strcmp(a, "--json")) {
			o->json = 1;
		} else if (!strcmp(a, "--hang") && !o->demo) {
			o->run.flags |= WQF_RUN_HANG;
		} else if (opt_str(a, "--trace") && !o->demo) {
			o->trace = opt_str(a, "--trace");
		} else if (opt_str(a, "--variant")) {
			o->variant = opt_str(a, "--variant");
		} else if (opt_str(a, "--expect")) {
			s = opt_str(a, "--expect");
			o->expect = lookup(verdicts, ARRAY_SIZE(verdicts), s);
			if (o->expect < 1) {
				fprintf(stderr, "wqfault: unknown verdict '%s'\n", s);
				return 2;
			}
		} else {
			fprintf(stderr, "wqfault: unknown option '%s'\n", a);
			return 2;
		}
	}
	return 0;
}

static const char *const hang_ends[] = { "not-held", "deadline", "released", "aborted" };

/* The keys of every scenario's JSON line: struct wqf_run's own fields. */
static void json_head(const struct wqf_run *r, const char *scn, const char *variant)
{
	printf("{\"scenario\":\"%s\",\"variant\":\"%s\",\"verdict\":\"%s\",",
	       scn, variant, verdict_name(r->verdict));
	printf("\"run_id\":%llu,\"elapsed_us\":%llu,\"verdict_us\":%llu,",
	       (unsigned long long)r->run_id, (unsigned long long)r->elapsed_us,
	       (unsigned long long)r->verdict_us);
	printf("\"stall_timeout_ms\":%u,\"flags\":%u,", r->stall_timeout_ms, r->flags);
	printf("\"hang_ms\":%u,\"held_ms\":%u,\"hang_end\":\"%s\",", r->hang.hang_ms,
	       r->hang.held_ms, name_of(hang_ends, ARRAY_SIZE(hang_ends), r->hang.end));
}

/* The first line of every scenario's human output, and the hang if held. */
static void human_head(const struct wqf_run *r, const char *scn, const char *variant)
{
	printf("%s %s: %s after %.1f ms (run %llu, cleanup done at %.1f ms)\n",
	       scn, variant, verdict_name(r->verdict), r->verdict_us / 1000.0,
	       (unsigned long long)r->run_id, r->elapsed_us / 1000.0);
	if (r->hang.end != WQF_HANG_NOT_HELD)
		printf("  hang mode: held %u ms after the verdict, ended by %s\n",
		       r->hang.held_ms, name_of(hang_ends, ARRAY_SIZE(hang_ends), r->hang.end));
}

static void starve_json(const struct wqf_run *r, const char *variant)
{
	const struct wqf_starve *k = &r->starve;

	json_head(r, "starve", variant);
	printf("\"queue\":\"%s\",\"queue_flags\":%u,\"max_active\":%u,",
	       queue_name(k->queue), k->queue_flags,
	       k->max_active);
	printf("\"requests\":%u,\"shares\":%u,\"cached\":%u,\"throttle\":%u,",
	       k->requests, k->shares, k->cached, k->throttle);
	printf("\"connect_delay_us\":%u,\"placement\":\"%s\",\"cpu\":%d,",
	       k->connect_delay_us,
	       name_of(placements, ARRAY_SIZE(placements), k->placement), k->cpu);
	printf("\"connect_placement\":\"%s\",\"connect_cpu\":%d,",
	       name_of(placements, ARRAY_SIZE(placements), k->connect_placement),
	       k->connect_cpu);
	printf("\"completed\":%u,\"hits\":%u,\"misses\":%u,\"timed_out\":%u,",
	       k->completed, k->hits, k->misses, k->timed_out);
	printf("\"connects\":%u,\"max_in_flight\":%u,\"mem_bytes\":%llu,",
	       k->connects, k->max_in_flight, (unsigned long long)k->mem_bytes);
	printf("\"diag_waiting\":%u,\"diag_parked_connects\":%u,\"diag_parked_requests\":%u,",
	       k->diag_waiting, k->diag_parked_connects, k->diag_parked_requests);
	printf("\"diag_cpu\":%d,\"diag_node\":%d,\"diag_congested\":%u,",
	       k->diag_cpu, k->diag_node, k->diag_congested);
	printf("\"confirm\":\"%s\",\"oldest_parked_ms\":%u}\n",
	       name_of(confirms, ARRAY_SIZE(confirms), k->confirm),
	       k->oldest_parked_ms);
}

static void starve_human(const struct wqf_run *r, const char *variant)
{
	const struct wqf_starve *k = &r->starve;

	human_head(r, "starve", variant);
	printf("  queue %s%s%s max_active %u; requests %u, shares %u (%u cached)",
	       queue_name(k->queue),
	       k->queue_flags & WQF_QF_HIGHPRI ? "+highpri" : "",
	       k->queue_flags & WQF_QF_MEM_RECLAIM ? "+mem_reclaim" : "",
	       k->max_active, k->requests, k->shares, k->cached);
	if (k->throttle)
		printf(", throttle %u", k->throttle);
	printf("\n  completed %u, hits %u, misses %u, timed out %u, connects %u,",
	       k->completed, k->hits, k->misses, k->timed_out, k->connects);
	printf(" max in flight %u\n", k->max_in_flight);
	if (r->verdict == WQF_VERDICT_DEADLOCK) {
		printf("  diagnosis: %u requests hold slots waiting for a connect;",
		       k->diag_waiting);
		printf(" %u connects and %u requests parked by the kernel (inactive)\n",
		       k->diag_parked_connects, k->diag_parked_requests);
		printf("             starved accounting: %s%d, node %d;",
		       k->diag_cpu >= 0 ? "cpu " : "unbound/ordered, cpu ",
		       k->diag_cpu, k->diag_node);
		printf(" workqueue_congested=%u; oldest parked connect %u ms\n",
		       k->diag_congested, k->oldest_parked_ms);
		if (r->flags & WQF_RUN_CONFIRM)
			printf("             confirm (max_active + 1): %s\n",
			       name_of(confirms, ARRAY_SIZE(confirms), k->confirm));
	}
}

static void lockcb_json(const struct wqf_run *r, const char *variant)
{
	const struct wqf_lockcb *k = &r->lockcb;

	json_head(r, "lockcb", variant);
	printf("\"lock\":\"%s\",\"path\":\"%s\",",
	       name_of(lock_kinds, ARRAY_SIZE(lock_kinds), k->lock),
	       name_of(lockcb_paths, ARRAY_SIZE(lockcb_paths), k->path));
	printf("\"sessions\":%u,\"expired\":%u,\"idle_ms\":%u,",
	       k->sessions, k->expired, k->idle_ms);
	printf("\"bystanders\":%u,\"closers\":%u,", k->bystanders, k->closers);
	printf("\"completed\":%u,\"double_completions\":%u,\"lost\":%u,\"bystanders_run\":%u,",
	       k->completed, k->double_completions, k->lost, k->bystanders_run);
	printf("\"bystander_max_delay_us\":%llu,\"bystander_mean_delay_us\":%llu,",
	       (unsigned long long)k->bystander_max_delay_us,
	       (unsigned long long)k->bystander_mean_delay_us);
	printf("\"diag_session\":%u,\"diag_holder_pid\":%u,",
	       k->diag_session, k->diag_holder_pid);
	printf("\"diag_waiter_pid\":%u,\"diag_recursive\":%u}\n",
	       k->diag_waiter_pid, k->diag_recursive);
}

static void lockcb_human(const struct wqf_run *r, const char *variant)
{
	const struct wqf_lockcb *k = &r->lockcb;

	human_head(r, "lockcb", variant);
	printf("  %s, completion path %s; %u sessions (%u expired, %u closed by a client)\n",
	       name_of(lock_kinds, ARRAY_SIZE(lock_kinds), k->lock),
	       name_of(lockcb_paths, ARRAY_SIZE(lockcb_paths), k->path),
	       k->sessions, k->expired, k->closers);
	printf("  completed %u, twice %u, lost %u;", k->completed,
	       k->double_completions, k->lost);
	printf(" bystanders run %u, waited up to %.1f ms (mean %.1f)\n",
	       k->bystanders_run, k->bystander_max_delay_us / 1000.0,
	       k->bystander_mean_delay_us / 1000.0);
	if (r->verdict != WQF_VERDICT_DEADLOCK)
		return;
	printf("  diagnosis: session %u's completion could not get the %s",
	       k->diag_session, name_of(lock_kinds, ARRAY_SIZE(lock_kinds), k->lock));
	printf(" held by pid %u (%s)\n", k->diag_holder_pid,
	       k->diag_recursive ? "the completing task itself: recursion" :
	       "another task, which waits for this one");
}

static int leak_opt(const char *a, struct run_opts *o)
{
	struct wqf_leak *k = &o->run.leak;
	const struct num_opt nums[] = {
		{ "--senders", 0, UINT_MAX, &k->senders, 1 },
		{ "--buffers", 0, UINT_MAX, &k->buffers, 1 },
		{ "--retry-delay-ms", 0, UINT_MAX, &k->retry_delay_ms, 1 },
		{ "--close-retries", 0, UINT_MAX, &k->close_retries, 1 },
		{ "--close-backoff-us", 0, UINT_MAX, &k->close_backoff_us, 1 },
		{ "--fault-write-at", 0, UINT_MAX, &k->fault_write_at, 1 },
		{ "--fault-close", 0, UINT_MAX, &k->fault_close, 1 },
		{ "--fault-connect", 0, UINT_MAX, &k->fault_connect, 1 },
	};
	int r;

	r = parse_num(a, nums, ARRAY_SIZE(nums));
	if (r)
		return r;
	return parse_flag(a, "--fault-attr", o, WQF_RUN_FAULT_ATTR);
}

static void leak_init(struct run_opts *o)
{
	o->run.leak.senders = 1;
	o->run.leak.buffers = 4;
	o->run.leak.retry_delay_ms = 10;
}

static void leak_names(const struct wqf_leak *k, const char *sep)
{
	unsigned int i;

	for (i = 0; i < k->leaked && i < WQF_LEAK_NAMES; i++)
		printf("%s\"%s\"", i ? sep : "", k->leaked_names[i]);
}

static void leak_json(const struct wqf_run *r, const char *variant)
{
	const struct wqf_leak *k = &r->leak;

	json_head(r, "leak", variant);
	printf("\"senders\":%u,\"buffers\":%u,\"retry_delay_ms\":%u,",
	       k->senders, k->buffers, k->retry_delay_ms);
	printf("\"close_retries\":%u,\"close_backoff_us\":%u,",
	       k->close_retries, k->close_backoff_us);
	printf("\"fault_write_at\":%u,\"fault_close\":%u,\"fault_connect\":%u,",
	       k->fault_write_at, k->fault_close, k->fault_connect);
	printf("\"opened\":%u,\"written\":%u,\"write_faults\":%u,\"connect_faults\":%u,",
	       k->opened, k->written, k->write_faults, k->connect_faults);
	printf("\"close_attempts\":%u,\"close_faults\":%u,\"torn_down\":%u,",
	       k->close_attempts, k->close_faults, k->torn_down);
	printf("\"retries\":%u,\"retries_ok\":%u,\"retries_busy\":%u,",
	       k->retries, k->retries_ok, k->retries_busy);
	printf("\"sites\":%u,\"sites_failed\":%u,\"leaked\":%u,\"leaked_names\":[",
	       k->sites, k->sites_failed, k->leaked);
	leak_names(k, ",");
	printf("]}\n");
}

static void leak_human(const struct wqf_run *r, const char *variant)
{
	const struct wqf_leak *k = &r->leak;

	human_head(r, "leak", variant);
	printf("  %u senders x %u buffers; opened %u, written %u; faults: write %u,",
	       k->senders, k->buffers, k->opened, k->written, k->write_faults);
	printf(" connect %u, close %u of %u attempts\n", k->connect_faults,
	       k->close_faults, k->close_attempts);
	if (r->flags & WQF_RUN_FAULT_ATTR)
		printf("  fault_attr: %u sites decided, %u chosen to fail\n",
		       k->sites, k->sites_failed);
	printf("  retries %u: %u succeeded, %u refused with EBUSY; torn down %u\n",
	       k->retries, k->retries_ok, k->retries_busy, k->torn_down);
	if (!k->leaked)
		return;
	printf("  leaked %u entr%s: ", k->leaked, k->leaked == 1 ? "y" : "ies");
	leak_names(k, ", ");
	printf("%s\n", k->leaked > WQF_LEAK_NAMES ? ", ..." : "");
}

static const char *const mux_waits[] = { "nothing", "a credit", "a resource" };

static int mux_opt(const char *a, struct run_opts *o)
{
	struct wqf_mux *k = &o->run.mux;
	const struct num_opt nums[] = {
		{ "--max-mux", 0, UINT_MAX, &k->max_mux, 1 },
		{ "--threads", 0, UINT_MAX, &k->threads, 1 },
		{ "--resources", 0, UINT_MAX, &k->resources, 1 },
		{ "--window-us", 0, UINT_MAX - 1, &k->window_us, 1 },
	};

	return parse_num(a, nums, ARRAY_SIZE(nums));
}

static void mux_init(struct run_opts *o)
{
	o->run.mux.max_mux = 1;
	o->run.mux.threads = 2;
	o->run.mux.resources = 1;
	o->run.mux.window_us = UINT_MAX;	/* not given */
}

/* Default window: 50 ms, or half the stall timeout if that is shorter. */
static void mux_finish(struct run_opts *o)
{
	unsigned int stall = o->run.stall_timeout_ms ? o->run.stall_timeout_ms : 1000;

	if (o->run.mux.window_us == UINT_MAX)
		o->run.mux.window_us = stall / 2 < 50 ? stall / 2 * 1000 : 50000;
}

static void mux_json(const struct wqf_run *r, const char *variant)
{
	const struct wqf_mux *k = &r->mux;

	json_head(r, "mux", variant);
	printf("\"max_mux\":%u,\"threads\":%u,\"resources\":%u,\"window_us\":%u,",
	       k->max_mux, k->threads, k->resources, k->window_us);
	printf("\"credits\":%u,\"credits_needed\":%u,\"completed\":%u,",
	       k->credits, k->credits_needed, k->completed);
	printf("\"writebacks\":%u,\"logoffs\":%u,\"timed_out\":%u,",
	       k->writebacks, k->logoffs, k->timed_out);
	printf("\"credit_waits\":%u,\"backoffs\":%u,\"max_credits_in_use\":%u,",
	       k->credit_waits, k->backoffs, k->max_credits_in_use);
	printf("\"unreleased\":%u,\"diag_cycle\":%u,", k->unreleased, k->diag_cycle);
	printf("\"diag_credit_thread\":%d,\"diag_credit_pid\":%u,\"diag_credit_waits\":\"%s\",",
	       k->diag_credit_thread, k->diag_credit_pid,
	       name_of(mux_waits, ARRAY_SIZE(mux_waits), k->diag_credit_waits));
	printf("\"diag_resource\":%d,\"diag_resource_thread\":%d,\"diag_resource_pid\":%u,",
	       k->diag_resource, k->diag_resource_thread, k->diag_resource_pid);
	printf("\"diag_resource_waits\":\"%s\",\"diag_credits_free\":%u,",
	       name_of(mux_waits, ARRAY_SIZE(mux_waits), k->diag_resource_waits),
	       k->diag_credits_free);
	printf("\"diag_credits_held\":%u,\"diag_credit_waiters\":%u,",
	       k->diag_credits_held, k->diag_credit_waiters);
	printf("\"diag_resource_waiters\":%u}\n", k->diag_resource_waiters);
}

static void mux_human(const struct wqf_run *r, const char *variant)
{
	const struct wqf_mux *k = &r->mux;

	human_head(r, "mux", variant);
	printf("  max_mux %u (%u credits in the pool, %u needed at once); %u threads:",
	       k->max_mux, k->credits, k->credits_needed, k->threads);
	printf(" %u writers, %u logoff; race window %u us\n", k->resources,
	       k->threads - k->resources, k->window_us);
	printf("  completed %u, write-backs %u, logoffs %u, timed out %u;",
	       k->completed, k->writebacks, k->logoffs, k->timed_out);
	printf(" waited for a credit %u, backed off %u, credits in use at most %u\n",
	       k->credit_waits, k->backoffs, k->max_credits_in_use);
	if (r->verdict != WQF_VERDICT_DEADLOCK)
		return;
	printf("  diagnosis: thread %d (pid %u) holds a credit and waits for %s %d;\n",
	       k->diag_credit_thread, k->diag_credit_pid,
	       name_of(mux_waits, ARRAY_SIZE(mux_waits), k->diag_credit_waits),
	       k->diag_resource);
	printf("             thread %d (pid %u) holds resource %d and waits for %s;\n",
	       k->diag_resource_thread, k->diag_resource_pid, k->diag_resource,
	       name_of(mux_waits, ARRAY_SIZE(mux_waits), k->diag_resource_waits));
	printf("             %s: %u of %u credits free, %u held by resource waiters,",
	       k->diag_cycle ? "a cycle" : "no cycle", k->diag_credits_free,
	       k->credits, k->diag_credits_held);
	printf(" %u threads wait for a credit\n", k->diag_credit_waiters);
}

static const char *const abba_modes[] = { "trigger", "race" };

static const char *const abba_resources[] = { "same", "different" };

static int abba_opt(const char *a, struct run_opts *o)
{
	struct wqf_abba *k = &o->run.abba;
	const struct num_opt nums[] = {
		{ "--clients", 0, UINT_MAX, &k->clients, 1 },
		{ "--race-window-us", 0, UINT_MAX, &k->race_window_us, 1 },
		{ "--iterations", 0, UINT_MAX, &k->iterations, 1 },
	};
	int r;

	r = parse_num(a, nums, ARRAY_SIZE(nums));
	if (!r)
		r = parse_word(a, "--mode", abba_modes, ARRAY_SIZE(abba_modes), &k->mode);
	if (!r)
		r = parse_word(a, "--resource", abba_resources,
			       ARRAY_SIZE(abba_resources), &k->resource);
	if (!r)
		r = parse_word(a, "--lock", lock_kinds, ARRAY_SIZE(lock_kinds), &k->lock);
	if (r)
		return r;
	return parse_flag(a, "--no-lockdep", o, WQF_RUN_NO_LOCKDEP);
}

static void abba_init(struct run_opts *o)
{
	o->run.abba.clients = 2;
}

static void abba_finish(struct run_opts *o)
{
	struct wqf_abba *k = &o->run.abba;

	if (!k->iterations)
		k->iterations = k->mode == WQF_ABBA_RACE ? 1000 : 1;
}

static void abba_json(const struct wqf_run *r, const char *variant)
{
	const struct wqf_abba *k = &r->abba;

	json_head(r, "abba", variant);
	printf("\"mode\":\"%s\",\"clients\":%u,",
	       name_of(abba_modes, ARRAY_SIZE(abba_modes), k->mode), k->clients);
	printf("\"resource\":\"%s\",\"lock\":\"%s\",\"race_window_us\":%u,",
	       name_of(abba_resources, ARRAY_SIZE(abba_resources), k->resource),
	       name_of(lock_kinds, ARRAY_SIZE(lock_kinds), k->lock), k->race_window_us);
	printf("\"iterations\":%u,\"completed\":%u,\"cycles\":%u,\"timed_out\":%u,",
	       k->iterations, k->completed, k->cycles, k->timed_out);
	printf("\"first_cycle_us\":%llu,\"diag_cycle\":%u,\"diag_resource\":%u,",
	       (unsigned long long)k->first_cycle_us, k->diag_cycle, k->diag_resource);
	printf("\"diag_iteration\":%u,\"diag_client\":%u,\"diag_client_pid\":%u,",
	       k->diag_iteration, k->diag_client, k->diag_client_pid);
	printf("\"diag_redir\":%u,\"diag_redir_pid\":%u,\"diag_waiter_pid\":%u}\n",
	       k->diag_redir, k->diag_redir_pid, k->diag_waiter_pid);
}

static void abba_human(const struct wqf_run *r, const char *variant)
{
	const struct wqf_abba *k = &r->abba;

	human_head(r, "abba", variant);
	printf("  %s mode, %u clients on %s resource%s, %s, race window %u us, %u iterations\n",
	       name_of(abba_modes, ARRAY_SIZE(abba_modes), k->mode), k->clients,
	       k->resource == WQF_ABBA_SAME ? "the same" : "different",
	       k->resource == WQF_ABBA_SAME ? "" : "s",
	       name_of(lock_kinds, ARRAY_SIZE(lock_kinds), k->lock),
	       k->race_window_us, k->iterations);
	printf("  opens completed %u, cycles closed %u, waits timed out %u\n",
	       k->completed, k->cycles, k->timed_out);
	if (!k->diag_cycle) {
		if (r->verdict == WQF_VERDICT_DEADLOCK)
			printf("  diagnosis: pid %u stalled on resource %u; no cycle found\n",
			       k->diag_waiter_pid, k->diag_resource);
		return;
	}
	printf("  diagnosis: AB-BA on resource %u, iteration %u (first at %.1f ms):\n",
	       k->diag_resource, k->diag_iteration, k->first_cycle_us / 1000.0);
	printf("    client %u (pid %u) holds the referral lock,", k->diag_client,
	       k->diag_client_pid);
	printf(" waits for the connection lock\n");
	printf("    redirector %u (pid %u) holds the connection lock,", k->diag_redir,
	       k->diag_redir_pid);
	printf(" waits for the referral lock\n");
}

struct scn_cli {
	const char *name;
	void (*init)(struct run_opts *o);
	int (*opt)(const char *a, struct run_opts *o);
	void (*finish)(struct run_opts *o);
	void (*human)(const struct wqf_run *r, const char *variant);
	void (*json)(const struct wqf_run *r, const char *variant);
};

static const struct scn_cli scn_clis[] = {
	{ "starve", starve_init, starve_opt, starve_finish, starve_human, starve_json },
	{ "lockcb", lockcb_init, lockcb_opt, NULL, lockcb_human, lockcb_json },
	{ "abba", abba_init, abba_opt, abba_finish, abba_human, abba_json },
	{ "mux", mux_init, mux_opt, mux_finish, mux_human, mux_json },
	{ "leak", leak_init, leak_opt, NULL, leak_human, leak_json },
};

/*
 * Longer names the CLI takes for variants whose ABI name had to be short
 * (at most 15 characters).
 */
static const struct variant_alias {
	const char *scenario, *alias, *name;
} variant_aliases[] = {
	{ "mux", "release-before-wait", "release-first" },
};

/* The index of variant @vname of @info, or -1 with a message. */
static int variant_index(const struct wqf_scenario_info *info, const char *vname)
{
	size_t i;
	int v;

	for (i = 0; i < ARRAY_SIZE(variant_aliases); i++)
		if (!strcmp(info->name, variant_aliases[i].scenario) &&
		    !strcmp(vname, variant_aliases[i].alias))
			vname = variant_aliases[i].name;
	for (v = 0; v < (int)info->nr_variants; v++)
		if (!strcmp(info->variants[v], vname))
			return v;
	fprintf(stderr, "wqfault: %s has no variant '%s' (see: wqfault list)\n",
		info->name, vname);
	return -1;
}

/*
 * Arm this thread's fail-nth: the Nth should_fail() call in this thread
 * fails. Returns the open file, or -1 with a message.
 */
static int fail_nth_arm(long long n)
{
	char buf[24];
	int nfd, len;

	nfd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (nfd < 0) {
		fprintf(stderr, "wqfault: /proc/thread-self/fail-nth: %s%s\n",
			strerror(errno), errno == ENOENT ?
			" (the kernel has no CONFIG_FAULT_INJECTION)" : "");
		return -1;
	}
	len = snprintf(buf, sizeof(buf), "%lld", n);
	if (pwrite(nfd, buf, len, 0) != len) {
		fprintf(stderr, "wqfault: fail-nth: %s\n", strerror(errno));
		close(nfd);
		return -1;
	}
	return nfd;
}

/* Disarm; 1 if the fault was injected (the count reached 0), else 0. */
static int fail_nth_done(int nfd)
{
	char buf[24] = "";
	ssize_t n = pread(nfd, buf, sizeof(buf) - 1, 0);

	if (pwrite(nfd, "0", 1, 0) != 1)
		fprintf(stderr, "wqfault: fail-nth: %s\n", strerror(errno));
	close(nfd);
	return n > 0 && strtol(buf, NULL, 10) == 0;
}

static int do_run(int fd, struct run_opts *o, const struct wqf_scenario_info *info,
		  const struct scn_cli *sc)
{
	const char *vname = o->variant ? o->variant : "buggy";
	int v = variant_index(info, vname), rc = 0;
	long long i;

	if (v < 0)
		return 2;
	if (o->trace && o->repeat != 1) {
		fprintf(stderr, "wqfault: --trace records one run: no --repeat\n");
		return 2;
	}
	o->run.size = sizeof(o->run);
	o->run.scenario = info->id;
	o->run.variant = v;
	for (i = 0; i < o->repeat; i++) {
		struct wqf_run r = o->run;
		int nfd = -1, err;

		if (o->trace && trace_begin())
			return 1;
		if (o->fail_nth) {
			nfd = fail_nth_arm(o->fail_nth);
			if (nfd < 0)
				return 1;
		}
		err = ioctl(fd, WQF_IOC_RUN, &r) ? errno : 0;
		if (nfd >= 0 && !fail_nth_done(nfd))
			fprintf(stderr, "wqfault: fail-nth %lld: not reached, nothing injected\n",
				o->fail_nth);
		if (o->trace && trace_save(o->trace, o->title))
			rc = 1;
		if (err) {
			fprintf(stderr, "wqfault: run %s: %s\n", info->name,
				strerror(err));
			return 1;
		}
		if (o->json)
			sc->json(&r, vname);
		else
			sc->human(&r, vname);
		if (o->expect > 0 && (int)r.verdict != o->expect) {
			fprintf(stderr, "wqfault: expected %s, got %s\n",
				verdicts[o->expect], verdict_name(r.verdict));
			rc = 1;
		}
	}
	return rc;
}

/* The CLI entry of scenario @name, or NULL with a message. */
static const struct scn_cli *scn_cli_of(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(scn_clis); i++)
		if (!strcmp(name, scn_clis[i].name))
			return &scn_clis[i];
	fprintf(stderr, "wqfault: unknown scenario '%s' (see: wqfault list)\n", name);
	return NULL;
}

/* Fill @o from the options @argv of scenario @sc; 0 or 2 (usage error). */
static int prepare_run(const struct scn_cli *sc, int argc, char **argv,
		       struct run_opts *o)
{
	int rc;

	memset(o, 0, sizeof(*o));
	o->repeat = 1;
	sc->init(o);
	rc = parse_run(argc, argv, o, sc->opt);
	if (!rc)
		if (sc->finish)	/* NULL: the options need no resolving */
			sc->finish(o);
	return rc;
}

static int cmd_run(int argc, char **argv)
{
	const struct scn_cli *sc;
	struct wqf_scenario_info info;
	struct run_opts o;
	int i, fd, rc;

	if (argc < 1) {
		print_usage(stderr);
		return 2;
	}
	sc = scn_cli_of(argv[0]);
	if (!sc)
		return 2;
	rc = prepare_run(sc, argc - 1, argv + 1, &o);
	if (rc)
		return rc;
	snprintf(o.title, sizeof(o.title), "wqfault run");
	for (i = 0; i < argc; i++)
		if (!opt_str(argv[i], "--trace") &&
		    strlen(o.title) + strlen(argv[i]) + 2 < sizeof(o.title))
			strcat(strcat(o.title, " "), argv[i]);
	fd = open_dev();
	if (fd < 0)
		return 1;
	rc = find_scenario(fd, argv[0], &info);
	if (!rc)
		rc = do_run(fd, &o, &info, sc);
	close(fd);
	return rc;
}

/*
 * `wqfault sweep`: a grid of runs in one go. Up to two options take a range
 * "--name=A..B" (the first gives the columns, the second the rows), and
 * --variant a comma-separated list; every cell is one run with the other
 * options as given.
 */
#define SWEEP_MAX_AXES 2
#define SWEEP_MAX_VARIANTS 8
#define SWEEP_MAX_CELLS 100000

struct sweep_axis {
	char name[48];
	long long lo, hi;
};

struct sweep_cell {
	int variant;
	long long x, y;
	int err;	/* errno of the run ioctl, or 0 */
	struct wqf_run r;
};

static const char sweep_marks[] = "?CDLA";	/* by enum wqf_verdict */

static char sweep_mark(const struct sweep_cell *c)
{
	if (c->err)
		return c->err == EINVAL ? '-' : 'E';
	return c->r.verdict < sizeof(sweep_marks) - 1 ? sweep_marks[c->r.verdict] : '?';
}

/* "--name=A..B": 1 and the axis filled, 0 not a range, -1 a bad range. */
static int sweep_range(const char *a, struct sweep_axis *ax)
{
	const char *eq = strchr(a, '='), *dots = strstr(a, "..");
	char *end;

	if (strncmp(a, "--", 2) || !eq || !dots || dots < eq ||
	    (size_t)(eq - a) >= sizeof(ax->name))
		return 0;
	memcpy(ax->name, a, eq - a);
	ax->name[eq - a] = '\0';
	errno = 0;
	ax->lo = strtoll(eq + 1, &end, 0);
	if (errno || end != dots)
		return -1;
	ax->hi = strtoll(dots + 2, &end, 0);
	if (errno || *end || end == dots + 2 || ax->hi < ax->lo)
		return -1;
	return 1;
}

static int sweep_cell_run(int fd, const struct scn_cli *sc,
			  const struct wqf_scenario_info *info, char **fixed,
			  int nfixed, const struct sweep_axis *axes, int naxes,
			  struct sweep_cell *c, const char *vname)
{
	char opt[SWEEP_MAX_AXES][80], *argv[64];
	struct run_opts o;
	int i, n = 0;

	for (i = 0; i < nfixed && n < 60; i++)
		argv[n++] = fixed[i];
	for (i = 0; i < naxes; i++) {
		snprintf(opt[i], sizeof(opt[i]), "%s=%lld", axes[i].name,
			 i == 0 ? c->x : c->y);
		argv[n++] = opt[i];
	}
	if (prepare_run(sc, n, argv, &o))
		return 2;
	o.run.size = sizeof(o.run);
	o.run.scenario = info->id;
	o.run.variant = variant_index(info, vname);
	c->r = o.run;
	c->err = ioctl(fd, WQF_IOC_RUN, &c->r) ? errno : 0;
	return 0;
}

/* The cells of one variant, in order: rows (second axis), then columns. */
static void sweep_table(const struct sweep_cell *cells, const struct sweep_axis *axes,
			int naxes, const char *vname)
{
	const struct sweep_axis *col = &axes[0], *row = &axes[1];
	long long x, y;

	if (naxes > 1)
		printf("\n%s: rows %s, columns %s\n", vname, row->name + 2, col->name + 2);
	else
		printf("\n%s: %s\n", vname, col->name + 2);
	printf("%8s", "");
	for (x = col->lo; x <= col->hi; x++)
		printf(" %3lld", x);
	printf("\n");
	for (y = row->lo; y <= row->hi; y++) {
		if (naxes > 1)
			printf("%8lld", y);
		else
			printf("%8s", "");
		for (x = col->lo; x <= col->hi; x++)
			printf("   %c", sweep_mark(cells++));
		printf("\n");
	}
}

/* One record per cell, as CSV or as the elements of a JSON array. */
static void sweep_record(const char *fmt, const char *scn, const char *vname,
			 const struct sweep_cell *c, const struct sweep_axis *axes,
			 int naxes, int first)
{
	const char *verdict = c->err ? "ERROR" : verdict_name(c->r.verdict);

	if (!strcmp(fmt, "csv")) {
		printf("%s,%s,%lld,", scn, vname, c->x);
		if (naxes > 1)
			printf("%lld,", c->y);
		printf("%s,%llu,%d\n", verdict, (unsigned long long)c->r.verdict_us, c->err);
		return;
	}
	printf("%s{\"scenario\":\"%s\",\"variant\":\"%s\",", first ? "" : ",\n ",
	       scn, vname);
	printf("\"%s\":%lld,", axes[0].name + 2, c->x);
	if (naxes > 1)
		printf("\"%s\":%lld,", axes[1].name + 2, c->y);
	printf("\"verdict\":\"%s\",\"verdict_us\":%llu,\"errno\":%d}", verdict,
	       (unsigned long long)c->r.verdict_us, c->err);
}

static int cmd_sweep(int argc, char **argv)
{
	const char *variants[SWEEP_MAX_VARIANTS], *fmt = "table";
	struct sweep_axis axes[SWEEP_MAX_AXES];
	char *fixed[48], vlist[256] = "buggy", *save, *v;
	struct wqf_scenario_info info;
	struct sweep_cell *cells;
	int i, r, naxes = 0, nfixed = 0, nvar = 0, fd = -1, rc = 0;
	const char *term = getenv("TERM");
	/* a live counter on a terminal; else a line per tenth of the grid */
	int live = isatty(2) && term && strcmp(term, "dumb");
	const struct scn_cli *sc;
	size_t total, k = 0;
	long long x, y;

	if (argc < 1) {
		print_usage(stderr);
		return 2;
	}
	sc = scn_cli_of(argv[0]);
	if (!sc)
		return 2;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		r = sweep_range(a, &axes[naxes < SWEEP_MAX_AXES ? naxes : 0]);
		if (r < 0 || (r > 0 && naxes == SWEEP_MAX_AXES)) {
			fprintf(stderr, "wqfault: sweep: bad range '%s' (%s)\n", a,
				"--name=A..B, at most two");
			return 2;
		}
		if (r > 0) {
			naxes++;
			continue;
		}
		if (opt_str(a, "--variant")) {
			snprintf(vlist, sizeof(vlist), "%s", opt_str(a, "--variant"));
			continue;
		}
		if (!strcmp(a, "--json") || !strcmp(a, "--csv")) {
			fmt = a + 2;
			continue;
		}
		if (opt_str(a, "--repeat") || opt_str(a, "--expect") ||
		    opt_str(a, "--trace") || nfixed == (int)ARRAY_SIZE(fixed)) {
			fprintf(stderr, "wqfault: sweep: '%s' is for run\n", a);
			return 2;
		}
		fixed[nfixed++] = argv[i];
	}
	for (v = strtok_r(vlist, ",", &save); v && nvar < SWEEP_MAX_VARIANTS;
	     v = strtok_r(NULL, ",", &save))
		variants[nvar++] = v;
	if (!naxes || !nvar) {
		fprintf(stderr, "wqfault: sweep needs a range, e.g. --requests=1..32\n");
		return 2;
	}
	if (naxes == 1) {
		axes[1].lo = 0;
		axes[1].hi = 0;
	}
	total = nvar * (size_t)(axes[0].hi - axes[0].lo + 1) *
		(size_t)(axes[1].hi - axes[1].lo + 1);
	if (total > SWEEP_MAX_CELLS) {
		fprintf(stderr, "wqfault: sweep: %zu cells, at most %d\n", total,
			SWEEP_MAX_CELLS);
		return 2;
	}
	/* Options are checked once, before any run: a typo is a usage error. */
	{
		struct run_opts o;

		if (prepare_run(sc, nfixed, fixed, &o))
			return 2;
	}
	cells = calloc(total, sizeof(*cells));
	if (!cells) {
		perror("wqfault: sweep");
		return 1;
	}
	fd = open_dev();
	if (fd < 0 || find_scenario(fd, argv[0], &info)) {
		rc = 1;
		goto out;
	}
	for (i = 0; i < nvar; i++)
		if (variant_index(&info, variants[i]) < 0) {
			rc = 2;
			goto out;
		}
	for (i = 0; i < nvar; i++)
		for (y = axes[1].lo; y <= axes[1].hi; y++)
			for (x = axes[0].lo; x <= axes[0].hi; x++, k++) {
				cells[k].variant = i;
				cells[k].x = x;
				cells[k].y = y;
				if (sweep_cell_run(fd, sc, &info, fixed, nfixed, axes,
						   naxes, &cells[k], variants[i])) {
					rc = 2;
					goto out;
				}
				if (cells[k].err && cells[k].err != EINVAL)
					rc = 1;
				if (live || k + 1 == total || (k + 1) % ((total + 9) / 10) == 0)
					fprintf(stderr, "%ssweep: %zu/%zu runs%s", live ? "\r" : "",
						k + 1, total, live && k + 1 < total ? "" : "\n");
			}
	if (!strcmp(fmt, "csv"))
		printf("scenario,variant,%s,%s%sverdict,verdict_us,errno\n", axes[0].name + 2,
		       naxes > 1 ? axes[1].name + 2 : "", naxes > 1 ? "," : "");
	if (!strcmp(fmt, "json"))
		printf("[");
	for (k = 0; k < total && strcmp(fmt, "table"); k++)
		sweep_record(fmt, argv[0], variants[cells[k].variant], &cells[k], axes,
			     naxes, k == 0);
	if (!strcmp(fmt, "json"))
		printf("]\n");
	if (!strcmp(fmt, "table")) {
		printf("wqfault sweep %s: D deadlock, C completed, L leaked, A aborted,", argv[0]);
		printf(" - invalid (EINVAL), E error\n");
		for (i = 0; i < nvar; i++)
			sweep_table(cells + i * (total / nvar), axes, naxes, variants[i]);
	}
out:
	if (fd >= 0)
		close(fd);
	free(cells);
	return rc;
}

static void row_s(const char *label, const char *a, const char *b)
{
	printf("%-34s %-18s %-18s\n", label, a, b);
}

static void row_u(const char *label, unsigned int a, unsigned int b)
{
	printf("%-34s %-18u %-18u\n", label, a, b);
}

static void row_f(const char *label, double a, double b)
{
	printf("%-34s %-18.1f %-18.1f\n", label, a, b);
}

/* starve buggy and throttled under the same load, side by side. */
static int cmd_demo(int argc, char **argv)
{
	struct wqf_scenario_info info;
	struct wqf_run res[2];
	const char *names[2] = { "buggy", "throttle" };
	struct run_opts o;
	int fd, i, rc;

	memset(&o, 0, sizeof(o));
	o.demo = 1;
	starve_init(&o);
	rc = parse_run(argc, argv, &o, starve_opt);
	if (rc)
		return rc;
	starve_finish(&o);
	fd = open_dev();
	if (fd < 0)
		return 1;
	if (find_scenario(fd, "starve", &info)) {
		close(fd);
		return 1;
	}
	for (i = 0; i < 2; i++) {
		res[i] = o.run;
		res[i].size = sizeof(res[i]);
		res[i].scenario = info.id;
		res[i].variant = i == 0 ? WQF_STARVE_BUGGY : WQF_STARVE_THROTTLE;
		if (ioctl(fd, WQF_IOC_RUN, &res[i])) {
			fprintf(stderr, "wqfault: demo %s: %s\n", names[i], strerror(errno));
			close(fd);
			return 1;
		}
	}
	close(fd);
	printf("starve: %u requests, queue %s, max_active %u, %u shares (%u cached)\n\n",
	       res[0].starve.requests, queue_name(res[0].starve.queue),
	       res[0].starve.max_active, res[0].starve.shares, res[0].starve.cached);
	printf("%-34s %-18s %-18s\n", "", "buggy", "throttle");
	row_s("verdict", verdict_name(res[0].verdict), verdict_name(res[1].verdict));
	row_u("requests in flight at most", res[0].starve.max_in_flight,
	      res[1].starve.max_in_flight);
	row_u("requests completed", res[0].starve.completed, res[1].starve.completed);
	row_u("connect items run", res[0].starve.connects, res[1].starve.connects);
	row_u("slots held by waiting requests", res[0].starve.diag_waiting,
	      res[1].starve.diag_waiting);
	row_u("connects parked (inactive)", res[0].starve.diag_parked_connects,
	      res[1].starve.diag_parked_connects);
	row_u("requests parked (inactive)", res[0].starve.diag_parked_requests,
	      res[1].starve.diag_parked_requests);
	row_f("time to verdict (ms)", res[0].verdict_us / 1000.0,
	      res[1].verdict_us / 1000.0);
	printf("\nbuggy: every slot is held by a request waiting for a connect item that\n"
	       "the kernel keeps parked behind them; throttle keeps %u slot(s) free.\n",
	       res[1].starve.max_active - res[1].starve.throttle);
	return res[0].verdict == WQF_VERDICT_DEADLOCK &&
	       res[1].verdict == WQF_VERDICT_COMPLETED ? 0 : 1;
}

int main(int argc, char **argv)
{
	const char *cmd;
	int i = 1, fd, rc;

	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strncmp(argv[i], "--dev=", 6)) {
			dev_path = argv[i] + 6;
			continue;
		}
		if (!strcmp(argv[i], "--help")) {
			print_usage(stdout);
			return 0;
		}
		fprintf(stderr, "wqfault: unknown option %s\n", argv[i]);
		print_usage(stderr);
		return 2;
	}
	if (i >= argc) {
		print_usage(stderr);
		return 2;
	}
	cmd = argv[i++];
	if (!strcmp(cmd, "help")) {
		print_usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "version") && strcmp(cmd, "list") && strcmp(cmd, "run") &&
	    strcmp(cmd, "demo") && strcmp(cmd, "timeline") && strcmp(cmd, "sweep") &&
	    strcmp(cmd, "release") && strcmp(cmd, "torture")) {
		fprintf(stderr, "wqfault: unknown command '%s'\n", cmd);
		print_usage(stderr);
		return 2;
	}
	if ((!strcmp(cmd, "version") || !strcmp(cmd, "list") ||
	     !strcmp(cmd, "release")) && i != argc) {
		print_usage(stderr);
		return 2;
	}
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - i, argv + i);
	if (!strcmp(cmd, "demo"))
		return cmd_demo(argc - i, argv + i);
	if (!strcmp(cmd, "timeline"))
		return cmd_timeline(argc - i, argv + i);
	if (!strcmp(cmd, "sweep"))
		return cmd_sweep(argc - i, argv + i);
	if (!strcmp(cmd, "torture"))
		return cmd_torture(argc - i, argv + i, dev_path);
	fd = open_dev();
	if (fd < 0)
		return 1;
	if (!strcmp(cmd, "release"))
		rc = cmd_release(fd);
	else
		rc = !strcmp(cmd, "version") ? cmd_version(fd) : cmd_list(fd);
	close(fd);
	return rc;
}
