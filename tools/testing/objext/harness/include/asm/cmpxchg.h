/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: cmpxchg(), try_cmpxchg() and xchg(), fully ordered like the kernel's. */
#ifndef _SHIM_ASM_CMPXCHG_H
#define _SHIM_ASM_CMPXCHG_H

#include <linux/compiler.h>

#define cmpxchg(ptr, old, new)						\
({									\
	__typeof__(*(ptr)) __shim_old = (old);				\
	__atomic_compare_exchange_n((ptr), &__shim_old, (new), false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\
	__shim_old;							\
})

/* On failure, *oldp gets the value found, as in the kernel. */
#define try_cmpxchg(ptr, oldp, new)					\
	__atomic_compare_exchange_n((ptr), (oldp), (new), false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)

#define xchg(ptr, new)							\
	__atomic_exchange_n((ptr), (new), __ATOMIC_SEQ_CST)

#endif
