// SPDX-License-Identifier: GPL-2.0
/*
 * Built-in hosts whose slots are declared with DEFINE_OBJEXT_SLOT(), so
 * that the linker gathers them into __objext_slots.  The slots of the
 * three hosts are interleaved on purpose; unit.c adds one more for
 * "builtin" from another translation unit.
 */

#include <linux/objext.h>

struct builtin_40 {
	u64 w[5];
};

static void builtin_destroy(void *data, void *owner)
{
}

DEFINE_OBJEXT_HOST(builtin_host, "builtin");
DEFINE_OBJEXT_HOST(other_host, "other");
DEFINE_OBJEXT_HOST(gather_host, "gather");

DEFINE_OBJEXT_SLOT(builtin_a, builtin_host, u32, builtin_destroy);
DEFINE_OBJEXT_SLOT(other_x, other_host, u64, NULL);
DEFINE_OBJEXT_SLOT(builtin_b, builtin_host, struct builtin_40, NULL);
DEFINE_OBJEXT_SLOT(gather_g, gather_host, u8, NULL);
DEFINE_OBJEXT_SLOT(other_y, other_host, u16, builtin_destroy);
DEFINE_OBJEXT_SLOT(builtin_c, builtin_host, u8, builtin_destroy);
