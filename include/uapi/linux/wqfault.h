/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * wqfault userspace ABI: ioctls on /dev/wqfault.
 *
 * Every command that takes a struct takes a pointer to one whose first
 * member is its size in bytes, so structs can grow: the kernel reads them
 * with copy_struct_from_user() (a longer struct with non-zero unknown
 * bytes is refused with E2BIG) and writes back at most the size userspace
 * gave. A run is a common header (struct wqf_run) that points to the
 * scenario's own struct (its payload), read the same way with its own
 * size, so each scenario's struct grows at its tail on its own. This
 * header does not declare the payloads: the module publishes each one's
 * size (WQF_IOC_SCENARIO_INFO) and every field's name, offset, type,
 * range and default (WQF_IOC_FIELD_INFO), and userspace sets and reads
 * fields by name. A field, once published, keeps its offset: new fields
 * go at a payload's end. Command numbers and enum values are append-only.
 *
 * ABI 2 (this header) replaced ABI 1's _IO() commands and its struct
 * wqf_run, which held every scenario's struct one after the other: an ABI
 * 1 binary's commands are unknown to an ABI 2 module (ENOTTY).
 */
#ifndef _UAPI_LINUX_WQFAULT_H
#define _UAPI_LINUX_WQFAULT_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Not in Documentation/userspace-api/ioctl/ioctl-number.rst as of 6.12. */
#define WQF_IOC_MAGIC 0xB9

/** define WQF_API_VERSION - version of this ABI, reported by WQF_IOC_VERSION */
#define WQF_API_VERSION 2

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

/**
 * enum wqf_scenario_id - scenario identifiers (append-only)
 * @WQF_SCN_STARVE: critical work queue starvation: requests wait for
 *                  connect items queued behind them on the same queue
 * @WQF_SCN_LOCKCB: a timeout scanner calls completions while holding the
 *                  lock the completions need
 * @WQF_SCN_MUX: one outstanding request allowed: a logoff thread holds the
 *               only request credit while it waits for a resource whose
 *               holder needs a credit to write back
 * @WQF_SCN_ABBA: a DFS layer and a redirector take their two locks in
 *                opposite orders (AB-BA)
 * @WQF_SCN_LEAK: a failed close on an error path leaves an exclusive open
 *                in the session table; a later retry gets EBUSY
 */
enum wqf_scenario_id {
	WQF_SCN_STARVE = 1,
	WQF_SCN_LOCKCB = 2,
	WQF_SCN_MUX = 3,
	WQF_SCN_ABBA = 4,
	WQF_SCN_LEAK = 5,
};

/**
 * define WQF_SCN_USER_BASE - first id of the scenarios other modules
 * register (wqfault_register_scenario()); find them by name
 */
#define WQF_SCN_USER_BASE	256

/**
 * enum wqf_verdict - how a run ended
 * @WQF_VERDICT_NONE: no verdict (the run did not start)
 * @WQF_VERDICT_COMPLETED: every party finished within its bound
 * @WQF_VERDICT_DEADLOCK: the harness saw the stall the scenario reproduces
 * @WQF_VERDICT_LEAKED: the run finished but left state behind
 * @WQF_VERDICT_ABORTED: stopped by WQF_IOC_ABORT, a signal or close()
 */
enum wqf_verdict {
	WQF_VERDICT_NONE = 0,
	WQF_VERDICT_COMPLETED = 1,
	WQF_VERDICT_DEADLOCK = 2,
	WQF_VERDICT_LEAKED = 3,
	WQF_VERDICT_ABORTED = 4,
};

/** define WQF_NAME_LEN - length of the name fields, NUL included */
#define WQF_NAME_LEN		16
/** define WQF_MAX_VARIANTS - variants a scenario can list */
#define WQF_MAX_VARIANTS	8

