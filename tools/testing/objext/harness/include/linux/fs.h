/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: just enough of struct file_operations for debugfs. */
#ifndef _SHIM_LINUX_FS_H
#define _SHIM_LINUX_FS_H

#include <linux/types.h>

struct module;

struct inode {
	void *i_private;
};

struct file {
	void *private_data;
};

struct file_operations {
	struct module *owner;
	int (*open)(struct inode *inode, struct file *file);
	ssize_t (*read)(struct file *file, char *buf, size_t size,
			loff_t *ppos);
	loff_t (*llseek)(struct file *file, loff_t offset, int whence);
	int (*release)(struct inode *inode, struct file *file);
};

#endif
