#!/bin/bash
# dev/series-check.sh - the series a maintainer gets applies and is clean
# (make series-check; a step of make test).
#
#   make series    writes build/series (dev/series.sh)
#   git am         of its patches onto tag base, in a worktree of
#                  build/linux (build/series-am), gives exactly the trees
#                  of branch objext (`make tree`), commit by commit, with
#                  the same subjects
#   checkpatch     --strict on every patch of build/series
#   MAINTAINERS    every file the series adds has a maintainer entry other
#                  than THE REST (the checkpatch question "does MAINTAINERS
#                  need updating?" is answered by that check, so checkpatch
#                  runs with --ignore FILE_PATH_CHANGES)
#
# The last line is "N passed, N failed".
set -uo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# checkpatch's spdxcheck.py needs Debian's python3 with python3-ply.
export PATH=/usr/bin:$PATH

SERIES=$OBJEXT_BUILD/series
WT=$OBJEXT_BUILD/series-am
finish() {
	objext_summary
	exit
}

out=$("$OBJEXT_REPO/dev/series.sh" "$SERIES" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
objext_result $rc "make series writes the cover letter and the patches"
[ $rc -eq 0 ] || finish
mapfile -t patches < <(find "$SERIES" -name '[0-9][0-9][0-9][0-9]-*.patch' ! -name '0000-*' | sort)
want=$(tgit rev-list --count base..objext)
[ "${#patches[@]}" -eq "$want" ]
objext_result $? "one patch per commit of base..objext (${#patches[@]} of $want)"
grep -q '^base-commit: '"$(tgit rev-parse base)"'$' "$SERIES/0000-cover-letter.patch"
objext_result $? "the cover letter names the base commit"

# --- git am onto the pristine base --------------------------------------------
objext_worktree "$WT"
rc=$?
objext_result $rc "a worktree of build/linux at tag base"
[ $rc -eq 0 ] || finish
out=$(GIT_COMMITTER_NAME=$OBJEXT_IDENT_NAME GIT_COMMITTER_EMAIL=$OBJEXT_IDENT_EMAIL \
	git -C "$WT" -c core.autocrlf=false am -q --whitespace=nowarn "${patches[@]}" 2>&1)
rc=$?
[ $rc -eq 0 ] || echo "$out" | tail -n 20 | sed 's/^/# /'
objext_result $rc "git am applies every patch of build/series onto base"
if [ $rc -eq 0 ]; then
	# Commit by commit: the tree after patch k is that of commit k.
	bad=""
	for ((i = 0; i < want; i++)); do
		[ "$(git -C "$WT" rev-parse "HEAD~$i^{tree}")" = "$(tgit rev-parse "objext~$i^{tree}")" ] ||
			bad+=" $((want - i))"
	done
	[ -z "$bad" ] || git -C "$WT" diff --stat HEAD "$(tgit rev-parse objext)" | sed 's/^/# /'
	objext_result "$([ -z "$bad" ] && echo 0 || echo 1)" \
		"git am gives exactly the trees make tree assembles, commit by commit${bad:+ (not after patch$bad)}"
	a=$(git -C "$WT" log --format=%s base..HEAD)
	b=$(tgit log --format=%s base..objext)
	[ "$a" = "$b" ]
	objext_result $? "the applied commits have the series' subjects, in order"
fi

# --- every new file has a maintainer ------------------------------------------
while IFS= read -r f; do
	sections=$(cd "$OBJEXT_TREE" && scripts/get_maintainer.pl --no-git --no-git-fallback \
		--sections -f "$f" 2>/dev/null | grep -vE '^([A-Z]:[[:space:]]|$)' | grep -vx 'THE REST')
	[ -n "$sections" ]
	objext_result $? "MAINTAINERS covers $f (${sections//$'\n'/, })"
done < <(tgit diff --name-only --diff-filter=A base objext)

# --- checkpatch on every patch --------------------------------------------------
for p in "${patches[@]}"; do
	out=$(cd "$OBJEXT_TREE" && scripts/checkpatch.pl --strict -q \
		--ignore FILE_PATH_CHANGES "$p" 2>&1)
	objext_expect_silence "$out" "checkpatch --strict ${p##*/}"
done
finish
