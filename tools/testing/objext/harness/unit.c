// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: one case per promise of <linux/objext.h> and lib/objext.c.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/hardirq.h>
#include <linux/objext.h>
#include <linux/slab.h>

#include "shim.h"
#include "test.h"

/* ---- hosts ----------------------------------------------------------- */

/* builtin.c */
extern struct objext_host builtin_host, other_host, gather_host;
extern struct objext_slot builtin_a, builtin_b, builtin_c;
extern struct objext_slot other_x, other_y, gather_g;

/* One more built-in slot, from another translation unit. */
DEFINE_OBJEXT_SLOT(builtin_d, builtin_host, NULL);

static struct objext_host unit_host;
static void unit_destroy(void *value, void *owner);

#define UNIT_SLOT(_name, _destroy)					\
	static struct objext_slot unit_##_name =			\
		OBJEXT_SLOT_INIT(#_name, unit_host, _destroy)

/* "plain" has no destructor. */
UNIT_SLOT(s0, unit_destroy);
UNIT_SLOT(s1, unit_destroy);
UNIT_SLOT(plain, NULL);
UNIT_SLOT(s3, unit_destroy);
UNIT_SLOT(s4, unit_destroy);
UNIT_SLOT(s5, unit_destroy);

enum { U_S0, U_S1, U_PLAIN, U_S3, U_S4, U_S5, U_NR };

static struct objext_slot *unit_slots[U_NR] = {
	&unit_s0, &unit_s1, &unit_plain, &unit_s3, &unit_s4, &unit_s5,
};

static struct objext_host unit_host =
	OBJEXT_HOST_INIT("unit", unit_slots, U_NR);

/* What an initialised host with @n slots holds: counters, the cache
 * and name arrays, and a cache and its name per area size.
 */
#define HOST_ALLOCS(n)	(3 + 2 * (n))

/* Values to store: any pointer will do; these are easy to tell apart. */
static long tokens[64];
#define TOKEN(i)	((void *)&tokens[i])

/* ---- objects --------------------------------------------------------- */

struct uobj {
	struct objext __rcu *ext;
	unsigned int nr_calls;
	struct {
		void *value;
		const struct objext_slot *read_back_slot;
		void *read_back;
		void *late_store;
	} calls[OBJEXT_MAX_SLOTS];
	/* If set, each destructor reads this slot back and stores into it. */
	const struct objext_slot *store_in_dtor;
	/* If set, each destructor clears this slot, recording the result. */
	const struct objext_slot *clear_in_dtor;
	void *cleared[OBJEXT_MAX_SLOTS];
	/* If set, each destructor reserves this slot, recording the result. */
	const struct objext_slot *reserve_in_dtor;
	int reserved[OBJEXT_MAX_SLOTS];
};

static void unit_destroy(void *value, void *owner)
{
	struct uobj *obj = owner;

	if (obj->nr_calls < ARRAY_SIZE(obj->calls)) {
		obj->calls[obj->nr_calls].value = value;
		if (obj->store_in_dtor) {
			const struct objext_slot *s = obj->store_in_dtor;

			obj->calls[obj->nr_calls].read_back =
				objext_get(&obj->ext, s);
			obj->calls[obj->nr_calls].late_store =
				objext_cmpxchg(&obj->ext, s,
					       objext_get(&obj->ext, s),
					       TOKEN(63), GFP_KERNEL);
		}
		if (obj->clear_in_dtor) {
			const struct objext_slot *s = obj->clear_in_dtor;

			obj->cleared[obj->nr_calls] =
				objext_cmpxchg(&obj->ext, s,
					       objext_get(&obj->ext, s), NULL, 0);
		}
		if (obj->reserve_in_dtor)
			obj->reserved[obj->nr_calls] =
				objext_reserve(&obj->ext, obj->reserve_in_dtor,
					       GFP_KERNEL);
	}
	obj->nr_calls++;
}

static void *store(struct uobj *obj, struct objext_slot *slot, void *old,
		   void *new)
{
	return objext_cmpxchg(&obj->ext, slot, old, new, GFP_KERNEL);
}

static struct objext *area_of(struct uobj *obj)
{
	return objext_word_area(objext_word(&obj->ext));
}

static long nr_claimed(struct objext_host *host, unsigned int i)
{
	return shim_percpu_sum(host->counts[host->nr_slots + i]);
}

static long nr_areas(struct objext_host *host, unsigned int cells)
{
	return shim_percpu_sum(host->counts[cells - 1]);
}

static long nr_live(struct objext_host *host)
{
	long n = 0;
	unsigned int i;

	for (i = 1; i <= host->nr_slots; i++)
		n += nr_areas(host, i);
	return n;
}

static long live_allocs(void)
{
	return shim_nr_allocs() - shim_nr_frees();
}

/* ---- cases ----------------------------------------------------------- */

/* Boot: one host before debugfs is up, the rest after. */
static void test_boot(void)
{
	char buf[1024];

	CHECK_EQ(objext_host_init(&builtin_host), 0);
	CHECK_EQ(shim_debugfs_read("objext", "builtin", buf, sizeof(buf)),
		 -ENOENT);
	shim_do_initcalls();
	CHECK(shim_debugfs_read("objext", "builtin", buf, sizeof(buf)) > 0);
	CHECK_EQ(objext_host_init(&other_host), 0);
	CHECK(shim_debugfs_read("objext", "other", buf, sizeof(buf)) > 0);
	CHECK_EQ(objext_host_init(&unit_host), 0);
	CHECK(shim_debugfs_read("objext", "unit", buf, sizeof(buf)) > 0);
	/* Two gathered tables, and what each host holds. */
	test_expect_allocs(2 + HOST_ALLOCS(4) + HOST_ALLOCS(2) +
			   HOST_ALLOCS(U_NR));
}

static bool table_has(struct objext_host *host, struct objext_slot *slot)
{
	unsigned int i;

	for (i = 0; i < host->nr_slots; i++)
		if (host->slots[i] == slot)
			return true;
	return false;
}

/* DEFINE_OBJEXT_SLOT(): each host gets exactly its own slots, numbered. */
static void test_builtin_gather(void)
{
	struct objext_slot *mine[] = {
		&builtin_a, &builtin_b, &builtin_c, &builtin_d,
	};
	unsigned int i;

	CHECK_EQ(builtin_host.nr_slots, 4);
	CHECK_EQ(other_host.nr_slots, 2);
	for (i = 0; i < ARRAY_SIZE(mine); i++)
		CHECK(table_has(&builtin_host, mine[i]));
	CHECK(table_has(&other_host, &other_x));
	CHECK(table_has(&other_host, &other_y));
	CHECK(!table_has(&builtin_host, &gather_g));
	for (i = 0; i < builtin_host.nr_slots; i++)
		CHECK_EQ(builtin_host.slots[i]->index, i);
}

/* An object without an area reads NULL everywhere, for one load. */
static void test_get_without_area(void)
{
	struct uobj obj = {};
	long allocs = shim_nr_allocs();
	unsigned int i;

	for (i = 0; i < U_NR; i++) {
		CHECK(!objext_get(&obj.ext, unit_slots[i]));
		CHECK(!objext_claimed(&obj.ext, unit_slots[i]));
	}
	/* Storing NULL where NULL is allocates nothing either. */
	CHECK(!store(&obj, &unit_s3, NULL, NULL));
	CHECK(!area_of(&obj));
	CHECK_EQ(shim_nr_allocs(), allocs);
	objext_destroy(&unit_host, &obj.ext, &obj);
	CHECK_EQ(obj.nr_calls, 0);
}

/* The first store allocates an area of the presence word and one cell. */
static void test_first_store(void)
{
	struct uobj obj = {};
	struct objext *ext;

	CHECK(!store(&obj, &unit_s3, NULL, TOKEN(3)));
	ext = area_of(&obj);
	if (!CHECK(ext))
		return;
	CHECK_EQ(ext->present, BIT(U_S3));
	CHECK_EQ(shim_cache_live(unit_host.caches[0]), 1);
	CHECK_EQ(kmem_cache_size(unit_host.caches[0]), 2 * sizeof(long));
	CHECK(objext_get(&obj.ext, &unit_s3) == TOKEN(3));
	CHECK(objext_claimed(&obj.ext, &unit_s3));
	CHECK(!objext_get(&obj.ext, &unit_s1));
	CHECK(!objext_claimed(&obj.ext, &unit_s1));
	CHECK_EQ(nr_areas(&unit_host, 1), 1);
	CHECK_EQ(nr_claimed(&unit_host, U_S3), 1);

	objext_destroy(&unit_host, &obj.ext, &obj);
	CHECK_EQ(obj.nr_calls, 1);
	CHECK(obj.calls[0].value == TOKEN(3));
	CHECK_EQ(nr_live(&unit_host), 0);
	CHECK_EQ(nr_claimed(&unit_host, U_S3), 0);
}

/*
 * Each first value of another slot replaces the area by one a cell
 * larger, cells in slot order whatever the order of the stores, and the
 * replaced area goes after a grace period.
 */
static void test_grow(void)
{
	static const unsigned int order[] = { U_S4, U_S0, U_PLAIN, U_S5, U_S1 };
	struct uobj obj = {};
	struct objext *ext, *prev = NULL;
	unsigned int i, j, n;

	for (n = 0; n < ARRAY_SIZE(order); n++) {
		struct objext_slot *slot = unit_slots[order[n]];

		CHECK(!store(&obj, slot, NULL, TOKEN(order[n])));
		ext = area_of(&obj);
		if (!CHECK(ext))
			return;
		CHECK(ext != prev);
		prev = ext;
		CHECK_EQ(kmem_cache_size(unit_host.caches[n]),
			 (n + 2) * sizeof(long));
		for (i = 0, j = 0; i < U_NR; i++) {
			bool stored = false;
			unsigned int k;

			for (k = 0; k <= n; k++)
				stored |= order[k] == i;
			CHECK_EQ(!!(ext->present & BIT(i)), stored);
			if (!stored) {
				CHECK(!objext_get(&obj.ext, unit_slots[i]));
				continue;
			}
			CHECK(ext->cells[j++] == TOKEN(i));
			CHECK(objext_get(&obj.ext, unit_slots[i]) == TOKEN(i));
		}
		rcu_barrier();
		/* Only the current area is left. */
		for (i = 0; i < U_NR; i++)
			CHECK_EQ(shim_cache_live(unit_host.caches[i]), i == n);
		CHECK_EQ(nr_live(&unit_host), 1);
		CHECK_EQ(nr_areas(&unit_host, n + 1), 1);
	}
	objext_destroy(&unit_host, &obj.ext, &obj);
	CHECK_EQ(nr_live(&unit_host), 0);
}

/*
 * A reader that found an area may read it until rcu_read_unlock(), when
 * a store replaced it and when teardown detached it.
 */
static void test_retire_waits_for_readers(void)
{
	struct uobj obj = {};

	CHECK(!store(&obj, &unit_s0, NULL, TOKEN(0)));
	rcu_read_lock();
	CHECK(!store(&obj, &unit_s1, NULL, TOKEN(1)));
	CHECK_EQ(shim_cache_live(unit_host.caches[0]), 1);
	objext_destroy(&unit_host, &obj.ext, &obj);
	CHECK_EQ(shim_cache_live(unit_host.caches[1]), 1);
	rcu_read_unlock();
	rcu_barrier();
	CHECK_EQ(shim_cache_live(unit_host.caches[0]), 0);
	CHECK_EQ(shim_cache_live(unit_host.caches[1]), 0);
}

/*
 * A reader loads the object's area, and before it reads a cell, a store
 * replaces the area, which the RCU head then overwrites in part: the
 * reader sees that the area changed and reads the new one.
 */
static struct objext_slot *replace_slot;

static void replace_now(void *arg)
{
	CHECK(!store(arg, replace_slot, NULL, TOKEN(replace_slot->index)));
}

static void test_reader_sees_replacement(void)
{
	struct uobj obj = {};
	struct objext *old;

	CHECK(!store(&obj, &unit_s0, NULL, TOKEN(0)));
	/*
	 * objext_claimed(): the RCU head overwrites the presence word of
	 * an area of one cell, and the shim's has bit 0 clear.
	 */
	replace_slot = &unit_s4;
	shim_deref_hook(1, replace_now, &obj);
	CHECK(objext_claimed(&obj.ext, &unit_s0));

	/*
	 * objext_get(): the test for an area, then the load under RCU it
	 * reads through.
	 */
	old = area_of(&obj);
	replace_slot = &unit_s3;
	shim_deref_hook(2, replace_now, &obj);
	CHECK(objext_get(&obj.ext, &unit_s0) == TOKEN(0));
	CHECK(area_of(&obj) != old);
	objext_destroy(&unit_host, &obj.ext, &obj);
}

/*
 * A reader loads the object's area, and before it reads the presence
 * word, a store replaces the area and the RCU head overwrites its last
 * two words with what the kernel may write there (the shim's head->next
 * has every bit from 3 up set).  In an area of one cell that is the
 * presence word: the reader must not compute a cell index from it.  In a
 * larger one the presence word must stay as it was.  Either way the
 * reader reads within the area (ASan checks) and then the new area.
 * @at is the reader's load after which the store comes.
 */
static void read_retired(struct uobj *obj, struct objext_slot *slot,
			 struct objext_slot *grow, unsigned int at)
{
	struct objext *old = area_of(obj);

	replace_slot = grow;
	shim_deref_hook(at, replace_now, obj);
	CHECK(objext_get(&obj->ext, slot) == TOKEN(slot->index));
	CHECK(area_of(obj) != old);
}

/*
 * Tear the object down and give it a new area of one cell, for
 * replace_slot, then have the reader's next load replace that one too.
 */
static void replace_anew(void *arg)
{
	struct uobj *obj = arg;

	objext_destroy(&unit_host, &obj->ext, obj);
	RCU_INIT_POINTER(obj->ext, NULL);
	replace_now(obj);
	replace_slot = &unit_s0;
	shim_deref_hook(1, replace_now, obj);
}

static void test_reader_of_retired_area(void)
{
	struct uobj obj = {};

	/*
	 * The inline lookup reads an area of one cell (loads: test, RCU).
	 * The garbage lacks bit 0: only the reload tells the reader that
	 * slot 0 was not empty.
	 */
	CHECK(!store(&obj, &unit_s0, NULL, TOKEN(0)));
	read_retired(&obj, &unit_s0, &unit_s1, 2);
	objext_destroy(&unit_host, &obj.ext, &obj);
	RCU_INIT_POINTER(obj.ext, NULL);
	/* It has bit 5: the reader goes to __objext_get(). */
	CHECK(!store(&obj, &unit_s5, NULL, TOKEN(5)));
	read_retired(&obj, &unit_s5, &unit_s0, 2);
	/*
	 * An area of two cells takes __objext_get() without another load;
	 * its own load is the third.
	 */
	read_retired(&obj, &unit_s5, &unit_s1, 3);
	objext_destroy(&unit_host, &obj.ext, &obj);

	/*
	 * __objext_get() reads a retired area of one cell: the first area
	 * is replaced by a new one of one cell; the inline lookup finds
	 * garbage with bit 5 set and takes __objext_get() without another
	 * load, whose load is followed by the second replacement.
	 */
	RCU_INIT_POINTER(obj.ext, NULL);
	CHECK(!store(&obj, &unit_s5, NULL, TOKEN(5)));
	replace_slot = &unit_s5;
	shim_deref_hook(2, replace_anew, &obj);
	CHECK(objext_get(&obj.ext, &unit_s5) == TOKEN(5));
	CHECK(objext_get(&obj.ext, &unit_s0) == TOKEN(0));
	objext_destroy(&unit_host, &obj.ext, &obj);
}

/* cmpxchg semantics: stores only over @old, reports what was there. */
static void test_cmpxchg(void)
{
	struct uobj obj = {};
	long allocs;

	CHECK(!store(&obj, &unit_s1, NULL, TOKEN(1)));
	/* Mismatch: nothing stored, the value reported. */
	CHECK(store(&obj, &unit_s1, NULL, TOKEN(2)) == TOKEN(1));
	CHECK(store(&obj, &unit_s1, TOKEN(5), TOKEN(2)) == TOKEN(1));
	CHECK(objext_get(&obj.ext, &unit_s1) == TOKEN(1));
	/* A slot without a cell reads NULL: a non-NULL @old mismatches. */
	allocs = shim_nr_allocs();
	CHECK(!store(&obj, &unit_s0, TOKEN(1), TOKEN(2)));
	CHECK(!objext_claimed(&obj.ext, &unit_s0));
	CHECK_EQ(shim_nr_allocs(), allocs);
	/* Replace in place: no allocation. */
	CHECK(store(&obj, &unit_s1, TOKEN(1), TOKEN(2)) == TOKEN(1));
	CHECK(objext_get(&obj.ext, &unit_s1) == TOKEN(2));
	/* Clear: the cell stays, as does its claim. */
	CHECK(store(&obj, &unit_s1, TOKEN(2), NULL) == TOKEN(2));
	CHECK(!objext_get(&obj.ext, &unit_s1));
	CHECK(objext_claimed(&obj.ext, &unit_s1));
	CHECK_EQ(nr_claimed(&unit_host, U_S1), 1);
	/* Same old and new: nothing to do. */
	CHECK(!store(&obj, &unit_s1, NULL, NULL));
	CHECK_EQ(shim_nr_allocs(), allocs);

	/* A cleared slot gets no destructor call. */
	objext_destroy(&unit_host, &obj.ext, &obj);
	CHECK_EQ(obj.nr_calls, 0);
	CHECK_EQ(nr_claimed(&unit_host, U_S1), 0);
}

/* objext_reserve(): a cell holding NULL, so that the first value needs
 * no memory; nothing to do if the slot has one.
 */
static void test_reserve(void)
{
	struct uobj obj = {};

	CHECK_EQ(objext_reserve(&obj.ext, &unit_s3, GFP_KERNEL), 0);
	CHECK(objext_claimed(&obj.ext, &unit_s3));
	CHECK(!objext_get(&obj.ext, &unit_s3));
	CHECK_EQ(nr_claimed(&unit_host, U_S3), 1);
	shim_fail_nth(1);
	CHECK(!store(&obj, &unit_s3, NULL, TOKEN(3)));
	CHECK_EQ(objext_reserve(&obj.ext, &unit_s3, GFP_KERNEL), 0);
	CHECK_EQ(objext_reserve(&obj.ext, &unit_s1, GFP_KERNEL), -ENOMEM);
	shim_fail_nth(0);
	CHECK(!objext_claimed(&obj.ext, &unit_s1));
	objext_destroy(&unit_host, &obj.ext, &obj);
	CHECK_EQ(obj.nr_calls, 1);
	CHECK_EQ(objext_reserve(&obj.ext, &unit_s1, GFP_KERNEL), -ENOENT);
}

/*
 * Teardown: destructors once each, in table order, for the slots holding
 * a value, with the value; reads still answer and stores fail while they
 * run; afterwards nothing reads and nothing can be stored.
 */
static void test_destroy(void)
{
	static const unsigned int order[] = { U_S5, U_PLAIN, U_S0, U_S3 };
	struct uobj obj = { .store_in_dtor = &unit_s4 };
	unsigned int i;

	CHECK(!store(&obj, &unit_s4, NULL, TOKEN(4)));
	for (i = 0; i < ARRAY_SIZE(order); i++)
		CHECK(!store(&obj, unit_slots[order[i]], NULL,
			     TOKEN(order[i])));
	objext_destroy(&unit_host, &obj.ext, &obj);

	/* s0, s3, s4, s5; "plain" has no destructor. */
	if (!CHECK_EQ(obj.nr_calls, 4))
		return;
	CHECK(obj.calls[0].value == TOKEN(U_S0));
	CHECK(obj.calls[1].value == TOKEN(U_S3));
	CHECK(obj.calls[2].value == TOKEN(U_S4));
	CHECK(obj.calls[3].value == TOKEN(U_S5));
	for (i = 0; i < 4; i++) {
		CHECK(obj.calls[i].read_back == TOKEN(U_S4));
		CHECK(obj.calls[i].late_store == ERR_PTR(-ENOENT));
	}
	CHECK(rcu_access_pointer(obj.ext) == OBJEXT_DEAD);
	CHECK(!objext_get(&obj.ext, &unit_s4));
	CHECK(!objext_claimed(&obj.ext, &unit_s4));
	CHECK(store(&obj, &unit_s1, NULL, TOKEN(1)) == ERR_PTR(-ENOENT));
	/* Clearing what reads NULL is no store, so no error either. */
	CHECK(!store(&obj, &unit_s1, NULL, NULL));
	CHECK_EQ(nr_live(&unit_host), 0);
	for (i = 0; i < U_NR; i++)
		CHECK_EQ(nr_claimed(&unit_host, i), 0);

	/* The same for an area with the cell of the slot stored into alone. */
	RCU_INIT_POINTER(obj.ext, NULL);
	obj.nr_calls = 0;
	CHECK(!store(&obj, &unit_s4, NULL, TOKEN(4)));
	objext_destroy(&unit_host, &obj.ext, &obj);
	if (!CHECK_EQ(obj.nr_calls, 1))
		return;
	CHECK(obj.calls[0].read_back == TOKEN(U_S4));
	CHECK(obj.calls[0].late_store == ERR_PTR(-ENOENT));
}

/*
 * A clear still lands during teardown (an owner unpublishing a value it
 * frees), and a slot cleared before its turn gets no destructor call; a
 * reservation, which would add a cell, fails.
 */
static void test_clear_during_teardown(void)
{
	struct uobj obj = {};

	CHECK(!store(&obj, &unit_s0, NULL, TOKEN(0)));
	CHECK(!store(&obj, &unit_s3, NULL, TOKEN(3)));
	CHECK(!store(&obj, &unit_s5, NULL, TOKEN(5)));
	obj.clear_in_dtor = &unit_s5;
	obj.reserve_in_dtor = &unit_s1;
	objext_destroy(&unit_host, &obj.ext, &obj);

	/* s0's destructor cleared s5, so only s0 and s3 were destroyed. */
	if (!CHECK_EQ(obj.nr_calls, 2))
		return;
	CHECK(obj.calls[0].value == TOKEN(0));
	CHECK(obj.calls[1].value == TOKEN(3));
	CHECK(obj.cleared[0] == TOKEN(5));
	/* Clearing what reads NULL is no store. */
	CHECK(!obj.cleared[1]);
	CHECK_EQ(obj.reserved[0], -ENOENT);
	CHECK_EQ(obj.reserved[1], -ENOENT);
	CHECK(rcu_access_pointer(obj.ext) == OBJEXT_DEAD);
	CHECK_EQ(nr_live(&unit_host), 0);
}

/* Teardown of an object that never had an area makes it final too. */
static void test_destroy_without_area(void)
{
	struct uobj obj = {};
	long allocs = shim_nr_allocs();

	CHECK(!objext_has_area(&obj.ext));
	objext_destroy(&unit_host, &obj.ext, &obj);
	CHECK(rcu_access_pointer(obj.ext) == OBJEXT_DEAD);
	CHECK(!objext_has_area(&obj.ext));
	CHECK(store(&obj, &unit_s0, NULL, TOKEN(0)) == ERR_PTR(-ENOENT));
	CHECK_EQ(shim_nr_allocs(), allocs);
	/* A host that reuses objects resets the pointer: a new life. */
	RCU_INIT_POINTER(obj.ext, NULL);
	CHECK(!store(&obj, &unit_s0, NULL, TOKEN(0)));
	CHECK(objext_has_area(&obj.ext));
	objext_destroy(&unit_host, &obj.ext, &obj);
	CHECK_EQ(obj.nr_calls, 1);
}

/* A failed allocation: -ENOMEM, nothing changed, nothing leaked. */
static void test_enomem(void)
{
	struct uobj obj = {};
	struct objext *ext;
	long allocs = live_allocs();

	shim_fail_nth(1);
	CHECK(store(&obj, &unit_s1, NULL, TOKEN(1)) == ERR_PTR(-ENOMEM));
	CHECK(!area_of(&obj));
	CHECK_EQ(live_allocs(), allocs);
	CHECK_EQ(nr_live(&unit_host), 0);

	CHECK(!store(&obj, &unit_s1, NULL, TOKEN(1)));
	ext = area_of(&obj);
	shim_fail_nth(1);
	CHECK(store(&obj, &unit_s3, NULL, TOKEN(3)) == ERR_PTR(-ENOMEM));
	CHECK(area_of(&obj) == ext);
	CHECK(objext_get(&obj.ext, &unit_s1) == TOKEN(1));
	CHECK(!objext_claimed(&obj.ext, &unit_s3));
	CHECK_EQ(nr_claimed(&unit_host, U_S3), 0);
	/* In place needs no memory: no failure to inject. */
	shim_fail_nth(1);
	CHECK(store(&obj, &unit_s1, TOKEN(1), TOKEN(2)) == TOKEN(1));
	shim_fail_nth(0);

	objext_destroy(&unit_host, &obj.ext, &obj);
	CHECK_EQ(obj.nr_calls, 1);
	rcu_barrier();
	CHECK_EQ(live_allocs(), allocs);
}

/*
 * The area changes while a store allocates (another slot's first value
 * lands): the store allocates again, for the new size, and both values
 * are there.
 */
static struct uobj *race_obj;
static int race_slot = -1;

static void race_store(void *arg)
{
	CHECK(!store(race_obj, unit_slots[race_slot], NULL,
		     TOKEN(race_slot)));
}

static void test_area_changes_during_alloc(void)
{
	struct uobj obj = {};
	long allocs = live_allocs();

	CHECK(!store(&obj, &unit_s0, NULL, TOKEN(0)));
	race_obj = &obj;
	race_slot = U_S5;
	shim_alloc_hook(race_store, NULL);
	CHECK(!store(&obj, &unit_s3, NULL, TOKEN(3)));
	CHECK(objext_get(&obj.ext, &unit_s0) == TOKEN(0));
	CHECK(objext_get(&obj.ext, &unit_s3) == TOKEN(3));
	CHECK(objext_get(&obj.ext, &unit_s5) == TOKEN(U_S5));
	CHECK_EQ(area_of(&obj)->present, BIT(U_S0) | BIT(U_S3) | BIT(U_S5));

	/* A racing teardown: the store fails and frees its allocation. */
	race_slot = U_S1;
	shim_alloc_hook((void (*)(void *))NULL, NULL);
	objext_destroy(&unit_host, &obj.ext, &obj);
	CHECK(store(&obj, &unit_s1, NULL, TOKEN(1)) == ERR_PTR(-ENOENT));
	rcu_barrier();
	CHECK_EQ(live_allocs(), allocs);
	CHECK_EQ(obj.nr_calls, 3);
}

static void destroy_hook(void *arg)
{
	objext_destroy(&unit_host, &race_obj->ext, race_obj);
}

static void test_teardown_during_alloc(void)
{
	struct uobj obj = {};
	long allocs = live_allocs();

	CHECK(!store(&obj, &unit_s0, NULL, TOKEN(0)));
	race_obj = &obj;
	shim_alloc_hook(destroy_hook, NULL);
	CHECK(store(&obj, &unit_s1, NULL, TOKEN(1)) == ERR_PTR(-ENOENT));
	CHECK_EQ(obj.nr_calls, 1);
	rcu_barrier();
	CHECK_EQ(live_allocs(), allocs);
}

/* NMI: no spinning, no allocating; in-place stores still work. */
static void test_nmi(void)
{
	struct uobj obj = {};
	unsigned long *word = (unsigned long *)&obj.ext;
	long allocs = shim_nr_allocs();

	shim_set_nmi(true);
	CHECK(store(&obj, &unit_s0, NULL, TOKEN(0)) == ERR_PTR(-EBUSY));
	CHECK(!area_of(&obj));
	CHECK_EQ(shim_nr_allocs(), allocs);
	shim_set_nmi(false);

	CHECK(!store(&obj, &unit_s0, NULL, TOKEN(0)));
	shim_set_nmi(true);
	CHECK(store(&obj, &unit_s0, TOKEN(0), TOKEN(1)) == TOKEN(0));
	/* The interrupted code holds the lock. */
	*word |= OBJEXT_LOCKED;
	CHECK(store(&obj, &unit_s0, TOKEN(1), TOKEN(2)) == ERR_PTR(-EBUSY));
	/* Readers do not care. */
	CHECK(objext_get(&obj.ext, &unit_s0) == TOKEN(1));
	*word &= ~OBJEXT_LOCKED;
	shim_set_nmi(false);

	objext_destroy(&unit_host, &obj.ext, &obj);
	CHECK_EQ(obj.nr_calls, 1);
	CHECK(obj.calls[0].value == TOKEN(1));
}

/* debugfs: live areas by size and claims by slot, summed over CPUs. */
static void test_debugfs(void)
{
	struct uobj a = {}, b = {};
	char buf[2048];

	CHECK(!store(&a, &unit_s0, NULL, TOKEN(0)));
	CHECK(!store(&b, &unit_s0, NULL, TOKEN(0)));
	CHECK(!store(&b, &unit_s4, NULL, TOKEN(4)));
	if (!CHECK(shim_debugfs_read("objext", "unit", buf, sizeof(buf)) > 0))
		return;
	CHECK(strstr(buf, "host: unit\n"));
	CHECK(strstr(buf, "live_areas: 2\n"));
	CHECK(strstr(buf, "live_bytes: 40\n"));
	CHECK(strstr(buf, "\n1             16          1\n"));
	CHECK(strstr(buf, "\n2             24          1\n"));
	CHECK(strstr(buf, "\ns0                           0          2\n"));
	CHECK(strstr(buf, "\ns4                           4          1\n"));
	CHECK(strstr(buf, "\nplain                        2          0\n"));
	objext_destroy(&unit_host, &a.ext, &a);
	objext_destroy(&unit_host, &b.ext, &b);
	CHECK(shim_debugfs_read("objext", "unit", buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "live_areas: 0\n"));
}

/* Bad slot tables are refused, and a failed init leaves nothing. */
static struct objext_host bad_host;
static struct objext_slot bad_other = OBJEXT_SLOT_INIT("o", unit_host, NULL);
static struct objext_slot bad_slots[OBJEXT_MAX_SLOTS + 1];
static struct objext_slot *bad_table[OBJEXT_MAX_SLOTS + 1];

static void test_bad_hosts(void)
{
	struct objext_slot *one[] = { &bad_other };
	long allocs = live_allocs();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_slots); i++) {
		bad_slots[i] = (struct objext_slot)
			OBJEXT_SLOT_INIT("b", bad_host, NULL);
		bad_table[i] = &bad_slots[i];
	}
	bad_host = (struct objext_host)
		OBJEXT_HOST_INIT("bad", bad_table, OBJEXT_MAX_SLOTS + 1);
	CHECK_EQ(objext_host_init(&bad_host), -E2BIG);
	bad_host = (struct objext_host)OBJEXT_HOST_INIT("bad", one, 1);
	CHECK_EQ(objext_host_init(&bad_host), -EINVAL);
	CHECK_EQ(live_allocs(), allocs);

	/* The most slots there are presence bits for is fine. */
	bad_host = (struct objext_host)
		OBJEXT_HOST_INIT("bad", bad_table, OBJEXT_MAX_SLOTS);
	if (CHECK_EQ(objext_host_init(&bad_host), 0)) {
		struct uobj obj = {};

		CHECK(!objext_cmpxchg(&obj.ext, bad_table[OBJEXT_MAX_SLOTS - 1],
				      NULL, TOKEN(1), GFP_KERNEL));
		CHECK(!objext_cmpxchg(&obj.ext, bad_table[0], NULL, TOKEN(0),
				      GFP_KERNEL));
		CHECK(objext_get(&obj.ext, bad_table[OBJEXT_MAX_SLOTS - 1]) ==
		      TOKEN(1));
		objext_destroy(&bad_host, &obj.ext, &obj);
		objext_host_exit(&bad_host);
	}
	rcu_barrier();
	CHECK_EQ(live_allocs(), allocs);
}

