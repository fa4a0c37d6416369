// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for objext, on host types of the test's own.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/objext.h>
#include <linux/slab.h>

#include "objext_internal.h"

#define OBJEXT_TEST_SLOTS	5
#define OBJEXT_TEST_THREADS	8
#define OBJEXT_TEST_ROUNDS	200

/* A stand-in for a host type: an object that embeds the one pointer. */
struct objext_test_obj {
	struct objext __rcu *ext;
	/* Per slot, the value its destructor got and the call's number. */
	void *destroyed[OBJEXT_TEST_SLOTS];
	unsigned int order[OBJEXT_TEST_SLOTS];
	unsigned int nr_destroyed;
	/* Destructor calls that read their value back through the object. */
	unsigned int nr_read_back;
	/* Destructor calls whose store of a new value failed. */
	unsigned int nr_store_failed;
	/* Destructor calls whose clear of their slot landed. */
	unsigned int nr_cleared;
};

static struct objext_host objext_test_host;

static void objext_test_destroy(void *value, void *owner);

static struct objext_slot objext_test_slot[OBJEXT_TEST_SLOTS] = {
	OBJEXT_SLOT_INIT("s0", objext_test_host, objext_test_destroy),
	OBJEXT_SLOT_INIT("s1", objext_test_host, objext_test_destroy),
	OBJEXT_SLOT_INIT("s2", objext_test_host, objext_test_destroy),
	OBJEXT_SLOT_INIT("s3", objext_test_host, objext_test_destroy),
	OBJEXT_SLOT_INIT("plain", objext_test_host, NULL),
};

static struct objext_slot *objext_test_slots[OBJEXT_TEST_SLOTS] = {
	&objext_test_slot[0], &objext_test_slot[1], &objext_test_slot[2],
	&objext_test_slot[3], &objext_test_slot[4],
};

static struct objext_host objext_test_host =
	OBJEXT_HOST_INIT("kunit", objext_test_slots, OBJEXT_TEST_SLOTS);

/* A second host type, to show hosts do not share slots or counters. */
static struct objext_host objext_test_host2;
static struct objext_slot objext_test2_slot =
	OBJEXT_SLOT_INIT("only", objext_test_host2, NULL);
static struct objext_slot *objext_test2_slots[] = { &objext_test2_slot };
static struct objext_host objext_test_host2 =
	OBJEXT_HOST_INIT("kunit2", objext_test2_slots,
			 ARRAY_SIZE(objext_test2_slots));

/* Values to store: distinct addresses. */
static long objext_test_values[OBJEXT_TEST_SLOTS * OBJEXT_TEST_THREADS + 8];
#define VALUE(i)	((void *)&objext_test_values[i])
#define OBJEXT_TEST_LAST	(ARRAY_SIZE(objext_test_values) - 1)

static void objext_test_destroy(void *value, void *owner)
{
	struct objext_test_obj *obj = owner;
	unsigned int i;

	for (i = 0; i < OBJEXT_TEST_SLOTS; i++) {
		const struct objext_slot *slot = objext_test_slots[i];

		if (objext_get(&obj->ext, slot) != value || obj->order[i])
			continue;
		obj->destroyed[i] = value;
		obj->order[i] = ++obj->nr_destroyed;
		obj->nr_read_back++;
		if (objext_cmpxchg(&obj->ext, slot, value, VALUE(OBJEXT_TEST_LAST),
				   GFP_KERNEL) == ERR_PTR(-ENOENT))
			obj->nr_store_failed++;
		/* What an owner freeing its value does: unpublish it. */
		if (objext_cmpxchg(&obj->ext, slot, value, NULL, 0) == value)
			obj->nr_cleared++;
		return;
	}
}

static void *objext_test_store(struct objext_test_obj *obj, unsigned int s,
			       void *old, void *new)
{
	return objext_cmpxchg(&obj->ext, objext_test_slots[s], old, new,
			      GFP_KERNEL);
}

