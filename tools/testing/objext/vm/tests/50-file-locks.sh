#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 50-file-locks.sh - file locks and leases on tmpfs and on ext4 (busybox
# mke2fs image on a loop device): util-linux flock(1) between processes,
# then progs/file-locks.c for POSIX, OFD and flock locks and leases with
# contention; and the kernel's own selftest of OFD locks
# (tools/testing/selftests/filelock/ofdlocks.c, on /tmp).  Same results
# on both kernels.

. /usr/lib/objext/tap.sh

FLOCK=/usr/bin/flock

# flock_contention DIR: flock(1) holders and waiters in separate processes.
flock_contention() {
	f=$1/flock-file
	: > "$f"
	rm -f "$1/held"
	$FLOCK -x "$f" sh -c "touch $1/held; sleep 2" &
	holder=$!
	i=0
	while [ ! -e "$1/held" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	$FLOCK -n -E 42 "$f" true
	rc=$?
	[ $rc = 42 ] && tap_ok "flock(1) -n on $1 is refused while held" ||
		tap_not_ok "flock(1) -n on $1 is refused while held" "exit $rc"
	$FLOCK -s -n -E 42 "$f" true
	rc=$?
	[ $rc = 42 ] && tap_ok "flock(1) -s -n on $1 is refused too" ||
		tap_not_ok "flock(1) -s -n on $1 is refused too" "exit $rc"
	$FLOCK -w 10 -E 42 "$f" true
	rc=$?
	[ $rc = 0 ] && tap_ok "flock(1) -w on $1 gets the lock once the holder exits" ||
		tap_not_ok "flock(1) -w on $1 gets the lock once the holder exits" "exit $rc"
	wait $holder
	rm -f "$f" "$1/held"
}

if $FLOCK --version 2>&1 | grep -q util-linux; then
	tap_ok "flock(1) is util-linux's"
else
	tap_not_ok "flock(1) is util-linux's" "$($FLOCK --version 2>&1 | head -n 1)"
fi

rm -rf /tmp/locks
mkdir -p /tmp/locks
flock_contention /tmp/locks
file-locks /tmp/locks || TAP_FAILED=$((TAP_FAILED + 1))
rm -rf /tmp/locks

rm -f /tmp/aa
out=$(ofdlocks 2>&1)
rc=$?
[ $rc = 0 ] && echo "$out" | grep -q '^# \[SUCCESS\]' &&
	! echo "$out" | grep -q FAIL &&
	tap_ok "kernel selftest filelock/ofdlocks" ||
	tap_not_ok "kernel selftest filelock/ofdlocks" \
		"exit $rc: $(echo "$out" | tr '\n' ' ')"

if scratch_fs_mount locks-ext2; then
	flock_contention "$SCRATCH_MNT"
	file-locks "$SCRATCH_MNT" || TAP_FAILED=$((TAP_FAILED + 1))
else
	tap_not_ok "mount a scratch ext2 filesystem"
fi
scratch_fs_release
tap_done