/**
 * struct wqf_scenario_info - answer of WQF_IOC_SCENARIO_INFO
 * @size: (in) sizeof(struct wqf_scenario_info) as userspace knows it
 * @index: (in) which scenario, 0 to wqf_version.nr_scenarios - 1
 * @id: (out) its enum wqf_scenario_id, for wqf_run.scenario
 * @nr_variants: (out) entries used in @variants
 * @name: (out) the scenario's name, NUL-terminated
 * @variants: (out) variant names; wqf_run.variant is an index here
 * @nr_fields: (out) fields of the scenario, for WQF_IOC_FIELD_INFO
 * @flags: (out) the WQF_RUN_* flags the scenario honours
 * @payload_size: (out) size of the scenario's knobs and results struct
 *                (its payload, wqf_run.payload)
 * @payload_min: (out) the smallest payload the module takes (its size when
 *               the scenario first shipped); one between this and
 *               @payload_size is zero-extended
 */
struct wqf_scenario_info {
	__u32 size;
	__u32 index;
	__u32 id;
	__u32 nr_variants;
	char name[WQF_NAME_LEN];
	char variants[WQF_MAX_VARIANTS][WQF_NAME_LEN];
	__u32 nr_fields;
	__u32 flags;
	__u32 payload_size;
	__u32 payload_min;
};

/**
 * enum wqf_field_type - how a field is stored
 * @WQF_FIELD_U32: __u32
 * @WQF_FIELD_S32: __s32
 * @WQF_FIELD_U64: __u64
 * @WQF_FIELD_ENUM: __u32 holding the index of one of the field's names
 *                  (an empty name is a value not allowed)
 * @WQF_FIELD_FLAGS: __u32 whose bit N is named by the field's name N (an
 *                   empty name is a bit not allowed)
 * @WQF_FIELD_STRING: wqf_field_info.count NUL-terminated strings of
 *                    wqf_field_info.width bytes each
 */
enum wqf_field_type {
	WQF_FIELD_U32 = 1,
	WQF_FIELD_S32 = 2,
	WQF_FIELD_U64 = 3,
	WQF_FIELD_ENUM = 4,
	WQF_FIELD_FLAGS = 5,
	WQF_FIELD_STRING = 6,
};

/** define WQF_FIELD_IN - a knob: userspace sets it, the kernel checks it */
#define WQF_FIELD_IN		(1U << 0)
/** define WQF_FIELD_OUT - a result: the kernel ignores its value on input */
#define WQF_FIELD_OUT		(1U << 1)
/**
 * define WQF_FIELD_ZERO_DEFAULT - 0 stands for wqf_field_info.def (the
 * kernel substitutes it before the range check)
 */
#define WQF_FIELD_ZERO_DEFAULT	(1U << 2)
/**
 * define WQF_FIELD_AUTO - 0 is allowed and means a value derived from the
 * other knobs (the help says how); other values are range checked
 */
#define WQF_FIELD_AUTO		(1U << 3)
/** define WQF_FIELD_DIAG - a result that only means something at a stall */
#define WQF_FIELD_DIAG		(1U << 4)
/**
 * define WQF_FIELD_BOUNDED - a knob whose range other knobs narrow (the
 * help says how): wqf_field_info.min and .max hold for it alone
 */
#define WQF_FIELD_BOUNDED	(1U << 5)

/** define WQF_FIELD_NAME_LEN - length of wqf_field_info.name, NUL included */
#define WQF_FIELD_NAME_LEN	32
/** define WQF_MAX_NAMES - enum or flag names a field can list */
#define WQF_MAX_NAMES		16
/** define WQF_HELP_LEN - length of wqf_field_info.help, NUL included */
#define WQF_HELP_LEN		128

