// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests: one case per promise of <linux/objext.h>.
 */

#include <stdio.h>
#include <string.h>

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
DEFINE_OBJEXT_SLOT(builtin_d, builtin_host, u64, NULL);

struct a16 {
	u8 b[16];
} __aligned(16);

struct a32 {
	u64 w[3];
} __aligned(32);

struct odd3 {
	u8 b[3];
};

struct odd40 {
	u64 w[5];
};

static struct objext_host unit_host;
static void unit_destroy(void *data, void *owner);

#define UNIT_SLOT(_name, _type, _destroy)				\
	static struct objext_slot unit_##_name =			\
		OBJEXT_SLOT_INIT(#_name, unit_host, _type, _destroy)

/* Deliberately not in alignment order; "quad" has no destructor. */
UNIT_SLOT(byte, u8, unit_destroy);
UNIT_SLOT(wide, struct a32, unit_destroy);
UNIT_SLOT(quad, u64, NULL);
UNIT_SLOT(half, u16, unit_destroy);
UNIT_SLOT(odd3, struct odd3, unit_destroy);
UNIT_SLOT(a16, struct a16, unit_destroy);
UNIT_SLOT(word, u32, unit_destroy);
UNIT_SLOT(odd40, struct odd40, unit_destroy);

enum { U_BYTE, U_WIDE, U_QUAD, U_HALF, U_ODD3, U_A16, U_WORD, U_ODD40, U_NR };

static struct objext_slot *unit_slots[U_NR] = {
	&unit_byte, &unit_wide, &unit_quad, &unit_half,
	&unit_odd3, &unit_a16, &unit_word, &unit_odd40,
};

static struct objext_host unit_host =
	OBJEXT_HOST_INIT("unit", unit_slots, U_NR);

/* ---- objects --------------------------------------------------------- */

struct uobj {
	struct objext __rcu *ext;
	/* The area, remembered by uobj_destroy() for the checks. */
	struct objext *area;
	unsigned int nr_calls;
	struct {
		void *data;
		bool attached;
	} calls[OBJEXT_MAX_SLOTS];
	/* If set, each destructor tries to claim this slot: must fail. */
	const struct objext_slot *claim_in_dtor;
	unsigned int nr_late_claims;
};

static void unit_destroy(void *data, void *owner)
{
	struct uobj *obj = owner;

	if (obj->nr_calls < ARRAY_SIZE(obj->calls)) {
		obj->calls[obj->nr_calls].data = data;
		obj->calls[obj->nr_calls].attached =
			rcu_access_pointer(obj->ext) == obj->area;
	}
	obj->nr_calls++;
	if (obj->claim_in_dtor &&
	    objext_add(&obj->ext, obj->claim_in_dtor, GFP_KERNEL))
		obj->nr_late_claims++;
}

static void uobj_destroy(struct objext_host *host, struct uobj *obj)
{
	obj->area = rcu_access_pointer(obj->ext);
	objext_destroy(host, &obj->ext, obj);
}

static long nr_claimed(struct objext_host *host, unsigned int i)
{
	return shim_percpu_sum(host->stats->claims[i]);
}

static long nr_live(struct objext_host *host)
{
	return shim_percpu_sum(host->stats->live_areas);
}

/* What an initialised host holds: stats, the cache and its name. */
#define HOST_ALLOCS	3

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
	test_expect_allocs(2 + 3 * HOST_ALLOCS);
}

static bool table_has(struct objext_host *host, struct objext_slot *slot)
{
	unsigned int i, n = 0;

	for (i = 0; i < host->nr_slots; i++)
		n += host->slots[i] == slot;
	return n == 1;
}

