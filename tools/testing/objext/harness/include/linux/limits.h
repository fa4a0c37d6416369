/* SPDX-License-Identifier: GPL-2.0 */
/* glibc's <limits.h> includes <linux/limits.h> too: pass on to uapi. */
#ifndef _SHIM_LINUX_LIMITS_H
#define _SHIM_LINUX_LIMITS_H

#include_next <linux/limits.h>
#include <limits.h>

#endif