/**
 * struct wqf_field_info - answer of WQF_IOC_FIELD_INFO: one field of one
 * scenario's knobs and results, or of every run's common part
 * @size: (in) sizeof(struct wqf_field_info) as userspace knows it
 * @scenario: (in) enum wqf_scenario_id, or 0 for the fields every run has
 *            (offsets into struct wqf_run, the header)
 * @index: (in) which field, 0 to wqf_scenario_info.nr_fields - 1 (for
 *         scenario 0: until ENOENT)
 * @type: (out) enum wqf_field_type
 * @flags: (out) WQF_FIELD_* bits
 * @offset: (out) byte offset of the field in the scenario's payload, or
 *          in struct wqf_run for scenario 0
 * @width: (out) bytes of one element
 * @count: (out) elements (1 but for arrays of strings)
 * @nr_names: (out) entries used in @names (enums and flags)
 * @pad: (out) zero
 * @min: (out) smallest value the kernel takes (knobs)
 * @max: (out) largest value the kernel takes (knobs)
 * @def: (out) the value a caller that sets nothing should pass
 * @name: (out) the field's one name: log lines, JSON keys, CLI options
 *        (with '-' for '_') and the docs spell it this way
 * @unit: (out) "ms", "us", "bytes", ... or empty
 * @names: (out) enum value names, or flag bit names
 * @help: (out) one line of help
 */
struct wqf_field_info {
	__u32 size;
	__u32 scenario;
	__u32 index;
	__u32 type;
	__u32 flags;
	__u32 offset;
	__u32 width;
	__u32 count;
	__u32 nr_names;
	__u32 pad;
	__s64 min;
	__s64 max;
	__s64 def;
	char name[WQF_FIELD_NAME_LEN];
	char unit[WQF_NAME_LEN];
	char names[WQF_MAX_NAMES][WQF_NAME_LEN];
	char help[WQF_HELP_LEN];
};

/**
 * enum wqf_starve_variant - variants of WQF_SCN_STARVE
 * @WQF_STARVE_BUGGY: the client queues every request at once
 * @WQF_STARVE_THROTTLE: at most the throttle knob requests in flight
 * @WQF_STARVE_SEPARATE_QUEUE: connect items go to a queue of their own
 */
enum wqf_starve_variant {
	WQF_STARVE_BUGGY = 0,
	WQF_STARVE_THROTTLE = 1,
	WQF_STARVE_SEPARATE_QUEUE = 2,
};

/**
 * enum wqf_queue_kind - flavour of the scenario's workqueue
 * @WQF_QUEUE_UNBOUND: WQ_UNBOUND, max_active counted per NUMA node
 * @WQF_QUEUE_PERCPU: per-CPU (bound), max_active counted per CPU
 * @WQF_QUEUE_ORDERED: alloc_ordered_workqueue(), one item at a time
 */
enum wqf_queue_kind {
	WQF_QUEUE_UNBOUND = 0,
	WQF_QUEUE_PERCPU = 1,
	WQF_QUEUE_ORDERED = 2,
};

/** define WQF_QF_HIGHPRI - add WQ_HIGHPRI to the scenario's workqueue */
#define WQF_QF_HIGHPRI		(1U << 0)
/** define WQF_QF_MEM_RECLAIM - add WQ_MEM_RECLAIM (a rescuer thread) */
#define WQF_QF_MEM_RECLAIM	(1U << 1)
/** define WQF_QF_ALL - every known WQF_QF_* bit */
#define WQF_QF_ALL		(WQF_QF_HIGHPRI | WQF_QF_MEM_RECLAIM)

/**
 * enum wqf_placement - where the client queues its requests
 * @WQF_PLACE_LOCAL: queue_work(): the CPU the client runs on
 * @WQF_PLACE_PIN: queue_work_on() to the cpu knob for every request
 * @WQF_PLACE_SPREAD: queue_work_on() round-robin over online CPUs
 */
enum wqf_placement {
	WQF_PLACE_LOCAL = 0,
	WQF_PLACE_PIN = 1,
	WQF_PLACE_SPREAD = 2,
};

