#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# boot-test.sh - build the objext test kernel, boot it in QEMU, run the
# in-VM tests and judge the console log.
#
# Usage: boot-test.sh [options]
#   --src DIR          kernel tree (default build/linux of this repo)
#   --out DIR          build dir (default build/out-vm of this repo)
#   --fragments "..."  config fragments (default: build-kernel.sh's, the
#                      test kernel's "vm.config preempt-full.config
#                      debug.config kmemleak.config check.config";
#                      names are looked up in
#                      tools/testing/objext/config/)
#   --extra-fragment F add one more fragment; repeatable
#   --no-build         reuse the existing bzImage in --out
#   --prebuilt ROOT    boot a distribution kernel instead of building one:
#                      ROOT is an unpacked linux-image package (boot/vmlinuz-*,
#                      lib/modules/RELEASE); --out only holds the initramfs
#                      and logs.  Its BTF comes from the decompressed image.
#   --modules NAMES    with --prebuilt: modules loaded before the tests
#                      (comma-separated; default $PREBUILT_MODULES)
#   --tests "FILES"    test programs (default: vm/tests/*.sh)
#   --file SRC[:DEST]  extra initramfs file (passed to mkinitramfs.sh); repeatable
#   --append "ARGS"    extra kernel command line
#   --tag NAME         name this run's initramfs and logs in --out after
#                      NAME (objext-vm-NAME.log, ...), so that a second
#                      boot of the same kernel keeps the first one's files
#   --timeout SECS     VM timeout (default 1500)
#   --test-timeout S   per-test timeout inside the VM (default 600)
#   --accel MODE       tcg (default) | kvm | auto
#   --smp N            vCPUs (default 2)
#   --verbose          echo the serial console while the VM runs
#   --no-skip          a skipped in-VM test or check counts as failed (for
#                      a boot whose every test must run, such as lsm-off)
#   --retry-oops       boot once more after any oops or panic, not only a
#                      stale breakpoint (for a kernel not ours: the baseline)
#
# Exit 0 only if the kernel built, the VM reached its end marker, no kernel
# splat was logged, all in-VM tests and KUnit suites passed.  The last
# line is "N passed, N failed[, N skipped]" counting the in-VM test
# results, the KUnit test cases and the log check itself.  A boot that
# oopses on a breakpoint already removed (check-log.sh's [stale-int3],
# an emulator fault) is booted once more, with a NOTE; with --retry-oops
# (the baseline: Debian's own kernel, none of our code) so is one that
# oopses or panics at all.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

REPO=$(cd "$HERE/../../../.." && pwd)
SRC=$REPO/build/linux
OUT=$REPO/build/out-vm
FRAGMENTS=
EXTRA_FRAGS=
BUILD=1
TESTS=
APPEND=
TAG=
TIMEOUT=1500
TEST_TIMEOUT=600
ACCEL=tcg
SMP=2
VERBOSE=0
NO_SKIP=0
RETRY_TAGS=stale-int3
extra_files=()
PREBUILT=
# What the tests need that Debian builds as modules: ext4 and loop (53,
# 54), evdev and uinput (51), the fscrypt modes' xts and cts, xfs (46).
PREBUILT_MODULES=ext4,loop,evdev,uinput,xts,cts,xfs