static void test_builtin_slots(void)
{
	struct uobj obj = { };
	unsigned int i;
	u64 *p;

	CHECK_EQ(builtin_host.nr_slots, 4);
	CHECK(table_has(&builtin_host, &builtin_a));
	CHECK(table_has(&builtin_host, &builtin_b));
	CHECK(table_has(&builtin_host, &builtin_c));
	CHECK(table_has(&builtin_host, &builtin_d));
	CHECK_EQ(other_host.nr_slots, 2);
	CHECK(table_has(&other_host, &other_x));
	CHECK(table_has(&other_host, &other_y));
	for (i = 0; i < builtin_host.nr_slots; i++) {
		CHECK(builtin_host.slots[i]->host == &builtin_host);
		CHECK_EQ(builtin_host.slots[i]->index, i);
	}
	for (i = 0; i < other_host.nr_slots; i++)
		CHECK_EQ(other_host.slots[i]->index, i);
	CHECK(!gather_host.slots);

	p = objext_add(&obj.ext, &builtin_d, GFP_KERNEL);
	if (!CHECK(p))
		return;
	*p = 42;
	CHECK(objext_find(&obj.ext, &builtin_d) == p);
	CHECK(objext_claimed(&obj.ext, &builtin_d));
	CHECK(!objext_claimed(&obj.ext, &builtin_a));
	CHECK_EQ(nr_live(&builtin_host), 1);
	CHECK_EQ(nr_live(&other_host), 0);
	uobj_destroy(&builtin_host, &obj);
	CHECK_EQ(nr_live(&builtin_host), 0);
}

static void test_find_without_area(void)
{
	struct uobj obj = { };
	long allocs = shim_nr_allocs();
	unsigned int i;

	for (i = 0; i < U_NR; i++) {
		CHECK(!objext_find(&obj.ext, unit_slots[i]));
		CHECK(!objext_claimed(&obj.ext, unit_slots[i]));
	}
	CHECK(!rcu_access_pointer(obj.ext));
	CHECK_EQ(shim_nr_allocs(), allocs);
}

static void test_add_allocates_lazily_once(void)
{
	struct uobj a = { }, b = { };
	long allocs = shim_nr_allocs();
	struct objext *area;
	void *word, *byte;
	unsigned int i;

	word = objext_add(&a.ext, &unit_word, GFP_KERNEL);
	CHECK(word);
	CHECK_EQ(shim_nr_allocs(), allocs + 1);
	CHECK_EQ(nr_live(&unit_host), 1);
	area = rcu_access_pointer(a.ext);
	CHECK(area && word == (void *)area + unit_word.offset);

	/* Claiming again, or another slot, allocates nothing more. */
	CHECK(objext_add(&a.ext, &unit_word, GFP_KERNEL) == word);
	byte = objext_add(&a.ext, &unit_byte, GFP_NOWAIT);
	CHECK(byte && byte != word);
	CHECK(rcu_access_pointer(a.ext) == area);
	CHECK_EQ(shim_nr_allocs(), allocs + 1);
	CHECK_EQ(nr_live(&unit_host), 1);
	CHECK(objext_find(&a.ext, &unit_word) == word);
	CHECK(objext_find(&a.ext, &unit_byte) == byte);

	/* Presence bits and counters: exactly the claimed slots. */
	if (CHECK(area))
		CHECK_EQ(area->active, BIT(U_WORD) | BIT(U_BYTE));
	for (i = 0; i < U_NR; i++) {
		bool claimed = i == U_WORD || i == U_BYTE;

		CHECK_EQ(objext_claimed(&a.ext, unit_slots[i]), claimed);
		CHECK_EQ(nr_claimed(&unit_host, i), claimed);
		/* An unclaimed slot still has its (zeroed) data. */
		CHECK(objext_find(&a.ext, unit_slots[i]));
	}

	/* A second object gets its own area. */
	CHECK(objext_add(&b.ext, &unit_word, GFP_KERNEL));
	CHECK(rcu_access_pointer(b.ext) != area);
	CHECK_EQ(nr_live(&unit_host), 2);
	CHECK_EQ(nr_claimed(&unit_host, U_WORD), 2);
	CHECK_EQ(nr_claimed(&unit_host, U_BYTE), 1);

	uobj_destroy(&unit_host, &a);
	uobj_destroy(&unit_host, &b);
	CHECK_EQ(nr_live(&unit_host), 0);
	for (i = 0; i < U_NR; i++)
		CHECK_EQ(nr_claimed(&unit_host, i), 0);
}

