// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the field-table engine (checks, defaults, log lines, table
 * sanity) on a table of its own, and the sanity of every scenario's table.
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "wqfault.h"

struct fk_payload {
	__u32 count;
	__u32 delay;
	__u32 kind;
	__u32 opts;
	__s32 cpu;
	__u32 pad;
	__u64 bytes;
	__u32 result;
	char names[2][8];
	__u32 tail_pad;
};

static const char * const fk_kinds[] = { "one", NULL, "three" };
static const char * const fk_opts[] = { "fast", "slow" };

#define WQF_FIELDS_OF	struct fk_payload
static const struct wqf_field fk_fields[] = {
	WQF_KNOB(count, U32, 0, 1, 100, 10, NULL, "count"),
	WQF_KNOB(delay, U32, WQF_FIELD_ZERO_DEFAULT, 5, 50, 20, "ms", "delay"),
	WQF_KNOB_ENUM(kind, fk_kinds, 0, "kind"),
	WQF_KNOB_FLAGS(opts, fk_opts, "opts"),
	WQF_KNOB(cpu, S32, WQF_FIELD_AUTO, 1, 7, 0, NULL, "cpu"),
	WQF_KNOB(bytes, U64, 0, 0, 1ULL << 40, 0, "bytes", "bytes"),
	WQF_RESULT(result, U32, NULL, "result"),
	WQF_RESULT_STRINGS(names, "names"),
};

static int fk_check(struct fk_payload *p)
{
	return wqf_fields_check("fk", fk_fields, ARRAY_SIZE(fk_fields), p, sizeof(*p));
}

static void fk_valid(struct fk_payload *p)
{
	memset(p, 0, sizeof(*p));
	p->count = 10;
}

/* Defaults, ranges, enum holes, unknown flags, padding, zeroed results. */
static void wqfault_field_check(struct kunit *test)
{
	struct fk_payload p;

	fk_valid(&p);
	p.result = 99;
	strscpy(p.names[1], "x", sizeof(p.names[1]));
	KUNIT_EXPECT_EQ(test, fk_check(&p), 0);
	KUNIT_EXPECT_EQ(test, p.delay, 20);	/* 0 stands for the default */
	KUNIT_EXPECT_EQ(test, p.cpu, 0);	/* auto: 0 stays for the scenario */
	KUNIT_EXPECT_EQ(test, p.result, 0);	/* results are zeroed */
	KUNIT_EXPECT_EQ(test, p.names[1][0], 0);

	fk_valid(&p);
	p.count = 0;
	KUNIT_EXPECT_EQ(test, fk_check(&p), -EINVAL);
	p.count = 101;
	KUNIT_EXPECT_EQ(test, fk_check(&p), -EINVAL);
	p.count = 100;
	KUNIT_EXPECT_EQ(test, fk_check(&p), 0);

	fk_valid(&p);
	p.delay = 4;
	KUNIT_EXPECT_EQ(test, fk_check(&p), -EINVAL);
	p.delay = 50;
	KUNIT_EXPECT_EQ(test, fk_check(&p), 0);

	fk_valid(&p);
	p.kind = 1;	/* a hole */
	KUNIT_EXPECT_EQ(test, fk_check(&p), -EINVAL);
	p.kind = 3;
	KUNIT_EXPECT_EQ(test, fk_check(&p), -EINVAL);
	p.kind = 2;
	KUNIT_EXPECT_EQ(test, fk_check(&p), 0);

	fk_valid(&p);
	p.opts = 3;
	KUNIT_EXPECT_EQ(test, fk_check(&p), 0);
	p.opts = 4;
	KUNIT_EXPECT_EQ(test, fk_check(&p), -EINVAL);

	fk_valid(&p);
	p.cpu = -1;
	KUNIT_EXPECT_EQ(test, fk_check(&p), -EINVAL);
	p.cpu = 8;
	KUNIT_EXPECT_EQ(test, fk_check(&p), -EINVAL);
	p.cpu = 7;
	KUNIT_EXPECT_EQ(test, fk_check(&p), 0);

	fk_valid(&p);
	p.bytes = (1ULL << 40) + 1;
	KUNIT_EXPECT_EQ(test, fk_check(&p), -EINVAL);

	fk_valid(&p);
	p.pad = 1;
	KUNIT_EXPECT_EQ(test, fk_check(&p), -EINVAL);
	fk_valid(&p);
	p.tail_pad = 1;
	KUNIT_EXPECT_EQ(test, fk_check(&p), -EINVAL);
}

/* The start and end lines: one spelling per field, enums by name. */
static void wqfault_field_print(struct kunit *test)
{
	struct fk_payload p;
	char buf[256];

	fk_valid(&p);
	p.kind = 2;
	p.opts = 3;
	p.cpu = -3;
	p.delay = 7;
	wqf_fields_print(buf, sizeof(buf), fk_fields, ARRAY_SIZE(fk_fields), &p,
			 WQF_FIELD_IN);
	KUNIT_EXPECT_STREQ(test, buf,
			   " count=10 delay=7 kind=three opts=fast|slow cpu=-3 bytes=0");
	p.result = 5;
	strscpy(p.names[0], "a", sizeof(p.names[0]));
	strscpy(p.names[1], "bb", sizeof(p.names[1]));
	wqf_fields_print(buf, sizeof(buf), fk_fields, ARRAY_SIZE(fk_fields), &p,
			 WQF_FIELD_OUT);
	KUNIT_EXPECT_STREQ(test, buf, " result=5 names=a,bb");
}

/* A malformed table is refused at load, with the field named. */
static void wqfault_field_sane(struct kunit *test)
{
	struct wqf_field f[2];
	size_t size = sizeof(struct fk_payload);

	KUNIT_EXPECT_EQ(test, wqf_fields_sane("fk", fk_fields, ARRAY_SIZE(fk_fields),
					      size), 0);
	memcpy(f, fk_fields, sizeof(f));
	f[1].offset = f[0].offset + 2;	/* overlap */
	KUNIT_EXPECT_EQ(test, wqf_fields_sane("fk", f, 2, size), -EINVAL);
	memcpy(f, fk_fields, sizeof(f));
	f[1].name = f[0].name;
	KUNIT_EXPECT_EQ(test, wqf_fields_sane("fk", f, 2, size), -EINVAL);
	memcpy(f, fk_fields, sizeof(f));
	f[0].def = 101;
	KUNIT_EXPECT_EQ(test, wqf_fields_sane("fk", f, 2, size), -EINVAL);
	memcpy(f, fk_fields, sizeof(f));
	f[0].width = 8;
	KUNIT_EXPECT_EQ(test, wqf_fields_sane("fk", f, 2, size), -EINVAL);
	memcpy(f, fk_fields, sizeof(f));
	KUNIT_EXPECT_EQ(test, wqf_fields_sane("fk", f, 2, f[1].offset + 3), -EINVAL);
	/* Every table the module has passed at load; check again here. */
	KUNIT_EXPECT_EQ(test, wqf_scenarios_sane(), 0);
}

static struct kunit_case wqfault_field_cases[] = {
	KUNIT_CASE(wqfault_field_check),
	KUNIT_CASE(wqfault_field_print),
	KUNIT_CASE(wqfault_field_sane),
	{}
};

static struct kunit_suite wqfault_field_suite = {
	.name = "wqfault_field",
	.test_cases = wqfault_field_cases,
};

kunit_test_suite(wqfault_field_suite);
