# dev/lib.sh - helpers shared by the objext tree tooling (assemble-tree.sh,
# export-tree.sh, pristine-tree.sh, pahole-inode.sh).  Sourced, not executed;
# the sourcing script has already done `set -euo pipefail`.
#
# Model (see also the header of dev/assemble-tree.sh):
#
#   build/linux            git repository, branch `objext`
#     tag base             pristine Debian linux-source tarball (fixed ids)
#     objext               base + one commit per patches/series entry, each
#                          with the new files patches/files assigns to it
#   refs/objext/assembled  last chain written by assemble-tree.sh
#   refs/objext/exported   last HEAD copied back by export-tree.sh
#
# Every commit the tooling creates uses a fixed identity and fixed dates, so
# the same repo state always gives the same commit ids.

# shellcheck shell=bash disable=SC2034 # (variables used by the sourcing scripts)

# Git variables inherited from a hook or a parent git would redirect every
# command below to the wrong repository.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_PREFIX
unset OBJEXT_AUTHOR_NAME OBJEXT_AUTHOR_EMAIL OBJEXT_AUTHOR_DATE

OBJEXT_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OBJEXT_BUILD=$(realpath -m -- "${OBJEXT_BUILD:-$OBJEXT_REPO/build}")
OBJEXT_TREE=$(realpath -m -- "${OBJEXT_TREE:-$OBJEXT_BUILD/linux}")
OBJEXT_PRISTINE=$(realpath -m -- "${OBJEXT_PRISTINE:-$OBJEXT_BUILD/pristine}")
OBJEXT_PATCHES=$OBJEXT_REPO/patches
OBJEXT_PROG=${OBJEXT_PROG:-$(basename "$0")}

# Kernel top-level directories.  Repo files below these are overlay files
# (new files added to the kernel); everything else in the repo is ours.
OBJEXT_TOPDIRS=(arch block certs crypto Documentation drivers fs include init
	io_uring ipc kernel lib mm net rust samples scripts security sound
	tools usr virt)

# Identity and dates of every commit the tooling creates.
OBJEXT_IDENT_NAME="objext tree"
OBJEXT_IDENT_EMAIL="objext@localhost"
OBJEXT_IDENT_DATE="@946684800 +0000" # 2000-01-01T00:00:00Z

# Compilers of every kernel build we run: ccache for the kernel's objects
# and also for the host programs that each new output directory builds
# before them (fixdep, kconfig, objtool, resolve_btfids and its libbpf),
# which are the same in every directory.  Kconfig records CC, so it must be
# the same string for configuration and build.
OBJEXT_KBUILD_CC=(CC="ccache gcc" HOSTCC="ccache gcc" HOSTCXX="ccache g++")
# ccache depend mode: on a miss, compile straight away instead of running
# the preprocessor first to hash its output (the kernel passes
# -Wp,-MMD,file, which depend mode uses to learn the headers).  A third
# less CPU for a cold build (i386 allnoconfig, 2026-12-05: 349 s against
# 525 s); the cost is no preprocessor-mode hits after a config change.
# CCACHE_NODEPEND=1 turns it off (ccache 4.7 refuses CCACHE_DEPEND=0).
[[ -n ${CCACHE_NODEPEND:-} ]] || export CCACHE_DEPEND=1

# die LINE...: first line prefixed with "prog: error:", the others printed
# as continuation lines (arguments may contain newlines).
die() {
	local first=1 line
	while IFS= read -r line; do
		if ((first)); then echo "$OBJEXT_PROG: error: $line" >&2; else echo "  $line" >&2; fi
		first=0
	done < <(printf '%s\n' "$@")
	exit 1
}
warn() { echo "$OBJEXT_PROG: warning: $*" >&2; }
info() { echo "$OBJEXT_PROG: $*"; }

# Truthiness of FORCE-style variables: unset, empty, 0, no, false = off.
is_true() {
	case "${1:-}" in "" | 0 | no | false | n | off) return 1 ;; *) return 0 ;; esac
}

