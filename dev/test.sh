#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test.sh - the objext test command (`make test`, and all that .ci/run runs).
#
# Installs what is missing, assembles build/linux, then runs each step and
# sums the "N passed, N failed[, N skipped]" line each step prints.  A step
# fails if it exits non-zero, if it prints no such line, or if it counts
# fewer results than it must (STEP_MIN below: a step that silently ran
# fewer tests than it has is a failure, not a smaller pass).  Full output
# of each step goes to build/logs/<step>.log; a failing step's tail is
# shown.  Progress (start and end of each step with its time, kernel
# build progress, each in-VM test) is printed as it happens.
#
# When all steps run, those in BACKGROUND start, niced, as soon as the
# step before them in ALL_STEPS is done, and run beside the steps after
# them: a QEMU guest keeps about one of the two cores busy, and these
# fill the other.  kunit needs nothing but the tree: it starts first, at
# the lowest priority, so that its UML kernel takes mostly the CPU the
# steps before the VM steps leave, and slows the test kernel's build,
# which the VM steps wait for, as little as it can.  The summary lists
# every step in ALL_STEPS order.
#
# Usage: dev/test.sh [STEP...]   (default: all steps, in order; steps
#        named on the command line all run in the foreground)

set -uo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
REPO=$OBJEXT_REPO
# ccache: paths below the repo are hashed relative to it, so that a fresh
# clone elsewhere (CI) still hits the cache of an earlier build.
export CCACHE_BASEDIR=$REPO CCACHE_NOHASHDIR=true
LOGS=$OBJEXT_BUILD/logs
VM=$REPO/tools/testing/objext/vm
ALL_STEPS=(kunit harness mutants logcheck series vm-kernel check pahole vm vm-lsm-off demo vm-base)
# the nice value each background step runs at
declare -A BACKGROUND=([kunit]=19 [check]=10 [pahole]=10)

# The fewest results each step must count (passed + failed + skipped).
# What each counts: harness, the cases of the ASan and the TSan binary
# and of the plain one under Valgrind;
# mutants, one per broken copy of lib/objext.c the harness must catch;
# logcheck, one per fixture; series, the series checks (7, one per new
# file, one per patch); kunit, the cases of the objext and
# bpf_inode_storage suites under UML; vm-kernel, the test kernel's build;
# vm, the in-VM checks plus every
# KUnit case run at boot (those suites again, on SMP x86_64 with KASAN,
# and the list suite) plus the log check; vm-lsm-off, test 43 plus the
# boot-time KUnit cases and the log check; demo, the demo's checks, the
# boot-time KUnit cases and the log check; vm-base, the in-VM checks on Debian's kernel plus one per
# test that must fail there; check, one per static check; pahole,
# make pahole's run and its two figures, and a module that is not GPL
# compiled in both of its trees.
declare -A STEP_MIN=(
	[harness]=77 [mutants]=41 [logcheck]=30 [series]=32 [vm-kernel]=1 [kunit]=13 [vm]=400 [vm-lsm-off]=70
	[demo]=70 [vm-base]=240 [check]=130 [pahole]=5
)

step_cmd() {
	case "$1" in
	harness) make -C "$REPO/tools/testing/objext/harness" run ;;
	mutants) make -C "$REPO/tools/testing/objext/harness" mutants ;;
	logcheck) "$VM/selftest/run-selftest.sh" ;;
	# `make series-check`: the mailed series applies, is the tree, is clean
	series)	"$REPO/dev/series-check.sh" ;;
	kunit)	"$REPO/tools/testing/objext/kunit.sh" ;;
	# `make vm-kernel`: the test kernel the vm steps, demo and check use
	vm-kernel) (rc=0; "$VM/build-kernel.sh" || rc=$?
		objext_result $rc "the test kernel builds"; objext_summary) ;;
	vm)	"$VM/boot-test.sh" --no-build ;;
	# the kernel of the vm step again, without the BPF LSM
	vm-lsm-off) "$VM/boot-test.sh" --no-build --tag lsm-off --no-skip \
		--append lsm=capability --tests "$VM/tests/43-bpf-inode-storage-no-bpf-lsm.sh" ;;
	# `make demo` itself, on the kernel of the vm step
	demo)	"$REPO/dev/demo.sh" ;;
	vm-base) "$VM/baseline-test.sh" ;;
	check)	"$REPO/dev/check.sh" ;;
	# `make pahole` itself, and the README's struct inode figures
	pahole)	"$REPO/dev/pahole-check.sh" ;;
	*)	echo "unknown step $1" >&2; return 2 ;;
	esac
}

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=("${ALL_STEPS[@]}")
for step in "${steps[@]}"; do
	[[ -n ${STEP_MIN[$step]:-} ]] || die "unknown step $step (steps: ${ALL_STEPS[*]})"
