/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Knobs and counters of the userspace kernel shim, for the tests.
 */
#ifndef _OBJEXT_HARNESS_SHIM_H
#define _OBJEXT_HARNESS_SHIM_H

#include <linux/rcupdate.h>
#include <linux/slab.h>

/* Successful allocations and frees so far: slab objects, kmalloc, caches. */
long shim_nr_allocs(void);
long shim_nr_frees(void);
/* Objects currently allocated from @cache. */
long shim_cache_live(struct kmem_cache *cache);

/*
 * Fault injection: make the @n-th allocation from now on fail (0: none),
 * and/or each allocation fail with probability @ppm per million.
 */
void shim_fail_nth(long n);
void shim_fail_ppm(unsigned int ppm);
/* Let other threads run in the middle of each allocation. */
void shim_alloc_yield(bool yield);
/*
 * Runs @fn(@arg) once, inside the next allocation, before it is made or
 * failed: what another CPU might do while an allocation is in progress.
 */
void shim_alloc_hook(void (*fn)(void *arg), void *arg);
/*
 * Runs @fn(@arg) once, on this thread, right after its @n-th next RCU
 * pointer load (rcu_dereference() and kin) from now on.
 */
void shim_deref_hook(unsigned int n, void (*fn)(void *arg), void *arg);

/* Allocations failed on purpose so far. */
long shim_nr_injected(void);

/* WARN*() that fired so far. */
long shim_nr_warnings(void);

/* Runs the functions registered with *_initcall(), once. */
void shim_do_initcalls(void);

/*
 * Reads file @name in debugfs directory @dir through its file_operations.
 * Returns the length, or -ENOENT.
 */
long shim_debugfs_read(const char *dir, const char *name, char *buf,
		       size_t size);

#endif
