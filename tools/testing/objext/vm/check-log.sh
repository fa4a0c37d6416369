#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-log.sh - judge an objext VM console log.
#
# Usage: check-log.sh [--src KERNEL_SRC] [--kunit-py PATH] [--ktap-out FILE]
#                     [--allow ERE]... [--tail N] LOG
#
#   --src DIR       tree whose tools/testing/kunit/kunit.py parses the KTAP
#                   output (default: build/linux of this repo)
#   --kunit-py P    explicit kunit.py (overrides --src)
#   --ktap-out F    where to write the extracted KTAP (default: LOG.ktap)
#   --allow ERE     ignore "bad" log lines matching ERE (repeatable); also
#                   read from $OBJEXT_CHECK_ALLOW (one ERE per line)
#   --kunit-suite NAME=N
#                   the log must have KTAP output with a suite NAME of
#                   exactly N test cases (repeatable)
#   --tail N        lines of log tail to print on failure (default 40)
#
# Fails (exit 1), printing the offending lines and the tail of the log, on:
#   - missing "OBJEXT-VM-DONE rc=N" end marker (timeout/crash/hang), or N != 0
#   - kernel reports, by their format at the start of a console message:
#     Kernel panic, Oops, BUG:, WARNING: and end trace, BUG: KASAN:,
#     UBSAN:, lockdep's banners, kmemleak leaks, Call Trace:, stalls and
#     hung tasks
#   - "not ok" lines: in-VM tests or KUnit
#   An int3 oops on a breakpoint that is gone again is also reported as
#   [stale-int3] (see below), for boot-test.sh to boot once more.
#   - KUnit: if the log has KTAP output, it is extracted (kernel timestamps
#     stripped) and fed to `kunit.py parse`; failures/crashes fail the check
# Exit 2 on usage errors.
#
# Last line of stdout (for boot-test.sh):
#   check-log: RESULT=<PASS|FAIL> vm_pass=P vm_fail=F vm_skip=S \
#              kunit_pass=P kunit_fail=F kunit_skip=S

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)
SRC=$REPO/build/linux
KUNIT_PY=
KTAP_OUT=
TAIL=40
allow=()
suites=()

die() { echo "check-log: error: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--src)      SRC=${2:?}; shift 2 ;;
	--kunit-py) KUNIT_PY=${2:?}; shift 2 ;;
	--ktap-out) KTAP_OUT=${2:?}; shift 2 ;;
	--allow)    allow+=("${2:?}"); shift 2 ;;
	--kunit-suite) suites+=("${2:?}"); shift 2 ;;
	--tail)     TAIL=${2:?}; shift 2 ;;
	-h|--help)  awk 'NR > 2 { if (!/^#/) exit; sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
	-*)         die "unknown option: $1" ;;
	*)          break ;;
	esac
