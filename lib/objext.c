// SPDX-License-Identifier: GPL-2.0
/*
 * objext: lazily allocated extension slots for long-lived kernel objects.
 *
 * <linux/objext.h> has the inline test for an area; this file has the
 * rest of the read side, the write side (stores, which allocate and
 * replace areas, and teardown), the boot-time set-up of each host type
 * and its debugfs view.  See Documentation/core-api/objext.rst.
 */

#include <linux/debugfs.h>
#include <linux/export.h>
#include <linux/hardirq.h>
#include <linux/init.h>
#include <linux/irqflags.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/objext.h>
#include <linux/overflow.h>
#include <linux/stddef.h>
#include <linux/percpu.h>
#include <linux/processor.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sprintf.h>
#include <linux/string.h>
#include <kunit/static_stub.h>
#include <kunit/visibility.h>

#include "objext_internal.h"

/* Areas leave the low three bits of the object's pointer to its flags. */
#define OBJEXT_AREA_ALIGN	8

/* An RCU head takes the last two words of a retired area. */
static_assert(sizeof(struct rcu_head) == 2 * sizeof(void *));

/* Initialised hosts, for debugfs. */
static DEFINE_MUTEX(objext_hosts_lock);
static LIST_HEAD(objext_hosts);
static struct dentry *objext_debugfs_dir;

/*
 * Size of an area with @nr cells: the presence word and the cells, never
 * less than the RCU head that overlays them once the area is retired.
 */
static size_t objext_area_size(unsigned int nr)
{
	return max(struct_size_t(struct objext, cells, nr),
		   sizeof(struct rcu_head));
}

/* Only a KUnit test redirects this, to make the allocation fail. */
VISIBLE_IF_KUNIT struct objext *objext_alloc_area(struct objext_host *host,
						  unsigned int nr, gfp_t gfp)
{
	KUNIT_STATIC_STUB_REDIRECT(objext_alloc_area, host, nr, gfp);
	return kmem_cache_alloc(host->caches[nr - 1], gfp);
}
EXPORT_SYMBOL_IF_KUNIT(objext_alloc_area);

/*
 * Take the object's lock: bit 0 of its pointer, as hlist_bl_lock() does,
 * with interrupts off, so that an interrupt handler storing into the same
 * object (a BPF program in softirq, say) cannot spin on its own CPU's
 * holder.  In NMI context only try once.  A torn-down object's pointer
 * (OBJEXT_DEAD) is never locked: its host may reset it to NULL at any
 * time for a new life (XFS recycling an inode under RCU path walkers),
 * and an unlock must not write the old life's word over the new one.
 * Returns false, with interrupts as they were, if it could not, with the
 * word that stopped it in *@wordp (OBJEXT_DEAD for a torn-down object, a
 * locked word in NMI); otherwise true, with the pointer word in *@wordp.
 */
static bool objext_lock(struct objext __rcu **extp, unsigned long *wordp,
			unsigned long *flags)
{
	unsigned long *lockp = (unsigned long __force *)extp;
	unsigned long word;

	local_irq_save(*flags);
	word = READ_ONCE(*lockp);
	for (;;) {
		if (word == (unsigned long)OBJEXT_DEAD) {
			local_irq_restore(*flags);
			*wordp = word;
			return false;
		}
		if (!(word & OBJEXT_LOCKED)) {
			if (try_cmpxchg(lockp, &word, word | OBJEXT_LOCKED))
				break;
			continue;
		}
		if (in_nmi()) {
			local_irq_restore(*flags);
			*wordp = word;
			return false;
		}
		cpu_relax();
		word = READ_ONCE(*lockp);
	}
	*wordp = word;
	return true;
}

/*
 * Drop the object's lock, leaving @word (an area, NULL or OBJEXT_DEAD) in
 * the object's pointer.  The release orders the initialisation of a new
 * area before it is published.
 */
static void objext_unlock(struct objext __rcu **extp, unsigned long word,
			  unsigned long flags)
{
	/* Readers' dependent loads and the next writer's cmpxchg see it all. */
	smp_store_release((unsigned long __force *)extp, word);
	local_irq_restore(flags);
}

