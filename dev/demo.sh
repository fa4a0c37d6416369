#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh - the main job (`make demo`): build the patched kernel, boot it
# in QEMU and show objext at work inside it: the debugfs table of the
# inode host as extensions come and go, the inode slab caches, and the
# size of struct inode in the booted kernel.  Only the demo script runs
# in the VM; the full suite is `make test`'s.  The kernel is the test
# kernel of `make test` (build/out-vm), so after `make test` nothing is
# rebuilt, and the demo step of `make test` runs this very script.
#
# Exit 0 only if the kernel built and booted, the demo's own checks
# passed and the console log is clean.  The last line is
# "N passed, N failed, N skipped" (demo checks, KUnit cases at boot, log).

set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
REPO=$OBJEXT_REPO
# ccache: paths below the repo are hashed relative to it, so that a fresh
# clone elsewhere (CI) still hits the cache of an earlier build.
export CCACHE_BASEDIR=$REPO CCACHE_NOHASHDIR=true
VM=$REPO/tools/testing/objext/vm
OUT=$OBJEXT_BUILD/out-vm
LOGS=$OBJEXT_BUILD/logs
objext_progress_setup

t0=$SECONDS
objext_step "demo: packages (apt)" "$LOGS/demo-deps.log" "$REPO/dev/deps.sh" ||
	die "installing the packages failed; see $LOGS/demo-deps.log"
objext_step "demo: kernel tree" "$LOGS/demo-tree.log" make -s -C "$REPO" tree ||
	die "assembling build/linux failed; see $LOGS/demo-tree.log"
objext_step "demo: test kernel build" "$LOGS/demo-build.log" \
	"$VM/build-kernel.sh" --out "$OUT" ||
	die "the kernel build failed; see $LOGS/demo-build.log"
rc=0
objext_step "demo: boot in QEMU" "$LOGS/demo-boot.log" \
	"$VM/boot-test.sh" --no-build --out "$OUT" --tag demo \
	--tests "$VM/demo/05-show-objext.sh" || rc=$?

# What the kernel showed, without the console's timestamps.
echo
sed -n '/OBJEXT-DEMO-BEGIN/,/OBJEXT-DEMO-END/p' "$OUT/objext-vm-demo.log" |
	sed -e 's/^\[ *[0-9.]*\] //' -e '/OBJEXT-DEMO-/d' -e '/^ok [0-9]/d'
echo "--- struct inode in the booted kernel (pahole $OUT/vmlinux):"
pahole -C inode "$OUT/vmlinux" 2>/dev/null | grep -E 'i_objext|size:' |
	sed 's/^[[:space:]]*/    /' || echo "    (pahole failed)"
echo "    This kernel's lockdep and KASAN enlarge struct inode; on Debian's"
echo "    amd64 configuration it is 624 bytes in 6.12 and 576 with objext"
echo "    (make pahole)."
echo
grep -E '^(ok|not ok) [0-9]' "$OUT/objext-vm-demo.log" | sed 's/^/demo: /' || true
grep '^boot-test:' "$LOGS/demo-boot.log" || true
objext_say "demo: $(objext_elapsed $((SECONDS - t0))) in all"
tail -n 1 "$LOGS/demo-boot.log"
exit "$rc"
