/* SPDX-License-Identifier: GPL-2.0 */
/*
 * objext: lazily allocated extension slots for long-lived kernel objects.
 *
 * A widely used object type (the *host*, struct inode say) embeds one
 * pointer, through which other subsystems attach a pointer of their own
 * to the few objects that need one: each such subsystem declares a *slot*
 * on the host type instead of adding a field to every object.
 *
 * The object's pointer stays NULL until a value is first stored into one
 * of its slots.  Then it points to an *extension area*: a word of
 * presence bits, one per slot that has ever held a value on this object,
 * followed by one pointer-sized cell per presence bit, in slot order.  A
 * slot's cell is found by counting the presence bits below its own, so an
 * area is as large as the slots the object uses, 16 bytes for one.
 * Storing into a slot that has no cell yet replaces the area by a copy
 * one cell larger.  Areas are freed after an RCU grace period.
 *
 * Readers take no lock: objext_get() is one load and a branch on an
 * object without an area.  Otherwise it reads the presence word and a
 * cell between two more loads of the object's pointer, the second to see
 * that the area was not replaced meanwhile, inline for an area of one
 * cell and out of line for larger ones.  Writers (objext_cmpxchg())
 * serialise on a lock bit in the object's pointer, as hlist_bl does,
 * taken with interrupts off for no more than a copy of the area.
 * Teardown (objext_destroy()) closes the object to new values, runs the
 * destructor of every slot holding a value, then makes the pointer
 * final: no value can be stored into a torn-down object.
 *
 * See Documentation/core-api/objext.rst.
 */
#ifndef _LINUX_OBJEXT_H
#define _LINUX_OBJEXT_H

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/err.h>
#include <linux/gfp_types.h>
#include <linux/list.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

struct dentry;
struct kmem_cache;

/*
 * The object's pointer: an area, NULL, or OBJEXT_DEAD, with bit 0 set
 * while a writer holds the object's lock and bit 2 set if the area has
 * one cell.  Areas are 8-byte aligned.
 */
#define OBJEXT_LOCKED		1UL
#define OBJEXT_DEAD		((struct objext *)2UL)
#define OBJEXT_ONE_CELL		4UL
#define OBJEXT_PTR_MASK		(~7UL)

/* The presence word's top bit: teardown has begun, nothing is stored. */
#define OBJEXT_DYING		BIT(BITS_PER_LONG - 1)
#define OBJEXT_MAX_SLOTS	(BITS_PER_LONG - 1)

/**
 * struct objext - Extension area of one object.
 * @present: Bit n is set if the slot with index n has a cell;
 *	%OBJEXT_DYING once teardown has begun.
 * @cells: One value per bit set in @present, in index order.
 *
 * Once the area is no longer the object's, an RCU head in its last two
 * words frees it after a grace period: the last two cells, or @present
 * and the cell of an area with one.  Only readers still look at them
 * then, and they find the area replaced.
 *
 * Private to objext.
 */
struct objext {
	unsigned long present;
	void *cells[];
};

/**
 * struct objext_slot - A slot declared on a host type.
 * @name: Name shown in debugfs.
 * @host: The host type this slot extends.
 * @destroy: Called at teardown of an object whose slot holds a value, or
 *	NULL.  Gets the value and the object; see objext_destroy().
 * @bit: The slot's presence bit, BIT(@index), for the inline lookup.
 * @index: Index of the slot's presence bit.  Both are set by
 *	objext_host_init().
 *
 * Every slot holds one pointer, NULL until stored.  Define slots with
 * DEFINE_OBJEXT_SLOT() or OBJEXT_SLOT_INIT(), never by hand.
 */
struct objext_slot {
	const char *name;
	struct objext_host *host;
	void (*destroy)(void *value, void *owner);
	unsigned long bit;
	unsigned int index;
};

/**
 * struct objext_host - A host type: an object type with extension slots.
 * @name: Name of the host type, for its slab caches and debugfs file.
 * @slots: The host's slot table.  Leave NULL to use every slot defined
 *	with DEFINE_OBJEXT_SLOT() for this host; objext_host_init() fills
 *	it in.  Code that may be modular supplies its own table instead.
 * @nr_slots: Number of entries in @slots.
 * @caches: Per number of cells minus one, the slab cache of areas of
 *	that size; set by objext_host_init().
 * @cache_names: Names of @caches, "objext_" @name "-" size in bytes.
 * @counts: Per-CPU counters for debugfs: at [n - 1] the areas with n
 *	cells, at [@nr_slots + i] the objects on which the slot with index
 *	i has a cell.  Each CPU counts only what it stored, replaced and
 *	tore down, so that no store or teardown writes a cache line other
 *	CPUs write too; readers sum all CPUs.
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
	struct kmem_cache **caches;
	char **cache_names;
	long __percpu *counts;
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
 * @_destroy: Destructor, or NULL.
 *
 * For hosts with their own slot table; built-in code uses
 * DEFINE_OBJEXT_SLOT() instead.
 */
