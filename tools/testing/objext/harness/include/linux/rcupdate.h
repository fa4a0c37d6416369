/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: RCU.  Read-side critical sections, grace periods and
 * callbacks are liburcu's memb flavour (rcu.c); every thread that uses
 * RCU registers with shim_rcu_register_thread() first.  The pointer
 * accessors are __atomic builtins, so ThreadSanitizer sees the ordering.
 */
#ifndef _SHIM_LINUX_RCUPDATE_H
#define _SHIM_LINUX_RCUPDATE_H

#include <linux/compiler.h>
#include <linux/types.h>

void rcu_read_lock(void);
void rcu_read_unlock(void);
/*
 * Preemption off is an RCU reader too, since the flavours' consolidation:
 * the same liburcu reader, counted apart, so that a section opened by one
 * kind and closed by the other WARNs, as the kernel's preempt count and
 * lockdep would catch it.
 */
void rcu_read_lock_sched(void);
void rcu_read_unlock_sched(void);
void synchronize_rcu(void);
void call_rcu(struct rcu_head *head, rcu_callback_t func);
void rcu_barrier(void);
void shim_rcu_register_thread(void);
void shim_rcu_unregister_thread(void);
bool shim_rcu_reading(void);

/*
 * Consume ordering is promoted to acquire by gcc; good enough.  Each load
 * goes past shim_after_deref(), which runs a hook that a test armed on
 * its thread (shim.h) after the n-th such load: what another CPU might
 * do right after a reader loaded a pointer.  A reader outside RCU may
 * then be preempted for a grace period: whatever the hook retired is
 * freed before the load returns.
 */
void *shim_after_deref(void *p);
#define rcu_dereference_raw(p)						\
	((__typeof__(p))shim_after_deref((void *)__atomic_load_n(&(p),	\
							__ATOMIC_CONSUME)))
#define rcu_dereference(p)		rcu_dereference_raw(p)
#define rcu_dereference_check(p, c)	rcu_dereference_raw(p)
#define rcu_dereference_protected(p, c)	READ_ONCE(p)
#define rcu_access_pointer(p)		READ_ONCE(p)

#define rcu_assign_pointer(p, v)					\
	__atomic_store_n(&(p), (__typeof__(p))(v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v)	WRITE_ONCE(p, (__typeof__(p))(v))
#define RCU_INITIALIZER(v)	(v)
#define unrcu_pointer(p)	(p)

#define rcu_replace_pointer(rcu_ptr, ptr, c)				\
({									\
	__typeof__(ptr) __shim_tmp = rcu_dereference_protected(rcu_ptr, c);\
	rcu_assign_pointer(rcu_ptr, ptr);				\
	__shim_tmp;							\
})

/* kfree() @ptr after a grace period, with @head, anywhere in it, queued. */
void kvfree_call_rcu(struct rcu_head *head, void *ptr);

#endif
