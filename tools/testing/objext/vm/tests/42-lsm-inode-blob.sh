#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# objext-baseline: fail not ok 1 LSM inode blob size is 0
#
# 42-lsm-inode-blob.sh - the BPF LSM no longer asks for an inode security
# blob: inode storage lives in an objext slot.  With bpf the only LSM of
# this kernel, the LSM framework reports an inode blob size of 0 (lsm.debug
# is on the command line; init.sh keeps the boot messages), so no inode gets an i_security allocation.  The
# unpatched kernel reports 24 (RCU head plus the storage pointer) and
# fails this test.

. /usr/lib/objext/tap.sh

line=$(grep -m1 'inode blob size' /tmp/objext-boot-dmesg)
echo "# ${line:-no blob sizes logged}"
size=$(printf '%s\n' "$line" | sed -n 's/.*inode blob size *= *//p')
[ "$size" = 0 ] && tap_ok "LSM inode blob size is 0" ||
	tap_not_ok "LSM inode blob size is 0" "got '${size:-nothing}'"
active=$(grep -m1 'LSM support for eBPF active' /tmp/objext-boot-dmesg)
[ -n "$active" ] && tap_ok "the BPF LSM is active" ||
	tap_not_ok "the BPF LSM is active"
tap_done
