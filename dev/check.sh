#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh - static checks on every file objext adds or touches.
#
#   checkpatch  --strict -f on each new file (the series step runs
#               checkpatch --strict on every patch)
#   kernel-doc  -none -Wall: no warning in new files; in touched files no
#               more than in the pristine tree
#   sparse      C=2 on the objects of new and touched .c files: no warning
#               in new files, no new warning in touched ones
#   W=1         the same, for compiler warnings
#   coccinelle  generated patches equal spatch's output on the pristine tree;
#               report mode finds no direct use left in the tree and finds
#               exactly the marked uses in a test input
#   tiny        allnoconfig with EXPERT builds: no fsnotify, LSM, BPF,
#               file locking, fscrypt or fsverity, so every !CONFIG_ side;
#               32-bit (ARCH=i386), CI's build with 32-bit longs
#               (BPF inode storage without the BPF LSM is built by the
#               kunit step: its UML kernel has BPF_SYSCALL and not
#               SECURITY, and kunit.py fails if that does not hold)
#
# "No new warning" compares the pristine and the patched tree, both built
# with the test kernel's config less KASAN (config/check-trees.config),
# after dropping line numbers (patches move lines).  Every .c file we add
# or touch must have been compiled into the test kernel (build/out-vm,
# built here if the vm step has not built it); all those objects are
# then built with C=2 W=1 in one make per tree, each tree in a directory
# of its own; kbuild's CC and CHECK lines tell whose warnings are whose.
# Without KASAN, GCC's KASAN_STACK does not grow the stack frames, so a
# -Wframe-larger-than warning that only a KASAN build would give is not
# looked for.  An object that is not rebuilt, or that sparse did not
# see, fails its check whatever the warnings say.
# The last line is "N passed, N failed".

set -uo pipefail

# The kernel's Python scripts (checkpatch's spdxcheck.py) need Debian's
# python3 with python3-ply and python3-git, not some other python3 on PATH.
export PATH=/usr/bin:$PATH

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TREE=$REPO/build/linux
PRISTINE=$REPO/build/pristine
OUT=$REPO/build/out-vm
OUT_BASE=$REPO/build/out-check-base
OUT_NEW=$REPO/build/out-check-new
LOG=$REPO/build/logs/check
BUILD_KERNEL=$REPO/tools/testing/objext/vm/build-kernel.sh

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$REPO/dev/lib.sh"
MAKE=(make -s -j2 "${OBJEXT_KBUILD_CC[@]}")

# Warnings with file positions and build paths stripped, sorted, so that the
# pristine and patched lists compare.  Paths are absolute (sparse) or
# relative to the build directory, a sibling of the tree (gcc).
normalize() {
	sed -E -e "s#$TREE/##g; s#$PRISTINE/##g" \
		-e "s#\.\./(${TREE##*/}|${PRISTINE##*/})/##g" \
		-e 's/:[0-9]+(:[0-9]+)?:/:/g' | sort
}

mkdir -p "$LOG"
rm -f "$LOG"/tiny*.rc
make -s -C "$REPO" pristine >"$LOG/pristine.log" 2>&1 ||
	{ cat "$LOG/pristine.log"; objext_result 1 "pristine tree"; }

# New files: those of the series, and our tooling below tools/testing,
# which is only in the repo (patches/files); existing files the series
# touches.
mapfile -t new_files < <(
	git -C "$TREE" diff --name-only --diff-filter=A base HEAD
	git -C "$REPO" ls-files -- tools/testing/objext |
		while read -r f; do [ -e "$TREE/$f" ] || echo "$f"; done)
