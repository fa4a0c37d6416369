// SPDX-License-Identifier: GPL-2.0
/*
 * Multi-threaded stress, best run under ASan and TSan.
 *
 * "race": threads meet at a barrier and claim slots of one fresh object
 * at once, so that several allocate an area and all but one lose.
 *
 * "mixed": adders take a reference on a random object of a table and
 * claim a random slot; readers look objects up under rcu_read_lock() and
 * read slot data; teardown threads keep replacing objects in the table
 * (with xchg(), which orders like rcu_assign_pointer()) and dropping the
 * table's reference.  The last
 * reference runs objext_destroy() and frees the object after a grace
 * period.  Allocations fail at random throughout.
 *
 * "unreferenced": claimers hold no reference, only rcu_read_lock(), as a
 * BPF program handed an inode during RCU path walk does; teardown threads
 * unpublish objects and destroy them at once, while claims are under way.
 * Every claim that succeeded must have its destructor run, and no area
 * may be left behind: checked when the object is freed, after the
 * claimers' grace period.
 */

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/objext.h>
#include <linux/slab.h>

#include "shim.h"
#include "test.h"

#define S_OBJS		64
#define S_SLOTS		6
#define S_RACERS	4
#define S_FAIL_PPM	50000	/* 5% */
#define S_UNREF_OBJS	4	/* few, so that claims often meet teardown */

/* Every slot's data starts with the tag of its object. */
struct s8 {
	unsigned long tag;
};

struct s16 {
	unsigned long tag;
	u64 pad;
} __aligned(16);

struct s32 {
	unsigned long tag;
	u64 pad[3];
} __aligned(32);

struct s40 {
	unsigned long tag;
	u64 pad[4];
};

static struct objext_host stress_host;
static void stress_destroy(void *data, void *owner);

static struct objext_slot s_slot[S_SLOTS] = {
	OBJEXT_SLOT_INIT("s8", stress_host, struct s8, stress_destroy),
	OBJEXT_SLOT_INIT("s40", stress_host, struct s40, stress_destroy),
	OBJEXT_SLOT_INIT("s16", stress_host, struct s16, stress_destroy),
	OBJEXT_SLOT_INIT("plain", stress_host, struct s8, NULL),
	OBJEXT_SLOT_INIT("s32", stress_host, struct s32, stress_destroy),
	OBJEXT_SLOT_INIT("s8b", stress_host, struct s8, stress_destroy),
};

static struct objext_slot *s_table[S_SLOTS] = {
	&s_slot[0], &s_slot[1], &s_slot[2], &s_slot[3], &s_slot[4], &s_slot[5],
};

static struct objext_host stress_host =
	OBJEXT_HOST_INIT("stress", s_table, S_SLOTS);

/*
 * A debugfs counter of the stress host as objext sums it over the CPUs:
 * "live_areas" or a slot's "claimed" column (slot >= 0), -1 if missing.
 */
static long debugfs_count(int slot)
{
	char buf[2048], name[32], *p;

	if (shim_debugfs_read("objext", "stress", buf, sizeof(buf)) <= 0)
		return -1;
	if (slot < 0) {
		p = strstr(buf, "live_areas: ");
		return p ? atol(p + strlen("live_areas: ")) : -1;
	}
	snprintf(name, sizeof(name), "\n%s ", s_table[slot]->name);
	p = strstr(buf, name);
	if (!p || !(p = strchr(p + 1, '\n')))
		return -1;
	/* The claimed count ends the slot's line. */
	while (p[-1] == ' ')
		p--;
	while (p[-1] >= '0' && p[-1] <= '9')
		p--;
	if (p[-1] == '-')
		p--;
	return atol(p);
}

#define DTOR_MASK	(BIT(S_SLOTS) - 1 - BIT(3))

struct sobj {
	struct objext __rcu *ext;
	unsigned long tag;
	atomic_long_t refs;
	unsigned long claimed;		/* slots some thread claimed */
	unsigned long destroyed;	/* slots whose destructor ran */
	void *seen[S_SLOTS];		/* the data pointer of each slot */
	struct rcu_head rcu;
};

static struct sobj __rcu *table[S_OBJS];
static bool stop, unreferenced;
static atomic_long_t errors, next_tag;
static atomic_long_t nr_objs, nr_freed, nr_installed;
static atomic_long_t nr_adds, nr_enomem, nr_reads, nr_replaced;

