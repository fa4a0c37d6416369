/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_BUILD_BUG_H
#define _SHIM_LINUX_BUILD_BUG_H

/* The kernel's static_assert() takes an optional message. */
#undef static_assert
#define static_assert(expr, ...)					\
	__shim_static_assert(expr, ##__VA_ARGS__, #expr)
#define __shim_static_assert(expr, msg, ...)	_Static_assert(expr, msg)

/* 0, or a compile error if cond holds; usable in initialisers. */
#define BUILD_BUG_ON_ZERO(cond)	((int)sizeof(struct { int:(-!!(cond)); }))

#define BUILD_BUG_ON(cond)						\
	_Static_assert(!(cond), "BUILD_BUG_ON(" #cond ")")

#endif
