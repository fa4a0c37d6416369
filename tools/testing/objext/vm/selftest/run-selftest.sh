#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-selftest.sh - prove that check-log.sh accepts a clean log and
# rejects each kind of bad log, for the right reason.
#
# Usage: run-selftest.sh [--src KERNEL_SRC]
#
# Fixtures in logs/:
#   good-*.log        must PASS; if a good-*.expect file exists, the
#                     "check-log: RESULT=..." line must equal its content
#   NAME.allow        optional, one ERE per line passed as --allow
#   NAME.args         optional, more check-log.sh arguments (one per line)
#   bad-<why>*.log    must FAIL, and the failure report must contain a
#                     "[<why>]" entry (the category check-log.sh prints), so
#                     a log that fails for an unrelated reason doesn't count
#   NAME.not          optional, a category the report must not contain
#
# KUnit fixtures need tools/testing/kunit/kunit.py from a kernel tree:
# --src, else build/linux of this repo.
# Prints TAP and ends with "N passed, N failed".

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CHECK=$HERE/../check-log.sh

SRC=
if [ "${1:-}" = --src ]; then SRC=${2:?}; fi
if [ -z "$SRC" ]; then
	SRC=$(cd "$HERE/../../../../.." && pwd)/build/linux
fi
if [ -z "$SRC" ] || [ ! -f "$SRC/tools/testing/kunit/kunit.py" ]; then
	echo "run-selftest: need a kernel tree with tools/testing/kunit (--src)" >&2
	exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/objext-selftest.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

pass=0 fail=0 n=0
logs=("$HERE"/logs/*.log)
echo "TAP version 13"
echo "1..${#logs[@]}"

for log in "${logs[@]}"; do
	n=$((n + 1))
	name=$(basename "$log" .log)
	out=$WORK/$name.out
	# Optional NAME.allow: one ERE per line, passed as --allow.
	allow=()
	if [ -f "${log%.log}.allow" ]; then
		while IFS= read -r a; do
			[ -n "$a" ] && allow+=(--allow "$a")
		done < "${log%.log}.allow"
	fi
	if [ -f "${log%.log}.args" ]; then
		while IFS= read -r a; do
			[ -n "$a" ] && allow+=("$a")
		done < "${log%.log}.args"
	fi
	rc=0
	"$CHECK" --src "$SRC" --ktap-out "$WORK/$name.ktap" "${allow[@]+"${allow[@]}"}" \
		"$log" > "$out" 2>&1 || rc=$?
	verdict=ok why=
	case "$name" in
	good-*)
		if [ "$rc" -ne 0 ]; then
			verdict="not ok" why="expected PASS, check-log rc=$rc"
		elif [ -f "${log%.log}.expect" ]; then
			want=$(cat "${log%.log}.expect")
			got=$(grep '^check-log: RESULT=' "$out" | tail -n1)
			[ "$got" = "$want" ] || verdict="not ok" why="got '$got', want '$want'"
		fi
		;;
	bad-*)
		cat=${name#bad-}
		cat=${cat%%-[0-9]*}     # bad-warning-2 -> warning
		if [ "$rc" -ne 1 ]; then
			verdict="not ok" why="expected FAIL (rc 1), got rc=$rc"
		elif ! grep -qF "[$cat]" "$out"; then
			verdict="not ok" why="failed, but without a [$cat] entry"
		elif [ -f "${log%.log}.not" ] && not=$(cat "${log%.log}.not") &&
		     grep -qF "[$not]" "$out"; then
			verdict="not ok" why="failed with a [$not] entry"
		fi
		;;
	*)
		verdict="not ok" why="fixture name must start with good- or bad-"
		;;
	esac
	if [ "$verdict" = ok ]; then
		pass=$((pass + 1))
		echo "ok $n $name"
	else
		fail=$((fail + 1))
		echo "not ok $n $name # $why"
		sed 's/^/#   /' "$out" | tail -n 30
	fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
