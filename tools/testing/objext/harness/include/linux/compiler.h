/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: compiler attributes and marked accesses. */
#ifndef _SHIM_LINUX_COMPILER_H
#define _SHIM_LINUX_COMPILER_H

#include <linux/kconfig.h>
#include <linux/build_bug.h>

/* Sparse annotations mean nothing to gcc. */
#define __rcu
#define __force
#define __iomem
#define __user
#define __percpu

#define __section(s)		__attribute__((__section__(s)))
#define __used			__attribute__((__used__))
#define __weak			__attribute__((__weak__))
#define __maybe_unused		__attribute__((__unused__))
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __packed		__attribute__((__packed__))
#undef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#define noinline		__attribute__((__noinline__))
#define __must_check		__attribute__((__warn_unused_result__))
#define __printf(a, b)		__attribute__((__format__(printf, a, b)))
#define __cold			__attribute__((__cold__))

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

#define barrier()		__asm__ __volatile__("" : : : "memory")

/*
 * Marked accesses are relaxed atomics, so that ThreadSanitizer treats them
 * the way KCSAN treats READ_ONCE()/WRITE_ONCE(): as intentionally racy.
 */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)						\
	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)

/*
 * ThreadSanitizer does not model fences (gcc refuses them with
 * -fsanitize=thread); it checks for races, not for ordering, and every
 * access that a fence orders in objext is a marked one.  ASan builds
 * keep the real fences.
 */
#ifdef __SANITIZE_THREAD__
#define smp_mb()		__atomic_signal_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()		__atomic_signal_fence(__ATOMIC_SEQ_CST)
#define smp_wmb()		__atomic_signal_fence(__ATOMIC_SEQ_CST)
#else
#define smp_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#endif
#define smp_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n(p, v, __ATOMIC_RELEASE)

#endif
