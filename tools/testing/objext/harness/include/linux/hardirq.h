/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: interrupt context.  A test thread says it runs "in NMI"
 * with shim_set_nmi(), to check what objext does where it must not spin
 * or allocate.
 */
#ifndef _SHIM_LINUX_HARDIRQ_H
#define _SHIM_LINUX_HARDIRQ_H

#include <linux/types.h>

bool in_nmi(void);
void shim_set_nmi(bool nmi);

#endif
