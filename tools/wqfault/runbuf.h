/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A run as wqfault's programs build it: the fields of the UAPI header
 * struct wqf_run, by the same names and at the same offsets (asserted
 * below), followed by room for any scenario's payload. fields.h sets and
 * reads the payload's fields by name; wqf_runbuf_ioctl() runs it.
 */
#ifndef WQFAULT_RUNBUF_H
#define WQFAULT_RUNBUF_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include <linux/wqfault.h>

struct wqf_runbuf {
	__u32 size;
	__u32 scenario;
	__u32 variant;
	__u32 flags;
	__u32 stall_timeout_ms;
	__u32 verdict;
	__u64 run_id;
	__u64 elapsed_us;
	__u64 verdict_us;
	struct wqf_hang hang;
	__u32 payload_size;
	__u32 pad;
	__aligned_u64 payload;
	/* The payload (8-aligned): laid out as WQF_IOC_FIELD_INFO says. */
	unsigned char data[512];
};

/* The same fields at the same places as the UAPI header. */
static_assert(offsetof(struct wqf_runbuf, size) ==
	      offsetof(struct wqf_run, size), "size");
static_assert(offsetof(struct wqf_runbuf, scenario) ==
	      offsetof(struct wqf_run, scenario), "scenario");
static_assert(offsetof(struct wqf_runbuf, variant) ==
	      offsetof(struct wqf_run, variant), "variant");
static_assert(offsetof(struct wqf_runbuf, flags) ==
	      offsetof(struct wqf_run, flags), "flags");
static_assert(offsetof(struct wqf_runbuf, stall_timeout_ms) ==
	      offsetof(struct wqf_run, stall_timeout_ms), "stall_timeout_ms");
static_assert(offsetof(struct wqf_runbuf, verdict) ==
	      offsetof(struct wqf_run, verdict), "verdict");
static_assert(offsetof(struct wqf_runbuf, run_id) ==
	      offsetof(struct wqf_run, run_id), "run_id");
static_assert(offsetof(struct wqf_runbuf, elapsed_us) ==
	      offsetof(struct wqf_run, elapsed_us), "elapsed_us");
static_assert(offsetof(struct wqf_runbuf, verdict_us) ==
	      offsetof(struct wqf_run, verdict_us), "verdict_us");
static_assert(offsetof(struct wqf_runbuf, hang) ==
	      offsetof(struct wqf_run, hang), "hang");
static_assert(offsetof(struct wqf_runbuf, payload_size) ==
	      offsetof(struct wqf_run, payload_size), "payload_size");
static_assert(offsetof(struct wqf_runbuf, pad) ==
	      offsetof(struct wqf_run, pad), "pad");
static_assert(offsetof(struct wqf_runbuf, payload) ==
	      offsetof(struct wqf_run, payload), "payload");
static_assert(offsetof(struct wqf_runbuf, data) == sizeof(struct wqf_run), "header");

#endif /* WQFAULT_RUNBUF_H */
