#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh - configure and build an objext test kernel (bzImage).
#
# Usage: build-kernel.sh [--src DIR] [--out DIR] [--fragments "a b ..."]
#                        [--jobs N] [--config-only]
#
#   --src        kernel source tree (never written to; we build with O=)
#                default: build/linux of this repo
#   --out        build output directory, default: build/out-vm of this repo
#   --fragments  space-separated config fragments, merged in order onto
#                `allnoconfig`; default: the test kernel's, $OBJEXT_TEST_FRAGMENTS
#   --jobs       make -j value, default: 2
#   --config-only  stop after configuring and verifying
#   --default-fragments  print the default fragment list and exit
#
# Steps:
#   1. merge the fragments (scripts/kconfig/merge_config.sh -m) into
#      $OUT/objext-fragments.config
#   2. make allnoconfig with KCONFIG_ALLCONFIG=<merged>, then olddefconfig
#      (exactly what merge_config.sh -n does, but with our CC so that
#      compiler-dependent symbols are evaluated against the real compiler)
#   3. verify: every CONFIG_X=<v> line of the fragments whose symbol exists
#      in the tree's Kconfig files must be in the final .config with that
#      value, every "# CONFIG_X is not set" must be unset; symbols the tree
#      does not define are reported and ignored (e.g. CONFIG_OBJEXT_KUNIT_TEST
#      on a tree without objext, or at the series' first commit), except
#      that a tree with lib/objext_kunit.c must define CONFIG_OBJEXT_KUNIT_TEST
#   4. make bzImage with ccache (OBJEXT_KBUILD_CC in dev/lib.sh); reruns
#      are incremental because kconfig only touches include/config/* for
#      symbols that changed.
#
# Prints the path of the bzImage on its last line of stdout.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OBJEXT_DIR=$(dirname "$HERE")            # tools/testing/objext

REPO=$(cd "$HERE/../../../.." && pwd)
SRC=$REPO/build/linux
OUT=$REPO/build/out-vm
# The test kernel (make vm-kernel, boot-test.sh, the vm steps of make
# test, make demo, and dev/check.sh's proof that each touched file is
# compiled in): one configuration, so that they all share build/out-vm.
OBJEXT_TEST_FRAGMENTS="vm.config preempt-full.config debug.config kmemleak.config check.config"
FRAGMENTS=$OBJEXT_TEST_FRAGMENTS
JOBS=2
CONFIG_ONLY=0

# shellcheck source=../../../../dev/lib.sh
source "$REPO/dev/lib.sh"
die() { echo "build-kernel: error: $*" >&2; exit 1; }
log() { echo "build-kernel: $*" >&2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--src)        SRC=${2:?}; shift 2 ;;
	--out)        OUT=${2:?}; shift 2 ;;
	--fragments)  FRAGMENTS=${2:?}; shift 2 ;;
	--jobs)       JOBS=${2:?}; shift 2 ;;
	--config-only) CONFIG_ONLY=1; shift ;;
	--default-fragments) echo "$OBJEXT_TEST_FRAGMENTS"; exit 0 ;;
	-h|--help)    awk 'NR > 2 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
	*)            die "unknown argument: $1" ;;
	esac
done

if [ ! -f "$SRC/Makefile" ] || [ ! -d "$SRC/scripts/kconfig" ]; then
	die "--src $SRC does not look like a kernel tree"
fi
SRC=$(cd "$SRC" && pwd)
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# One build in $OUT at a time (make test's check step runs beside the
# demo, and both make sure the test kernel is built).
exec 8>"$OUT/.objext-build.lock"
if ! flock -n 8; then
	log "waiting for another build in $OUT to finish"
	flock 8
fi

# Resolve fragments to absolute paths (relative ones are taken relative to
# the caller's cwd first, then to tools/testing/objext/config/).
frags=()
for f in $FRAGMENTS; do
	if [ -f "$f" ]; then
		frags+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")")
	elif [ -f "$OBJEXT_DIR/config/$f" ]; then
		frags+=("$OBJEXT_DIR/config/$f")
	else
		die "fragment not found: $f"
	fi
