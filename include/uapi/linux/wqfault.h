/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * wqfault userspace ABI: ioctls on /dev/wqfault.
 *
 * Every command takes a pointer to a struct whose first member is its size
 * in bytes, so structs can grow: the kernel reads them with
 * copy_struct_from_user() (a longer struct with non-zero unknown bytes is
 * refused with E2BIG) and writes back at most the size userspace gave.
 * Command numbers and enum values are append-only.
 */
#ifndef _UAPI_LINUX_WQFAULT_H
#define _UAPI_LINUX_WQFAULT_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Not in Documentation/userspace-api/ioctl/ioctl-number.rst as of 6.12. */
#define WQF_IOC_MAGIC 0xB9

/** define WQF_API_VERSION - version of this ABI, reported by WQF_IOC_VERSION */
#define WQF_API_VERSION 1

/**
 * struct wqf_version - answer of WQF_IOC_VERSION
 * @size: (in) sizeof(struct wqf_version) as userspace knows it
 * @api_version: (out) WQF_API_VERSION of the running module
 * @nr_scenarios: (out) number of scenarios the module offers
 * @max_runs: (out) how many runs may be in progress at once
 * @features: (out) WQF_FEAT_* bits: optional kernel support present
 */
struct wqf_version {
	__u32 size;
	__u32 api_version;
	__u32 nr_scenarios;
	__u32 max_runs;
	__u64 features;
};

/** define WQF_FEAT_LOCKDEP - the kernel proves locking (CONFIG_PROVE_LOCKING) */
#define WQF_FEAT_LOCKDEP		(1ULL << 0)
/** define WQF_FEAT_FAULT_INJECTION - CONFIG_FAULT_INJECTION is on */
#define WQF_FEAT_FAULT_INJECTION	(1ULL << 1)
/** define WQF_FEAT_HUNG_TASK - CONFIG_DETECT_HUNG_TASK is on */
#define WQF_FEAT_HUNG_TASK		(1ULL << 2)
/** define WQF_FEAT_WQ_WATCHDOG - CONFIG_WQ_WATCHDOG is on */
#define WQF_FEAT_WQ_WATCHDOG		(1ULL << 3)

/** define WQF_IOC_VERSION - report the ABI version and features */
#define WQF_IOC_VERSION		_IO(WQF_IOC_MAGIC, 0x00)

#endif /* _UAPI_LINUX_WQFAULT_H */
