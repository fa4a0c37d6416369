#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# slabs-guest.sh - the in-VM side of slabs.sh: the inode caches' lines of
# /proc/slabinfo, as SLUB sized them for this boot's CPUs.

grep -E '^(inode_cache|shmem_inode_cache|ext4_inode_cache|xfs_inode|objext_inode-[0-9]+) ' \
	/proc/slabinfo | sed 's/^/slabinfo: /'
