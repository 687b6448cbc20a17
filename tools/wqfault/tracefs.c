// SPDX-License-Identifier: GPL-2.0
/*
 * wqfault CLI: record the wqfault:* events beside the kernel's own
 * workqueue:* events in tracefs, for `run --trace=FILE`.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
static const char *root;

static int tfs_write(const char *file, const char *val)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "wqfault: trace: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = write(fd, val, strlen(val));
	close(fd);
	if (n != (ssize_t)strlen(val)) {
		fprintf(stderr, "wqfault: trace: writing %s: %s\n", path,
			n < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

/*
 * Stop tracing, empty the buffer, enable both event systems and start.
 * Returns 0, or -1 with a message (no tracefs, not root, no wqfault events).
 */
int trace_begin(void)
{
	char path[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(roots) && !root; i++) {
		snprintf(path, sizeof(path), "%s/events/wqfault/enable", roots[i]);
		if (!access(path, F_OK))
			root = roots[i];
	}
	if (!root) {
		fprintf(stderr, "wqfault: trace: %s\n",
			"no wqfault events in tracefs (is it mounted? the module loaded?)");
		return -1;
	}
	if (tfs_write("tracing_on", "0") || tfs_write("trace", "") ||
	    tfs_write("buffer_size_kb", "8192") ||
	    /* one clock for all CPUs: the picture compares their events */
	    tfs_write("trace_clock", "global") ||
	    tfs_write("events/wqfault/enable", "1") ||
	    tfs_write("events/workqueue/enable", "1") ||
	    tfs_write("tracing_on", "1"))
		return -1;
	return 0;
}

/*
 * Stop tracing, disable the events again and copy the buffer to @file with
 * a first line "# wqfault-trace: @title". Returns 0 or -1 (message printed).
 */
int trace_save(const char *file, const char *title)
{
	char path[256], buf[65536];
	int rc = 0;
	size_t n;
	FILE *in, *out;

	if (!root)
		return -1;
	tfs_write("tracing_on", "0");
	tfs_write("events/wqfault/enable", "0");
	tfs_write("events/workqueue/enable", "0");
	snprintf(path, sizeof(path), "%s/trace", root);
	in = fopen(path, "r");
	if (!in) {
		fprintf(stderr, "wqfault: trace: %s: %s\n", path, strerror(errno));
		return -1;
	}
	out = fopen(file, "w");
	if (!out) {
		fprintf(stderr, "wqfault: trace: %s: %s\n", file, strerror(errno));
		fclose(in);
		return -1;
	}
	fprintf(out, "# wqfault-trace: %s\n", title);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	if (ferror(in))
		rc = -1;
	fclose(in);
	if (fclose(out))
		rc = -1;
	if (rc)
		fprintf(stderr, "wqfault: trace: could not copy %s to %s\n", path, file);
	return rc;
}
