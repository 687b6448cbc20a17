// SPDX-License-Identifier: GPL-2.0
/*
 * Field tables: a scenario declares each knob and result once (struct
 * wqf_field); the harness range checks the knobs, fills their defaults,
 * zeroes the results, prints the start and end lines and answers
 * WQF_IOC_FIELD_INFO from the same table.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "wqfault.h"

/**
 * wqf_field_get() - the value of a number, enum or flags field
 * @f: the field
 * @p: the struct it is a field of
 *
 * Return: the value (0 for a string field).
 */
s64 wqf_field_get(const struct wqf_field *f, const void *p)
{
	const void *at = p + f->offset;

	switch (f->type) {
	case WQF_FIELD_S32:
		return *(const s32 *)at;
	case WQF_FIELD_U64:
		return *(const u64 *)at;
	case WQF_FIELD_STRING:
		return 0;
	default:
		return *(const u32 *)at;
	}
}

/**
 * wqf_field_set() - set a number, enum or flags field (no range check)
 * @f: the field
 * @p: the struct it is a field of
 * @v: the value, truncated to the field's width
 */
void wqf_field_set(const struct wqf_field *f, void *p, s64 v)
{
	void *at = p + f->offset;

	switch (f->type) {
	case WQF_FIELD_S32:
		*(s32 *)at = v;
		break;
	case WQF_FIELD_U64:
		*(u64 *)at = v;
		break;
	case WQF_FIELD_STRING:
		break;
	default:
		*(u32 *)at = v;
	}
}

/**
 * wqf_field_find() - a field of a table, by its name
 * @f: the table
 * @n: its entries
 * @name: the field's name
 *
 * Return: the field, or NULL if the table has none by that name.
 */
const struct wqf_field *wqf_field_find(const struct wqf_field *f, u32 n, const char *name)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (!strcmp(f[i].name, name))
			return &f[i];
	return NULL;
}

static bool wqf_field_named(const struct wqf_field *f, u32 i)
{
	return i < f->nr_names && f->names[i] && f->names[i][0];
}

static int wqf_field_check(const char *scn, const struct wqf_field *f, void *p)
{
	s64 v = wqf_field_get(f, p);
	u32 bit;

	if (!(f->flags & WQF_FIELD_IN)) {
		memset(p + f->offset, 0, f->width * f->count);
		return 0;
	}
	if (!v && (f->flags & WQF_FIELD_ZERO_DEFAULT)) {
		v = f->def;
		wqf_field_set(f, p, v);
	}
	if (!v && (f->flags & WQF_FIELD_AUTO))
		return 0;
	switch (f->type) {
	case WQF_FIELD_ENUM:
		if (wqf_field_named(f, v))
			return 0;
		pr_warn_ratelimited("%s: %s: unknown value %lld\n", scn, f->name, v);
		return -EINVAL;
	case WQF_FIELD_FLAGS:
		for (bit = 0; bit < 32; bit++) {
			if ((v & BIT_ULL(bit)) && !wqf_field_named(f, bit)) {
				pr_warn_ratelimited("%s: %s: unknown bit 0x%llx\n", scn,
						    f->name, BIT_ULL(bit));
				return -EINVAL;
			}
		}
		return 0;
	case WQF_FIELD_STRING:
		return 0;
	default:
		if (v >= f->min && v <= f->max)
			return 0;
		pr_warn_ratelimited("%s: %s %lld outside %lld..%lld\n", scn, f->name,
				    v, f->min, f->max);
		return -EINVAL;
	}
}

/* Is byte @off of the payload part of a field? */
static bool wqf_fields_cover(const struct wqf_field *f, u32 n, u32 off)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (off >= f[i].offset && off < f[i].offset + f[i].width * f[i].count)
			return true;
	return false;
}

/**
 * wqf_fields_check() - check the knobs of a payload against its table
 * @scn: the scenario's name, for the message
 * @f: the field table
 * @n: entries in @f
 * @p: the payload (kernel copy)
 * @size: its size in bytes
 *
 * Knobs: 0 becomes the default where the field says so, then enum values,
 * flag bits and ranges are checked. Results are zeroed. Bytes that belong
 * to no field (padding) must be zero.
 *
 * Return: 0, or -EINVAL with one rate-limited line naming the field.
 */
