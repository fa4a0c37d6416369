#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 40-bpf-inode-storage-lsm.sh - BPF inode storage from a BPF LSM program,
# as it has always worked: an lsm/file_permission program built with
# clang against this kernel's BTF counts writes per inode in inode
# storage, and user space reads the counters by file descriptor; then an
# LSM that decides by its storage (unlink refused for written files) and
# asks for storage of a rename's target, which is NULL for a new name.
# Must pass on the unpatched kernel too.

. /usr/lib/objext/tap.sh
. /usr/lib/objext/inode-storage-checks.sh

bpf_fs_mount || { tap_not_ok "mount bpffs"; tap_done; }

counter_checks count_write_lsm

# Storage that decides: refuse_unlink_written refuses to unlink a written
# file of the tmpfs, storage_of_rename_target looks at rename targets.
pin=$BPF_PIN_ROOT/decide
dir=/tmp/decide
mkdir -p $dir
mount -t tmpfs decide $dir
if bpf-inode-storage attach $pin $dir count_write_lsm refuse_unlink_written \
	storage_of_rename_target; then
	tap_ok "decide: load and attach"
	echo x >>$dir/written
	: >$dir/untouched
	err=$(rm $dir/written 2>&1)
	[ -e $dir/written ] && expect_counter $pin $dir/written 1 &&
		[ "$(stat_of $pin unlink_refused)" = 1 ] &&
		tap_ok "decide: unlink of a written file refused" ||
		tap_not_ok "decide: unlink of a written file refused" \
			"rm: $err; $(bpf-inode-storage stats $pin)"
	case $err in
	*"not permitted"*) tap_ok "decide: refused with EPERM" ;;
	*) tap_not_ok "decide: refused with EPERM" "rm: $err" ;;
	esac
	rm $dir/untouched && [ ! -e $dir/untouched ] &&
		tap_ok "decide: a file without storage unlinks" ||
		tap_not_ok "decide: a file without storage unlinks"
	bpf-inode-storage delete $pin $dir/written && rm $dir/written &&
		[ ! -e $dir/written ] &&
		tap_ok "decide: unlinks once its storage is deleted" ||
		tap_not_ok "decide: unlinks once its storage is deleted"

	: >$dir/a
	mv $dir/a $dir/new-name &&
		[ "$(stat_of $pin rename_new_name)" = 1 ] &&
		[ "$(stat_of $pin rename_new_name_storage)" = 0 ] &&
		tap_ok "decide: no storage for the NULL target of a rename" ||
		tap_not_ok "decide: no storage for the NULL target of a rename" \
			"$(bpf-inode-storage stats $pin)"
	echo x >>$dir/over
	: >$dir/b
	mv $dir/b $dir/over &&
		[ "$(stat_of $pin rename_over_counted)" = 1 ] &&
		tap_ok "decide: the storage of a replaced rename target" ||
		tap_not_ok "decide: the storage of a replaced rename target" \
			"$(bpf-inode-storage stats $pin)"
	rm -r $pin
else
	tap_not_ok "decide: load and attach"
fi
umount $dir
tap_done
