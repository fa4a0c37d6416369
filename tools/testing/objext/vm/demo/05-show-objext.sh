#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 05-show-objext.sh - objext at work in the booted kernel (make demo, and
# the demo step of make test): the inode host's debugfs table as
# extensions come and go, and the inode slab caches.  It checks what it
# shows: three watched files add three areas, a lock on one of them adds
# a claim of the lock slot to an existing area, and the areas go when
# the watches and files do.

. /usr/lib/objext/tap.sh

live() { objext_field live_areas; }
show() {
	echo "--- $OBJEXT_HOST, $1"
	cat "$OBJEXT_HOST"
}

echo "OBJEXT-DEMO-BEGIN"
echo "kernel: $(uname -r)"
if [ ! -r "$OBJEXT_HOST" ]; then
	tap_not_ok "objext inode host in debugfs" "no $OBJEXT_HOST"
	echo "OBJEXT-DEMO-END"
	tap_done
fi
show "nothing watched or locked: the areas are those of the character
    devices opened so far (cdev_inode_slot)"
base=$(live)

# Three watched files: three extension areas, each with the fsnotify slot.
mkdir -p /tmp/demo
: > /tmp/demo/a
: > /tmp/demo/b
: > /tmp/demo/c
inotifywait -q -m -e modify /tmp/demo/a /tmp/demo/b /tmp/demo/c > /dev/null &
pid=$!
watched() { [ "$(live)" = $((base + 3)) ] && echo yes; }
wait_until watched yes
show "inotifywait watching 3 files"
[ "$(live)" = $((base + 3)) ] && tap_ok "3 watched files: 3 more areas" ||
	tap_not_ok "3 watched files: 3 more areas" "live_areas $(live), was $base"
locks=$(objext_claimed file_lock_context_slot)

# A lock on a watched file claims a second slot in the same area.
/usr/bin/flock /tmp/demo/a true
show "and one of them locked once (flock)"
[ "$(live)" = $((base + 3)) ] &&
	[ "$(objext_claimed file_lock_context_slot)" = $((locks + 1)) ] &&
	tap_ok "a lock on a watched file: its area gets the lock slot, no new area" ||
	tap_not_ok "a lock on a watched file: its area gets the lock slot, no new area" \
		"live_areas $(live), lock claims $(objext_claimed file_lock_context_slot)"

kill $pid
wait $pid 2>/dev/null
rm -rf /tmp/demo
tap_expect "watches gone and files deleted: the areas are freed" live "$base"
show "watches gone and files deleted"

echo "--- /proc/slabinfo: inode caches (this debug kernel's object sizes"
echo "    include its sanitizer and slab debugging metadata; BENCHMARKS.md has"
echo "    the sizes of a plain kernel)"
printf '%-20s %8s %8s %11s %13s\n' cache active objsize objperslab pagesperslab
awk '/^(inode_cache|shmem_inode_cache|ext4_inode_cache|objext_)/ {
	printf "%-20s %8s %8s %11s %13s\n", $1, $2, $4, $5, $6 }' /proc/slabinfo
echo "OBJEXT-DEMO-END"
tap_done
