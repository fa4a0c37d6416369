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

#define OBJEXT_TEST_SLOTS	5

/* A stand-in for a host type: an object that embeds the one pointer. */
struct objext_test_obj {
	struct objext __rcu *ext;
	/* The area, remembered by objext_test_teardown(). */
	struct objext *area;
	/* Sequence number of each slot's destructor call, 0 if none. */
	unsigned int destroyed[OBJEXT_TEST_SLOTS];
	unsigned int nr_destroyed;
	/* Destructors that found their data through the object. */
	unsigned int nr_found;
};

struct objext_test_wide {
	u64 words[3];
} __aligned(32);

static struct objext_host objext_test_host;

static void objext_test_destroy(void *data, void *owner);

/* Deliberately not in alignment order, to exercise the layout. */
static struct objext_slot objext_test_byte =
	OBJEXT_SLOT_INIT("byte", objext_test_host, u8, objext_test_destroy);
static struct objext_slot objext_test_wide =
	OBJEXT_SLOT_INIT("wide", objext_test_host, struct objext_test_wide,
			 objext_test_destroy);
static struct objext_slot objext_test_pointer =
	OBJEXT_SLOT_INIT("pointer", objext_test_host, void *,
			 objext_test_destroy);
static struct objext_slot objext_test_half =
	OBJEXT_SLOT_INIT("half", objext_test_host, u16, objext_test_destroy);
static struct objext_slot objext_test_plain =
	OBJEXT_SLOT_INIT("plain", objext_test_host, u32, NULL);

static struct objext_slot *objext_test_slots[OBJEXT_TEST_SLOTS] = {
	&objext_test_byte, &objext_test_wide, &objext_test_pointer,
	&objext_test_half, &objext_test_plain,
};

static struct objext_host objext_test_host =
	OBJEXT_HOST_INIT("kunit", objext_test_slots, OBJEXT_TEST_SLOTS);

/* A second host type, to show hosts do not share layout or counters. */
static struct objext_host objext_test_host2;
static struct objext_slot objext_test2_long =
	OBJEXT_SLOT_INIT("long", objext_test_host2, long, NULL);
static struct objext_slot *objext_test2_slots[] = { &objext_test2_long };
static struct objext_host objext_test_host2 =
	OBJEXT_HOST_INIT("kunit2", objext_test2_slots,
			 ARRAY_SIZE(objext_test2_slots));

static void objext_test_destroy(void *data, void *owner)
{
	struct objext_test_obj *obj = owner;
	unsigned int i;

	for (i = 0; i < OBJEXT_TEST_SLOTS; i++) {
		void *found = objext_find(&obj->ext, objext_test_slots[i]);

		/* Without a remembered area (a racing test), go by the object. */
		if (data != (obj->area ?
			     (void *)obj->area + objext_test_slots[i]->offset :
			     found))
			continue;
		obj->destroyed[i] = ++obj->nr_destroyed;
		if (found == data)
			obj->nr_found++;
	}
}

static struct objext *objext_test_area(struct objext_test_obj *obj)
{
	return rcu_access_pointer(obj->ext);
}

static void objext_test_teardown(struct objext_test_obj *obj)
{
	obj->area = objext_test_area(obj);
	objext_destroy(&objext_test_host, &obj->ext, obj);
}

static void objext_test_find_without_area(struct kunit *test)
{
	struct objext_test_obj obj = {};
	long live = objext_live_areas(&objext_test_host);

	KUNIT_EXPECT_NULL(test, objext_find(&obj.ext, &objext_test_byte));
	KUNIT_EXPECT_FALSE(test, objext_claimed(&obj.ext, &objext_test_byte));
	KUNIT_EXPECT_NULL(test, objext_test_area(&obj));
	KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host), live);
}

