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
#      that a change of the layout cannot leave the README behind;
#   4. a module that is not GPL can still call the inline readers of the
#      fields that moved into slots (break_lease(), fsverity_active(),
#      ...): compiled in both trees as their fs/inode.o is, its object
#      needs no symbol exported to GPL modules only, which modpost would
#      refuse, in the pristine tree (the control) nor in objext's.
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

mod=$OBJEXT_BUILD/pahole/module-not-gpl
cat >"$mod.c" <<'C'
#include <linux/filelock.h>
#include <linux/fscrypt.h>
#include <linux/fsverity.h>
#include <linux/module.h>

int objext_check(struct inode *inode);
int objext_check(struct inode *inode)
{
	return break_lease(inode, O_WRONLY) + !!locks_inode_context(inode) +
	       fsverity_active(inode) + fscrypt_has_encryption_key(inode);
}
MODULE_LICENSE("Proprietary");
C
for t in pristine objext; do
	case $t in
	pristine) tree=$OBJEXT_PRISTINE ;;
	objext) tree=$OBJEXT_TREE ;;
	esac
	out=$OBJEXT_BUILD/out-debian-$t
	what="$t: a module that is not GPL calls break_lease(), fsverity_active(), ..."
	cmd=$(objext_cc_cmd "$out" fs/inode.o)
	if [ -z "$cmd" ] || ! (cd "$out" && eval "$cmd" -DMODULE -c -o "$mod-$t.o" "$mod.c") \
		>"$mod-$t.log" 2>&1; then
		not_ok "$what" "does not compile: $(head -c 500 "$mod-$t.log")"
		continue
	fi
	mapfile -t needs < <(nm -u "$mod-$t.o" | awk '{ print $2 }')
	gpl=$(objext_gpl_only "$tree" "${needs[@]}" | tr '\n' ' ')
	# The control: the inline readers did compile into calls.
	if ! printf '%s\n' "${needs[@]}" | grep -qx __break_lease; then
		not_ok "$what" "no call of __break_lease in: ${needs[*]}"
	elif [ -n "$gpl" ]; then
		not_ok "$what" "needs GPL-only $gpl"
	else
		ok "$what: needs no GPL-only symbol (${#needs[@]} symbols)"
	fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
