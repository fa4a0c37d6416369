// SPDX-License-Identifier: GPL-2.0
/* TAP output and per-case bookkeeping; see test.h. */

#include <stdarg.h>
#include <stdio.h>

#include <linux/rcupdate.h>

#include "shim.h"
#include "test.h"

static unsigned int nr_run, nr_failed;
static bool case_failed;
static long case_warnings, case_allocs;
/* Totals of what the cases declared, for test_final(). */
static long all_warnings, all_allocs;

bool __check(bool ok, const char *file, int line, const char *expr)
{
	if (!ok) {
		printf("# %s:%d: CHECK(%s) failed\n", file, line, expr);
		case_failed = true;
	}
	return ok;
}

bool __check_eq(long a, long b, const char *file, int line,
		const char *ea, const char *eb)
{
	if (a != b) {
		printf("# %s:%d: %s == %s failed: %ld != %ld\n",
		       file, line, ea, eb, a, b);
		case_failed = true;
	}
	return a == b;
}

void test_fail(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	case_failed = true;
}

void test_expect_warnings(long n)
{
	case_warnings += n;
	all_warnings += n;
}

void test_expect_allocs(long n)
{
	case_allocs += n;
	all_allocs += n;
}

static long live_allocs(void)
{
	return shim_nr_allocs() - shim_nr_frees();
}

void test_run(const char *name, void (*fn)(void))
{
	long warnings = shim_nr_warnings();
	long allocs = live_allocs();

	case_failed = false;
	case_warnings = 0;
	case_allocs = 0;
	shim_fail_nth(0);
	shim_fail_ppm(0);

	fn();

	shim_fail_nth(0);
	shim_fail_ppm(0);
	shim_alloc_yield(false);
	rcu_barrier();
	if (shim_nr_warnings() - warnings != case_warnings)
		test_fail("%ld WARN(s), expected %ld",
			  shim_nr_warnings() - warnings, case_warnings);
	if (live_allocs() - allocs != case_allocs)
		test_fail("live allocations changed by %ld, expected %ld",
			  live_allocs() - allocs, case_allocs);

	nr_run++;
	if (case_failed)
		nr_failed++;
	printf("%sok %u - %s\n", case_failed ? "not " : "", nr_run, name);
	fflush(stdout);
}

/* Nothing happened outside the cases: no stray WARN, no leak. */
static void check_totals(void)
{
	CHECK_EQ(shim_nr_warnings(), all_warnings);
	CHECK_EQ(shim_nr_allocs() - shim_nr_frees(), all_allocs);
}

void test_final(void)
{
	test_run("all: no WARN or allocation outside the cases",
		 check_totals);
}

int test_summary(void)
{
	printf("1..%u\n", nr_run);
	printf("# %u passed, %u failed\n", nr_run - nr_failed, nr_failed);
	return nr_failed ? 1 : 0;
}
