// SPDX-License-Identifier: GPL-2.0
/*
 * objext: lazily allocated extension slots for long-lived kernel objects.
 *
 * The fast paths are inline in <linux/objext.h>; this file has the slow
 * paths (allocation, teardown), the boot-time layout of each host type and
 * its debugfs view.  See Documentation/core-api/objext.rst.
 */

#include <linux/debugfs.h>
#include <linux/export.h>
#include <linux/init.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/objext.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sprintf.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

/* Initialised hosts, for debugfs. */
static DEFINE_MUTEX(objext_hosts_lock);
static LIST_HEAD(objext_hosts);
static struct dentry *objext_debugfs_dir;

/* Only a KUnit test redirects this, to make the allocation fail. */
VISIBLE_IF_KUNIT struct objext *objext_alloc_area(struct objext_host *host,
						  gfp_t gfp)
{
	KUNIT_STATIC_STUB_REDIRECT(objext_alloc_area, host, gfp);
	return kmem_cache_zalloc(host->cache, gfp);
}
EXPORT_SYMBOL_IF_KUNIT(objext_alloc_area);

static struct objext *objext_install(struct objext __rcu **extp,
				     struct objext_host *host, gfp_t gfp)
{
	struct objext *ext, *old;

	if (WARN_ON_ONCE(!host->cache))
		return NULL;

	ext = objext_alloc_area(host, gfp);
	if (!ext)
		/* A racing claimer may have succeeded where we failed. */
		return objext_area(extp);

	/* Full barrier: readers see the zeroed area before the pointer. */
	old = unrcu_pointer(cmpxchg(extp, NULL, RCU_INITIALIZER(ext)));
	if (old) {
		/* Lost the race; ours was never visible to anyone. */
		kmem_cache_free(host->cache, ext);
		return old == OBJEXT_DEAD ? NULL : old;
	}
	this_cpu_inc(host->stats->live_areas);
	return ext;
}

/**
 * __objext_add() - Slow path of objext_add().
 * @extp: The object's extension pointer.
 * @slot: The slot.
 * @gfp: Allocation flags.
 *
 * Allocates and installs the extension area if the object has none, then
 * marks @slot claimed.  Call objext_add() instead.
 *
 * Context: As for objext_add().
 * Return: The slot data, or %NULL if the area could not be allocated or
 * the object has been torn down.
 */
void *__objext_add(struct objext __rcu **extp,
		   const struct objext_slot *slot, gfp_t gfp)
{
	struct objext_host *host = slot->host;
	struct objext *ext = objext_deref(extp);
	unsigned long bit = BIT(slot->index), active;

	if (ext == OBJEXT_DEAD)
		return NULL;
	if (!ext) {
		ext = objext_install(extp, host, gfp);
		if (!ext)
			return NULL;
	}
	/* Set the slot's bit unless teardown has begun (__objext_destroy()). */
	active = READ_ONCE(ext->active);
	do {
		if (active & OBJEXT_DYING)
			return NULL;
		if (active & bit)
			return objext_data(ext, slot);
	} while (!try_cmpxchg(&ext->active, &active, active | bit));
	this_cpu_inc(host->stats->claims[slot->index]);
	return objext_data(ext, slot);
}
EXPORT_SYMBOL_GPL(__objext_add);

/**
 * __objext_destroy() - Slow path of objext_destroy().
 * @host: The object's host type.
 * @extp: The object's extension pointer.
 * @owner: The object, passed on to the destructors.
 *
 * Call objext_destroy() instead.
 *
 * Context: As for objext_destroy().
 */
