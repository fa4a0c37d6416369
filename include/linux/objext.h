/* SPDX-License-Identifier: GPL-2.0 */
/*
 * objext: lazily allocated extension slots for long-lived kernel objects.
 *
 * Many subsystems want a little private state on some objects of a widely
 * used type (an inode, say), but only a small fraction of those objects
 * ever needs it.  Adding a pointer to the object for each such subsystem
 * makes every object pay for every feature.  objext lets such a subsystem
 * declare a *slot* instead.
 *
 * The object type (the *host*) embeds a single pointer, ``struct objext
 * __rcu *``, which stays NULL until some subsystem claims a slot on that
 * object.  The first claim allocates one *extension area* holding the
 * data of every slot declared for the host and installs it with cmpxchg;
 * a racing claimer that loses frees its copy.  The area stays until the
 * object is torn down, when the destructors of the slots that were claimed
 * run and the area is freed after an RCU grace period.
 *
 * Slots are declared at build time with DEFINE_OBJEXT_SLOT().  The host's
 * layout is computed once, when the host is initialised at boot, and is
 * read-only afterwards, so a lookup is one load of the object's pointer,
 * a branch, and an add of a constant offset.  Each area starts with a word
 * of presence bits, one per slot, so teardown runs only the destructors
 * of slots that were used.
 *
 * The area is zeroed on allocation: the data of a slot nobody claimed
 * reads as zeroes.  objext does not serialise writers of one slot; that is
 * the owning subsystem's business, and it usually has a lock already.
 *
 * See Documentation/core-api/objext.rst.
 */
#ifndef _LINUX_OBJEXT_H
#define _LINUX_OBJEXT_H

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/build_bug.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/gfp_types.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

struct dentry;
struct kmem_cache;

/*
 * One presence bit per slot, all in one word, whose top bit says that
 * teardown has begun: claims and teardown agree on the word with cmpxchg,
 * so a slot is either claimed before teardown (and destroyed) or not at
 * all.
 */
#define OBJEXT_DYING		BIT(BITS_PER_LONG - 1)
#define OBJEXT_MAX_SLOTS	(BITS_PER_LONG - 1)

/**
 * struct objext - Extension area of one object.
 * @active: Bit n is set once the slot with index n has been claimed;
 *	%OBJEXT_DYING once teardown has begun.
 * @rcu: Defers the free until RCU readers are done with the area.
 *
 * The slot data follows the header, each slot at its own offset.  The
 * fields are private to objext.
 */
struct objext {
	unsigned long active;
	struct rcu_head rcu;
};

/**
 * struct objext_slot - A slot declared on a host type.
 * @name: Name shown in debugfs.
 * @host: The host type this slot extends.
 * @destroy: Called at teardown of an object whose slot was claimed, or
 *	NULL.  Gets the slot data and the object; see objext_destroy().
 * @size: Size of the slot data in bytes.
 * @align: Alignment of the slot data, a power of two.
 * @offset: Offset of the data in the extension area; set by
 *	objext_host_init().
 * @index: Index of the slot's presence bit; set by objext_host_init().
 *
 * Define slots with DEFINE_OBJEXT_SLOT() or OBJEXT_SLOT_INIT(), never by
 * hand.
 */
struct objext_slot {
	const char *name;
	struct objext_host *host;
	void (*destroy)(void *data, void *owner);
	unsigned short size;
	unsigned short align;
	unsigned short offset;
	unsigned char index;
};

/**
 * struct objext_stats - Per-CPU counters of a host type.
 * @live_areas: Extension areas attached to objects.
 * @claims: Per slot index, objects on which that slot is claimed.
 *
 * Each CPU counts what it claimed, installed and tore down, so that no
 * claim or teardown writes a cache line other CPUs write too; only
 * readers sum the counters of all CPUs.  A CPU's own count may go
 * negative.
 */
struct objext_stats {
	long live_areas;
	long claims[];
};

/**
 * struct objext_host - A host type: an object type with extension slots.
 * @name: Name of the host type, for its slab cache and debugfs file.
 * @slots: The host's slot table.  Leave NULL to use every slot defined
 *	with DEFINE_OBJEXT_SLOT() for this host; objext_host_init() fills
 *	it in.  Code that may be modular supplies its own table instead.
 * @nr_slots: Number of entries in @slots.
 * @cache_name: Name of @cache, "objext_" and @name.
 * @cache: Slab cache of extension areas; set by objext_host_init().
 * @stats: Counters for debugfs, per CPU.
 * @debugfs: The host's file in debugfs.
 * @list: Entry in the list of initialised hosts.
 *
 * Define a host with DEFINE_OBJEXT_HOST().  The fields after @nr_slots
 * are private to objext.
 */
