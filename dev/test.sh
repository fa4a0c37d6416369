#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test.sh - the objext test command (`make test`, and all that .ci/run runs).
#
# Installs what is missing, assembles build/linux, then runs each step and
# sums the "N passed, N failed" line each step prints.  A step that fails
# without printing such a line counts as one failure.  Full output of each
# step goes to build/logs/<step>.log; a failing step's tail is shown.
#
# Usage: dev/test.sh [STEP...]   (default: all steps, in order)

set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# ccache: paths below the repo are hashed relative to it, so that a fresh
# clone elsewhere (CI) still hits the cache of an earlier build.
export CCACHE_BASEDIR=$REPO CCACHE_NOHASHDIR=true
LOGS=$REPO/build/logs
ALL_STEPS=(harness logcheck kunit vm vm-lsm-off vm-base check)

step_cmd() {
	case "$1" in
	harness) make -C "$REPO/tools/testing/objext/harness" run ;;
	logcheck) "$REPO/tools/testing/objext/vm/selftest/run-selftest.sh" ;;
	kunit)	"$REPO/tools/testing/objext/kunit.sh" ;;
	vm)	"$REPO/tools/testing/objext/vm/boot-test.sh" ;;
	# the kernel of the vm step again, without the BPF LSM
	vm-lsm-off) "$REPO/tools/testing/objext/vm/boot-test.sh" --no-build \
		--tag lsm-off --append lsm=capability --tests \
		"$REPO/tools/testing/objext/vm/tests/43-bpf-inode-storage-no-bpf-lsm.sh" ;;
	vm-base) "$REPO/tools/testing/objext/vm/baseline-test.sh" ;;
	check)	"$REPO/dev/check.sh" ;;
	*)	echo "unknown step $1" >&2; return 2 ;;
	esac
}

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=("${ALL_STEPS[@]}")

mkdir -p "$LOGS"
total_pass=0
total_fail=0
summary=()

run_setup() {
	local name=$1
	shift
	echo "=== $name"
	if ! "$@" >"$LOGS/$name.log" 2>&1; then
		tail -n 40 "$LOGS/$name.log"
		echo "=== $name failed; nothing else can run"
		echo "0 passed, 1 failed"
		exit 1
	fi
}

start=$(date +%s)
run_setup deps "$REPO/dev/deps.sh"
run_setup tree make -C "$REPO" tree

for step in "${steps[@]}"; do
	t0=$(date +%s)
	echo "=== $step"
	step_cmd "$step" >"$LOGS/$step.log" 2>&1
	rc=$?
	line=$(grep -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' \
		"$LOGS/$step.log" | tail -n 1)
	if [ -n "$line" ]; then
		p=$(sed -E 's/^([A-Za-z]+: )?([0-9]+) passed.*/\2/' <<<"$line")
		f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
	else
		p=0
		f=0
	fi
	# A non-zero exit is a failure even if every counted test passed.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	if [ "$f" -ne 0 ]; then
		tail -n 60 "$LOGS/$step.log"
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	summary+=("$(printf '%-8s %4d passed %4d failed %5ds' "$step" "$p" "$f" \
		$(($(date +%s) - t0)))")
done

echo "=== summary ($(($(date +%s) - start))s, logs in build/logs)"
printf '%s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
