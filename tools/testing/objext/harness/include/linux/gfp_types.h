/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: gfp flags; only __GFP_ZERO changes the behaviour. */
#ifndef _SHIM_LINUX_GFP_TYPES_H
#define _SHIM_LINUX_GFP_TYPES_H

#include <linux/types.h>

#define __GFP_DIRECT_RECLAIM	0x01u
#define __GFP_IO		0x02u
#define __GFP_FS		0x04u
#define __GFP_HIGH		0x08u
#define __GFP_NOWARN		0x10u
#define __GFP_ZERO		0x20u
#define __GFP_ACCOUNT		0x40u
#define __GFP_NOFAIL		0x80u

#define GFP_KERNEL	(__GFP_DIRECT_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_KERNEL_ACCOUNT	(GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOFS	(__GFP_DIRECT_RECLAIM | __GFP_IO)
#define GFP_NOIO	(__GFP_DIRECT_RECLAIM)
#define GFP_NOWAIT	0u
#define GFP_ATOMIC	(__GFP_HIGH)

#endif