static void test_zeroed_data(void)
{
	struct uobj obj = { };
	unsigned int i, size = kmem_cache_size(unit_host.cache);
	struct objext *area;
	u8 *p;

	/* The shim poisons what it does not zero. */
	if (!CHECK(objext_add(&obj.ext, &unit_odd40, GFP_KERNEL)))
		return;
	area = rcu_access_pointer(obj.ext);
	p = (u8 *)area;
	for (i = sizeof(struct objext); i < size; i++)
		if (p[i]) {
			test_fail("area byte %u is %#x", i, p[i]);
			break;
		}
	uobj_destroy(&unit_host, &obj);
}

static void test_layout(void)
{
	unsigned int size = kmem_cache_size(unit_host.cache);
	unsigned int align = __alignof__(struct objext);
	unsigned int i, j, sum = 0;
	struct uobj obj = { };
	void *data[U_NR];
	u8 *p;

	CHECK_EQ(unit_byte.size, 1);
	CHECK_EQ(unit_odd3.size, 3);
	CHECK_EQ(unit_odd3.align, 1);
	CHECK_EQ(unit_odd40.size, 40);
	CHECK_EQ(unit_odd40.align, 8);
	CHECK_EQ(unit_a16.align, 16);
	CHECK_EQ(unit_wide.align, 32);

	for (i = 0; i < U_NR; i++) {
		const struct objext_slot *s = unit_slots[i];

		CHECK_EQ(s->index, i);
		CHECK(s->offset >= sizeof(struct objext));
		CHECK_EQ(s->offset % s->align, 0);
		CHECK(s->offset + s->size <= size);
		for (j = 0; j < i; j++) {
			const struct objext_slot *t = unit_slots[j];

			CHECK(s->offset + s->size <= t->offset ||
			      t->offset + t->size <= s->offset);
		}
		align = max(align, (unsigned int)s->align);
		sum += s->size;
	}
	/* Decreasing alignment: padding only after the header. */
	CHECK_EQ(size, ALIGN(ALIGN((unsigned int)sizeof(struct objext), align) +
			     sum, align));

	/* Real areas: aligned data, and slots do not clobber each other. */
	for (i = 0; i < U_NR; i++) {
		data[i] = objext_add(&obj.ext, unit_slots[i], GFP_KERNEL);
		if (!CHECK(data[i]))
			goto out;
		CHECK_EQ((uintptr_t)data[i] % unit_slots[i]->align, 0);
		memset(data[i], i + 1, unit_slots[i]->size);
	}
	for (i = 0; i < U_NR; i++) {
		p = data[i];
		for (j = 0; j < unit_slots[i]->size; j++)
			CHECK_EQ(p[j], i + 1);
	}
out:
	uobj_destroy(&unit_host, &obj);
}

static void test_destroy_claimed_once_in_order(void)
{
	static const unsigned int order[] = { U_ODD40, U_QUAD, U_BYTE, U_A16 };
	/* Table order, without "quad", which has no destructor. */
	static const unsigned int expect[] = { U_BYTE, U_A16, U_ODD40 };
	struct uobj obj = { };
	void *data[U_NR] = { };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(order); i++)
		data[order[i]] = objext_add(&obj.ext, unit_slots[order[i]],
					    GFP_KERNEL);
	CHECK_EQ(nr_claimed(&unit_host, U_QUAD), 1);
	uobj_destroy(&unit_host, &obj);

	CHECK(rcu_access_pointer(obj.ext) == OBJEXT_DEAD);
	if (CHECK_EQ(obj.nr_calls, ARRAY_SIZE(expect))) {
		for (i = 0; i < ARRAY_SIZE(expect); i++) {
			CHECK(obj.calls[i].data == data[expect[i]]);
			CHECK(obj.calls[i].attached);
		}
	}
	CHECK_EQ(nr_live(&unit_host), 0);
	for (i = 0; i < U_NR; i++)
		CHECK_EQ(nr_claimed(&unit_host, i), 0);

	/* Once only: a second destroy finds no area. */
	uobj_destroy(&unit_host, &obj);
	CHECK_EQ(obj.nr_calls, ARRAY_SIZE(expect));
}