static void objext_test_add_allocates_lazily(struct kunit *test)
{
	struct objext_test_obj obj = {};
	long live = objext_live_areas(&objext_test_host);
	void **ptr;
	u16 *half;

	ptr = objext_add(&obj.ext, &objext_test_pointer, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ptr);
	KUNIT_EXPECT_NULL(test, *ptr);
	KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host),
			live + 1);
	KUNIT_EXPECT_PTR_EQ(test, objext_find(&obj.ext, &objext_test_pointer),
			    (void *)ptr);
	KUNIT_EXPECT_TRUE(test, objext_claimed(&obj.ext, &objext_test_pointer));
	KUNIT_EXPECT_FALSE(test, objext_claimed(&obj.ext, &objext_test_half));

	/* A slot nobody claimed reads as zeroes. */
	half = objext_find(&obj.ext, &objext_test_half);
	KUNIT_ASSERT_NOT_NULL(test, half);
	KUNIT_EXPECT_EQ(test, *half, 0);

	/* Claiming more slots, or the same again, allocates nothing. */
	*ptr = test;
	KUNIT_EXPECT_PTR_EQ(test, objext_add(&obj.ext, &objext_test_half,
					     GFP_KERNEL), (void *)half);
	KUNIT_EXPECT_PTR_EQ(test, objext_add(&obj.ext, &objext_test_pointer,
					     GFP_KERNEL), (void *)ptr);
	KUNIT_EXPECT_PTR_EQ(test, *ptr, (void *)test);
	KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host),
			live + 1);

	objext_test_teardown(&obj);
	KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host), live);
}

static void objext_test_layout(struct kunit *test)
{
	unsigned int area_size = kmem_cache_size(objext_test_host.cache);
	unsigned int i, j;

	for (i = 0; i < OBJEXT_TEST_SLOTS; i++) {
		const struct objext_slot *a = objext_test_slots[i];

		KUNIT_EXPECT_EQ(test, a->index, i);
		KUNIT_EXPECT_EQ(test, a->offset % a->align, 0);
		KUNIT_EXPECT_GE(test, a->offset, sizeof(struct objext));
		KUNIT_EXPECT_LE(test, a->offset + a->size, area_size);
		for (j = i + 1; j < OBJEXT_TEST_SLOTS; j++) {
			const struct objext_slot *b = objext_test_slots[j];

			KUNIT_EXPECT_TRUE_MSG(test,
					      a->offset + a->size <= b->offset ||
					      b->offset + b->size <= a->offset,
					      "%s and %s overlap", a->name,
					      b->name);
		}
	}
	KUNIT_EXPECT_EQ(test, objext_test_wide.size,
			sizeof(struct objext_test_wide));
	KUNIT_EXPECT_EQ(test, objext_test_wide.align, 32);
}

/* The area itself must honour the widest alignment, not only offsets. */
static void objext_test_area_alignment(struct kunit *test)
{
	struct objext_test_obj obj[8] = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(obj); i++) {
		struct objext_test_wide *wide;

		wide = objext_add(&obj[i].ext, &objext_test_wide, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, wide);
		KUNIT_EXPECT_TRUE(test, IS_ALIGNED((unsigned long)wide, 32));
		KUNIT_EXPECT_EQ(test, wide->words[0] | wide->words[2], 0);
	}
	for (i = 0; i < ARRAY_SIZE(obj); i++)
		objext_test_teardown(&obj[i]);
}

static void objext_test_destroy_claimed_once_in_order(struct kunit *test)
{
	struct objext_test_obj obj = {};

	/* Claim out of table order; half and plain stay unclaimed. */
	KUNIT_ASSERT_NOT_NULL(test, objext_add(&obj.ext, &objext_test_pointer,
					       GFP_KERNEL));
	KUNIT_ASSERT_NOT_NULL(test, objext_add(&obj.ext, &objext_test_byte,
					       GFP_KERNEL));
	KUNIT_ASSERT_NOT_NULL(test, objext_add(&obj.ext, &objext_test_wide,
					       GFP_KERNEL));
	KUNIT_ASSERT_NOT_NULL(test, objext_add(&obj.ext, &objext_test_byte,
					       GFP_KERNEL));

	objext_test_teardown(&obj);
	KUNIT_EXPECT_PTR_EQ(test, objext_test_area(&obj), OBJEXT_DEAD);
	KUNIT_EXPECT_EQ(test, obj.nr_destroyed, 3);
	KUNIT_EXPECT_EQ(test, obj.nr_found, 3);
	KUNIT_EXPECT_EQ(test, obj.destroyed[objext_test_byte.index], 1);
	KUNIT_EXPECT_EQ(test, obj.destroyed[objext_test_wide.index], 2);
	KUNIT_EXPECT_EQ(test, obj.destroyed[objext_test_pointer.index], 3);
	KUNIT_EXPECT_EQ(test, obj.destroyed[objext_test_half.index], 0);

	/* A second teardown finds nothing to do. */
	objext_test_teardown(&obj);
	KUNIT_EXPECT_EQ(test, obj.nr_destroyed, 3);
}

