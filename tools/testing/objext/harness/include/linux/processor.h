/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: cpu_relax() lets the lock holder's thread run. */
#ifndef _SHIM_LINUX_PROCESSOR_H
#define _SHIM_LINUX_PROCESSOR_H

#include <sched.h>

#define cpu_relax()	sched_yield()

#endif
