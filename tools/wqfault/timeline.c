// SPDX-License-Identifier: GPL-2.0
/*
 * wqfault CLI: `wqfault timeline TRACE... -o OUT.svg` draws what a recorded
 * run did to its workqueues: one lane per active slot (from the kernel's
 * activation of an item to the end of its function), a band of parked
 * items (queued, not activated), and the verdict. Several traces give
 * panels stacked in one picture, e.g. buggy above throttle.
 *
 * Input is tracefs text as `wqfault run --trace=FILE` saves it: the
 * kernel's workqueue:* events give the slots, the wqfault:* events say
 * which item is a request or a connect and when a request waits.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum item_kind { IK_OTHER, IK_REQUEST, IK_CONNECT };

struct item {
	char work[24];
	char wq[32];
	int kind;
	unsigned int idx;
	int parked;	/* not activated when it was queued */
	int lane;
	/* times in seconds; < 0 when the event was not seen */
	double tq, ta, ts, te, tw, tk;
};

struct hint {
	char work[24];
	int kind;
	unsigned int idx;
};

#define MAX_GROUPS 4
#define MAX_CPUS 64
#define MAX_PARKED_ROWS 40

struct panel {
	char title[1024];
	struct item *items;
	size_t n, cap;
	struct hint *hints;
	size_t nh, caph;
	double t0, t1, tverdict;
	char verdict[16];
	char groups[MAX_GROUPS][32];
	int lanes[MAX_GROUPS];
	int nr_groups;
	size_t nr_parked;
	/* per CPU: the item whose queue_work was that CPU's last event */
	long last_queued[MAX_CPUS];
};

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? *cap * 2 : 64;
	p = realloc(p, *cap * size);
	if (!p) {
		perror("wqfault: timeline");
		exit(1);
	}
	return p;
}

enum item_state { IS_QUEUED, IS_NOT_STARTED, IS_RUNNING };

/*
 * The latest item for @work in @state: not yet activated, not yet started,
 * or running. A work struct can be queued again while its function still
 * runs (a throttled request queues the next one on itself).
 */
static struct item *find_item(struct panel *p, const char *work, int state)
{
	size_t i;

	for (i = p->n; i-- > 0;) {
		struct item *it = &p->items[i];

		if (strcmp(it->work, work))
			continue;
		if ((state == IS_QUEUED && it->ta < 0) ||
		    (state == IS_NOT_STARTED && it->ts < 0) ||
		    (state == IS_RUNNING && it->ts >= 0 && it->te < 0))
			return it;
	}
	return NULL;
}

static void set_hint(struct panel *p, const char *work, int kind, unsigned int idx)
{
	size_t i;

	for (i = 0; i < p->nh; i++)
		if (!strcmp(p->hints[i].work, work))
			break;
	if (i == p->nh) {
		p->hints = grow(p->hints, &p->caph, p->nh, sizeof(*p->hints));
		p->nh++;
		snprintf(p->hints[i].work, sizeof(p->hints[i].work), "%s", work);
	}
	p->hints[i].kind = kind;
	p->hints[i].idx = idx;
}

static void apply_hint(struct panel *p, struct item *it)
{
	size_t i;

	for (i = 0; i < p->nh; i++)
		if (!strcmp(p->hints[i].work, it->work)) {
			it->kind = p->hints[i].kind;
			it->idx = p->hints[i].idx;
		}
}

/*
 * Copy the value after "@key" in @s into @out: "key=value" or "key value"
 * (as in "work struct=%p" and "work struct %p"), up to a space or @stop.
 */
static int field(const char *s, const char *key, char *out, size_t len, char stop)
{
	const char *v = strstr(s, key);
	size_t i = 0;

	if (!v)
		return -1;
	v += strlen(key);
	v += strspn(v, "= ");
	while (v[i] && v[i] != ' ' && v[i] != stop && v[i] != '\n' && i + 1 < len) {
		out[i] = v[i];
		i++;
	}
	out[i] = '\0';
	return i ? 0 : -1;
}

/*
 * Split "  task-pid  [001] d..1.  12.345678: event: rest" into its CPU,
 * time, event name and the rest. Returns 0, or -1 for other lines.
 */
static int split_line(char *line, int *cpu, double *t, char **event, char **rest)
{
	char *p = strchr(line, '['), *end;

	if (!p || line[0] == '#')
		return -1;
	*cpu = strtol(p + 1, &end, 10);
	if (*end != ']')
		return -1;
	p = end + 1;
	p += strspn(p, " ");
	p += strcspn(p, " ");		/* the irq/preempt flags */
	*t = strtod(p, &end);
	if (end == p || end[0] != ':' || end[1] != ' ')
		return -1;
	*event = end + 2;
	p = strstr(*event, ": ");
	if (!p)
		return -1;
	*p = '\0';
	*rest = p + 2;
	return 0;
}

