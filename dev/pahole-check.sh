#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dev/pahole-check.sh - the pahole step of make test: runs `make pahole`
# as a new user would and checks what it reports.
#
#   1. make pahole exits 0 and prints both sizes of struct inode on
#      Debian's amd64 config (pristine and objext trees);
#   2. objext's struct inode is smaller than the pristine one;
#   3. README.md states those very figures ("M bytes (N unpatched)"), so
#      that a change of the layout cannot leave the README behind.
#
# Last line: "N passed, N failed".

set -uo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1${2:+: $2}"; fail=$((fail + 1)); }

out=$(make -s -C "$OBJEXT_REPO" pahole 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/# /'
line=$(grep -E '^struct inode: base [0-9]+ bytes, objext [0-9]+ bytes' <<<"$out" | tail -n1)
if [ "$rc" -eq 0 ] && [ -n "$line" ]; then
	ok "make pahole measures struct inode in both trees"
else
	not_ok "make pahole measures struct inode in both trees" "exit $rc"
	echo "$pass passed, $((fail + 2)) failed"
	exit 1
fi
base=$(sed -E 's/.* base ([0-9]+) bytes.*/\1/' <<<"$line")
objext=$(sed -E 's/.* objext ([0-9]+) bytes.*/\1/' <<<"$line")

[ "$objext" -lt "$base" ] &&
	ok "struct inode shrinks: $base -> $objext bytes" ||
	not_ok "struct inode shrinks" "$base -> $objext bytes"
grep -qF "$objext bytes ($base unpatched)" "$OBJEXT_REPO/README.md" &&
	ok "README.md states $objext bytes ($base unpatched)" ||
	not_ok "README.md states $objext bytes ($base unpatched)" \
		"it says: $(grep -oE '[0-9]+ bytes \([0-9]+ unpatched\)' "$OBJEXT_REPO/README.md" | head -n1)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