/*
 * Free @ext, an area with @nr cells, after an RCU grace period, once it
 * is no longer the object's.  The RCU head goes in the area's last two
 * words, so that it leaves the presence word of an area with more than
 * one cell as it was: a reader that still computes a cell index from it
 * stays within the area.  (An area with one cell is marked in the
 * object's pointer, and its readers compute no index.)  The head
 * overwrites what readers of @ext may still read: order that after the
 * store that made the object's pointer move on, so that a reader that
 * read garbage also sees the pointer changed (__objext_get()).
 */
static void objext_retire(struct objext *ext, unsigned int nr)
{
	void *head = (void *)ext + objext_area_size(nr) -
		     sizeof(struct rcu_head);

	/* kvfree_call_rcu() takes a head less than 4096 bytes in. */
	BUILD_BUG_ON(struct_size_t(struct objext, cells, OBJEXT_MAX_SLOTS) >
		     4096);
	/* Pairs with the smp_rmb() of readers; see above. */
	smp_wmb();
	kvfree_call_rcu(head, ext);
}

/*
 * Index of the cell of the slot whose presence bit is @bit, in an area
 * with presence word @present: the number of cells below it.
 */
static __always_inline unsigned int objext_cell_index(unsigned long present,
						      unsigned long bit)
{
	unsigned long below = present & (bit - 1);

	/* A slot with no cell below its own spares the population count. */
	return below ? hweight_long(below) : 0;
}

/*
 * The value of the slot whose presence bit is @bit in @ext, with @present
 * read from it: for a writer, which holds the object's lock, and for a
 * reader of an area of more than one cell, whose presence word no RCU
 * head overwrites.
 */
static __always_inline void *objext_cell(struct objext *ext,
					 unsigned long present,
					 unsigned long bit)
{
	if (!(present & bit))
		return NULL;
	return READ_ONCE(ext->cells[objext_cell_index(present, bit)]);
}

/**
 * __objext_get() - Slow path of objext_get().
 * @extp: The object's extension pointer.
 * @slot: The slot.
 *
 * For what the inline path leaves: an area of more than one cell, one
 * whose teardown has begun, or one replaced while the inline path read
 * it.  A writer may replace the area at any time, and RCU keeps the old
 * one around until we are done: load the pointer under RCU, read the
 * cell, and make sure the pointer had not moved on meanwhile (a writer
 * that only held the lock costs a second pass).  Call objext_get()
 * instead.  Exported to every module, not only GPL ones: objext_get()
 * inlines into readers that replace a field read any module could do
 * (break_lease(), say).
 *
 * Context: As for objext_get().
 * Return: As objext_get().
 */
void *__objext_get(struct objext __rcu *const *extp,
		   const struct objext_slot *slot)
{
	unsigned long bit = slot->bit, word, again, present;
	struct objext *ext;
	void *value;

	rcu_read_lock();
	word = objext_word(extp);
	for (;;) {
		ext = objext_word_area(word);
		if (!ext) {
			value = NULL;
			break;
		}
		present = READ_ONCE(ext->present);
		/*
		 * Most areas have one cell.  Its presence word may be an RCU
		 * head's pointer already: read the cell, never past it.
		 */
		if (likely(word & OBJEXT_ONE_CELL))
			value = present & bit ? READ_ONCE(ext->cells[0]) : NULL;
		else
			value = objext_cell(ext, present, bit);
		/* Pairs with objext_retire(): read the cell, then recheck. */
		smp_rmb();
		again = objext_word(extp);
		if (likely(again == word))
			break;
		word = again;
	}
	rcu_read_unlock();
	return value;
}
EXPORT_SYMBOL(__objext_get);

static void objext_count(struct objext_host *host, unsigned int i, long n)
{
	this_cpu_add(host->counts[i], n);
}

/*
 * Store @new into @slot, which has no cell in @ext (maybe NULL), by
 * publishing @grown: a copy of @ext with the slot's cell added.
 */
