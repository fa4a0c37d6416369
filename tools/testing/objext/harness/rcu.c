// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace shim: RCU on liburcu's memb flavour.
 *
 * liburcu is not built with ThreadSanitizer, so TSan cannot see that a
 * grace period orders the end of earlier readers before a callback or the
 * return of synchronize_rcu().  The annotations below tell it: a reader's
 * rcu_read_unlock() releases a sync object that grace-period waiters and
 * callbacks acquire, and call_rcu() hands over the callback head.  That
 * is slightly stronger than RCU (it also orders readers that began after
 * the grace period did), which can only hide a race, never invent one.
 */

#include <urcu/urcu-memb.h>

/* liburcu's pointer accessors would clash with the kernel's. */
#undef rcu_dereference
#undef rcu_assign_pointer
#undef rcu_cmpxchg_pointer
#undef rcu_xchg_pointer
#undef rcu_set_pointer
typedef struct rcu_head urcu_head_t;

#include <stdlib.h>

#include <linux/bug.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#ifdef __SANITIZE_THREAD__
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#else
static inline void __tsan_acquire(void *addr) { }
static inline void __tsan_release(void *addr) { }
#endif

/* Addresses for TSan's happens-before edges; never accessed. */
static char rcu_readers_done;
static char rcu_callbacks_done;

/* kvfree_call_rcu() passes an offset below this instead of a function. */
#define KFREE_RCU_MAX_OFFSET	4096UL

/*
 * What call_rcu() queues with liburcu, so that struct rcu_head keeps the
 * kernel's size (and struct objext its layout).  Plain malloc(): it is
 * not the code under test's allocation.
 */
struct rcu_call {
	urcu_head_t urcu;
	struct rcu_head *head;
	rcu_callback_t func;
};

void shim_rcu_register_thread(void)
{
	urcu_memb_register_thread();
}

void shim_rcu_unregister_thread(void)
{
	urcu_memb_unregister_thread();
}

/* Read-side critical sections this thread is in, of each kind. */
static __thread unsigned int rcu_nesting, rcu_sched_nesting;

/*
 * End a section of the kind @nesting counts.  Ending one of the other
 * kind is a WARN, which fails the case, and still ends it, so that
 * liburcu's reader stays balanced.
 */
static void rcu_reader_end(unsigned int *nesting, unsigned int *other,
			   const char *what)
{
	if (!*nesting) {
		shim_warn(__FILE__, __LINE__, what);
		nesting = other;
		if (!*nesting)
			abort();
	}
	(*nesting)--;
	__tsan_release(&rcu_readers_done);
	urcu_memb_read_unlock();
}

void rcu_read_lock(void)
{
	urcu_memb_read_lock();
	rcu_nesting++;
}

void rcu_read_unlock(void)
{
	rcu_reader_end(&rcu_nesting, &rcu_sched_nesting,
		       "rcu_read_unlock() ends a section with preemption off");
}

void rcu_read_lock_sched(void)
{
	urcu_memb_read_lock();
	rcu_sched_nesting++;
}

void rcu_read_unlock_sched(void)
{
	rcu_reader_end(&rcu_sched_nesting, &rcu_nesting,
		       "rcu_read_unlock_sched() ends an RCU read lock");
}

bool shim_rcu_reading(void)
{
	return rcu_nesting || rcu_sched_nesting;
}

void synchronize_rcu(void)
{
	urcu_memb_synchronize_rcu();
	__tsan_acquire(&rcu_readers_done);
}

static void rcu_invoke(urcu_head_t *urcu)
{
	struct rcu_call *call = (struct rcu_call *)urcu;
	struct rcu_head *head;
	unsigned long func;

	__tsan_acquire(call);
	__tsan_acquire(&rcu_readers_done);
	head = call->head;
	func = (unsigned long)call->func;
	free(call);
	if (func < KFREE_RCU_MAX_OFFSET)
		kfree((char *)head - func);
	else
		((rcu_callback_t)func)(head);
	__tsan_release(&rcu_callbacks_done);
}

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	struct rcu_call *call = malloc(sizeof(*call));

	if (!call)
		abort();
	/*
	 * Write over the head as the kernel's kvfree_call_rcu() may, while
	 * RCU readers may still read it: a pointer to other queued work,
	 * here the worst one for a reader that takes it for a presence
	 * word (every bit from 3 up), and the object's own address.
	 * Marked, as KCSAN takes the kernel's aligned word stores to be.
	 */
	__atomic_store_n(&head->next, (struct rcu_head *)-8L,
			 __ATOMIC_RELAXED);
	__atomic_store_n(&head->func, (rcu_callback_t)head, __ATOMIC_RELAXED);
	call->head = head;
	call->func = func;
	__tsan_release(call);
	urcu_memb_call_rcu(&call->urcu, rcu_invoke);
}

/*
 * As in the kernel, a small "function pointer" is the offset of the
 * rcu_head in the object to kfree().
 */
void kvfree_call_rcu(struct rcu_head *head, void *ptr)
{
	unsigned long offset = (char *)head - (char *)ptr;

	if (offset >= KFREE_RCU_MAX_OFFSET)
		abort();
	call_rcu(head, (rcu_callback_t)offset);
}

void rcu_barrier(void)
{
	urcu_memb_barrier();
	__tsan_acquire(&rcu_callbacks_done);
}