done
[ $# -eq 1 ] || die "usage: check-log.sh [options] LOG"
LOG=$1
[ -f "$LOG" ] || die "log not found: $LOG"
KTAP_OUT=${KTAP_OUT:-$LOG.ktap}
[ -n "$KUNIT_PY" ] || KUNIT_PY=$SRC/tools/testing/kunit/kunit.py
if [ -n "${OBJEXT_CHECK_ALLOW:-}" ]; then
	while IFS= read -r a; do [ -n "$a" ] && allow+=("$a"); done <<<"$OBJEXT_CHECK_ALLOW"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/objext-check.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# Serial consoles emit CRLF; normalise once and work on the copy.
CLEAN=$WORK/log
tr -d '\r' < "$LOG" > "$CLEAN"

problems=$WORK/problems      # "why<TAB>lineno:line" entries
: > "$problems"

# report WHY: append grep -n hits read from stdin, minus allowed lines.
report() {
	local why=$1 line a ok
	while IFS= read -r line; do
		ok=1
		for a in "${allow[@]+"${allow[@]}"}"; do
			if [[ ${line#*:} =~ $a ]]; then ok=0; break; fi
		done
		[ "$ok" -eq 1 ] && printf '%s\t%s\n' "$why" "$line" >> "$problems"
	done
	return 0
}

# --- 1. kernel splats and test failures ----------------------------------
# Kernel reports are recognised by their format, not by words: each
# pattern is anchored at the start of a console message, after the
# optional "[ seconds]" timestamp (a test that dumps dmesg is checked
# too).  So a line in which a test or the demo merely mentions KASAN,
# a WARNING or a BUG passes; see selftest/logs/good-words.log.
# name|extended regex (case-sensitive).
ts='^(\[ *[0-9]+\.[0-9]+\](\[ *[CT][0-9]+\])? ?)?'
patterns=(
	"panic|${ts}Kernel panic - not syncing"
	"oops|${ts}Oops: "
	# BUG(), "BUG: kernel NULL pointer dereference", "BUG: sleeping
	# function called from invalid context", the KASAN/KCSAN/KFENCE
	# banners (all "BUG: ..." at message start)
	"bug|${ts}BUG: "
	# WARN(): "WARNING: CPU: 1 PID: 57 at fs/inode.c:310 ..." and its
	# closing "---[ end trace ... ]---"; lockdep's reports also start
	# with "WARNING: " and are named below
	"warning|${ts}WARNING: |${ts}---\[ end trace [0-9a-f]+ \]---"
	"kasan|${ts}BUG: KASAN: "
	"ubsan|${ts}UBSAN: "
	# Lockdep's banners; not plain "lockdep": "RCU lockdep checking is
	# enabled." and "Lock dependency validator" are boot noise.
	"lockdep|${ts}(WARNING|BUG): (possible recursive locking|inconsistent lock state|possible circular locking|possible irq lock inversion|suspicious RCU usage|bad unlock balance|held lock freed|lock held when returning to user space|Nested lock was not taken|.*-safe -> .*-unsafe lock order)|${ts}\[ BUG: Invalid wait context \]|${ts}(INFO: )?lockdep is turned off|${ts}turning off the locking correctness validator"
	# kmemleak's report ("cat /sys/kernel/debug/kmemleak" prints it
	# without a timestamp) and its log line
	"kmemleak|${ts}unreferenced object 0x[0-9a-f]+ \(size [0-9]+\)|${ts}kmemleak: [0-9]+ new suspected memory leaks"
	"trace|${ts} ?Call Trace:"
	"crash|${ts}(Oops: )?general protection fault|${ts}BUG: unable to handle|${ts}Unable to handle kernel|${ts}Kernel panic - not syncing: stack-protector|${ts}list_(add|del) corruption"
	"stall|${ts}INFO: task .* blocked for more than|${ts}rcu: INFO: .*detected stalls|${ts}watchdog: BUG: soft lockup|${ts}(NMI )?watchdog: Watchdog detected hard LOCKUP"
	# TAP and KTAP results (KTAP lines are indented per nesting level)
	"not-ok|${ts}[[:space:]]*not ok\b"
)
for p in "${patterns[@]}"; do
	grep -nE -- "${p#*|}" "$CLEAN" | report "${p%%|*}" || true
done

# An "Oops: int3" whose Code: line no longer has the breakpoint before the
# trapping address: the CPU ran a breakpoint that live text patching
# (static keys, BPF trampolines) had already taken out again.  The
# kernel's int3 handler covers such a breakpoint for as long as it is in
# place, so hardware does not do this; QEMU's multi-threaded TCG has, on a
# busy host, in Debian's kernel and in ours (2026-12-04).  Reported as
# "stale-int3" beside the oops, which still fails the log; boot-test.sh
# boots once more on it.
ts=$ts awk '$0 ~ (ENVIRON["ts"] "Oops: int3") { at = NR; oops = $0; next }
	at && NR - at <= 12 && /Code: / {
		if (match($0, /[0-9a-f][0-9a-f] </) && substr($0, RSTART, 2) != "cc")
			print at ":" oops
		at = 0
	}' "$CLEAN" | report stale-int3

# --- 2. end marker --------------------------------------------------------
marker=$(grep -oE 'OBJEXT-VM-DONE rc=[0-9]+' "$CLEAN" | tail -n1 || true)
if [ -z "$marker" ]; then
	why="no end marker (OBJEXT-VM-DONE): VM crashed, hung or timed out"
	grep -q 'run-vm: TIMEOUT' "$CLEAN" && why="no end marker: run-vm timeout"
	printf 'marker\t-:%s\n' "$why" >> "$problems"
elif [ "${marker#*rc=}" != 0 ]; then
	printf 'marker\t%s\n' "$(grep -nE 'OBJEXT-VM-DONE rc=' "$CLEAN" | tail -n1)" >> "$problems"
fi

# --- 3. count in-VM test results -------------------------------------------
# Only user space lines between TEST-BEGIN/TEST-END are counted (kernel
# lines start with a "[ timestamp]" and are never counted here).  A test
# exiting 77 that printed no result lines counts as one skip; the runner's
# "not ok - NAME exited with rc=N" line counts as one failure.
read -r vm_pass vm_fail vm_skip < <(awk '
	/OBJEXT-VM-TEST-BEGIN / { in_t = 1; n = 0; next }
	/OBJEXT-VM-TEST-END /   {
		if ($0 ~ /result=skip/ && n == 0) skip++
		in_t = 0; next
	}
	/^not ok - .* exited with rc=/ { fail++; next }
	in_t && /^not ok [0-9]+/ { fail++; n++; next }
	in_t && /^ok [0-9]+/ {
		if ($0 ~ /# *[Ss][Kk][Ii][Pp]/) skip++; else pass++
		n++; next
	}
	END { printf "%d %d %d\n", pass, fail, skip }
' "$CLEAN")

# --- 4. KUnit / KTAP ---------------------------------------------------------
# Built-in KUnit runs before /init, on the kernel console: take the lines
# from the first "KTAP version" up to the start of init, keep only kernel
# (timestamped) lines and strip the timestamp so kunit.py sees pure KTAP.
kunit_pass=0 kunit_fail=0 kunit_skip=0
if grep -qE '(^|[] ])K?TAP version [0-9]+$' "$CLEAN"; then
	awk '
		/OBJEXT-VM-INIT start/ { exit }
		!started && /K?TAP version [0-9]+$/ { started = 1 }
		started {
			if (sub(/^\[ *[0-9]+\.[0-9]+\] ?/, "") || !/^\[/) print
		}
	' "$CLEAN" > "$KTAP_OUT"
	echo "check-log: KTAP output extracted to $KTAP_OUT ($(wc -l < "$KTAP_OUT") lines)"
	if [ ! -f "$KUNIT_PY" ]; then
		printf 'kunit\t-:kunit.py not found at %s (use --src/--kunit-py)\n' "$KUNIT_PY" >> "$problems"
	else
		kres=0
		python3 "$KUNIT_PY" parse --json="$WORK/kunit.json" "$KTAP_OUT" \
			> "$WORK/kunit.out" 2>&1 || kres=$?
		# Each required suite ran, with all its cases.
		for want in "${suites[@]+"${suites[@]}"}"; do
			got=$(python3 - "$WORK/kunit.json" "${want%%=*}" <<'PY' || true
import json, sys

def find(group, name):
    if group.get("name") == name:
        return group
    for sub in group.get("sub_groups", []):
        hit = find(sub, name)
        if hit:
            return hit
    return None

suite = find(json.load(open(sys.argv[1])), sys.argv[2])
print(len(suite.get("test_cases", [])) if suite else "none")
PY
)
			echo "check-log: KUnit suite ${want%%=*}: ${got:-none} cases, ${want#*=} expected"
			[ "$got" = "${want#*=}" ] ||
				printf 'kunit\t-:suite %s ran %s cases, %s expected\n' \
					"${want%%=*}" "${got:-none}" "${want#*=}" >> "$problems"
		done
		# Drop colours, keep the summary for the user.
		sed -E 's/\x1b\[[0-9;]*m//g' "$WORK/kunit.out" > "$KTAP_OUT.parsed"
		summary=$(grep -E 'Testing complete\.' "$KTAP_OUT.parsed" | tail -n1 || true)
		echo "check-log: kunit.py parse: rc=$kres ${summary#*] }"
		num() { grep -oE "$1: [0-9]+" <<<"$summary" | grep -oE '[0-9]+' || echo 0; }
		kunit_pass=$(num passed)
		kunit_fail=$(( $(num failed) + $(num crashed) ))
		kunit_skip=$(num skipped)
		if [ "$kres" -ne 0 ]; then
			printf 'kunit\t-:kunit.py parse failed (rc=%s): %s (see %s)\n' \
				"$kres" "${summary:-no summary}" "$KTAP_OUT.parsed" >> "$problems"
			grep -E '\[(FAILED|CRASHED)\]' "$KTAP_OUT.parsed" | sed 's/^/check-log:   /' || true
		fi
	fi
else
	echo "check-log: no KTAP output in log"
	rm -f "$KTAP_OUT"
	for want in "${suites[@]+"${suites[@]}"}"; do
		printf 'kunit\t-:no KTAP output, but suite %s expected\n' "${want%%=*}" >> "$problems"
	done
fi

# --- verdict -------------------------------------------------------------------
echo "check-log: in-VM tests: $vm_pass passed, $vm_fail failed, $vm_skip skipped"
if [ -s "$problems" ]; then
	echo "check-log: FAIL: $(wc -l < "$problems") problem line(s) in $LOG:"
	# At most 60 entries, "[why] lineno: text".
	# Chronological (by log line number); marker/kunit entries ("-") first.
	sort -t$'\t' -k2,2n -s "$problems" | head -n 60 |
		awk -F'\t' '{ printf "  [%s] %s\n", $1, $2 }'
	[ "$(wc -l < "$problems")" -gt 60 ] && echo "  ... (more)"
	echo "check-log: ---- last $TAIL lines of $LOG ----"
	tail -n "$TAIL" "$CLEAN" | sed 's/^/  | /'
	result=FAIL
else
	echo "check-log: PASS ($marker)"
	result=PASS
fi
echo "check-log: RESULT=$result vm_pass=$vm_pass vm_fail=$vm_fail vm_skip=$vm_skip" \
	"kunit_pass=$kunit_pass kunit_fail=$kunit_fail kunit_skip=$kunit_skip"
[ "$result" = PASS ]
