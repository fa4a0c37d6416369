#!/bin/bash
# dev/bisect-check.sh - build every commit of the series in every config
# (make bisect-check; not part of make test: hours on two cores).
#
# Each commit of base..objext is checked out in turn in a worktree of
# build/linux (build/bisect/src), and built in each config, each in an
# output directory of its own (build/bisect/<config>), so that every
# build after the first is incremental (and ccache helps across runs):
#
#   vm            the test kernel's fragments (build-kernel.sh): bzImage
#   defconfig     x86_64 defconfig: bzImage
#   allnoconfig   x86_64 allnoconfig (ARCH=x86_64: kbuild's default ARCH,
#                 x86, lets allnoconfig turn 64BIT off): vmlinux
#   i386          ARCH=i386 i386_defconfig: bzImage
#   um            ARCH=um defconfig: linux
#   no-fsnotify, no-bpf, no-security, no-filelock, no-fscrypt, no-fsverity:
#                 x86_64 allnoconfig plus every user of an inode slot and
#                 the KUnit suites (FEATURE_BASE below: ext4 with
#                 encryption and verity, tmpfs, inotify, fanotify,
#                 dnotify, audit, the BPF LSM, file locking), then the
#                 feature switched off (and what selects it); the
#                 .config is checked to have it off: vmlinux.  Far
#                 smaller than defconfig, so a column takes minutes per
#                 commit, and it compiles every file the series touches
#                 that the feature does not own.
#
# Results go to dev/bisect-results.tsv (commit, config, ok/error/config
# error, seconds, subject, date) as they come, and a commit x config
# table to build/bisect/table.md at the end; logs of failures to
# build/bisect/logs.  The results file is in the repository, not under
# build/, so that a run on the next machine goes on from what the last
# one found: commit it with the table.  A commit that it has as ok in a
# config is not built there again (make tree's commits are reproducible,
# and a commit id names its tree), unless FORCE=1; so an interrupted run,
# or one after a change to a later patch, goes on where it is needed.
#
# Usage: dev/bisect-check.sh [--table] [CONFIG...]
#        CONFIG: default all of the above.  --table builds nothing and
#        writes the table of what the results file has for the chain.
#        BISECT_COMMITS="c1 c2 ..." limits the commits (default: all).
set -uo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export CCACHE_BASEDIR=$OBJEXT_REPO CCACHE_NOHASHDIR=true

ALL_CONFIGS=(vm defconfig allnoconfig i386 um no-fsnotify no-bpf no-security
	no-filelock no-fscrypt no-fsverity)
table_only=false
[ "${1:-}" = --table ] && { table_only=true; shift; }
CONFIGS=("$@")
((${#CONFIGS[@]})) || CONFIGS=("${ALL_CONFIGS[@]}")
TOP=$OBJEXT_BUILD/bisect
SRC=$TOP/src
RESULTS=$OBJEXT_REPO/dev/bisect-results.tsv
MAKE=(make -s -j2 "${OBJEXT_KBUILD_CC[@]}")
mkdir -p "$TOP/logs"

# What the no-* configs add to allnoconfig: every user of an inode slot
# and the KUnit suites.  Each then turns off the symbols it names.
FEATURE_BASE="EXPERT MULTIUSER BLOCK EXT4_FS SHMEM TMPFS NET INET UNIX
	FSNOTIFY DNOTIFY INOTIFY_USER FANOTIFY AUDIT SECURITY FTRACE KPROBES
	KPROBE_EVENTS BPF_SYSCALL BPF_JIT BPF_EVENTS BPF_LSM FILE_LOCKING
	FS_ENCRYPTION FS_VERITY KUNIT RUNTIME_TESTING_MENU OBJEXT_KUNIT_TEST
	BPF_INODE_STORAGE_KUNIT_TEST"
declare -A FEATURE_OFF=(
	[no-fsnotify]="FSNOTIFY DNOTIFY INOTIFY_USER FANOTIFY AUDIT"
	[no-bpf]="BPF_SYSCALL" [no-security]="SECURITY"
	[no-filelock]="FILE_LOCKING" [no-fscrypt]="FS_ENCRYPTION"
	[no-fsverity]="FS_VERITY"
)

# configure NAME OUT: write OUT/.config; fails if the config cannot be had.
configure() {
	local name=$1 out=$2 s
	case $name in
	vm) "$OBJEXT_REPO/tools/testing/objext/vm/build-kernel.sh" --src "$SRC" \
		--out "$out" --config-only ;;
	defconfig) "${MAKE[@]}" -C "$SRC" O="$out" defconfig ;;
	allnoconfig) "${MAKE[@]}" -C "$SRC" O="$out" ARCH=x86_64 allnoconfig ;;
	i386) "${MAKE[@]}" -C "$SRC" O="$out" ARCH=i386 i386_defconfig ;;
	um) "${MAKE[@]}" -C "$SRC" O="$out" ARCH=um defconfig ;;
	no-*)
		"${MAKE[@]}" -C "$SRC" O="$out" ARCH=x86_64 allnoconfig || return
		for s in $FEATURE_BASE; do
			"$SRC/scripts/config" --file "$out/.config" -e "$s"
		done
		"${MAKE[@]}" -C "$SRC" O="$out" ARCH=x86_64 olddefconfig || return
		# (The KUnit suites' symbols come with their patches.)
		for s in $FEATURE_BASE; do
			grep -q "^CONFIG_$s=y" "$out/.config" ||
				! grep -rqx --include='Kconfig*' "config $s" "$SRC" ||
				{ echo "CONFIG_$s did not stick"; return 1; }
		done
		for s in ${FEATURE_OFF[$name]}; do
			"$SRC/scripts/config" --file "$out/.config" -d "$s"
		done
		"${MAKE[@]}" -C "$SRC" O="$out" ARCH=x86_64 olddefconfig || return
		s=${FEATURE_OFF[$name]%% *}
		! grep -q "^CONFIG_$s=" "$out/.config" || {
			echo "CONFIG_$s is still on"
			return 1
		}
		;;
	*) echo "unknown config $name"; return 1 ;;
	esac
	case $name in
	defconfig | allnoconfig | no-*)
		grep -q '^CONFIG_64BIT=y' "$out/.config" || {
			echo "$name is not 64-bit"
			return 1
		} ;;
	esac
}

