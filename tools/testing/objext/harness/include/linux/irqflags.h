/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: interrupts.  Threads take the place of interrupt
 * handlers and cannot be masked; saving and restoring only check that
 * the calls pair up.
 */
#ifndef _SHIM_LINUX_IRQFLAGS_H
#define _SHIM_LINUX_IRQFLAGS_H

void shim_irq_save(unsigned long *flags);
void shim_irq_restore(unsigned long flags);

#define local_irq_save(flags)		shim_irq_save(&(flags))
#define local_irq_restore(flags)	shim_irq_restore(flags)

#endif
