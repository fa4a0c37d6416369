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
#   coccinelle  generated patches equal spatch's output on the pristine tree;
#               report mode finds no direct use left in the tree and finds
#               exactly the marked uses in a test input
#   tiny        allnoconfig with EXPERT and BPF_SYSCALL (BPF inode storage;
#               no fsnotify, LSM, file locking, fscrypt or fsverity) builds
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
	# inputs of the Coccinelle report test, wrong on purpose
	tools/testing/objext/cocci/*) ;;
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
	out=$(cd "$TREE" && scripts/checkpatch.pl "${opts[@]}" "$f" 2>&1)
	expect_silence "$out" "checkpatch ${opts[*]} $f"
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

# --- Coccinelle -----------------------------------------------------------------
# Generated patches are byte for byte what their semantic patch makes of
# the pristine tree (dev/cocci-patch.sh embeds and compares).
out=$("$REPO/dev/cocci-patch.sh" check 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
result $rc "generated patches are what spatch makes of the pristine tree"

# Report mode, as `make coccicheck MODE=report` runs it.
spatch_report() {
	spatch -D report --no-show-diff --very-quiet --no-includes --include-headers \
		--cocci-file "$@" 2>&1 | grep -v ' files\? match$'
}
for cocci in "$REPO"/scripts/coccinelle/api/objext/*.cocci; do
	name=$(basename "$cocci" .cocci)
	# (the report test's own input, below, is in the tree too)
	out=$(cd "$TREE" && spatch_report "$cocci" --dir . |
		grep -v '^\./tools/testing/objext/cocci/')
	expect_silence "$out" "$name.cocci: no direct use left in the tree"

	# An out-of-tree user: exactly the lines marked /* report */ are found.
	user=$REPO/tools/testing/objext/cocci/${name}_user.c
	if [ ! -f "$user" ]; then
		result 1 "$name.cocci: report test input ${user#"$REPO"/} exists"
		continue
	fi
	want=$(grep -n '/\* report \*/' "$user" | cut -d: -f1 | sort -n | tr '\n' ' ')
	got=$(cd "$REPO" && spatch_report "$cocci" "${user#"$REPO"/}" |
		sed -n 's/^[^:]*:\([0-9]*\):[0-9-]*: WARNING: .*/\1/p' | sort -n | tr '\n' ' ')
	echo "# $name.cocci report: lines ${got:-none}, marked ${want:-none}"
	[ -n "$want" ] && [ "$got" = "$want" ]
	result $? "$name.cocci reports exactly the marked uses in ${user#"$REPO"/}"

	# Patch mode on the same input gives the reviewed expected file.
	expected=${user%.c}.expected.c
	(cd "$REPO" && spatch -D patch --very-quiet --no-includes --include-headers \
		--cocci-file "$cocci" "${user#"$REPO"/}" -o "$LOG/$name.patched.c") \
		>/dev/null 2>&1
	out=$(diff -u "$expected" "$LOG/$name.patched.c" 2>&1)
	expect_silence "$out" "$name.cocci patch mode turns ${user##*/} into ${expected##*/}"
done

# --- configurations without the users -----------------------------------------
# tiny_build NAME FRAGMENT PATTERN [WANT]: allnoconfig plus the config
# lines in FRAGMENT builds vmlinux; no line of its .config matches
# PATTERN, and one matches WANT if given.  On one core: it runs in the
# background while sparse and W=1 below keep the other core busy.
tiny_build() {
	local out=$REPO/build/out-check-$1
	mkdir -p "$out"
	printf '%s\n' "$2" >"$out/objext-allno.config"
	(cd "$TREE" && "${MAKE[@]}" -j1 O="$out" \
		KCONFIG_ALLCONFIG="$out/objext-allno.config" allnoconfig &&
		! grep -E "$3" "$out/.config" &&
		grep -E "${4:-.}" "$out/.config" >/dev/null &&
		"${MAKE[@]}" -j1 O="$out" vmlinux) >"$LOG/$1.log" 2>&1
}
# allnoconfig with EXPERT has neither fsnotify, LSMs, file locking,
# fscrypt nor fsverity, so every !CONFIG_ stub of theirs must build; BPF
# inode storage is the one user left beside character device inodes.  The
# !BPF_SYSCALL stubs are built by the KUnit step (UML, no BPF), so one
# kernel covers both.
tiny_build tiny "$(printf 'CONFIG_EXPERT=y\nCONFIG_BPF_SYSCALL=y')" \
	'^CONFIG_(FSNOTIFY|SECURITY|BPF_LSM|FILE_LOCKING|FS_ENCRYPTION|FS_VERITY)=' \
	'^CONFIG_BPF_SYSCALL=y' &
tiny_pid=$!

# --- sparse and W=1 -------------------------------------------------------------
configure() {
	"$BUILD_KERNEL" --src "$1" --out "$2" --config-only \
		--fragments "vm.config debug.config check.config" >"$LOG/config-$3.log" 2>&1 &&
		(cd "$1" && "${MAKE[@]}" O="$2" prepare) >>"$LOG/config-$3.log" 2>&1
}
configure "$PRISTINE" "$OUT_BASE" base &
base_pid=$!
configure "$TREE" "$OUT" new
result $? "configure patched tree for sparse and W=1"
wait $base_pid
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
		# Both trees at once: one core each.
		warnings "$TREE" "$OUT" "$mode" "$obj" >"$LOG/new.txt" &
		new_pid=$!
		if [ -f "$PRISTINE/$src" ]; then
			warnings "$PRISTINE" "$OUT_BASE" "$mode" "$obj" >"$LOG/base.txt"
			wait $new_pid
			added=$(comm -13 "$LOG/base.txt" "$LOG/new.txt")
			what="$mode $obj: nothing new"
		else
			wait $new_pid
			added=$(cat "$LOG/new.txt")
			what="$mode $obj: clean"
		fi
		expect_silence "$added" "$what"
	done
done

wait $tiny_pid
rc=$?
[ $rc -eq 0 ] || tail -n 20 "$LOG/tiny.log"
result $rc "allnoconfig + EXPERT + BPF_SYSCALL (no FSNOTIFY, SECURITY, BPF_LSM, FILE_LOCKING, FS_ENCRYPTION, FS_VERITY) builds vmlinux"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