build() {
	local name=$1 out=$2
	case $name in
	vm) "$OBJEXT_REPO/tools/testing/objext/vm/build-kernel.sh" --src "$SRC" --out "$out" ;;
	allnoconfig | no-*) "${MAKE[@]}" -C "$SRC" O="$out" ARCH=x86_64 vmlinux ;;
	i386) "${MAKE[@]}" -C "$SRC" O="$out" ARCH=i386 bzImage ;;
	um) "${MAKE[@]}" -C "$SRC" O="$out" ARCH=um linux ;;
	*) "${MAKE[@]}" -C "$SRC" O="$out" bzImage ;;
	esac
}

# result COMMIT CONFIG: the last verdict the results file has, "ok (N s)".
result() {
	[ -f "$RESULTS" ] || return 0
	awk -F'\t' -v c="$(tgit rev-parse --short "$1")" -v n="$2" \
		'$1 == c && $2 == n { v = $3 " (" $4 " s)" } END { print v }' "$RESULTS"
}

$table_only || objext_worktree "$SRC" || die "cannot set up the worktree $SRC"
read -ra commits <<<"${BISECT_COMMITS:-$(tgit rev-list --reverse base..objext | tr '\n' ' ')}"
t_start=$SECONDS
commits_to_build=("${commits[@]}")
if $table_only; then
	commits_to_build=()
fi
for c in "${commits_to_build[@]}"; do
	todo=()
	for name in "${CONFIGS[@]}"; do
		if is_true "${FORCE:-}" || [[ $(result "$c" "$name") != "ok "* ]]; then
			todo+=("$name")
		fi
	done
	if ((${#todo[@]} == 0)); then
		info "$(tgit rev-parse --short "$c"): built ok before in ${CONFIGS[*]}"
		continue
	fi
	git -C "$SRC" checkout -q --detach "$c" || die "cannot check out $c"
	subject=$(git -C "$SRC" log -1 --format=%s)
	for name in "${todo[@]}"; do
		out=$TOP/$name log=$TOP/logs/$(git -C "$SRC" rev-parse --short HEAD)-$name.log
		t0=$SECONDS
		mkdir -p "$out"
		if ! configure "$name" "$out" >"$log" 2>&1; then
			verdict="config error"
		elif build "$name" "$out" >>"$log" 2>&1; then
			verdict=ok
			rm -f -- "$log"
		else
			verdict=error
		fi
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(git -C "$SRC" rev-parse --short HEAD)" \
			"$name" "$verdict" $((SECONDS - t0)) "$subject" \
			"$(date -u +%F)" >>"$RESULTS"
		info "$(git -C "$SRC" rev-parse --short HEAD) $name: $verdict ($((SECONDS - t0)) s) $subject"
	done
done

# The table: the last verdict per commit and config, with its seconds.
{
	printf '| commit |'
	printf ' %s |' "${CONFIGS[@]}"
	printf '\n|---|'
	printf -- '---|%.0s' "${CONFIGS[@]}"
	printf '\n'
	n=0
	for c in "${commits[@]}"; do
		short=$(tgit rev-parse --short "$c")
		printf '| %d %s %s |' $((++n)) "$short" "$(tgit log -1 --format=%s "$c")"
		for name in "${CONFIGS[@]}"; do
			v=$(result "$c" "$name")
			printf ' %s |' "${v:-not run}"
		done
		printf '\n'
	done
	$table_only ||
		printf '\nWall time: %d min %d s\n' $(((SECONDS - t_start) / 60)) $(((SECONDS - t_start) % 60))
} >"$TOP/table.md"
cat "$TOP/table.md"
! grep -q -e '| error' -e 'config error' "$TOP/table.md"