die() { echo "boot-test: error: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--src)            SRC=${2:?}; shift 2 ;;
	--out)            OUT=${2:?}; shift 2 ;;
	--fragments)      FRAGMENTS=${2:?}; shift 2 ;;
	--extra-fragment) EXTRA_FRAGS="$EXTRA_FRAGS ${2:?}"; shift 2 ;;
	--no-build)       BUILD=0; shift ;;
	--prebuilt)       PREBUILT=${2:?}; BUILD=0; shift 2 ;;
	--modules)        PREBUILT_MODULES=${2:?}; shift 2 ;;
	--tests)          TESTS=${2:?}; shift 2 ;;
	--file)           extra_files+=(--file "${2:?}"); shift 2 ;;
	--append)         APPEND=${2?}; shift 2 ;;
	--tag)            TAG=-${2:?}; shift 2 ;;
	--timeout)        TIMEOUT=${2:?}; shift 2 ;;
	--test-timeout)   TEST_TIMEOUT=${2:?}; shift 2 ;;
	--accel)          ACCEL=${2:?}; shift 2 ;;
	--smp)            SMP=${2:?}; shift 2 ;;
	--verbose)        VERBOSE=1; shift ;;
	--no-skip)        NO_SKIP=1; shift ;;
	--retry-oops)     RETRY_TAGS+=" oops panic"; shift ;;
	-h|--help)        awk 'NR > 2 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
	*)                die "unknown argument: $1" ;;
	esac
done

[ -n "$FRAGMENTS" ] || FRAGMENTS=$("$HERE/build-kernel.sh" --default-fragments)
[ -f "$SRC/Makefile" ] ||
	die "kernel tree not found at $SRC (pristine tree: --src /tmp/pristine/linux-source-6.12)"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# Does this fragment list include the debug fragment?  (00-boot.sh then
# also checks for the debug facilities.)
expect_debug=0
[ -z "$PREBUILT" ] &&
	case " $FRAGMENTS $EXTRA_FRAGS " in *debug.config*) expect_debug=1 ;; esac

# --- 1. kernel -----------------------------------------------------------------
t0=$(date +%s)
if [ "$BUILD" -eq 1 ]; then
	echo "boot-test: building kernel from $SRC into $OUT"
	"$HERE/build-kernel.sh" --src "$SRC" --out "$OUT" \
		--fragments "$FRAGMENTS $EXTRA_FRAGS" > "$OUT/objext-build.log" 2>&1 || {
		tail -n 40 "$OUT/objext-build.log"
		echo "boot-test: kernel build FAILED (full log: $OUT/objext-build.log)"
		echo "0 passed, 1 failed"
		exit 1
	}
fi
modules=()
if [ -n "$PREBUILT" ]; then
	PREBUILT=$(cd "$PREBUILT" && pwd)
	release=$(ls "$PREBUILT/lib/modules" 2>/dev/null | head -n1)
	KERNEL=$PREBUILT/boot/vmlinuz-$release
	[ -n "$release" ] && [ -f "$KERNEL" ] ||
		die "--prebuilt $PREBUILT: no boot/vmlinuz-RELEASE with lib/modules/RELEASE"
	VMLINUX=$PREBUILT/vmlinux
	if [ ! -s "$VMLINUX" ]; then
		"$SRC/scripts/extract-vmlinux" "$KERNEL" > "$VMLINUX.tmp" ||
			die "cannot decompress $KERNEL (scripts/extract-vmlinux)"
		mv "$VMLINUX.tmp" "$VMLINUX"
	fi
	if [ ! -f "$PREBUILT/lib/modules/$release/modules.dep" ]; then
		depmod -b "$PREBUILT" "$release" || die "depmod -b $PREBUILT $release failed"
	fi
	modules=(--modules "$PREBUILT:$release:$PREBUILT_MODULES")
else
	KERNEL=$OUT/arch/x86/boot/bzImage
	[ -f "$KERNEL" ] || die "no bzImage at $KERNEL"
	release=$(cat "$OUT/include/config/kernel.release")
	VMLINUX=$OUT/vmlinux
fi
t1=$(date +%s)