static void objext_test_destroy_without_area(struct kunit *test)
{
	struct objext_test_obj obj = {};
	long live = objext_live_areas(&objext_test_host);

	objext_test_teardown(&obj);
	KUNIT_EXPECT_EQ(test, obj.nr_destroyed, 0);
	KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host), live);
}

/* Teardown is final: a late claim fails and leaves nothing behind. */
static void objext_test_add_after_destroy(struct kunit *test)
{
	struct objext_test_obj with = {}, without = {};
	long live = objext_live_areas(&objext_test_host);

	KUNIT_ASSERT_NOT_NULL(test, objext_add(&with.ext, &objext_test_byte,
					       GFP_KERNEL));
	objext_test_teardown(&with);
	objext_test_teardown(&without);

	KUNIT_EXPECT_NULL(test, objext_add(&with.ext, &objext_test_wide,
					   GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, objext_add(&with.ext, &objext_test_byte,
					   GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, objext_add(&without.ext, &objext_test_byte,
					   GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, objext_find(&with.ext, &objext_test_byte));
	KUNIT_EXPECT_NULL(test, objext_find(&without.ext, &objext_test_byte));
	KUNIT_EXPECT_FALSE(test, objext_claimed(&with.ext, &objext_test_byte));
	KUNIT_EXPECT_PTR_EQ(test, objext_test_area(&without), OBJEXT_DEAD);
	KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host), live);

	/* A third teardown, after the failed claims, has nothing to do. */
	objext_test_teardown(&with);
	KUNIT_EXPECT_EQ(test, with.nr_destroyed, 1);
}

static struct objext *objext_test_alloc_fails(struct objext_host *host,
					      gfp_t gfp)
{
	return NULL;
}

static void objext_test_add_enomem(struct kunit *test)
{
	struct objext_test_obj obj = {};
	long live = objext_live_areas(&objext_test_host);
	long claimed = objext_slot_claims(&objext_test_half);

	kunit_activate_static_stub(test, objext_alloc_area,
				   objext_test_alloc_fails);
	KUNIT_EXPECT_NULL(test, objext_add(&obj.ext, &objext_test_half,
					   GFP_KERNEL));
	KUNIT_EXPECT_NULL(test, objext_test_area(&obj));
	KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host), live);
	KUNIT_EXPECT_EQ(test, objext_slot_claims(&objext_test_half), claimed);
	kunit_deactivate_static_stub(test, objext_alloc_area);

	/* Nothing was left half done: the next claim just works. */
	KUNIT_EXPECT_NOT_NULL(test, objext_add(&obj.ext, &objext_test_half,
					       GFP_KERNEL));
	objext_test_teardown(&obj);
	KUNIT_EXPECT_EQ(test, obj.nr_destroyed, 1);
	KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host), live);
}

#define OBJEXT_TEST_THREADS	8
#define OBJEXT_TEST_ROUNDS	200

struct objext_test_race {
	struct objext_test_obj obj;
	struct completion start;
	struct completion done[OBJEXT_TEST_THREADS];
	void *data[OBJEXT_TEST_THREADS];
};

static struct objext_test_race *objext_test_race;

static int objext_test_racer(void *arg)
{
	unsigned long nr = (unsigned long)arg;
	struct objext_test_race *race = objext_test_race;
	const struct objext_slot *slot;
	unsigned long *word;

	slot = objext_test_slots[nr % OBJEXT_TEST_SLOTS];
	wait_for_completion(&race->start);
	race->data[nr] = objext_add(&race->obj.ext, slot, GFP_KERNEL);
	/* Only the pointer slot is wide enough to hold a tag. */
	if (race->data[nr] && slot == &objext_test_pointer) {
		word = race->data[nr];
		cmpxchg(word, 0UL, nr + 1);
	}
	complete(&race->done[nr]);
	return 0;
}

