#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit.sh - run the objext KUnit suite under UML with kunit.py.
#
# Usage: kunit.sh [--src DIR] [--build-dir DIR] [-- extra kunit.py args]
#
# Uses tools/testing/objext/.kunitconfig (KUnit, the objext suite, lockdep
# and RCU checking).  Builds with ccache; the build directory is kept, so a
# rerun only rebuilds what changed.  The last line is "N passed, N failed".

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
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
(cd "$SRC" && python3 tools/testing/kunit/kunit.py run \
	--kunitconfig "$HERE" --build_dir "$BUILD_DIR" --jobs 2 \
	--make_options "CC=ccache gcc" --json="$json" "$@") || rc=$?

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