mapfile -t touched < <(git -C "$TREE" diff --name-only --diff-filter=M base HEAD)
# Path of new file $1 for tools run from $TREE: tooling is only in the repo.
src_path() {
	if [ -e "$TREE/$1" ]; then echo "$1"; else echo "$REPO/$1"; fi
}
# Kernel sources we add; the user-space harness (shims of kernel headers,
# glibc and liburcu code) is checked by its own -Wall -Werror build.
new_src=()
for f in "${new_files[@]}"; do
	case "$f" in
	tools/testing/objext/harness/*) ;;
	# inputs of the Coccinelle report test, wrong on purpose
	tools/testing/objext/cocci/*) ;;
	*.c|*.h) new_src+=("$f") ;;
	esac
done

# --- configurations without the users -----------------------------------------
# tiny_build NAME ARCH FRAGMENT PATTERN: allnoconfig for ARCH plus the
# config lines in FRAGMENT (one argument, a line each) builds vmlinux,
# every line of FRAGMENT is in its .config and none matches PATTERN; its
# exit status goes to $LOG/NAME.rc.  It runs in the background from the
# start, beside the single-threaded checks and the configuration of the
# trees, with -j2: once the rest is done it is all that is left, and
# must not finish on one core.
tiny_build() {
	local out=$REPO/build/out-check-$1
	mkdir -p "$out"
	printf '%s\n' "$3" >"$out/objext-allno.config"
	(cd "$TREE" && "${MAKE[@]}" -j1 ARCH="$2" O="$out" \
		KCONFIG_ALLCONFIG="$out/objext-allno.config" allnoconfig &&
		! grep -vxF -f "$out/.config" "$out/objext-allno.config" &&
		! grep -E "$4" "$out/.config" &&
		"${MAKE[@]}" ARCH="$2" O="$out" vmlinux) >"$LOG/$1.log" 2>&1
	echo $? >"$LOG/$1.rc"
}
# Every user of an inode slot but character devices off, and 32-bit.
# -Os, as tinyconfig has it: this kernel is built, never booted, and
# compiles in less CPU than with -O2.
tiny_off=(FSNOTIFY SECURITY BPF_SYSCALL FILE_LOCKING FS_ENCRYPTION FS_VERITY 64BIT)
tiny_build tiny i386 $'CONFIG_EXPERT=y\nCONFIG_CC_OPTIMIZE_FOR_SIZE=y' \
	"^CONFIG_($(IFS='|'; echo "${tiny_off[*]}"))=" &
tiny_pid=$!

# Both trees are configured like the test kernel but without KASAN
# (config/check-trees.config), on one core too, each in a directory of
# its own: the test kernel's is not written, so this can run beside the
# VM steps.
configure() {
	"$BUILD_KERNEL" --src "$1" --out "$2" --config-only \
		--fragments "$("$BUILD_KERNEL" --default-fragments) check-trees.config" \
		>"$LOG/config-$3.log" 2>&1 &&
		(cd "$1" && "${MAKE[@]}" -j1 O="$2" prepare) >>"$LOG/config-$3.log" 2>&1
}
(configure "$PRISTINE" "$OUT_BASE" base && configure "$TREE" "$OUT_NEW" new) &
configure_pid=$!

# --- checkpatch ---------------------------------------------------------------
# Every patch of the series is the series step's (dev/series-check.sh);
# here each new source file on its own, as checkpatch -f reads a file.
# User-space programs (tools/) cannot use the kernel's __func__-free
# messages, __aligned(), __printf() or ARRAY_SIZE(); the rest applies.
user_ignore=EMBEDDED_FUNCTION_NAME,PREFER_DEFINED_ATTRIBUTE_MACRO,ARRAY_SIZE
for f in "${new_src[@]}"; do
	opts=(--strict -q -f)
	case "$f" in
	# BPF programs: "const volatile" is how libbpf's read-only globals
	# stay out of constant folding.
	tools/*.bpf.c) opts+=(--ignore "$user_ignore,VOLATILE") ;;
	tools/*) opts+=(--ignore "$user_ignore") ;;
	esac
	out=$(cd "$TREE" && scripts/checkpatch.pl "${opts[@]}" "$(src_path "$f")" 2>&1)
	objext_expect_silence "$out" "checkpatch ${opts[*]} $f"
done

# --- kernel-doc ---------------------------------------------------------------
for f in "${new_src[@]}"; do
	out=$(cd "$TREE" && scripts/kernel-doc -none -Wall "$(src_path "$f")" 2>&1)
	objext_expect_silence "$out" "kernel-doc -Wall $f"
done
for f in "${touched[@]}"; do
	case "$f" in *.c|*.h) ;; *) continue ;; esac
	(cd "$PRISTINE" && scripts/kernel-doc -none -Wall "$f" 2>&1) |
		normalize >"$LOG/kdoc-base.txt"
	(cd "$TREE" && scripts/kernel-doc -none -Wall "$f" 2>&1) |
		normalize >"$LOG/kdoc-new.txt"
	added=$(comm -13 "$LOG/kdoc-base.txt" "$LOG/kdoc-new.txt")
	objext_expect_silence "$added" "kernel-doc -Wall $f: nothing new"
done

# --- Coccinelle -----------------------------------------------------------------
# Generated patches are byte for byte what their semantic patch makes of
# the pristine tree (dev/cocci-patch.sh embeds and compares).
out=$("$REPO/dev/cocci-patch.sh" check 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
objext_result $rc "generated patches are what spatch makes of the pristine tree"

# Report mode, as `make coccicheck MODE=report` runs it.
# Fails if spatch does; its output, less the "N files match" noise.
spatch_report() {
	local out rc=0
	out=$(spatch -D report --no-show-diff --very-quiet --no-includes --include-headers \
		--cocci-file "$@" 2>&1) || rc=$?
	grep -v ' files\? match$' <<<"$out" || true
	return "$rc"
}
for cocci in "$REPO"/scripts/coccinelle/api/objext/*.cocci; do
	name=$(basename "$cocci" .cocci)
	# (the report test's own input, below, is in the tree too)
	rc=0
	out=$(cd "$TREE" && spatch_report "$cocci" --dir .) || rc=$?
	out=$(grep -v '^\./tools/testing/objext/cocci/' <<<"$out")
	[ "$rc" -eq 0 ] || out="spatch failed (exit $rc): $out"
	objext_expect_silence "$out" "$name.cocci: no direct use left in the tree"

	# An out-of-tree user: exactly the lines marked /* report */ are found.
	user=$REPO/tools/testing/objext/cocci/${name}_user.c
	if [ ! -f "$user" ]; then
		objext_result 1 "$name.cocci: report test input ${user#"$REPO"/} exists"
		continue
	fi
	want=$(grep -n '/\* report \*/' "$user" | cut -d: -f1 | sort -n | tr '\n' ' ')
	rc=0
	got=$(cd "$REPO" && spatch_report "$cocci" "${user#"$REPO"/}") || rc=$?
	got=$(sed -n 's/^[^:]*:\([0-9]*\):[0-9-]*: WARNING: .*/\1/p' <<<"$got" |
		sort -n | tr '\n' ' ')
	echo "# $name.cocci report: lines ${got:-none}, marked ${want:-none} (spatch exit $rc)"
	[ "$rc" -eq 0 ] && [ -n "$want" ] && [ "$got" = "$want" ]
	objext_result $? "$name.cocci reports exactly the marked uses in ${user#"$REPO"/}"

	# Patch mode on the same input gives the reviewed expected file.
	expected=${user%.c}.expected.c
	rm -f "$LOG/$name.patched.c"
	if (cd "$REPO" && spatch -D patch --very-quiet --no-includes --include-headers \
		--cocci-file "$cocci" "${user#"$REPO"/}" -o "$LOG/$name.patched.c") \
		>"$LOG/$name.spatch.log" 2>&1; then
		out=$(diff -u "$expected" "$LOG/$name.patched.c" 2>&1)
	else
		out="spatch failed: $(cat "$LOG/$name.spatch.log")"
	fi
	objext_expect_silence "$out" "$name.cocci patch mode turns ${user##*/} into ${expected##*/}"
