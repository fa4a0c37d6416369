/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: struct_size_t(), without the kernel's saturation. */
#ifndef _SHIM_LINUX_OVERFLOW_H
#define _SHIM_LINUX_OVERFLOW_H

#include <stddef.h>

#define struct_size_t(type, member, count)				\
	(offsetof(type, member) + sizeof(((type *)0)->member[0]) * (count))

#endif
