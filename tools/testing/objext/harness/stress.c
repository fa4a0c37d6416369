// SPDX-License-Identifier: GPL-2.0
/*
 * Multi-threaded stress, for TSan as much as for the checks:
 *
 *  race      racers store the first values of a fresh object's slots at
 *            once, several per slot: one value per slot wins, every
 *            racer of a slot sees it, and concurrent first values of
 *            different slots all land, whichever area each started from;
 *  mixed     writers replace values in the slots of shared objects
 *            (areas growing under them), readers read them under RCU,
 *            and a thread replaces objects and tears the old ones down
 *            once no writer can reach them;
 *  unref     the same, but teardown does not wait for the writers, as
 *            when a BPF program stores into an inode it holds no
 *            reference on: stores race teardown.
 *
 * Every value is a token that exactly one party frees: the writer whose
 * store failed or did not match, the writer that replaced it, or the
 * slot's destructor.  So ASan reports a value stored after teardown and
 * never destroyed (a leak), or destroyed and replaced both (a double
 * free); readers check each token they read under RCU.  5% of the
 * allocations fail.
 */

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/atomic.h>
#include <linux/objext.h>
#include <linux/slab.h>

#include "shim.h"
#include "test.h"

#define S_SLOTS		6
#define S_OBJS		64
#define S_RACERS	12
#define S_FAIL_PPM	50000

static struct objext_host stress_host;
static void stress_destroy(void *value, void *owner);

static struct objext_slot s_slot[S_SLOTS] = {
	OBJEXT_SLOT_INIT("s0", stress_host, stress_destroy),
	OBJEXT_SLOT_INIT("s1", stress_host, stress_destroy),
	OBJEXT_SLOT_INIT("s2", stress_host, stress_destroy),
	OBJEXT_SLOT_INIT("s3", stress_host, stress_destroy),
	OBJEXT_SLOT_INIT("s4", stress_host, stress_destroy),
	OBJEXT_SLOT_INIT("s5", stress_host, stress_destroy),
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

struct sobj {
	struct objext __rcu *ext;
	unsigned long id;
	struct rcu_head rcu;
};

/* A value: which object and slot it was made for, freed after RCU. */
struct token {
	unsigned long obj_id;
	unsigned int slot;
	/*
	 * A writer that clears a token during teardown and the slot's
	 * destructor may both get it: the first to put it frees it, as BPF
	 * local storage settles that under its lock.
	 */
	unsigned long put;
	struct rcu_head rcu;
};

static struct sobj __rcu *table[S_OBJS];
static bool stop;
static atomic_long_t errors, next_id;
static atomic_long_t nr_tokens, nr_token_frees, nr_destroyed;
static atomic_long_t nr_stores, nr_failed, nr_reads, nr_replaced;

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
		state = (uintptr_t)&state * 0x9e3779b97f4a7c15ull | 1;
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state >> 32;
}

static struct token *token_new(struct sobj *obj, unsigned int slot)
{
	struct token *t = malloc(sizeof(*t));

	if (!t)
		abort();
	t->obj_id = obj->id;
	t->slot = slot;
	t->put = 0;
	atomic_long_inc(&nr_tokens);
	return t;
}

static void token_free_rcu(struct rcu_head *head)
{
	free(container_of(head, struct token, rcu));
}

/* Readers may still look at it: free after a grace period. */
static void token_put(struct token *t)
{
	if (!t || xchg(&t->put, 1))
		return;
	atomic_long_inc(&nr_token_frees);
	call_rcu(&t->rcu, token_free_rcu);
}

static bool token_valid(struct token *t, struct sobj *obj, unsigned int s)
{
	return !t || (t->obj_id == obj->id && t->slot == s);
}

static void stress_destroy(void *value, void *owner)
{
	struct sobj *obj = owner;
	struct token *t = value, *cur;
	unsigned int s = t->slot;

	/* The slot holds the value, or NULL if a writer cleared it since. */
	cur = objext_get(&obj->ext, s_table[s]);
	if (!token_valid(t, obj, s) || (cur && cur != value))
		stress_error("destructor of obj %lu got a wrong value",
			     obj->id);
	atomic_long_inc(&nr_destroyed);
	token_put(t);
}

static struct sobj *obj_new(void)
{
	struct sobj *obj = calloc(1, sizeof(*obj));

