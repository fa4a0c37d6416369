#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - static checks on every file objext adds or touches.
#
#   checkpatch  --strict on each patch of the series and on each new file
#   kernel-doc  -none -Wall: no warning in new files; in touched files no
#               more than in the pristine tree
#   sparse      C=2 on the objects of new and touched .c files: no warning
#               in new files, no new warning in touched ones
#   W=1         the same, for compiler warnings
#
# "No new warning" compares the pristine and the patched tree, both built
# with the VM test config, after dropping line numbers (patches move lines).
# The last line is "N passed, N failed".

set -uo pipefail

# The kernel's Python scripts (checkpatch's spdxcheck.py) need Debian's
# python3 with python3-ply and python3-git, not some other python3 on PATH.
export PATH=/usr/bin:$PATH

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TREE=$REPO/build/linux
PRISTINE=$REPO/build/pristine
OUT=$REPO/build/out-check
OUT_BASE=$REPO/build/out-check-base
LOG=$REPO/build/logs/check
BUILD_KERNEL=$REPO/tools/testing/objext/vm/build-kernel.sh
MAKE=(make -s -j2 CC="ccache gcc")

pass=0
fail=0
result() {
	if [ "$1" -eq 0 ]; then
		echo "ok - $2"
		pass=$((pass + 1))
	else
		echo "not ok - $2"
		fail=$((fail + 1))
	fi
}

# A check passes when its tool said nothing; what it said is shown.
# $1 = the tool's output, $2 = the check's name.
expect_silence() {
	[ -z "$1" ] || echo "$1"
	result "$([ -z "$1" ] && echo 0 || echo 1)" "$2"
}

# Warnings with file positions and build paths stripped, sorted, so that the
# pristine and patched lists compare.
normalize() {
	sed -E -e "s#$TREE/##g; s#$PRISTINE/##g" \
		-e 's/:[0-9]+(:[0-9]+)?:/:/g' "$@" | sort
}

mkdir -p "$LOG"
make -s -C "$REPO" pristine >"$LOG/pristine.log" 2>&1 ||
	{ cat "$LOG/pristine.log"; result 1 "pristine tree"; }

# New files (the overlay commit) and existing files the series touches.
mapfile -t new_files < <(git -C "$TREE" diff --name-only --diff-filter=A base overlay)
mapfile -t touched < <(git -C "$TREE" diff --name-only --diff-filter=M base HEAD)
# Kernel sources we add; the user-space harness (shims of kernel headers,
# glibc and liburcu code) is checked by its own -Wall -Werror build.
new_src=()
for f in "${new_files[@]}"; do
	case "$f" in
	tools/testing/objext/harness/*) ;;
	*.c|*.h) new_src+=("$f") ;;
	esac
done

# --- checkpatch ---------------------------------------------------------------
while read -r p; do
	[ -n "$p" ] || continue
	out=$(cd "$TREE" && scripts/checkpatch.pl --strict -q \
		"$REPO/patches/$p" 2>&1)
	expect_silence "$out" "checkpatch --strict $p"
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$REPO/patches/series" | awk '{print $1}')

for f in "${new_src[@]}"; do
	out=$(cd "$TREE" && scripts/checkpatch.pl --strict -q -f "$f" 2>&1)
	expect_silence "$out" "checkpatch --strict -f $f"
done

# --- kernel-doc ---------------------------------------------------------------
for f in "${new_src[@]}"; do
	out=$(cd "$TREE" && scripts/kernel-doc -none -Wall "$f" 2>&1)
	expect_silence "$out" "kernel-doc -Wall $f"
done
for f in "${touched[@]}"; do
	case "$f" in *.c|*.h) ;; *) continue ;; esac
	(cd "$PRISTINE" && scripts/kernel-doc -none -Wall "$f" 2>&1) |
		normalize >"$LOG/kdoc-base.txt"
	(cd "$TREE" && scripts/kernel-doc -none -Wall "$f" 2>&1) |
		normalize >"$LOG/kdoc-new.txt"
	added=$(comm -13 "$LOG/kdoc-base.txt" "$LOG/kdoc-new.txt")
	expect_silence "$added" "kernel-doc -Wall $f: nothing new"
done

# --- sparse and W=1 -------------------------------------------------------------
configure() {
	"$BUILD_KERNEL" --src "$1" --out "$2" --config-only >"$LOG/config-$3.log" 2>&1 &&
		(cd "$1" && "${MAKE[@]}" O="$2" prepare) >>"$LOG/config-$3.log" 2>&1
}
configure "$TREE" "$OUT" new
result $? "configure patched tree for sparse and W=1"
configure "$PRISTINE" "$OUT_BASE" base
result $? "configure pristine tree for sparse and W=1"

objs=()
for f in "${new_src[@]}" "${touched[@]}"; do
	case "$f" in
	tools/*) ;;
	*.c) objs+=("${f%.c}.o") ;;
	esac
done

# $1 = C=2 or W=1, $2 = object: the warnings of building it, normalized.
warnings() {
	local tree=$1 out=$2 mode=$3 obj=$4
	(cd "$tree" && "${MAKE[@]}" O="$out" "$mode" "$obj" 2>&1 >/dev/null) |
		grep -E 'warning|error' | normalize
}

for obj in "${objs[@]}"; do
	src=${obj%.o}.c
	for mode in C=2 W=1; do
		warnings "$TREE" "$OUT" "$mode" "$obj" >"$LOG/new.txt"
		if [ -f "$PRISTINE/$src" ]; then
			warnings "$PRISTINE" "$OUT_BASE" "$mode" "$obj" >"$LOG/base.txt"
			added=$(comm -13 "$LOG/base.txt" "$LOG/new.txt")
			what="$mode $obj: nothing new"
		else
			added=$(cat "$LOG/new.txt")
			what="$mode $obj: clean"
		fi
		expect_silence "$added" "$what"
	done
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
