#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# objext-baseline: fail
#
# 30-fsnotify-objext.sh - inode marks live in the objext slot
# fsnotify_inode_slot, and only marked inodes pay for it.
#
#  - the inode host lists the slot;
#  - ordinary file activity allocates no extension area;
#  - 50,000 watched files have exactly 50,000 areas (debugfs counters and
#    the objext_inode line of /proc/slabinfo), which stay after the
#    watches go (the slot lives as long as the inode) and are freed when
#    the files are deleted;
#  - with failslab on the objext_inode cache inotify_add_watch() fails
#    with ENOMEM, nothing is leaked, and the next attempt works.
#
# On a kernel without objext none of this exists: the test fails there.

. /usr/lib/objext/tap.sh

host=/sys/kernel/debug/objext/inode
field() { sed -n "s/^$1: //p" $host; }
claimed() { awk '$1 == "fsnotify_inode_slot" { print $6 }' $host; }
slab_active() { awk '$1 == "objext_inode" { print $2 }' /proc/slabinfo; }

# wait_live N: live_areas reaches N within 10 s (eviction is synchronous
# on unlink, but give RCU-freed dentries time to let go of inodes).
wait_live() {
	_i=0
	while [ "$(field live_areas)" != "$1" ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ "$(field live_areas)" = "$1" ]
}

if [ ! -r $host ]; then
	tap_not_ok "objext inode host exists" "no $host"
	tap_done
fi
sed 's/^/# /' $host
[ -n "$(claimed)" ] && tap_ok "inode host has the fsnotify_inode_slot" ||
	tap_not_ok "inode host has the fsnotify_inode_slot"

live0=$(field live_areas)
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
[ "$(field live_areas)" = "$live0" ] &&
	tap_ok "unwatched file activity allocates no extension area" ||
	tap_not_ok "unwatched file activity allocates no extension area" \
		"live_areas $live0 -> $(field live_areas)"

# 50,000 watches, held while we look.
n=50000
mkdir -p $d
fifo=/tmp/fsn-objext.fifo
out=/tmp/fsn-objext.out
rm -f $fifo
mkfifo $fifo
inotify-many --hold $d $n < $fifo > $out 2>&1 &
pid=$!
exec 3> $fifo
i=0
while ! grep -q '^# watches added' $out && [ $i -lt 1200 ]; do
	sleep 0.1
	i=$((i + 1))
done
live=$(field live_areas)
[ "$live" = $((live0 + n)) ] &&
	tap_ok "$n watched inodes have $n extension areas" ||
	tap_not_ok "$n watched inodes have $n extension areas" "live_areas $live0 -> $live"
[ "$(claimed)" -ge $n ] && tap_ok "fsnotify_inode_slot claimed on $n inodes" ||
	tap_not_ok "fsnotify_inode_slot claimed on $n inodes" "claimed $(claimed)"
if [ -r /proc/slabinfo ]; then
	slab=$(slab_active)
	grep -E '^(# name|objext_inode|shmem_inode_cache|inotify_inode_mark|fsnotify_mark_connector) ' \
		/proc/slabinfo | sed 's/^/# slabinfo: /'
	[ "${slab:-0}" -ge $n ] && tap_ok "objext_inode slab holds $n areas" ||
		tap_not_ok "objext_inode slab holds $n areas" "active_objs ${slab:-none}"
else
	tap_skip "objext_inode slab holds $n areas" "no /proc/slabinfo"
fi
echo >&3 # let inotify-many remove its watches and delete the files
exec 3>&-
wait $pid
rc=$?
sed 's/^/# inotify-many: /' $out
[ $rc -eq 0 ] && tap_ok "inotify-many passed" || tap_not_ok "inotify-many passed" "rc=$rc"
rm -rf $d $fifo $out
wait_live "$live0" && tap_ok "areas are freed with their inodes" ||
	tap_not_ok "areas are freed with their inodes" "live_areas $(field live_areas), want $live0"

# A watch removed from a file that stays: the area stays with the inode.
mkdir -p $d
: > $d/kept
inotifywait -q -t 1 -e modify $d/kept >/dev/null 2>&1
[ "$(field live_areas)" = $((live0 + 1)) ] &&
	tap_ok "area outlives the watch, not the inode" ||
	tap_not_ok "area outlives the watch, not the inode" "live_areas $(field live_areas)"
rm -f $d/kept
wait_live "$live0" && tap_ok "deleting the file frees it" ||
	tap_not_ok "deleting the file frees it" "live_areas $(field live_areas)"

# Allocation failure: -ENOMEM to the caller, nothing half-done.
fs=/sys/kernel/debug/failslab
attr=/sys/kernel/slab/objext_inode/failslab
if [ -w $attr ] && [ -d $fs ]; then
	: > $d/nomem
	echo 1 > $attr
	echo Y > $fs/cache-filter
	echo N > $fs/ignore-gfp-wait
	echo 100 > $fs/probability
	echo -1 > $fs/times
	echo 0 > $fs/verbose
	msg=$(inotifywait -t 1 -e modify $d/nomem 2>&1)
	rc=$?
	echo 0 > $fs/probability
	echo 0 > $attr
	echo "# inotifywait under failslab: rc=$rc: $msg"
	case "$msg" in
	*"Cannot allocate memory"*) tap_ok "inotify_add_watch fails with ENOMEM" ;;
	*) tap_not_ok "inotify_add_watch fails with ENOMEM" "rc=$rc $msg" ;;
	esac
	[ "$(field live_areas)" = "$live0" ] && tap_ok "failed watch leaves no area" ||
		tap_not_ok "failed watch leaves no area" "live_areas $(field live_areas)"
	inotifywait -q -t 1 -e modify $d/nomem >/dev/null 2>&1
	[ $? -eq 2 ] && tap_ok "watch works once memory is back (timeout rc 2)" ||
		tap_not_ok "watch works once memory is back (timeout rc 2)"
	rm -f $d/nomem
else
	tap_skip "inotify_add_watch fails with ENOMEM" "no failslab (CONFIG_FAILSLAB)"
fi
rm -rf $d
tap_done
