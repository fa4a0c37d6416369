#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-vm.sh - boot a kernel + initramfs in QEMU with a serial console.
#
# Usage: run-vm.sh --kernel BZIMAGE --initrd INITRD [options]
#
#   --append "ARGS"     extra kernel command line (appended to the defaults)
#   --timeout SECS      wall-clock limit for the whole VM run (default 900)
#   --log FILE          console log (default: ./objext-vm.log)
#   --smp N             vCPUs (default 2)
#   --mem SIZE          guest memory (default 1G)
#   --machine TYPE      q35 (default) or pc
#   --accel MODE        tcg (default), kvm, or auto: probe KVM with a short
#                       boot (at most ~20 s) and fall back to TCG
#   --disk FILE         attach FILE (raw) as a virtio-blk disk; repeatable
#   --quiet             don't echo the console to stdout (log file only)
#   --qemu-arg ARG      extra raw QEMU argument; repeatable
#
# Default command line: console=ttyS0 panic=-1 oops=panic panic_on_warn=0
#   slab_nomerge lsm.debug
#   - lsm.debug: the LSM framework logs its blob sizes (42-lsm-inode-blob);
#   - slab_nomerge: every slab cache keeps its own /proc/slabinfo line and
#     failslab switch (objext_inode would otherwise alias kmalloc-cg-32);
#   - oops=panic + panic=-1 (reboot at once) + QEMU -no-reboot: an oops ends
#     the run immediately instead of leaving a half-dead VM until timeout;
#   - panic_on_warn stays off: a WARN is reported by check-log.sh from the
#     log, and the remaining tests still run.
#
# Exit status: QEMU's status (0 after a clean poweroff/reboot), or 124 if
# the timeout killed it; in that case "run-vm: TIMEOUT" is appended to the
# log so check-log.sh can say why the end marker is missing.

set -euo pipefail

KERNEL='' INITRD='' APPEND='' TIMEOUT=900 LOG=objext-vm.log
SMP=2 MEM=1G MACHINE=q35 ACCEL=tcg QUIET=0
disks=() qemu_extra=()

# shellcheck source=../../../../dev/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../../../dev/lib.sh"
die() { echo "run-vm: error: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel)   KERNEL=${2:?}; shift 2 ;;
	--initrd)   INITRD=${2:?}; shift 2 ;;
	--append)   APPEND=${2?}; shift 2 ;;
	--timeout)  TIMEOUT=${2:?}; shift 2 ;;
	--log)      LOG=${2:?}; shift 2 ;;
	--smp)      SMP=${2:?}; shift 2 ;;
	--mem)      MEM=${2:?}; shift 2 ;;
	--machine)  MACHINE=${2:?}; shift 2 ;;
	--accel)    ACCEL=${2:?}; shift 2 ;;
	--disk)     disks+=("${2:?}"); shift 2 ;;
	--quiet)    QUIET=1; shift ;;
	--qemu-arg) qemu_extra+=("${2:?}"); shift 2 ;;
	-h|--help)  awk 'NR > 2 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
	*)          die "unknown argument: $1" ;;
	esac
done

[ -f "$KERNEL" ] || die "--kernel: not found: $KERNEL"
[ -f "$INITRD" ] || die "--initrd: not found: $INITRD"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not installed"
case "$ACCEL" in tcg|kvm|auto) ;; *) die "--accel must be tcg, kvm or auto" ;; esac
mkdir -p "$(dirname "$LOG")"

CMDLINE="console=ttyS0 panic=-1 oops=panic panic_on_warn=0 slab_nomerge lsm.debug $APPEND"