static void objext_grow(struct objext __rcu **extp, struct objext *ext,
			struct objext *grown, const struct objext_slot *slot,
			void *new, unsigned long flags)
{
	struct objext_host *host = slot->host;
	unsigned long present = ext ? ext->present : 0;
	unsigned long bit = slot->bit;
	unsigned int below = objext_cell_index(present, bit);
	unsigned int nr = hweight_long(present);

	grown->present = present | bit;
	if (ext) {
		memcpy(grown->cells, ext->cells, below * sizeof(void *));
		memcpy(grown->cells + below + 1, ext->cells + below,
		       (nr - below) * sizeof(void *));
	}
	grown->cells[below] = new;
	objext_unlock(extp, (unsigned long)grown | (nr ? 0 : OBJEXT_ONE_CELL),
		      flags);

	if (ext) {
		objext_count(host, nr - 1, -1);
		objext_retire(ext, nr);
	}
	objext_count(host, nr, 1);
	objext_count(host, host->nr_slots + slot->index, 1);
}

/*
 * objext_cmpxchg(), and with @reserve, objext_reserve(): then a slot
 * without a cell gets one, holding NULL.
 */
static void *objext_store(struct objext __rcu **extp,
			  const struct objext_slot *slot, void *old, void *new,
			  gfp_t gfp, bool reserve)
{
	struct objext_host *host = slot->host;
	unsigned long bit = slot->bit, present, grown_for = 0;
	unsigned long word, flags;
	struct objext *ext, *grown = NULL;
	unsigned int grown_nr = 0;
	void *ret;

	for (;;) {
		if (!objext_lock(extp, &word, &flags)) {
			/* A torn-down object reads NULL and takes no value. */
			if (word != (unsigned long)OBJEXT_DEAD)
				ret = ERR_PTR(-EBUSY);
			else if (old || (!new && !reserve))
				ret = NULL;
			else
				ret = ERR_PTR(-ENOENT);
			break;
		}
		ext = objext_word_area(word);
		present = ext ? ext->present : 0;
		ret = ext ? objext_cell(ext, present, bit) : NULL;
		if (ret != old || (old == new && !(reserve && !(present & bit)))) {
			objext_unlock(extp, word, flags);
			break;
		}
		/*
		 * Once teardown has begun, only a clear of a value lands: an
		 * owner that frees its value (BPF map teardown, say) must be
		 * able to unpublish it first.  (A torn-down object, never
		 * locked, was dealt with above.)
		 */
		if ((present & OBJEXT_DYING) && (new || !(present & bit))) {
			objext_unlock(extp, word, flags);
			ret = ERR_PTR(-ENOENT);
			break;
		}
		if (present & bit) {
			WRITE_ONCE(ext->cells[objext_cell_index(present, bit)],
				   new);
			objext_unlock(extp, word, flags);
			break;
		}
		/* A first value: publish a copy with a cell more. */
		if (grown && grown_for == present) {
			objext_grow(extp, ext, grown, slot, new, flags);
			grown = NULL;
			break;
		}
		objext_unlock(extp, word, flags);

		/* Allocate unlocked, then check that the area did not change. */
		if (grown)
			kmem_cache_free(host->caches[grown_nr - 1], grown);
		grown = NULL;
		if (in_nmi()) {
			ret = ERR_PTR(-EBUSY);
			break;
		}
		grown_for = present;
		grown_nr = hweight_long(present) + 1;
		grown = objext_alloc_area(host, grown_nr, gfp);
		if (!grown) {
			ret = ERR_PTR(-ENOMEM);
			break;
		}
	}
	if (grown)
		kmem_cache_free(host->caches[grown_nr - 1], grown);
	return ret;
}

/*
 * The fast path of objext_cmpxchg(): a store in place into the cell of an
 * area that has only the slot's, what an owner's stores after its first
 * are (fsnotify attaching and detaching an inode's mark connector, say).
 * One try of the object's lock, as objext_lock() takes it; anything else
 * (no area, more cells, teardown begun, the lock held) is left to
 * objext_store().  Returns true, with the value the slot held in *@cur,
 * if it did the store or found a value other than @old.
 */
