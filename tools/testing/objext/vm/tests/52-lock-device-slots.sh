#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# objext-baseline: fail not ok 1 objext inode host exists
#
# 52-lock-device-slots.sh - the file lock context and the cdev list entry
# of an inode live in the objext slots file_lock_context_slot and
# cdev_inode_slot, and only inodes that use them pay for an area.
#
#  - opening and closing files and making device nodes allocates nothing;
#  - the first flock on each of 100 files claims the lock slot once per
#    file (one area each), and removing the files frees the areas (the
#    lock contexts go with them: /proc/slabinfo counts are too coarse to
#    show it, kmemleak at the end of the run would report a leak);
#  - opening 50 character device nodes claims the cdev slot once per node,
#    and removing them frees the areas;
#  - with failslab on the objext_inode cache, flock(2) and opening a
#    character device fail with ENOMEM, leave nothing behind, and work
#    once memory is back.
#
# On a kernel without objext none of this exists: the test fails there.

. /usr/lib/objext/tap.sh

live() { objext_field live_areas; }
lock_claims() { objext_claimed file_lock_context_slot; }
cdev_claims() { objext_claimed cdev_inode_slot; }

objext_require_slots file_lock_context_slot cdev_inode_slot

d=/tmp/objext-locks
mkdir -p $d
live0=$(live) locks0=$(lock_claims) cdevs0=$(cdev_claims)

# Plain use: nothing.
i=0
while [ $i -lt 100 ]; do
	echo $i > $d/f$i
	cat $d/f$i > /dev/null
	mknod $d/null$i c 1 3
	i=$((i + 1))
done
tap_expect "opening files and making device nodes allocates no area" live "$live0"

# Locks: one claim, one area and one context per locked file.
i=0
while [ $i -lt 100 ]; do
	/usr/bin/flock -x $d/f$i true || echo "# flock $d/f$i failed"
	i=$((i + 1))
done
tap_expect "flock on 100 files claims the lock slot 100 times" lock_claims $((locks0 + 100))
tap_expect "... with 100 areas" live $((live0 + 100))
i=0
while [ $i -lt 100 ]; do
	/usr/bin/flock -s $d/f$i true
	i=$((i + 1))
done
tap_expect "locking them again claims nothing more" lock_claims $((locks0 + 100))
rm -f $d/f*
tap_expect "removing the files releases the lock slots" lock_claims "$locks0"
tap_expect "... and their areas" live "$live0"

# Character devices: a claim per opened node.
i=0
while [ $i -lt 50 ]; do
	: < $d/null$i
	i=$((i + 1))
done
tap_expect "opening 50 character device nodes claims the cdev slot 50 times" \
	cdev_claims $((cdevs0 + 50))
tap_expect "... with 50 areas" live $((live0 + 50))
rm -f $d/null*
tap_expect "removing the nodes releases the cdev slots" cdev_claims "$cdevs0"
tap_expect "... and their areas" live "$live0"

# Allocation failure: -ENOMEM to the caller, nothing half-done.
if objext_failslab_usable; then
	touch $d/nomem
	mknod $d/nomem-null c 1 3
	objext_failslab_on
	lock_msg=$(/usr/bin/flock -n $d/nomem true 2>&1)
	lock_rc=$?
	open_msg=$(sh -c ": < $d/nomem-null" 2>&1)
	open_rc=$?
	objext_failslab_off
	echo "# flock under failslab: rc=$lock_rc: $lock_msg"
	echo "# open under failslab: rc=$open_rc: $open_msg"
	case "$lock_msg" in
	*"Cannot allocate memory"*) tap_ok "flock fails with ENOMEM" ;;
	*) tap_not_ok "flock fails with ENOMEM" "rc=$lock_rc $lock_msg" ;;
	esac
	case "$open_msg" in
	*"Cannot allocate memory"*) tap_ok "opening a character device fails with ENOMEM" ;;
	*) tap_not_ok "opening a character device fails with ENOMEM" "rc=$open_rc $open_msg" ;;
	esac
	tap_expect "the failures leave no area" live "$live0"
	tap_expect "... and claim no slot" lock_claims "$locks0"
	/usr/bin/flock -n $d/nomem true && : < $d/nomem-null &&
		tap_ok "both work once memory is back" ||
		tap_not_ok "both work once memory is back"
	rm -f $d/nomem $d/nomem-null
	tap_expect "and leave nothing once removed" live "$live0"
else
	objext_failslab_unusable "flock and device open fail with ENOMEM"
fi
rm -rf $d
tap_done
