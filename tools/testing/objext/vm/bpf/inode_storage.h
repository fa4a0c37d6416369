/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The value of the inode storage map of inode_storage.bpf.c, shared with
 * its loader; include after vmlinux.h or <linux/types.h>.
 */
#ifndef OBJEXT_VM_INODE_STORAGE_H
#define OBJEXT_VM_INODE_STORAGE_H

struct inode_counter {
	__u64 writes;
	__u64 ino;		/* the inode number the program saw */
};

#endif