static void objext_test_get_without_area(struct kunit *test)
{
	struct objext_test_obj obj = {};
	long live = objext_live_areas(&objext_test_host);
	unsigned int i;

	for (i = 0; i < OBJEXT_TEST_SLOTS; i++) {
		KUNIT_EXPECT_NULL(test, objext_get(&obj.ext,
						   objext_test_slots[i]));
		KUNIT_EXPECT_FALSE(test, objext_claimed(&obj.ext,
							objext_test_slots[i]));
	}
	/* NULL over NULL is no store: no area. */
	KUNIT_EXPECT_NULL(test, objext_test_store(&obj, 1, NULL, NULL));
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(obj.ext));
	KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host), live);
	objext_destroy(&objext_test_host, &obj.ext, &obj);
	KUNIT_EXPECT_EQ(test, obj.nr_destroyed, 0);
}

/* First values of slots, in any order, each land and stay. */
static void objext_test_stores_land(struct kunit *test)
{
	static const unsigned int order[] = { 3, 0, 4, 2, 1 };
	struct objext_test_obj obj = {};
	long live = objext_live_areas(&objext_test_host);
	unsigned int n, i;

	for (n = 0; n < ARRAY_SIZE(order); n++) {
		KUNIT_EXPECT_NULL(test, objext_test_store(&obj, order[n], NULL,
							  VALUE(order[n])));
		KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host),
				live + 1);
		/* Only an area of one cell is marked so in the pointer. */
		KUNIT_EXPECT_EQ(test, !!(objext_word(&obj.ext) & OBJEXT_ONE_CELL),
				n == 0);
		for (i = 0; i <= n; i++)
			KUNIT_EXPECT_PTR_EQ(test,
					    objext_get(&obj.ext,
						       objext_test_slots[order[i]]),
					    VALUE(order[i]));
		/* The slots without a cell read NULL, in any area. */
		for (; i < ARRAY_SIZE(order); i++)
			KUNIT_EXPECT_NULL(test,
					  objext_get(&obj.ext,
						     objext_test_slots[order[i]]));
		KUNIT_EXPECT_EQ(test, objext_slot_claims(objext_test_slots[order[n]]),
				1);
	}
	objext_destroy(&objext_test_host, &obj.ext, &obj);
	KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host), live);
}

static void objext_test_cmpxchg(struct kunit *test)
{
	struct objext_test_obj obj = {};

	KUNIT_EXPECT_NULL(test, objext_test_store(&obj, 0, NULL, VALUE(1)));
	/* Mismatch: the value is reported, nothing stored. */
	KUNIT_EXPECT_PTR_EQ(test, objext_test_store(&obj, 0, NULL, VALUE(2)),
			    VALUE(1));
	KUNIT_EXPECT_PTR_EQ(test, objext_get(&obj.ext, objext_test_slots[0]),
			    VALUE(1));
	/* Replace, clear: the slot keeps its cell. */
	KUNIT_EXPECT_PTR_EQ(test, objext_test_store(&obj, 0, VALUE(1), VALUE(2)),
			    VALUE(1));
	KUNIT_EXPECT_PTR_EQ(test, objext_test_store(&obj, 0, VALUE(2), NULL),
			    VALUE(2));
	KUNIT_EXPECT_NULL(test, objext_get(&obj.ext, objext_test_slots[0]));
	KUNIT_EXPECT_TRUE(test, objext_claimed(&obj.ext, objext_test_slots[0]));
	/* A cleared slot gets no destructor call. */
	objext_destroy(&objext_test_host, &obj.ext, &obj);
	KUNIT_EXPECT_EQ(test, obj.nr_destroyed, 0);
}

/*
 * Destructors once per slot holding a value, in table order, with the
 * value, which they can still read through the object; a new value
 * fails, a clear lands; afterwards the object reads NULL and takes no
 * value.
 */