static void objext_test_concurrent_first_use(struct kunit *test)
{
	long live = objext_live_areas(&objext_test_host);
	struct objext_test_race *race;
	unsigned int round, i;

	race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, race);
	objext_test_race = race;

	for (round = 0; round < OBJEXT_TEST_ROUNDS; round++) {
		struct objext *ext;

		unsigned int started = 0;

		memset(race, 0, sizeof(*race));
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
		for (i = 0; i < started; i++)
			wait_for_completion(&race->done[i]);
		KUNIT_ASSERT_EQ(test, started, OBJEXT_TEST_THREADS);

		/* Everybody got the data of one and the same area. */
		ext = objext_test_area(&race->obj);
		KUNIT_ASSERT_NOT_NULL(test, ext);
		for (i = 0; i < OBJEXT_TEST_THREADS; i++) {
			const struct objext_slot *slot;

			slot = objext_test_slots[i % OBJEXT_TEST_SLOTS];
			KUNIT_ASSERT_PTR_EQ(test, race->data[i],
					    (void *)ext + slot->offset);
			KUNIT_EXPECT_TRUE(test, objext_claimed(&race->obj.ext,
							       slot));
		}
		KUNIT_EXPECT_NE(test,
				*(unsigned long *)objext_find(&race->obj.ext,
							      &objext_test_pointer),
				0);
		KUNIT_ASSERT_EQ(test,
				objext_live_areas(&objext_test_host),
				live + 1);

		objext_test_teardown(&race->obj);
		KUNIT_ASSERT_EQ(test,
				objext_live_areas(&objext_test_host),
				live);
	}
}

/*
 * Claims without a reference racing teardown, as a BPF program handed an
 * inode during RCU path walk makes them: each claim either lands before
 * teardown closes the area, and its slot's destructor runs, or fails;
 * no area is left behind.  Both outcomes can only be seen with more than
 * one CPU (UML has one), so that is asserted only there.
 */
struct objext_test_teardown_race {
	struct objext_test_obj obj;
	struct completion start;
	struct completion done[OBJEXT_TEST_SLOTS - 1];
	void *data[OBJEXT_TEST_SLOTS - 1];
};

static struct objext_test_teardown_race *objext_test_teardown_race;

static int objext_test_late_claimer(void *arg)
{
	unsigned long nr = (unsigned long)arg;
	struct objext_test_teardown_race *race = objext_test_teardown_race;

	wait_for_completion(&race->start);
	rcu_read_lock();
	race->data[nr] = objext_add(&race->obj.ext, objext_test_slots[nr],
				    GFP_NOWAIT);
	rcu_read_unlock();
	complete(&race->done[nr]);
	return 0;
}

