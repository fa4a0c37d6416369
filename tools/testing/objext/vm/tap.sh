# SPDX-License-Identifier: GPL-2.0
#
# tap.sh - tiny TAP helpers for objext in-VM tests (busybox ash compatible).
#
# Installed in the initramfs as /usr/lib/objext/tap.sh.  Usage in a test:
#
#   #!/bin/sh
#   . /usr/lib/objext/tap.sh
#   tap_check "uname works" uname -r      # runs a command, ok if it succeeds
#   [ -d /proc/1 ] && tap_ok "proc" || tap_not_ok "proc"
#   tap_skip "needs ext4 disk" "no /dev/vda"
#   tap_done                              # exits 0 if nothing failed, else 1
#
# A test that cannot run at all in this kernel should `exit 77` (SKIP);
# the VM init then counts it as skipped rather than failed.
#
# Result lines are "ok N name" / "not ok N name" / "ok N name # SKIP why",
# each at the start of a line so the host side (check-log.sh) can count them.

TAP_N=0
TAP_FAILED=0

tap_ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N $1"
}

tap_not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N $1"
	# Optional diagnostics, TAP style.
	[ $# -gt 1 ] && echo "# $2"
	return 0
}

tap_skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N $1 # SKIP ${2:-}"
}

# tap_check NAME CMD [ARGS...]: ok if CMD exits 0; shows CMD's output as
# TAP diagnostics when it fails.
tap_check() {
	_name=$1
	shift
	if _out=$("$@" 2>&1); then
		tap_ok "$_name"
	else
		tap_not_ok "$_name" "command failed: $*"
		printf '%s\n' "$_out" | sed 's/^/#   /'
	fi
}

# tap_done: exit status summarising the test file.
tap_done() {
	[ "$TAP_FAILED" -eq 0 ] && exit 0
	exit 1
}

# The objext inode host's debugfs file: objext_field NAME prints the value
# of its "NAME: value" line, objext_claimed SLOT how many inodes claimed
# SLOT (nothing on a kernel without objext).
OBJEXT_HOST=/sys/kernel/debug/objext/inode
objext_field() {
	sed -n "s/^$1: //p" "$OBJEXT_HOST" 2>/dev/null
}
objext_claimed() {
	awk -v s="$1" '$1 == s { print $3 }' "$OBJEXT_HOST" 2>/dev/null
}

# objext_require_slots SLOT...: on a kernel without the objext inode host
# the test fails and ends here; otherwise the host's file is shown and
# each SLOT must be listed in it.
objext_require_slots() {
	if [ ! -r "$OBJEXT_HOST" ]; then
		tap_not_ok "objext inode host exists" "no $OBJEXT_HOST"
		tap_done
	fi
	sed 's/^/# /' "$OBJEXT_HOST"
	for _rs in "$@"; do
		[ -n "$(objext_claimed "$_rs")" ] && tap_ok "inode host has the $_rs" ||
			tap_not_ok "inode host has the $_rs"
	done
}

# wait_until CMD VALUE: CMD (a function or command, no arguments) prints
# VALUE within 20 s; for counters that settle after RCU or eviction.
wait_until() {
	_wu_i=0
	while [ "$($1)" != "$2" ] && [ $_wu_i -lt 200 ]; do
		sleep 0.1
		_wu_i=$((_wu_i + 1))
	done
	[ "$($1)" = "$2" ]
}

# tap_expect NAME CMD VALUE: ok if CMD prints VALUE within 20 s
# (wait_until), otherwise not ok with what it printed.
tap_expect() {
	if wait_until "$2" "$3"; then
		tap_ok "$1"
	else
		tap_not_ok "$1" "$2: $($2), want $3"
	fi
}

# Fault injection on the objext_inode cache alone (CONFIG_FAILSLAB):
# objext_failslab_usable tells whether this kernel can do it,
# objext_failslab_on makes every allocation from the cache fail (returns 1
# if the cache cannot be singled out, e.g. because it was merged), and
# objext_failslab_off ends it.
OBJEXT_FAILSLAB=/sys/kernel/debug/failslab
# One slab cache per area size: objext_inode-16, objext_inode-24, ...
objext_caches() {
	ls -d /sys/kernel/slab/objext_inode-* 2>/dev/null
}
objext_failslab_usable() {
	[ -n "$(objext_caches)" ] && [ -d $OBJEXT_FAILSLAB ] &&
		for _c in $(objext_caches); do [ -w "$_c/failslab" ] || return 1; done
}
# objext_failslab_unusable NAME: report the allocation-failure checks
# NAME as not run: a failure on the debug kernel, which has failslab and
# boots with slab_nomerge, so that losing them cannot pass unnoticed; a
# skip on other kernels.
objext_failslab_unusable() {
	if [ "${OBJEXT_EXPECT_DEBUG:-0}" = 1 ]; then
		tap_not_ok "$1" "failslab unusable on the debug kernel: no objext_inode-* cache or $OBJEXT_FAILSLAB"
	else
		tap_skip "$1" "no failslab (CONFIG_FAILSLAB)"
	fi
}
objext_failslab_on() {
	for _c in $(objext_caches); do
		echo 1 > "$_c/failslab" || return 1
	done
	echo Y > $OBJEXT_FAILSLAB/cache-filter
	echo N > $OBJEXT_FAILSLAB/ignore-gfp-wait
	echo -1 > $OBJEXT_FAILSLAB/times
	echo 0 > $OBJEXT_FAILSLAB/verbose
	echo 100 > $OBJEXT_FAILSLAB/probability
}
objext_failslab_off() {
	echo 0 > $OBJEXT_FAILSLAB/probability
	for _c in $(objext_caches); do
		echo 0 > "$_c/failslab"
	done
}

# scratch_fs_mount NAME: a fresh 8 MiB ext2 image (busybox mke2fs) at
# /tmp/NAME.img on a loop device, mounted by the ext4 driver at
# SCRATCH_MNT=/mnt/NAME.  Unlike tmpfs inodes, its inodes can be evicted
# (drop_caches) and the filesystem unmounted under watches.  On failure,
# shows the last kernel messages and returns 1.  Undo with
# scratch_fs_release, also after a failure.
scratch_fs_mount() {
	SCRATCH_IMG=/tmp/$1.img SCRATCH_MNT=/mnt/$1
	dd if=/dev/zero of="$SCRATCH_IMG" bs=1M count=8 2>/dev/null
	mke2fs -q -F "$SCRATCH_IMG" >/dev/null 2>&1
	mkdir -p "$SCRATCH_MNT"
	SCRATCH_DEV=$(losetup -f)
	losetup "$SCRATCH_DEV" "$SCRATCH_IMG" &&
		mount -t ext4 "$SCRATCH_DEV" "$SCRATCH_MNT" && return 0
	echo "# cannot mount $SCRATCH_IMG on $SCRATCH_DEV at $SCRATCH_MNT"
	dmesg | tail -n 5 | sed 's/^/# /'
	return 1
}

# scratch_fs_release: unmount (if still mounted), free the loop device,
# delete the image.
scratch_fs_release() {
	umount "$SCRATCH_MNT" 2>/dev/null
	losetup -d "$SCRATCH_DEV" 2>/dev/null
	rm -f "$SCRATCH_IMG"
}