/*
 * Teardown closes the area first: a claim made while the destructors run
 * (here by a destructor itself) fails, even of a slot nobody claimed, and
 * leaves the counters and the area as they were.
 */
static void test_claim_during_teardown_fails(void)
{
	struct uobj obj = { };

	CHECK(objext_add(&obj.ext, unit_slots[U_BYTE], GFP_KERNEL));
	CHECK(objext_add(&obj.ext, unit_slots[U_ODD40], GFP_KERNEL));
	obj.claim_in_dtor = unit_slots[U_WORD];
	uobj_destroy(&unit_host, &obj);
	CHECK_EQ(obj.nr_calls, 2);
	CHECK_EQ(obj.nr_late_claims, 0);
	CHECK_EQ(nr_claimed(&unit_host, U_WORD), 0);
	CHECK_EQ(nr_claimed(&unit_host, U_BYTE), 0);
	CHECK_EQ(nr_live(&unit_host), 0);
	CHECK(rcu_access_pointer(obj.ext) == OBJEXT_DEAD);
}

/* Teardown while the first claim of the object is allocating its area. */
static void destroy_during_alloc(void *arg)
{
	uobj_destroy(&unit_host, arg);
}

static void test_teardown_during_first_claim(void)
{
	struct uobj obj = { };

	shim_alloc_hook(destroy_during_alloc, &obj);
	CHECK(!objext_add(&obj.ext, unit_slots[U_BYTE], GFP_KERNEL));
	CHECK(rcu_access_pointer(obj.ext) == OBJEXT_DEAD);
	CHECK_EQ(obj.nr_calls, 0);
	CHECK_EQ(nr_live(&unit_host), 0);
	CHECK_EQ(nr_claimed(&unit_host, U_BYTE), 0);
	/* The loser's area was freed: the case keeps no allocation. */
}

/*
 * A first claim whose allocation fails while a concurrent claim installs
 * an area claims its slot in that area.
 */
static struct uobj *racing_obj;

static void claim_during_alloc(void *arg)
{
	CHECK(objext_add(&racing_obj->ext, unit_slots[U_HALF], GFP_KERNEL));
	/* ...and the allocation this ran inside fails. */
	shim_fail_nth(1);
}

static void test_failed_alloc_takes_racing_area(void)
{
	struct uobj obj = { };
	void *p;

	racing_obj = &obj;
	shim_alloc_hook(claim_during_alloc, NULL);
	p = objext_add(&obj.ext, unit_slots[U_WORD], GFP_KERNEL);
	shim_fail_nth(0);
	if (CHECK(p))
		CHECK(p == objext_find(&obj.ext, unit_slots[U_WORD]));
	CHECK(objext_claimed(&obj.ext, unit_slots[U_WORD]));
	CHECK(objext_claimed(&obj.ext, unit_slots[U_HALF]));
	CHECK_EQ(nr_live(&unit_host), 1);
	uobj_destroy(&unit_host, &obj);
	CHECK_EQ(nr_live(&unit_host), 0);
}

/*
 * A host that goes while an object still has an area warns (and so does
 * the slab, whose cache still has the object); the area is kept
 * reachable here so that LeakSanitizer does not report it.
 */
static struct objext_host leak_host;
static struct objext_slot leak_slot =
	OBJEXT_SLOT_INIT("leak", leak_host, u32, NULL);
