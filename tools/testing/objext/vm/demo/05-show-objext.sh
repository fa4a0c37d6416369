#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 05-show-objext.sh - print objext as the booted kernel sees it (make demo).

. /usr/lib/objext/tap.sh

host=/sys/kernel/debug/objext/inode

echo "OBJEXT-DEMO-BEGIN"
echo "kernel: $(uname -r)"
echo "--- $host, nothing watched or locked: the areas are those of the"
echo "    character devices opened so far (cdev_inode_slot)"
cat $host

# Three watched files: three extension areas, each with the fsnotify slot.
mkdir -p /tmp/demo
: > /tmp/demo/a
: > /tmp/demo/b
: > /tmp/demo/c
inotifywait -q -m -e modify /tmp/demo/a /tmp/demo/b /tmp/demo/c > /dev/null &
pid=$!
sleep 1
echo "--- $host, inotifywait watching 3 files"
cat $host
# A lock on a watched file claims a second slot in the same area.
/usr/bin/flock /tmp/demo/a true
echo "--- $host, and one of them locked once (flock)"
cat $host
kill $pid
wait $pid 2>/dev/null
rm -rf /tmp/demo
echo "--- $host, watches gone and files deleted"
cat $host
echo "--- /proc/slabinfo: inode caches (this debug kernel's objsize includes"
echo "    KASAN and SLUB debug metadata; see BENCHMARKS.md for plain sizes)"
printf '%-20s %8s %8s %11s %13s\n' cache active objsize objperslab pagesperslab
awk '/^(inode_cache|shmem_inode_cache|ext4_inode_cache|objext_)/ {
	printf "%-20s %8s %8s %11s %13s\n", $1, $2, $4, $5, $6 }' /proc/slabinfo
echo "OBJEXT-DEMO-END"

[ -d /sys/kernel/debug/objext ] && tap_ok "objext debugfs present" ||
	tap_not_ok "objext debugfs present"
tap_done
