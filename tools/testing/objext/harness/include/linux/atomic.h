/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: atomic_t and atomic_long_t on the __atomic builtins.
 * Value-returning read-modify-write operations are fully ordered, the
 * others relaxed, as in the kernel's memory model.
 */
#ifndef _SHIM_LINUX_ATOMIC_H
#define _SHIM_LINUX_ATOMIC_H

#include <linux/types.h>
#include <asm/cmpxchg.h>

#define __SHIM_ATOMIC_OPS(pfx, atype, ctype)				\
static inline ctype pfx##_read(const atype *v)				\
{									\
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_set(atype *v, ctype i)				\
{									\
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_add(ctype i, atype *v)				\
{									\
	__atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_sub(ctype i, atype *v)				\
{									\
	__atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED);		\
}									\
static inline void pfx##_inc(atype *v)					\
{									\
	pfx##_add(1, v);						\
}									\
static inline void pfx##_dec(atype *v)					\
{									\
	pfx##_sub(1, v);						\
}									\
static inline ctype pfx##_add_return(ctype i, atype *v)		\
{									\
	return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);	\
}									\
static inline ctype pfx##_inc_return(atype *v)				\
{									\
	return pfx##_add_return(1, v);					\
}									\
static inline ctype pfx##_dec_return(atype *v)				\
{									\
	return pfx##_add_return(-1, v);					\
}									\
static inline bool pfx##_dec_and_test(atype *v)			\
{									\
	return pfx##_dec_return(v) == 0;				\
}									\
static inline ctype pfx##_cmpxchg(atype *v, ctype old, ctype new)	\
{									\
	return cmpxchg(&v->counter, old, new);				\
}									\
static inline bool pfx##_inc_not_zero(atype *v)			\
{									\
	ctype c = pfx##_read(v);					\
									\
	while (c && !__atomic_compare_exchange_n(&v->counter, &c, c + 1,\
						 false,			\
						 __ATOMIC_SEQ_CST,	\
						 __ATOMIC_RELAXED))	\
		;							\
	return c != 0;							\
}

__SHIM_ATOMIC_OPS(atomic, atomic_t, int)
__SHIM_ATOMIC_OPS(atomic_long, atomic_long_t, long)

#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC_LONG_INIT(i)	{ (i) }

#endif
