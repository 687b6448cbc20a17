// SPDX-License-Identifier: GPL-2.0
/*
 * The scenario registry: the five built-in scenarios, and any other module
 * may add its own with wqfault_register_scenario(). A scenario in use (a
 * run, an info query) holds a reference on the module that provides it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "wqfault.h"

/* Index = enum wqf_lock_kind. */
const char * const wqf_lock_names[3] = {
	[WQF_LOCK_MUTEX] = "mutex",
	[WQF_LOCK_SPINLOCK] = "spinlock",
	[WQF_LOCK_RWSEM] = "rwsem",
};

static const struct wqf_scenario * const wqf_builtin[] = {
	&wqf_scn_starve,
	&wqf_scn_lockcb,
	&wqf_scn_mux,
	&wqf_scn_abba,
	&wqf_scn_leak,
};

/* Scenarios offered, in registration order; the built-ins first. */
static const struct wqf_scenario *wqf_scenarios[WQF_MAX_SCENARIOS];
static u32 wqf_nr;
static DEFINE_MUTEX(wqf_scenarios_lock);

/**
 * wqf_nr_scenarios() - how many scenarios the module offers now
 *
 * Return: the number of registered scenarios, built-ins included.
 */
u32 wqf_nr_scenarios(void)
{
	return READ_ONCE(wqf_nr);
}
EXPORT_SYMBOL_GPL(wqf_nr_scenarios);

/* Under wqf_scenarios_lock: a reference on the scenario's module. */
static const struct wqf_scenario *wqf_hold(const struct wqf_scenario *scn)
{
	if (!scn)
		return ERR_PTR(-ENOENT);
	return try_module_get(scn->owner) ? scn : ERR_PTR(-ENODEV);
}

/**
 * wqf_scenario_at() - take the scenario at a position of the registry
 * @index: 0 to wqf_nr_scenarios() - 1
 *
 * Return: the scenario, held (release it with wqf_scenario_put()),
 * ERR_PTR(-ENOENT) if @index is out of range, ERR_PTR(-ENODEV) if its
 * module is going away.
 */
const struct wqf_scenario *wqf_scenario_at(u32 index)
{
	const struct wqf_scenario *scn;

	mutex_lock(&wqf_scenarios_lock);
	scn = wqf_hold(index < wqf_nr ? wqf_scenarios[index] : NULL);
	mutex_unlock(&wqf_scenarios_lock);
	return scn;
}
EXPORT_SYMBOL_GPL(wqf_scenario_at);

/**
 * wqf_scenario_get() - take a scenario by its id
 * @id: its wqf_scenario.id
 *
 * Return: the scenario, held (release it with wqf_scenario_put()),
 * ERR_PTR(-ENOENT) if no scenario has @id, ERR_PTR(-ENODEV) if its module
 * is going away.
 */
const struct wqf_scenario *wqf_scenario_get(u32 id)
{
	const struct wqf_scenario *scn = NULL;
	u32 i;

	mutex_lock(&wqf_scenarios_lock);
	for (i = 0; i < wqf_nr && !scn; i++)
		if (wqf_scenarios[i]->id == id)
			scn = wqf_scenarios[i];
	scn = wqf_hold(scn);
	mutex_unlock(&wqf_scenarios_lock);
	return scn;
}
EXPORT_SYMBOL_GPL(wqf_scenario_get);

/**
 * wqf_scenario_put() - release a scenario taken by wqf_scenario_get()
 * @scn: the scenario, or an error pointer
 */
void wqf_scenario_put(const struct wqf_scenario *scn)
{
	if (!IS_ERR_OR_NULL(scn))
		module_put(scn->owner);
}
EXPORT_SYMBOL_GPL(wqf_scenario_put);

static int wqf_scenario_sane(const struct wqf_scenario *scn)
{
	const char *why = NULL;

	if (!scn->name || !scn->name[0] || strlen(scn->name) >= WQF_NAME_LEN)
		why = "name";
	else if (!scn->id)
		why = "id";
	else if (!scn->nr_variants || scn->nr_variants > WQF_MAX_VARIANTS || !scn->variants)
		why = "variants";
	else if (!scn->priv_size || !scn->setup || !scn->start)
		why = "lifecycle (priv_size, setup, start)";
	else if (!scn->payload_size || scn->payload_size > WQF_PAYLOAD_MAX ||
		 scn->payload_min > scn->payload_size)
		why = "payload size";
	else if (scn->flags & ~(WQF_RUN_FLAGS_ALL & ~WQF_RUN_DRY_RUN))
		why = "flags";
	if (why) {
		pr_err("scenario %s: bad %s\n", scn->name ?: "?", why);
		return -EINVAL;
	}
	return wqf_fields_sane(scn->name, scn->fields, scn->nr_fields, scn->payload_size);
}