	if (!obj)
		abort();
	obj->id = atomic_long_inc_return(&next_id);
	return obj;
}

static void obj_free_rcu(struct rcu_head *head)
{
	free(container_of(head, struct sobj, rcu));
}

static void obj_destroy(struct sobj *obj)
{
	objext_destroy(&stress_host, &obj->ext, obj);
	/* Writers without a reference may still hold it: RCU. */
	call_rcu(&obj->rcu, obj_free_rcu);
}

/*
 * Replace slot @s's value with a new token, or with NULL now and then;
 * whoever ends up owning a token that is no one's value frees it.
 */
static void store_one(struct sobj *obj, unsigned int s)
{
	struct token *old = objext_get(&obj->ext, s_table[s]);
	struct token *new = thread_random() % 4 ? token_new(obj, s) : NULL;
	void *ret;

	ret = objext_cmpxchg(&obj->ext, s_table[s], old, new, GFP_ATOMIC);
	atomic_long_inc(&nr_stores);
	if (IS_ERR(ret)) {
		if (ret != ERR_PTR(-ENOMEM) && ret != ERR_PTR(-ENOENT))
			stress_error("store returned %ld", PTR_ERR(ret));
		atomic_long_inc(&nr_failed);
		token_put(new);
		return;
	}
	if (!token_valid(ret, obj, s))
		stress_error("store into obj %lu slot %u returned a wrong value",
			     obj->id, s);
	if (ret != old || old == new) {
		token_put(new);		/* not stored */
		return;
	}
	atomic_long_inc(&nr_replaced);
	token_put(old);			/* ours now */
}

/* ---- race ------------------------------------------------------------ */

static struct sobj *race_obj;
static void *race_ret[S_RACERS];
static struct token *race_token[S_RACERS];
static long race_round, race_done;

static void *race_thread(void *arg)
{
	unsigned int me = (uintptr_t)arg, s = me % S_SLOTS;
	long round = 0;

	shim_rcu_register_thread();
	shim_alloc_yield(true);
	for (;;) {
		while (smp_load_acquire(&race_round) == round)
			sched_yield();
		round = smp_load_acquire(&race_round);
		if (READ_ONCE(stop))
			break;
		race_token[me] = token_new(race_obj, s);
		race_ret[me] = objext_cmpxchg(&race_obj->ext, s_table[s], NULL,
					      race_token[me], GFP_KERNEL);
		__atomic_fetch_add(&race_done, 1, __ATOMIC_RELEASE);
	}
	shim_rcu_unregister_thread();
	return NULL;
}

static void stress_race(void)
{
	pthread_t threads[S_RACERS];
	struct timespec t0, t;
	long rounds = 0, enomem = 0;
	unsigned int i, s;

	if (!CHECK_EQ(objext_host_init(&stress_host), 0))
		return;
	WRITE_ONCE(stop, false);
	race_round = race_done = 0;
	for (i = 0; i < S_RACERS; i++)
		pthread_create(&threads[i], NULL, race_thread,
			       (void *)(uintptr_t)i);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		race_obj = obj_new();
		shim_fail_ppm(rounds & 1 ? S_FAIL_PPM : 0);
		smp_store_release(&race_round, rounds + 1);
		while (smp_load_acquire(&race_done) < (rounds + 1) * S_RACERS)
			sched_yield();
		shim_fail_ppm(0);

		/* Per slot: one winner, whose value the others saw. */
		for (s = 0; s < S_SLOTS; s++) {
			struct token *v = objext_get(&race_obj->ext, s_table[s]);
			unsigned int winners = 0;

			for (i = s; i < S_RACERS; i += S_SLOTS) {
				if (race_ret[i] == ERR_PTR(-ENOMEM)) {
					enomem++;
					token_put(race_token[i]);
					continue;
				}
				if (!race_ret[i]) {
					winners++;
					CHECK(v == race_token[i]);
					continue;
				}
				CHECK(race_ret[i] == v);
				token_put(race_token[i]);
			}
			CHECK_EQ(winners, !!v);
		}
		obj_destroy(race_obj);
		rounds++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 +
		 (t.tv_nsec - t0.tv_nsec) / 1000000 < test_stress_ms / 3);

	WRITE_ONCE(stop, true);
	smp_store_release(&race_round, rounds + 1);
	for (i = 0; i < S_RACERS; i++)
		pthread_join(threads[i], NULL);
	rcu_barrier();
	printf("# race: %ld rounds, %ld ENOMEM\n", rounds, enomem);
	CHECK_EQ(atomic_long_read(&errors), 0);
	CHECK_EQ(debugfs_count(-1), 0);
	CHECK_EQ(atomic_long_read(&nr_tokens),
		 atomic_long_read(&nr_token_frees));
	objext_host_exit(&stress_host);
}

