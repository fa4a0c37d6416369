#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# objext-baseline: fail not ok 1 objext inode host exists
#
# 30-fsnotify-objext.sh - inode marks live in the objext slot
# fsnotify_inode_slot, and only marked inodes pay for it.
#
#  - the inode host lists the slot, and no area is left over from the
#    tests before this one (they removed their watches and files) but
#    those of the character devices opened so far;
#  - ordinary file activity allocates no extension area;
#  - 10,000 watched files have exactly 10,000 areas (debugfs counters and
#    the objext_inode line of /proc/slabinfo), which stay after the
#    watches go (the slot lives as long as the inode) and are freed when
#    the files are deleted, or when their inodes are evicted;
#  - four watchers racing to mark the same fresh files make one area
#    per file;
#  - with failslab on the objext_inode cache inotify_add_watch() fails
#    with ENOMEM, leaves no area, mark or connector behind, and the next
#    attempt works.
#
# On a kernel without objext none of this exists: the test fails there.

. /usr/lib/objext/tap.sh

claimed() { objext_claimed fsnotify_inode_slot; }
slab_active() { awk -v c="$1" '$1 == c { print $2 }' /proc/slabinfo; }

# Areas go when inodes are evicted, marks when fsnotify's reaper has
# waited out SRCU: counts are checked with wait_until (tap.sh).
# wait_le CMD VALUE: CMD prints at most VALUE within 20 s (other tests'
# marks may still be going, so fewer is fine).
wait_le() {
	_i=0
	while [ "$($1)" -gt "$2" ] && [ $_i -lt 200 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ "$($1)" -le "$2" ]
}
# Areas of inodes other than character devices: the first open of a
# device node (losetup opening /dev/loop-control, say) gives it an area.
live() { echo $(($(objext_field live_areas) - $(objext_claimed cdev_inode_slot))); }
# Active objects of a cache, exact: shrinking flushes the per-CPU slabs,
# whose objects /proc/slabinfo counts as active whether free or not.
exact_active() {
	echo 1 > /sys/kernel/slab/$1/shrink 2>/dev/null
	slab_active $1
}
marks() { exact_active inotify_inode_mark; }
connectors() { exact_active fsnotify_mark_connector; }

objext_require_slots fsnotify_inode_slot
wait_until live 0 && tap_ok "no area left over from earlier tests" ||
	tap_not_ok "no area left over from earlier tests" \
		"live_areas $(live), cdev_inode_slot claimed $(objext_claimed cdev_inode_slot)"
live0=$(live)

d=/tmp/fsn-objext
rm -rf $d
mkdir -p $d
i=0
while [ $i -lt 300 ]; do
	echo $i > $d/f$i
	cat $d/f$i > /dev/null
	mv $d/f$i $d/g$i
	i=$((i + 1))
done
rm -rf $d
[ "$(live)" = "$live0" ] &&
	tap_ok "unwatched file activity allocates no extension area" ||
	tap_not_ok "unwatched file activity allocates no extension area" \
		"live_areas $live0 -> $(live)"

# 10,000 watches, held while we look (23-inotify-many.sh runs 20,000
# without looking: under KASAN and TCG each 10,000 take half a minute).
n=10000
mkdir -p $d
fifo=/tmp/fsn-objext.fifo
out=/tmp/fsn-objext.out
rm -f $fifo
mkfifo $fifo
inotify-many --hold $d $n < $fifo > $out 2>&1 &
pid=$!
exec 3> $fifo
# Wait while it runs (not yet reaped, it would still answer kill -0);
# its own alarm() bounds each of its steps.
running() {
	awk '$1 == "State:" && $2 != "Z" { r = 1 } END { exit !r }' /proc/$1/status 2>/dev/null
}
while ! grep -q '^# watches added' $out && running $pid; do
	sleep 0.1
done
[ "$(live)" = $((live0 + n)) ] &&
	tap_ok "$n watched inodes have $n extension areas" ||
	tap_not_ok "$n watched inodes have $n extension areas" "live_areas $live0 -> $(live)"
[ "$(claimed)" -ge $n ] && tap_ok "fsnotify_inode_slot claimed on $n inodes" ||
	tap_not_ok "fsnotify_inode_slot claimed on $n inodes" "claimed $(claimed)"
# One slot: each area is a presence word and one cell, 16 bytes.
slab=$(slab_active objext_inode-16)
grep -E '^(# name|objext_inode-[0-9]+|shmem_inode_cache|inotify_inode_mark|fsnotify_mark_connector) ' \
	/proc/slabinfo | sed 's/^/# slabinfo: /'
[ "${slab:-0}" -ge $n ] && tap_ok "objext_inode-16 slab holds $n areas" ||
	tap_not_ok "objext_inode-16 slab holds $n areas" "active_objs ${slab:-none}"