/* Every allocation of host init can fail: -ENOMEM, nothing left. */
static struct objext_slot mod_slots[3] = {
	OBJEXT_SLOT_INIT("m0", bad_host, NULL),
	OBJEXT_SLOT_INIT("m1", bad_host, NULL),
	OBJEXT_SLOT_INIT("m2", bad_host, NULL),
};

static struct objext_slot *mod_table[3] = {
	&mod_slots[0], &mod_slots[1], &mod_slots[2],
};

static void test_host_init_enomem(void)
{
	long allocs = live_allocs();
	char buf[256];
	long n;

	for (n = 1; n <= HOST_ALLOCS(3); n++) {
		bad_host = (struct objext_host)
			OBJEXT_HOST_INIT("mod", mod_table, 3);
		shim_fail_nth(n);
		CHECK_EQ(objext_host_init(&bad_host), -ENOMEM);
		shim_fail_nth(0);
		CHECK_EQ(live_allocs(), allocs);
		CHECK_EQ(shim_debugfs_read("objext", "mod", buf, sizeof(buf)),
			 -ENOENT);
	}
	bad_host = (struct objext_host)OBJEXT_HOST_INIT("mod", mod_table, 3);
	if (CHECK_EQ(objext_host_init(&bad_host), 0)) {
		CHECK(shim_debugfs_read("objext", "mod", buf, sizeof(buf)) > 0);
		objext_host_exit(&bad_host);
	}
	CHECK_EQ(live_allocs(), allocs);
}

