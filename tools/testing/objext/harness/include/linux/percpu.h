/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: per-CPU memory for SHIM_NR_CPUS CPUs, a copy every
 * SHIM_PERCPU_STRIDE bytes as the kernel keeps one per CPU unit.  Each
 * thread counts as the CPU it was given on first use, round robin, so
 * that counters are spread over every copy and readers must sum them.
 * Threads share CPUs, so this_cpu_*() are relaxed atomics.
 */
#ifndef _SHIM_LINUX_PERCPU_H
#define _SHIM_LINUX_PERCPU_H

#include <linux/compiler.h>
#include <linux/slab.h>

#define SHIM_NR_CPUS		4
#define SHIM_PERCPU_STRIDE	1024

int shim_this_cpu(void);

static inline void *__alloc_percpu(size_t size, size_t align)
{
	if (size > SHIM_PERCPU_STRIDE || align > SHIM_PERCPU_STRIDE)
		return NULL;
	return kzalloc(SHIM_NR_CPUS * SHIM_PERCPU_STRIDE, GFP_KERNEL);
}

static inline void free_percpu(void *p)
{
	kfree(p);
}

#define per_cpu_ptr(p, cpu)						\
	((__typeof__(p))((char *)(p) + (cpu) * SHIM_PERCPU_STRIDE))
#define this_cpu_ptr(p)		per_cpu_ptr(p, shim_this_cpu())
#define for_each_possible_cpu(cpu)					\
	for ((cpu) = 0; (cpu) < SHIM_NR_CPUS; (cpu)++)

#define this_cpu_add(pcp, n)						\
	((void)__atomic_fetch_add(this_cpu_ptr(&(pcp)), (n), __ATOMIC_RELAXED))
#define this_cpu_inc(pcp)	this_cpu_add(pcp, 1)
#define this_cpu_dec(pcp)	this_cpu_add(pcp, -1)

/* The sum of a per-CPU counter, for the tests. */
#define shim_percpu_sum(pcp)						\
({									\
	long __sum = 0;							\
	int __cpu;							\
									\
	for_each_possible_cpu(__cpu)					\
		__sum += __atomic_load_n(per_cpu_ptr(&(pcp), __cpu),	\
					 __ATOMIC_RELAXED);		\
	__sum;								\
})

#endif