#define stress_error(fmt, ...)						\
do {									\
	if (atomic_long_inc_return(&errors) <= 10)			\
		printf("# %s:%d: " fmt "\n", __FILE__, __LINE__,	\
		       ##__VA_ARGS__);					\
} while (0)

static unsigned int thread_random(void)
{
	static __thread u64 state;

	if (!state)
		state = (uintptr_t)&state * 0x9e3779b97f4a7c15ull |
			time(NULL);
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return (state * 0x2545f4914f6cdd1dull) >> 32;
}

static struct sobj *obj_new(void)
{
	struct sobj *obj = calloc(1, sizeof(*obj));

	if (!obj)
		abort();
	obj->tag = atomic_long_inc_return(&next_tag);
	atomic_long_set(&obj->refs, 1);
	atomic_long_inc(&nr_objs);
	return obj;
}

static void obj_free_rcu(struct rcu_head *head)
{
	free(container_of(head, struct sobj, rcu));
	atomic_long_inc(&nr_freed);
}

static void stress_destroy(void *data, void *owner)
{
	struct sobj *obj = owner;
	struct s8 *d = data;
	unsigned int s;

	/*
	 * Claimers without a reference may not have recorded their claim
	 * yet, nor written the tag: find the slot through the area.
	 */
	for (s = 0; s < S_SLOTS; s++)
		if (READ_ONCE(unreferenced) ?
		    objext_find(&obj->ext, s_table[s]) == data :
		    obj->seen[s] == data)
			break;
	if (s == S_SLOTS) {
		stress_error("obj %lu: destructor for an unclaimed slot",
			     obj->tag);
		return;
	}
	if (obj->destroyed & BIT(s))
		stress_error("obj %lu slot %u: destroyed twice", obj->tag, s);
	if (objext_find(&obj->ext, s_table[s]) != data)
		stress_error("obj %lu slot %u: data not found during teardown",
			     obj->tag, s);
	if (!READ_ONCE(unreferenced) && READ_ONCE(d->tag) != obj->tag)
		stress_error("obj %lu slot %u: tag %lu", obj->tag, s,
			     READ_ONCE(d->tag));
	obj->destroyed |= BIT(s);
	/* Give claims racing teardown time to land in the middle of it. */
	if (READ_ONCE(unreferenced))
		for (s = 0; s < 1000; s++)
			barrier();
}

/* The last reference is gone: nobody claims slots any more. */
static void obj_final(struct sobj *obj)
{
	unsigned long claimed = READ_ONCE(obj->claimed);
	struct objext *ext = rcu_access_pointer(obj->ext);

	if (!ext != !claimed)
		stress_error("obj %lu: area %p, claimed %#lx", obj->tag,
			     (void *)ext, claimed);
	if (ext && READ_ONCE(ext->active) != claimed)
		stress_error("obj %lu: active %#lx, claimed %#lx", obj->tag,
			     READ_ONCE(ext->active), claimed);
	if (ext)
		atomic_long_inc(&nr_installed);
	objext_destroy(&stress_host, &obj->ext, obj);
	if (obj->destroyed != (claimed & DTOR_MASK))
		stress_error("obj %lu: destroyed %#lx, claimed %#lx",
			     obj->tag, obj->destroyed, claimed);
	call_rcu(&obj->rcu, obj_free_rcu);
}

static void obj_put(struct sobj *obj)
{
	if (atomic_long_dec_and_test(&obj->refs))
		obj_final(obj);
}

/* Claims slot @s of @obj, on which the caller holds a reference. */
static void obj_claim(struct sobj *obj, unsigned int s, void **datap)
{
	struct s8 *d;
	void *old;

	d = objext_add(&obj->ext, &s_slot[s],
		       thread_random() & 1 ? GFP_KERNEL : GFP_NOWAIT);
	if (datap)
		*datap = d;
	if (!d) {
		atomic_long_inc(&nr_enomem);
		return;
	}
	atomic_long_inc(&nr_adds);
	old = cmpxchg(&obj->seen[s], NULL, (void *)d);
	if (old && old != d)
		stress_error("obj %lu slot %u: data %p, earlier %p",
			     obj->tag, s, (void *)d, old);
	__atomic_fetch_or(&obj->claimed, BIT(s), __ATOMIC_RELAXED);
	WRITE_ONCE(d->tag, obj->tag);
}

/* ---- race: many first claims at once --------------------------------- */

/*
 * The racers spin on a round number rather than sleep on a barrier, so
 * that they really start together; they yield so as not to starve the
 * ones without a CPU.
 */
static struct sobj *race_obj;
static void *race_data[S_RACERS];
static long race_round, race_done;

static void *race_thread(void *arg)
{
	unsigned int id = (uintptr_t)arg;
	long round = 0;

	shim_rcu_register_thread();
	for (;;) {
		/* Pairs with the release of the round: race_obj is set. */
		while (smp_load_acquire(&race_round) == round)
			sched_yield();
		round++;
		if (READ_ONCE(stop))
			break;
		obj_claim(race_obj, id % 3, &race_data[id]);
		__atomic_fetch_add(&race_done, 1, __ATOMIC_RELEASE);
	}
	shim_rcu_unregister_thread();
	return NULL;
}

static void stress_race(void)
{
	pthread_t threads[S_RACERS];
	long rounds = 0, lost = 0, allocs;
	struct timespec t0, t;
	unsigned int i, j;

	if (!CHECK_EQ(objext_host_init(&stress_host), 0))
		return;
	WRITE_ONCE(stop, false);
	race_round = race_done = 0;
	shim_alloc_yield(true);
	for (i = 0; i < S_RACERS; i++)
		pthread_create(&threads[i], NULL, race_thread,
			       (void *)(uintptr_t)i);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		race_obj = obj_new();
		/* Every other round, 5% of the allocations fail. */
		shim_fail_ppm(rounds & 1 ? S_FAIL_PPM : 0);
		allocs = shim_nr_allocs();
		/* Publishes race_obj; the acquire sees race_data[]. */
		smp_store_release(&race_round, rounds + 1);
		while (smp_load_acquire(&race_done) < (rounds + 1) * S_RACERS)
			sched_yield();
		shim_fail_ppm(0);

		/* One area won; every claimer of a slot got its data. */
		if (race_obj->claimed)
			lost += shim_nr_allocs() - allocs - 1;
		CHECK_EQ(shim_percpu_sum(stress_host.stats->live_areas),
			 !!race_obj->claimed);
		/* Claimed and installed on racers' CPUs, summed by objext. */
		CHECK_EQ(debugfs_count(-1), !!race_obj->claimed);
		for (i = 0; i < S_RACERS; i++)
			for (j = 0; j < S_RACERS; j++)
				if (i % 3 == j % 3 && race_data[i] &&
				    race_data[j])
					CHECK(race_data[i] == race_data[j]);
		obj_put(race_obj);
		rounds++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 +
		 (t.tv_nsec - t0.tv_nsec) / 1000000 < test_stress_ms / 3);

	WRITE_ONCE(stop, true);
	/* One more round, in which the racers see stop. */
	smp_store_release(&race_round, rounds + 1);
	shim_alloc_yield(false);
	for (i = 0; i < S_RACERS; i++)
		pthread_join(threads[i], NULL);

	rcu_barrier();
	printf("# race: %ld rounds, %ld lost races, %ld ENOMEM\n",
	       rounds, lost, atomic_long_read(&nr_enomem));
	CHECK(lost > 0);
	CHECK_EQ(atomic_long_read(&errors), 0);
	CHECK_EQ(shim_percpu_sum(stress_host.stats->live_areas), 0);
	CHECK_EQ(shim_cache_live(stress_host.cache), 0);
	CHECK_EQ(atomic_long_read(&nr_freed), atomic_long_read(&nr_objs));
	objext_host_exit(&stress_host);
}