static void objext_test_destroy_order(struct kunit *test)
{
	struct objext_test_obj obj = {};
	long live = objext_live_areas(&objext_test_host);
	unsigned int i;

	for (i = OBJEXT_TEST_SLOTS; i-- > 0;)
		KUNIT_EXPECT_NULL(test, objext_test_store(&obj, i, NULL,
							  VALUE(i)));
	objext_destroy(&objext_test_host, &obj.ext, &obj);

	/* "plain" has no destructor. */
	KUNIT_EXPECT_EQ(test, obj.nr_destroyed, OBJEXT_TEST_SLOTS - 1);
	for (i = 0; i < OBJEXT_TEST_SLOTS - 1; i++) {
		KUNIT_EXPECT_PTR_EQ(test, obj.destroyed[i], VALUE(i));
		KUNIT_EXPECT_EQ(test, obj.order[i], i + 1);
	}
	KUNIT_EXPECT_EQ(test, obj.nr_read_back, OBJEXT_TEST_SLOTS - 1);
	KUNIT_EXPECT_EQ(test, obj.nr_store_failed, OBJEXT_TEST_SLOTS - 1);
	KUNIT_EXPECT_EQ(test, obj.nr_cleared, OBJEXT_TEST_SLOTS - 1);
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(obj.ext), OBJEXT_DEAD);
	KUNIT_EXPECT_NULL(test, objext_get(&obj.ext, objext_test_slots[0]));
	KUNIT_EXPECT_PTR_EQ(test, objext_test_store(&obj, 1, NULL, VALUE(1)),
			    ERR_PTR(-ENOENT));
	KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host), live);
	for (i = 0; i < OBJEXT_TEST_SLOTS; i++)
		KUNIT_EXPECT_EQ(test, objext_slot_claims(objext_test_slots[i]),
				0);
}

static void objext_test_destroy_without_area(struct kunit *test)
{
	struct objext_test_obj obj = {};

	objext_destroy(&objext_test_host, &obj.ext, &obj);
	KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(obj.ext), OBJEXT_DEAD);
	KUNIT_EXPECT_PTR_EQ(test, objext_test_store(&obj, 0, NULL, VALUE(0)),
			    ERR_PTR(-ENOENT));
	/* A host reusing the object resets the pointer: a new life. */
	RCU_INIT_POINTER(obj.ext, NULL);
	KUNIT_EXPECT_NULL(test, objext_test_store(&obj, 0, NULL, VALUE(0)));
	objext_destroy(&objext_test_host, &obj.ext, &obj);
	KUNIT_EXPECT_EQ(test, obj.nr_destroyed, 1);
}

static struct objext *objext_test_alloc_fails(struct objext_host *host,
					      unsigned int nr, gfp_t gfp)
{
	return NULL;
}

static void objext_test_store_enomem(struct kunit *test)
{
	struct objext_test_obj obj = {};
	long live = objext_live_areas(&objext_test_host);

	kunit_activate_static_stub(test, objext_alloc_area,
				   objext_test_alloc_fails);
	KUNIT_EXPECT_PTR_EQ(test, objext_test_store(&obj, 2, NULL, VALUE(2)),
			    ERR_PTR(-ENOMEM));
	KUNIT_EXPECT_NULL(test, rcu_access_pointer(obj.ext));
	kunit_deactivate_static_stub(test, objext_alloc_area);

	KUNIT_EXPECT_NULL(test, objext_test_store(&obj, 2, NULL, VALUE(2)));
	kunit_activate_static_stub(test, objext_alloc_area,
				   objext_test_alloc_fails);
	/* A new cell fails; the area and its values stay as they were. */
	KUNIT_EXPECT_PTR_EQ(test, objext_test_store(&obj, 0, NULL, VALUE(0)),
			    ERR_PTR(-ENOMEM));
	KUNIT_EXPECT_FALSE(test, objext_claimed(&obj.ext, objext_test_slots[0]));
	/* A store in place needs no memory. */
	KUNIT_EXPECT_PTR_EQ(test, objext_test_store(&obj, 2, VALUE(2), VALUE(3)),
			    VALUE(2));
	kunit_deactivate_static_stub(test, objext_alloc_area);
	KUNIT_EXPECT_EQ(test, objext_slot_claims(objext_test_slots[0]), 0);

	objext_destroy(&objext_test_host, &obj.ext, &obj);
	KUNIT_EXPECT_EQ(test, obj.nr_destroyed, 1);
	KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host), live);
}

/*
 * Threads storing into one object at once: first values of different
 * slots (areas replaced under each other) and, in slot 0, a chain of
 * updates from one value to the next.  Every first value lands and no
 * update is lost.
 */
