// SPDX-License-Identifier: GPL-2.0
/*
 * Input for the tests of fsnotify_inode_marks.cocci: an out-of-tree
 * module still using the i_fsnotify_marks field.  Report mode must list
 * exactly the lines marked "report"; patch mode must turn this file into
 * fsnotify_inode_marks_user.expected.c, rewriting the plain tests and the
 * address-of, leaving the rest (the audit tree's hash key and the
 * module's own accessor) alone.
 */
#include <linux/fs.h>
#include <linux/fsnotify_backend.h>
#include <linux/module.h>

static bool oot_watched(struct inode *inode)
{
	return inode->i_fsnotify_marks != NULL;			/* report */
}

static struct fsnotify_mark_connector *oot_conn(struct inode *inode)
{
	return rcu_dereference(inode->i_fsnotify_marks);	/* report */
}

static void *oot_key(struct inode *inode)
{
	return &inode->i_fsnotify_marks;			/* report */
}

/* As audit_tree.c's hash key: reported, but patch mode leaves it. */
static unsigned long inode_to_key(const struct inode *inode)
{
	return (unsigned long)&inode->i_fsnotify_marks;		/* report */
}

static u32 oot_mask(struct inode *inode)
{
	/* The mask stays in struct inode; mounts keep their own field. */
	return inode->i_fsnotify_mask;
}

static bool oot_mount_watched(struct mount *mnt)
{
	return mnt->mnt_fsnotify_marks != NULL;
}

/* An accessor of its own, as fsnotify_backend.h has: not reported. */
static inline struct fsnotify_mark_connector __rcu **
fsnotify_inode_connp(const struct inode *inode)
{
	return (void *)&inode->i_fsnotify_marks;
}