/*
 * Runs thread_fn[i] in one thread each for @ms milliseconds, with 5% of
 * the allocations failing and every allocation yielding, then stops and
 * joins them.
 */
static void run_threads(void *(*const thread_fn[])(void *), unsigned int n,
			unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = ms % 1000 * 1000000L,
	};
	pthread_t threads[16];
	unsigned int i;

	WRITE_ONCE(stop, false);
	shim_fail_ppm(S_FAIL_PPM);
	shim_alloc_yield(true);
	for (i = 0; i < n && i < ARRAY_SIZE(threads); i++)
		pthread_create(&threads[i], NULL, thread_fn[i], NULL);
	nanosleep(&ts, NULL);
	WRITE_ONCE(stop, true);
	while (i--)
		pthread_join(threads[i], NULL);
	shim_fail_ppm(0);
	shim_alloc_yield(false);
}

/* ---- mixed: adders, readers and teardown ----------------------------- */

static void *adder_thread(void *arg)
{
	shim_rcu_register_thread();
	while (!READ_ONCE(stop)) {
		struct sobj *obj;
		bool got;

		rcu_read_lock();
		obj = rcu_dereference(table[thread_random() % S_OBJS]);
		got = atomic_long_inc_not_zero(&obj->refs);
		rcu_read_unlock();
		if (!got)
			continue;
		obj_claim(obj, thread_random() % S_SLOTS, NULL);
		obj_put(obj);
		if (thread_random() % 16 == 0)
			sched_yield();
	}
	shim_rcu_unregister_thread();
	return NULL;
}

