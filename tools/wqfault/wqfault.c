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
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/wqfault.h>

#include "cli.h"
#include "fields.h"

static const char *dev_path = "/dev/wqfault";

static const char *const verdicts[] = {
	"NONE", "COMPLETED", "DEADLOCK", "LEAKED", "ABORTED",
};

static const char *verdict_name(unsigned int v)
{
	return v < ARRAY_SIZE(verdicts) ? verdicts[v] : "?";
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
	int ret = wqf_scenario_find(fd, name, 0, info);

	if (ret == -ENOENT)
		fprintf(stderr, "wqfault: unknown scenario '%s' (see: wqfault list)\n", name);
	else if (ret)
		fprintf(stderr, "wqfault: scenario info: %s\n", strerror(-ret));
	return !!ret;
}

static int cmd_list(int fd)
{
	struct wqf_scenario_info info;
	unsigned int i, v;

	for (i = 0; !wqf_scenario_nth(fd, i, &info); i++) {
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

/*
 * The module's tables. Every knob and result of a scenario, its name,
 * type, range, default, unit and help come from WQF_IOC_FIELD_INFO; the
 * CLI parses, prints and documents them without knowing any scenario.
 */
/* Load scenario @name's tables into @t; 0, or 1 with a message. */
static int load_tab(int fd, const char *name, struct wqf_tab *t)
{
	struct wqf_scenario_info info;
	int ret;

	if (find_scenario(fd, name, &info))
		return 1;
	ret = wqf_tab_load(fd, &info, t);
	if (ret == -E2BIG)
		fprintf(stderr, "wqfault: %s: %u fields, %u-byte payload; the CLI takes %d, %zu\n",
			name, info.nr_fields, info.payload_size, WQF_TAB_MAX_FIELDS,
			sizeof(((struct wqf_runbuf *)0)->data));
	else if (ret)
		fprintf(stderr, "wqfault: field info: %s\n", strerror(-ret));
	return !!ret;
}

/* The option spelling of a field name: '-' for '_'. */
static void opt_name(char *dst, size_t len, const char *name)
{
	size_t i;

	for (i = 0; name[i] && i + 1 < len; i++)
		dst[i] = name[i] == '_' ? '-' : name[i];
	dst[i] = '\0';
}

/*
 * Does option word @w (without "--", up to '=' or its end: @n chars) name
 * field @f? Its name with '-' for '_', or that name without its unit
 * suffix (--stall-timeout=250ms for stall_timeout_ms).
 */
static bool opt_is(const char *w, size_t n, const struct wqf_field_info *f)
{
	char o[WQF_FIELD_NAME_LEN];
	size_t ul = strlen(f->unit), ol;

	opt_name(o, sizeof(o), f->name);
	ol = strlen(o);
	if (n == ol && !strncmp(w, o, n))
		return true;
	return ul && ol > ul + 1 && n == ol - ul - 1 && o[n] == '-' &&
	       !strcmp(o + n + 1, f->unit) && !strncmp(w, o, n);
}

static int name_index(const struct wqf_field_info *f, const char *s, size_t n)
{
	unsigned int i;

	for (i = 0; i < f->nr_names; i++)
		if (f->names[i][0] && strlen(f->names[i]) == n && !strncmp(f->names[i], s, n))
			return i;
	return -1;
}

static void print_names(FILE *out, const struct wqf_field_info *f, const char *sep)
{
	unsigned int i, n = 0;

	for (i = 0; i < f->nr_names; i++)
		if (f->names[i][0])
			fprintf(out, "%s%s", n++ ? sep : "", f->names[i]);
}

/* Microseconds per unit, for values given with another time unit. */
static double unit_us(const char *u)
{
	if (!strcmp(u, "us"))
		return 1;
	if (!strcmp(u, "ms"))
		return 1000;
	if (!strcmp(u, "s"))
		return 1000000;
	return 0;
}

/*
 * Parse @val for field @f into @out. Numbers may carry a time unit when
 * the field has one (250ms, 1s, 500us); enums take their names, flags a
 * comma-separated list of names. @check: also refuse values outside the
 * field's range (a sweep leaves that to the module). 0, or -1 with a
 * message.
 */
static int parse_value(const struct wqf_field_info *f, const char *val, bool check,
		       long long *out)
{
	char o[WQF_FIELD_NAME_LEN];
	const char *p = val;
	char *end;
	int i;

	opt_name(o, sizeof(o), f->name);
	if (f->type == WQF_FIELD_ENUM) {
		i = name_index(f, val, strlen(val));
		if (i >= 0) {
			*out = i;
			return 0;
		}
		fprintf(stderr, "wqfault: --%s: unknown value '%s' (one of: ", o, val);
		print_names(stderr, f, ", ");
		fprintf(stderr, ")\n");
		return -1;
	}
	if (f->type == WQF_FIELD_FLAGS) {
		*out = 0;
		if (!strcmp(val, "0"))
			return 0;
		while (*p) {
			size_t n = strcspn(p, ",|");

			i = name_index(f, p, n);
			if (i < 0) {
				fprintf(stderr, "wqfault: --%s: unknown flag '%.*s' (known: ",
					o, (int)n, p);
				print_names(stderr, f, ", ");
				fprintf(stderr, ")\n");
				return -1;
			}
			*out |= 1LL << i;
			p += n + !!p[n];
		}
		return 0;
	}
	if (f->type == WQF_FIELD_STRING) {
		fprintf(stderr, "wqfault: --%s is a result, not a knob\n", o);
		return -1;
	}
	errno = 0;
	*out = strtoll(val, &end, 0);
	if (errno || end == val) {
		fprintf(stderr, "wqfault: --%s: '%s' is not a number\n", o, val);
		return -1;
	}
	if (*end) {
		double from = unit_us(end), to = unit_us(f->unit);

		if (!from || !to || (long long)(*out * from) % (long long)to) {
			fprintf(stderr, "wqfault: --%s: bad unit in '%s'%s%s\n", o, val,
				to ? " (field in " : "", to ? f->unit : "");
			if (to)
				fprintf(stderr, "  a whole number of %s, e.g. 250%s\n", f->unit,
					f->unit);
			return -1;
		}
		*out = (long long)(*out * from) / (long long)to;
	}
	if (check && (*out < f->min || *out > f->max) &&
	    !(*out == 0 && (f->flags & (WQF_FIELD_AUTO | WQF_FIELD_ZERO_DEFAULT)))) {
		fprintf(stderr, "wqfault: --%s: %lld outside %lld..%lld%s\n", o, *out,
			f->min, f->max,
			f->flags & (WQF_FIELD_AUTO | WQF_FIELD_ZERO_DEFAULT) ? " (or 0)" : "");
		return -1;
	}
	return 0;
}

/*
 * Apply option @a ("--name=value", or "--bit" for a flag bit by its name)
 * to @run: 1 applied, 0 not a field option, -1 a bad value (message
 * printed). @check: refuse values outside the field's range.
 */
static int field_opt(const struct wqf_tab *t, struct wqf_runbuf *run, const char *a,
		     bool check)
{
	unsigned int fi;
	const struct wqf_field_info *f;
	const char *w = a + 2, *eq;
	size_t n;
	long long v;
	int bit;

	if (strncmp(a, "--", 2))
		return 0;
	eq = strchr(w, '=');
	n = eq ? (size_t)(eq - w) : strlen(w);
	/* A flag bit on its own: --hang, --highpri, --no-lockdep */
	for (fi = 0; (f = wqf_tab_nth(t, fi)); fi++) {
		if (eq || !(f->flags & WQF_FIELD_IN) || f->type != WQF_FIELD_FLAGS)
			continue;
		bit = name_index(f, w, n);
		if (bit >= 0) {
			wqf_tab_set(t, f, run, wqf_tab_get(t, f, run) | (1LL << bit));
			return 1;
		}
	}
	for (fi = 0; (f = wqf_tab_nth(t, fi)); fi++) {
		if (!(f->flags & WQF_FIELD_IN) || !opt_is(w, n, f))
			continue;
		if (!eq) {
			fprintf(stderr, "wqfault: --%.*s needs a value\n", (int)n, w);
			return -1;
		}
		if (parse_value(f, eq + 1, check, &v))
			return -1;
		wqf_tab_set(t, f, run, v);
		return 1;
	}
	return 0;
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: wqfault [--dev=PATH] COMMAND [ARGS]\n"
		"       wqfault -h | --help | -V | --version\n"
		"commands:\n"
		"  version             the module's ABI version and features\n"
		"  list                scenarios and their variants\n"
		"  run SCENARIO [OPTS] run one scenario to its verdict;\n"
		"                      `wqfault run SCENARIO --help` lists its knobs\n"
		"  demo [LOAD OPTS]    starve: buggy and throttle under the same load, side by\n"
		"                      side (starve's knobs but variant and throttle)\n"
		"  sweep SCENARIO --KNOB=A..B [--KNOB2=C..D] [--variant=V1,V2] [OPTS]\n"
		"                      one run per cell of the grid (first range: columns,\n"
		"                      second: rows) and a table of verdicts; --json or\n"
		"                      --csv for one record per cell\n"
		"  timeline TRACE... [-o OUT.svg] [--summary]\n"
		"                      draw runs recorded with run --trace (one panel\n"
		"                      each): slots, parked items, verdict; --summary\n"
		"                      prints what each panel shows at its verdict\n"
		"  release             end the hold of every run in hang mode\n"
		"  knobs               every scenario's knobs and results (reStructuredText)\n"
		"  torture [--duration=S] [--seed=N] [--workers=N] [--no-hotplug] [--no-rmmod]\n"
		"                      random runs, aborts, signals, closes, hang mode,\n"
		"                      rmmod attempts and CPU hotplug; every verdict checked\n"
		"                      against its knobs; exit 1 on any fault\n"
		"  help                this text\n"
		"run options besides the knobs:\n"
		"  --variant=NAME          the scenario's variant (default: its first, buggy)\n"
		"  --repeat=N              run N times; the exit status covers every run\n"
		"  --expect=VERDICT        exit 1 unless every verdict is VERDICT\n"
		"  --json                  one JSON object per run\n"
		"  --fail-nth=N            write N to /proc/thread-self/fail-nth before each\n"
		"                          run and say if the Nth fault site was reached\n"
		"  --trace=FILE            record wqfault:* and workqueue:* events of the run\n"
		"                          (tracefs) into FILE, for `wqfault timeline`\n");
}

/* `wqfault run SCENARIO --help`: the knobs, from the module's table. */
static void print_knobs(const struct wqf_tab *t)
{
	unsigned int fi;
	const struct wqf_field_info *f;
	unsigned int v;
	char o[WQF_FIELD_NAME_LEN], arg[96];

	printf("usage: wqfault run %s [--variant=V] [--KNOB=VALUE ...] [run options]\n",
	       t->info.name);
	printf("variants:");
	for (v = 0; v < t->info.nr_variants && v < WQF_MAX_VARIANTS; v++)
		printf(" %s", t->info.variants[v]);
	printf("\nknobs (from the module's field table):\n");
	for (fi = 0; (f = wqf_tab_nth(t, fi)); fi++) {
		if (!(f->flags & WQF_FIELD_IN))
			continue;
		opt_name(o, sizeof(o), f->name);
		if (f->type == WQF_FIELD_ENUM || f->type == WQF_FIELD_FLAGS) {
			size_t n = 0;
			unsigned int i;

			for (i = 0; i < f->nr_names && n < sizeof(arg) - 20; i++) {
				if (!f->names[i][0])
					continue;
				if (f->type == WQF_FIELD_FLAGS && f >= t->c &&
				    f < t->c + WQF_TAB_MAX_FIELDS &&
				    !((t->info.flags | WQF_RUN_DRY_RUN) & (1U << i)))
					continue;
				n += snprintf(arg + n, sizeof(arg) - n, "%s%s",
					      n ? (f->type == WQF_FIELD_ENUM ? "|" : ",") : "",
					      f->names[i]);
			}
			printf("  --%s=%s\n", o, arg);
			if (f->type == WQF_FIELD_ENUM)
				printf("      %s (default %s)\n", f->help,
				       f->def < f->nr_names ? f->names[f->def] : "?");
			else
				printf("      %s; each also as --NAME\n", f->help);
			continue;
		}
		printf("  --%s=N%s%s\n", o, f->unit[0] ? " " : "", f->unit);
		printf("      %s (%lld..%lld, default %lld)\n", f->help, f->min, f->max,
		       f->def);
	}
}

/* JSON string: quotes, backslashes and control characters escaped. */
static void json_str(const char *s, size_t max)
{
	size_t i;

	putchar('"');
	for (i = 0; i < max && s[i]; i++) {
		unsigned char c = s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_field(const struct wqf_tab *t, const struct wqf_field_info *f,
		       const struct wqf_runbuf *run)
{
	const char *at = wqf_tab_at(t, f, run);
	long long v = wqf_tab_get(t, f, run);
	unsigned int i, n = 0;

	printf(",\"%s\":", f->name);
	switch (f->type) {
	case WQF_FIELD_ENUM:
		json_str(v >= 0 && v < f->nr_names ? f->names[v] : "?", WQF_NAME_LEN);
		break;
	case WQF_FIELD_STRING:
		putchar('[');
		for (i = 0; i < f->count; i++) {
			if (!at[i * f->width])
				continue;
			if (n++)
				putchar(',');
			json_str(at + i * f->width, f->width);
		}
		putchar(']');
		break;
	case WQF_FIELD_U64:
		printf("%llu", (unsigned long long)v);
		break;
	default:
		printf("%lld", v);
	}
}

static void print_json(const struct wqf_tab *t, const struct wqf_runbuf *run,
		       const char *variant)
{
	unsigned int fi;
	const struct wqf_field_info *f;

	printf("{\"scenario\":");
	json_str(t->info.name, WQF_NAME_LEN);
	printf(",\"variant\":");
	json_str(variant, WQF_NAME_LEN);
	for (fi = 0; (f = wqf_tab_nth(t, fi)); fi++)
		json_field(t, f, run);
	printf("}\n");
}

/* One field as "value unit" for people. */
static void human_value(char *buf, size_t len, const struct wqf_tab *t,
			const struct wqf_field_info *f, const struct wqf_runbuf *run)
{
	const char *at = wqf_tab_at(t, f, run);
	long long v = wqf_tab_get(t, f, run);
	size_t n = 0;
	unsigned int i;

	buf[0] = '\0';
	switch (f->type) {
	case WQF_FIELD_ENUM:
		snprintf(buf, len, "%s", v >= 0 && v < f->nr_names ? f->names[v] : "?");
		break;
	case WQF_FIELD_FLAGS:
		for (i = 0; i < 32 && n < len; i++)
			if (v & (1LL << i))
				n += snprintf(buf + n, len - n, "%s%s", n ? "," : "",
					      i < f->nr_names && f->names[i][0] ?
					      f->names[i] : "?");
		if (!n)
			snprintf(buf, len, "none");
		break;
	case WQF_FIELD_STRING:
		for (i = 0; i < f->count && at[i * f->width] && n < len; i++)
			n += snprintf(buf + n, len - n, "%s%.*s", i ? "," : "",
				      (int)f->width, at + i * f->width);
		break;
	case WQF_FIELD_U64:
		snprintf(buf, len, "%llu%s%s", (unsigned long long)v,
			 f->unit[0] ? " " : "", f->unit);
		break;
	default:
		snprintf(buf, len, "%lld%s%s", v, f->unit[0] ? " " : "", f->unit);
	}
}

/*
 * The human table: a headline, the knobs as the module took them, then one
 * row per result with its help; results that mean something only at a
 * stall (WQF_FIELD_DIAG) under "diagnosis", at a DEADLOCK only.
 */
static void print_human(const struct wqf_tab *t, const struct wqf_runbuf *run,
			const char *variant)
{
	unsigned int fi;
	const struct wqf_field_info *f;
	char val[160], o[WQF_FIELD_NAME_LEN + 200];
	size_t col = 9;
	int diag;

	printf("%s %s: %s after %.1f ms (run %llu, cleanup done at %.1f ms)\n",
	       t->info.name, variant, verdict_name(run->verdict), run->verdict_us / 1000.0,
	       (unsigned long long)run->run_id, run->elapsed_us / 1000.0);
	for (fi = 0; (f = wqf_tab_nth(t, fi)); fi++)
		if (!strcmp(f->name, "hang_end") && wqf_tab_get(t, f, run) != WQF_HANG_NOT_HELD) {
			human_value(val, sizeof(val), t, f, run);
			printf("  hang mode: held %u ms after the verdict, ended by %s\n",
			       run->hang.held_ms, val);
		}
	printf("  knobs:");
	for (unsigned int i = 0; i < t->info.nr_fields; i++) {
		f = &t->f[i];
		if (!(f->flags & WQF_FIELD_IN))
			continue;
		human_value(val, sizeof(val), t, f, run);
		snprintf(o, sizeof(o), " %s=%s", f->name, val);
		for (char *sp = strchr(o + 1, ' '); sp; sp = strchr(sp, ' '))
			memmove(sp, sp + 1, strlen(sp));	/* 10 ms: 10ms */
		if (col + strlen(o) > 78) {
			printf("\n        ");
			col = 8;
		}
		col += printf("%s", o);
	}
	printf("\n");
	for (diag = 0; diag < 2; diag++) {
		if (diag && run->verdict != WQF_VERDICT_DEADLOCK)
			break;
		if (diag)
			printf("  diagnosis, at the stall:\n");
		for (unsigned int i = 0; i < t->info.nr_fields; i++) {
			f = &t->f[i];
			if (!(f->flags & WQF_FIELD_OUT) || !(f->flags & WQF_FIELD_DIAG) != !diag)
				continue;
			human_value(val, sizeof(val), t, f, run);
			printf("  %-24s %-14s %s\n", f->name, val, f->help);
		}
	}
}

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

static const char *opt_str(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(arg, name, n) || arg[n] != '=' ? NULL : arg + n + 1;
}

/* Parse "--name=value" into a number; 1 on match, -1 on a bad value. */
static int opt_num(const char *arg, const char *name, long long lo, long long hi,
		   long long *out)
{
	const char *s = opt_str(arg, name);
	char *end;

	if (!s)
		return 0;
	errno = 0;
	*out = strtoll(s, &end, 0);
	if (errno || end == s || *end || *out < lo || *out > hi) {
		fprintf(stderr, "wqfault: bad value in %s\n", arg);
		return -1;
	}
	return 1;
}

struct run_opts {
	struct wqf_runbuf run;
	const char *variant;
	int json;
	int expect;
	long long repeat;
	long long fail_nth;	/* 0: leave /proc/thread-self/fail-nth alone */
	const char *trace;	/* --trace=FILE */
	char title[512];	/* the command line, for the trace file */
};

/*
 * Fill @o for a run of @t from @argv: the knobs at their defaults, then
 * each option. 0, 2 on a usage error (message printed), or 3 after --help.
 */
static int parse_run(const struct wqf_tab *t, int argc, char **argv,
		     struct run_opts *o)
{
	const char *s;
	int i, r;

	memset(o, 0, sizeof(*o));
	o->repeat = 1;
	wqf_tab_defaults(t, &o->run);
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			print_knobs(t);
			return 3;
		}
		r = field_opt(t, &o->run, a, true);
		if (!r)
			r = opt_num(a, "--repeat", 1, 1000000, &o->repeat);
		if (!r)
			r = opt_num(a, "--fail-nth", 0, INT_MAX, &o->fail_nth);
		if (r < 0)
			return 2;
		if (r > 0)
			continue;
		if (!strcmp(a, "--json")) {
			o->json = 1;
		} else if (opt_str(a, "--trace")) {
			o->trace = opt_str(a, "--trace");
		} else if (opt_str(a, "--variant")) {
			o->variant = opt_str(a, "--variant");
		} else if (opt_str(a, "--expect")) {
			s = opt_str(a, "--expect");
			for (o->expect = ARRAY_SIZE(verdicts) - 1; o->expect > 0; o->expect--)
				if (!strcmp(verdicts[o->expect], s))
					break;
			if (o->expect < 1) {
				fprintf(stderr, "wqfault: unknown verdict '%s'\n", s);
				return 2;
			}
		} else {
			fprintf(stderr, "wqfault: unknown option '%s' (see: %s)\n", a,
				"wqfault run SCENARIO --help");
			return 2;
		}
	}
	s = o->variant ? o->variant : t->info.variants[0];
	r = variant_index(&t->info, s);
	if (r < 0)
		return 2;
	o->variant = t->info.variants[r];
	o->run.variant = r;
	return 0;
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

static int do_run(int fd, struct run_opts *o, const struct wqf_tab *t)
{
	long long i;
	int rc = 0;

	if (o->trace && o->repeat != 1) {
		fprintf(stderr, "wqfault: --trace records one run: no --repeat\n");
		return 2;
	}
	for (i = 0; i < o->repeat; i++) {
		struct wqf_runbuf r = o->run;
		int nfd = -1, err;

		if (o->trace && trace_begin())
			return 1;
		if (o->fail_nth) {
			nfd = fail_nth_arm(o->fail_nth);
			if (nfd < 0)
				return 1;
		}
		err = wqf_runbuf_ioctl(fd, &r) ? errno : 0;
		if (nfd >= 0 && !fail_nth_done(nfd))
			fprintf(stderr, "wqfault: fail-nth %lld: not reached, nothing injected\n",
				o->fail_nth);
		if (o->trace && trace_save(o->trace, o->title))
			rc = 1;
		if (err) {
			fprintf(stderr, "wqfault: run %s: %s%s\n", t->info.name, strerror(err),
				err == EINVAL ? " (the kernel log names the knob)" : "");
			return 1;
		}
		if (o->json)
			print_json(t, &r, o->variant);
		else
			print_human(t, &r, o->variant);
		if (o->expect > 0 && (int)r.verdict != o->expect) {
			fprintf(stderr, "wqfault: expected %s, got %s\n",
				verdicts[o->expect], verdict_name(r.verdict));
			rc = 1;
		}
	}
	return rc;
}

static int cmd_run(int argc, char **argv)
{
	struct wqf_tab *t;
	struct run_opts o;
	int i, fd, rc;

	if (argc < 1) {
		print_usage(stderr);
		return 2;
	}
	fd = open_dev();
	if (fd < 0)
		return 1;
	t = malloc(sizeof(*t));
	rc = !t || load_tab(fd, argv[0], t) ? 1 : 0;
	if (!rc)
		rc = parse_run(t, argc - 1, argv + 1, &o);
	if (rc == 3) {
		rc = 0;
		goto out;
	}
	if (rc)
		goto out;
	snprintf(o.title, sizeof(o.title), "wqfault run");
	for (i = 0; i < argc; i++)
		if (!opt_str(argv[i], "--trace") &&
		    strlen(o.title) + strlen(argv[i]) + 2 < sizeof(o.title))
			strcat(strcat(o.title, " "), argv[i]);
	rc = do_run(fd, &o, t);
out:
	free(t);
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
	struct wqf_runbuf r;
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

static int sweep_cell_run(int fd, const struct wqf_tab *t, char **fixed,
			  int nfixed, const struct sweep_axis *axes, int naxes,
			  struct sweep_cell *c, const char *vname)
{
	struct run_opts o;
	char opt[200];
	int i;

	if (parse_run(t, nfixed, fixed, &o))
		return 2;
	for (i = 0; i < naxes; i++) {
		snprintf(opt, sizeof(opt), "%s=%lld", axes[i].name, i == 0 ? c->x : c->y);
		if (field_opt(t, &o.run, opt, false) != 1)
			return 2;
	}
	o.run.variant = variant_index(&t->info, vname);
	c->r = o.run;
	c->err = wqf_runbuf_ioctl(fd, &c->r) ? errno : 0;
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
	char *fixed[48], vlist[256] = "", *save, *v;
	struct sweep_cell *cells = NULL;
	struct wqf_tab *t = NULL;
	int i, r, naxes = 0, nfixed = 0, nvar = 0, fd = -1, rc = 0;
	const char *term = getenv("TERM");
	/* a live counter on a terminal; else a line per tenth of the grid */
	int live = isatty(2) && term && strcmp(term, "dumb");
	size_t total, k = 0;
	struct run_opts o;
	long long x, y;

	if (argc < 1) {
		print_usage(stderr);
		return 2;
	}
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
	if (!naxes) {
		fprintf(stderr, "wqfault: sweep needs a range, e.g. --requests=1..32\n");
		return 2;
	}
	if (naxes == 1) {
		axes[1].lo = 0;
		axes[1].hi = 0;
	}
	fd = open_dev();
	t = malloc(sizeof(*t));
	if (fd < 0 || !t || load_tab(fd, argv[0], t)) {
		rc = 1;
		goto out;
	}
	if (!vlist[0])
		snprintf(vlist, sizeof(vlist), "%s", t->info.variants[0]);
	for (v = strtok_r(vlist, ",", &save); v && nvar < SWEEP_MAX_VARIANTS;
	     v = strtok_r(NULL, ",", &save))
		variants[nvar++] = v;
	total = nvar * (size_t)(axes[0].hi - axes[0].lo + 1) *
		(size_t)(axes[1].hi - axes[1].lo + 1);
	if (!nvar || total > SWEEP_MAX_CELLS) {
		fprintf(stderr, "wqfault: sweep: %zu cells, at most %d\n", total,
			SWEEP_MAX_CELLS);
		rc = 2;
		goto out;
	}
	/* Options and axes are checked once, before any run: a typo is a usage error. */
	rc = parse_run(t, nfixed, fixed, &o);
	for (i = 0; !rc && i < naxes; i++) {
		char opt[200];

		snprintf(opt, sizeof(opt), "%s=%lld", axes[i].name, axes[i].lo);
		if (field_opt(t, &o.run, opt, false) != 1) {
			fprintf(stderr, "wqfault: sweep: %s is no knob of %s\n", axes[i].name,
				argv[0]);
			rc = 2;
		}
	}
	for (i = 0; !rc && i < nvar; i++)
		if (variant_index(&t->info, variants[i]) < 0)
			rc = 2;
	if (rc)
		goto out;
	cells = calloc(total, sizeof(*cells));
	if (!cells) {
		perror("wqfault: sweep");
		rc = 1;
		goto out;
	}
	for (i = 0; i < nvar; i++)
		for (y = axes[1].lo; y <= axes[1].hi; y++)
			for (x = axes[0].lo; x <= axes[0].hi; x++, k++) {
				cells[k].variant = i;
				cells[k].x = x;
				cells[k].y = y;
				if (sweep_cell_run(fd, t, fixed, nfixed, axes, naxes,
						   &cells[k], variants[i])) {
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
	free(t);
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

static unsigned int demo_get(const struct wqf_tab *t, const struct wqf_runbuf *run,
			     const char *name)
{
	const struct wqf_field_info *f = wqf_tab_field(t, name);

	return f ? wqf_tab_get(t, f, run) : 0;
}

/* starve buggy and throttled under the same load, side by side. */
static int cmd_demo(int argc, char **argv)
{
	const char *names[2] = { "buggy", "throttle" };
	struct wqf_runbuf res[2];
	struct run_opts o;
	struct wqf_tab *t;
	int fd, i, rc;

	for (i = 0; i < argc; i++)
		if (opt_str(argv[i], "--variant") || opt_str(argv[i], "--throttle") ||
		    opt_str(argv[i], "--expect") || opt_str(argv[i], "--repeat") ||
		    opt_str(argv[i], "--trace") || !strcmp(argv[i], "--json") ||
		    !strcmp(argv[i], "--hang")) {
			fprintf(stderr, "wqfault: '%s' is for run; demo picks the variants\n",
				argv[i]);
			return 2;
		}
	fd = open_dev();
	if (fd < 0)
		return 1;
	t = malloc(sizeof(*t));
	rc = !t || load_tab(fd, "starve", t) ? 1 : parse_run(t, argc, argv, &o);
	for (i = 0; !rc && i < 2; i++) {
		res[i] = o.run;
		res[i].variant = i == 0 ? WQF_STARVE_BUGGY : WQF_STARVE_THROTTLE;
		if (wqf_runbuf_ioctl(fd, &res[i])) {
			fprintf(stderr, "wqfault: demo %s: %s\n", names[i], strerror(errno));
			rc = 1;
		}
	}
	close(fd);
	if (rc) {
		free(t);
		return rc == 3 ? 0 : rc;
	}
/* Field @_f of the demo's run @_i. */
#define D(_i, _f) demo_get(t, &res[_i], #_f)
	printf("starve: %u requests, queue %s, max_active %u, %u shares (%u cached)\n\n",
	       D(0, requests),
	       D(0, queue) == WQF_QUEUE_PERCPU ? "percpu" :
	       D(0, queue) == WQF_QUEUE_ORDERED ? "ordered" : "unbound",
	       D(0, max_active), D(0, shares), D(0, cached));
	printf("%-34s %-18s %-18s\n", "", "buggy", "throttle");
	row_s("verdict", verdict_name(res[0].verdict), verdict_name(res[1].verdict));
	row_u("requests in flight at most", D(0, max_in_flight),
	      D(1, max_in_flight));
	row_u("requests completed", D(0, completed), D(1, completed));
	row_u("connect items run", D(0, connects), D(1, connects));
	row_u("slots held by waiting requests", D(0, diag_waiting),
	      D(1, diag_waiting));
	row_u("connects parked (inactive)", D(0, diag_parked_connects),
	      D(1, diag_parked_connects));
	row_u("requests parked (inactive)", D(0, diag_parked_requests),
	      D(1, diag_parked_requests));
	row_f("time to verdict (ms)", res[0].verdict_us / 1000.0,
	      res[1].verdict_us / 1000.0);
	printf("\nbuggy: every slot is held by a request waiting for a connect item that\n"
	       "the kernel keeps parked behind them; throttle keeps %u slot(s) free.\n",
	       D(1, max_active) - D(1, throttle));
	free(t);
	return res[0].verdict == WQF_VERDICT_DEADLOCK &&
	       res[1].verdict == WQF_VERDICT_COMPLETED ? 0 : 1;
#undef D
}

/* A field's range and default as the reference prints them. */
static void knob_range(char *buf, size_t len, const struct wqf_field_info *f)
{
	const char *zero = f->flags & WQF_FIELD_AUTO ? ", 0: derived" :
			   f->flags & WQF_FIELD_ZERO_DEFAULT ? ", 0: the default" : "";

	if (f->type == WQF_FIELD_ENUM || f->type == WQF_FIELD_FLAGS) {
		size_t n = 0;
		unsigned int i;

		for (i = 0; i < f->nr_names && n < len; i++)
			if (f->names[i][0])
				n += snprintf(buf + n, len - n, "%s``%s``", n ? ", " : "",
					      f->names[i]);
		return;
	}
	snprintf(buf, len, "%lld to %lld%s%s%s", f->min, f->max, f->unit[0] ? " " : "",
		 f->unit, zero);
}

static void knob_title(const char *title, char c)
{
	size_t i;

	printf("\n%s\n", title);
	for (i = 0; i < strlen(title); i++)
		putchar(c);
	printf("\n");
}

/* @s as one quoted cell of a reStructuredText csv-table. */
static void csv_cell(const char *s, const char *sep)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	printf("\"%s", sep);
}

/* One reStructuredText table of knobs (@out 0) or results (@out 1). */
static void knob_table(const char *scn, const struct wqf_field_info *fs, unsigned int n,
		       int out)
{
	char range[400], cell[512], o[WQF_FIELD_NAME_LEN], title[64];
	const struct wqf_field_info *f;
	unsigned int v;

	snprintf(title, sizeof(title), "%s %s", scn, out ? "results" : "knobs");
	knob_title(title, '-');
	printf("\n.. csv-table::\n   :header: \"%s\", \"%s\", \"Meaning\"\n"
	       "   :widths: 25, 30, 45\n\n", out ? "Key" : "Option",
	       out ? "Unit" : "Values (default)");
	for (v = 0; v < n; v++) {
		f = &fs[v];
		if (!(f->flags & (out ? WQF_FIELD_OUT : WQF_FIELD_IN)))
			continue;
		opt_name(o, sizeof(o), f->name);
		printf("   ");
		if (out) {
			snprintf(cell, sizeof(cell), "``%s``", f->name);
			csv_cell(cell, ", ");
			csv_cell(f->unit, ", ");
		} else {
			knob_range(range, sizeof(range), f);
			snprintf(cell, sizeof(cell), "``--%s``", o);
			csv_cell(cell, ", ");
			if (f->type == WQF_FIELD_ENUM)
				snprintf(cell, sizeof(cell), "%s (``%s``)", range,
					 f->def < f->nr_names ? f->names[f->def] : "?");
			else
				snprintf(cell, sizeof(cell), "%s (%lld)", range, f->def);
			csv_cell(cell, ", ");
		}
		snprintf(cell, sizeof(cell), "%s%s%s", f->help,
			 f->flags & WQF_FIELD_BOUNDED ? " *bounded*" : "",
			 f->flags & WQF_FIELD_DIAG ? " *diag*" : "");
		csv_cell(cell, "\n");
	}
}

/*
 * `wqfault knobs`: every scenario's fields from the module's tables, as the
 * reStructuredText page Documentation/knobs.rst (make check compares).
 */
static int cmd_knobs(int fd)
{
	struct wqf_tab *t = malloc(sizeof(*t));
	struct wqf_scenario_info info;
	unsigned int i, v;

	if (!t)
		return 1;
	printf(".. %s: GPL-2.0\n\n", "SPDX-License-Identifier");
	printf(".. Generated by `wqfault knobs` from the module's field tables;\n"
	       "   make check fails when this file differs. Do not edit.\n\n");
	printf("=====\nKnobs\n=====\n\n");
	printf("Every knob and result of every scenario, as the module declares it\n"
	       "(``uapi.rst``, ``WQF_IOC_FIELD_INFO``). A knob is the CLI option\n"
	       "``--NAME=VALUE`` (``-`` for ``_``; a flag bit also as ``--BIT``);\n"
	       "results are the JSON keys and the ``name=value`` pairs of the kernel\n"
	       "log's end line. *bounded*: other knobs narrow the range (the help says\n"
	       "how); *diag*: a result that means something only at a stall.\n");
	for (i = 0; !wqf_scenario_nth(fd, i, &info); i++) {
		if (load_tab(fd, info.name, t)) {
			free(t);
			return 1;
		}
		if (!i) {
			knob_title("Every scenario", '=');
			knob_table("Every run:", t->c, t->nr_c, 0);
			knob_table("Every run:", t->c, t->nr_c, 1);
		}
		knob_title(info.name, '=');
		printf("\nVariants:");
		for (v = 0; v < info.nr_variants && v < WQF_MAX_VARIANTS; v++)
			printf("%s ``%s``", v ? "," : "", info.variants[v]);
		printf(". Payload: %u bytes (``wqf_scenario_info.payload_size``).",
		       info.payload_size);
		printf(" Run flags:");
		for (v = 0; v < 32; v++)
			if ((info.flags | WQF_RUN_DRY_RUN) & (1U << v) && v < t->c[0].nr_names)
				printf(" ``%s``", t->c[0].names[v]);
		printf(".\n");
		knob_table(info.name, t->f, t->info.nr_fields, 0);
		knob_table(info.name, t->f, t->info.nr_fields, 1);
	}
	free(t);
	return errno == ENOENT ? 0 : 1;
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	print_usage(stdout);
	return 0;
}

static int cmd_torture_(int argc, char **argv)
{
	return cmd_torture(argc, argv, dev_path);
}

/*
 * The commands, as perf has them: a name and its function, which takes the
 * arguments, or the open device for a command that takes none.
 */
static const struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	int (*dev_fn)(int fd);
} cmds[] = {
	{ "version", NULL, cmd_version },
	{ "list", NULL, cmd_list },
	{ "run", cmd_run, NULL },
	{ "demo", cmd_demo, NULL },
	{ "sweep", cmd_sweep, NULL },
	{ "timeline", cmd_timeline, NULL },
	{ "release", NULL, cmd_release },
	{ "knobs", NULL, cmd_knobs },
	{ "torture", cmd_torture_, NULL },
	{ "help", cmd_help, NULL },
};

/* A command that takes no arguments, on the open device. */
static int run_dev_cmd(const struct cmd *c, int argc)
{
	int fd, rc;

	if (argc) {
		print_usage(stderr);
		return 2;
	}
	fd = open_dev();
	if (fd < 0)
		return 1;
	rc = c->dev_fn(fd);
	close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	size_t c;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strncmp(argv[i], "--dev=", 6)) {
			dev_path = argv[i] + 6;
			continue;
		}
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return cmd_help(0, NULL);
		if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V")) {
			printf("wqfault CLI, ABI %d\n", WQF_API_VERSION);
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
	for (c = 0; c < ARRAY_SIZE(cmds); c++) {
		if (strcmp(argv[i], cmds[c].name))
			continue;
		if (cmds[c].dev_fn)
			return run_dev_cmd(&cmds[c], argc - i - 1);
		return cmds[c].fn(argc - i - 1, argv + i + 1);
	}
	fprintf(stderr, "wqfault: unknown command '%s'\n", argv[i]);
	print_usage(stderr);
	return 2;
}
