/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Field tables: how a scenario declares its knobs and results once. The
 * harness checks, defaults, prints and publishes them (module/field.c).
 *
 * The declaration macros hand a struct member to offsetof(), sizeof_field()
 * and the stringify operator, and an array to ARRAY_SIZE(): no argument has
 * side effects, so checkpatch's MACRO_ARG_REUSE is ignored for this file
 * alone (scripts/run-check).
 */
#ifndef _WQFAULT_FIELD_H
#define _WQFAULT_FIELD_H

#include <linux/bits.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <uapi/linux/wqfault.h>

/* Kernel-only field flag: left out of the start and end lines. */
#define WQF_FIELD_NOLOG		BIT(7)
/* The WQF_FIELD_* flags WQF_IOC_FIELD_INFO publishes. */
#define WQF_FIELD_UAPI_FLAGS	(WQF_FIELD_IN | WQF_FIELD_OUT | \
				 WQF_FIELD_ZERO_DEFAULT | WQF_FIELD_AUTO | \
				 WQF_FIELD_DIAG | WQF_FIELD_BOUNDED)

/**
 * struct wqf_field - one knob or result of a scenario, declared once
 * @name: the one spelling of the field: log lines, JSON, CLI, docs
 * @unit: "ms", "us", ... or NULL
 * @help: one line of help (published by WQF_IOC_FIELD_INFO)
 * @names: enum value names, or flag bit names (NULL or "" for a hole)
 * @nr_names: entries in @names
 * @offset: byte offset in the scenario's payload struct
 * @width: bytes of one element
 * @count: elements (string arrays), else 1
 * @type: enum wqf_field_type
 * @flags: WQF_FIELD_* bits
 * @min: smallest value taken (number knobs)
 * @max: largest value taken (number knobs)
 * @def: the value a caller that sets nothing passes; with
 *       WQF_FIELD_ZERO_DEFAULT the harness puts it in place of 0
 *
 * Declare them with WQF_KNOB() and friends below.
 */
struct wqf_field {
	const char *name;
	const char *unit;
	const char *help;
	const char * const *names;
	u16 nr_names;
	u16 offset;
	u16 width;
	u16 count;
	u8 type;
	u8 flags;
	s64 min;
	s64 max;
	s64 def;
};

/*
 * A table declares fields of one struct: the file defines WQF_FIELDS_OF
 * as that struct (a scenario: its payload) before the table. @_type is
 * U32, S32 or U64; @_flags adds WQF_FIELD_* bits.
 */
#define WQF_FIELD_AS(_name, _m, _type, _flags)				\
	.name = (_name), .offset = offsetof(WQF_FIELDS_OF, _m),		\
	.width = sizeof_field(WQF_FIELDS_OF, _m), .count = 1,		\
	.type = (_type), .flags = (_flags)
#define WQF_FIELD_AT(_m, _type, _flags)	WQF_FIELD_AS(#_m, _m, _type, _flags)

/* A number knob with its range and default. */
#define WQF_KNOB(_m, _type, _flags, _min, _max, _def, _unit, _help)	\
	{ WQF_FIELD_AT(_m, WQF_FIELD_##_type, WQF_FIELD_IN | (_flags)),	\
	  .min = (_min), .max = (_max), .def = (_def), .unit = (_unit),	\
	  .help = (_help) }

/* An enum knob: the value indexes @_names. */
#define WQF_KNOB_ENUM(_m, _names, _def, _help)				\
	{ WQF_FIELD_AT(_m, WQF_FIELD_ENUM, WQF_FIELD_IN),		\
	  .names = (_names), .nr_names = ARRAY_SIZE(_names),		\
	  .max = ARRAY_SIZE(_names) - 1, .def = (_def), .help = (_help) }

/* A flags knob: bit N is named _names[N]. */
#define WQF_KNOB_FLAGS(_m, _names, _help)				\
	{ WQF_FIELD_AT(_m, WQF_FIELD_FLAGS, WQF_FIELD_IN),		\
	  .names = (_names), .nr_names = ARRAY_SIZE(_names),		\
	  .max = BIT_ULL(ARRAY_SIZE(_names)) - 1, .help = (_help) }

/* A number result. */
#define WQF_RESULT(_m, _type, _unit, _help)				\
	{ WQF_FIELD_AT(_m, WQF_FIELD_##_type, WQF_FIELD_OUT),		\
	  .unit = (_unit), .help = (_help) }

/* A number result that means something only at a stall. */
#define WQF_DIAG(_m, _type, _unit, _help)				\
	{ WQF_FIELD_AT(_m, WQF_FIELD_##_type, WQF_FIELD_OUT | WQF_FIELD_DIAG), \
	  .unit = (_unit), .help = (_help) }

/* An enum result; @_flags may add WQF_FIELD_DIAG. */
#define WQF_RESULT_ENUM(_m, _names, _flags, _help)			\
	{ WQF_FIELD_AT(_m, WQF_FIELD_ENUM, WQF_FIELD_OUT | (_flags)),	\
	  .names = (_names), .nr_names = ARRAY_SIZE(_names),		\
	  .help = (_help) }

/* A result that is an array of fixed-size strings. */
#define WQF_RESULT_STRINGS(_m, _help)					\
	{ .name = #_m, .offset = offsetof(WQF_FIELDS_OF, _m),		\
	  .width = sizeof_field(WQF_FIELDS_OF, _m[0]),			\
	  .count = sizeof_field(WQF_FIELDS_OF, _m) /			\
		   sizeof_field(WQF_FIELDS_OF, _m[0]),			\
	  .type = WQF_FIELD_STRING, .flags = WQF_FIELD_OUT, .help = (_help) }

s64 wqf_field_get(const struct wqf_field *f, const void *p);
void wqf_field_set(const struct wqf_field *f, void *p, s64 v);
const struct wqf_field *wqf_field_find(const struct wqf_field *f, u32 n, const char *name);
int wqf_fields_check(const char *scn, const struct wqf_field *f, u32 n,
		     void *p, size_t size);
int wqf_fields_print(char *buf, size_t len, const struct wqf_field *f, u32 n,
		     const void *p, u32 dir);
int wqf_fields_sane(const char *scn, const struct wqf_field *f, u32 n, size_t size);
void wqf_field_info_fill(struct wqf_field_info *info, const struct wqf_field *f);
const struct wqf_field *wqf_common_fields(u32 *n);

/*
 * The fields and payload of a scenario whose payload is struct @_st; @_last
 * is the last member of the payload as it first shipped: userspace passing
 * less is refused, a payload between that and sizeof(@_st) is zero-extended
 * (fields added since read 0: their defaults).
 */
#define WQF_SCENARIO_PAYLOAD(_st, _fields, _last)			\
	.fields = (_fields), .nr_fields = ARRAY_SIZE(_fields),		\
	.payload_size = sizeof(_st), .payload_min = offsetofend(_st, _last)

#endif /* _WQFAULT_FIELD_H */
