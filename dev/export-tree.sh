#!/bin/bash
# dev/export-tree.sh - copy build/linux back into the repo  (make export).
#
# The reverse of dev/assemble-tree.sh, from the committed state of branch
# objext in build/linux (your own commits on top of the assembled chain
# included; uncommitted changes are refused - commit them first):
#
#   overlay files   every file added relative to tag `base` is written to
#                   the repo at its kernel path (only when its content or
#                   mode differs); repo overlay files that no longer exist
#                   in the tree are deleted (not `git rm`ed)
#   patches/        one patch per commit after tag `overlay` that changes
#                   files of the base kernel, restricted to those files
#                   (commits touching only overlay files give no patch);
#                   NNNN-subject.patch + patches/series are regenerated,
#                   leading '#' comment lines of the old series are kept
#
# Patches are `git format-patch` output with options that make the text
# depend only on the commits (no version signature, all-zero From line,
# full index lines, no renames, neutral git config).  Afterwards the repo is
# re-assembled in a private index to check that it gives exactly the tree
# of build/linux (round trip).
#
# Refuses (unless FORCE=1) if the repo changed since build/linux was last
# assembled or exported, since writing would overwrite those changes.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case "${1:-}" in
"") ;;
-f | --force) FORCE=1 ;;
-h | --help) sed -n '2,/^set -euo/{/^set/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
*) die "usage: $0 [--force]" ;;
esac
FORCE=${FORCE:-}

objext_load_base_version
objext_lock
objext_tree_exists || die "no assembled tree at $OBJEXT_TREE (run 'make tree' first)"
objext_check_tree_base
objext_tmpdir

# --- checks -------------------------------------------------------------------
objext_check_branch

objext_fix_gitignore # so that new files show up as untracked below
dirty=$(tgit status --porcelain)
[[ -z $dirty ]] ||
	die "$OBJEXT_TREE has uncommitted changes or untracked files:" \
		"$(sed -n '1,15p' <<<"$dirty")" \
		"Export copies commits only.  Commit first, e.g." \
		"  git -C $OBJEXT_TREE add -A && git -C $OBJEXT_TREE commit" \
		"(or delete stray files), then re-run 'make export'."

head=$(tgit rev-parse HEAD)
overlay=$(objext_ref refs/tags/overlay)
[[ -n $overlay ]] || die "$OBJEXT_TREE has no tag overlay (run 'make tree')"
tgit merge-base --is-ancestor "$overlay" HEAD ||
	die "tag overlay ($(tgit rev-parse --short "$overlay")) is not an ancestor of HEAD" \
		"(rebased across it?).  Point it at the overlay commit of HEAD's history:" \
		"  git -C $OBJEXT_TREE tag -f overlay <commit>"
[[ -z $(tgit rev-list --merges "$overlay..HEAD") ]] ||
	die "merge commits after tag overlay; linearize the history (git rebase overlay) first"
[[ -z $(tgit diff-tree -r --no-renames --diff-filter=MDT --name-only base "$overlay") ]] ||
	die "the overlay commit modifies files of the base kernel; only additions belong there"

# The repo must still be what build/linux was assembled (or exported) from.
assembled=$(objext_ref refs/objext/assembled)
if ! is_true "$FORCE"; then
	if ! (objext_build_chain && echo "$CHAIN_HEAD" >"$objext_tmp/chain"); then
		die "cannot assemble the repo's current state (see above); exporting would" \
			"overwrite it.  FORCE=1 make export overwrites the repo with build/linux anyway."
	fi
	now=$(cat "$objext_tmp/chain")
	if [[ $now != "$assembled" ]]; then
		msg=("the repo changed since $OBJEXT_TREE was last assembled/exported;"
			"exporting would overwrite those changes.")
		if [[ -n $assembled ]]; then
			msg+=("Repo changes (as a diff of the assembled trees):"
				"$(tgit diff --stat=100 --no-renames "$assembled" "$now")")
		fi
		# the last synced commit HEAD builds on (exported chain or assembled)
		from=$(tgit merge-base HEAD "${assembled:-base}")
		exported=$(objext_ref refs/objext/exported)
		if [[ -n $exported ]] && tgit merge-base --is-ancestor "$exported" HEAD; then
			from=$exported
		fi
		die "${msg[@]}" "$(objext_carry_hint "$from")" \
			"Or overwrite the repo's changes with build/linux: FORCE=1 make export"
	fi
