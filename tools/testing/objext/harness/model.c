// SPDX-License-Identifier: GPL-2.0
/*
 * Randomised model check: a seeded PRNG drives gets, stores (matching or
 * not, NULL or not, with allocations failing now and then), teardown and
 * reuse of a few objects, and every step is compared with a plain
 * reference model of what objext promises: each slot's value, which slots
 * have cells (the area's presence word, its size and cell order), the
 * per-CPU counters, and the destructor calls of each teardown (once per
 * slot holding a value, in table order, with the value).  In some
 * teardowns the destructors also store into a slot of the dying object:
 * the values still read back, a new value fails, and a clear lands, after
 * which the slot's destructor, if its turn has not come, is not called.
 */

#include <stdlib.h>
#include <string.h>

#include <linux/objext.h>
#include <linux/slab.h>

#include "shim.h"
#include "test.h"

#define M_OBJS		16
#define M_SLOTS		7
#define M_VALUES	8	/* distinct non-NULL values per slot */
#define M_SWEEP		4096	/* steps between checks of all */
#define M_BARRIER	32768	/* steps between checks of freed areas */

static struct objext_host model_host;
static void model_destroy(void *value, void *owner);

static struct objext_slot m_slot[M_SLOTS] = {
	OBJEXT_SLOT_INIT("m0", model_host, model_destroy),
	OBJEXT_SLOT_INIT("m1", model_host, model_destroy),
	OBJEXT_SLOT_INIT("plain", model_host, NULL),
	OBJEXT_SLOT_INIT("m3", model_host, model_destroy),
	OBJEXT_SLOT_INIT("m4", model_host, model_destroy),
	OBJEXT_SLOT_INIT("m5", model_host, model_destroy),
	OBJEXT_SLOT_INIT("m6", model_host, model_destroy),
};

static struct objext_slot *m_table[M_SLOTS] = {
	&m_slot[0], &m_slot[1], &m_slot[2], &m_slot[3],
	&m_slot[4], &m_slot[5], &m_slot[6],
};

static struct objext_host model_host =
	OBJEXT_HOST_INIT("model", m_table, M_SLOTS);

/* The values: distinct addresses, per slot. */
static long m_values[M_SLOTS][M_VALUES];

struct mobj {
	struct objext __rcu *ext;
	unsigned int id;
};

/* What objext should hold for one object. */
struct mstate {
	bool dead;		/* torn down: nothing stored, nothing read */
	bool cell[M_SLOTS];
	void *value[M_SLOTS];
};

static struct mobj *objs[M_OBJS];
static struct mstate model[M_OBJS];
static long model_areas[M_SLOTS], model_claimed[M_SLOTS];

/* Destructor calls of the current teardown. */
static struct mobj *dying;
static int late_slot = -1;	/* slot the destructors store into */
static bool late_cleared;	/* a destructor cleared it */
static unsigned int nr_calls;
static int call_slot[M_SLOTS];
static void *call_value[M_SLOTS];
static bool call_late_ok;

static unsigned long rng;

static unsigned long rnd(unsigned long n)
{
	/* xorshift64*, good enough and reproducible from the seed */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (rng * 0x2545f4914f6cdd1dUL) % n;
}

static void *rnd_value(unsigned int s)
{
	unsigned long v = rnd(M_VALUES + 1);

	return v == M_VALUES ? NULL : &m_values[s][v];
}

static int slot_of(void *value)
{
	unsigned int s;

	for (s = 0; s < M_SLOTS; s++)
		if ((long *)value >= m_values[s] &&
		    (long *)value < m_values[s] + M_VALUES)
			return s;
	return -1;
}

