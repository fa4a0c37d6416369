/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: IS_ENABLED() for -DCONFIG_FOO=1 style options. */
#ifndef _SHIM_LINUX_KCONFIG_H
#define _SHIM_LINUX_KCONFIG_H

/*
 * CONFIG_FOO is either undefined or 1.  Pasting it onto a prefix gives a
 * macro that expands to "0," only in the second case, which shifts the 1
 * into the second argument slot.
 */
#define __SHIM_ARG_PLACEHOLDER_1	0,
#define __shim_take_second(ignored, val, ...)	val
#define __shim_is_defined(x)		___shim_is_defined(x)
#define ___shim_is_defined(val)		\
	____shim_is_defined(__SHIM_ARG_PLACEHOLDER_##val)
#define ____shim_is_defined(arg)	__shim_take_second(arg 1, 0)

#define IS_ENABLED(option)		__shim_is_defined(option)
#define IS_BUILTIN(option)		__shim_is_defined(option)

#endif