# Let inotify-many remove its watches and delete the files (in a subshell:
# if it has died, the SIGPIPE ends only that).
(echo >&3) 2>/dev/null
exec 3>&-
wait $pid
rc=$?
sed 's/^/# inotify-many: /' $out
[ $rc -eq 0 ] && tap_ok "inotify-many passed" || tap_not_ok "inotify-many passed" "rc=$rc"
rm -rf $d $fifo $out
wait_until live "$live0" && tap_ok "areas are freed with their inodes" ||
	tap_not_ok "areas are freed with their inodes" "live_areas $(live), want $live0"

# A watch removed from a file that stays: the area stays with the inode.
mkdir -p $d
: > $d/kept
marks0=$(marks)
inotifywait -q -t 1 -e modify $d/kept >/dev/null 2>&1
wait_le marks "$marks0" && tap_ok "the watch is gone when inotifywait exits" ||
	tap_not_ok "the watch is gone when inotifywait exits" "marks $marks0 -> $(marks)"
[ "$(live)" = $((live0 + 1)) ] &&
	tap_ok "area outlives the watch, not the inode" ||
	tap_not_ok "area outlives the watch, not the inode" "live_areas $(live)"
rm -f $d/kept
wait_until live "$live0" && tap_ok "deleting the file frees it" ||
	tap_not_ok "deleting the file frees it" "live_areas $(live)"

# Four watchers race to mark the same 200 fresh files: one area each.
i=0
files=
while [ $i -lt 200 ]; do
	: > $d/r$i
	files="$files $d/r$i"
	i=$((i + 1))
done
pids=
for w in 1 2 3 4; do
	# shellcheck disable=SC2086 # one argument per file
	inotifywait -q -t 60 -e modify $files >/dev/null 2>&1 &
	pids="$pids $!"
done
# Give the four time to mark all files, then make sure no area is extra.
wait_until live $((live0 + 200))
sleep 1
[ "$(live)" = $((live0 + 200)) ] && tap_ok "racing watchers make one area per file" ||
	tap_not_ok "racing watchers make one area per file" "live_areas $live0 -> $(live)"
# shellcheck disable=SC2086
kill $pids
# shellcheck disable=SC2086
wait $pids 2>/dev/null
rm -rf $d
wait_until live "$live0" && tap_ok "and they go with the files" ||
	tap_not_ok "and they go with the files" "live_areas $(live)"

# Eviction, not unlink: watched files on ext4 stay, drop_caches evicts.
if scratch_fs_mount fsn-objext; then
	inotify-many --keep "$SCRATCH_MNT" 100 > $out 2>&1
	rc=$?
	[ $rc -eq 0 ] || sed 's/^/# inotify-many: /' $out
	[ "$(live)" = $((live0 + 100)) ] && tap_ok "100 once-watched ext4 inodes keep their areas" ||
		tap_not_ok "100 once-watched ext4 inodes keep their areas" "rc=$rc live_areas $(live)"
	sync
	echo 2 > /proc/sys/vm/drop_caches
	wait_until live "$live0" && tap_ok "evicting them frees the areas" ||
		tap_not_ok "evicting them frees the areas" "live_areas $(live)"
else
	tap_not_ok "mount a scratch ext2 filesystem"
fi
scratch_fs_release
rm -f $out

# Allocation failure: -ENOMEM to the caller, nothing half-done.
if objext_failslab_usable; then
	mkdir -p $d
	: > $d/nomem
	marks0=$(marks) conns0=$(connectors)
	if objext_failslab_on; then
		tap_ok "failslab armed on the objext_inode caches only"
	else
		tap_not_ok "failslab armed on the objext_inode caches only" "is a cache merged? (slab_nomerge)"
	fi
	msg=$(inotifywait -t 1 -e modify $d/nomem 2>&1)
	rc=$?
	objext_failslab_off
	echo "# inotifywait under failslab: rc=$rc: $msg"
	case "$msg" in
	*"Cannot allocate memory"*) tap_ok "inotify_add_watch fails with ENOMEM" ;;
	*) tap_not_ok "inotify_add_watch fails with ENOMEM" "rc=$rc $msg" ;;
	esac
	[ "$(live)" = "$live0" ] && tap_ok "failed watch leaves no area" ||
		tap_not_ok "failed watch leaves no area" "live_areas $(live)"
	wait_le marks "$marks0" && wait_le connectors "$conns0" &&
		tap_ok "failed watch leaves no mark or connector" ||
		tap_not_ok "failed watch leaves no mark or connector" \
			"marks $marks0 -> $(marks), connectors $conns0 -> $(connectors)"
	inotifywait -q -t 1 -e modify $d/nomem >/dev/null 2>&1
	[ $? -eq 2 ] && tap_ok "watch works once memory is back (timeout rc 2)" ||
		tap_not_ok "watch works once memory is back (timeout rc 2)"
	rm -rf $d
else
	objext_failslab_unusable "inotify_add_watch fails with ENOMEM"
fi
tap_done