done
[ ${#frags[@]} -gt 0 ] || die "no fragments given"

# Reproducible build metadata -> fewer spurious rebuilds/cache misses.
export KBUILD_BUILD_TIMESTAMP=${KBUILD_BUILD_TIMESTAMP:-2024-01-01}
export KBUILD_BUILD_USER=objext KBUILD_BUILD_HOST=objext-vm

kmake() {
	make -C "$SRC" O="$OUT" "${OBJEXT_KBUILD_CC[@]}" -j"$JOBS" "$@"
}

# --- 1. merge fragments ---------------------------------------------------
MERGED="$OUT/objext-fragments.config"
log "merging: ${frags[*]}"
# merge_config.sh creates its temp files in the cwd: run it inside $OUT so
# the (possibly read-only) source tree is never written.
(cd "$OUT" && KCONFIG_CONFIG="$MERGED" \
	"$SRC/scripts/kconfig/merge_config.sh" -m "${frags[@]}" >/dev/null)

# --- 2. allnoconfig + fragments, then olddefconfig -------------------------
log "configuring in $OUT (allnoconfig + fragments)"
kmake -s KCONFIG_ALLCONFIG="$MERGED" allnoconfig >/dev/null
kmake -s olddefconfig >/dev/null

# --- 3. verify -------------------------------------------------------------
# One pass over all Kconfig files to collect the symbols this tree defines.
known_syms="$OUT/objext-known-symbols.txt"
find "$SRC" -name 'Kconfig*' -not -path '*/.git/*' -print0 |
	xargs -0 grep -hoE '^[[:space:]]*(menu)?config[[:space:]]+[A-Za-z0-9_]+' |
	awk '{print $2}' | sort -u > "$known_syms"

bad=0
absent=()
# Parse the merged fragment (later fragments already override earlier ones).
while IFS= read -r line; do
	sym='' want=''
	if [[ $line =~ ^CONFIG_([A-Za-z0-9_]+)=(.*)$ ]]; then
		sym=${BASH_REMATCH[1]} want=${BASH_REMATCH[2]}
	elif [[ $line =~ ^#\ CONFIG_([A-Za-z0-9_]+)\ is\ not\ set$ ]]; then
		sym=${BASH_REMATCH[1]} want=n
	else
		continue
	fi
	if ! grep -qxF "$sym" "$known_syms"; then
		absent+=("CONFIG_$sym")
		continue
	fi
	got=$(grep -E "^(CONFIG_$sym=|# CONFIG_$sym is not set$)" "$OUT/.config" || true)
	case "$got" in
	"CONFIG_$sym="*) got=${got#"CONFIG_$sym="} ;;
	*)               got=n ;;
	esac
	if [ "$got" != "$want" ]; then
		echo "build-kernel: CONFIG_$sym: wanted '$want', got '$got'" >&2
		bad=1
	fi
done < "$MERGED"

if [ ${#absent[@]} -gt 0 ]; then
	log "note: not defined by this tree (ignored): ${absent[*]}"
	# A tree with the KUnit suite must define its option: a renamed or
	# lost Kconfig entry would otherwise silently drop the suite.  (Not
	# lib/objext.c: the series' first commit adds the library alone.)
	if [ -f "$SRC/lib/objext_kunit.c" ] &&
		[[ " ${absent[*]} " == *" CONFIG_OBJEXT_KUNIT_TEST "* ]]; then
		die "$SRC has lib/objext_kunit.c but no CONFIG_OBJEXT_KUNIT_TEST in its Kconfig"
	fi
fi
if [ "$bad" -ne 0 ]; then
	die "requested options did not survive olddefconfig (unmet dependencies?); see above"
fi
log "config verified ($(grep -c '^CONFIG_' "$MERGED") fragment lines)"

[ "$CONFIG_ONLY" -eq 1 ] && exit 0

# --- 4. build --------------------------------------------------------------
log "building bzImage (-j$JOBS, ${OBJEXT_KBUILD_CC[*]}, ccache dir: $(ccache -k cache_dir 2>/dev/null || echo default))"
start=$(date +%s)
steps=$OUT/objext-build-steps
# A first build of the test kernel has no count of its own to compare
# with: about 2,000 steps (1,997 on 2026-11-29).
# shellcheck disable=SC2086 # word splitting normalises the spacing
[ "$(echo $FRAGMENTS)" = "$OBJEXT_TEST_FRAGMENTS" ] && export OBJEXT_KBUILD_ESTIMATE=2000
objext_say "build-kernel: building $(basename "$OUT") ($(basename "$SRC"), -j$JOBS)"
kmake bzImage 2>&1 | objext_kbuild_progress "build-kernel: $(basename "$OUT")" "$steps"
mv -f "$steps.new" "$steps"
end=$(date +%s)
log "bzImage built in $((end - start)) s"
echo "$OUT/arch/x86/boot/bzImage"