done

# --- sparse and W=1 -------------------------------------------------------------
# The test kernel (built by the vm step, or here) proves that each file
# is compiled in, and gives the must-not-compile snippets their command.
"$BUILD_KERNEL" --src "$TREE" --out "$OUT" >"$LOG/build-new.log" 2>&1
rc=$?
[ $rc -eq 0 ] || tail -n 20 "$LOG/build-new.log"
objext_result $rc "the test kernel (patched tree) builds"

# --- what must not compile ----------------------------------------------------
# Snippets compiled as fs/inode.c is in the test kernel (its .cmd line,
# without the dependency file), each kind after a control that must
# compile, so that a failure means the contract and not the command.
kcc_cmd=$(objext_cc_cmd "$OUT" fs/inode.o)
# kcc NAME FLAGS...: compile $LOG/NAME.c, its messages in $LOG/NAME.log.
kcc() {
	local name=$1
	shift
	[ -n "$kcc_cmd" ] || { echo "no compile command in fs/.inode.o.cmd" >"$LOG/$name.log"; return 2; }
	(cd "$OUT" && eval "$kcc_cmd" '"$@"' -fsyntax-only "$LOG/$name.c") >"$LOG/$name.log" 2>&1
}
# must_not_compile NAME PATTERN WHAT FLAGS...: compiling NAME fails with
# an error matching PATTERN.
must_not_compile() {
	local name=$1 pattern=$2 what=$3 rc=0
	shift 3
	kcc "$name" "$@" && rc=1
	[ $rc -ne 0 ] || grep -q -E "error: .*$pattern" "$LOG/$name.log" || rc=1
	[ $rc -eq 0 ] || head -n 20 "$LOG/$name.log"
	objext_result $rc "$what"
}
cat >"$LOG/slot-ok.c" <<'C'
#include <linux/fs.h>
static DEFINE_INODE_EXT_SLOT(objext_check_slot, NULL);
void *objext_check(struct inode *inode);
void *objext_check(struct inode *inode)
{
	return inode_ext_get(inode, &objext_check_slot);
}
C
cat >"$LOG/slot-other-host.c" <<'C'
#include <linux/fs.h>
static DEFINE_OBJEXT_HOST(objext_check_host, "check");
static DEFINE_OBJEXT_SLOT(objext_check_slot, objext_check_host, NULL);
void *objext_check(struct inode *inode);
void *objext_check(struct inode *inode)
{
	return inode_ext_get(inode, &objext_check_slot);
}
C
sed 's/^static DEFINE/DEFINE/' "$LOG/slot-ok.c" >"$LOG/slot-module-extern.c"
cp "$LOG/slot-ok.c" "$LOG/slot-module.c"
kcc slot-ok
rc=$?
[ $rc -eq 0 ] || cat "$LOG/slot-ok.log"
objext_result $rc "a built-in inode slot and its lookup compile"
must_not_compile slot-other-host "incompatible pointer type" \
	"a slot of another host passed for an inode does not compile"
