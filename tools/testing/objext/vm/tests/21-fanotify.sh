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

img=/tmp/fan-ext2.img
mnt=/mnt/fan-ext2
dd if=/dev/zero of=$img bs=1M count=8 2>/dev/null
mke2fs -q -F $img >/dev/null 2>&1
mkdir -p $mnt
dev=$(losetup -f)
if losetup "$dev" $img && mount -t ext4 "$dev" $mnt; then
	fanotify-inode --evictable $mnt || rc=1
	umount $mnt
else
	echo "not ok - mount ext2 image on loop device $dev"
	dmesg | tail -n 5 | sed 's/^/# /'
	rc=1
fi
losetup -d "$dev" 2>/dev/null
rm -f $img
exit $rc
