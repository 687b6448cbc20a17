// SPDX-License-Identifier: GPL-2.0
/*
 * The one scenario table. Adding a scenario: its scn_<name>.c, one line
 * here, one enum value in the UAPI.
 */
#include <linux/kernel.h>
#include <linux/module.h>

#include "wqfault.h"

static const struct wqf_scenario * const wqf_scenarios[] = {
	&wqf_scn_starve,
	&wqf_scn_lockcb,
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
 * wqf_verdict_name() - printable name of a verdict
 * @verdict: enum wqf_verdict
 *
 * Return: "COMPLETED", "DEADLOCK", ... or "NONE" for unknown values.
 */
const char *wqf_verdict_name(u32 verdict)
{
	static const char * const names[] = {
		[WQF_VERDICT_NONE] = "NONE",
		[WQF_VERDICT_COMPLETED] = "COMPLETED",
		[WQF_VERDICT_DEADLOCK] = "DEADLOCK",
		[WQF_VERDICT_LEAKED] = "LEAKED",
		[WQF_VERDICT_ABORTED] = "ABORTED",
	};

	return verdict < ARRAY_SIZE(names) ? names[verdict] : "NONE";
}
EXPORT_SYMBOL_GPL(wqf_verdict_name);
