#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 51-device-nodes.sh - character and block device nodes made with mknod
# on tmpfs and on ext4 (busybox mke2fs image on a loop device): a uinput
# input device's evdev node, destroyed and recreated under open and
# closed nodes, and a loop device removed under its node.  The checks are
# in progs/device-nodes.c; same results on both kernels.

. /usr/lib/objext/tap.sh

rm -rf /tmp/nodes
mkdir -p /tmp/nodes
device-nodes /tmp/nodes || TAP_FAILED=$((TAP_FAILED + 1))
rm -rf /tmp/nodes

if scratch_fs_mount nodes-ext2; then
	device-nodes "$SCRATCH_MNT" || TAP_FAILED=$((TAP_FAILED + 1))
else
	tap_not_ok "mount a scratch ext2 filesystem"
fi
scratch_fs_release
tap_done
