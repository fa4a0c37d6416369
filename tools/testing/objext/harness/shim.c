// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace shim: slab with counters and fault injection, WARN counting,
 * initcalls, debugfs and seq_file.
 */

#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/errno.h>
#include <linux/hardirq.h>
#include <linux/irqflags.h>
#include <linux/init.h>
#include <linux/log2.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sprintf.h>

#include "shim.h"

/* ---- slab ------------------------------------------------------------ */

struct kmem_cache {
	const char *name;
	unsigned int size;
	unsigned int align;
	atomic_long_t live;
};

/* Sits right before every object, to find its cache and its block. */
struct shim_hdr {
	struct kmem_cache *cache;	/* NULL for kmalloc() */
	unsigned int magic;
	unsigned int offset;		/* from the start of the block */
};

#define SHIM_MAGIC		0x0b1ec7edu
#define SHIM_POISON_INUSE	0x5a	/* like the kernel's slab poison */

static atomic_long_t nr_allocs;
static atomic_long_t nr_frees;
static atomic_long_t nr_injected;
static atomic_long_t fail_countdown;
static unsigned int fail_ppm;
static bool alloc_yield;

long shim_nr_allocs(void)
{
	return atomic_long_read(&nr_allocs);
}

long shim_nr_frees(void)
{
	return atomic_long_read(&nr_frees);
}

long shim_nr_injected(void)
{
	return atomic_long_read(&nr_injected);
}

long shim_cache_live(struct kmem_cache *cache)
{
	return atomic_long_read(&cache->live);
}

void shim_fail_nth(long n)
{
	atomic_long_set(&fail_countdown, n);
}

void shim_fail_ppm(unsigned int ppm)
{
	WRITE_ONCE(fail_ppm, ppm);
}

void shim_alloc_yield(bool yield)
{
	WRITE_ONCE(alloc_yield, yield);
}

/* Called once, by the next allocation, before it succeeds or fails. */
static void (*alloc_hook)(void *arg);
static void *alloc_hook_arg;

void shim_alloc_hook(void (*fn)(void *arg), void *arg)
{
	alloc_hook_arg = arg;
	WRITE_ONCE(alloc_hook, fn);
}

/* xorshift64*, one state per thread. */
static unsigned long shim_random(void)
{
	static __thread u64 state;

	if (!state)
		state = (u64)(uintptr_t)&state ^ 0x9e3779b97f4a7c15ull;
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (state * 0x2545f4914f6cdd1dull) >> 11;
}

static bool shim_should_fail(void)
{
	long n = atomic_long_read(&fail_countdown);
	unsigned int ppm = READ_ONCE(fail_ppm);

	while (n > 0) {
		long old = atomic_long_cmpxchg(&fail_countdown, n, n - 1);

		if (old == n) {
			if (n == 1)
				goto fail;
			break;
		}
		n = old;
	}
	if (ppm && shim_random() % 1000000 < ppm)
		goto fail;
	return false;
fail:
	atomic_long_inc(&nr_injected);
	return true;
}

static void *shim_alloc(struct kmem_cache *cache, size_t size, size_t align,
			gfp_t gfp)
{
	size_t offset = align > sizeof(struct shim_hdr) ?
			align : sizeof(struct shim_hdr);
	struct shim_hdr *hdr;
	void *block;
	void (*hook)(void *arg) = xchg(&alloc_hook, NULL);
	char *obj;

	if (hook)
		hook(alloc_hook_arg);
	if (shim_should_fail())
		return NULL;
	/* offset is a power of two, a multiple of the header size. */
	if (posix_memalign(&block, offset, offset + size))
		return NULL;
	obj = (char *)block + offset;
	hdr = (struct shim_hdr *)obj - 1;
	hdr->cache = cache;
	hdr->magic = SHIM_MAGIC;
	hdr->offset = offset;
	memset(obj, gfp & __GFP_ZERO ? 0 : SHIM_POISON_INUSE, size);
	if (cache)
		atomic_long_inc(&cache->live);
	atomic_long_inc(&nr_allocs);
	if (READ_ONCE(alloc_yield))
		sched_yield();
	return obj;
}