/**
 * wqfault_register_scenario() - offer a scenario of another module
 * @scn: the scenario; its @owner is THIS_MODULE of the caller, its @id
 *       unique and at least WQF_SCN_USER_BASE, its name unique
 *
 * The CLI, the sweep, hang mode, tracing and the timeline then handle it
 * like a built-in one. The module stays referenced while a run uses it.
 *
 * Return: 0; -EINVAL for a malformed scenario or field table, -EEXIST if
 * its id or name is taken, -ENOSPC past WQF_MAX_SCENARIOS.
 */
int wqfault_register_scenario(const struct wqf_scenario *scn)
{
	int ret;
	u32 i;

	ret = wqf_scenario_sane(scn);
	if (ret)
		return ret;
	if (scn->id < WQF_SCN_USER_BASE && scn->owner != THIS_MODULE) {
		pr_err("scenario %s: id %u below WQF_SCN_USER_BASE\n", scn->name, scn->id);
		return -EINVAL;
	}
	mutex_lock(&wqf_scenarios_lock);
	for (i = 0; i < wqf_nr && !ret; i++)
		if (wqf_scenarios[i]->id == scn->id || !strcmp(wqf_scenarios[i]->name, scn->name))
			ret = -EEXIST;
	if (!ret && wqf_nr == WQF_MAX_SCENARIOS)
		ret = -ENOSPC;
	if (!ret) {
		wqf_scenarios[wqf_nr] = scn;
		WRITE_ONCE(wqf_nr, wqf_nr + 1);
	}
	mutex_unlock(&wqf_scenarios_lock);
	if (ret)
		pr_err("scenario %s: %s\n", scn->name, ret == -EEXIST ?
		       "id or name taken" : "registry full");
	else if (scn->owner != THIS_MODULE)
		pr_info("scenario %s (id %u) registered by %s\n", scn->name, scn->id,
			module_name(scn->owner));
	return ret;
}
EXPORT_SYMBOL_GPL(wqfault_register_scenario);

/**
 * wqfault_unregister_scenario() - withdraw a scenario
 * @scn: a scenario registered with wqfault_register_scenario()
 *
 * Called from the owner's module exit: no run can be using it then (each
 * holds a reference on the owner), and none can start (the owner is going
 * away, so taking it fails and the ioctl returns -ENODEV).
 */
void wqfault_unregister_scenario(const struct wqf_scenario *scn)
{
	u32 i;

	mutex_lock(&wqf_scenarios_lock);
	for (i = 0; i < wqf_nr; i++) {
		if (wqf_scenarios[i] != scn)
			continue;
		memmove(&wqf_scenarios[i], &wqf_scenarios[i + 1],
			(wqf_nr - i - 1) * sizeof(wqf_scenarios[0]));
		WRITE_ONCE(wqf_nr, wqf_nr - 1);
		break;
	}
	mutex_unlock(&wqf_scenarios_lock);
}
EXPORT_SYMBOL_GPL(wqfault_unregister_scenario);

/**
 * wqf_scenarios_init() - register the built-in scenarios, at load
 *
 * Return: 0, or -EINVAL if a built-in table is malformed (a message names
 * it).
 */
int wqf_scenarios_init(void)
{
	const struct wqf_field *f;
	u32 i, n;
	int ret;

	f = wqf_common_fields(&n);
	ret = wqf_fields_sane("run", f, n, sizeof(struct wqf_run));
	for (i = 0; !ret && i < ARRAY_SIZE(wqf_builtin); i++)
		ret = wqfault_register_scenario(wqf_builtin[i]);
	return ret;
}

/**
 * wqf_scenarios_sane() - check every registered scenario and field table
 *
 * Return: 0, or -EINVAL if one is malformed (a message names it).
 */
int wqf_scenarios_sane(void)
{
	const struct wqf_field *f;
	u32 i, n;
	int ret;

	f = wqf_common_fields(&n);
	ret = wqf_fields_sane("run", f, n, sizeof(struct wqf_run));
	mutex_lock(&wqf_scenarios_lock);
	for (i = 0; !ret && i < wqf_nr; i++)
		ret = wqf_scenario_sane(wqf_scenarios[i]);
	mutex_unlock(&wqf_scenarios_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(wqf_scenarios_sane);
