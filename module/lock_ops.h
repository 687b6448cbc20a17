/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One real lock of a kind chosen at run time (mutex, spinlock, rwsem), as
 * locktorture's ops table has them: lockcb and abba take theirs this way.
 */
#ifndef _WQFAULT_LOCK_OPS_H
#define _WQFAULT_LOCK_OPS_H

#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/**
 * struct wqf_lock - a real lock; which one is in @ops
 * @mutex: with &wqf_lock_ops[WQF_LOCK_MUTEX]
 * @spin: with &wqf_lock_ops[WQF_LOCK_SPINLOCK]
 * @rwsem: with &wqf_lock_ops[WQF_LOCK_RWSEM]
 * @ops: how to take it
 */
struct wqf_lock {
	union {
		struct mutex mutex;		/* the lock itself, per @ops */
		spinlock_t spin;		/* the lock itself, per @ops */
		struct rw_semaphore rwsem;	/* the lock itself, per @ops */
	};
	const struct wqf_lock_ops *ops;
};

/**
 * struct wqf_lock_ops - how a kind of lock is taken
 * @name: "mutex", "spinlock" or "rwsem"
 * @init: initialise it with a lockdep class and name of its own
 * @lock: take it exclusively (an rwsem for write), blocking
 * @unlock: release @lock's hold
 * @trylock: take it exclusively if free
 * @trylock_read: take it shared if it can (an rwsem for read; the others
 *                exclusively)
 * @unlock_read: release @trylock_read's hold
 * @might: tell lockdep the caller is about to take it exclusively
 * @might_read: tell lockdep the caller is about to take it shared
 * @destroy: undo @init (mutex_destroy()), or NULL
 * @sleeps: a waiter may sleep between tries (not for a spinlock)
 */
struct wqf_lock_ops {
	const char *name;
	void (*init)(struct wqf_lock *l, struct lock_class_key *key, const char *name);
	void (*lock)(struct wqf_lock *l);
	void (*unlock)(struct wqf_lock *l);
	bool (*trylock)(struct wqf_lock *l);
	bool (*trylock_read)(struct wqf_lock *l);
	void (*unlock_read)(struct wqf_lock *l);
	void (*might)(struct wqf_lock *l);
	void (*might_read)(struct wqf_lock *l);
	void (*destroy)(struct wqf_lock *l);
	bool sleeps;
};

/* Index = enum wqf_lock_kind. */
extern const struct wqf_lock_ops wqf_lock_ops[3];

void wqf_lock_init(struct wqf_lock *l, u32 kind, struct lock_class_key *key,
		   const char *name);
void wqf_lock_destroy(struct wqf_lock *l);

#endif /* _WQFAULT_LOCK_OPS_H */