/*
 * A module host torn down with an area still live: objext's WARN (and
 * the slab's, whose cache still has the object).  The area is kept
 * reachable so that LeakSanitizer does not report it.
 */
static struct objext *leaked_area __used;

static void test_host_exit_warns(void)
{
	struct uobj obj = {};

	bad_host = (struct objext_host)OBJEXT_HOST_INIT("mod", mod_table, 3);
	if (!CHECK_EQ(objext_host_init(&bad_host), 0))
		return;
	CHECK(!objext_cmpxchg(&obj.ext, &mod_slots[1], NULL, TOKEN(1),
			      GFP_KERNEL));
	leaked_area = area_of(&obj);
	test_expect_warnings(2);
	test_expect_allocs(1);
	objext_host_exit(&bad_host);
}

void unit_tests(void)
{
	test_run("unit: boot and debugfs initcall", test_boot);
	test_run("unit: built-in slots gathered per host", test_builtin_gather);
	test_run("unit: no area, no allocation, NULL", test_get_without_area);
	test_run("unit: first store allocates one cell", test_first_store);
	test_run("unit: areas grow by a cell, in slot order", test_grow);
	test_run("unit: replaced areas wait for readers",
		 test_retire_waits_for_readers);
	test_run("unit: a reader sees its area replaced",
		 test_reader_sees_replacement);
	test_run("unit: a reader of a retired area stays in it",
		 test_reader_of_retired_area);
	test_run("unit: cmpxchg semantics", test_cmpxchg);
	test_run("unit: reserve", test_reserve);
	test_run("unit: teardown", test_destroy);
	test_run("unit: teardown without an area", test_destroy_without_area);
	test_run("unit: a clear lands during teardown", test_clear_during_teardown);
	test_run("unit: ENOMEM changes nothing", test_enomem);
	test_run("unit: area changes while a store allocates",
		 test_area_changes_during_alloc);
	test_run("unit: teardown while a store allocates",
		 test_teardown_during_alloc);
	test_run("unit: NMI neither spins nor allocates", test_nmi);
	test_run("unit: debugfs show", test_debugfs);
	test_run("unit: host init refuses bad tables", test_bad_hosts);
	test_run("unit: host init ENOMEM", test_host_init_enomem);
	test_run("unit: host exit warns about live areas",
		 test_host_exit_warns);
}