static bool objext_store_in_place(struct objext __rcu **extp,
				  unsigned long bit, void *old, void *new,
				  void **cur)
{
	unsigned long *lockp = (unsigned long __force *)extp;
	unsigned long word, flags;
	struct objext *ext;
	bool done = false;

	local_irq_save(flags);
	word = READ_ONCE(*lockp);
	if ((word & (OBJEXT_LOCKED | OBJEXT_ONE_CELL)) != OBJEXT_ONE_CELL ||
	    !try_cmpxchg(lockp, &word, word | OBJEXT_LOCKED)) {
		local_irq_restore(flags);
		return false;
	}
	ext = (struct objext *)(word & OBJEXT_PTR_MASK);
	/* Only the slot's own area has its bit alone; OBJEXT_DYING is not. */
	if (ext->present == bit) {
		*cur = ext->cells[0];
		if (*cur == old)
			WRITE_ONCE(ext->cells[0], new);
		done = true;
	}
	objext_unlock(extp, word, flags);
	return done;
}

/**
 * objext_cmpxchg() - Store a value into a slot of an object, conditionally.
 * @extp: The object's extension pointer.
 * @slot: The slot.
 * @old: The value the slot must hold (%NULL for a slot never stored into).
 * @new: The value to store.
 * @gfp: Allocation flags, used only if the slot has no cell yet.
 *
 * If the slot holds @old, stores @new.  Storing a value into a slot that
 * has no cell on this object (the first value of this slot) replaces the
 * object's area by a copy with a cell more, or allocates its first area;
 * the area is charged to the current memory cgroup.  Storing %NULL never
 * allocates.  Writers of one object serialise on its lock, so concurrent
 * stores into different slots of one object all land.
 *
 * Once objext_destroy() has begun on the object, no value is stored: a
 * value stored before it is passed to the slot's destructor, and a store
 * after it fails, so that no value outlives the object unseen.  Clearing
 * a value (@new %NULL) still lands, so that an owner freeing the value
 * can unpublish it first.  The slot's destructor may have got the value
 * already: such an owner frees it after an RCU grace period and
 * synchronises with its destructor, as BPF local storage does.
 *
 * Context: Any context but NMI, where it fails with -EBUSY if another
 * CPU or the interrupted code holds the object's lock or an area must
 * be allocated.  If @gfp allows sleeping, process context.  The caller
 * keeps the object alive.
 * Return: The value the slot held: @old if @new was stored.  If it held
 * @old but @new could not be stored, ERR_PTR(-ENOMEM) when the area could
 * not be allocated, ERR_PTR(-ENOENT) when the object is being or has been
 * torn down, or ERR_PTR(-EBUSY) as above.
 */
void *objext_cmpxchg(struct objext __rcu **extp,
		     const struct objext_slot *slot, void *old, void *new,
		     gfp_t gfp)
{
	void *cur;

	if (objext_store_in_place(extp, slot->bit, old, new, &cur))
		return cur;
	return objext_store(extp, slot, old, new, gfp, false);
}
EXPORT_SYMBOL_GPL(objext_cmpxchg);

/**
 * objext_reserve() - Make sure a slot of an object has a cell.
 * @extp: The object's extension pointer.
 * @slot: The slot.
 * @gfp: Allocation flags.
 *
 * Gives the slot its cell, holding %NULL, if it has none, as its first
 * value would.  A later objext_cmpxchg() into the slot then needs no
 * memory: for callers that must not fail once they have committed to a
 * change, as xa_reserve() is for an XArray.  The cell stays until the
 * object is torn down.
 *
 * Context: As for objext_cmpxchg().
 * Return: 0, or -ENOMEM, -ENOENT or -EBUSY as objext_cmpxchg() fails.
 */
int objext_reserve(struct objext __rcu **extp, const struct objext_slot *slot,
		   gfp_t gfp)
{
	void *ret = objext_store(extp, slot, NULL, NULL, gfp, true);

	return IS_ERR(ret) ? PTR_ERR(ret) : 0;
}
EXPORT_SYMBOL_GPL(objext_reserve);

