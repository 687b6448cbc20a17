/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wqfault CLI: what the command files share.
 */
#ifndef WQFAULT_CLI_H
#define WQFAULT_CLI_H

#include <stdio.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* tracefs.c: record wqfault:* and workqueue:* events around a run. */
int trace_begin(void);
int trace_save(const char *file, const char *title);

/* timeline.c: draw recorded traces as one SVG. */
int cmd_timeline(int argc, char **argv);

/* torture.c: random runs, aborts, hotplug and rmmod, every verdict checked. */
int cmd_torture(int argc, char **argv, const char *dev);

/* Exit statuses of every command. */
#define EXIT_USAGE 2

#endif /* WQFAULT_CLI_H */
