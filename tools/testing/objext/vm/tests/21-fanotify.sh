#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 21-fanotify.sh - fanotify inode marks, ignore marks, flush, permission
# events (tmpfs) and evictable marks (busybox mke2fs image on a loop
# device, mounted by the ext4 driver, whose inodes drop_caches can evict).
# The checks are in progs/fanotify-inode.c; they pass on the unpatched
# kernel and on ours alike.

. /usr/lib/objext/tap.sh

rc=0
rm -rf /tmp/fan
mkdir -p /tmp/fan
fanotify-inode /tmp/fan || rc=1
rm -rf /tmp/fan

if scratch_fs_mount fan-ext2; then
	fanotify-inode --evictable "$SCRATCH_MNT" || rc=1
else
	echo "not ok - mount a scratch ext2 filesystem"
	rc=1
fi
scratch_fs_release
exit $rc
