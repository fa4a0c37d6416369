#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh - the benchmark's in-VM side (installed as a test by run.sh).
# Prints the slab geometry of the inode caches, then the fsnbench lines,
# on a tmpfs of its own that nothing else watches.

grep -E '^(# name|inode_cache|shmem_inode_cache|ext4_inode_cache|objext_inode) ' \
	/proc/slabinfo | sed 's/^/slabinfo: /'
mkdir -p /bench
mount -t tmpfs -o size=16m tmpfs /bench || exit 1
fsnbench /bench "${OBJEXT_BENCH_ITERATIONS:-100000}" "${OBJEXT_BENCH_REPEATS:-5}"
rc=$?
umount /bench
exit $rc
