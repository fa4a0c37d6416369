// SPDX-License-Identifier: GPL-2.0
/*
 * Randomised model check: a seeded PRNG drives add/find/clear/destroy/
 * recreate on a few objects, and every step is compared with a plain
 * reference model of what objext promises.  In some destroy steps every
 * destructor also tries to claim a slot of the dying object: teardown
 * has closed the area, so the claim of a slot that was not claimed must
 * fail, and that of a claimed one (whose destructor runs anyway) returns
 * its data as before.
 */

#include <stdlib.h>
#include <string.h>

#include <linux/objext.h>
#include <linux/slab.h>

#include "shim.h"
#include "test.h"

#define M_OBJS		16
#define M_SLOTS		7
#define M_MAX_SIZE	40
#define M_SWEEP		4096	/* steps between checks of all */
#define M_BARRIER	32768	/* steps between checks of freed areas */

struct m3 {
	u8 b[3];
};

struct m32 {
	u8 b[32];
} __aligned(32);

struct m40 {
	u64 w[5];
};

static struct objext_host model_host;
static void model_destroy(void *data, void *owner);

static struct objext_slot m_slot[M_SLOTS] = {
	OBJEXT_SLOT_INIT("u8", model_host, u8, model_destroy),
	OBJEXT_SLOT_INIT("m40", model_host, struct m40, model_destroy),
	OBJEXT_SLOT_INIT("u32", model_host, u32, NULL),
	OBJEXT_SLOT_INIT("m3", model_host, struct m3, model_destroy),
	OBJEXT_SLOT_INIT("m32", model_host, struct m32, model_destroy),
	OBJEXT_SLOT_INIT("u16", model_host, u16, model_destroy),
	OBJEXT_SLOT_INIT("u64", model_host, u64, model_destroy),
};

static struct objext_slot *m_table[M_SLOTS] = {
	&m_slot[0], &m_slot[1], &m_slot[2], &m_slot[3],
	&m_slot[4], &m_slot[5], &m_slot[6],
};

static struct objext_host model_host =
	OBJEXT_HOST_INIT("model", m_table, M_SLOTS);

struct mobj {
	struct objext __rcu *ext;
	unsigned int id;
};

/* What objext should hold for one object. */
struct mstate {
	bool dead;		/* torn down: no area, and claims fail */
	bool area;
	bool claimed[M_SLOTS];
	void *ptr[M_SLOTS];
	u8 data[M_SLOTS][M_MAX_SIZE];
};

static struct mobj *objs[M_OBJS];
static struct mstate model[M_OBJS];
static long model_live, model_claimed[M_SLOTS];

/* Destructor calls of the current destroy step. */
static struct objext *dying_area;
static int late_slot = -1;		/* slot the destructors try to claim */
static unsigned int nr_calls, nr_late_claims;	/* claims that went wrong */
static struct {
	int slot;
	bool same_data;
	bool attached;
} calls[M_SLOTS + 1];

static unsigned long seed, step;
static unsigned long nr_adds, nr_failed, nr_destroys, nr_dtor_calls;
static u64 rng;

