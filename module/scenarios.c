// SPDX-License-Identifier: GPL-2.0
/*
 * The one scenario table. Adding a scenario: its scn_<name>.c, one line
 * here, one enum value in the UAPI.
 */
#include <linux/kernel.h>
#include <linux/module.h>

#include "wqfault.h"

/* Index = enum wqf_lock_kind. */
const char * const wqf_lock_names[3] = {
	[WQF_LOCK_MUTEX] = "mutex",
	[WQF_LOCK_SPINLOCK] = "spinlock",
	[WQF_LOCK_RWSEM] = "rwsem",
};

static const struct wqf_scenario * const wqf_scenarios[] = {
	&wqf_scn_starve,
	&wqf_scn_lockcb,
	&wqf_scn_mux,
	&wqf_scn_abba,
	&wqf_scn_leak,
};

/**
 * wqf_nr_scenarios() - how many scenarios the module offers
 *
 * Return: the number of entries in the scenario table.
 */
u32 wqf_nr_scenarios(void)
{
	return ARRAY_SIZE(wqf_scenarios);
}
EXPORT_SYMBOL_GPL(wqf_nr_scenarios);

/**
 * wqf_scenario_at() - scenario by table position
 * @index: 0 to wqf_nr_scenarios() - 1
 *
 * Return: the scenario, or NULL if @index is out of range.
 */
const struct wqf_scenario *wqf_scenario_at(u32 index)
{
	return index < ARRAY_SIZE(wqf_scenarios) ? wqf_scenarios[index] : NULL;
}
EXPORT_SYMBOL_GPL(wqf_scenario_at);

/**
 * wqf_scenario_by_id() - scenario by its enum wqf_scenario_id
 * @id: the identifier
 *
 * Return: the scenario, or NULL if no scenario has @id.
 */
const struct wqf_scenario *wqf_scenario_by_id(u32 id)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(wqf_scenarios); i++)
		if (wqf_scenarios[i]->id == id)
			return wqf_scenarios[i];
	return NULL;
}
EXPORT_SYMBOL_GPL(wqf_scenario_by_id);

/**
 * wqf_scenarios_sane() - check every field table once, at load
 *
 * Return: 0, or -EINVAL if a table is malformed (a message names it).
 */
int wqf_scenarios_sane(void)
{
	const struct wqf_field *f;
	u32 i, n;
	int ret;

	f = wqf_common_fields(&n);
	ret = wqf_fields_sane("run", f, n, sizeof(struct wqf_run));
	for (i = 0; !ret && i < ARRAY_SIZE(wqf_scenarios); i++)
		ret = wqf_fields_sane(wqf_scenarios[i]->name, wqf_scenarios[i]->fields,
				      wqf_scenarios[i]->nr_fields,
				      wqf_scenarios[i]->payload_size);
	return ret;
}
EXPORT_SYMBOL_GPL(wqf_scenarios_sane);
