/* SPDX-License-Identifier: GPL-2.0 */
/*
 * objext: what lib/objext.c shares with the linker script and its KUnit
 * suite only.
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

#if IS_ENABLED(CONFIG_KUNIT)
/* For lib/objext_kunit.c: allocation failure, and the debugfs counts. */
struct objext *objext_alloc_area(struct objext_host *host, unsigned int nr,
				 gfp_t gfp);
long objext_live_areas(struct objext_host *host);
long objext_slot_claims(const struct objext_slot *slot);
#endif

#endif /* _LIB_OBJEXT_INTERNAL_H */