/**
 * enum wqf_confirm - outcome of the WQF_RUN_CONFIRM check
 * @WQF_CONFIRM_NOT_RUN: not asked for, or no stall to confirm
 * @WQF_CONFIRM_CLEARED: raising max_active by one let a parked connect run
 * @WQF_CONFIRM_NOT_CLEARED: it did not (other items were parked ahead)
 * @WQF_CONFIRM_UNSUPPORTED: the queue is ordered; max_active is fixed
 */
enum wqf_confirm {
	WQF_CONFIRM_NOT_RUN = 0,
	WQF_CONFIRM_CLEARED = 1,
	WQF_CONFIRM_NOT_CLEARED = 2,
	WQF_CONFIRM_UNSUPPORTED = 3,
};

/**
 * enum wqf_lockcb_variant - variants of WQF_SCN_LOCKCB
 * @WQF_LOCKCB_BUGGY: the scanner calls each completion with the lock held
 * @WQF_LOCKCB_FIXED: the scanner moves expired sessions to a private list
 *                    under the lock, drops it, then calls the completions
 */
enum wqf_lockcb_variant {
	WQF_LOCKCB_BUGGY = 0,
	WQF_LOCKCB_FIXED = 1,
};

/**
 * enum wqf_lock_kind - the session table's lock
 * @WQF_LOCK_MUTEX: struct mutex
 * @WQF_LOCK_SPINLOCK: spinlock_t
 * @WQF_LOCK_RWSEM: struct rw_semaphore (scanner writes, completion reads)
 */
enum wqf_lock_kind {
	WQF_LOCK_MUTEX = 0,
	WQF_LOCK_SPINLOCK = 1,
	WQF_LOCK_RWSEM = 2,
};

/**
 * enum wqf_lockcb_path - how a session's completion needs the table lock
 * @WQF_LOCKCB_DIRECT: the completion takes the lock itself
 * @WQF_LOCKCB_FLUSH: the completion queues the session's cleanup work item,
 *                    which takes the lock, and waits for it with
 *                    flush_work() (not with a spinlock: flushing sleeps)
 */
enum wqf_lockcb_path {
	WQF_LOCKCB_DIRECT = 0,
	WQF_LOCKCB_FLUSH = 1,
};

/**
 * enum wqf_leak_variant - variants of WQF_SCN_LEAK
 * @WQF_LEAK_BUGGY: a sender tries its close once; if the close fails, the
 *                  entry stays in the session table
 * @WQF_LEAK_FIXED: a failed close is retried with backoff
 *                  (close_retries times); if every attempt fails,
 *                  the entry is torn down anyway
 */
enum wqf_leak_variant {
	WQF_LEAK_BUGGY = 0,
	WQF_LEAK_FIXED = 1,
};

/**
 * enum wqf_mux_variant - variants of WQF_SCN_MUX
 * @WQF_MUX_BUGGY: a logoff thread waits for its resource holding a credit
 * @WQF_MUX_RAISE_LIMIT: the pool is raised to the credits needed at once
 *                       (credits_needed) if @max_mux is below it
 * @WQF_MUX_RELEASE_BEFORE_WAIT: "release-first": a logoff thread that
 *                               finds its resource held releases its
 *                               credit, waits for the resource, then takes
 *                               a credit again
 * @WQF_MUX_SERIALISE: the client's threads run one at a time (an ordered
 *                     workqueue): the "slow the client down" remedy
 */
enum wqf_mux_variant {
	WQF_MUX_BUGGY = 0,
	WQF_MUX_RAISE_LIMIT = 1,
	WQF_MUX_RELEASE_BEFORE_WAIT = 2,
	WQF_MUX_SERIALISE = 3,
};

/**
 * enum wqf_mux_wait - what a mux thread was waiting for at the stall
 * @WQF_MUX_WAIT_NONE: nothing (running, or not a party to the cycle)
 * @WQF_MUX_WAIT_CREDIT: a request credit from the pool
 * @WQF_MUX_WAIT_RESOURCE: a profile resource another thread holds
 */
