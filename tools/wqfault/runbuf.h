/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A run as the selftests, the fuzzer and torture build it: the fields of
 * the UAPI header struct wqf_run, by the same names and at the same
 * offsets (asserted below), followed by every built-in scenario's struct.
 * wqf_runbuf_ioctl() points the header at the payload and runs it.
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
	union {
		struct wqf_starve starve;
		struct wqf_lockcb lockcb;
		struct wqf_leak leak;
		struct wqf_mux mux;
		struct wqf_abba abba;
		unsigned char data[512];
	};
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

/* sizeof() of the built-in scenario's struct, or of the whole union. */
static inline __u32 wqf_runbuf_payload_size(__u32 scenario)
{
	switch (scenario) {
	case WQF_SCN_STARVE:
		return sizeof(struct wqf_starve);
	case WQF_SCN_LOCKCB:
		return sizeof(struct wqf_lockcb);
	case WQF_SCN_LEAK:
		return sizeof(struct wqf_leak);
	case WQF_SCN_MUX:
		return sizeof(struct wqf_mux);
	case WQF_SCN_ABBA:
		return sizeof(struct wqf_abba);
	}
	return sizeof(((struct wqf_runbuf *)0)->data);
}

/*
 * WQF_IOC_RUN on @r: the header's pointer to @r's own payload, and its
 * size, unless the caller set one (a test of the size protocol).
 */
static inline int wqf_runbuf_ioctl(int fd, struct wqf_runbuf *r)
{
	r->payload = (uintptr_t)r->data;
	if (!r->payload_size)
		r->payload_size = wqf_runbuf_payload_size(r->scenario);
	return ioctl(fd, WQF_IOC_RUN, r);
}

#endif /* WQFAULT_RUNBUF_H */