static u64 model_random(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static unsigned int below(unsigned int n)
{
	return (model_random() >> 32) % n;
}

#define MCHECK(cond, fmt, ...)						\
({									\
	bool __ok = (cond);						\
									\
	if (!__ok)							\
		test_fail("seed %lu step %lu: %s: " fmt, seed, step,	\
			  #cond, ##__VA_ARGS__);			\
	__ok;								\
})

static void model_destroy(void *data, void *owner)
{
	struct mobj *obj = owner;
	int s;

	for (s = M_SLOTS - 1; s >= 0; s--)
		if ((char *)data - (char *)dying_area == m_slot[s].offset)
			break;
	if (nr_calls < ARRAY_SIZE(calls)) {
		calls[nr_calls].slot = s;
		calls[nr_calls].same_data = s >= 0 &&
			!memcmp(data, model[obj->id].data[s], m_slot[s].size);
		calls[nr_calls].attached = s >= 0 &&
			objext_find(&obj->ext, &m_slot[s]) == data;
	}
	nr_calls++;
	if (late_slot >= 0) {
		void *p = objext_add(&obj->ext, &m_slot[late_slot], GFP_KERNEL);

		if (p != (model[obj->id].claimed[late_slot] ?
			  model[obj->id].ptr[late_slot] : NULL))
			nr_late_claims++;
	}
}

/* Compares object @o with its model. */
static bool check_obj(unsigned int o)
{
	struct mstate *m = &model[o];
	struct mobj *obj = objs[o];
	unsigned int s;

	if (!MCHECK(!!objext_area(&obj->ext) == m->area, "obj %u", o))
		return false;
	for (s = 0; s < M_SLOTS; s++) {
		void *p = objext_find(&obj->ext, &m_slot[s]);

		if (!MCHECK(objext_claimed(&obj->ext, &m_slot[s]) ==
			    m->claimed[s], "obj %u slot %u", o, s) ||
		    !MCHECK(!p == !m->area, "obj %u slot %u", o, s))
			return false;
		if (p && !MCHECK(!memcmp(p, m->data[s], m_slot[s].size),
				 "obj %u slot %u", o, s))
			return false;
	}
	return true;
}

static bool check_counters(void)
{
	unsigned int s;

	if (!MCHECK(shim_percpu_sum(model_host.stats->live_areas) == model_live, ""))
		return false;
	for (s = 0; s < M_SLOTS; s++)
		if (!MCHECK(shim_percpu_sum(model_host.stats->claims[s]) ==
			    model_claimed[s], "slot %u", s))
			return false;
	return true;
}

static bool step_add(unsigned int o, unsigned int s)
{
	struct mstate *m = &model[o];
	long allocs = shim_nr_allocs(), injected = shim_nr_injected();
	bool fail = !below(16);
	void *p;

	if (fail)
		shim_fail_nth(1);
	p = objext_add(&objs[o]->ext, &m_slot[s], GFP_KERNEL);
	shim_fail_nth(0);

	/* Only the first claim on an object allocates. */
	nr_adds++;
	if (m->dead) {
		nr_failed++;
		return MCHECK(!p, "obj %u slot %u", o, s) &&
		       MCHECK(shim_nr_allocs() == allocs, "");
	}
	if (!m->area && fail) {
		nr_failed++;
		return MCHECK(!p, "obj %u slot %u", o, s) &&
		       MCHECK(shim_nr_allocs() == allocs, "") &&
		       MCHECK(shim_nr_injected() == injected + 1, "");
	}
	if (!MCHECK(p, "obj %u slot %u", o, s) ||
	    !MCHECK(shim_nr_allocs() == allocs + !m->area, "") ||
	    !MCHECK(shim_nr_injected() == injected, ""))
		return false;
	if (!MCHECK((char *)p - (char *)rcu_access_pointer(objs[o]->ext) ==
		    m_slot[s].offset, "obj %u slot %u", o, s))
		return false;
	if (m->claimed[s] && !MCHECK(p == m->ptr[s], "obj %u slot %u", o, s))
		return false;

	if (!m->area) {
		m->area = true;
		model_live++;
	}
	if (!m->claimed[s]) {
		m->claimed[s] = true;
		m->ptr[s] = p;
		model_claimed[s]++;
	}
	/* Claiming returns the data as it was. */
	if (!MCHECK(!memcmp(p, m->data[s], m_slot[s].size), "obj %u", o))
		return false;
	if (below(2)) {
		unsigned int i;

		for (i = 0; i < m_slot[s].size; i++)
			m->data[s][i] = model_random() >> 56;
		memcpy(p, m->data[s], m_slot[s].size);
	}
	return true;
}

static bool step_clear(unsigned int o, unsigned int s)
{
	struct mstate *m = &model[o];
	void *p;

	if (!m->claimed[s])
		return true;
	p = objext_find(&objs[o]->ext, &m_slot[s]);
	if (!MCHECK(p == m->ptr[s], "obj %u slot %u", o, s))
		return false;
	memset(p, 0, m_slot[s].size);
	memset(m->data[s], 0, m_slot[s].size);
	return true;
}

static bool step_destroy(unsigned int o)
{
	struct mstate *m = &model[o];
	struct mobj *obj = objs[o];
	unsigned int s, n = 0;

	dying_area = rcu_access_pointer(obj->ext);
	nr_calls = nr_late_claims = 0;
	late_slot = below(2) ? (int)below(M_SLOTS) : -1;
	objext_destroy(&model_host, &obj->ext, obj);
	late_slot = -1;

	if (!MCHECK(rcu_access_pointer(obj->ext) == OBJEXT_DEAD, "obj %u", o) ||
	    !MCHECK(nr_late_claims == 0, "obj %u: a claim during teardown went wrong", o))
		return false;
	/* Exactly the claimed slots with destructors, in table order. */
	for (s = 0; s < M_SLOTS; s++) {
		if (!m->claimed[s] || !m_slot[s].destroy)
			continue;
		if (!MCHECK(n < nr_calls, "obj %u slot %u not destroyed",
			    o, s) ||
		    !MCHECK(calls[n].slot == (int)s, "obj %u call %u", o, n) ||
		    !MCHECK(calls[n].same_data, "obj %u slot %u", o, s) ||
		    !MCHECK(calls[n].attached, "obj %u slot %u", o, s))
			return false;
		n++;
	}
	if (!MCHECK(nr_calls == n, "obj %u: %u calls", o, nr_calls))
		return false;
	nr_destroys += m->area;
	nr_dtor_calls += n;

	if (m->area)
		model_live--;
	for (s = 0; s < M_SLOTS; s++)
		model_claimed[s] -= m->claimed[s];
	memset(m, 0, sizeof(*m));
	m->dead = true;
	return true;
}

static bool step_recreate(unsigned int o)
{
	if (!step_destroy(o))
		return false;
	free(objs[o]);
	objs[o] = calloc(1, sizeof(*objs[o]));
	if (!objs[o])
		abort();
	objs[o]->id = o;
	model[o].dead = false;
	return true;
}

static bool model_step(void)
{
	unsigned int op = below(100), o = below(M_OBJS), s = below(M_SLOTS);
	bool ok;

	/* A torn-down object refuses claims; replace it soon after. */
	if (model[o].dead && op >= 50)
		ok = step_recreate(o);
	else if (op < 40)
		ok = step_add(o, s);
	else if (op < 75)
		ok = true;	/* find: check_obj() below does it all */
	else if (op < 85)
		ok = step_clear(o, s);
	else if (op < 95)
		ok = step_destroy(o);
	else
		ok = step_recreate(o);
	return ok && check_obj(o) && check_counters();
}

static bool model_sweep(bool barrier)
{
	unsigned int o;

	for (o = 0; o < M_OBJS; o++)
		if (!check_obj(o))
			return false;
	if (!barrier)
		return true;
	/* No area leaked, none freed early. */
	rcu_barrier();
	return MCHECK(shim_cache_live(model_host.cache) == model_live, "");
}

static void model_run(void)
{
	unsigned int o;

	if (!CHECK_EQ(objext_host_init(&model_host), 0))
		return;
	rng = seed * 0x9e3779b97f4a7c15ull + 1;
	memset(model, 0, sizeof(model));
	memset(model_claimed, 0, sizeof(model_claimed));
	model_live = 0;
	nr_adds = nr_failed = nr_destroys = nr_dtor_calls = 0;
	for (o = 0; o < M_OBJS; o++) {
		objs[o] = calloc(1, sizeof(*objs[o]));
		if (!objs[o])
			abort();
		objs[o]->id = o;
	}

	for (step = 0; step < test_steps; step++) {
		if (!model_step())
			break;
		if (step % M_SWEEP == M_SWEEP - 1 &&
		    !model_sweep(step % M_BARRIER == M_BARRIER - 1))
			break;
	}
	if (step == test_steps)
		model_sweep(true);
	printf("# seed %lu: %lu adds (%lu failed), %lu areas destroyed, %lu destructor calls\n",
	       seed, nr_adds, nr_failed, nr_destroys, nr_dtor_calls);

	for (o = 0; o < M_OBJS; o++) {
		objext_destroy(&model_host, &objs[o]->ext, objs[o]);
		free(objs[o]);
	}
	objext_host_exit(&model_host);
}

void model_tests(void)
{
	static const unsigned long seeds[] = { 1, 2, 3, 0x0b1ec7 };
	char name[64];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(seeds); i++) {
		seed = test_seed ? test_seed : seeds[i];
		snprintf(name, sizeof(name), "model: seed %lu, %lu steps",
			 seed, test_steps);
		test_run(name, model_run);
		if (test_seed)
			break;
	}
}
