/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: initcalls are collected in a linker section and run by
 * shim_do_initcalls(), when the test decides that "boot" has got there.
 */
#ifndef _SHIM_LINUX_INIT_H
#define _SHIM_LINUX_INIT_H

#include <linux/compiler.h>

#define __init
#define __initdata
#define __exit

typedef int (*initcall_t)(void);

#define __shim_initcall(fn)						\
	static initcall_t __shim_initcall_##fn				\
		__used __section("shim_initcalls") = fn

#define core_initcall(fn)		__shim_initcall(fn)
#define subsys_initcall(fn)		__shim_initcall(fn)
#define fs_initcall(fn)			__shim_initcall(fn)
#define device_initcall(fn)		__shim_initcall(fn)
#define late_initcall(fn)		__shim_initcall(fn)

#endif
