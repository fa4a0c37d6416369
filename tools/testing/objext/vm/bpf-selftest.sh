#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bpf-selftest.sh - the kernel's own BPF selftest of inode storage,
# test_local_storage, alone (make bpf-selftest): boots the test kernel
# (no build: make vm-kernel first) with tests/47-bpf-selftest-local-storage.sh,
# for which boot-test.sh builds test_progs (bpf/build-selftest.sh), and
# judges the console as the vm step does.  The vm step runs the same
# test among the others, and vm-base on Debian's kernel.
#
# Usage: bpf-selftest.sh [--baseline] [boot-test.sh options...]
#   --baseline  boot Debian's kernel of the same source instead (logs in
#               build/out-vm-base), where the test passes too: BPF inode
#               storage has always worked from the BPF LSM; as in the
#               vm-base step, an oops of that kernel gets a second boot

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../../.." && pwd)
kernel=(--no-build)
if [ "${1:-}" = --baseline ]; then
	shift
	# shellcheck source=../../../../dev/lib.sh
	source "$REPO/dev/lib.sh"
	vmlinuz=$(objext_base_image_file vmlinuz) ||
		{ echo "bpf-selftest: cannot get Debian's kernel" >&2; echo "0 passed, 1 failed"; exit 1; }
	kernel=(--prebuilt "${vmlinuz%/boot/*}" --out "$REPO/build/out-vm-base" --retry-oops)
fi
exec "$HERE/boot-test.sh" "${kernel[@]}" --tag bpf-selftest \
	--tests "$HERE/tests/47-bpf-selftest-local-storage.sh" "$@"