static void on_workqueue(struct panel *p, const char *ev, const char *rest,
			 int cpu, double t)
{
	char work[24], wq[32];
	struct item *it;

	if (field(rest, "work struct", work, sizeof(work), ':'))
		return;
	if (!strcmp(ev, "workqueue_queue_work")) {
		if (field(rest, "workqueue=", wq, sizeof(wq), ' ') ||
		    strncmp(wq, "wqf_", 4))
			return;
		p->items = grow(p->items, &p->cap, p->n, sizeof(*p->items));
		it = &p->items[p->n];
		memset(it, 0, sizeof(*it));
		snprintf(it->work, sizeof(it->work), "%s", work);
		snprintf(it->wq, sizeof(it->wq), "%s", wq);
		it->tq = t;
		it->ta = -1;
		it->ts = -1;
		it->te = -1;
		it->tw = -1;
		it->tk = -1;
		it->parked = 1;
		apply_hint(p, it);
		if (cpu >= 0 && cpu < MAX_CPUS)
			p->last_queued[cpu] = (long)p->n;
		p->n++;
		return;
	}
	if (!strcmp(ev, "workqueue_activate_work")) {
		it = find_item(p, work, IS_QUEUED);
		if (!it)
			return;
		it->ta = t;
		/* activated inside the same queue_work() call: never parked */
		if (cpu >= 0 && cpu < MAX_CPUS && p->last_queued[cpu] == it - p->items)
			it->parked = 0;
	} else if (!strcmp(ev, "workqueue_execute_start")) {
		it = find_item(p, work, IS_NOT_STARTED);
		if (it)
			it->ts = t;
	} else if (!strcmp(ev, "workqueue_execute_end")) {
		it = find_item(p, work, IS_RUNNING);
		if (it)
			it->te = t;
	}
}

static void on_wqfault(struct panel *p, const char *ev, const char *rest, double t)
{
	char work[24], num[24];
	int kind = strncmp(ev, "wqfault_connect_", 16) ? IK_REQUEST : IK_CONNECT;
	unsigned int idx;
	struct item *it;

	if (!strcmp(ev, "wqfault_verdict")) {
		if (p->tverdict < 0 &&
		    !field(rest, "verdict=", p->verdict, sizeof(p->verdict), ' '))
			p->tverdict = t;
		return;
	}
	if (strncmp(ev, "wqfault_request_", 16) && kind != IK_CONNECT)
		return;
	if (field(rest, "work=", work, sizeof(work), ' ') ||
	    field(rest, kind == IK_CONNECT ? "share=" : "req=", num, sizeof(num), ' '))
		return;
	idx = strtoul(num, NULL, 10);
	set_hint(p, work, kind, idx);
	it = find_item(p, work, IS_RUNNING);
	if (!it)
		return;
	it->kind = kind;
	it->idx = idx;
	if (!strcmp(ev, "wqfault_request_waiting"))
		it->tw = t;
	else if (!strcmp(ev, "wqfault_request_woken"))
		it->tk = t;
}

static int read_trace(struct panel *p, const char *file)
{
	char line[1024], *ev, *rest;
	const char *base = strrchr(file, '/');
	double t, first = -1, last = 0;
	FILE *f = fopen(file, "r");
	int cpu;

	if (!f) {
		fprintf(stderr, "wqfault: timeline: %s: %s\n", file, strerror(errno));
		return -1;
	}
	memset(p, 0, sizeof(*p));
	memset(p->last_queued, 0xff, sizeof(p->last_queued));
	p->tverdict = -1;
	snprintf(p->title, sizeof(p->title), "%s", base ? base + 1 : file);
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "# wqfault-trace: ", 17)) {
			line[strcspn(line, "\n")] = '\0';
			/* the title goes into SVG text: no markup characters */
			for (ev = line; *ev; ev++)
				if (*ev == '<' || *ev == '>' || *ev == '&')
					*ev = ' ';
			snprintf(p->title, sizeof(p->title), "%s", line + 17);
			continue;
		}
		if (split_line(line, &cpu, &t, &ev, &rest))
			continue;
		if (!strncmp(ev, "workqueue_", 10))
			on_workqueue(p, ev, rest, cpu, t);
		else if (!strncmp(ev, "wqfault_", 8))
			on_wqfault(p, ev, rest, t);
		else
			continue;
		/* this CPU did something else after its queue_work() */
		if (strcmp(ev, "workqueue_queue_work") && cpu >= 0 && cpu < MAX_CPUS)
			p->last_queued[cpu] = -1;
		if (first < 0)
			first = t;
		last = t;
	}
	fclose(f);
	if (!p->n) {
		fprintf(stderr, "wqfault: timeline: %s: %s\n", file,
			"no work items of a wqf_ queue (recorded with wqfault run --trace?)");
		return -1;
	}
	p->t0 = p->items[0].tq < first ? p->items[0].tq : first;
	p->t1 = last > p->t0 ? last : p->t0 + 0.001;
	return 0;
}

