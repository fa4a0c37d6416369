/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: struct_size_t() as the kernel computes it, from the
 * size of the whole structure, without the kernel's saturation.
 */
#ifndef _SHIM_LINUX_OVERFLOW_H
#define _SHIM_LINUX_OVERFLOW_H

#include <stddef.h>

#define struct_size_t(type, member, count)				\
	(sizeof(type) + sizeof(((type *)0)->member[0]) * (count))

#endif