#define OBJEXT_SLOT_INIT(_name, _host, _destroy)			\
{									\
	.name = (_name),						\
	.host = &(_host),						\
	.destroy = (_destroy),						\
}

#ifndef MODULE
/**
 * DEFINE_OBJEXT_SLOT() - Declare a slot on a host type.
 * @_slot: Name of the &struct objext_slot variable; also the slot's name.
 * @_host: The &struct objext_host the slot extends.
 * @_destroy: Destructor, or NULL.
 *
 * The slot joins the host's slot table when the host is initialised.
 * Only built-in code can declare slots this way.
 */
#define DEFINE_OBJEXT_SLOT(_slot, _host, _destroy)			\
	struct objext_slot _slot __used __section("__objext_slots")	\
		__aligned(__alignof__(struct objext_slot)) =		\
		OBJEXT_SLOT_INIT(#_slot, _host, _destroy)

/**
 * DEFINE_OBJEXT_HOST_SLOT() - Declare a slot of a host's own slot type.
 * @_tag: Tag of the host's slot type: a structure whose only member is
 *	the &struct objext_slot ``slot``.
 * @_slot: Name of the variable; also the slot's name.
 * @_host: The &struct objext_host the slot extends.
 * @_destroy: Destructor, or NULL.
 *
 * As DEFINE_OBJEXT_SLOT(), for a host whose accessors take slots of a
 * type of its own, so that a slot of another host passed to them does
 * not compile.  The slots of all hosts form one array of &struct
 * objext_slot, so the host static_asserts that its type is the size of
 * one.  The host wraps this in a macro that names the host, as
 * DEFINE_INODE_EXT_SLOT() does for struct inode.
 */
#define DEFINE_OBJEXT_HOST_SLOT(_tag, _slot, _host, _destroy)		\
	struct _tag _slot __used __section("__objext_slots")		\
		__aligned(__alignof__(struct objext_slot)) =		\
		{ .slot = OBJEXT_SLOT_INIT(#_slot, _host, _destroy) }
#else
/*
 * A module's slot would never join its host's table.  A definition (so
 * that "static" before it still parses) whose initialiser fails to
 * compile with the reason.
 */
#define OBJEXT_SLOT_IN_MODULE(_macro, _name, _host, _destroy)		\
{									\
	.name = (_name),						\
	.host = &(_host),						\
	.destroy = (_destroy),						\
	.index = sizeof(struct { int unused;				\
		static_assert(0, _macro "() needs built-in code"); }),	\
}

#define DEFINE_OBJEXT_SLOT(_slot, _host, _destroy)			\
	struct objext_slot _slot = OBJEXT_SLOT_IN_MODULE(		\
		"DEFINE_OBJEXT_SLOT", #_slot, _host, _destroy)
#define DEFINE_OBJEXT_HOST_SLOT(_tag, _slot, _host, _destroy)		\
	struct _tag _slot = { .slot = OBJEXT_SLOT_IN_MODULE(		\
		"DEFINE_OBJEXT_HOST_SLOT", #_slot, _host, _destroy) }
#endif

int objext_host_init(struct objext_host *host);
void objext_host_exit(struct objext_host *host);
void *objext_cmpxchg(struct objext __rcu **extp,
		     const struct objext_slot *slot, void *old, void *new,
		     gfp_t gfp);
int objext_reserve(struct objext __rcu **extp, const struct objext_slot *slot,
		   gfp_t gfp);
bool objext_claimed(struct objext __rcu *const *extp,
		    const struct objext_slot *slot);
void __objext_destroy(struct objext_host *host, struct objext __rcu **extp,
		      void *owner);

/*
 * The object's pointer word, lock bit included, in one load that orders
 * the reads of the area through it (rcu_dereference() without the
 * lockdep check: callers hold RCU or the object's lock).
 */
static inline unsigned long objext_word(struct objext __rcu *const *extp)
{
	return (__force unsigned long)rcu_dereference_raw(*extp);
}

/* The object's area in @word, or NULL if it has none (yet, or any more). */
static inline struct objext *objext_word_area(unsigned long word)
{
	word &= OBJEXT_PTR_MASK;
	return word > (unsigned long)OBJEXT_DEAD ? (struct objext *)word : NULL;
}

void *__objext_get(struct objext __rcu *const *extp,
		   const struct objext_slot *slot);

/**
 * objext_get() - Read the value of a slot of an object.
 * @extp: The object's extension pointer.
 * @slot: The slot.
 *
 * Costs one load and a branch when the object has no extension area.
 * When the area has one cell, the usual case, it is inline: two more
 * loads of @extp around two loads from the area, the last to see that the
 * area was not replaced meanwhile; larger areas are left to
 * __objext_get().  A slot that was never stored into reads as NULL.
 * The value is loaded like rcu_dereference() loads a pointer: what the
 * writer initialised before storing it is visible through it.
 *
 * Context: Any context.  The caller keeps the object alive, by holding a
 * reference or by being in an RCU read-side critical section; keeping
 * the value's target alive is the slot owner's business.
 * Return: The slot's value, or %NULL.
 */
static __always_inline void *objext_get(struct objext __rcu *const *extp,
					const struct objext_slot *slot)
{
	unsigned long word, present;
	struct objext *ext;
	void *value;

	if (likely(objext_word(extp) <= (unsigned long)OBJEXT_DEAD))
		return NULL;
	/*
	 * Load the word again under RCU, which keeps its area from being
	 * freed while we read it.  A section with preemption off is an RCU
	 * reader (kvfree_rcu() waits for it) that costs an increment and a
	 * decrement of the preempt count, where rcu_read_lock() and
	 * rcu_read_unlock() of preemptible RCU are calls.  Every word above
	 * OBJEXT_DEAD holds an area, of at least one cell.  Only the area
	 * with the slot's cell alone has the slot's bit alone as its
	 * presence word (teardown adds OBJEXT_DYING); in any other area of
	 * one cell the slot has none.  An RCU head over a retired area may
	 * have given us garbage: the last load, which finds the word
	 * changed, catches that.
	 */
	rcu_read_lock_sched();
	word = objext_word(extp);
	if (unlikely(word <= (unsigned long)OBJEXT_DEAD))
		goto slow;
	ext = (struct objext *)(word & OBJEXT_PTR_MASK);
	present = READ_ONCE(ext->present);
	if (likely(present == slot->bit))
		value = READ_ONCE(ext->cells[0]);
	else if ((word & OBJEXT_ONE_CELL) && !(present & slot->bit))
		value = NULL;
	else
		goto slow;
	/* Pairs with the smp_wmb() of a writer retiring the area. */
	smp_rmb();
	if (likely(objext_word(extp) == word)) {
		rcu_read_unlock_sched();
		return value;
	}
slow:
	rcu_read_unlock_sched();
	return __objext_get(extp, slot);
}

/**
 * objext_has_area() - Test whether an object may hold values.
 * @extp: The object's extension pointer.
 *
 * One load: for fast paths that skip work for objects without any value,
 * before they look up a slot.  An object holding a value has an area; an
 * object with an area may hold no value in a given slot.
 *
 * Context: Any context.
 * Return: true if the object has an extension area.
 */
static inline bool objext_has_area(struct objext __rcu *const *extp)
{
	return objext_word(extp) > (unsigned long)OBJEXT_DEAD;
}

/**
 * objext_destroy() - Tear down the extension area of an object.
 * @host: The object's host type.
 * @extp: The object's extension pointer.
 * @owner: The object, passed on to the destructors.
 *
 * Closes the object to new values, then runs the destructor of every
 * slot that holds a value once, in slot-table order, with the value the
 * slot holds when its turn comes, in an RCU read-side critical section:
 * destructors must not sleep.  While they run, objext_get() still
 * returns the values, and objext_cmpxchg() fails unless it clears a
 * value.  Then the area is detached and freed after an RCU grace period.
 * Afterwards the object has no area and nothing can be stored into it,
 * whether or not it had an area; reinitialise the pointer to NULL to
 * reuse the object.
 *
 * Context: Any context but NMI.  Called once per object; a second call
 * does nothing.
 */
static inline void objext_destroy(struct objext_host *host,
				  struct objext __rcu **extp, void *owner)
{
	/*
	 * Most objects never had an area: make that final with one
	 * cmpxchg, which a racing first store's own cmpxchg cannot undo.
	 */
	if (likely(!objext_word(extp)) &&
	    !cmpxchg(extp, NULL, RCU_INITIALIZER(OBJEXT_DEAD)))
		return;
	__objext_destroy(host, extp, owner);
}

#endif /* _LINUX_OBJEXT_H */