static int group_of(struct panel *p, const char *wq)
{
	int g;

	for (g = 0; g < p->nr_groups; g++)
		if (!strcmp(p->groups[g], wq))
			return g;
	if (p->nr_groups == MAX_GROUPS)
		return MAX_GROUPS - 1;
	snprintf(p->groups[g], sizeof(p->groups[g]), "%s", wq);
	return p->nr_groups++;
}

static double slot_start(const struct item *it)
{
	return it->ta >= 0 ? it->ta : it->ts;
}

static int by_start(const void *a, const void *b)
{
	double x = slot_start(*(struct item * const *)a);
	double y = slot_start(*(struct item * const *)b);

	return x < y ? -1 : x > y;
}

/* First-fit lanes per queue, in order of activation; count the parked. */
static void assign_lanes(struct panel *p)
{
	struct item **order = calloc(p->n, sizeof(*order));
	double *busy[MAX_GROUPS] = { NULL };
	size_t i, cap[MAX_GROUPS] = { 0 };
	int g, l;

	if (!order) {
		perror("wqfault: timeline");
		exit(1);
	}
	for (i = 0; i < p->n; i++)
		order[i] = &p->items[i];
	qsort(order, p->n, sizeof(*order), by_start);
	for (i = 0; i < p->n; i++) {
		struct item *it = order[i];
		double start = slot_start(it);

		it->lane = -1;
		if (it->parked)
			p->nr_parked++;
		if (start < 0)
			continue;
		g = group_of(p, it->wq);
		for (l = 0; l < p->lanes[g]; l++)
			if (busy[g][l] <= start)
				break;
		if (l == p->lanes[g]) {
			busy[g] = grow(busy[g], &cap[g], p->lanes[g], sizeof(double));
			p->lanes[g]++;
		}
		busy[g][l] = it->te >= 0 ? it->te : p->t1 + 1;
		it->lane = l;
	}
	for (g = 0; g < MAX_GROUPS; g++)
		free(busy[g]);
	free(order);
}

/* Drawing: fixed geometry, times mapped into [X0, X0 + W]. */
#define SVG_W	1100
#define X0	190
#define W	(SVG_W - X0 - 30)
#define LANE_H	18
#define ROW_H	7
#define END	"text-anchor=\"end\""

static double xs(const struct panel *p, double t)
{
	return X0 + (t - p->t0) / (p->t1 - p->t0) * W;
}

static void svg_rect(FILE *o, double x, double y, double w, double h,
		     const char *attrs, const char *tip)
{
	fprintf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" %s>",
		x, y, w, h, attrs);
	fprintf(o, "<title>%s</title></rect>\n", tip);
}

static void svg_line(FILE *o, double x1, double y1, double x2, double y2,
		     const char *attrs)
{
	fprintf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" %s/>\n",
		x1, y1, x2, y2, attrs);
}

static void __printf(5, 6)
svg_text(FILE *o, double x, double y, const char *attrs, const char *fmt, ...)
{
	va_list ap;

	fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" %s>", x, y, attrs);
	va_start(ap, fmt);
	vfprintf(o, fmt, ap);
	va_end(ap);
	fprintf(o, "</text>\n");
}

/* A bar from time-x @x0 to @x1, at least visible when very short. */
static void box(FILE *o, double x0, double x1, double y, double h,
		const char *fill, const char *tip)
{
	char attrs[48];

	snprintf(attrs, sizeof(attrs), "fill=\"%s\"", fill);
	svg_rect(o, x0, y, x1 - x0 < 0.8 ? 0.8 : x1 - x0, h, attrs, tip);
}

static const char *const colour_run[] = { "#8a8a8a", "#3b7dd8", "#2e9e4f" };

