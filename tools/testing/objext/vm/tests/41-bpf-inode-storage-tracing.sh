#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# objext-baseline: fail
#
# 41-bpf-inode-storage-tracing.sh - BPF inode storage from tracing
# programs, which objext makes possible: the baseline verifier refuses
# bpf_inode_storage_get() outside LSM programs, so this test fails there.
#
#  - an fentry/vfs_write program keeps the per-inode write counters of
#    40-bpf-inode-storage-lsm.sh, with the same checks;
#  - an fentry/vfs_fsync_range program deletes a file's counter;
#  - a kprobe passing a plain number as the inode is still refused;
#  - a program that fires inside the storage code (fentry/bpf_selem_alloc)
#    while another program's helper is creating storage gets NULL and
#    creates nothing: the recursion guard;
#  - storage and extension areas go when the inodes are evicted, and
#    freeing the map frees every element of live inodes, which keep their
#    (now empty) slot and get new storage when a new map wants it.

. /usr/lib/objext/tap.sh
. /usr/lib/objext/inode-storage-checks.sh

objext_host=/sys/kernel/debug/objext/inode
slot_claimed() {
	awk '$1 == "bpf_inode_storage_slot" { print $6 }' $objext_host 2>/dev/null
}
# Live local storage elements: allocated minus freed, counted by the
# fexit/bpf_selem_alloc and fentry/bpf_selem_free programs attached at
# $acct for the whole test.
acct=$BPF_PIN_ROOT/accounting
elements() {
	echo $(($(stat_of $acct selem_alloc) - $(stat_of $acct selem_free)))
}

# wait_for TEST...: TEST succeeds within 30 s (maps are freed from a
# workqueue).
wait_for() {
	_i=0
	until "$@"; do
		[ $_i -ge 300 ] && return 1
		sleep 0.1
		_i=$((_i + 1))
	done
}

bpf_fs_mount || { tap_not_ok "mount bpffs"; tap_done; }

# On the baseline kernel this is where the test fails: the verifier says
# "unknown func bpf_inode_storage_get".
if ! bpf-inode-storage load count_write_fentry; then
	tap_not_ok "fentry program using inode storage loads"
	tap_done
fi
tap_ok "fentry program using inode storage loads"

counter_checks count_write_fentry

if bpf-inode-storage load kprobe_scalar_inode 2>/tmp/kprobe.log; then
	tap_not_ok "a kprobe passing a number as an inode is refused"
else
	grep -q 'R2 type=' /tmp/kprobe.log &&
		tap_ok "a kprobe passing a number as an inode is refused" ||
		tap_not_ok "a kprobe passing a number as an inode is refused" \
			"$(tail -n 3 /tmp/kprobe.log)"
fi

# --- delete from a tracing program, and the recursion guard -------------------
dir=/tmp/tracing
pin=$BPF_PIN_ROOT/tracing
mkdir -p $dir
mount -t tmpfs tracing $dir
bpf-inode-storage attach $pin $dir count_write_fentry drop_on_fsync nested_get ||
	tap_not_ok "attach fentry counter, fsync delete and nested programs"
echo x >$dir/kept
dd if=/dev/zero of=$dir/synced bs=1 count=1 conv=fsync 2>/dev/null
expect_counter $pin $dir/kept 1 && expect_counter $pin $dir/synced none &&
	[ "$(stat_of $pin deleted)" = 1 ] &&
	tap_ok "bpf_inode_storage_delete() from fentry/vfs_fsync_range" ||
	tap_not_ok "bpf_inode_storage_delete() from fentry/vfs_fsync_range" \
		"$(bpf-inode-storage stats $pin)"

nested=$(stat_of $pin nested)
[ "${nested:-0}" -ge 2 ] && [ "$(stat_of $pin nested_storage)" = 0 ] &&
	expect_counter $pin "$PWD" none &&
	tap_ok "a program nested in the storage code gets no storage" ||
	tap_not_ok "a program nested in the storage code gets no storage" \
		"$(bpf-inode-storage stats $pin)"
rm -r $pin
umount $dir

# --- eviction -----------------------------------------------------------------
bpf-inode-storage attach $acct /tmp count_selem_alloc count_selem_free ||
	tap_not_ok "attach the element accounting programs"
n=1000
if scratch_fs_mount bpf41; then
	m=$SCRATCH_MNT
	pin=$BPF_PIN_ROOT/evict
	bpf-inode-storage attach $pin $m count_write_fentry
	claimed0=$(slot_claimed)
	elems0=$(elements)
	i=0
	while [ $i -lt $n ]; do
		i=$((i + 1))
		echo x >$m/f$i
	done
	claimed1=$(slot_claimed)
	elems1=$(elements)
	echo "# slot claimed $claimed0 -> $claimed1, elements $elems0 -> $elems1"
	[ $((claimed1 - claimed0)) -eq $n ] &&
		[ $((elems1 - elems0)) -eq $n ] &&
		expect_counter $pin $m/f1 1 && expect_counter $pin $m/f$n 1 &&
		tap_ok "$n written files: $n slots claimed, $n elements" ||
		tap_not_ok "$n written files: $n slots claimed, $n elements"

	evicted() {
		[ "$(slot_claimed)" = "$claimed0" ] &&
			[ "$(elements)" = "$elems0" ]
	}
	sync
	echo 3 >/proc/sys/vm/drop_caches
	wait_for evicted
	echo "# after drop_caches: slot claimed $(slot_claimed), elements $(elements)"
	evicted && expect_counter $pin $m/f1 none &&
		tap_ok "evicting the inodes frees their storage and areas" ||
		tap_not_ok "evicting the inodes frees their storage and areas"
	rm -r $pin
fi
scratch_fs_release

# --- freeing the map -------------------------------------------------------------
dir=/tmp/mapfree
pin=$BPF_PIN_ROOT/mapfree
mkdir -p $dir
mount -t tmpfs mapfree $dir
bpf-inode-storage attach $pin $dir count_write_fentry
claimed0=$(slot_claimed)
elems0=$(elements)
i=0
while [ $i -lt $n ]; do
	i=$((i + 1))
	echo x >$dir/f$i
done
claimed1=$(slot_claimed)
elems1=$(elements)
freed() { [ "$(elements)" = "$elems0" ]; }
rm -r $pin
wait_for freed
echo "# elements $elems0 -> $elems1 -> $(elements) after the map went"
[ $((elems1 - elems0)) -eq $n ] && freed &&
	[ "$(slot_claimed)" = "$claimed1" ] &&
	tap_ok "freeing the map frees the elements of $n live inodes" ||
	tap_not_ok "freeing the map frees the elements of $n live inodes"
bpf-inode-storage attach $pin $dir count_write_fentry &&
	expect_counter $pin $dir/f1 none && echo x >>$dir/f1 &&
	expect_counter $pin $dir/f1 1 &&
	tap_ok "a new map creates storage in a claimed slot again" ||
	tap_not_ok "a new map creates storage in a claimed slot again"
rm -r $pin $acct
umount $dir

tap_done
