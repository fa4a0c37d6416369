#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 00-boot.sh - sanity of the booted objext test VM.
#
# Checks that we run the kernel we built, that the environment the later
# objext tests rely on is there (pseudo filesystems, CPUs, slab info,
# inotify/fanotify/file locks) and, when the debug fragment was used, that
# the debug facilities are present.
#
# Expectations come from mkinitramfs.sh --env (set by boot-test.sh):
#   OBJEXT_EXPECT_RELEASE  `uname -r` of the built kernel
#   OBJEXT_EXPECT_CPUS     number of online CPUs
#   OBJEXT_EXPECT_DEBUG    1 if debug.config was merged

# shellcheck source=../tap.sh
. /usr/lib/objext/tap.sh

# 1. the kernel is the one that was just built
if [ -n "${OBJEXT_EXPECT_RELEASE:-}" ]; then
	if [ "$(uname -r)" = "$OBJEXT_EXPECT_RELEASE" ]; then
		tap_ok "kernel release is $OBJEXT_EXPECT_RELEASE"
	else
		tap_not_ok "kernel release" "got $(uname -r), expected $OBJEXT_EXPECT_RELEASE"
	fi
else
	tap_skip "kernel release" "OBJEXT_EXPECT_RELEASE not set"
fi

# 2. all the pseudo filesystems init.sh mounts are mounted
for fs in proc:/proc sysfs:/sys devtmpfs:/dev debugfs:/sys/kernel/debug tmpfs:/tmp; do
	type=${fs%%:*} dir=${fs#*:}
	if awk -v t="$type" -v d="$dir" '$2 == d && $3 == t { f = 1 } END { exit !f }' /proc/mounts; then
		tap_ok "$type mounted on $dir"
	else
		tap_not_ok "$type mounted on $dir" "$(cat /proc/mounts)"
	fi
done

# 3. debugfs is populated (not just an empty directory)
if [ -n "$(ls /sys/kernel/debug 2>/dev/null)" ]; then
	tap_ok "debugfs has entries"
else
	tap_not_ok "debugfs has entries"
fi

# 4. SMP: expected number of CPUs online
if [ -n "${OBJEXT_EXPECT_CPUS:-}" ]; then
	n=$(grep -c '^processor' /proc/cpuinfo)
	if [ "$n" -eq "$OBJEXT_EXPECT_CPUS" ]; then
		tap_ok "$n cpus online"
	else
		tap_not_ok "cpus online" "got $n, expected $OBJEXT_EXPECT_CPUS"
	fi
else
	tap_skip "cpus online" "OBJEXT_EXPECT_CPUS not set"
fi

# 5. slab: the VFS inode cache exists (objext hangs per-inode slots off
#    inodes).  Merged caches only show their canonical name in
#    /proc/slabinfo, so also accept the /sys/kernel/slab alias.
if [ -r /proc/slabinfo ]; then
	if grep -q '^inode_cache ' /proc/slabinfo || [ -e /sys/kernel/slab/inode_cache ]; then
		tap_ok "inode_cache slab present"
	else
		tap_not_ok "inode_cache slab present" "not in /proc/slabinfo nor /sys/kernel/slab"
	fi
else
	tap_skip "inode_cache slab present" "/proc/slabinfo not available (CONFIG_SLUB_DEBUG=n)"
fi

# 6. the notification and locking interfaces the objext inode tests use
#    are built in (Debian's busybox has no inotifyd/flock applets; the
#    functional tests bring their own static helpers).
for f in /proc/sys/fs/inotify/max_user_watches \
	 /proc/sys/fs/fanotify/max_user_marks \
	 /proc/locks; do
	if [ -r "$f" ]; then
		tap_ok "$f readable"
	else
		tap_not_ok "$f readable"
	fi
done

# 7. tmpfs round trip
if echo objext > /tmp/roundtrip && [ "$(cat /tmp/roundtrip)" = objext ]; then
	tap_ok "tmpfs write/read"
else
	tap_not_ok "tmpfs write/read"
fi

# 8. debug facilities when the debug fragment was merged
if [ "${OBJEXT_EXPECT_DEBUG:-0}" = 1 ]; then
	if [ -d /sys/kernel/debug/failslab ]; then
		tap_ok "failslab fault injection in debugfs"
	else
		tap_not_ok "failslab fault injection in debugfs"
	fi
	if [ -r /proc/lockdep ]; then
		tap_ok "lock validator present (/proc/lockdep)"
	else
		tap_not_ok "lock validator present (/proc/lockdep)"
	fi
else
	tap_skip "debug facilities" "OBJEXT_EXPECT_DEBUG != 1"
fi

tap_done