# --- 2. initramfs ------------------------------------------------------------------
if [ -z "$TESTS" ]; then
	TESTS=$(ls "$HERE"/tests/*.sh 2>/dev/null || true)
fi
INITRD=$OUT/objext-initramfs$TAG.cpio.gz
# Payload: our static test programs (vm/progs) and the real clients the
# tests drive, all in /usr/bin.
payload=()
make -s -C "$HERE/progs" O="$OUT/objext-progs" KSRC="$SRC" ||
	die "building the test programs in $HERE/progs failed"
progs=$(make -s -C "$HERE/progs" KSRC="$SRC" print-progs) ||
	die "listing the test programs of $HERE/progs failed"
for prog in $progs; do
	payload+=(--file "$OUT/objext-progs/$prog:/usr/bin/$prog")
done
# The BPF programs are compiled against this kernel's BTF.
make -s -C "$HERE/bpf" VMLINUX="$VMLINUX" O="$OUT/objext-bpf" ||
	die "building the BPF test programs in $HERE/bpf failed"
payload+=(--file "$OUT/objext-bpf/bpf-inode-storage:/usr/bin/bpf-inode-storage")
payload+=(--file "$HERE/bpf/inode-storage-checks.sh:/usr/lib/objext/inode-storage-checks.sh")
# A test tagged "objext-needs: test_progs" gets the kernel's BPF selftest
# runner, built for this kernel, and coreutils' rm, which it copies and runs.
# shellcheck disable=SC2086 # $TESTS is a whitespace-separated file list
if grep -qsx '# objext-needs: test_progs' $TESTS </dev/null; then
	"$HERE/bpf/build-selftest.sh" "$SRC" "$VMLINUX" "$OUT/objext-bpf-selftest" ||
		die "building the BPF selftest runner (bpf/build-selftest.sh) failed"
	payload+=(--file "$OUT/objext-bpf-selftest/test_progs:/usr/bin/test_progs")
	payload+=(--file "$(command -v rm):/usr/lib/objext/coreutils-rm")
fi
for tool in inotifywait inotifywatch; do
	path=$(command -v "$tool") || die "$tool not found (make deps installs inotify-tools)"
	payload+=(--file "$path:/usr/bin/$tool")
done
# util-linux's flock(1), not busybox's applet of the same name.
payload+=(--file "$(command -v flock):/usr/bin/flock")
# e2fsprogs (mkfs.ext4 -O encrypt,verity, e4crypt, debugfs),
# fsverity-utils, not busybox's ext2-only mke2fs, and xfsprogs' mkfs.xfs.
for tool in /usr/sbin/mke2fs:/usr/sbin/mkfs.ext4 /usr/sbin/e4crypt:/usr/sbin/e4crypt \
	    /usr/sbin/debugfs:/usr/sbin/debugfs /usr/bin/fsverity:/usr/bin/fsverity \
	    /etc/mke2fs.conf:/etc/mke2fs.conf /usr/sbin/mkfs.xfs:/usr/sbin/mkfs.xfs; do
	[ -e "${tool%%:*}" ] || die "${tool%%:*} not found (make deps installs e2fsprogs, fsverity and xfsprogs)"
	payload+=(--file "$tool")
done
auditctl=$("$HERE/deb-tool.sh" auditd /sbin/auditctl "$REPO/build/debs") ||
	die "cannot get auditctl from the auditd package"
payload+=(--file "$auditctl:/sbin/auditctl")
# shellcheck disable=SC2086 # $TESTS is a whitespace-separated file list
"$HERE/mkinitramfs.sh" -o "$INITRD" --timeout "$TEST_TIMEOUT" \
	--env "OBJEXT_EXPECT_RELEASE=$release" \
	--env "OBJEXT_EXPECT_CPUS=$SMP" \
	--env "OBJEXT_EXPECT_DEBUG=$expect_debug" \
	"${payload[@]}" "${modules[@]+"${modules[@]}"}" \
	"${extra_files[@]+"${extra_files[@]}"}" $TESTS

# --- 3. boot -------------------------------------------------------------------
LOG=$OUT/objext-vm$TAG.log
quiet=(--quiet)
[ "$VERBOSE" -eq 1 ] && quiet=()
# A kernel with the objext suite built in must run all of its cases.
suite=()
if [ -z "$PREBUILT" ] && grep -qx 'CONFIG_OBJEXT_KUNIT_TEST=y' "$OUT/.config"; then
	suite=(--kunit-suite "objext=$(grep -c '^[[:space:]]*KUNIT_CASE' "$SRC/lib/objext_kunit.c")")
fi
# A boot whose kernel oopsed on a breakpoint that live text patching had
# already removed ([stale-int3], QEMU's multi-threaded TCG: see
# check-log.sh), or with --retry-oops oopsed at all, is reported, its log
# kept, and booted once more; any other failure, or a second such oops,
# is the verdict.
retried='' retried_why=''
# retry_reason CHECK_LOG: the first of RETRY_TAGS that check-log.sh
# reported, as "[tag]"; fails if none.
retry_reason() {
	local tag
	for tag in $RETRY_TAGS; do
		if grep -q "^  \[$tag\]" "$1"; then
			echo "[$tag]"
			return 0
		fi
	done
	return 1
}
for attempt in 1 2; do
	vm_rc=0
	"$HERE/run-vm.sh" --kernel "$KERNEL" --initrd "$INITRD" --log "$LOG" \
		--timeout "$TIMEOUT" --accel "$ACCEL" --smp "$SMP" \
		--append "$APPEND" "${quiet[@]+"${quiet[@]}"}" || vm_rc=$?
	t2=$(date +%s)

	# --- 4. verdict -----------------------------------------------------------
	check_rc=0
	"$HERE/check-log.sh" --src "$SRC" "${suite[@]+"${suite[@]}"}" "$LOG" |
		tee "$OUT/objext-check$TAG.log" || check_rc=$?
	if [ "$attempt" = 2 ] ||
	   ! retried_why=$(retry_reason "$OUT/objext-check$TAG.log"); then
		break
	fi
	retried=${LOG%.log}.${retried_why//[][]/}.log
	mv "$LOG" "$retried"
	echo "boot-test: NOTE: check-log.sh reported $retried_why; log kept as $retried; booting once more"
done
line=$(grep -E '^check-log: RESULT=' "$OUT/objext-check$TAG.log" | tail -n1 || true)
get() { grep -oE "$1=[0-9]+" <<<"$line" | cut -d= -f2 || echo 0; }
vm_pass=$(get vm_pass) vm_fail=$(get vm_fail) vm_skip=$(get vm_skip)
ku_pass=$(get kunit_pass) ku_fail=$(get kunit_fail) ku_skip=$(get kunit_skip)

# The log check counts as one test of its own, so that a kernel splat or a
# missing end marker is a failure even when every test reported ok.
if [ "$check_rc" -eq 0 ]; then log_pass=1 log_fail=0; else log_pass=0 log_fail=1; fi

echo
if [ -n "$PREBUILT" ]; then
	echo "boot-test: kernel $release (prebuilt, $PREBUILT), modules: $PREBUILT_MODULES"
else
	echo "boot-test: kernel $release ($(basename "$SRC")), fragments: $FRAGMENTS$EXTRA_FRAGS"
fi
echo "boot-test: build+config $((t1 - t0)) s, VM run $((t2 - t1)) s (qemu rc=$vm_rc, accel=$ACCEL)"
echo "boot-test: in-VM tests: $vm_pass passed, $vm_fail failed, $vm_skip skipped"
echo "boot-test: KUnit cases: $ku_pass passed, $ku_fail failed, $ku_skip skipped"
echo "boot-test: log check:   $([ "$check_rc" -eq 0 ] && echo PASS || echo FAIL) (log: $LOG)"
[ -z "$retried" ] ||
	echo "boot-test: NOTE: booted twice; check-log.sh reported $retried_why on the first boot ($retried)"
if [ "$NO_SKIP" -eq 1 ] && [ "$vm_skip" -ne 0 ]; then
	echo "boot-test: $vm_skip in-VM skip(s), and this boot must skip nothing: counted as failed"
	vm_fail=$((vm_fail + vm_skip)) vm_skip=0
fi
passed=$((vm_pass + ku_pass + log_pass))
failed=$((vm_fail + ku_fail + log_fail))
skipped=$((vm_skip + ku_skip))
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
