/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: WARN*() report and count; the test framework fails any
 * test case during which an unexpected warning fired.
 */
#ifndef _SHIM_LINUX_BUG_H
#define _SHIM_LINUX_BUG_H

#include <stdlib.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/types.h>

void shim_warn(const char *file, int line, const char *what);

#define WARN_ON(cond)							\
({									\
	bool __shim_c = !!(cond);					\
									\
	if (unlikely(__shim_c))						\
		shim_warn(__FILE__, __LINE__, "WARN_ON(" #cond ")");	\
	unlikely(__shim_c);						\
})

#define WARN_ON_ONCE(cond)						\
({									\
	static bool __shim_warned;					\
	bool __shim_c = !!(cond);					\
									\
	if (unlikely(__shim_c) &&					\
	    !__atomic_exchange_n(&__shim_warned, true, __ATOMIC_RELAXED))\
		shim_warn(__FILE__, __LINE__, "WARN_ON_ONCE(" #cond ")");\
	unlikely(__shim_c);						\
})

#define WARN(cond, fmt, ...)	WARN_ON(cond)

#define BUG()			abort()
#define BUG_ON(cond)		do { if (unlikely(cond)) BUG(); } while (0)

#endif
