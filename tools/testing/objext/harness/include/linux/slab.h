/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: slab caches and kmalloc on malloc, with allocation
 * counters and fault injection (see shim.h).  kfree() takes objects of
 * any cache, as in the kernel.
 */
#ifndef _SHIM_LINUX_SLAB_H
#define _SHIM_LINUX_SLAB_H

#include <asm/page.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/types.h>

#define SLAB_HWCACHE_ALIGN	0x01u
#define SLAB_PANIC		0x02u
#define SLAB_ACCOUNT		0x04u
#define SLAB_NO_MERGE		0x08u

typedef unsigned int slab_flags_t;

struct kmem_cache;

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     void (*ctor)(void *));
void kmem_cache_destroy(struct kmem_cache *cache);
unsigned int kmem_cache_size(struct kmem_cache *cache);
void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *cache, void *obj);

static inline void *kmem_cache_zalloc(struct kmem_cache *cache, gfp_t gfp)
{
	return kmem_cache_alloc(cache, gfp | __GFP_ZERO);
}

void *kmalloc(size_t size, gfp_t gfp);
void kfree(const void *obj);

static inline void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

static inline void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return kzalloc(n * size, gfp);
}

#endif
