#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh COMMAND... - run each harness command (a binary, or a binary
# under a tool with arguments, as one word: "valgrind ... ./objext-plain
# unit") and sum up the TAP results.  A command that exits non-zero
# without a failed case (a sanitizer or Valgrind report, a crash) counts
# as one more failure.  Prints "N passed, N failed" last and exits
# non-zero on any failure.

pass=0
fail=0
for cmd in "$@"; do
	bin=$(printf '%s\n' $cmd | grep -m1 '/objext-')
	log=$(basename "$bin").log
	echo "# $cmd"
	$cmd >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "# $cmd exited with status $rc"
		f=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
