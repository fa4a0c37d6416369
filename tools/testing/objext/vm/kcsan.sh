#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kcsan.sh - the race and stress tests under KCSAN (make kcsan).
#
# Builds the test kernel with config/kcsan.config instead of debug.config
# (KCSAN and KASAN exclude each other), with full preemption as the VM
# suite's kernel has it (config/preempt-full.config), into
# build/out-kcsan, boots it with 4 vCPUs and runs the objext KUnit suite
# at boot (racing first claims, claims racing teardown) and the in-VM
# tests that race claims, updates
# and teardown: fsnotify marks with failslab (30), BPF inode storage
# stress, softirq and XFS recycling (44, 45, 46), the lock, cdev, fscrypt
# and fsverity slots with failslab (52, 54).  Any KCSAN report is a
# "BUG:" line, which the log check fails.  Not part of make test: the
# KCSAN build and boot do not fit CI's time budget (see README.md).
#
# Usage: kcsan.sh [--no-build] [boot-test.sh options...]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../../.." && pwd)
tests=""
for t in 00-boot 30-fsnotify-objext 44-bpf-inode-storage-stress \
	 45-bpf-inode-storage-softirq 46-bpf-inode-storage-xfs-recycle \
	 52-lock-device-slots 54-fscrypt-fsverity-slots; do
	tests="$tests $HERE/tests/$t.sh"
done
exec "$HERE/boot-test.sh" --out "$REPO/build/out-kcsan" \
	--fragments "vm.config preempt-full.config kcsan.config" --smp 4 \
	--tag kcsan --timeout 5400 --test-timeout 1800 --tests "${tests# }" "$@"