static void model_destroy(void *value, void *owner)
{
	struct mobj *obj = owner;
	void *late;

	if (obj != dying || nr_calls >= M_SLOTS) {
		test_fail("destructor call for the wrong object or too many");
		return;
	}
	call_slot[nr_calls] = slot_of(value);
	call_value[nr_calls] = value;
	nr_calls++;
	if (late_slot < 0 || late_cleared)
		return;
	/* Reads answer while the destructors run. */
	late = objext_get(&obj->ext, m_table[late_slot]);
	if (late != model[obj->id].value[late_slot])
		call_late_ok = false;
	if (!late) {
		/* A new value fails. */
		if (objext_cmpxchg(&obj->ext, m_table[late_slot], NULL,
				   &m_values[late_slot][0],
				   GFP_KERNEL) != ERR_PTR(-ENOENT))
			call_late_ok = false;
		return;
	}
	/* A clear lands; a slot whose turn is still to come is skipped. */
	if (objext_cmpxchg(&obj->ext, m_table[late_slot], late, NULL, 0) != late)
		call_late_ok = false;
	late_cleared = true;
	if (late_slot > call_slot[nr_calls - 1])
		model[obj->id].value[late_slot] = NULL;
}

static unsigned int popcount_cells(const struct mstate *m)
{
	unsigned int s, n = 0;

	for (s = 0; s < M_SLOTS; s++)
		n += m->cell[s];
	return n;
}

