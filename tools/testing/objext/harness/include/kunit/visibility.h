/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: CONFIG_KUNIT is off. */
#ifndef _SHIM_KUNIT_VISIBILITY_H
#define _SHIM_KUNIT_VISIBILITY_H

#define VISIBLE_IF_KUNIT		static
#define EXPORT_SYMBOL_IF_KUNIT(sym)	extern __typeof__(sym) sym

#endif