static struct objext_slot *leak_table[] = { &leak_slot };
static struct objext_host leak_host =
	OBJEXT_HOST_INIT("leak", leak_table, ARRAY_SIZE(leak_table));
static struct objext *leaked_area __used;

static void test_host_exit_with_live_area_warns(void)
{
	struct uobj obj = { };

	if (!CHECK_EQ(objext_host_init(&leak_host), 0))
		return;
	CHECK(objext_add(&obj.ext, &leak_slot, GFP_KERNEL));
	leaked_area = rcu_access_pointer(obj.ext);
	test_expect_warnings(2);
	test_expect_allocs(1);
	objext_host_exit(&leak_host);
}

static void test_destroy_without_area(void)
{
	long allocs = shim_nr_allocs(), frees = shim_nr_frees();
	struct uobj obj = { };

	uobj_destroy(&unit_host, &obj);
	CHECK_EQ(obj.nr_calls, 0);
	CHECK(rcu_access_pointer(obj.ext) == OBJEXT_DEAD);
	rcu_barrier();
	CHECK_EQ(shim_nr_allocs(), allocs);
	CHECK_EQ(shim_nr_frees(), frees);
	CHECK_EQ(nr_live(&unit_host), 0);
}

/* A reader that found the area may use it until rcu_read_unlock(). */
static void test_destroy_defers_free(void)
{
	long live = shim_cache_live(unit_host.cache);
	struct uobj obj = { };
	u32 *p;

	p = objext_add(&obj.ext, &unit_word, GFP_KERNEL);
	if (!CHECK(p))
		return;
	*p = 0x5eed;

	rcu_read_lock();
	p = objext_find(&obj.ext, &unit_word);
	uobj_destroy(&unit_host, &obj);
	CHECK(!objext_find(&obj.ext, &unit_word));
	CHECK_EQ(shim_cache_live(unit_host.cache), live + 1);
	CHECK_EQ(READ_ONCE(*p), 0x5eed);
	rcu_read_unlock();

	rcu_barrier();
	CHECK_EQ(shim_cache_live(unit_host.cache), live);
}

static void test_add_enomem(void)
{
	long allocs = shim_nr_allocs(), frees = shim_nr_frees();
	long injected = shim_nr_injected();
	struct uobj obj = { };
	unsigned int i;

	shim_fail_nth(1);
	CHECK(!objext_add(&obj.ext, &unit_word, GFP_KERNEL));
	CHECK_EQ(shim_nr_injected(), injected + 1);
	CHECK(!rcu_access_pointer(obj.ext));
	CHECK(!objext_find(&obj.ext, &unit_word));
	CHECK(!objext_claimed(&obj.ext, &unit_word));
	CHECK_EQ(nr_live(&unit_host), 0);
	for (i = 0; i < U_NR; i++)
		CHECK_EQ(nr_claimed(&unit_host, i), 0);
	rcu_barrier();
	CHECK_EQ(shim_nr_allocs(), allocs);
	CHECK_EQ(shim_nr_frees(), frees);

	/* A later claim works... */
	CHECK(objext_add(&obj.ext, &unit_word, GFP_KERNEL));
	CHECK_EQ(nr_live(&unit_host), 1);
	/* ...and once there is an area, claims allocate nothing. */
	shim_fail_nth(1);
	CHECK(objext_add(&obj.ext, &unit_half, GFP_KERNEL));
	shim_fail_nth(0);
	CHECK_EQ(shim_nr_injected(), injected + 1);
	CHECK_EQ(nr_claimed(&unit_host, U_HALF), 1);
	uobj_destroy(&unit_host, &obj);
	CHECK_EQ(obj.nr_calls, 2);
}

/* A host with a slot table of its own, set up and torn down here. */
static struct objext_host mod_host;
static struct objext_slot mod_long =
	OBJEXT_SLOT_INIT("long", mod_host, long, NULL);