void __objext_destroy(struct objext_host *host, struct objext __rcu **extp,
		      void *owner)
{
	struct objext *ext = objext_deref(extp);
	unsigned long active;
	unsigned int i;

	/*
	 * No area when objext_destroy() looked, but a racing first claim
	 * may have installed one since: make the object final unless it
	 * did, in which case that area is torn down below.
	 */
	if (!ext)
		ext = unrcu_pointer(cmpxchg(extp, NULL,
					    RCU_INITIALIZER(OBJEXT_DEAD)));
	if (!ext || ext == OBJEXT_DEAD)		/* or destroyed already */
		return;

	/*
	 * Close the area to claims and take the claimed slots in one
	 * atomic step: a claim that set its bit first is destroyed below,
	 * any later one fails.  Destructors run with the area still
	 * attached: generic code they call back into (BPF local storage,
	 * say) may find its slot through the object.
	 */
	active = READ_ONCE(ext->active);
	while (!try_cmpxchg(&ext->active, &active, active | OBJEXT_DYING))
		;
	for_each_set_bit(i, &active, host->nr_slots) {
		const struct objext_slot *slot = host->slots[i];

		if (slot->destroy)
			slot->destroy(objext_data(ext, slot), owner);
		this_cpu_dec(host->stats->claims[i]);
	}
	RCU_INIT_POINTER(*extp, OBJEXT_DEAD);
	this_cpu_dec(host->stats->live_areas);
	kfree_rcu(ext, rcu);
}
EXPORT_SYMBOL_GPL(__objext_destroy);

static int objext_gather_builtin_slots(struct objext_host *host)
{
	struct objext_slot *slot, **table;
	unsigned int n = 0;

	for (slot = __start___objext_slots; slot < __stop___objext_slots; slot++)
		n += slot->host == host;
	if (!n)
		return 0;

	table = kcalloc(n, sizeof(*table), GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	n = 0;
	for (slot = __start___objext_slots; slot < __stop___objext_slots; slot++)
		if (slot->host == host)
			table[n++] = slot;
	host->slots = table;
	host->nr_slots = n;
	return 0;
}

/*
 * Give each slot its presence bit (its index in the table) and an offset
 * after the header.  Slots are placed in order of decreasing alignment,
 * table order among equals, so that padding only ever follows the header.
 */
static int objext_layout(struct objext_host *host, unsigned int *sizep,
			 unsigned int *alignp)
{
	unsigned int offset = sizeof(struct objext);
	unsigned int align = __alignof__(struct objext);
	unsigned int i, a;

	if (host->nr_slots > OBJEXT_MAX_SLOTS)
		return -E2BIG;

	for (i = 0; i < host->nr_slots; i++) {
		struct objext_slot *slot = host->slots[i];

		if (!slot->size || !is_power_of_2(slot->align) ||
		    slot->align > PAGE_SIZE || slot->host != host)
			return -EINVAL;
		slot->index = i;
		align = max_t(unsigned int, align, slot->align);
	}

	for (a = align; a; a >>= 1) {
		for (i = 0; i < host->nr_slots; i++) {
			struct objext_slot *slot = host->slots[i];

			if (slot->align != a)
				continue;
			offset = ALIGN(offset, a);
			if (offset + slot->size > USHRT_MAX)
				return -E2BIG;
			slot->offset = offset;
			offset += slot->size;
		}
	}

	*sizep = ALIGN(offset, align);
	*alignp = align;
	return 0;
}

static void objext_host_free(struct objext_host *host)
{
	kmem_cache_destroy(host->cache);
	host->cache = NULL;
	kfree(host->cache_name);
	host->cache_name = NULL;
	free_percpu(host->stats);
	host->stats = NULL;
}

/* Only a KUnit test reads these outside this file. */
VISIBLE_IF_KUNIT long objext_live_areas(struct objext_host *host)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(host->stats, cpu)->live_areas);
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(objext_live_areas);

VISIBLE_IF_KUNIT long objext_slot_claims(const struct objext_slot *slot)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(slot->host->stats,
					     cpu)->claims[slot->index]);
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(objext_slot_claims);

