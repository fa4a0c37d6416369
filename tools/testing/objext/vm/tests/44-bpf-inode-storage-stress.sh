#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# objext-baseline: fail cannot use helper bpf_inode_storage_get
#
# 44-bpf-inode-storage-stress.sh - inode storage under concurrency, on the
# KASAN + lockdep + kmemleak kernel of the vm step: four threads create,
# write, stat and unlink files on a tmpfs, and an fentry/vfs_write program
# gives every written file storage, while another thread creates inode
# storage maps, gives storage through them to the files being unlinked
# and frees the maps, over and over: storage creation from programs and
# from the syscall, inode eviction and map freeing race.  Afterwards no
# element is left (counted to within the counting programs' misses,
# which full preemption causes) and no inode holds the slot; the log
# check and the final kmemleak scan of init.sh catch splats and leaks.
# Tracing programs cannot use inode storage on the unpatched kernel, so
# the test fails there.

. /usr/lib/objext/tap.sh
. /usr/lib/objext/inode-storage-checks.sh

seconds=${OBJEXT_STRESS_SECONDS:-20}
dir=/tmp/stress

bpf_fs_mount || { tap_not_ok "mount bpffs"; tap_done; }
mkdir -p $dir
mount -t tmpfs stress $dir
element_accounting_attach || tap_not_ok "attach the element accounting programs"
claimed0=$(slot_claimed)

if out=$(bpf-inode-storage stress $dir "$seconds" 4 2>&1); then
	tap_ok "$seconds s of file churn against storage and map churn"
else
	tap_not_ok "$seconds s of file churn against storage and map churn"
fi
printf '%s\n' "$out" | sed 's/^/# /'
echo "# $(bpf-inode-storage stats $BPF_ACCT | tr ' ' '\n' | grep selem | paste -sd' ')"

no_elements() { elements_near 0; }
wait_for no_elements &&
	tap_ok "every element created was freed" ||
	tap_not_ok "every element created was freed" \
		"$(elements) left, misses $(element_misses)"
echo "# counting misses: $(element_misses)"
same_claims() { [ "$(slot_claimed)" = "$claimed0" ]; }
wait_for same_claims &&
	tap_ok "no inode still holds the storage slot" ||
	tap_not_ok "no inode still holds the storage slot" \
		"claimed $claimed0 -> $(slot_claimed)"

rm -r $BPF_ACCT
umount $dir
tap_done