/* ---- replace --------------------------------------------------------- */

/*
 * One object whose area a writer keeps replacing (stores of first values,
 * teardown, reuse), while readers read two of its slots: a reader must
 * never take a value from an area that is no longer the object's, whose
 * first words the RCU head has overwritten.
 */
static struct sobj replace_obj;
static long replace_tokens[S_SLOTS];
static atomic_long_t nr_replace_rounds;

static void *replace_writer(void *arg)
{
	unsigned int s;

	shim_rcu_register_thread();
	while (!READ_ONCE(stop)) {
		for (s = 0; s < S_SLOTS; s++)
			objext_cmpxchg(&replace_obj.ext, s_table[s], NULL,
				       &replace_tokens[s], GFP_KERNEL);
		/* The tokens are not malloc()ed: no destructor calls. */
		objext_destroy(&stress_host, &replace_obj.ext, NULL);
		RCU_INIT_POINTER(replace_obj.ext, NULL);
		atomic_long_inc(&nr_replace_rounds);
	}
	shim_rcu_unregister_thread();
	return NULL;
}

static void *replace_reader(void *arg)
{
	unsigned int s = (uintptr_t)arg;

	shim_rcu_register_thread();
	while (!READ_ONCE(stop)) {
		void *v = objext_get(&replace_obj.ext, s_table[s]);

		if (v && v != &replace_tokens[s])
			stress_error("slot %u read %p", s, v);
	}
	shim_rcu_unregister_thread();
	return NULL;
}

static void stress_replace(void)
{
	static struct objext_slot r_slot[S_SLOTS];
	static struct objext_slot *r_table[S_SLOTS];
	pthread_t threads[3];
	unsigned int i;

	/* The stress host's destructors want tokens: a host without. */
	for (i = 0; i < S_SLOTS; i++) {
		r_slot[i] = (struct objext_slot)
			OBJEXT_SLOT_INIT("r", stress_host, NULL);
		r_table[i] = &r_slot[i];
	}
	stress_host = (struct objext_host)
		OBJEXT_HOST_INIT("stress", r_table, S_SLOTS);
	if (!CHECK_EQ(objext_host_init(&stress_host), 0))
		goto out;
	WRITE_ONCE(stop, false);
	pthread_create(&threads[0], NULL, replace_writer, NULL);
	pthread_create(&threads[1], NULL, replace_reader, (void *)1);
	pthread_create(&threads[2], NULL, replace_reader, (void *)4);
	/* The window is a few instructions wide: never less than 0.5 s. */
	usleep(max(test_stress_ms / 3, 500u) * 1000);
	WRITE_ONCE(stop, true);
	for (i = 0; i < ARRAY_SIZE(threads); i++)
		pthread_join(threads[i], NULL);
	objext_destroy(&stress_host, &replace_obj.ext, NULL);
	rcu_barrier();
	printf("# replace: %ld rounds\n", atomic_long_read(&nr_replace_rounds));
	CHECK(atomic_long_read(&nr_replace_rounds) > 0);
	CHECK_EQ(atomic_long_read(&errors), 0);
	objext_host_exit(&stress_host);
out:
	stress_host = (struct objext_host)
		OBJEXT_HOST_INIT("stress", s_table, S_SLOTS);
}

/* ---- mixed and unref ------------------------------------------------- */

static bool unreferenced;

static void *writer_thread(void *arg)
{
	shim_rcu_register_thread();
	shim_alloc_yield(true);
	while (!READ_ONCE(stop)) {
		struct sobj *obj;

		rcu_read_lock();
		obj = rcu_dereference(table[thread_random() % S_OBJS]);
		if (obj)
			store_one(obj, thread_random() % S_SLOTS);
		rcu_read_unlock();
	}
	shim_rcu_unregister_thread();
	return NULL;
}