static void shim_free(struct kmem_cache *cache, const void *obj)
{
	struct shim_hdr *hdr = (struct shim_hdr *)obj - 1;

	if (WARN_ON(hdr->magic != SHIM_MAGIC))
		return;
	if (cache)
		WARN_ON(hdr->cache != cache);
	if (hdr->cache)
		atomic_long_dec(&hdr->cache->live);
	hdr->magic = 0;
	atomic_long_inc(&nr_frees);
	free((char *)obj - hdr->offset);
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     void (*ctor)(void *))
{
	struct kmem_cache *cache;

	if (WARN_ON(ctor) || WARN_ON(align && !is_power_of_2(align)))
		return NULL;
	if (shim_should_fail())
		return NULL;
	cache = calloc(1, sizeof(*cache));
	if (!cache)
		return NULL;
	cache->name = name;
	cache->size = size;
	cache->align = align ? align : sizeof(long);
	atomic_long_inc(&nr_allocs);
	return cache;
}

void kmem_cache_destroy(struct kmem_cache *cache)
{
	if (!cache)
		return;
	/* As in 6.12: in-flight kfree_rcu()s may hold objects of ours. */
	rcu_barrier();
	WARN(atomic_long_read(&cache->live), "%s: objects remain\n",
	     cache->name);
	free(cache);
	atomic_long_inc(&nr_frees);
}

unsigned int kmem_cache_size(struct kmem_cache *cache)
{
	return cache->size;
}

void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t gfp)
{
	return shim_alloc(cache, cache->size, cache->align, gfp);
}

void kmem_cache_free(struct kmem_cache *cache, void *obj)
{
	shim_free(cache, obj);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	return shim_alloc(NULL, size, 2 * sizeof(long), gfp);
}

void kfree(const void *obj)
{
	if (obj)
		shim_free(NULL, obj);
}

char *kasprintf(gfp_t gfp, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = kmalloc(n + 1, gfp);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, n + 1, fmt, ap);
	va_end(ap);
	return s;
}

/* ---- per-CPU memory ------------------------------------------------ */

int shim_this_cpu(void)
{
	static atomic_t next_cpu;
	static __thread int cpu = -1;

	if (cpu < 0)
		cpu = (atomic_inc_return(&next_cpu) - 1) % SHIM_NR_CPUS;
	return cpu;
}

/* ---- RCU pointer loads ---------------------------------------------- */

static __thread unsigned int deref_countdown;
static __thread void (*deref_fn)(void *arg);
static __thread void *deref_arg;

void shim_deref_hook(unsigned int n, void (*fn)(void *arg), void *arg)
{
	deref_fn = fn;
	deref_arg = arg;
	deref_countdown = n;
}

void *shim_after_deref(void *p)
{
	if (deref_countdown && !--deref_countdown) {
		deref_fn(deref_arg);
		if (!shim_rcu_reading()) {
			synchronize_rcu();
			rcu_barrier();
		}
	}
	return p;
}

/* ---- interrupts ------------------------------------------------------ */

static __thread bool shim_nmi;
static __thread int shim_irqs_off;

bool in_nmi(void)
{
	return shim_nmi;
}

void shim_set_nmi(bool nmi)
{
	shim_nmi = nmi;
}

void shim_irq_save(unsigned long *flags)
{
	*flags = shim_irqs_off++;
}

void shim_irq_restore(unsigned long flags)
{
	if (WARN_ON(--shim_irqs_off != (int)flags))
		shim_irqs_off = flags;
}

/* ---- WARN ------------------------------------------------------------ */

static atomic_long_t nr_warnings;

void shim_warn(const char *file, int line, const char *what)
{
	atomic_long_inc(&nr_warnings);
	printf("# WARNING at %s:%d: %s\n", file, line, what);
	fflush(stdout);
}

long shim_nr_warnings(void)
{
	return atomic_long_read(&nr_warnings);
}

/* ---- initcalls ------------------------------------------------------- */

/* Bounds of the section, provided by the linker. */
extern const initcall_t __start_shim_initcalls[] __weak;
extern const initcall_t __stop_shim_initcalls[] __weak;