struct objext_test_race {
	struct objext_test_obj obj;
	struct completion start;
	struct completion done[OBJEXT_TEST_THREADS];
	void *ret[OBJEXT_TEST_THREADS];
	bool teardown;
};

static struct objext_test_race *objext_test_race;

static int objext_test_racer(void *arg)
{
	unsigned long nr = (unsigned long)arg;
	struct objext_test_race *race = objext_test_race;
	unsigned int s = nr % OBJEXT_TEST_SLOTS, k;

	wait_for_completion(&race->start);
	if (race->teardown) {
		/* No reference: the object may be torn down under us. */
		rcu_read_lock();
		race->ret[nr] = objext_cmpxchg(&race->obj.ext,
					       objext_test_slots[s], NULL,
					       VALUE(nr), GFP_NOWAIT);
		rcu_read_unlock();
	} else if (nr == 0) {
		/* Slot 0: update it 16 times, each from the value before. */
		for (k = 0; k < 16; k++)
			race->ret[nr] = objext_test_store(&race->obj, 0,
							  k ? VALUE(k - 1) : NULL,
							  VALUE(k));
	} else if (s) {
		race->ret[nr] = objext_test_store(&race->obj, s, NULL,
						  VALUE(OBJEXT_TEST_SLOTS + nr));
	}
	complete(&race->done[nr]);
	return 0;
}

static void objext_test_run_racers(struct kunit *test,
				   struct objext_test_race *race, bool teardown,
				   unsigned int round)
{
	unsigned int i, started = 0;

	memset(race, 0, sizeof(*race));
	race->teardown = teardown;
	init_completion(&race->start);
	for (i = 0; i < OBJEXT_TEST_THREADS; i++) {
		struct task_struct *t;

		init_completion(&race->done[i]);
		t = kthread_run(objext_test_racer, (void *)(long)i,
				"objext_race/%u", i);
		if (IS_ERR(t))
			break;
		started++;
	}
	complete_all(&race->start);
	if (teardown) {
		/* At a different moment each round: some stores land first. */
		udelay(round % 20 * 50);
		objext_destroy(&objext_test_host, &race->obj.ext, &race->obj);
	}
	for (i = 0; i < started; i++)
		wait_for_completion(&race->done[i]);
	KUNIT_ASSERT_EQ(test, started, OBJEXT_TEST_THREADS);
}

static void objext_test_concurrent_stores(struct kunit *test)
{
	long live = objext_live_areas(&objext_test_host);
	struct objext_test_race *race;
	unsigned int round, i;

	race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, race);
	objext_test_race = race;

	for (round = 0; round < OBJEXT_TEST_ROUNDS; round++) {
		objext_test_run_racers(test, race, false, round);

		KUNIT_ASSERT_PTR_EQ(test, objext_get(&race->obj.ext,
						     objext_test_slots[0]),
				    VALUE(15));
		for (i = 1; i < OBJEXT_TEST_THREADS; i++) {
			unsigned int s = i % OBJEXT_TEST_SLOTS;
			void *v;

			if (!s)
				continue;
			v = objext_get(&race->obj.ext, objext_test_slots[s]);
			/* One racer per slot won; the others saw its value. */
			if (v == VALUE(OBJEXT_TEST_SLOTS + i))
				KUNIT_EXPECT_NULL(test, race->ret[i]);
			else
				KUNIT_EXPECT_PTR_EQ(test, race->ret[i], v);
		}
		KUNIT_ASSERT_EQ(test, objext_live_areas(&objext_test_host),
				live + 1);
		objext_destroy(&objext_test_host, &race->obj.ext, &race->obj);
		KUNIT_ASSERT_EQ(test, objext_live_areas(&objext_test_host),
				live);
	}
}

/*
 * Stores without a reference racing teardown, as a BPF program handed an
 * inode during RCU path walk makes them: each either lands before
 * teardown, and its value is destroyed, or fails with -ENOENT.  Both
 * outcomes need more than one CPU (UML has one) to be seen.
 */
