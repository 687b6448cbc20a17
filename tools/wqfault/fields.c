// SPDX-License-Identifier: GPL-2.0
/*
 * A run's fields by name (fields.h): the module's tables, loaded through
 * WQF_IOC_SCENARIO_INFO and WQF_IOC_FIELD_INFO, and the runs of struct
 * wqf_runbuf read and written through them.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fields.h"

/* Scenario @index of the module's table into @info: 0 or -errno (-ENOENT past it). */
int wqf_scenario_nth(int fd, unsigned int index, struct wqf_scenario_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->index = index;
	return ioctl(fd, WQF_IOC_SCENARIO_INFO, info) ? -errno : 0;
}

/*
 * Scenario @name, or (with @name NULL) the one whose id is @id, into
 * @info: 0, -ENOENT if the module has none, or -errno of the ioctl.
 */
int wqf_scenario_find(int fd, const char *name, __u32 id,
		      struct wqf_scenario_info *info)
{
	unsigned int i;
	int ret;

	for (i = 0; !(ret = wqf_scenario_nth(fd, i, info)); i++)
		if (name ? !strcmp(info->name, name) : info->id == id)
			return 0;
	return ret;
}

static int field_info(int fd, __u32 scn, __u32 index, struct wqf_field_info *f)
{
	memset(f, 0, sizeof(*f));
	f->size = sizeof(*f);
	f->scenario = scn;
	f->index = index;
	return ioctl(fd, WQF_IOC_FIELD_INFO, f) ? -errno : 0;
}

/*
 * The tables of scenario @info into @t: 0, -E2BIG if they do not fit
 * struct wqf_tab or struct wqf_runbuf, or -errno of the ioctl.
 */
int wqf_tab_load(int fd, const struct wqf_scenario_info *info, struct wqf_tab *t)
{
	unsigned int j;
	int ret;

	memset(t, 0, sizeof(*t));
	t->info = *info;
	if (info->payload_size > sizeof(((struct wqf_runbuf *)0)->data) ||
	    info->nr_fields > WQF_TAB_MAX_FIELDS)
		return -E2BIG;
	for (j = 0; j < info->nr_fields; j++) {
		ret = field_info(fd, info->id, j, &t->f[j]);
		if (ret)
			return ret;
	}
	for (j = 0; j < WQF_TAB_MAX_FIELDS && !field_info(fd, 0, j, &t->c[j]); j++)
		;
	t->nr_c = j;
	return 0;
}

/* Field @i of @t, the header's first, then the scenario's; NULL past them. */
const struct wqf_field_info *wqf_tab_nth(const struct wqf_tab *t, unsigned int i)
{
	if (i < t->nr_c)
		return &t->c[i];
	i -= t->nr_c;
	return i < t->info.nr_fields ? &t->f[i] : NULL;
}

