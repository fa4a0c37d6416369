#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# objext-baseline: fail cannot use helper bpf_inode_storage_get
#
# 41-bpf-inode-storage-tracing.sh - BPF inode storage from tracing
# programs, which objext makes possible: the baseline verifier refuses
# bpf_inode_storage_get() outside LSM programs, so this test fails there.
#
#  - an fentry/vfs_write program keeps the per-inode write counters of
#    40-bpf-inode-storage-lsm.sh, with the same checks;
#  - an fentry/vfs_fsync_range program deletes a file's counter;
#  - the verifier refuses a file pointer passed as an inode, and kprobes
#    do not get the helpers;
#  - a program that fires inside the storage code (fentry/bpf_selem_alloc)
#    while another program's helper is creating storage gets NULL and
#    creates nothing: the recursion guard;
#  - a program on fexit/__destroy_inode cannot give the dying inode
#    storage, nor one on fentry/inode_init_always_gfp an inode not yet
#    set up (new slab objects included), and storage an LSM program made
#    for an inode whose allocation then failed is freed with it;
#  - storage and extension areas go when the inodes are evicted, and
#    freeing the map frees every element of live inodes, which keep their
#    (now empty) slot and get new storage when a new map wants it.

. /usr/lib/objext/tap.sh
. /usr/lib/objext/inode-storage-checks.sh

bpf_fs_mount || { tap_not_ok "mount bpffs"; tap_done; }

# On the baseline kernel this is where the test fails: the verifier says
# "program of this type cannot use helper bpf_inode_storage_get".
if ! bpf-inode-storage load count_write_fentry; then
	tap_not_ok "fentry program using inode storage loads"
	tap_done
fi
tap_ok "fentry program using inode storage loads"

counter_checks count_write_fentry

# refused PROG REASON: the verifier refuses PROG, saying REASON.
refused() {
	if bpf-inode-storage load "$1" 2>/tmp/refused.log; then
		tap_not_ok "$1 is refused"
	else
		grep -q "$2" /tmp/refused.log && tap_ok "$1 is refused: $2" ||
			tap_not_ok "$1 is refused: $2" \
				"$(grep -v '^;' /tmp/refused.log | tail -n 4 | tr '\n' ' ')"
	fi
}
refused fentry_file_as_inode 'R2 is of type file but inode is expected'
refused kprobe_scalar_inode 'cannot use helper bpf_inode_storage_get'

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
element_accounting_attach ||
	tap_not_ok "attach the element accounting programs"
n=1000
# write_files DIR: write once to DIR/f1 ... DIR/f$n, noting the claimed
# slots and live elements before (claimed0, elems0) and after (claimed1,
# elems1).
write_files() {
	claimed0=$(slot_claimed)
	elems0=$(elements)
	_i=0
	while [ $_i -lt $n ]; do
		_i=$((_i + 1))
		echo x >"$1/f$_i"
	done
	claimed1=$(slot_claimed)
	elems1=$(elements)
}
if scratch_fs_mount bpf41; then
	m=$SCRATCH_MNT
	pin=$BPF_PIN_ROOT/evict
	bpf-inode-storage attach $pin $m count_write_fentry
	write_files $m
	echo "# slot claimed $claimed0 -> $claimed1, elements $elems0 -> $elems1"
	[ $((claimed1 - claimed0)) -eq $n ] &&
		[ $((elems1 - elems0)) -eq $n ] &&
		expect_counter $pin $m/f1 1 && expect_counter $pin $m/f$n 1 &&
		tap_ok "$n written files: $n slots claimed, $n elements" ||
		tap_not_ok "$n written files: $n slots claimed, $n elements"

	evicted() {
		[ "$(slot_claimed)" = "$claimed0" ] &&
			elements_near "$elems0"
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

# --- storage on dying inodes ------------------------------------------------------
dir=/tmp/dying
pin=$BPF_PIN_ROOT/dying
mkdir -p $dir
mount -t tmpfs dying $dir
elems0=$(elements)
claimed0=$(slot_claimed)
bpf-inode-storage attach $pin $dir create_after_destroy
: >$dir/gone
rm $dir/gone
late() { [ "$(stat_of $pin late_tries)" -ge 1 ]; }
wait_for late && [ "$(stat_of $pin late_storage)" = 0 ] &&
	elements_near "$elems0" && [ "$(slot_claimed)" = "$claimed0" ] &&
	tap_ok "fexit/__destroy_inode cannot give a torn-down inode storage" ||
	tap_not_ok "fexit/__destroy_inode cannot give a torn-down inode storage" \
		"$(bpf-inode-storage stats $pin), elements $elems0 -> $(elements)"
rm -r $pin

# Too early: inode_init_always_gfp() gets slab objects that a former life
# tore down or, new, that only inode_init_once() has touched.  More files
# than the cache has free objects make some of them new: the cache grows.
slab_objs() { awk '$1 == "shmem_inode_cache" { print $2, $3 }' /proc/slabinfo; }
set -- $(slab_objs)
n_early=$(($2 - $1 + 2000)) objs0=$2
bpf-inode-storage attach $pin $dir create_before_init
mkdir $dir/early
i=0
while [ $i -lt $n_early ]; do : >$dir/early/$i; i=$((i + 1)); done
set -- $(slab_objs)
echo "# shmem_inode_cache: $objs0 -> $2 objects for $n_early files"
[ "$2" -gt "$objs0" ] &&
	[ "$(stat_of $pin early_tries)" -ge "$n_early" ] &&
	[ "$(stat_of $pin early_storage)" = 0 ] &&
	elements_near "$elems0" && [ "$(slot_claimed)" = "$claimed0" ] &&
	tap_ok "fentry/inode_init_always_gfp cannot give a new inode storage" ||
	tap_not_ok "fentry/inode_init_always_gfp cannot give a new inode storage" \
		"$(bpf-inode-storage stats $pin), elements $elems0 -> $(elements)"
rm -r $pin $dir/early

# An LSM program (this one is allowed on the baseline too) that creates
# storage in inode_alloc_security and fails the allocation.
bpf-inode-storage attach $pin $dir create_then_fail_alloc
if touch $dir/never 2>/dev/null; then
	tap_not_ok "a failed inode allocation frees the storage made for it" \
		"creating a file succeeded"
else
	[ "$(stat_of $pin failed_alloc_storage)" -ge 1 ] &&
		elements_near "$elems0" &&
		tap_ok "a failed inode allocation frees the storage made for it" ||
		tap_not_ok "a failed inode allocation frees the storage made for it" \
			"$(bpf-inode-storage stats $pin), elements $elems0 -> $(elements)"
fi
rm -r $pin
umount $dir

# --- freeing the map -------------------------------------------------------------
dir=/tmp/mapfree
pin=$BPF_PIN_ROOT/mapfree
mkdir -p $dir
mount -t tmpfs mapfree $dir
bpf-inode-storage attach $pin $dir count_write_fentry
write_files $dir
freed() { elements_near "$elems0"; }
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
rm -r $pin $BPF_ACCT
umount $dir

tap_done