static int objext_host_show(struct seq_file *m, void *v)
{
	struct objext_host *host = m->private;
	unsigned int size = host->cache ? kmem_cache_size(host->cache) : 0;
	long live = host->stats ? objext_live_areas(host) : 0;
	unsigned int i;

	seq_printf(m, "host: %s\n", host->name);
	seq_printf(m, "area_size: %u\n", size);
	seq_printf(m, "live_areas: %ld\n", live);
	seq_printf(m, "live_bytes: %ld\n", live * size);
	seq_printf(m, "%-24s %5s %6s %5s %5s %10s\n",
		   "slot", "index", "offset", "size", "align", "claimed");
	for (i = 0; i < host->nr_slots; i++) {
		const struct objext_slot *slot = host->slots[i];

		seq_printf(m, "%-24s %5u %6u %5u %5u %10ld\n", slot->name,
			   slot->index, slot->offset, slot->size, slot->align,
			   objext_slot_claims(slot));
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(objext_host);

static void objext_debugfs_add(struct objext_host *host)
{
	host->debugfs = debugfs_create_file(host->name, 0444,
					    objext_debugfs_dir, host,
					    &objext_host_fops);
}

/**
 * objext_host_init() - Initialise a host type.
 * @host: The host type.
 *
 * Gathers the host's built-in slots if it has no slot table of its own,
 * lays out its extension area, creates the slab cache the areas come from
 * and the host's debugfs file.  Call it once, before any object of the
 * host type can be extended; the layout is fixed from then on.
 *
 * Context: Process context; may sleep.
 * Return: 0 on success, -ENOMEM if memory ran out, -EINVAL or -E2BIG if a
 * slot cannot be laid out.
 */
int objext_host_init(struct objext_host *host)
{
	unsigned int size, align;
	int err;

	/* Built-in slots never change: a retry after failure may reuse them. */
	if (!host->slots) {
		err = objext_gather_builtin_slots(host);
		if (err)
			return err;
	}
	err = objext_layout(host, &size, &align);
	if (err)
		return err;

	if (host->nr_slots) {
		host->stats = __alloc_percpu(struct_size_t(struct objext_stats,
							   claims,
							   host->nr_slots),
					     __alignof__(struct objext_stats));
		host->cache_name = kasprintf(GFP_KERNEL, "objext_%s",
					     host->name);
		if (host->stats && host->cache_name)
			host->cache = kmem_cache_create(host->cache_name, size,
							align, SLAB_ACCOUNT,
							NULL);
		if (!host->cache) {
			objext_host_free(host);
			return -ENOMEM;
		}
	}

	mutex_lock(&objext_hosts_lock);
	list_add_tail(&host->list, &objext_hosts);
	if (objext_debugfs_dir)
		objext_debugfs_add(host);
	mutex_unlock(&objext_hosts_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(objext_host_init);

/**
 * objext_host_exit() - Tear down a host type.
 * @host: The host type, initialised by objext_host_init() with a slot
 *	table of its own.
 *
 * Every object of the host type must have been through objext_destroy().
 * Waits for areas still waiting out their RCU grace period, then destroys
 * the slab cache.
 *
 * Context: Process context; may sleep.
 */
void objext_host_exit(struct objext_host *host)
{
	mutex_lock(&objext_hosts_lock);
	list_del(&host->list);
	debugfs_remove(host->debugfs);
	host->debugfs = NULL;
	mutex_unlock(&objext_hosts_lock);

	WARN_ON(host->stats && objext_live_areas(host));
	objext_host_free(host);
}
EXPORT_SYMBOL_GPL(objext_host_exit);

/* Hosts may be initialised before debugfs is; add their files now. */
static int __init objext_debugfs_init(void)
{
	struct objext_host *host;

	mutex_lock(&objext_hosts_lock);
	objext_debugfs_dir = debugfs_create_dir("objext", NULL);
	list_for_each_entry(host, &objext_hosts, list)
		objext_debugfs_add(host);
	mutex_unlock(&objext_hosts_lock);
	return 0;
}
fs_initcall(objext_debugfs_init);
