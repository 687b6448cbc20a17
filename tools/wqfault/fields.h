/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A run's fields by name, as every wqfault program reads them: the
 * payload layouts are the module's, published at run time by
 * WQF_IOC_SCENARIO_INFO and WQF_IOC_FIELD_INFO, not compiled in. Used by
 * the CLI, torture, the selftests and the fuzzer (fields.c).
 */
#ifndef WQFAULT_FIELDS_H
#define WQFAULT_FIELDS_H

#include <stdbool.h>

#include "runbuf.h"

/* Fields a table may hold, the header's or a scenario's. */
#define WQF_TAB_MAX_FIELDS	64

/**
 * struct wqf_tab - one scenario's tables, as the module publishes them
 * @info: the scenario (WQF_IOC_SCENARIO_INFO)
 * @f: its fields, offsets in the payload
 * @c: the fields every run has, offsets in the header
 * @nr_c: entries in @c
 */
struct wqf_tab {
	struct wqf_scenario_info info;
	struct wqf_field_info f[WQF_TAB_MAX_FIELDS];
	struct wqf_field_info c[WQF_TAB_MAX_FIELDS];
	unsigned int nr_c;
};

int wqf_scenario_nth(int fd, unsigned int index, struct wqf_scenario_info *info);
int wqf_scenario_find(int fd, const char *name, __u32 id,
		      struct wqf_scenario_info *info);
int wqf_tab_load(int fd, const struct wqf_scenario_info *info, struct wqf_tab *t);
const struct wqf_field_info *wqf_tab_nth(const struct wqf_tab *t, unsigned int i);
const struct wqf_field_info *wqf_tab_field(const struct wqf_tab *t, const char *name);
void *wqf_tab_at(const struct wqf_tab *t, const struct wqf_field_info *f,
		 const struct wqf_runbuf *run);
long long wqf_tab_get(const struct wqf_tab *t, const struct wqf_field_info *f,
		      const struct wqf_runbuf *run);
void wqf_tab_set(const struct wqf_tab *t, const struct wqf_field_info *f,
		 struct wqf_runbuf *run, long long v);
void wqf_tab_defaults(const struct wqf_tab *t, struct wqf_runbuf *run);

const struct wqf_tab *wqf_tab_of(int fd, __u32 scenario);
int wqf_run_set(struct wqf_runbuf *run, const char *name, long long v);
int wqf_run_get(const struct wqf_runbuf *run, const char *name, long long *v);
const char *wqf_run_str(const struct wqf_runbuf *run, const char *name, unsigned int i);
int wqf_runbuf_ioctl(int fd, struct wqf_runbuf *run);

long long wqf_must_get(const struct wqf_runbuf *run, const char *name);
void wqf_must_set(struct wqf_runbuf *run, const char *name, long long v);
const char *wqf_must_str(const struct wqf_runbuf *run, const char *name, unsigned int i);

/*
 * Field @_f of run @_r (a struct wqf_runbuf *), by its name; a name the
 * module's tables lack aborts the program (a test then fails).
 */
#define WQF_GET(_r, _f)		wqf_must_get((_r), #_f)
#define WQF_SET(_r, _f, _v)	wqf_must_set((_r), #_f, (_v))
#define WQF_STR(_r, _f, _i)	wqf_must_str((_r), #_f, (_i))

#endif /* WQFAULT_FIELDS_H */
