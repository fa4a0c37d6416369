/* SPDX-License-Identifier: GPL-2.0 */
/*
 * objext: what lib/objext.c shares with no one but the linker script.
 */
#ifndef _LIB_OBJEXT_INTERNAL_H
#define _LIB_OBJEXT_INTERNAL_H

#include <linux/objext.h>

/*
 * Bounds of the slots defined with DEFINE_OBJEXT_SLOT(), which
 * OBJEXT_SLOT_DATA in include/asm-generic/vmlinux.lds.h gathers into one
 * read-only-after-init array.
 */
extern struct objext_slot __start___objext_slots[];
extern struct objext_slot __stop___objext_slots[];

#endif /* _LIB_OBJEXT_INTERNAL_H */