struct objext_host {
	const char *name;
	struct objext_slot **slots;
	unsigned int nr_slots;
	char *cache_name;
	struct kmem_cache *cache;
	struct objext_stats __percpu *stats;
	struct dentry *debugfs;
	struct list_head list;
};

/**
 * OBJEXT_HOST_INIT() - Initialiser for a &struct objext_host.
 * @_name: Name of the host type, a string.
 * @_slots: The host's own slot table, or NULL for the built-in slots.
 * @_nr_slots: Number of entries in @_slots.
 */
#define OBJEXT_HOST_INIT(_name, _slots, _nr_slots)			\
{									\
	.name = (_name),						\
	.slots = (_slots),						\
	.nr_slots = (_nr_slots),					\
}

/**
 * DEFINE_OBJEXT_HOST() - Define a host type whose slots are built in.
 * @_host: Name of the &struct objext_host variable.
 * @_name: Name of the host type, a string.
 */
#define DEFINE_OBJEXT_HOST(_host, _name)				\
	struct objext_host _host = OBJEXT_HOST_INIT(_name, NULL, 0)

/**
 * OBJEXT_SLOT_INIT() - Initialiser for a &struct objext_slot.
 * @_name: Name of the slot, a string.
 * @_host: The &struct objext_host the slot extends.
 * @_type: Type of the slot data.
 * @_destroy: Destructor, or NULL.
 *
 * For hosts with their own slot table; built-in code uses
 * DEFINE_OBJEXT_SLOT() instead.
 */
#define OBJEXT_SLOT_INIT(_name, _host, _type, _destroy)			\
{									\
	.name = (_name),						\
	.host = &(_host),						\
	.destroy = (_destroy),						\
	.size = sizeof(_type) +						\
		BUILD_BUG_ON_ZERO(sizeof(_type) > USHRT_MAX),		\
	.align = __alignof__(_type),					\
}

/*
 * Bounds of the slots defined with DEFINE_OBJEXT_SLOT(), which the linker
 * script gathers into one read-only-after-init array.
 */
extern struct objext_slot __start___objext_slots[];
extern struct objext_slot __stop___objext_slots[];

#ifndef MODULE
/**
 * DEFINE_OBJEXT_SLOT() - Declare a slot on a host type.
 * @_slot: Name of the &struct objext_slot variable; also the slot's name.
 * @_host: The &struct objext_host the slot extends.
 * @_type: Type of the slot data.
 * @_destroy: Destructor, or NULL.
 *
 * The slot joins the host's slot table when the host is initialised.
 * Only built-in code can declare slots this way.
 */