# qemu_cmd ACCEL: print nothing, fill the global array QEMU with the
# command for the given accelerator.
QEMU=()
qemu_cmd() {
	local accel=$1 d i=0
	QEMU=(qemu-system-x86_64
		-machine "$MACHINE" -accel "$accel"
		-m "$MEM" -smp "$SMP"
		-kernel "$KERNEL" -initrd "$INITRD" -append "$CMDLINE"
		-display none -vga none -monitor none -serial stdio
		-no-reboot -no-user-config -nodefaults)
	# TCG: the default qemu64 CPU model (no LA57, so 4-level paging, which
	# is cheaper to emulate than `-cpu max`); KVM: pass the host CPU.
	[ "$accel" = kvm ] && QEMU+=(-cpu host)
	for d in "${disks[@]+"${disks[@]}"}"; do
		[ -f "$d" ] || die "--disk: not found: $d"
		QEMU+=(-drive "file=$d,format=raw,if=none,id=disk$i,cache=unsafe"
		       -device "virtio-blk-pci,drive=disk$i")
		i=$((i + 1))
	done
	QEMU+=("${qemu_extra[@]+"${qemu_extra[@]}"}")
}

# kvm_works: boot the same kernel under KVM with no initramfs; it should
# reach "Kernel panic" (no root fs) and, thanks to panic=-1/-no-reboot,
# exit within 20 s.  Any failure or hang means "use TCG".
kvm_works() {
	local plog
	[ -w /dev/kvm ] || return 1
	plog=$(mktemp)
	timeout -k 5 20 qemu-system-x86_64 -machine "$MACHINE" -accel kvm -cpu host \
		-m 512M -smp 1 -kernel "$KERNEL" -append "console=ttyS0 panic=-1" \
		-display none -vga none -monitor none -serial stdio \
		-no-reboot -no-user-config -nodefaults </dev/null >"$plog" 2>&1 || true
	if grep -q 'Linux version' "$plog" && grep -q 'Kernel panic' "$plog"; then
		rm -f "$plog"; return 0
	fi
	rm -f "$plog"; return 1
}

if [ "$ACCEL" = auto ]; then
	if kvm_works; then ACCEL=kvm; else ACCEL=tcg; fi
	echo "run-vm: KVM probe -> using $ACCEL" >&2
fi

qemu_cmd "$ACCEL"
echo "run-vm: ${QEMU[*]}" >&2

# console_progress: copy the console (stdin) to $LOG and report the boot,
# each test's start and end, and the end of the run as progress.
console_progress() {
	local line raw name="" t0=$SECONDS t_test=$SECONDS logfd
	exec {logfd}>"$LOG"
	while IFS= read -r raw; do
		printf '%s\n' "$raw" >&"$logfd"
		line=${raw%$'\r'}
		case $line in
		*"OBJEXT-VM-INIT start"*)
			objext_say "run-vm: booted in $(objext_elapsed $((SECONDS - t0))), running the tests" ;;
		*"OBJEXT-VM-TEST-BEGIN "*)
			name=${line##*OBJEXT-VM-TEST-BEGIN }
			t_test=$SECONDS
			objext_update "run-vm: $name running" ;;
		*"OBJEXT-VM-TEST-END "*)
			objext_say "run-vm: ${line##*OBJEXT-VM-TEST-END } ($(objext_elapsed $((SECONDS - t_test))))" ;;
		*"OBJEXT-VM-DONE "*)
			objext_say "run-vm: ${line##*OBJEXT-VM-} after $(objext_elapsed $((SECONDS - t0)))" ;;
		esac
	done
	exec {logfd}>&-
}

start=$(date +%s)
set +e
if [ "$QUIET" -eq 1 ]; then
	objext_say "run-vm: booting $(basename "$KERNEL") ($ACCEL, $SMP vCPUs, timeout ${TIMEOUT}s)"
	timeout -k 10 "$TIMEOUT" "${QEMU[@]}" </dev/null 2>&1 | console_progress
	rc=${PIPESTATUS[0]}
else
	timeout -k 10 "$TIMEOUT" "${QEMU[@]}" </dev/null 2>&1 | tee "$LOG"
	rc=${PIPESTATUS[0]}
fi
set -e
elapsed=$(( $(date +%s) - start ))

if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	echo "run-vm: TIMEOUT after ${TIMEOUT}s, QEMU killed" | tee -a "$LOG" >&2
	rc=124
fi
echo "run-vm: qemu ($ACCEL) exited rc=$rc after ${elapsed}s, log: $LOG" >&2
exit "$rc"
