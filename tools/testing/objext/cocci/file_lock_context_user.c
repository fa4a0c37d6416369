// SPDX-License-Identifier: GPL-2.0
/*
 * Input for the tests of file_lock_context.cocci: an out-of-tree module
 * still using the i_flctx field.  Report mode must list exactly the lines
 * marked "report"; patch mode must turn this file into
 * file_lock_context_user.expected.c, rewriting the reads and leaving the
 * address-of, the assignment and the module's own accessor for a human.
 */
#include <linux/filelock.h>
#include <linux/fs.h>
#include <linux/module.h>

static bool oot_has_leases(struct inode *inode)
{
	struct file_lock_context *ctx = READ_ONCE(inode->i_flctx);	/* report */

	return ctx && !list_empty_careful(&ctx->flc_lease);
}

static bool oot_has_posix(struct file *file)
{
	struct file_lock_context *ctx = file_inode(file)->i_flctx;	/* report */

	return ctx && !list_empty(&ctx->flc_posix);
}

static struct file_lock_context **oot_ctxp(struct inode *inode)
{
	return &inode->i_flctx;						/* report */
}

static void oot_forget(struct inode *inode)
{
	inode->i_flctx = NULL;						/* report */
}

/* An accessor of its own, as filelock.h has: not reported. */
static inline struct file_lock_context *
locks_inode_context(const struct inode *inode)
{
	return smp_load_acquire(&inode->i_flctx);
}