# objext_worktree DIR: make DIR a worktree of build/linux (which has the
# base's objects already), detached at tag base, with nothing of an
# earlier use left (an interrupted `git am`, build products).
objext_worktree() {
	if [ -d "$1" ] && git -C "$1" rev-parse -q --verify HEAD >/dev/null 2>&1; then
		git -C "$1" am --abort >/dev/null 2>&1
		git -C "$1" checkout -q -f --detach base && git -C "$1" clean -q -fdx
	else
		rm -rf -- "$1"
		git -C "$OBJEXT_TREE" worktree prune &&
			git -C "$OBJEXT_TREE" worktree add -q --detach "$1" base
	fi
}

# --- test results ----------------------------------------------------------------
# The check scripts (check.sh, series-check.sh) print one "ok - NAME" or
# "not ok - NAME" line per check and end with "N passed, N failed".
objext_pass=0 objext_fail=0

# objext_result RC NAME: the check NAME passed if RC is 0.
objext_result() {
	if [ "$1" -eq 0 ]; then
		echo "ok - $2"
		objext_pass=$((objext_pass + 1))
	else
		echo "not ok - $2"
		objext_fail=$((objext_fail + 1))
	fi
}

# objext_expect_silence OUTPUT NAME: the check passed if its tool said
# nothing; what it said is shown.
objext_expect_silence() {
	[ -z "$1" ] || echo "$1"
	objext_result "$([ -z "$1" ] && echo 0 || echo 1)" "$2"
}

# objext_summary: the closing line; fails if a check did.
objext_summary() {
	echo "$objext_pass passed, $objext_fail failed"
	[ "$objext_fail" -eq 0 ]
}

# objext_cc_cmd OUT OBJ: the command kbuild compiled OBJ (fs/inode.o, say)
# with in the build directory OUT, without its dependency file, output
# and source: run it there, with the flags and file to compile appended.
# Empty if OUT has not built OBJ.
objext_cc_cmd() {
	local obj=$2
	sed -n -e "s|^savedcmd_$obj := \(.*\) -c -o $obj [^ ]*/${obj%.o}\.c .*|\1|" \
		-e 's| -Wp,-MMD,[^ ]*||p' "$1/$(dirname "$obj")/.$(basename "$obj").cmd" 2>/dev/null
}