must_not_compile slot-module "needs built-in code" \
	"a static inode slot in a module fails with its reason" -DMODULE
must_not_compile slot-module-extern "needs built-in code" \
	"an inode slot in a module fails with its reason" -DMODULE
wait $configure_pid
rc=$?
[ $rc -eq 0 ] || tail -n 20 "$LOG"/config-*.log
objext_result $rc "configure the pristine and the patched tree for sparse and W=1"

# A .c file that another one of its directory #includes (a KUnit suite
# that needs the file's static functions) has no object of its own: it is
# checked in the object of the file that includes it, which must be one
# we add or touch too.
included_by() {
	grep -l "^#include \"$(basename "$1")\"" "$TREE/$(dirname "$1")"/*.c 2>/dev/null |
		sed "s|^$TREE/||"
}
objs=()
for f in "${new_src[@]}" "${touched[@]}"; do
	case "$f" in
	tools/*) ;;
	*.c)
		host=$(included_by "$f")
		if [ -n "$host" ]; then
			printf '%s\n' "${new_src[@]}" "${touched[@]}" | grep -qx "$host"
			objext_result $? "$f is checked as part of $host"
		else
			objs+=("${f%.c}.o")
		fi
		;;
	esac
done

# Every .c file we add or touch was compiled into the test kernel (its
# .cmd file exists): a file the config leaves out would otherwise be
# "checked" by a build that never sees it.
for obj in "${objs[@]}"; do
	cmd=$OUT/$(dirname "$obj")/.$(basename "$obj").cmd
	[ -f "$cmd" ]
	objext_result $? "${obj%.o}.c is compiled into the test kernel"
done

# The two sides of the comparison: the patched tree and the pristine one.
declare -A side_tree=([new]=$TREE [base]=$PRISTINE) side_out=([new]=$OUT_NEW [base]=$OUT_BASE)

# build_objects SIDE: rebuild every object of $objs in SIDE's tree and
# directory with sparse and W=1 at once, in one make (one kbuild start-up
# per tree, not one per object and mode), on one core; the log, with
# kbuild's "CC"/"CHECK" lines, goes to $LOG/objects-SIDE.log.  -k: one
# object that fails does not hide the others' warnings.
build_objects() {
	local out=${side_out[$1]}
	(cd "$out" && rm -f "${objs[@]}")
	(cd "${side_tree[$1]}" && make -k -j1 "${OBJEXT_KBUILD_CC[@]}" O="$out" C=2 W=1 "${objs[@]}") \
		>"$LOG/objects-$1.log" 2>&1
}

# warnings SIDE OBJ KIND: the normalized warnings of OBJ in SIDE's
# build_objects log; fails if kbuild did not run KIND on OBJ there.  -j1
# runs each object's commands in order: the compiler (W=1's warnings,
# objtool's) after its "CC obj" line, then sparse and W=1's kernel-doc
# pass after its "CHECK src" line.  KIND is CC or CHECK.
warnings() {
	awk -v obj="$2" -v src="${2%.o}.c" -v kind="$3" '
		/^  [A-Z][A-Z0-9_]* +[^ ]+$/ {
			mine = ($1 == "CC" && $2 == obj) ||
				($1 == "CHECK" && ($2 == src || substr($2, length($2) - length(src)) == "/" src))
			cur = mine ? $1 : ""
			seen = seen || cur == kind
			next
		}
		cur == kind && /warning|error/
		END { exit !seen }' "$LOG/objects-$1.log" | normalize
}

# Both trees at once, one core each.  An object the make did not produce,
# or did not compile or run sparse on, fails the check whatever its log
# says.
build_objects new &
new_pid=$!
build_objects base
wait $new_pid
for obj in "${objs[@]}"; do
	src=${obj%.o}.c
	sides=(new)
	[ -f "$PRISTINE/$src" ] && sides+=(base)
	for kind in CHECK CC; do
		mode=C=2
		[ "$kind" = CC ] && mode=W=1
		missing=
		for side in "${sides[@]}"; do
			out=${side_out[$side]}
			if [ ! -f "$out/$obj" ] ||
				! warnings "$side" "$obj" "$kind" >"$LOG/$side.txt"; then
				missing+=" ${out#"$REPO"/}"
				grep -A5 -F "${obj%.o}" "$LOG/objects-$side.log" | head -n 20
			fi
		done
		if [ -n "$missing" ]; then
			objext_result 1 "$mode $obj: built and checked in$missing"
		elif [ ${#sides[@]} -eq 2 ]; then
			objext_expect_silence "$(comm -13 "$LOG/base.txt" "$LOG/new.txt")" \
				"$mode $obj: nothing new"
		else
			objext_expect_silence "$(cat "$LOG/new.txt")" "$mode $obj: clean"
		fi
	done
done

wait "$tiny_pid"
rc=$(cat "$LOG/tiny.rc" 2>/dev/null || echo 1)
[ "$rc" -eq 0 ] || tail -n 20 "$LOG/tiny.log"
printf -v off '%s, ' "${tiny_off[@]}"
objext_result "$rc" "i386 allnoconfig + EXPERT, -Os (no ${off%, }) builds vmlinux"

objext_summary