static void objext_test_store_racing_teardown(struct kunit *test)
{
	long live = objext_live_areas(&objext_test_host);
	struct objext_test_race *race;
	unsigned int round, i, won = 0, lost = 0;

	race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, race);
	objext_test_race = race;

	for (round = 0; round < OBJEXT_TEST_ROUNDS; round++) {
		objext_test_run_racers(test, race, true, round);

		for (i = 0; i < OBJEXT_TEST_THREADS; i++) {
			unsigned int s = i % OBJEXT_TEST_SLOTS;

			if (race->ret[i] == ERR_PTR(-ENOENT)) {
				lost++;
				continue;
			}
			if (race->ret[i])	/* another racer's value */
				continue;
			won++;
			if (objext_test_slots[s]->destroy)
				KUNIT_EXPECT_PTR_EQ_MSG(test,
							race->obj.destroyed[s],
							VALUE(i),
							"round %u: value of racer %u never destroyed",
							round, i);
		}
		KUNIT_EXPECT_PTR_EQ(test, rcu_access_pointer(race->obj.ext),
				    OBJEXT_DEAD);
		KUNIT_ASSERT_EQ(test, objext_live_areas(&objext_test_host),
				live);
	}
	kunit_info(test, "%u stores landed before teardown, %u after, %u CPUs",
		   won, lost, num_online_cpus());
	if (num_online_cpus() > 1) {
		KUNIT_EXPECT_GT(test, won, 0);
		KUNIT_EXPECT_GT(test, lost, 0);
	}
}

static void objext_test_second_host(struct kunit *test)
{
	long live = objext_live_areas(&objext_test_host);
	long live2 = objext_live_areas(&objext_test_host2);
	struct objext_test_obj obj2 = {};

	KUNIT_EXPECT_EQ(test, objext_test2_slot.index, 0);
	KUNIT_EXPECT_EQ(test, objext_test2_slot.bit, BIT(0));
	KUNIT_EXPECT_NULL(test, objext_cmpxchg(&obj2.ext, &objext_test2_slot,
					       NULL, VALUE(0), GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host2),
			live2 + 1);
	KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host), live);
	objext_destroy(&objext_test_host2, &obj2.ext, &obj2);
	KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host2), live2);
}

static void objext_test_bad_host(struct kunit *test)
{
	static struct objext_host bad;
	static struct objext_slot other =
		OBJEXT_SLOT_INIT("other", objext_test_host, NULL);
	struct objext_slot *table[] = { &other };

	bad = (struct objext_host)OBJEXT_HOST_INIT("kunit-bad", table, 1);
	KUNIT_EXPECT_EQ(test, objext_host_init(&bad), -EINVAL);
	bad = (struct objext_host)
		OBJEXT_HOST_INIT("kunit-bad", table, OBJEXT_MAX_SLOTS + 1);
	KUNIT_EXPECT_EQ(test, objext_host_init(&bad), -E2BIG);
}

static int objext_test_suite_init(struct kunit_suite *suite)
{
	int err = objext_host_init(&objext_test_host);

	if (err)
		return err;
	err = objext_host_init(&objext_test_host2);
	if (err)
		objext_host_exit(&objext_test_host);
	return err;
}

static void objext_test_suite_exit(struct kunit_suite *suite)
{
	objext_host_exit(&objext_test_host2);
	objext_host_exit(&objext_test_host);
}

static struct kunit_case objext_test_cases[] = {
	KUNIT_CASE(objext_test_get_without_area),
	KUNIT_CASE(objext_test_stores_land),
	KUNIT_CASE(objext_test_cmpxchg),
	KUNIT_CASE(objext_test_destroy_order),
	KUNIT_CASE(objext_test_destroy_without_area),
	KUNIT_CASE(objext_test_store_enomem),
	KUNIT_CASE_SLOW(objext_test_concurrent_stores),
	KUNIT_CASE_SLOW(objext_test_store_racing_teardown),
	KUNIT_CASE(objext_test_second_host),
	KUNIT_CASE(objext_test_bad_host),
	{}
};

static struct kunit_suite objext_test_suite = {
	.name = "objext",
	.suite_init = objext_test_suite_init,
	.suite_exit = objext_test_suite_exit,
	.test_cases = objext_test_cases,
};

kunit_test_suite(objext_test_suite);

MODULE_DESCRIPTION("KUnit tests for objext");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