/**
 * objext_claimed() - Test whether a slot of an object has a cell.
 * @extp: The object's extension pointer.
 * @slot: The slot.
 *
 * A slot gets its cell with its first value and keeps it, %NULL stored
 * or not, until the object is torn down: this is what debugfs counts.
 *
 * Context: Any context.  The caller keeps the object alive.
 * Return: true if a value was ever stored into the slot on this object
 * and the object has not been torn down, false otherwise.
 */
bool objext_claimed(struct objext __rcu *const *extp,
		    const struct objext_slot *slot)
{
	struct objext *ext;
	bool claimed;

	rcu_read_lock();
	do {
		ext = objext_word_area(objext_word(extp));
		claimed = ext && (READ_ONCE(ext->present) & slot->bit);
		/* Pairs with objext_retire(): read the word, then recheck. */
		smp_rmb();
	} while (objext_word_area(objext_word(extp)) != ext);
	rcu_read_unlock();
	return claimed;
}
EXPORT_SYMBOL_GPL(objext_claimed);

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
	unsigned long word, flags, present;
	struct objext *ext;
	unsigned int i, cell = 0;

	/*
	 * Close the area to stores: a store that took the lock first is
	 * in the values the destructors get, any later one fails.  An
	 * object without an area is made final right away; one made final
	 * already (a second call) is left alone.
	 */
	if (!objext_lock(extp, &word, &flags))
		return;
	ext = objext_word_area(word);
	if (!ext) {
		objext_unlock(extp, (unsigned long)OBJEXT_DEAD, flags);
		return;
	}
	present = ext->present;
	WRITE_ONCE(ext->present, present | OBJEXT_DYING);
	objext_unlock(extp, word, flags);

	/*
	 * No store can replace the area now, and a cell can only be
	 * cleared.  Destructors run with the area still attached: generic
	 * code they call back into (BPF local storage, say) may read the
	 * slot through the object.  Each gets the value its slot holds
	 * when its turn comes, under RCU: an owner that clears its value
	 * meanwhile frees it after a grace period.
	 */
	for (i = 0; i < host->nr_slots; i++) {
		const struct objext_slot *slot = host->slots[i];
		void *value;

		if (!(present & BIT(i)))
			continue;
		rcu_read_lock();
		value = READ_ONCE(ext->cells[cell++]);
		if (value && slot->destroy)
			slot->destroy(value, owner);
		rcu_read_unlock();
		objext_count(host, host->nr_slots + i, -1);
	}

	objext_lock(extp, &word, &flags);
	objext_unlock(extp, (unsigned long)OBJEXT_DEAD, flags);
	objext_count(host, cell - 1, -1);
	objext_retire(ext, cell);
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

static void objext_host_free(struct objext_host *host)
{
	unsigned int i;

	for (i = 0; host->caches && i < host->nr_slots; i++) {
		kmem_cache_destroy(host->caches[i]);
		if (host->cache_names)
			kfree(host->cache_names[i]);
	}
	kfree(host->caches);
	host->caches = NULL;
	kfree(host->cache_names);
	host->cache_names = NULL;
	free_percpu(host->counts);
	host->counts = NULL;
}

/* Sum of counter @i of @host over all CPUs. */
static long objext_sum(struct objext_host *host, unsigned int i)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*per_cpu_ptr(host->counts + i, cpu));
	return sum;
}

