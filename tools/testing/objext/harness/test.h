/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny TAP test framework: one "ok N - name" line per test case.
 *
 * Each case runs with fault injection off and ends with an RCU barrier; it
 * fails if a CHECK() failed, if an unexpected WARN fired, or if the number
 * of live allocations changed by other than what it declared.
 */
#ifndef _OBJEXT_HARNESS_TEST_H
#define _OBJEXT_HARNESS_TEST_H

#include <stdio.h>
#include <linux/types.h>

bool __check(bool ok, const char *file, int line, const char *expr);
bool __check_eq(long a, long b, const char *file, int line,
		const char *ea, const char *eb);

#define CHECK(cond)	__check(!!(cond), __FILE__, __LINE__, #cond)
#define CHECK_EQ(a, b)							\
	__check_eq((long)(a), (long)(b), __FILE__, __LINE__, #a, #b)

/* The running case expects @n WARNs, or keeps @n more allocations. */
void test_expect_warnings(long n);
void test_expect_allocs(long n);

/* Reports a failure in the running case, printf-style. */
__printf(1, 2) void test_fail(const char *fmt, ...);

void test_run(const char *name, void (*fn)(void));
/* A last case for what happened between the cases. */
void test_final(void);
/* Prints the summary; returns the exit status. */
int test_summary(void);

/* Options from the command line. */
extern unsigned long test_seed;		/* 0: the built-in list */
extern unsigned long test_steps;
extern unsigned int test_stress_ms;

void unit_tests(void);
void model_tests(void);
void stress_tests(void);

#endif