static void *reader_thread(void *arg)
{
	shim_rcu_register_thread();
	while (!READ_ONCE(stop)) {
		struct sobj *obj;
		unsigned int s;

		rcu_read_lock();
		obj = rcu_dereference(table[thread_random() % S_OBJS]);
		for (s = 0; s < S_SLOTS; s++) {
			struct s8 *d = objext_find(&obj->ext, &s_slot[s]);
			unsigned long tag = d ? READ_ONCE(d->tag) : 0;

			if (tag && tag != obj->tag)
				stress_error("obj %lu slot %u: read tag %lu",
					     obj->tag, s, tag);
		}
		rcu_read_unlock();
		atomic_long_inc(&nr_reads);
		if (thread_random() % 16 == 0)
			sched_yield();
	}
	shim_rcu_unregister_thread();
	return NULL;
}

static void *teardown_thread(void *arg)
{
	shim_rcu_register_thread();
	while (!READ_ONCE(stop)) {
		struct sobj *new = obj_new(), *old;
		unsigned int i = thread_random() % S_OBJS;

		old = xchg(&table[i], new);
		obj_put(old);
		atomic_long_inc(&nr_replaced);
		if (thread_random() % 64 == 0)
			synchronize_rcu();
		else
			sched_yield();
	}
	shim_rcu_unregister_thread();
	return NULL;
}

static void stress_mixed(void)
{
	static void *(*const mixed_threads[])(void *) = {
		adder_thread, adder_thread, adder_thread, adder_thread,
		reader_thread, reader_thread,
		teardown_thread, teardown_thread,
	};
	long claimed[S_SLOTS] = { }, live = 0, allocs, installed;
	unsigned int i, s;

	if (!CHECK_EQ(objext_host_init(&stress_host), 0))
		return;
	allocs = shim_nr_allocs();
	atomic_long_set(&nr_installed, 0);
	for (i = 0; i < S_OBJS; i++)
		rcu_assign_pointer(table[i], obj_new());

	run_threads(mixed_threads, ARRAY_SIZE(mixed_threads),
		    test_stress_ms * 2 / 3);

	/* Quiescent: one area per object with a claim, counters agree. */
	for (i = 0; i < S_OBJS; i++) {
		struct sobj *obj = rcu_access_pointer(table[i]);
		struct objext *ext = rcu_access_pointer(obj->ext);

		CHECK(!ext == !obj->claimed);
		if (ext)
			CHECK_EQ(ext->active, obj->claimed);
		live += !!ext;
		for (s = 0; s < S_SLOTS; s++)
			claimed[s] += !!(obj->claimed & BIT(s));
	}
	CHECK_EQ(shim_percpu_sum(stress_host.stats->live_areas), live);
	CHECK_EQ(debugfs_count(-1), live);
	for (s = 0; s < S_SLOTS; s++) {
		CHECK_EQ(shim_percpu_sum(stress_host.stats->claims[s]),
			 claimed[s]);
		CHECK_EQ(debugfs_count(s), claimed[s]);
	}

	for (i = 0; i < S_OBJS; i++)
		obj_put(xchg(&table[i], NULL));
	rcu_barrier();

	installed = atomic_long_read(&nr_installed);
	printf("# mixed: %ld adds, %ld ENOMEM, %ld reads, %ld objects replaced, %ld areas, %ld lost races\n",
	       atomic_long_read(&nr_adds), atomic_long_read(&nr_enomem),
	       atomic_long_read(&nr_reads), atomic_long_read(&nr_replaced),
	       installed, shim_nr_allocs() - allocs - installed);
	CHECK(atomic_long_read(&nr_enomem) > 0);
	CHECK_EQ(atomic_long_read(&errors), 0);
	CHECK_EQ(shim_percpu_sum(stress_host.stats->live_areas), 0);
	CHECK_EQ(shim_cache_live(stress_host.cache), 0);
	CHECK_EQ(atomic_long_read(&nr_freed), atomic_long_read(&nr_objs));
	objext_host_exit(&stress_host);
}