/* Only a KUnit test reads these outside this file. */
VISIBLE_IF_KUNIT long objext_live_areas(struct objext_host *host)
{
	long sum = 0;
	unsigned int i;

	for (i = 0; host->counts && i < host->nr_slots; i++)
		sum += objext_sum(host, i);
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(objext_live_areas);

VISIBLE_IF_KUNIT long objext_slot_claims(const struct objext_slot *slot)
{
	return objext_sum(slot->host, slot->host->nr_slots + slot->index);
}
EXPORT_SYMBOL_IF_KUNIT(objext_slot_claims);

static int objext_host_show(struct seq_file *m, void *v)
{
	struct objext_host *host = m->private;
	long areas, live = 0, bytes = 0;
	unsigned int i;

	for (i = 0; host->counts && i < host->nr_slots; i++) {
		areas = objext_sum(host, i);
		live += areas;
		bytes += areas * (long)objext_area_size(i + 1);
	}
	seq_printf(m, "host: %s\n", host->name);
	seq_printf(m, "live_areas: %ld\n", live);
	seq_printf(m, "live_bytes: %ld\n", bytes);
	seq_printf(m, "%-5s %10s %10s\n", "cells", "area_size", "areas");
	for (i = 0; host->counts && i < host->nr_slots; i++)
		seq_printf(m, "%-5u %10zu %10ld\n", i + 1,
			   objext_area_size(i + 1), objext_sum(host, i));
	seq_printf(m, "%-24s %5s %10s\n", "slot", "index", "claimed");
	for (i = 0; i < host->nr_slots; i++)
		seq_printf(m, "%-24s %5u %10ld\n", host->slots[i]->name, i,
			   objext_slot_claims(host->slots[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(objext_host);

static void objext_debugfs_add(struct objext_host *host)
{
	host->debugfs = debugfs_create_file(host->name, 0444,
					    objext_debugfs_dir, host,
					    &objext_host_fops);
}

/*
 * One slab cache per area size, so that an area costs what its cells
 * need.  Not merged with other caches of the same size: their objects
 * have other lifetimes, and fault injection must target objext's alone.
 */
static int objext_create_caches(struct objext_host *host)
{
	unsigned int i;

	host->caches = kcalloc(host->nr_slots, sizeof(*host->caches),
			       GFP_KERNEL);
	host->cache_names = kcalloc(host->nr_slots,
				    sizeof(*host->cache_names), GFP_KERNEL);
	if (!host->caches || !host->cache_names)
		return -ENOMEM;
	for (i = 0; i < host->nr_slots; i++) {
		size_t size = objext_area_size(i + 1);

		host->cache_names[i] = kasprintf(GFP_KERNEL, "objext_%s-%zu",
						 host->name, size);
		if (!host->cache_names[i])
			return -ENOMEM;
		host->caches[i] = kmem_cache_create(host->cache_names[i], size,
						    OBJEXT_AREA_ALIGN,
						    SLAB_ACCOUNT | SLAB_NO_MERGE,
						    NULL);
		if (!host->caches[i])
			return -ENOMEM;
	}
	return 0;
}

/**
 * objext_host_init() - Initialise a host type.
 * @host: The host type.
 *
 * Gathers the host's built-in slots if it has no slot table of its own,
 * numbers them, creates the slab caches the areas come from and the
 * host's debugfs file.  Call it once, before any object of the host type
 * can be extended; the slot table is fixed from then on.
 *
 * Context: Process context; may sleep.
 * Return: 0 on success, -ENOMEM if memory ran out, -EINVAL if a slot
 * belongs to another host, -E2BIG if there are more slots than presence
 * bits.
 */
int objext_host_init(struct objext_host *host)
{
	unsigned int i;
	int err;

	/* Built-in slots never change: a retry after failure may reuse them. */
	if (!host->slots) {
		err = objext_gather_builtin_slots(host);
		if (err)
			return err;
	}
	if (host->nr_slots > OBJEXT_MAX_SLOTS)
		return -E2BIG;
	for (i = 0; i < host->nr_slots; i++) {
		if (host->slots[i]->host != host)
			return -EINVAL;
		host->slots[i]->index = i;
		host->slots[i]->bit = BIT(i);
	}

	if (host->nr_slots) {
		host->counts = __alloc_percpu(2 * host->nr_slots * sizeof(long),
					      __alignof__(long));
		err = host->counts ? objext_create_caches(host) : -ENOMEM;
		if (err) {
			objext_host_free(host);
			return err;
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
 * the slab caches.
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

	WARN_ON(objext_live_areas(host));
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