static void tip_of(const struct item *it, char *buf, size_t len)
{
	static const char *const names[] = { "item", "request", "connect (share)" };

	snprintf(buf, len, "%s %u on %s", names[it->kind], it->idx, it->wq);
}

static void draw_item(FILE *o, const struct panel *p, const struct item *it, double y)
{
	double end = it->te >= 0 ? it->te : p->t1;
	double start = it->ts >= 0 ? it->ts : end;
	char tip[96];

	tip_of(it, tip, sizeof(tip));
	if (it->ta >= 0 && start > it->ta)
		box(o, xs(p, it->ta), xs(p, start), y, LANE_H - 4, "#d5d5d5", tip);
	if (it->ts < 0)
		return;
	if (it->tw >= 0) {
		double woke = it->tk >= 0 ? it->tk : end;

		box(o, xs(p, start), xs(p, it->tw), y, LANE_H - 4, colour_run[it->kind], tip);
		box(o, xs(p, it->tw), xs(p, woke), y, LANE_H - 4, "#d9534f", tip);
		if (woke < end)
			box(o, xs(p, woke), xs(p, end), y, LANE_H - 4,
			    colour_run[it->kind], tip);
	} else {
		box(o, xs(p, start), xs(p, end), y, LANE_H - 4, colour_run[it->kind], tip);
	}
}

static void axis(FILE *o, const struct panel *p, double y)
{
	double span = (p->t1 - p->t0) * 1000, step = 0.001, t;
	static const double mult[] = { 1, 2, 5 };
	int i = 0;

	while (span / (step * mult[i % 3]) > 10) {
		if (++i % 3 == 0)
			step *= 10;
	}
	step *= mult[i % 3];
	svg_line(o, X0, y, X0 + W, y, "stroke=\"#444\"");
	for (t = 0; t <= span * 1.000001; t += step) {
		double x = X0 + t / span * W;

		svg_line(o, x, y, x, y + 4, "stroke=\"#444\"");
		svg_text(o, x, y + 16, "text-anchor=\"middle\"", "%g", t);
	}
	svg_text(o, X0 - 8, y + 16, END, "ms");
}

static double panel_height(const struct panel *p)
{
	size_t rows = p->nr_parked < MAX_PARKED_ROWS ? p->nr_parked : MAX_PARKED_ROWS;
	int g, lanes = 0;

	for (g = 0; g < p->nr_groups; g++)
		lanes += p->lanes[g];
	return 40 + lanes * LANE_H + p->nr_groups * 6 + 24 + rows * ROW_H + 50;
}

static void draw_panel(FILE *o, const struct panel *p, double y0)
{
	double y = y0 + 40, ylane[MAX_GROUPS], ypark, ybottom;
	size_t i, row = 0;
	char tip[96];
	int g, l;

	svg_text(o, 10, y0 + 18, "font-weight=\"bold\" font-size=\"14\"", "%s", p->title);
	for (g = 0; g < p->nr_groups; g++) {
		ylane[g] = y;
		for (l = 0; l < p->lanes[g]; l++)
			svg_text(o, X0 - 8, y + l * LANE_H + 11, END, "%s slot %d",
				 p->groups[g], l + 1);
		y += p->lanes[g] * LANE_H + 6;
	}
	ypark = y + 18;
	svg_text(o, X0 - 8, ypark - 6, END, "parked (queued, inactive): %zu",
		 p->nr_parked);
	for (i = 0; i < p->n; i++) {
		const struct item *it = &p->items[i];

		if (it->lane >= 0) {
			for (g = 0; g < p->nr_groups; g++)
				if (!strcmp(p->groups[g], it->wq))
					break;
			if (g < p->nr_groups)
				draw_item(o, p, it, ylane[g] + it->lane * LANE_H + 2);
		}
		if (!it->parked || row >= MAX_PARKED_ROWS)
			continue;
		tip_of(it, tip, sizeof(tip));
		box(o, xs(p, it->tq), xs(p, it->ta >= 0 ? it->ta : p->t1),
		    ypark + row * ROW_H, ROW_H - 2,
		    it->kind == IK_CONNECT ? "#f0a030" : "#b0b0b0", tip);
		row++;
	}
	if (p->nr_parked > MAX_PARKED_ROWS)
		svg_text(o, X0 - 8, ypark + 8, END, "(first %d shown)", MAX_PARKED_ROWS);
	ybottom = ypark + row * ROW_H + 6;
	axis(o, p, ybottom);
	if (p->tverdict >= 0) {
		double x = xs(p, p->tverdict);
		int right = x > X0 + W * 0.7;	/* label left of the line */

		/* after the verdict the run unwinds: aborts, flushes, frees */
		if (X0 + W - x > 1)
			svg_rect(o, x, y0 + 40, X0 + W - x, ybottom - y0 - 40,
				 "fill=\"#000\" fill-opacity=\"0.06\"",
				 "unwinding after the verdict");

		svg_line(o, x, y0 + 26, x, ybottom,
			 "stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"5,3\"");
		svg_text(o, x + (right ? -4 : 4), y0 + 34,
			 right ? END " font-weight=\"bold\"" : "font-weight=\"bold\"",
			 "%s at %.1f ms", p->verdict, (p->tverdict - p->t0) * 1000);
	}
}

