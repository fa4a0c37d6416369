#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest.sh - the benchmark's in-VM side (installed as a test by run.sh).
# Prints the slab geometry of the inode caches, then the fsnbench lines,
# on a tmpfs of its own that nothing else watches, then the write loop
# with a BPF LSM program that looks up inode storage, then open/close and
# read on ext4 and on xfs.

slabinfo() {
	grep -E '^(# name|inode_cache|shmem_inode_cache|ext4_inode_cache|xfs_inode|objext_inode-[0-9]+) ' \
		/proc/slabinfo | sed "s/^/slabinfo$1: /"
}
slabinfo
mkdir -p /bench
mount -t tmpfs -o size=16m tmpfs /bench || exit 1
iter=${OBJEXT_BENCH_ITERATIONS:-100000}
repeats=${OBJEXT_BENCH_REPEATS:-5}
fsnbench /bench "$iter" "$repeats" || exit 1

# The write loop again, with an lsm/file_permission program that looks
# up the file's inode storage without creating it: first the file has
# none (miss), then storage created through the map (hit).
mount -t bpf bpf /sys/fs/bpf || exit 1
pin=/sys/fs/bpf/bench
: >/bench/target
bpf-inode-storage attach $pin /bench storage_get_lsm || exit 1
fsnbench /bench "$iter" "$repeats" write-unwatched write-bpf-lsm-miss || exit 1
bpf-inode-storage update $pin /bench/target 0 || exit 1
fsnbench /bench "$iter" "$repeats" write-unwatched write-bpf-lsm-hit || exit 1
bpf-inode-storage read $pin /bench/target | sed 's/^/# /'
rm -r $pin
umount /bench

# open/close and read on ext4 (busybox mke2fs makes the ext2 layout, the
# ext4 driver mounts it): ext4_file_open() asks fscrypt and fs-verity
# about every file it opens.
dd if=/dev/zero of=/tmp/bench.img bs=1M count=16 2>/dev/null
mke2fs -q -F /tmp/bench.img >/dev/null 2>&1 || exit 1
dev=$(losetup -f)
losetup "$dev" /tmp/bench.img || exit 1
mount -t ext4 "$dev" /bench || exit 1
fsnbench /bench "$iter" "$repeats" open-close open-close-ext4 || exit 1
fsnbench /bench "$iter" "$repeats" read read-ext4 || exit 1
umount /bench
losetup -d "$dev"

# The same on xfs, made by the host's mkfs.xfs on the virtio disk run.sh
# attaches.  The slab lines that follow show xfs inodes really allocated
# from xfs_inode (fsnbench made and removed its files; 2000 more stay).
mount -t xfs /dev/vda /bench || exit 1
fsnbench /bench "$iter" "$repeats" open-close open-close-xfs || exit 1
fsnbench /bench "$iter" "$repeats" read read-xfs || exit 1
mkdir /bench/files
i=0
while [ $i -lt 2000 ]; do
	: >/bench/files/$i
	i=$((i + 1))
done
slabinfo -xfs
umount /bench
