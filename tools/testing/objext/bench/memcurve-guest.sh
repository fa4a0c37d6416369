#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# memcurve-guest.sh - the memory curve's in-VM side (installed as a test by
# memcurve.sh).  For tmpfs and for ext4, and for each way of extending a
# file (inotify watches, file locks, BPF inode storage, watches and locks
# together), makes a fresh filesystem, runs memcurve on it with
# OBJEXT_MEMCURVE_COUNT files and unmounts it, so every run starts from
# the same slabs.  Prints memcurve's lines prefixed with the filesystem
# and the mode.  The BPF pass attaches bpf-inode-storage's count_open
# (lsm/file_open) once the files exist, checks that it created storage
# for every file, and detaches it with the unmount.

count=${OBJEXT_MEMCURVE_COUNT:-200000}
steps="0 1 10 50 100"
mnt=/memcurve
img=/tmp/memcurve.img
echo $((count + 1000)) > /proc/sys/fs/inotify/max_user_watches || exit 1
mkdir -p $mnt
echo "memcurve: count $count"
mount -t bpf bpf /sys/fs/bpf || exit 1
grep -E '^(shmem_inode_cache|ext4_inode_cache|objext_inode-[0-9]+|lsm_inode_cache) ' /proc/slabinfo |
	sed 's/^/slabinfo: /'

# settle: the previous pass's inodes are freed after an RCU grace period
# once its filesystem is unmounted; wait until the caches stop shrinking,
# then hand their empty slabs back, so that every pass starts from the
# same slabs and its growth counts only its own files.
# objext's area caches are one per area size (objext_inode-16, -24, ...).
caches="shmem_inode_cache ext4_inode_cache fsnotify_mark_connector inotify_inode_mark file_lock_ctx lsm_inode_cache"
caches="$caches $(awk '$1 ~ /^objext_inode-[0-9]+$/ { print $1 }' /proc/slabinfo | tr '\n' ' ')"
settle() {
	prev=
	while :; do
		cur=$(for c in $caches; do
			awk -v c=$c '$1 == c { print $2 }' /proc/slabinfo
		done | tr '\n' ' ')
		[ "$cur" = "$prev" ] && break
		prev=$cur
		sleep 1
	done
	for c in $caches; do
		# objext has no lsm_inode_cache in this configuration.
		[ -e /sys/kernel/slab/$c/shrink ] &&
			echo 1 > /sys/kernel/slab/$c/shrink
	done
}

for fs in tmpfs ext4; do
	for mode in watch lock bpf watch+lock; do
		settle
		if [ $fs = tmpfs ]; then
			mount -t tmpfs -o size=64m,nr_inodes=0 tmpfs $mnt || exit 1
		else
			# Room for every inode; no background inode table zeroing.
			truncate -s 1G $img
			mkfs.ext4 -q -F -b 4096 -N $((count + 5000)) $img || exit 1
			dev=$(losetup -f)
			losetup "$dev" $img || exit 1
			mount -t ext4 -o noinit_itable "$dev" $mnt || exit 1
		fi
		pin=/sys/fs/bpf/memcurve
		export OBJEXT_MEMCURVE_BPF_ATTACH="bpf-inode-storage attach $pin $mnt count_open"
		# shellcheck disable=SC2086 # $steps is a list of fractions
		memcurve $mnt "$count" $mode $steps > /tmp/memcurve.out || exit 1
		sed "s/^memcurve /memcurve $fs $mode /" /tmp/memcurve.out
		if [ $mode = bpf ]; then
			stats=$(bpf-inode-storage stats $pin) || exit 1
			echo "memcurve: $fs bpf: $stats"
			# Every file opened once, each with new storage.
			case " $stats " in
			*" counted=$count no_storage=0 "*) ;;
			*) echo "memcurve: $fs bpf: expected counted=$count no_storage=0"; exit 1 ;;
			esac
			rm -rf $pin
		fi
		umount $mnt || exit 1
		if [ $fs = ext4 ]; then
			losetup -d "$dev"
			rm -f $img
		fi
	done
done