static void objext_test_claim_racing_teardown(struct kunit *test)
{
	long live = objext_live_areas(&objext_test_host);
	struct objext_test_teardown_race *race;
	unsigned int round, i, won = 0, lost = 0;

	race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, race);
	objext_test_teardown_race = race;

	for (round = 0; round < OBJEXT_TEST_ROUNDS; round++) {
		unsigned int started = 0;

		memset(race, 0, sizeof(*race));
		init_completion(&race->start);
		/* One claimer per slot with a destructor. */
		for (i = 0; i < OBJEXT_TEST_SLOTS - 1; i++) {
			struct task_struct *t;

			init_completion(&race->done[i]);
			t = kthread_run(objext_test_late_claimer,
					(void *)(long)i, "objext_late/%u", i);
			if (IS_ERR(t))
				break;
			started++;
		}
		complete_all(&race->start);
		/*
		 * Tear down at a different moment each round, from at once
		 * to well after the claimers woke up, so that on SMP some
		 * claims land before teardown and some after.
		 */
		udelay(round % 20 * 50);
		objext_destroy(&objext_test_host, &race->obj.ext, &race->obj);
		for (i = 0; i < started; i++)
			wait_for_completion(&race->done[i]);
		KUNIT_ASSERT_EQ(test, started, OBJEXT_TEST_SLOTS - 1);

		for (i = 0; i < OBJEXT_TEST_SLOTS - 1; i++) {
			if (race->data[i]) {
				won++;
				KUNIT_EXPECT_NE_MSG(test, race->obj.destroyed[i], 0,
						    "round %u: claim of slot %u succeeded, never destroyed",
						    round, i);
			} else {
				lost++;
			}
		}
		KUNIT_EXPECT_PTR_EQ(test, objext_test_area(&race->obj),
				    OBJEXT_DEAD);
		KUNIT_ASSERT_EQ(test,
				objext_live_areas(&objext_test_host),
				live);
	}
	kunit_info(test, "%u claims landed before teardown, %u after, %u CPUs",
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
	struct objext_test_obj obj = {}, obj2 = {};
	long *l;

	KUNIT_EXPECT_NE(test, (unsigned long)objext_test_host2.cache,
			(unsigned long)objext_test_host.cache);
	KUNIT_EXPECT_EQ(test, objext_test2_long.index, 0);
	KUNIT_EXPECT_EQ(test, objext_test2_long.offset, sizeof(struct objext));

	l = objext_add(&obj2.ext, &objext_test2_long, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, l);
	*l = -1;
	KUNIT_ASSERT_NOT_NULL(test, objext_add(&obj.ext, &objext_test_byte,
					       GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host2),
			live2 + 1);
	KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host),
			live + 1);
	KUNIT_EXPECT_EQ(test, *(long *)objext_find(&obj2.ext,
						   &objext_test2_long), -1);

	objext_destroy(&objext_test_host2, &obj2.ext, &obj2);
	KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host2),
			live2);
	KUNIT_EXPECT_EQ(test, objext_live_areas(&objext_test_host),
			live + 1);
	objext_test_teardown(&obj);
}

static void objext_test_bad_layout(struct kunit *test)
{
	static struct objext_host bad_host;
	static struct objext_slot odd =
		OBJEXT_SLOT_INIT("odd", bad_host, u8, NULL);
	static struct objext_slot *bad_slots[] = { &odd };
	struct objext_slot **many;
	unsigned int i;

	bad_host = (struct objext_host)OBJEXT_HOST_INIT("kunit_bad",
							bad_slots, 1);
	odd.align = 3;
	KUNIT_EXPECT_EQ(test, objext_host_init(&bad_host), -EINVAL);
	KUNIT_EXPECT_NULL(test, bad_host.cache);

	many = kunit_kcalloc(test, OBJEXT_MAX_SLOTS + 1, sizeof(*many),
			     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, many);
	odd.align = 1;
	for (i = 0; i <= OBJEXT_MAX_SLOTS; i++)
		many[i] = &odd;
	bad_host.slots = many;
	bad_host.nr_slots = OBJEXT_MAX_SLOTS + 1;
	KUNIT_EXPECT_EQ(test, objext_host_init(&bad_host), -E2BIG);
	KUNIT_EXPECT_NULL(test, bad_host.cache);
}

static int objext_test_suite_init(struct kunit_suite *suite)
{
	int err;

	err = objext_host_init(&objext_test_host);
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
	KUNIT_CASE(objext_test_find_without_area),
	KUNIT_CASE(objext_test_add_allocates_lazily),
	KUNIT_CASE(objext_test_layout),
	KUNIT_CASE(objext_test_area_alignment),
	KUNIT_CASE(objext_test_destroy_claimed_once_in_order),
	KUNIT_CASE(objext_test_destroy_without_area),
	KUNIT_CASE(objext_test_add_after_destroy),
	KUNIT_CASE(objext_test_add_enomem),
	KUNIT_CASE_SLOW(objext_test_concurrent_first_use),
	KUNIT_CASE_SLOW(objext_test_claim_racing_teardown),
	KUNIT_CASE(objext_test_second_host),
	KUNIT_CASE(objext_test_bad_layout),
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