static void legend(FILE *o, double y)
{
	static const struct { const char *fill, *text; } keys[] = {
		{ "#d5d5d5", "activated, no worker yet" },
		{ "#3b7dd8", "request running (or at the start gate)" },
		{ "#d9534f", "request holds its slot, waits for its connect" },
		{ "#2e9e4f", "connect running" },
		{ "#f0a030", "connect parked" },
		{ "#b0b0b0", "request parked" },
	};
	double x = 10;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		box(o, x, x + 12, y, 12, keys[i].fill, keys[i].text);
		svg_text(o, x + 16, y + 10, "", "%s", keys[i].text);
		x += 26 + strlen(keys[i].text) * 5.6;
	}
}

/*
 * One line per panel, for scripts and tests: at the verdict (or the end of
 * the trace), how many items the kernel held parked, by kind, and how many
 * requests sat in a slot waiting for their connect.
 */
static void summary(const struct panel *p, int nr)
{
	double at = p->tverdict >= 0 ? p->tverdict : p->t1;
	unsigned int parked[3] = { 0 }, waiting = 0;
	int g, slots = 0;
	size_t i;

	for (g = 0; g < p->nr_groups; g++)
		slots += p->lanes[g];
	for (i = 0; i < p->n; i++) {
		const struct item *it = &p->items[i];

		if (it->tq <= at && (it->ta < 0 || it->ta > at))
			parked[it->kind]++;
		if (it->tw >= 0 && it->tw <= at && (it->tk < 0 || it->tk > at))
			waiting++;
	}
	printf("panel=%d verdict=%s verdict_ms=%.1f queues=%d slots=%d ", nr,
	       p->tverdict >= 0 ? p->verdict : "NONE", (at - p->t0) * 1000,
	       p->nr_groups, slots);
	printf("parked_connects=%u parked_requests=%u waiting=%u\n",
	       parked[IK_CONNECT], parked[IK_REQUEST], waiting);
}

int cmd_timeline(int argc, char **argv)
{
	const char *out = NULL;
	struct panel *panels;
	int i, n = 0, rc = 0, sum = 0;
	double h = 40;
	FILE *o;

	panels = calloc(argc ? argc : 1, sizeof(*panels));
	if (!panels) {
		perror("wqfault: timeline");
		return 1;
	}
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--summary")) {
			sum = 1;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strncmp(argv[i], "-o", 2) && argv[i][2]) {
			out = argv[i] + 2;
		} else if (argv[i][0] == '-') {
			n = 0;
			break;
		} else if (read_trace(&panels[n], argv[i])) {
			rc = 1;
		} else {
			assign_lanes(&panels[n]);
			h += panel_height(&panels[n]);
			n++;
		}
	}
	if (rc || !n || (!out && !sum)) {
		if (!rc)
			fprintf(stderr, "usage: %s\n",
				"wqfault timeline TRACE... [-o OUT.svg] [--summary]");
		rc = rc ? 1 : EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < n && sum; i++)
		summary(&panels[i], i + 1);
	if (!out)
		goto out;
	o = fopen(out, "w");
	if (!o) {
		fprintf(stderr, "wqfault: timeline: %s: %s\n", out, strerror(errno));
		rc = 1;
		goto out;
	}
	fprintf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" font-family=\"sans-serif\" font-size=\"11\">\n",
		SVG_W, h);
	fprintf(o, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
	legend(o, 10);
	h = 40;
	for (i = 0; i < n; i++) {
		draw_panel(o, &panels[i], h);
		h += panel_height(&panels[i]);
	}
	fprintf(o, "</svg>\n");
	if (fclose(o)) {
		fprintf(stderr, "wqfault: timeline: %s: %s\n", out, strerror(errno));
		rc = 1;
	}
out:
	for (i = 0; i < argc && i <= n; i++) {
		free(panels[i].items);
		free(panels[i].hints);
	}
	free(panels);
	return rc;
}
