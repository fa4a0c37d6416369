#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 40-bpf-inode-storage-lsm.sh - BPF inode storage from a BPF LSM program,
# as it has always worked: an lsm/file_permission program built with
# clang against this kernel's BTF counts writes per inode in inode
# storage, and user space reads the counters by file descriptor.  Must
# pass on the unpatched kernel too.

. /usr/lib/objext/tap.sh
. /usr/lib/objext/inode-storage-checks.sh

bpf_fs_mount || { tap_not_ok "mount bpffs"; tap_done; }

counter_checks count_write_lsm
tap_done