enum wqf_mux_wait {
	WQF_MUX_WAIT_NONE = 0,
	WQF_MUX_WAIT_CREDIT = 1,
	WQF_MUX_WAIT_RESOURCE = 2,
};

/**
 * enum wqf_abba_variant - variants of WQF_SCN_ABBA
 * @WQF_ABBA_BUGGY: the client path holds the referral entry lock while it
 *                  calls into the redirector (DFS, then connection lock);
 *                  connection setup refreshes the referral under the
 *                  connection lock (connection, then DFS lock)
 * @WQF_ABBA_ORDERED: the client path drops the referral entry lock before
 *                    calling into the redirector: one lock order left
 */
enum wqf_abba_variant {
	WQF_ABBA_BUGGY = 0,
	WQF_ABBA_ORDERED = 1,
};

/**
 * enum wqf_abba_mode - how the two paths meet
 * @WQF_ABBA_TRIGGER: a handshake forces the interleaving: each party holds
 *                    its first lock and waits (bounded) until its partner
 *                    holds its own first lock, then takes its second
 * @WQF_ABBA_RACE: free-running; a cycle that closes is counted and broken
 *                 by the client path backing off
 */
enum wqf_abba_mode {
	WQF_ABBA_TRIGGER = 0,
	WQF_ABBA_RACE = 1,
};

/**
 * enum wqf_abba_resource - which resource the clients open
 * @WQF_ABBA_SAME: every client opens resource 0: one referral entry lock
 *                 and one connection lock for all
 * @WQF_ABBA_DIFFERENT: client i opens resource i: lock instances of its own
 */
enum wqf_abba_resource {
	WQF_ABBA_SAME = 0,
	WQF_ABBA_DIFFERENT = 1,
};

/**
 * define WQF_RUN_CONFIRM - on a stall, raise max_active by one
 * (workqueue_set_max_active()) and report whether the stall cleared
 * (starve)
 */
#define WQF_RUN_CONFIRM		(1U << 0)
/**
 * define WQF_RUN_NO_LOCKDEP - leave out the might_lock() annotations that
 * let lockdep report the bug (lockcb, abba); lockdep reports once per boot
 */
#define WQF_RUN_NO_LOCKDEP	(1U << 1)
/**
 * define WQF_RUN_FAULT_ATTR - besides the forced faults, let the kernel's
 * fault_attr points (their debugfs knobs and the caller's fail-nth) decide
 * every fault site of the run, in the calling task, before it starts (leak)
 */
#define WQF_RUN_FAULT_ATTR	(1U << 4)
/**
 * define WQF_RUN_HANG - hang mode. The stuck parties block the way the real
 * bug blocks (one long uninterruptible wait each), so hung_task can see
 * them, and stay blocked after the verdict until WQF_IOC_RELEASE, the
 * debugfs file wqfault/release, a signal to the caller, or wqf_hang.hang_ms
 * (not with WQF_RUN_CONFIRM)
 */
#define WQF_RUN_HANG		(1U << 5)
/**
 * define WQF_RUN_DRY_RUN - check the knobs and fill in the derived ones,
 * then return without running (verdict WQF_VERDICT_NONE); every scenario
 */
#define WQF_RUN_DRY_RUN		(1U << 6)
/** define WQF_RUN_FLAGS_ALL - every known WQF_RUN_* bit */
#define WQF_RUN_FLAGS_ALL	(WQF_RUN_CONFIRM | WQF_RUN_NO_LOCKDEP | \
				 WQF_RUN_FAULT_ATTR | WQF_RUN_HANG | \
				 WQF_RUN_DRY_RUN)

