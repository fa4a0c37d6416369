// SPDX-License-Identifier: GPL-2.0
/*
 * Input for the tests of fscrypt_inode_info.cocci: an out-of-tree
 * filesystem still using the i_crypt_info field.  Report mode must list
 * exactly the lines marked "report"; patch mode must turn this file into
 * fscrypt_inode_info_user.expected.c, rewriting the reads and leaving the
 * address-of, the assignment and the code's own accessor for a human.
 */
#include <linux/fs.h>
#include <linux/fscrypt.h>
#include <linux/module.h>

static bool oot_has_key(const struct inode *inode)
{
	return inode->i_crypt_info != NULL;			/* report */
}

static const union fscrypt_policy *oot_policy(struct inode *dir)
{
	return &dir->i_crypt_info->ci_policy;			/* report */
}

static struct fscrypt_inode_info **oot_infop(struct inode *inode)
{
	return &inode->i_crypt_info;				/* report */
}

static void oot_forget(struct inode *inode)
{
	inode->i_crypt_info = NULL;				/* report */
}

/* An accessor of its own, as fscrypt.h had: not reported. */
static inline struct fscrypt_inode_info *
fscrypt_get_inode_info(const struct inode *inode)
{
	return smp_load_acquire(&inode->i_crypt_info);
}

MODULE_LICENSE("GPL");