static struct objext_slot mod_pair =
	OBJEXT_SLOT_INIT("pair", mod_host, struct odd40, unit_destroy);
static struct objext_slot *mod_slots[] = { &mod_long, &mod_pair };
static struct objext_host mod_host =
	OBJEXT_HOST_INIT("mod", mod_slots, ARRAY_SIZE(mod_slots));

/* Fails allocation @n of objext_host_init(); returns its error. */
static int init_failing(struct objext_host *host, int n)
{
	int err;

	shim_fail_nth(n);
	err = objext_host_init(host);
	shim_fail_nth(0);
	return err;
}

static void test_host_init_enomem(void)
{
	struct uobj obj = { };
	char buf[1024];
	int n, err;

	/* Fail each allocation in turn, until there are no more. */
	for (n = 1; n < 10; n++) {
		long live = live_allocs();

		err = init_failing(&mod_host, n);
		if (err != -ENOMEM)
			break;
		CHECK_EQ(live_allocs(), live);
		CHECK(!mod_host.cache);
		CHECK(!mod_host.stats);
		CHECK_EQ(shim_debugfs_read("objext", "mod", buf, sizeof(buf)),
			 -ENOENT);
	}
	CHECK_EQ(n, HOST_ALLOCS + 1);
	if (!CHECK_EQ(err, 0))
		return;
	CHECK(shim_debugfs_read("objext", "mod", buf, sizeof(buf)) > 0);
	CHECK(objext_add(&obj.ext, &mod_pair, GFP_KERNEL));
	/* Exit right after the destroy: it waits for the RCU free. */
	uobj_destroy(&mod_host, &obj);
	CHECK_EQ(obj.nr_calls, 1);
	objext_host_exit(&mod_host);
	CHECK(!mod_host.cache);
	CHECK_EQ(shim_debugfs_read("objext", "mod", buf, sizeof(buf)),
		 -ENOENT);
}

static void test_gather_enomem(void)
{
	long live = live_allocs();
	int n, err;

	/* No table, no host. */
	CHECK_EQ(init_failing(&gather_host, 1), -ENOMEM);
	CHECK(!gather_host.slots);
	CHECK_EQ(live_allocs(), live);

	/* Later failures keep the gathered table for the next try. */
	for (n = 2; n < 10; n++) {
		err = init_failing(&gather_host, n);
		if (err != -ENOMEM)
			break;
		CHECK(!gather_host.cache);
	}
	if (!CHECK_EQ(err, 0))
		return;
	CHECK_EQ(gather_host.nr_slots, 1);
	CHECK(gather_host.slots && gather_host.slots[0] == &gather_g);
	/* Built-in hosts stay. */
	test_expect_allocs(1 + HOST_ALLOCS);
}

/* A host whose table the tests fill in to provoke layout errors. */
static struct objext_host bad_host = OBJEXT_HOST_INIT("bad", NULL, 0);
static struct objext_slot bad_slot[OBJEXT_MAX_SLOTS + 1];
static struct objext_slot *bad_table[OBJEXT_MAX_SLOTS + 1];

static void bad_reset(unsigned int nr)
{
	static const struct objext_slot tmpl =
		OBJEXT_SLOT_INIT("s", bad_host, u32, unit_destroy);
	unsigned int i;

	for (i = 0; i < nr; i++) {
		bad_slot[i] = tmpl;
		bad_table[i] = &bad_slot[i];
	}
	bad_host.slots = bad_table;
	bad_host.nr_slots = nr;
}

/* Returns the error of objext_host_init(), after undoing a success. */
static int bad_try(void)
{
	int err = objext_host_init(&bad_host);

	if (!err)
		objext_host_exit(&bad_host);
	return err;
}

