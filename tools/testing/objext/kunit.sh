#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit.sh - run the objext KUnit suite under UML with kunit.py.
#
# Usage: kunit.sh [--src DIR] [--build-dir DIR] [-- extra kunit.py args]
#
# Uses tools/testing/objext/.kunitconfig (KUnit, the objext suite, lockdep
# and RCU checking).  Builds with ccache; the build directory is kept, so a
# rerun only rebuilds what changed.  kunit.py configures, the UML kernel
# is built here with kunit.py's make command (so that the build reports
# its progress), and `kunit.py exec` runs and parses it.  The last line
# is "N passed, N failed, N skipped".

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
# shellcheck source=../../../dev/lib.sh
source "$REPO/dev/lib.sh"
SRC=$REPO/build/linux
BUILD_DIR=$REPO/build/kunit-um

while [ $# -gt 0 ]; do
	case "$1" in
	--src)		SRC=${2:?}; shift 2 ;;
	--build-dir)	BUILD_DIR=${2:?}; shift 2 ;;
	--)		shift; break ;;
	*)		echo "kunit.sh: unknown argument: $1" >&2; exit 2 ;;
	esac
done

mkdir -p "$BUILD_DIR"
json=$BUILD_DIR/objext-results.json
rm -f "$json"
rc=0
kunit() {
	(cd "$SRC" && python3 tools/testing/kunit/kunit.py "$@")
}
make_options=()
for option in "${OBJEXT_KBUILD_CC[@]}"; do
	make_options+=(--make_options "$option")
done
if kunit config --kunitconfig "$HERE" --build_dir "$BUILD_DIR" "${make_options[@]}"; then
	objext_say "kunit: building the UML kernel ($BUILD_DIR)"
	# first build: about 1,100 steps (1,098 on 2026-12-05)
	export OBJEXT_KBUILD_ESTIMATE=1100
	make -C "$SRC" ARCH=um O="$BUILD_DIR" --jobs=2 "${OBJEXT_KBUILD_CC[@]}" all 2>&1 |
		objext_kbuild_progress "kunit: $(basename "$BUILD_DIR")" "$BUILD_DIR/objext-build-steps" || rc=$?
	[ "$rc" -eq 0 ] && mv -f "$BUILD_DIR/objext-build-steps.new" "$BUILD_DIR/objext-build-steps"
else
	rc=1
fi
[ "$rc" -eq 0 ] && kunit exec --kunitconfig "$HERE" --build_dir "$BUILD_DIR" \
	--json="$json" "$@" || rc=$?

# Count the leaf test cases from kunit.py's JSON report.
if [ -s "$json" ]; then
	python3 - "$json" <<'PY'
import json, sys

def leaves(group):
    cases = list(group.get("test_cases", []))
    for sub in group.get("sub_groups", []):
        cases += leaves(sub)
    return cases

report = json.load(open(sys.argv[1]))
cases = leaves(report)
passed = sum(c.get("status") == "PASS" for c in cases)
failed = sum(c.get("status") not in ("PASS", "SKIP") for c in cases)
skipped = sum(c.get("status") == "SKIP" for c in cases)
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
elif [ "$rc" -ne 0 ]; then
	echo "0 passed, 1 failed"
fi
exit "$rc"
