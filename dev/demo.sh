#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - the main job (`make demo`): build the patched kernel, boot it
# in QEMU and show objext at work inside it: the debugfs table of each
# host type, the inode slab caches, then the in-VM test results.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# ccache: paths below the repo are hashed relative to it, so that a fresh
# clone elsewhere (CI) still hits the cache of an earlier build.
export CCACHE_BASEDIR=$REPO CCACHE_NOHASHDIR=true
VM=$REPO/tools/testing/objext/vm
OUT=$REPO/build/out-vm
LOGS=$REPO/build/logs

mkdir -p "$LOGS"
"$REPO/dev/deps.sh"
make -s -C "$REPO" tree

echo "demo: building the patched kernel and booting it (log: $LOGS/demo.log)"
rc=0
"$VM/boot-test.sh" --src "$REPO/build/linux" --out "$OUT" \
	--tests "$(echo "$VM"/demo/*.sh "$VM"/tests/*.sh)" \
	>"$LOGS/demo.log" 2>&1 || rc=$?

# What the kernel showed, without the console's timestamps.
sed -n '/OBJEXT-DEMO-BEGIN/,/OBJEXT-DEMO-END/p' "$OUT/objext-vm.log" |
	sed -e 's/^\[ *[0-9.]*\] //' -e '/OBJEXT-DEMO-/d'
echo
grep '^boot-test:' "$LOGS/demo.log" || tail -n 30 "$LOGS/demo.log"
tail -n 1 "$LOGS/demo.log"
exit "$rc"
