/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: debugfs files are remembered by name with their fops,
 * so that tests can read them with shim_debugfs_read().
 */
#ifndef _SHIM_LINUX_DEBUGFS_H
#define _SHIM_LINUX_DEBUGFS_H

#include <linux/fs.h>
#include <linux/types.h>

struct dentry;

struct dentry *debugfs_create_dir(const char *name, struct dentry *parent);
struct dentry *debugfs_create_file(const char *name, umode_t mode,
				   struct dentry *parent, void *data,
				   const struct file_operations *fops);
void debugfs_remove(struct dentry *dentry);

#endif