/* ---- unreferenced: claims racing teardown --------------------------- */

/* After the claimers' grace period: every successful claim was destroyed. */
static void unref_free_rcu(struct rcu_head *head)
{
	struct sobj *obj = container_of(head, struct sobj, rcu);
	unsigned long claimed = READ_ONCE(obj->claimed);

	if (obj->destroyed != (claimed & DTOR_MASK))
		stress_error("obj %lu: destroyed %#lx, claimed %#lx",
			     obj->tag, obj->destroyed, claimed);
	obj_free_rcu(head);
}

static void unref_retire(struct sobj *obj)
{
	objext_destroy(&stress_host, &obj->ext, obj);
	call_rcu(&obj->rcu, unref_free_rcu);
}

static void *unref_claim_thread(void *arg)
{
	shim_rcu_register_thread();
	while (!READ_ONCE(stop)) {
		unsigned int s = thread_random() % S_SLOTS;
		struct sobj *obj;
		void *d;

		rcu_read_lock();
		obj = rcu_dereference(table[thread_random() % S_UNREF_OBJS]);
		d = objext_add(&obj->ext, &s_slot[s], GFP_NOWAIT);
		if (d) {
			atomic_long_inc(&nr_adds);
			__atomic_fetch_or(&obj->claimed, BIT(s),
					  __ATOMIC_RELAXED);
		} else {
			atomic_long_inc(&nr_enomem);
		}
		rcu_read_unlock();
	}
	shim_rcu_unregister_thread();
	return NULL;
}

static void *unref_teardown_thread(void *arg)
{
	shim_rcu_register_thread();
	while (!READ_ONCE(stop)) {
		struct sobj *old;

		old = xchg(&table[thread_random() % S_UNREF_OBJS], obj_new());
		unref_retire(old);
		atomic_long_inc(&nr_replaced);
	}
	shim_rcu_unregister_thread();
	return NULL;
}

static void stress_unreferenced(void)
{
	static void *(*const unref_threads[])(void *) = {
		unref_claim_thread, unref_claim_thread, unref_claim_thread,
		unref_claim_thread, unref_teardown_thread, unref_teardown_thread,
	};
	unsigned int i, s;

	if (!CHECK_EQ(objext_host_init(&stress_host), 0))
		return;
	atomic_long_set(&nr_adds, 0);
	atomic_long_set(&nr_enomem, 0);
	atomic_long_set(&nr_replaced, 0);
	for (i = 0; i < S_OBJS; i++)
		rcu_assign_pointer(table[i], obj_new());

	WRITE_ONCE(unreferenced, true);
	run_threads(unref_threads, ARRAY_SIZE(unref_threads),
		    test_stress_ms / 3);

	for (i = 0; i < S_OBJS; i++)
		unref_retire(xchg(&table[i], NULL));
	rcu_barrier();
	WRITE_ONCE(unreferenced, false);

	printf("# unreferenced: %ld claims, %ld failed, %ld objects torn down\n",
	       atomic_long_read(&nr_adds), atomic_long_read(&nr_enomem),
	       atomic_long_read(&nr_replaced));
	CHECK(atomic_long_read(&nr_replaced) > 0);
	CHECK_EQ(atomic_long_read(&errors), 0);
	CHECK_EQ(shim_percpu_sum(stress_host.stats->live_areas), 0);
	for (s = 0; s < S_SLOTS; s++)
		CHECK_EQ(shim_percpu_sum(stress_host.stats->claims[s]), 0);
	CHECK_EQ(shim_cache_live(stress_host.cache), 0);
	CHECK_EQ(atomic_long_read(&nr_freed), atomic_long_read(&nr_objs));
	objext_host_exit(&stress_host);
}

void stress_tests(void)
{
	test_run("stress: racing first claims", stress_race);
	test_run("stress: adders, readers, teardown", stress_mixed);
	test_run("stress: claims without a reference racing teardown",
		 stress_unreferenced);
}
