// SPDX-License-Identifier: GPL-2.0
/*
 * Built-in hosts whose slots are declared with DEFINE_OBJEXT_SLOT(), so
 * that the linker gathers them into __objext_slots.  The slots of the
 * three hosts are interleaved on purpose; unit.c adds one more for
 * "builtin" from another translation unit.
 */

#include <linux/objext.h>

static void builtin_destroy(void *value, void *owner)
{
}

DEFINE_OBJEXT_HOST(builtin_host, "builtin");
DEFINE_OBJEXT_HOST(other_host, "other");
DEFINE_OBJEXT_HOST(gather_host, "gather");

DEFINE_OBJEXT_SLOT(builtin_a, builtin_host, builtin_destroy);
DEFINE_OBJEXT_SLOT(other_x, other_host, NULL);
DEFINE_OBJEXT_SLOT(builtin_b, builtin_host, NULL);
DEFINE_OBJEXT_SLOT(gather_g, gather_host, NULL);
DEFINE_OBJEXT_SLOT(other_y, other_host, builtin_destroy);
DEFINE_OBJEXT_SLOT(builtin_c, builtin_host, builtin_destroy);