static void *reader_thread(void *arg)
{
	shim_rcu_register_thread();
	while (!READ_ONCE(stop)) {
		unsigned int s = thread_random() % S_SLOTS;
		struct sobj *obj;
		struct token *t;

		rcu_read_lock();
		obj = rcu_dereference(table[thread_random() % S_OBJS]);
		if (obj) {
			t = objext_get(&obj->ext, s_table[s]);
			if (!token_valid(t, obj, s))
				stress_error("read a wrong value");
			atomic_long_inc(&nr_reads);
		}
		rcu_read_unlock();
	}
	shim_rcu_unregister_thread();
	return NULL;
}

static void *teardown_thread(void *arg)
{
	shim_rcu_register_thread();
	while (!READ_ONCE(stop)) {
		struct sobj *obj = xchg(&table[thread_random() % S_OBJS],
					obj_new());

		/* Referenced: no writer can reach it after a grace period. */
		if (!unreferenced)
			synchronize_rcu();
		obj_destroy(obj);
		sched_yield();
	}
	shim_rcu_unregister_thread();
	return NULL;
}

static void stress_run(bool unref)
{
	static void *(*const fn[])(void *) = {
		writer_thread, writer_thread, writer_thread, writer_thread,
		reader_thread, reader_thread, teardown_thread,
	};
	pthread_t threads[ARRAY_SIZE(fn)];
	unsigned int i, s;

	if (!CHECK_EQ(objext_host_init(&stress_host), 0))
		return;
	unreferenced = unref;
	WRITE_ONCE(stop, false);
	for (i = 0; i < S_OBJS; i++)
		table[i] = obj_new();
	shim_fail_ppm(S_FAIL_PPM);
	for (i = 0; i < ARRAY_SIZE(fn); i++)
		pthread_create(&threads[i], NULL, fn[i], NULL);
	usleep(test_stress_ms * 1000 / 3);
	WRITE_ONCE(stop, true);
	for (i = 0; i < ARRAY_SIZE(fn); i++)
		pthread_join(threads[i], NULL);
	shim_fail_ppm(0);

	/* Quiescent: the counters agree with the objects. */
	{
		long live = 0, claimed[S_SLOTS] = {};

		for (i = 0; i < S_OBJS; i++) {
			struct sobj *obj = table[i];

			live += objext_word_area(objext_word(&obj->ext)) != NULL;
			for (s = 0; s < S_SLOTS; s++)
				claimed[s] += objext_claimed(&obj->ext,
							     s_table[s]);
		}
		CHECK_EQ(debugfs_count(-1), live);
		for (s = 0; s < S_SLOTS; s++)
			CHECK_EQ(debugfs_count(s), claimed[s]);
	}
	for (i = 0; i < S_OBJS; i++)
		obj_destroy(xchg(&table[i], NULL));
	rcu_barrier();

	printf("# %s: %ld stores, %ld failed, %ld replaced, %ld reads, %ld destroyed\n",
	       unref ? "unref" : "mixed", atomic_long_read(&nr_stores),
	       atomic_long_read(&nr_failed), atomic_long_read(&nr_replaced),
	       atomic_long_read(&nr_reads), atomic_long_read(&nr_destroyed));
	CHECK(atomic_long_read(&nr_failed) > 0);
	CHECK(atomic_long_read(&nr_destroyed) > 0);
	CHECK_EQ(atomic_long_read(&errors), 0);
	CHECK_EQ(debugfs_count(-1), 0);
	for (s = 0; s < S_SLOTS; s++)
		CHECK_EQ(shim_cache_live(stress_host.caches[s]), 0);
	/* Every token freed exactly once (ASan: not twice). */
	CHECK_EQ(atomic_long_read(&nr_tokens),
		 atomic_long_read(&nr_token_frees));
	objext_host_exit(&stress_host);
}

static void stress_mixed(void)
{
	stress_run(false);
}

static void stress_unref(void)
{
	stress_run(true);
}

void stress_tests(void)
{
	/* debugfs, when the unit tests did not run first. */
	shim_do_initcalls();
	test_run("stress: racing first values", stress_race);
	test_run("stress: readers of an area being replaced", stress_replace);
	test_run("stress: writers, readers, teardown", stress_mixed);
	test_run("stress: stores without a reference racing teardown",
		 stress_unref);
}