void shim_do_initcalls(void)
{
	static bool done;
	const initcall_t *fn;

	if (done)
		return;
	done = true;
	for (fn = __start_shim_initcalls; fn < __stop_shim_initcalls; fn++)
		WARN_ON((*fn)());
}

/* ---- debugfs --------------------------------------------------------- */

#define SHIM_DEBUGFS_MAX	32

struct dentry {
	const char *name;
	struct dentry *parent;
	void *data;
	const struct file_operations *fops;
	bool used;
};

static struct dentry debugfs_entries[SHIM_DEBUGFS_MAX];
static DEFINE_MUTEX(debugfs_lock);

static struct dentry *debugfs_create(const char *name, struct dentry *parent,
				     void *data,
				     const struct file_operations *fops)
{
	struct dentry *d;

	mutex_lock(&debugfs_lock);
	for (d = debugfs_entries; d < debugfs_entries + SHIM_DEBUGFS_MAX; d++) {
		if (!d->used) {
			*d = (struct dentry){ name, parent, data, fops, true };
			break;
		}
	}
	mutex_unlock(&debugfs_lock);
	if (WARN_ON(d == debugfs_entries + SHIM_DEBUGFS_MAX))
		return NULL;
	return d;
}

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent)
{
	return debugfs_create(name, parent, NULL, NULL);
}

struct dentry *debugfs_create_file(const char *name, umode_t mode,
				   struct dentry *parent, void *data,
				   const struct file_operations *fops)
{
	return debugfs_create(name, parent, data, fops);
}

void debugfs_remove(struct dentry *dentry)
{
	struct dentry *d;

	if (!dentry)
		return;
	mutex_lock(&debugfs_lock);
	for (d = debugfs_entries; d < debugfs_entries + SHIM_DEBUGFS_MAX; d++)
		if (d->used && d->parent == dentry)
			d->used = false;
	dentry->used = false;
	mutex_unlock(&debugfs_lock);
}

static struct dentry *debugfs_lookup(const char *dir, const char *name)
{
	struct dentry *d, *found = NULL;

	mutex_lock(&debugfs_lock);
	for (d = debugfs_entries; d < debugfs_entries + SHIM_DEBUGFS_MAX; d++) {
		if (d->used && d->fops && d->parent &&
		    !strcmp(d->name, name) && !strcmp(d->parent->name, dir)) {
			found = d;
			break;
		}
	}
	mutex_unlock(&debugfs_lock);
	return found;
}

long shim_debugfs_read(const char *dir, const char *name, char *buf,
		       size_t size)
{
	struct dentry *d = debugfs_lookup(dir, name);
	struct inode inode = { };
	struct file file = { };
	loff_t pos = 0;
	ssize_t n;

	if (!d)
		return -ENOENT;
	inode.i_private = d->data;
	if (d->fops->open(&inode, &file))
		return -EIO;
	do {
		n = d->fops->read(&file, buf + pos, size - 1 - pos, &pos);
	} while (n > 0 && (size_t)pos < size - 1);
	d->fops->release(&inode, &file);
	if (n < 0)
		return n;
	buf[pos] = '\0';
	return pos;
}

/* ---- seq_file -------------------------------------------------------- */

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(m->buf + m->count, m->size - m->count, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (m->count + n < m->size)
			break;
		m->size = 2 * (m->count + n + 1);
		m->buf = realloc(m->buf, m->size);
		if (!m->buf)
			abort();
	}
	m->count += n;
}

int single_open(struct file *file, int (*show)(struct seq_file *, void *),
		void *data)
{
	struct seq_file *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->show = show;
	m->private = data;
	file->private_data = m;
	return 0;
}

int single_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	free(m->buf);
	free(m);
	return 0;
}

ssize_t seq_read(struct file *file, char *buf, size_t size, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	size_t n;

	if (*ppos == 0) {
		int err;

		m->count = 0;
		err = m->show(m, NULL);
		if (err)
			return err;
	}
	if ((size_t)*ppos >= m->count)
		return 0;
	n = min_t(size_t, size, m->count - *ppos);
	memcpy(buf, m->buf + *ppos, n);
	*ppos += n;
	return n;
}

loff_t seq_lseek(struct file *file, loff_t offset, int whence)
{
	return -EINVAL;
}