static void test_host_init_rejects(void)
{
	unsigned short fits = USHRT_MAX - sizeof(struct objext);

	bad_reset(2);
	CHECK_EQ(bad_try(), 0);

	bad_reset(2);
	bad_slot[1].align = 3;
	CHECK_EQ(bad_try(), -EINVAL);
	bad_slot[1].align = 0;
	CHECK_EQ(bad_try(), -EINVAL);
	bad_slot[1].align = 2 * PAGE_SIZE;
	CHECK_EQ(bad_try(), -EINVAL);
	bad_slot[1].align = PAGE_SIZE;
	CHECK_EQ(bad_try(), 0);

	bad_reset(2);
	bad_slot[0].size = 0;
	CHECK_EQ(bad_try(), -EINVAL);

	bad_reset(2);
	bad_slot[1].host = &unit_host;
	CHECK_EQ(bad_try(), -EINVAL);

	/* The area must fit 16-bit offsets. */
	bad_reset(1);
	bad_slot[0].align = 1;
	bad_slot[0].size = fits;
	CHECK_EQ(bad_try(), 0);
	bad_slot[0].size = fits + 1;
	CHECK_EQ(bad_try(), -E2BIG);
	bad_reset(2);
	bad_slot[0].size = 40000;
	bad_slot[1].size = 40000;
	CHECK_EQ(bad_try(), -E2BIG);

	bad_reset(OBJEXT_MAX_SLOTS + 1);
	CHECK_EQ(bad_try(), -E2BIG);
}

/* A full host: the last presence bit works like the first. */
static void test_max_slots(void)
{
	struct uobj obj = { };
	void *first, *last;

	bad_reset(OBJEXT_MAX_SLOTS);
	if (!CHECK_EQ(objext_host_init(&bad_host), 0))
		return;
	last = objext_add(&obj.ext, &bad_slot[OBJEXT_MAX_SLOTS - 1],
			  GFP_KERNEL);
	first = objext_add(&obj.ext, &bad_slot[0], GFP_KERNEL);
	CHECK(first && last);
	CHECK(objext_claimed(&obj.ext, &bad_slot[OBJEXT_MAX_SLOTS - 1]));
	CHECK(!objext_claimed(&obj.ext, &bad_slot[OBJEXT_MAX_SLOTS - 2]));
	uobj_destroy(&bad_host, &obj);
	if (CHECK_EQ(obj.nr_calls, 2)) {
		CHECK(obj.calls[0].data == first);
		CHECK(obj.calls[1].data == last);
	}
	objext_host_exit(&bad_host);
}

static void test_host_without_slots(void)
{
	static struct objext_host empty = OBJEXT_HOST_INIT("empty", NULL, 0);
	char buf[1024];

	CHECK_EQ(objext_host_init(&empty), 0);
	CHECK_EQ(empty.nr_slots, 0);
	CHECK(!empty.cache);
	CHECK(shim_debugfs_read("objext", "empty", buf, sizeof(buf)) > 0);
	CHECK(strstr(buf, "area_size: 0\n"));
	objext_host_exit(&empty);
}

/* Claiming a slot of a host nobody initialised warns and fails. */
static struct objext_host cold_host;
static struct objext_slot cold_slot =
	OBJEXT_SLOT_INIT("cold", cold_host, int, NULL);
static struct objext_slot *cold_slots[] = { &cold_slot };
static struct objext_host cold_host = OBJEXT_HOST_INIT("cold", cold_slots, 1);

static void test_uninitialised_host(void)
{
	struct uobj obj = { };

	CHECK(!objext_add(&obj.ext, &cold_slot, GFP_KERNEL));
	CHECK(!rcu_access_pointer(obj.ext));
	test_expect_warnings(1);
}

