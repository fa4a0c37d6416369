#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 43-bpf-inode-storage-no-bpf-lsm.sh - inode storage from tracing programs
# does not need the BPF LSM.  Runs only when the kernel was booted with an
# lsm= list that leaves bpf out (the vm-lsm-off step of dev/test.sh boots
# with lsm=capability); skipped otherwise.  The unpatched kernel refused
# inode storage maps outright when the BPF LSM was not initialised.

. /usr/lib/objext/tap.sh
. /usr/lib/objext/inode-storage-checks.sh

lsm=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^lsm=//p')
case ",$lsm," in
,,|*,bpf,*) echo "# booted without an lsm= list that leaves out bpf"; exit 77 ;;
esac

! grep -q 'LSM support for eBPF active' /tmp/objext-boot-dmesg &&
	tap_ok "the BPF LSM is not active (lsm=$lsm)" ||
	tap_not_ok "the BPF LSM is not active (lsm=$lsm)"
bpf_fs_mount || { tap_not_ok "mount bpffs"; tap_done; }

counter_checks count_write_fentry
tap_done