# objext_gpl_only TREE SYMBOL...: the SYMBOLs that TREE exports to GPL
# modules only, one per line, as modpost would refuse them to others.
objext_gpl_only() {
	local tree=$1 re
	shift
	[ $# -gt 0 ] || return 0
	re=$(printf '%s|' "$@")
	grep -rhoE --include='*.[chS]' --exclude-dir=.git --exclude-dir=tools \
		--exclude-dir=Documentation "EXPORT_SYMBOL(_NS)?_GPL\\((${re%|})[,)]" "$tree" |
		sed -E 's/.*\(([^,)]*).*/\1/' | sort -u
}

# --- temporary files ---------------------------------------------------------
# One private temp dir per process, removed on exit.  Lives under build/ (same
# filesystem as the tree, no surprises with a small /tmp).
objext_tmp=""
objext_cleanup() { if [[ -n $objext_tmp ]]; then rm -rf -- "$objext_tmp"; fi; }
trap objext_cleanup EXIT
objext_tmpdir() {
	if [[ -z $objext_tmp ]]; then
		mkdir -p -- "$OBJEXT_BUILD"
		objext_tmp=$(mktemp -d "$OBJEXT_BUILD/.tmp.XXXXXX")
	fi
}

# --- locking -----------------------------------------------------------------
# Serialise assemble/export/pristine: they all rewrite build/linux state.
objext_lock() {
	mkdir -p -- "$OBJEXT_BUILD"
	exec 9>"$OBJEXT_BUILD/.objext-tree.lock"
	if ! flock -n 9; then
		info "waiting for another tree operation to finish (lock $OBJEXT_BUILD/.objext-tree.lock)"
		flock 9
	fi
}

# --- base version ------------------------------------------------------------
# Parse dev/base-version (KEY=value lines) without eval'ing it.
objext_load_base_version() {
	local file=$OBJEXT_REPO/dev/base-version key val
	[[ -r $file ]] || die "missing $file"
	while IFS= read -r line || [[ -n $line ]]; do
		[[ $line =~ ^[[:space:]]*(#|$) ]] && continue
		[[ $line =~ ^([A-Z_]+)=([^[:space:]]+)$ ]] || die "$file: cannot parse line: $line"
		key=${BASH_REMATCH[1]} val=${BASH_REMATCH[2]}
		case $key in
		BASE_DEB_PACKAGE | BASE_DEB_IMAGE_PACKAGE | BASE_DEB_VERSION | \
			BASE_KERNEL_VERSION)
			printf -v "$key" '%s' "$val" ;;
		*) die "$file: unknown key $key" ;;
		esac
	done <"$file"
	: "${BASE_DEB_PACKAGE:?missing in dev/base-version}"
	: "${BASE_DEB_IMAGE_PACKAGE:?missing in dev/base-version}"
	: "${BASE_DEB_VERSION:?missing in dev/base-version}"
	: "${BASE_KERNEL_VERSION:?missing in dev/base-version}"
	OBJEXT_TARBALL=${LINUX_TARBALL:-/usr/src/$BASE_DEB_PACKAGE.tar.xz}
	OBJEXT_BASE_DESC="Linux $BASE_KERNEL_VERSION (Debian $BASE_DEB_PACKAGE $BASE_DEB_VERSION)"
}

# objext_base_image_file NAME: the path of boot/NAME-RELEASE (vmlinuz,
# config, ...) of Debian's kernel image package of the base version,
# unpacked under build/debs (deb-tool.sh) on first use.
objext_base_image_file() {
	objext_load_base_version
	"$OBJEXT_REPO/tools/testing/objext/vm/deb-tool.sh" \
		"$BASE_DEB_IMAGE_PACKAGE=$BASE_DEB_VERSION" \
		"boot/$1-${BASE_DEB_IMAGE_PACKAGE#linux-image-}" "$OBJEXT_BUILD/debs"
}

# Installed Debian version of package $1 (empty if not installed).
objext_deb_version() {
	dpkg-query -W -f='${db:Status-Abbrev}${Version}' "$1" 2>/dev/null |
		sed -n 's/^[a-z]i[ a-zA-Z]\{0,1\}//p' || true
}

# Refuse unless package $1 is installed at exactly BASE_DEB_VERSION.
objext_check_deb() {
	local have
	have=$(objext_deb_version "$1")
	[[ $have == "$BASE_DEB_VERSION" ]] ||
		die "$1 is ${have:-not installed}${have:+ (installed version)}, but dev/base-version pins" \
			"$1 $BASE_DEB_VERSION (Linux $BASE_KERNEL_VERSION)." \
			"Run 'make deps' (apt-get install $1=$BASE_DEB_VERSION) or update dev/base-version."
}

# Kernel version "V.P.S[EXTRA]" from a top-level kernel Makefile on stdin
# (reads all of it: an early exit would SIGPIPE the writer under pipefail).
objext_makefile_version() {
	awk -F'[[:space:]]*=[[:space:]]*' '
		$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
		$1 == "SUBLEVEL" { s = $2 } $1 == "EXTRAVERSION" { e = $2 }
		END { if (v != "") print v "." p "." s e }'
}

# Refuse a kernel Makefile (on stdin) whose version is not BASE_KERNEL_VERSION.
# $1 describes where it came from, for the message.
objext_check_makefile() {
	local have
	have=$(objext_makefile_version)
	[[ $have == "$BASE_KERNEL_VERSION" ]] ||
		die "$1 is Linux ${have:-<unknown>}, but dev/base-version pins Linux $BASE_KERNEL_VERSION" \
			"(Debian $BASE_DEB_PACKAGE $BASE_DEB_VERSION); refusing to use it."
}

# --- git ---------------------------------------------------------------------
# git on build/linux with a neutral configuration (the user's ~/.gitconfig
# must not change ids, patch text or line endings) and the fixed identity
# for anything that creates commits.
# ngit: that environment, current directory; tgit: same, run in build/linux.
# OBJEXT_AUTHOR_{NAME,EMAIL,DATE} override the author (patch commits only).
ngit() {
	GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 \
		GIT_AUTHOR_NAME=${OBJEXT_AUTHOR_NAME:-$OBJEXT_IDENT_NAME} \
		GIT_AUTHOR_EMAIL=${OBJEXT_AUTHOR_EMAIL:-$OBJEXT_IDENT_EMAIL} \
		GIT_AUTHOR_DATE=${OBJEXT_AUTHOR_DATE:-$OBJEXT_IDENT_DATE} \
		GIT_COMMITTER_NAME=$OBJEXT_IDENT_NAME GIT_COMMITTER_EMAIL=$OBJEXT_IDENT_EMAIL \
		GIT_COMMITTER_DATE=$OBJEXT_IDENT_DATE \
		git -c core.autocrlf=false -c core.safecrlf=false \
		-c gc.auto=0 -c advice.detachedHead=false "$@"
}
tgit() { ngit -C "$OBJEXT_TREE" "$@"; }

# git on the objext repo itself (normal user config: its ignore rules are the
# ones the developer sees in `git status`).
# Never with build/linux's private index (objext_build_chain exports one).
rgit() { env -u GIT_INDEX_FILE git -C "$OBJEXT_REPO" "$@"; }

# True if build/linux looks like an assembled tree.
objext_tree_exists() {
	[[ -d $OBJEXT_TREE/.git ]] && tgit rev-parse -q --verify 'refs/tags/base^{commit}' >/dev/null
}

# Refuse a build/linux whose base is not the pinned version (dev/base-version
# bumped since the tree was extracted).
objext_check_tree_base() {
	local msg
	msg=$(tgit log -1 --format=%B base)
	if [[ $msg != *"$OBJEXT_BASE_DESC"* ]]; then
		die "$OBJEXT_TREE was extracted from a different base:" \
			"  $(head -n1 <<<"$msg")" \
			"but dev/base-version pins $OBJEXT_BASE_DESC." \
			"Run 'make export' if needed, then 'rm -rf $OBJEXT_TREE' and 'make tree'."
	fi
	tgit show base:Makefile | objext_check_makefile "tag base of $OBJEXT_TREE"
}

# Debian's linux-source tarball appends "/*" + "!/debian/" to the top-level
# .gitignore, which hides every new file from `git status` (and from the
# untracked-files check of `make export`).  In the build/linux work tree
# those two rules are commented out, and the file is marked assume-unchanged
# so git does not report (or commit) that local edit.  Commits and the base
# keep the tarball's file.
objext_fix_gitignore() {
	local f=$OBJEXT_TREE/.gitignore
	[[ -f $f ]] || return 0
	if grep -qx -e '/\*' -e '!/debian/' "$f"; then
		sed -i -e 's|^/\*$|# /*         (disabled in build/linux by dev/assemble-tree.sh)|' \
			-e 's|^!/debian/$|# !/debian/  (disabled in build/linux by dev/assemble-tree.sh)|' "$f"
	fi
	tgit update-index --assume-unchanged -- .gitignore
}

# Recipe (lines on stdout) to carry build/linux commits made on top of
# commit $1 over to a freshly assembled tree.
objext_carry_hint() {
	local from=$1 head
	head=$(tgit rev-parse --short HEAD)
	cat <<-EOF
		To keep your commits and take the repo's changes:
		  git -C $OBJEXT_TREE branch -f objext-mywork $head
		  FORCE=1 make tree
		  git -C $OBJEXT_TREE cherry-pick $(tgit rev-parse --short "$from")..objext-mywork
		  make export
	EOF
}

# Refuse unless build/linux has branch objext checked out and no rebase,
# merge or cherry-pick in progress.
objext_check_branch() {
	local branch d
	branch=$(tgit symbolic-ref -q --short HEAD || true)
	[[ $branch == objext ]] ||
		die "$OBJEXT_TREE has ${branch:-a detached HEAD} checked out, not branch objext." \
			"Run: git -C $OBJEXT_TREE checkout objext"
	for d in rebase-merge rebase-apply MERGE_HEAD CHERRY_PICK_HEAD; do
		[[ ! -e $OBJEXT_TREE/.git/$d ]] ||
			die "$OBJEXT_TREE: a git operation is in progress (.git/$d); finish or abort it first."
	done
}

# Resolve a ref to a commit id, empty if it does not exist.
objext_ref() { tgit rev-parse -q --verify "$1^{commit}" 2>/dev/null || true; }

# --- overlay and series in the repo ------------------------------------------
# NUL-separated list of overlay files: tracked or untracked-but-not-ignored
# repo files under the kernel top-level dirs that exist in the work tree.
objext_overlay_files() {
	local p
	rgit ls-files -z --cached --others --exclude-standard -- "${OBJEXT_TOPDIRS[@]}" |
		sort -zu |
		while IFS= read -r -d '' p; do
			if [[ -f $OBJEXT_REPO/$p || -L $OBJEXT_REPO/$p ]]; then printf '%s\0' "$p"; fi
		done
}

# Patch file names from patches/series, one per line (quilt syntax: '#'
# comments, blank lines, optional -p1 after the name).
objext_series() {
	local series=$OBJEXT_PATCHES/series line name opt rest
	[[ -f $series ]] || return 0
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line%%#*}
		read -r name opt rest <<<"$line" || true
		[[ -n ${name:-} ]] || continue
		if [[ -n ${opt:-} && $opt != -p1 ]] || [[ -n ${rest:-} ]]; then
			die "patches/series: unsupported options for $name: $opt ${rest:-} (only -p1)"
		fi
		[[ $name != */* && $name != .* ]] || die "patches/series: $name: patches must live directly in patches/"
		[[ -f $OBJEXT_PATCHES/$name ]] || die "patches/series lists $name, but patches/$name does not exist"
		printf '%s\n' "$name"
	done <"$series"
}

# Commit the diff of patch file $1 (already applied to $GIT_INDEX_FILE, whose
# tree is $2) on top of $3; prints the new commit id.  Author, date, subject
# and body come from the patch's mail headers, like `git am`; plain diffs
# without headers get the fixed identity and the file name as subject.
objext_commit_patch() {
	local pfile=$1 tree=$2 parent=$3 name line author="" email="" subject="" date="" key val
	name=$(basename "$pfile")
	: >"$objext_tmp/msg"
	if head -n1 "$pfile" | grep -Eq '^(From [0-9a-f]{40} |From: )'; then
		tgit mailinfo -u "$objext_tmp/msg" "$objext_tmp/mailpatch" <"$pfile" >"$objext_tmp/info"
		while IFS= read -r line; do
			key=${line%%: *} val=${line#*: }
			case $key in
			Author) author=$val ;; Email) email=$val ;;
			Subject) subject=$val ;; Date) date=$val ;;
			esac
		done <"$objext_tmp/info"
	fi
	if [[ -z $subject ]]; then
		subject=${name%.patch}
		subject=${subject#[0-9][0-9][0-9][0-9]-}
	fi
	[[ -n $author ]] || author=${email:-$OBJEXT_IDENT_NAME}
	{
		printf '%s\n\n' "$subject"
		cat "$objext_tmp/msg"
	} | ngit stripspace >"$objext_tmp/fullmsg"
	OBJEXT_AUTHOR_NAME=$author OBJEXT_AUTHOR_EMAIL=${email:-$OBJEXT_IDENT_EMAIL} \
		OBJEXT_AUTHOR_DATE=${date:-$OBJEXT_IDENT_DATE} \
		tgit commit-tree "$tree" -p "$parent" -F "$objext_tmp/fullmsg"
}

# patches/files: MANIFEST_NUMS[i] is the number of the patch that adds
# MANIFEST_PATHS[i], a file or a directory.  Dies on a bad line or on a
# patch not in $objext_tmp/series.list.
objext_load_manifest() {
	local manifest=$OBJEXT_PATCHES/files line num path rest
	MANIFEST_NUMS=() MANIFEST_PATHS=()
	[[ -f $manifest ]] || return 0
	while IFS= read -r line || [[ -n $line ]]; do
		line=${line%%#*}
		read -r num path rest <<<"$line" || true
		[[ -n ${num:-} ]] || continue
		[[ $num =~ ^[0-9]{4}$ && -n ${path:-} && -z ${rest:-} ]] ||
			die "patches/files: bad line: $line (want: NNNN PATH)"
		grep -q "^$num-" "$objext_tmp/series.list" ||
			die "patches/files: $path: no patch $num in patches/series"
		MANIFEST_NUMS+=("$num") MANIFEST_PATHS+=("${path%/}")
	done <"$manifest"
}

# Index in MANIFEST_* of the line naming file $1, in MANIFEST_HIT; empty
# if none does.  Dies if two do.
objext_manifest_find() {
	local i
	MANIFEST_HIT=""
	for i in "${!MANIFEST_PATHS[@]}"; do
		[[ $1 == "${MANIFEST_PATHS[i]}" || $1 == "${MANIFEST_PATHS[i]}"/* ]] || continue
		[[ -z $MANIFEST_HIT ]] ||
			die "patches/files: $1 is named by two lines (${MANIFEST_PATHS[MANIFEST_HIT]}, ${MANIFEST_PATHS[i]})"
		MANIFEST_HIT=$i
	done
}

# Series files: the overlay files patches/files assigns to a patch.  Writes
# $objext_tmp/files.NNNN (NUL-separated paths) for each patch number NNNN
# that adds files, and sets CHAIN_NFILES and CHAIN_NTOOLING (the overlay
# files no line names: the project's tooling, left out of the tree).  Dies
# on a line that names no file.
objext_split_overlay() {
	local f i
	local -a used=()
	rm -f -- "$objext_tmp"/files.*
	objext_load_manifest
	CHAIN_NFILES=0 CHAIN_NTOOLING=0
	while IFS= read -r -d '' f; do
		objext_manifest_find "$f"
		if [[ -z $MANIFEST_HIT ]]; then
			CHAIN_NTOOLING=$((CHAIN_NTOOLING + 1))
			continue
		fi
		used[MANIFEST_HIT]=1
		printf '%s\0' "$f" >>"$objext_tmp/files.${MANIFEST_NUMS[MANIFEST_HIT]}"
		CHAIN_NFILES=$((CHAIN_NFILES + 1))
	done <"$objext_tmp/overlay.list"
	for i in "${!MANIFEST_PATHS[@]}"; do
		[[ -n ${used[i]:-} ]] || die "patches/files: ${MANIFEST_PATHS[i]} names no file of the repo"
	done
}

# Build the target chain base -> patches from the current repo state using
# a private index; neither the work tree nor any ref of build/linux is
# touched (only new objects are written).  Each commit is a patch of
# patches/series plus the new files patches/files assigns to it.
# Sets CHAIN_HEAD (commit id), CHAIN_NPATCHES, CHAIN_NFILES, CHAIN_NTOOLING.
objext_build_chain() {
	local idx tree commit p existing name err num files
	objext_tmpdir
	objext_overlay_files >"$objext_tmp/overlay.list"
	objext_series >"$objext_tmp/series.list"
	objext_split_overlay
	existing=$(find "$objext_tmp" -maxdepth 1 -name 'files.*' -exec cat {} + |
		xargs -0 -r git -C "$OBJEXT_TREE" --literal-pathspecs ls-tree -r --name-only base --)
	[[ -z $existing ]] ||
		die "patches/files names files that exist in the base kernel:" "$existing" \
			"Changes to existing kernel files belong in a patch in patches/."

	idx=$objext_tmp/index
	rm -f -- "$idx"
	export GIT_INDEX_FILE=$idx
	tgit read-tree base
	commit=$(tgit rev-parse base)

	CHAIN_NPATCHES=0
	while IFS= read -r name; do
		p=$OBJEXT_PATCHES/$name
		if ! err=$(tgit apply --cached --whitespace=nowarn -p1 "$p" 2>&1); then
			unset GIT_INDEX_FILE
			die "patch $name does not apply (on base + earlier patches and their files):" \
				"$err"
		fi
		# The patch's new files: hashed straight from the repo work tree
		# (git runs from the repo top, so the paths are relative to it).
		num=${name:0:4} files=$objext_tmp/files.$num
		if [[ -f $files ]]; then
			if ! err=$(cd "$OBJEXT_REPO" && ngit --git-dir="$OBJEXT_TREE/.git" --work-tree="$OBJEXT_REPO" \
				-c core.fileMode=true -c core.symlinks=true \
				update-index --add -z --stdin <"$files" 2>&1); then
				unset GIT_INDEX_FILE
				die "cannot add the files of patch $name:" "$err"
			fi
		fi
		tree=$(tgit write-tree)
		commit=$(objext_commit_patch "$p" "$tree" "$commit")
		CHAIN_NPATCHES=$((CHAIN_NPATCHES + 1))
	done <"$objext_tmp/series.list"
	CHAIN_HEAD=$commit
	unset GIT_INDEX_FILE
	rm -f -- "$idx"
}

# Patches made by a semantic patch (dev/cocci-patch.sh) carry this line and
# a --cocci-file argument in their message; export never rewrites them.
OBJEXT_GENERATED_MARKER="Generated with:"
OBJEXT_COCCI_ARG_RE='--cocci-file (scripts/coccinelle/[^ ]+\.cocci)'
objext_is_generated_patch() {
	grep -qxF -- "$OBJEXT_GENERATED_MARKER" "$1" &&
		grep -qE -- "$OBJEXT_COCCI_ARG_RE" "$1"
}

# --- progress ------------------------------------------------------------------
# Long work (apt, tree assembly, kernel builds, VM boots, tests) reports
# where it is even when its output goes to a log: dev/test.sh and
# dev/demo.sh open a file descriptor on their own stdout and export its
# number as OBJEXT_PROGRESS_FD; every script below them writes progress
# there.  Run alone, a script reports on stderr.  On a terminal an update
# rewrites the current line; otherwise it is a plain line, at most one
# per OBJEXT_PROGRESS_EVERY seconds (default 30).

# objext_progress_setup: for the top-level commands (make test, make
# demo).  Progress goes to this shell's stdout unless a caller already
# chose where (make test running make demo).  make's flags must not reach
# the kernel builds below: .ci/run's `make -s test` would hide the build
# steps whose count is the progress shown; each build sets its own.
objext_progress_setup() {
	unset MAKEFLAGS MFLAGS MAKELEVEL
	if [[ -z ${OBJEXT_PROGRESS_FD:-} ]]; then
		exec {OBJEXT_PROGRESS_FD}>&1
		export OBJEXT_PROGRESS_FD
	fi
}

# objext_say MSG: one line of progress.
objext_say() {
	local fd
	objext_progress_fd
	if [[ -n ${objext_progress_open:-} ]]; then
		printf '\n' >&"$fd"
		objext_progress_open=
	fi
	printf '%s\n' "$*" >&"$fd"
}

# objext_progress_fd: set fd to OBJEXT_PROGRESS_FD if it is open, else 2.
objext_progress_fd() {
	fd=${OBJEXT_PROGRESS_FD:-2}
	{ : >&"$fd"; } 2>/dev/null || fd=2
}

# objext_update MSG: progress that replaces the previous update (on a
# terminal, unless OBJEXT_PROGRESS_LINES is set: several steps at once).
objext_update() {
	local fd now
	objext_progress_fd
	if [[ -t $fd && -z ${OBJEXT_PROGRESS_LINES:-} ]]; then
		printf '\r\033[K%s' "$*" >&"$fd"
		objext_progress_open=1
		return
	fi
	now=$SECONDS
	if ((now - ${objext_progress_last:--999} >= ${OBJEXT_PROGRESS_EVERY:-30})); then
		objext_progress_last=$now
		objext_say "$*"
	fi
}

# objext_elapsed SECONDS: "1m05s".
objext_elapsed() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# objext_kbuild_progress WHAT ESTIMATE_FILE: filter for the output of a
# kernel make.  Passes every line through to stdout (the log) and
# reports "WHAT: N/~TOTAL steps, now DIR (elapsed)", TOTAL being the
# number of steps of the largest complete build so far, read from
# ESTIMATE_FILE (or $OBJEXT_KBUILD_ESTIMATE, a caller's figure for a
# build from scratch); the larger of that and this build's count goes
# to ESTIMATE_FILE.new, for the caller to keep if the build succeeded.
objext_kbuild_progress() {
	local what=$1 est_file=$2 line n=0 total="" dir="" t0=$SECONDS
	if [[ -s $est_file ]]; then total=$(<"$est_file"); else total=${OBJEXT_KBUILD_ESTIMATE:-}; fi
	while IFS= read -r line; do
		printf '%s\n' "$line"
		if [[ $line =~ ^\ \ [A-Z][A-Z0-9_]*\ +([^ ]+) ]]; then
			n=$((n + 1))
			dir=${BASH_REMATCH[1]}
			dir=${dir%/*}
			if ((n <= ${total:-0})); then
				objext_update "$what: $n/~$total steps, now $dir ($(objext_elapsed $((SECONDS - t0))))"
			else
				objext_update "$what: $n steps, now $dir ($(objext_elapsed $((SECONDS - t0))))"
			fi
		fi
	done
	objext_say "$what: $n steps in $(objext_elapsed $((SECONDS - t0)))"
	echo $((n > ${total:-0} ? n : ${total:-0})) >"$est_file.new"
	return 0
}

# objext_cpu_seconds: the CPU time (user + system, whole seconds) of the
# children this shell has waited for: cutime and cstime of its
# /proc/PID/stat, read without a fork (`times | ...` would report those
# of a forked subshell: none).
objext_cpu_seconds() {
	local stat
	read -r stat <"/proc/$BASHPID/stat"
	# shellcheck disable=SC2086 # one word per field, from field 3 on
	set -- ${stat##*) }
	echo $(((${14} + ${15}) / $(getconf CLK_TCK)))
}

# objext_step NAME LOG CMD...: run CMD with its output in LOG, between a
# start line and an end line with the elapsed time and the CPU time CMD
# took (all its processes, on all cores; also left in OBJEXT_STEP_CPU,
# in seconds); on failure the end of LOG is shown.  Returns CMD's status.
objext_step() {
	local name=$1 log=$2 t0=$SECONDS rc=0 cpu
	shift 2
	mkdir -p -- "$(dirname -- "$log")"
	objext_say "=== $name: started (log: ${log#"$OBJEXT_REPO"/})"
	# A subshell of its own, whose children are CMD's processes alone.
	OBJEXT_STEP_CPU=$(
		rc=0
		"$@" >"$log" 2>&1 || rc=$?
		objext_cpu_seconds
		exit "$rc"
	) || rc=$?
	: "${OBJEXT_STEP_CPU:=0}"
	cpu=" (CPU $(objext_elapsed "$OBJEXT_STEP_CPU"))"
	if ((rc == 0)); then
		objext_say "=== $name: done in $(objext_elapsed $((SECONDS - t0)))$cpu"
	else
		tail -n 40 -- "$log" >&2
		objext_say "=== $name: FAILED (exit $rc) after $(objext_elapsed $((SECONDS - t0)))$cpu"
		if grep -q 'No space left on device' -- "$log"; then
			objext_say "=== $name: the disk of $OBJEXT_BUILD is full ($(objext_free_gb) GB free): free space and re-run"
		fi
	fi
	return "$rc"
}

# objext_free_gb: GB free on the filesystem of build/.
objext_free_gb() {
	mkdir -p -- "$OBJEXT_BUILD"
	df -Pk -- "$OBJEXT_BUILD" | awk 'NR == 2 { print int($4 / 1048576) }'
}

# objext_check_space GB: refuse to start work that needs GB free in build/.
objext_check_space() {
	local free
	free=$(objext_free_gb)
	((free >= $1)) ||
		die "$OBJEXT_BUILD has $free GB free, this needs about $1 GB: free some space (or point OBJEXT_BUILD at a larger disk) and re-run."
}
