/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _SHIM_LINUX_MINMAX_H
#define _SHIM_LINUX_MINMAX_H

#define min_t(type, x, y)						\
({									\
	type __shim_x = (x);						\
	type __shim_y = (y);						\
	__shim_x < __shim_y ? __shim_x : __shim_y;			\
})

#define max_t(type, x, y)						\
({									\
	type __shim_x = (x);						\
	type __shim_y = (y);						\
	__shim_x > __shim_y ? __shim_x : __shim_y;			\
})

#define min(x, y)	min_t(__typeof__((x) + (y)), x, y)
#define max(x, y)	max_t(__typeof__((x) + (y)), x, y)

#endif