int wqf_fields_check(const char *scn, const struct wqf_field *f, u32 n,
		     void *p, size_t size)
{
	const u8 *b = p;
	u32 i;
	int ret;

	for (i = 0; i < size; i++) {
		if (b[i] && !wqf_fields_cover(f, n, i)) {
			pr_warn_ratelimited("%s: non-zero padding at byte %u\n", scn, i);
			return -EINVAL;
		}
	}
	for (i = 0; i < n; i++) {
		ret = wqf_field_check(scn, &f[i], p);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(wqf_fields_check);

static int wqf_field_print(char *buf, size_t len, const struct wqf_field *f,
			   const void *p)
{
	const char *s = p + f->offset;
	s64 v = wqf_field_get(f, p);
	int n = 0;
	u32 i;

	n += scnprintf(buf + n, len - n, " %s=", f->name);
	switch (f->type) {
	case WQF_FIELD_ENUM:
		n += scnprintf(buf + n, len - n, "%s",
			       wqf_field_named(f, v) ? f->names[v] : "?");
		break;
	case WQF_FIELD_FLAGS:
		if (!v)
			n += scnprintf(buf + n, len - n, "0");
		for (i = 0; i < 32; i++)
			if (v & BIT_ULL(i))
				n += scnprintf(buf + n, len - n, "%s%s",
					       v & (BIT_ULL(i) - 1) ? "|" : "",
					       wqf_field_named(f, i) ? f->names[i] : "?");
		break;
	case WQF_FIELD_STRING:
		for (i = 0; i < f->count && s[i * f->width]; i++)
			n += scnprintf(buf + n, len - n, "%s%.*s", i ? "," : "",
				       f->width, s + i * f->width);
		break;
	case WQF_FIELD_U64:
		n += scnprintf(buf + n, len - n, "%llu", (u64)v);
		break;
	default:
		n += scnprintf(buf + n, len - n, "%lld", v);
	}
	return n;
}

/**
 * wqf_fields_print() - append "name=value" for each field of a direction
 * @buf: where to print
 * @len: room in @buf
 * @f: the field table
 * @n: entries in @f
 * @p: the payload
 * @dir: WQF_FIELD_IN for the knobs (start line), WQF_FIELD_OUT for the
 *       results (end line)
 *
 * Enum values print as their names, flags as names joined by '|', string
 * arrays as their non-empty entries joined by ','.
 *
 * Return: the number of characters written.
 */
int wqf_fields_print(char *buf, size_t len, const struct wqf_field *f, u32 n,
		     const void *p, u32 dir)
{
	int w = 0;
	u32 i;

	for (i = 0; i < n; i++)
		if ((f[i].flags & dir) && !(f[i].flags & WQF_FIELD_NOLOG))
			w += wqf_field_print(buf + w, len - w, &f[i], p);
	return w;
}
EXPORT_SYMBOL_GPL(wqf_fields_print);

/**
 * wqf_fields_sane() - is a field table well formed?
 * @scn: the scenario's name, for the message
 * @f: the field table
 * @n: entries in @f
 * @size: size of the payload the table describes
 *
 * Every field inside the payload with the width its type has, no two
 * fields overlapping, names unique and short enough, enum and flag
 * names given, and min <= def <= max for knobs.
 *
 * Return: 0, or -EINVAL with a message naming the field.
 */
int wqf_fields_sane(const char *scn, const struct wqf_field *f, u32 n, size_t size)
{
	static const u8 widths[] = {
		[WQF_FIELD_U32] = 4, [WQF_FIELD_S32] = 4, [WQF_FIELD_U64] = 8,
		[WQF_FIELD_ENUM] = 4, [WQF_FIELD_FLAGS] = 4,
	};
	u32 i, j;

	for (i = 0; i < n; i++) {
		const struct wqf_field *a = &f[i];
		const char *why = NULL;

		if (!a->name || strlen(a->name) >= WQF_FIELD_NAME_LEN)
			why = "name";
		else if (a->type < WQF_FIELD_U32 || a->type > WQF_FIELD_STRING)
			why = "type";
		else if (a->type != WQF_FIELD_STRING && a->width != widths[a->type])
			why = "width";
		else if (!a->count || a->offset + a->width * a->count > size)
			why = "offset";
		else if (!(a->flags & WQF_FIELD_IN) == !(a->flags & WQF_FIELD_OUT))
			why = "direction";
		else if ((a->type == WQF_FIELD_ENUM || a->type == WQF_FIELD_FLAGS) &&
			 (!a->nr_names || a->nr_names > WQF_MAX_NAMES || !a->names))
			why = "names";
		else if ((a->flags & WQF_FIELD_IN) && a->type != WQF_FIELD_STRING &&
			 a->type != WQF_FIELD_ENUM && a->type != WQF_FIELD_FLAGS &&
			 (a->min > a->max || ((a->def < a->min || a->def > a->max) &&
					       !(a->def == 0 && (a->flags & WQF_FIELD_AUTO)))))
			why = "range";
		else if (a->help && strlen(a->help) >= WQF_HELP_LEN)
			why = "help";
		for (j = 0; !why && j < i; j++) {
			if (!strcmp(a->name, f[j].name))
				why = "duplicate name";
			else if (a->offset < f[j].offset + f[j].width * f[j].count &&
				 f[j].offset < a->offset + a->width * a->count)
				why = "overlap";
		}
		if (why) {
			pr_err("%s: field %u (%s): bad %s\n", scn, i,
			       a->name ? a->name : "?", why);
			return -EINVAL;
		}
	}
	return 0;
}
EXPORT_SYMBOL_GPL(wqf_fields_sane);

/**
 * wqf_field_info_fill() - the WQF_IOC_FIELD_INFO answer for one field
 * @info: the answer; @info->size, @info->scenario and @info->index are kept
 * @f: the field
 */
void wqf_field_info_fill(struct wqf_field_info *info, const struct wqf_field *f)
{
	u32 i;

	memset_after(info, 0, index);
	info->size = sizeof(*info);
	info->type = f->type;
	info->flags = f->flags & WQF_FIELD_UAPI_FLAGS;
	info->offset = f->offset;
	info->width = f->width;
	info->count = f->count;
	info->min = f->min;
	info->max = f->max;
	info->def = f->def;
	strscpy(info->name, f->name, sizeof(info->name));
	strscpy(info->unit, f->unit ?: "", sizeof(info->unit));
	strscpy(info->help, f->help ?: "", sizeof(info->help));
	info->nr_names = min_t(u32, f->nr_names, WQF_MAX_NAMES);
	for (i = 0; i < info->nr_names; i++)
		strscpy(info->names[i], f->names[i] ?: "", sizeof(info->names[i]));
}
EXPORT_SYMBOL_GPL(wqf_field_info_fill);
