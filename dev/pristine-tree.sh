#!/bin/bash
# dev/pristine-tree.sh - build/pristine: the unmodified base kernel  (make pristine)
#
# A `git worktree` of build/linux, detached at tag base (the pristine Debian
# tarball), for baseline builds and checks (O=build/<dir> builds only: the
# source tree must stay unconfigured).  Creates build/linux's base first if
# needed (not the objext chain).  Idempotent: an existing, clean checkout at
# base is left alone; a stray local change is reverted (only the differing
# files are rewritten); a worktree orphaned by re-creating build/linux is
# replaced.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

objext_load_base_version
# (before taking the lock: assemble-tree.sh takes it itself)
if ! objext_tree_exists; then
	"$OBJEXT_REPO/dev/assemble-tree.sh" --base-only
fi
objext_lock
objext_check_tree_base
base=$(tgit rev-parse 'base^{commit}')

# Is $OBJEXT_PRISTINE a live worktree of this build/linux?
is_our_worktree() {
	local common
	common=$(git -C "$OBJEXT_PRISTINE" rev-parse --path-format=absolute --git-common-dir 2>/dev/null) || return 1
	[[ $(realpath -- "$common") == "$(realpath -- "$OBJEXT_TREE/.git")" ]]
}

if [[ -e $OBJEXT_PRISTINE ]] && ! is_our_worktree; then
	info "replacing $OBJEXT_PRISTINE (not a worktree of $OBJEXT_TREE)"
	rm -rf -- "$OBJEXT_PRISTINE"
fi
tgit worktree prune

if [[ ! -e $OBJEXT_PRISTINE ]]; then
	info "checking out base into $OBJEXT_PRISTINE"
	tgit -c core.fsync=none -c checkout.workers=0 worktree add -q --detach "$OBJEXT_PRISTINE" "$base"
elif [[ $(git -C "$OBJEXT_PRISTINE" rev-parse HEAD) != "$base" ||
	-n $(git -C "$OBJEXT_PRISTINE" status --porcelain -uno) ]]; then
	info "resetting $OBJEXT_PRISTINE to base (it is meant to stay pristine)"
	git -C "$OBJEXT_PRISTINE" -c advice.detachedHead=false checkout -q -f --detach "$base"
fi
if [[ -e $OBJEXT_PRISTINE/.config || -d $OBJEXT_PRISTINE/include/config ]]; then
	warn "$OBJEXT_PRISTINE is configured in-tree; O= builds will fail (make -C $OBJEXT_PRISTINE mrproper)"
fi
info "pristine $(tgit rev-parse --short "$base"): $OBJEXT_BASE_DESC in $OBJEXT_PRISTINE"
