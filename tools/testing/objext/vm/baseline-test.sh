#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# baseline-test.sh - run the in-VM tests on the unpatched 6.12 kernel.
#
# A test that passes there and on ours proves a feature still works; a
# test that shows what objext adds must fail there, for the reason it
# exists.  Such tests say so with a header line
# "# objext-baseline: fail ERE", ERE matching a line of what the test
# prints when it fails there (the first check that fails, say); every
# other test must pass on the baseline.
#
# The baseline is Debian's own build of the same source, the kernel
# real users run: the linux-image package named in dev/base-version
# (BASE_DEB_IMAGE_PACKAGE at BASE_DEB_VERSION), unpacked under
# build/debs without installing it, booted with the modules the tests
# need in the initramfs (boot-test.sh --prebuilt).  It is booted twice:
# once with the tests that must pass (judged like any boot-test run,
# kernel log included; logs objext-vm-same.log and $OUT.same.log), once
# with those that must fail (each must end with result=fail, and the VM
# must reach its end marker; objext-vm-new.log and $OUT.new.log).
#
# Debian's kernel died under TCG twice: before any test began ("Oops:
# int3" in sched_clock_cpu(), 2026-12-04), and in the bio slab's
# freelist while umount wrote the superblock after test 50, a general
# protection fault (2026-12-05).  It is none of our code, so both boots
# run with --retry-oops: a boot that oopses or panics is kept
# (objext-vm-TAG.oops.log) and booted once more, with a NOTE; a second
# one is the verdict.
#
# Usage: baseline-test.sh [boot-test.sh options...]
# Last line: "N passed, N failed".

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../../.." && pwd)
OUT=$REPO/build/out-vm-base
# (--no-build is accepted and ignored: nothing is built)
[ "${1:-}" = --no-build ] && shift

# shellcheck source=../../../../dev/lib.sh
source "$REPO/dev/lib.sh"
objext_load_base_version
vmlinuz=$(objext_base_image_file vmlinuz) || { echo "0 passed, 1 failed"; exit 1; }
ROOT=${vmlinuz%/boot/*}
SRC="Debian $BASE_DEB_IMAGE_PACKAGE $BASE_DEB_VERSION"

same=() new=()
declare -A reason=()
for t in "$HERE"/tests/*.sh; do
	if grep -q '^# objext-baseline: fail' "$t"; then
		new+=("$t")
		reason[${t##*/}]=$(sed -n 's/^# objext-baseline: fail *//p' "$t" | head -n1)
	else
		same+=("$t")
	fi
done

pass=0 fail=0
mkdir -p "$OUT"
echo "baseline-test: tests that must pass on $SRC: ${same[*]##*/}"
"$HERE/boot-test.sh" --prebuilt "$ROOT" --out "$OUT" --tag same --retry-oops \
	--tests "${same[*]}" "$@" | tee "$OUT.same.log"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$OUT.same.log" | tail -n1)
p=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"${line:-0 passed}")
f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"${line:-x 1 failed}")
pass=$((pass + p)) fail=$((fail + f))

echo "baseline-test: tests that must fail on $SRC: ${new[*]##*/}"
"$HERE/boot-test.sh" --prebuilt "$ROOT" --out "$OUT" --tag new --retry-oops \
	--tests "${new[*]}" "$@" > "$OUT.new.log" 2>&1
log=$OUT/objext-vm-new.log
if grep -q 'OBJEXT-VM-DONE rc=' "$log"; then
	for t in "${new[@]}"; do
		name=${t##*/} why=${reason[${t##*/}]}
		out=$(tr -d '\r' <"$log" |
			sed -n "/OBJEXT-VM-TEST-BEGIN $name\$/,/OBJEXT-VM-TEST-END $name /p")
		if [ -z "$why" ]; then
			echo "not ok - $name: its objext-baseline tag names no reason"
			fail=$((fail + 1))
		elif ! grep -qE "OBJEXT-VM-TEST-END $name rc=[0-9]+ result=fail" <<<"$out"; then
			echo "not ok - $name fails on the baseline kernel"
			grep -E "OBJEXT-VM-TEST-END $name " <<<"$out" | sed 's/^/# /'
			fail=$((fail + 1))
		elif ! grep -qE -- "$why" <<<"$out"; then
			echo "not ok - $name fails on the baseline kernel for its reason: $why"
			grep -E '^(not ok|# )' <<<"$out" | head -n 5 | sed 's/^/# /'
			fail=$((fail + 1))
		else
			echo "ok - $name fails on the baseline kernel: $why"
			pass=$((pass + 1))
		fi
	done
else
	echo "not ok - baseline VM reached its end marker (log: $log)"
	tail -n 30 "$OUT.new.log" | sed 's/^/# /'
	fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