#define DEFINE_OBJEXT_SLOT(_slot, _host, _type, _destroy)		\
	struct objext_slot _slot __used __section("__objext_slots")	\
		__aligned(__alignof__(struct objext_slot)) =		\
		OBJEXT_SLOT_INIT(#_slot, _host, _type, _destroy)
#else
#define DEFINE_OBJEXT_SLOT(...)						\
	static_assert(0, "DEFINE_OBJEXT_SLOT() needs built-in code")
#endif

int objext_host_init(struct objext_host *host);
void objext_host_exit(struct objext_host *host);
void *__objext_add(struct objext __rcu **extp,
		   const struct objext_slot *slot, gfp_t gfp);
void __objext_destroy(struct objext_host *host, struct objext __rcu **extp,
		      void *owner);

/* The area lives as long as the object: a reference is as good as RCU. */
#define objext_deref(extp)	rcu_dereference_check(*(extp), 1)

/*
 * What an object's extension pointer holds once objext_destroy() has run:
 * no area, and none can be attached any more.  Teardown is final, so that
 * a late claim (a tracing program handed a dying object, say) fails
 * instead of leaving an area nobody will free.
 */
#define OBJEXT_DEAD		((struct objext *)1UL)

/* The object's area, or NULL if it has none (yet, or any more). */
static inline struct objext *objext_area(struct objext __rcu *const *extp)
{
	struct objext *ext = objext_deref(extp);

	return (unsigned long)ext > (unsigned long)OBJEXT_DEAD ? ext : NULL;
}

#if IS_ENABLED(CONFIG_KUNIT)
struct objext *objext_alloc_area(struct objext_host *host, gfp_t gfp);
long objext_live_areas(struct objext_host *host);
long objext_slot_claims(const struct objext_slot *slot);
#endif

static inline void *objext_data(struct objext *ext,
				const struct objext_slot *slot)
{
	return (void *)ext + slot->offset;
}

/**
 * objext_find() - Find the data of a slot of an object.
 * @extp: The object's extension pointer.
 * @slot: The slot.
 *
 * Costs one load and a branch when the object has no extension area, and
 * no further dependent load when it has one.  The data of a slot that was
 * never claimed reads as zeroes.
 *
 * Context: Any context.  The caller keeps the object alive, by holding a
 * reference or by being in an RCU read-side critical section.
 * Return: The slot data, or %NULL if the object has no extension area.
 */
static inline void *objext_find(struct objext __rcu *const *extp,
				const struct objext_slot *slot)
{
	struct objext *ext = objext_area(extp);

	if (!ext)
		return NULL;
	return objext_data(ext, slot);
}

/**
 * objext_claimed() - Test whether a slot of an object has been claimed.
 * @extp: The object's extension pointer.
 * @slot: The slot.
 *
 * Context: Any context.  The caller keeps the object alive.
 * Return: true if objext_add() has returned the slot's data for this
 * object, false otherwise.
 */
static inline bool objext_claimed(struct objext __rcu *const *extp,
				  const struct objext_slot *slot)
{
	struct objext *ext = objext_area(extp);

	return ext && test_bit(slot->index, &ext->active);
}

/**
 * objext_find_claimed() - Find the data of a claimed slot of an object.
 * @extp: The object's extension pointer.
 * @slot: The slot.
 *
 * objext_find() and objext_claimed() in one load of the object's pointer:
 * an object may get a new area between two loads (a host that reuses its
 * objects resets the pointer, see objext_destroy()), in which the slot
 * need not be claimed.  A caller that stores into the slot must find it
 * this way, so that what it stores is destroyed with the object.
 *
 * Context: Any context.  The caller keeps the object alive.
 * Return: The slot data, or %NULL if the object has no extension area or
 * the slot is not claimed in it.
 */
static inline void *objext_find_claimed(struct objext __rcu *const *extp,
					const struct objext_slot *slot)
{
	struct objext *ext = objext_area(extp);

	if (!ext || !test_bit(slot->index, &ext->active))
		return NULL;
	return objext_data(ext, slot);
}

/**
 * objext_add() - Claim a slot of an object, allocating its area if needed.
 * @extp: The object's extension pointer.
 * @slot: The slot.
 * @gfp: Allocation flags, used only if the object has no area yet.
 *
 * The first claim of any slot on an object allocates the object's
 * extension area from the host's slab cache, charged to the current memory
 * cgroup, and installs it; concurrent callers agree on one area.  Claiming
 * an already claimed slot returns the same data again.
 *
 * Claims and teardown are atomic against each other: a claim either
 * completes before objext_destroy() takes its snapshot of the claimed
 * slots, and the slot's destructor runs, or it fails.  A caller that
 * may race with teardown (one that holds no reference) must still make
 * sure that what it stores in the slot after the destructor ran is not
 * lost; see "Claims racing with teardown" in objext.rst.
 *
 * Context: Process context if @gfp allows sleeping, otherwise any context
 * but NMI (the slab allocator and kfree_rcu() are not NMI-safe).
 * Return: The slot data, or %NULL if the area could not be allocated (the
 * caller reports -ENOMEM) or the object is being or has been torn down.
 */
static inline void *objext_add(struct objext __rcu **extp,
			       const struct objext_slot *slot, gfp_t gfp)
{
	void *data = objext_find_claimed(extp, slot);

	if (likely(data))
		return data;
	return __objext_add(extp, slot, gfp);
}

/**
 * objext_destroy() - Tear down the extension area of an object.
 * @host: The object's host type.
 * @extp: The object's extension pointer.
 * @owner: The object, passed on to the destructors.
 *
 * Runs the destructor of every claimed slot once, in slot-table order,
 * then detaches the area and frees it after an RCU grace period, so
 * lockless readers that found it can finish.  While the destructors run,
 * objext_find() on the object still returns their data.  Destructors must
 * in turn free anything RCU readers may reach with RCU.  Afterwards the
 * object has no area and objext_add() on it fails, whether or not it had
 * one; reinitialise the pointer to NULL to reuse the object.
 *
 * Context: Any context the destructors allow, but not NMI.  Called once
 * per object; claims racing with it fail or are destroyed (see
 * objext_add()).
 */
static inline void objext_destroy(struct objext_host *host,
				  struct objext __rcu **extp, void *owner)
{
	/*
	 * Most objects never had an area: make that final with one
	 * cmpxchg, which a racing first claim's own cmpxchg cannot undo.
	 */
	if (likely(!rcu_access_pointer(*extp)) &&
	    !cmpxchg(extp, NULL, RCU_INITIALIZER(OBJEXT_DEAD)))
		return;
	__objext_destroy(host, extp, owner);
}

#endif /* _LINUX_OBJEXT_H */
