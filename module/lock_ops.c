// SPDX-License-Identifier: GPL-2.0
/*
 * The lock kinds scenarios take at run time: real mutexes, spinlocks and
 * rwsems, each given a lockdep class and name by the scenario, so lockdep
 * sees exactly what it would see in a driver.
 */
#include <linux/module.h>

#include "lock_ops.h"
#include "wqfault.h"

static void wl_mutex_init(struct wqf_lock *l, struct lock_class_key *key, const char *name)
{
	mutex_init(&l->mutex);
	lockdep_set_class_and_name(&l->mutex, key, name);
}

static void wl_mutex_lock(struct wqf_lock *l) { mutex_lock(&l->mutex); }
static void wl_mutex_unlock(struct wqf_lock *l) { mutex_unlock(&l->mutex); }
static bool wl_mutex_trylock(struct wqf_lock *l) { return mutex_trylock(&l->mutex); }
static void wl_mutex_might(struct wqf_lock *l) { might_lock(&l->mutex); }
static void wl_mutex_destroy(struct wqf_lock *l) { mutex_destroy(&l->mutex); }

static void wl_spin_init(struct wqf_lock *l, struct lock_class_key *key, const char *name)
{
	spin_lock_init(&l->spin);
	lockdep_set_class_and_name(&l->spin, key, name);
}

static void wl_spin_lock(struct wqf_lock *l) __acquires(&l->spin)
{
	spin_lock(&l->spin);
}

static void wl_spin_unlock(struct wqf_lock *l) __releases(&l->spin)
{
	spin_unlock(&l->spin);
}

/* sparse reports a context imbalance here: see lint_build in run-check. */
static bool wl_spin_trylock(struct wqf_lock *l)
{
	if (spin_trylock(&l->spin))
		return true;
	return false;
}

static void wl_spin_might(struct wqf_lock *l) { might_lock(&l->spin); }

static void wl_rwsem_init(struct wqf_lock *l, struct lock_class_key *key, const char *name)
{
	init_rwsem(&l->rwsem);
	lockdep_set_class_and_name(&l->rwsem, key, name);
}

static void wl_rwsem_lock(struct wqf_lock *l) { down_write(&l->rwsem); }
static void wl_rwsem_unlock(struct wqf_lock *l) { up_write(&l->rwsem); }
static bool wl_rwsem_trylock(struct wqf_lock *l) { return down_write_trylock(&l->rwsem); }
static bool wl_rwsem_trylock_read(struct wqf_lock *l) { return down_read_trylock(&l->rwsem); }
static void wl_rwsem_unlock_read(struct wqf_lock *l) { up_read(&l->rwsem); }
static void wl_rwsem_might(struct wqf_lock *l) { might_lock(&l->rwsem); }
static void wl_rwsem_might_read(struct wqf_lock *l) { might_lock_read(&l->rwsem); }

const struct wqf_lock_ops wqf_lock_ops[3] = {
	[WQF_LOCK_MUTEX] = {
		.name = "mutex", .init = wl_mutex_init, .lock = wl_mutex_lock,
		.unlock = wl_mutex_unlock, .trylock = wl_mutex_trylock,
		.trylock_read = wl_mutex_trylock, .unlock_read = wl_mutex_unlock,
		.might = wl_mutex_might, .might_read = wl_mutex_might,
		.destroy = wl_mutex_destroy, .sleeps = true,
	},
	[WQF_LOCK_SPINLOCK] = {
		.name = "spinlock", .init = wl_spin_init, .lock = wl_spin_lock,
		.unlock = wl_spin_unlock, .trylock = wl_spin_trylock,
		.trylock_read = wl_spin_trylock, .unlock_read = wl_spin_unlock,
		.might = wl_spin_might, .might_read = wl_spin_might, .sleeps = false,
	},
	[WQF_LOCK_RWSEM] = {
		.name = "rwsem", .init = wl_rwsem_init, .lock = wl_rwsem_lock,
		.unlock = wl_rwsem_unlock, .trylock = wl_rwsem_trylock,
		.trylock_read = wl_rwsem_trylock_read, .unlock_read = wl_rwsem_unlock_read,
		.might = wl_rwsem_might, .might_read = wl_rwsem_might_read, .sleeps = true,
	},
};

/**
 * wqf_lock_init() - initialise a lock of the kind a run asked for
 * @l: the lock
 * @kind: enum wqf_lock_kind (checked by the scenario's field table)
 * @key: its lockdep class (static, one per variant and role, so that one
 *       run's dependencies are not held against another's)
 * @name: the class's name, as lockdep's reports print it
 */
void wqf_lock_init(struct wqf_lock *l, u32 kind, struct lock_class_key *key,
		   const char *name)
{
	l->ops = &wqf_lock_ops[kind];
	l->ops->init(l, key, name);
}
EXPORT_SYMBOL_GPL(wqf_lock_init);

/**
 * wqf_lock_destroy() - undo wqf_lock_init()
 * @l: the lock, not held; a lock never initialised (all zero) is skipped
 */
void wqf_lock_destroy(struct wqf_lock *l)
{
	if (l->ops && l->ops->destroy)
		l->ops->destroy(l);
}
EXPORT_SYMBOL_GPL(wqf_lock_destroy);
