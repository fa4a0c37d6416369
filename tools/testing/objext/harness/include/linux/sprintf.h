/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_SPRINTF_H
#define _SHIM_LINUX_SPRINTF_H

#include <stdio.h>
#include <linux/compiler.h>
#include <linux/types.h>

/* A kmalloc()ed string: counted and subject to fault injection. */
__printf(2, 3) char *kasprintf(gfp_t gfp, const char *fmt, ...);

#endif