/* The field of @t called @name, or NULL. */
const struct wqf_field_info *wqf_tab_field(const struct wqf_tab *t, const char *name)
{
	const struct wqf_field_info *f;
	unsigned int i;

	for (i = 0; (f = wqf_tab_nth(t, i)); i++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

/* Where field @f of @t lives in @run. */
void *wqf_tab_at(const struct wqf_tab *t, const struct wqf_field_info *f,
		 const struct wqf_runbuf *run)
{
	bool common = f >= t->c && f < t->c + WQF_TAB_MAX_FIELDS;

	return (char *)run + (common ? 0 : offsetof(struct wqf_runbuf, data)) + f->offset;
}

long long wqf_tab_get(const struct wqf_tab *t, const struct wqf_field_info *f,
		      const struct wqf_runbuf *run)
{
	const void *at = wqf_tab_at(t, f, run);
	__u64 u64;
	__u32 u32;

	if (f->type == WQF_FIELD_STRING)
		return 0;
	if (f->width == 8) {
		memcpy(&u64, at, 8);
		return (long long)u64;
	}
	memcpy(&u32, at, 4);
	return f->type == WQF_FIELD_S32 ? (long long)(__s32)u32 : (long long)u32;
}

void wqf_tab_set(const struct wqf_tab *t, const struct wqf_field_info *f,
		 struct wqf_runbuf *run, long long v)
{
	void *at = wqf_tab_at(t, f, run);
	__u64 u64 = v;
	__u32 u32 = v;

	if (f->type == WQF_FIELD_STRING)
		return;
	if (f->width == 8)
		memcpy(at, &u64, 8);
	else
		memcpy(at, &u32, 4);
}

/* A run of @t with every knob at the module's default. */
void wqf_tab_defaults(const struct wqf_tab *t, struct wqf_runbuf *run)
{
	const struct wqf_field_info *f;
	unsigned int i;

	memset(run, 0, sizeof(*run));
	run->size = sizeof(struct wqf_run);
	run->scenario = t->info.id;
	run->payload_size = t->info.payload_size;
	for (i = 0; (f = wqf_tab_nth(t, i)); i++)
		if (f->flags & WQF_FIELD_IN)
			wqf_tab_set(t, f, run, f->def);
}

/* Scenarios whose tables wqf_tab_of() keeps. */
#define WQF_TAB_CACHE	16

/*
 * The tables of scenario @scenario, loaded once per program through @fd
 * (or, with @fd -1, a /dev/wqfault opened and closed at once, so that no
 * file holds the module after); NULL with errno set if there are none.
 */
const struct wqf_tab *wqf_tab_of(int fd, __u32 scenario)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static struct wqf_tab *cache[WQF_TAB_CACHE];
	struct wqf_scenario_info info;
	struct wqf_tab *t = NULL;
	int i, ret = 0, own = -1;

	pthread_mutex_lock(&lock);
	for (i = 0; i < WQF_TAB_CACHE && cache[i]; i++)
		if (cache[i]->info.id == scenario) {
			t = cache[i];
			goto out;
		}
	if (i == WQF_TAB_CACHE) {
		ret = -ENOSPC;
		goto out;
	}
	if (fd < 0) {
		own = open("/dev/wqfault", O_RDWR | O_CLOEXEC);
		if (own < 0) {
			ret = -errno;
			goto out;
		}
		fd = own;
	}
	t = malloc(sizeof(*t));
	ret = t ? wqf_scenario_find(fd, NULL, scenario, &info) : -ENOMEM;
	if (!ret)
		ret = wqf_tab_load(fd, &info, t);
	if (own >= 0)
		close(own);
	if (ret) {
		free(t);
		t = NULL;
	} else {
		cache[i] = t;
	}
out:
	pthread_mutex_unlock(&lock);
	if (ret)
		errno = -ret;
	return t;
}

static const struct wqf_field_info *run_field(const struct wqf_runbuf *run,
					      const char *name, const struct wqf_tab **t)
{
	const struct wqf_field_info *f;

	*t = wqf_tab_of(-1, run->scenario);
	if (!*t)
		return NULL;
	f = wqf_tab_field(*t, name);
	if (!f)
		errno = ENOENT;
	return f;
}

/* Set field @name of @run (no range check: the module checks); 0 or -1. */
int wqf_run_set(struct wqf_runbuf *run, const char *name, long long v)
{
	const struct wqf_tab *t;
	const struct wqf_field_info *f = run_field(run, name, &t);

	if (!f)
		return -1;
	wqf_tab_set(t, f, run, v);
	return 0;
}

/* Read field @name of @run into @v; 0 or -1. */
int wqf_run_get(const struct wqf_runbuf *run, const char *name, long long *v)
{
	const struct wqf_tab *t;
	const struct wqf_field_info *f = run_field(run, name, &t);

	if (!f)
		return -1;
	*v = wqf_tab_get(t, f, run);
	return 0;
}

/* Element @i of string-array field @name of @run, or NULL. */
const char *wqf_run_str(const struct wqf_runbuf *run, const char *name, unsigned int i)
{
	const struct wqf_tab *t;
	const struct wqf_field_info *f = run_field(run, name, &t);

	if (!f || f->type != WQF_FIELD_STRING || i >= f->count) {
		errno = EINVAL;
		return NULL;
	}
	return (const char *)wqf_tab_at(t, f, run) + i * f->width;
}

static void must(bool ok, const struct wqf_runbuf *run, const char *name)
{
	if (ok)
		return;
	fprintf(stderr, "wqfault: scenario %u has no field '%s': %s\n",
		run->scenario, name, strerror(errno));
	abort();
}

long long wqf_must_get(const struct wqf_runbuf *run, const char *name)
{
	long long v = 0;

	must(!wqf_run_get(run, name, &v), run, name);
	return v;
}

void wqf_must_set(struct wqf_runbuf *run, const char *name, long long v)
{
	must(!wqf_run_set(run, name, v), run, name);
}

const char *wqf_must_str(const struct wqf_runbuf *run, const char *name, unsigned int i)
{
	const char *s = wqf_run_str(run, name, i);

	must(s, run, name);
	return s;
}

/*
 * WQF_IOC_RUN on @run: the header points at @run's own payload, of the
 * scenario's size unless the caller set one (a test of the size protocol).
 */
int wqf_runbuf_ioctl(int fd, struct wqf_runbuf *run)
{
	const struct wqf_tab *t;

	run->payload = (uintptr_t)run->data;
	if (!run->payload_size) {
		t = wqf_tab_of(fd, run->scenario);
		run->payload_size = t ? t->info.payload_size : sizeof(run->data);
	}
	return ioctl(fd, WQF_IOC_RUN, run);
}