/**
 * enum wqf_hang_end - what ended the hold of a WQF_RUN_HANG run
 * @WQF_HANG_NOT_HELD: no hang was held (no flag, or the run did not stall)
 * @WQF_HANG_DEADLINE: wqf_hang.hang_ms passed
 * @WQF_HANG_RELEASED: WQF_IOC_RELEASE or the debugfs release file
 * @WQF_HANG_ABORTED: WQF_IOC_ABORT, close() or a signal to the caller
 */
enum wqf_hang_end {
	WQF_HANG_NOT_HELD = 0,
	WQF_HANG_DEADLINE = 1,
	WQF_HANG_RELEASED = 2,
	WQF_HANG_ABORTED = 3,
};

/**
 * struct wqf_hang - hang mode knobs and results (with WQF_RUN_HANG)
 * @hang_ms: (in) how long the stuck parties are held after the verdict at
 *           most, 1,000 to 600,000; 0 means 30,000
 * @held_ms: (out) how long they were held after the verdict
 * @end: (out) enum wqf_hang_end
 * @pad: must be zero
 */
struct wqf_hang {
	__u32 hang_ms;
	__u32 held_ms;
	__u32 end;
	__u32 pad;
};

/**
 * struct wqf_run - one run of a scenario, for WQF_IOC_RUN: the header
 * every scenario shares; the scenario's own knobs and results are in its
 * payload, which @payload points to (laid out as WQF_IOC_FIELD_INFO says)
 * @size: (in) sizeof(struct wqf_run) as userspace knows it
 * @scenario: (in) enum wqf_scenario_id
 * @variant: (in) index into the scenario's variants
 * @flags: (in) WQF_RUN_* bits
 * @stall_timeout_ms: (in) a party stuck this long is a stall; 0 means
 *                    1000, else 10 to 600,000
 * @verdict: (out) enum wqf_verdict
 * @run_id: (out) the run's number in the kernel log lines
 * @elapsed_us: (out) from the start of the run to its end, cleanup done
 * @verdict_us: (out) from the start of the run to the verdict
 * @hang: (in/out) hang mode, with WQF_RUN_HANG in @flags
 * @payload_size: (in) size of the payload as userspace knows it
 *                (wqf_scenario_info.payload_size for this module); the
 *                kernel reads it with copy_struct_from_user() and writes
 *                back at most this many bytes
 * @pad: must be zero
 * @payload: (in) user pointer to the scenario's struct: knobs in, results
 *           out
 */
struct wqf_run {
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
};

/** define WQF_IOC_VERSION - report the ABI version and features */
#define WQF_IOC_VERSION		_IOWR(WQF_IOC_MAGIC, 0x00, struct wqf_version)
/**
 * define WQF_IOC_SCENARIO_INFO - describe scenario wqf_scenario_info.index;
 * ENOENT past the last one
 */
#define WQF_IOC_SCENARIO_INFO	_IOWR(WQF_IOC_MAGIC, 0x01, struct wqf_scenario_info)
/**
 * define WQF_IOC_RUN - run a scenario to its verdict (blocks; bounded);
 * EBUSY if too many runs are in progress
 */
#define WQF_IOC_RUN		_IOWR(WQF_IOC_MAGIC, 0x02, struct wqf_run)
/** define WQF_IOC_ABORT - abort every run in progress on this file */
#define WQF_IOC_ABORT		_IO(WQF_IOC_MAGIC, 0x03)
/**
 * define WQF_IOC_RELEASE - end the hold of every WQF_RUN_HANG run, of any
 * file; returns how many runs it released
 */
#define WQF_IOC_RELEASE		_IO(WQF_IOC_MAGIC, 0x04)
/**
 * define WQF_IOC_FIELD_INFO - describe field wqf_field_info.index of
 * scenario wqf_field_info.scenario; ENOENT past the last one
 */
#define WQF_IOC_FIELD_INFO	_IOWR(WQF_IOC_MAGIC, 0x05, struct wqf_field_info)

#endif /* _UAPI_LINUX_WQFAULT_H */