static void test_debugfs(void)
{
	unsigned int size = kmem_cache_size(unit_host.cache);
	struct uobj a = { }, b = { };
	char buf[4096], *line;
	unsigned int i, n = 0;
	unsigned int u[4];
	long l;

	objext_add(&a.ext, &unit_word, GFP_KERNEL);
	objext_add(&a.ext, &unit_odd3, GFP_KERNEL);
	objext_add(&b.ext, &unit_word, GFP_KERNEL);
	if (!CHECK(shim_debugfs_read("objext", "unit", buf, sizeof(buf)) > 0))
		goto out;

	CHECK(!strncmp(buf, "host: unit\n", 11));
	line = strstr(buf, "area_size: ");
	CHECK(line && sscanf(line, "area_size: %u", &u[0]) == 1 &&
	      u[0] == size);
	line = strstr(buf, "live_areas: ");
	CHECK(line && sscanf(line, "live_areas: %ld", &l) == 1 && l == 2);
	line = strstr(buf, "live_bytes: ");
	CHECK(line && sscanf(line, "live_bytes: %ld", &l) == 1 &&
	      l == 2L * size);
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		char name[32];

		for (i = 0; i < U_NR; i++)
			if (sscanf(line, "%31s %u %u %u %u %ld", name, &u[0],
				   &u[1], &u[2], &u[3], &l) == 6 &&
			    !strcmp(name, unit_slots[i]->name))
				break;
		if (i == U_NR)
			continue;
		n++;
		CHECK_EQ(u[0], unit_slots[i]->index);
		CHECK_EQ(u[1], unit_slots[i]->offset);
		CHECK_EQ(u[2], unit_slots[i]->size);
		CHECK_EQ(u[3], unit_slots[i]->align);
		CHECK_EQ(l, nr_claimed(&unit_host, i));
	}
	CHECK_EQ(n, U_NR);
	CHECK_EQ(nr_claimed(&unit_host, U_WORD), 2);
	CHECK_EQ(nr_claimed(&unit_host, U_ODD3), 1);
out:
	uobj_destroy(&unit_host, &a);
	uobj_destroy(&unit_host, &b);
}

static void test_host_exit(void)
{
	char buf[1024];

	CHECK_EQ(nr_live(&unit_host), 0);
	objext_host_exit(&unit_host);
	CHECK(!unit_host.cache);
	CHECK(!unit_host.stats);
	CHECK_EQ(shim_debugfs_read("objext", "unit", buf, sizeof(buf)),
		 -ENOENT);
	test_expect_allocs(-HOST_ALLOCS);
}

void unit_tests(void)
{
	test_run("unit: boot and debugfs initcall", test_boot);
	test_run("unit: built-in slots gathered per host", test_builtin_slots);
	test_run("unit: find without area", test_find_without_area);
	test_run("unit: add allocates lazily, once",
		 test_add_allocates_lazily_once);
	test_run("unit: area is zeroed", test_zeroed_data);
	test_run("unit: layout aligned, disjoint, compact", test_layout);
	test_run("unit: destructors of claimed slots, once, in order",
		 test_destroy_claimed_once_in_order);
	test_run("unit: claims during teardown fail",
		 test_claim_during_teardown_fails);
	test_run("unit: teardown during the first claim's allocation",
		 test_teardown_during_first_claim);
	test_run("unit: a failed allocation takes a racing claim's area",
		 test_failed_alloc_takes_racing_area);
	test_run("unit: host exit with a live area warns",
		 test_host_exit_with_live_area_warns);
	test_run("unit: destroy without area", test_destroy_without_area);
	test_run("unit: destroy frees after RCU readers",
		 test_destroy_defers_free);
	test_run("unit: add with allocation failure", test_add_enomem);
	test_run("unit: host init with allocation failure",
		 test_host_init_enomem);
	test_run("unit: built-in gather with allocation failure",
		 test_gather_enomem);
	test_run("unit: host init rejects bad layouts",
		 test_host_init_rejects);
	test_run("unit: OBJEXT_MAX_SLOTS slots", test_max_slots);
	test_run("unit: host without slots", test_host_without_slots);
	test_run("unit: add on uninitialised host warns",
		 test_uninitialised_host);
	test_run("unit: debugfs show", test_debugfs);
	test_run("unit: host exit", test_host_exit);
}
