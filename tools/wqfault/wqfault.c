// SPDX-License-Identifier: GPL-2.0
/*
 * wqfault - command-line driver for the wqfault kernel module.
 *
 * Exit status: 0 success, 1 failure (or a verdict other than --expect),
 * 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/wqfault.h>

static const char *dev_path = "/dev/wqfault";

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: wqfault [--dev=PATH] COMMAND [ARGS]\n"
		"commands:\n"
		"  version        show the module's ABI version and features\n"
		"  help           show this text\n");
}

static int open_dev(void)
{
	int fd = open(dev_path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "wqfault: %s: %s%s\n", dev_path, strerror(errno),
			errno == ENOENT ? " (is the wqfault module loaded?)" : "");
	return fd;
}

static int cmd_version(int argc, char **argv)
{
	struct wqf_version v = { .size = sizeof(v) };
	int fd;

	(void)argv;
	if (argc != 1) {
		print_usage(stderr);
		return 2;
	}
	fd = open_dev();
	if (fd < 0)
		return 1;
	if (ioctl(fd, WQF_IOC_VERSION, &v)) {
		fprintf(stderr, "wqfault: version: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	printf("api_version %u\nscenarios %u\nmax_runs %u\nfeatures%s%s%s%s\n",
	       v.api_version, v.nr_scenarios, v.max_runs,
	       v.features & WQF_FEAT_LOCKDEP ? " lockdep" : "",
	       v.features & WQF_FEAT_FAULT_INJECTION ? " fault-injection" : "",
	       v.features & WQF_FEAT_HUNG_TASK ? " hung-task" : "",
	       v.features & WQF_FEAT_WQ_WATCHDOG ? " wq-watchdog" : "");
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;

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
	if (!strcmp(argv[i], "version"))
		return cmd_version(argc - i, argv + i);
	if (!strcmp(argv[i], "help")) {
		print_usage(stdout);
		return 0;
	}
	fprintf(stderr, "wqfault: unknown command '%s'\n", argv[i]);
	print_usage(stderr);
	return 2;
}