#define MCHECK(cond, fmt, ...)						\
	(CHECK(cond) || (test_fail("seed %lu step %lu obj %u: " fmt,	\
				   seed, step, i, ##__VA_ARGS__), false))

static unsigned long seed, step;

/* The object @i against its model. */
static bool check_obj(unsigned int i)
{
	const struct mstate *m = &model[i];
	struct mobj *obj = objs[i];
	struct objext *ext = objext_word_area(objext_word(&obj->ext));
	unsigned int s, cell = 0;

	if (m->dead)
		return MCHECK(rcu_access_pointer(obj->ext) == OBJEXT_DEAD,
			      "not dead");
	if (!MCHECK(!ext == !popcount_cells(m), "area %p", ext))
		return false;
	for (s = 0; s < M_SLOTS; s++) {
		if (!MCHECK(objext_get(&obj->ext, m_table[s]) == m->value[s],
			    "slot %u value", s) ||
		    !MCHECK(objext_claimed(&obj->ext, m_table[s]) == m->cell[s],
			    "slot %u claimed", s))
			return false;
		if (!ext)
			continue;
		if (!MCHECK(!!(ext->present & BIT(s)) == m->cell[s],
			    "slot %u presence", s))
			return false;
		if (m->cell[s] && !MCHECK(ext->cells[cell++] == m->value[s],
					  "slot %u cell order", s))
			return false;
	}
	return true;
}

static bool check_counts(void)
{
	unsigned int s, i = 0;

	for (s = 0; s < M_SLOTS; s++) {
		if (!MCHECK(shim_percpu_sum(model_host.counts[s]) ==
			    model_areas[s], "areas with %u cells", s + 1) ||
		    !MCHECK(shim_percpu_sum(model_host.counts[M_SLOTS + s]) ==
			    model_claimed[s], "claims of slot %u", s))
			return false;
	}
	return true;
}

static bool step_store(unsigned int i)
{
	struct mstate *m = &model[i];
	unsigned int s = rnd(M_SLOTS), before = popcount_cells(m);
	/* Mostly the current value as @old, so that most stores land. */
	void *old = rnd(4) ? m->value[s] : rnd_value(s);
	void *new = rnd_value(s);
	void *ret;
	long injected = shim_nr_injected();

	ret = objext_cmpxchg(&objs[i]->ext, m_table[s], old, new, GFP_KERNEL);
	if (m->dead) {
		/* Reads NULL; a store that would land fails. */
		void *want = old || !new ? NULL : ERR_PTR(-ENOENT);

		return MCHECK(ret == want, "store into dead: %p", ret);
	}
	if (old != m->value[s] || old == new)
		return MCHECK(ret == m->value[s], "mismatch returned %p", ret);
	if (!m->cell[s] && new && shim_nr_injected() != injected)
		return MCHECK(ret == ERR_PTR(-ENOMEM), "ENOMEM returned %p",
			      ret);
	if (!MCHECK(ret == old, "store returned %p", ret))
		return false;
	m->value[s] = new;
	if (!m->cell[s]) {
		m->cell[s] = true;
		model_claimed[s]++;
		if (before)
			model_areas[before - 1]--;
		model_areas[before]++;
	}
	return true;
}

static bool step_destroy(unsigned int i)
{
	struct mstate *m = &model[i];
	unsigned int s, n = 0, cells = popcount_cells(m);
	bool ok = true;

	dying = objs[i];
	nr_calls = 0;
	call_late_ok = true;
	late_cleared = false;
	late_slot = rnd(3) ? -1 : (int)rnd(M_SLOTS);
	objext_destroy(&model_host, &objs[i]->ext, objs[i]);
	dying = NULL;

	for (s = 0; s < M_SLOTS; s++) {
		if (!m->cell[s])
			continue;
		model_claimed[s]--;
		if (!m->value[s] || !m_table[s]->destroy)
			continue;
		ok &= MCHECK(n < nr_calls && call_slot[n] == (int)s &&
			     call_value[n] == m->value[s],
			     "destructor call %u: slot %d", n,
			     n < nr_calls ? call_slot[n] : -1);
		n++;
	}
	ok &= MCHECK(nr_calls == n, "%u destructor calls, want %u",
		     nr_calls, n);
	ok &= MCHECK(call_late_ok, "store or read in a destructor");
	if (cells && !m->dead)
		model_areas[cells - 1]--;
	memset(m, 0, sizeof(*m));
	m->dead = true;
	return ok;
}

static bool model_step(unsigned int i)
{
	unsigned long op = rnd(100);

	if (op < 70)
		return step_store(i);
	if (op < 95)
		return check_obj(i);
	if (op < 98)
		return step_destroy(i);
	/* A host that reuses a dead object resets its pointer. */
	if (model[i].dead) {
		RCU_INIT_POINTER(objs[i]->ext, NULL);
		model[i].dead = false;
	}
	return true;
}

static void model_run(unsigned long run_seed)
{
	unsigned int i;

	seed = run_seed;
	rng = seed * 0x9e3779b97f4a7c15UL + 1;
	memset(model, 0, sizeof(model));
	memset(model_areas, 0, sizeof(model_areas));
	memset(model_claimed, 0, sizeof(model_claimed));
	if (!CHECK_EQ(objext_host_init(&model_host), 0))
		return;
	for (i = 0; i < M_OBJS; i++) {
		objs[i] = calloc(1, sizeof(*objs[i]));
		objs[i]->id = i;
	}
	shim_fail_ppm(20000);
	for (step = 0; step < test_steps; step++) {
		i = rnd(M_OBJS);
		if (!model_step(i))
			break;
		if (step % M_SWEEP == 0) {
			bool ok = check_counts();

			for (i = 0; ok && i < M_OBJS; i++)
				ok = check_obj(i);
			if (!ok)
				break;
		}
		if (step % M_BARRIER == 0)
			rcu_barrier();
	}
	shim_fail_ppm(0);
	for (i = 0; i < M_OBJS; i++) {
		if (!model[i].dead)
			step_destroy(i);
		free(objs[i]);
	}
	rcu_barrier();
	check_counts();
	for (i = 0; i < M_SLOTS; i++)
		CHECK_EQ(shim_cache_live(model_host.caches[i]), 0);
	objext_host_exit(&model_host);
}

static void test_model(void)
{
	static const unsigned long seeds[] = { 1, 2, 3, 0xdeadbeef };
	unsigned int k;

	if (test_seed) {
		model_run(test_seed);
		return;
	}
	for (k = 0; k < ARRAY_SIZE(seeds); k++)
		model_run(seeds[k]);
}

void model_tests(void)
{
	test_run("model: random stores and teardown against a model",
		 test_model);
}