fi

# --- overlay files --------------------------------------------------------------
# Added files: raw diff-tree lines ":000000 <mode> <0> <sha> A" NUL <path> NUL.
declare -A added_mode=() added_sha=()
while IFS= read -r -d '' meta && IFS= read -r -d '' path; do
	read -r _ mode _ sha _ <<<"$meta"
	top=${path%%/*}
	[[ $path == */* && " ${OBJEXT_TOPDIRS[*]} " == *" $top "* ]] ||
		die "new file $path is not below a kernel top-level dir the overlay handles:" \
			"  ${OBJEXT_TOPDIRS[*]}"
	[[ $mode != 160000 ]] || die "new path $path is a submodule; not supported"
	added_mode[$path]=$mode added_sha[$path]=$sha
done < <(tgit diff-tree -r -z --no-renames --diff-filter=A base HEAD)

# A new file the repo's .gitignore hides would not be picked up by the next
# assembly (untracked + ignored): refuse rather than lose it silently.
if ((${#added_mode[@]})); then
	ignored=$(printf '%s\0' "${!added_mode[@]}" | rgit check-ignore -z --stdin | tr '\0' '\n' || true)
	[[ -z $ignored ]] ||
		die "these new files are ignored by the repo's .gitignore, so 'make tree' would skip them:" \
			"$ignored" "Rename them, or force-add them in the repo (git add -f)."
fi

n_written=0 n_deleted=0
added_paths=()
if ((${#added_mode[@]})); then
	mapfile -d '' -t added_paths < <(printf '%s\0' "${!added_mode[@]}" | LC_ALL=C sort -z)
fi
for path in "${added_paths[@]}"; do
	mode=${added_mode[$path]} sha=${added_sha[$path]} dst=$OBJEXT_REPO/$path
	if [[ $mode == 120000 ]]; then
		target=$(tgit cat-file blob "$sha")
		[[ -L $dst && $(readlink -- "$dst") == "$target" ]] && continue
		mkdir -p -- "$(dirname "$dst")"
		rm -rf -- "$dst"
		ln -s -- "$target" "$dst"
	else
		want_x=0 have_x=0
		[[ $mode == 100755 ]] && want_x=1
		if [[ -f $dst && ! -L $dst ]]; then
			[[ -x $dst ]] && have_x=1
			if [[ $want_x == "$have_x" && $(git hash-object --no-filters -- "$dst") == "$sha" ]]; then
				continue
			fi
		fi
		mkdir -p -- "$(dirname "$dst")"
		tgit cat-file blob "$sha" >"$dst.objext-new"
		if ((want_x)); then chmod 755 "$dst.objext-new"; else chmod 644 "$dst.objext-new"; fi
		rm -rf -- "$dst"
		mv -- "$dst.objext-new" "$dst"
	fi
	n_written=$((n_written + 1))
	info "  wrote $path"
done
while IFS= read -r -d '' path; do
	[[ -n ${added_mode[$path]+x} ]] && continue
	rm -f -- "${OBJEXT_REPO:?}/$path"
	(cd "$OBJEXT_REPO" && { rmdir -p --ignore-fail-on-non-empty -- "$(dirname "$path")" 2>/dev/null || true; })
	n_deleted=$((n_deleted + 1))
	info "  deleted $path"
done < <(objext_overlay_files)

# --- patches ------------------------------------------------------------------
# Base files touched by any commit after the overlay commit.
: >"$objext_tmp/touched"
for c in $(tgit rev-list --reverse "$overlay..HEAD"); do
	tgit diff-tree -r -z --no-renames --no-commit-id --name-only "$c" >>"$objext_tmp/touched"
done
mapfile -d '' -t touched < <(sort -zu "$objext_tmp/touched")
base_paths=()
if ((${#touched[@]})); then
	mapfile -d '' -t base_paths < <(tgit --literal-pathspecs ls-tree -r -z --name-only base -- "${touched[@]}")
fi

outdir=$objext_tmp/patches
mkdir -p -- "$outdir"
if ((${#base_paths[@]})); then
	tgit --literal-pathspecs format-patch -q -o "$outdir" \
		--no-signature --zero-commit --no-numbered --full-index --no-renames \
		--no-base --no-cover-letter --no-thread --no-attach --subject-prefix=PATCH \
		"$overlay..HEAD" -- "${base_paths[@]}" >/dev/null
fi
shopt -s nullglob
new_patches=("$outdir"/*.patch) # format-patch names them NNNN-subject.patch
shopt -u nullglob
new_patches=("${new_patches[@]##*/}")

# Old series: keep its leading comment block, remember the listed patches.
series=$OBJEXT_PATCHES/series
header=() old_patches=()
if [[ -f $series ]]; then
	in_header=1
	while IFS= read -r line || [[ -n $line ]]; do
		if ((in_header)) && [[ $line =~ ^[[:space:]]*(#.*)?$ ]]; then
			header+=("$line")
			continue
		fi
		in_header=0
		line=${line%%#*}
		read -r name _ <<<"$line" || true
		[[ -n ${name:-} ]] && old_patches+=("$name")
	done <"$series"
fi
if ((${#header[@]} == 0)); then
	header=("# objext patch series: changes to existing kernel files, applied in order"
		"# by dev/assemble-tree.sh (make tree), regenerated by dev/export-tree.sh"
		"# (make export).  Quilt syntax: one patch file name per line.")
fi

mkdir -p -- "$OBJEXT_PATCHES"
n_pwritten=0 n_premoved=0
for p in "${new_patches[@]}"; do
	if ! cmp -s -- "$outdir/$p" "$OBJEXT_PATCHES/$p"; then
		cp -- "$outdir/$p" "$OBJEXT_PATCHES/$p"
		n_pwritten=$((n_pwritten + 1))
		info "  wrote patches/$p"
	fi
done
for p in "${old_patches[@]}"; do
	[[ " ${new_patches[*]} " == *" $p "* ]] && continue
	if [[ $p != */* && -f $OBJEXT_PATCHES/$p ]]; then
		rm -f -- "${OBJEXT_PATCHES:?}/$p"
		n_premoved=$((n_premoved + 1))
		info "  removed patches/$p"
	fi
done
{
	printf '%s\n' "${header[@]}"
	if ((${#new_patches[@]})); then printf '%s\n' "${new_patches[@]}"; fi
} >"$objext_tmp/series"
if ! cmp -s -- "$objext_tmp/series" "$series"; then
	cp -- "$objext_tmp/series" "$series"
	info "  wrote patches/series"
fi

# --- round trip check -------------------------------------------------------------
objext_build_chain
if [[ $(tgit rev-parse "$CHAIN_HEAD^{tree}") != "$(tgit rev-parse "HEAD^{tree}")" ]]; then
	die "round trip check FAILED: re-assembling the exported repo does not give" \
		"the tree of $OBJEXT_TREE HEAD.  Differences (assembled vs HEAD):" \
		"$(tgit diff --stat=100 --no-renames "$CHAIN_HEAD" HEAD)" \
		"Please report this (dev/export-tree.sh bug)."
fi
tgit update-ref refs/objext/exported "$head"
tgit update-ref refs/objext/assembled "$CHAIN_HEAD"

info "exported $(tgit rev-parse --short HEAD): ${#added_mode[@]} overlay files" \
	"($n_written written, $n_deleted deleted), ${#new_patches[@]} patches" \
	"($n_pwritten written, $n_premoved removed); round trip OK"