done

# Progress of every script below goes to our stdout, their output to logs.
objext_progress_setup
mkdir -p "$LOGS"
objext_check_space 20

total_pass=0 total_fail=0 total_skip=0 total_cpu=0
summary=()
start=$SECONDS

setup_failed() {
	echo "=== $1 failed; nothing else can run"
	echo "0 passed, 1 failed"
	exit 1
}
objext_step deps "$LOGS/deps.log" "$REPO/dev/deps.sh" || setup_failed deps
objext_step tree "$LOGS/tree.log" make -C "$REPO" tree || setup_failed tree

# run_step STEP: run it; its count, failure reason and times go to
# $LOGS/STEP.result ("passed failed skipped seconds cpu-seconds reason").
run_step() {
	local step=$1 t0=$SECONDS rc=0 line p=0 f=0 s=0 why=
	objext_step "$step" "$LOGS/$step.log" step_cmd "$step" 2>/dev/null || rc=$?
	line=$(grep -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' \
		"$LOGS/$step.log" | tail -n 1)
	if [ -n "$line" ]; then
		p=$(sed -E 's/^([A-Za-z]+: )?([0-9]+) passed.*/\2/' <<<"$line")
		f=$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$line")
		s=$(sed -nE 's/.* ([0-9]+) skipped.*/\1/p' <<<"$line")
		s=${s:-0}
	else
		why="printed no 'N passed, N failed' line"
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		why=${why:-"exited $rc"}
	elif [ -n "$line" ] && [ $((p + f + s)) -lt "${STEP_MIN[$step]}" ]; then
		why="counted $((p + f + s)) results, at least ${STEP_MIN[$step]} expected"
	fi
	echo "$p $f $s $((SECONDS - t0)) ${OBJEXT_STEP_CPU:-0} $why" >"$LOGS/$step.result"
}

rm -f "$LOGS"/*.result
# All steps: those in BACKGROUND beside the others, which then print
# whole lines of progress, not updates in place.
all_steps=$(($# == 0))
[ "$all_steps" -eq 0 ] || export OBJEXT_PROGRESS_LINES=1
background=()
declare -A beside=()
for step in "${steps[@]}"; do
	if [ "$all_steps" -eq 1 ] && [ -n "${BACKGROUND[$step]:-}" ]; then
		(renice -n "${BACKGROUND[$step]}" -p $BASHPID >/dev/null; run_step "$step") &
		background+=($!)
		beside[$step]=" (beside the next steps)"
		continue
	fi
	run_step "$step"
done
[ ${#background[@]} -eq 0 ] || objext_say "=== waiting for the background steps"
wait "${background[@]}"

for step in "${steps[@]}"; do
	p=0 f=0 s=0 secs=0 cpu=0 why="did not finish"
	[ -f "$LOGS/$step.result" ] && read -r p f s secs cpu why <"$LOGS/$step.result"
	if [ -n "$why" ]; then
		echo "=== $step: $why: counted as one more failure"
		f=$((f + 1))
	fi
	if [ "$f" -ne 0 ]; then
		tail -n 60 "$LOGS/$step.log"
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
	total_cpu=$((total_cpu + cpu))
	summary+=("$(printf '%-10s %4d passed %4d failed %3d skipped %6s (CPU %s)%s' "$step" "$p" "$f" "$s" \
		"$(objext_elapsed "$secs")" "$(objext_elapsed "$cpu")" "${beside[$step]:-}")")
done

echo "=== summary ($(objext_elapsed $((SECONDS - start))), CPU $(objext_elapsed "$total_cpu") in the steps, logs in build/logs)"
printf '%s\n' "${summary[@]}"
echo "(each step's own count: the objext KUnit suite runs under UML (kunit), on"
echo " x86_64 at boot (vm, vm-lsm-off, demo); the harness cases run under ASan and TSan, the unit and model ones under Valgrind too)"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
