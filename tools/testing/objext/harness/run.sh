#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh BINARY... - run each harness binary and sum up the TAP results.
# A binary that exits non-zero without a failed case (a sanitizer report,
# a crash) counts as one more failure.  Prints "N passed, N failed" last
# and exits non-zero on any failure.

pass=0
fail=0
for bin in "$@"; do
	log=$(basename "$bin").log
	echo "# $bin"
	"$bin" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "# $bin exited with status $rc"
		f=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
