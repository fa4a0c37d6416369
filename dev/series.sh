#!/bin/bash
# dev/series.sh - write the patch series a maintainer gets  (make series).
#
# Assembles build/linux (make tree), then writes build/series/: the cover
# letter (subject and text from patches/cover-letter, shortlog and
# diffstat from git) and one patch per commit of base..objext, as
#   git format-patch --cover-letter --base=<base> --thread=shallow
# writes them.  The project's tooling (the VM tests, the benchmarks, dev/,
# this README) is not in build/linux, so it is not in the series either.
#
# Usage: dev/series.sh [OUTDIR]   (default: build/series)
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OUT=$(realpath -m -- "${1:-$OBJEXT_BUILD/series}")
COVER=$OBJEXT_PATCHES/cover-letter

"$OBJEXT_REPO/dev/assemble-tree.sh" >/dev/null
[[ -f $COVER ]] || die "$COVER is missing"

rm -rf -- "$OUT"
mkdir -p -- "$OUT"
# The sender (the cover letter's From:, the Message-Ids) is the author of
# the patches, at the date of the last one, so that the text depends only
# on the repo; neutral config otherwise.
IFS='|' read -r name email date < <(tgit log -1 --format='%an|%ae|%aD' objext)
GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email GIT_COMMITTER_DATE=$date \
	git -C "$OBJEXT_TREE" -c core.autocrlf=false format-patch -q \
	--no-signature --cover-letter --base=base --thread=shallow --no-renames \
	--subject-prefix="RFC PATCH" \
	-o "$OUT" base..objext >/dev/null

# Fill in the cover letter: the subject line, then the text.
cover=$OUT/0000-cover-letter.patch
[[ -f $cover ]] || die "git format-patch wrote no cover letter"
subject=$(head -n1 "$COVER")
objext_tmpdir
tail -n +3 "$COVER" >"$objext_tmp/blurb"
awk -v subject="$subject" -v blurb="$objext_tmp/blurb" '
	/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, subject) }
	/^\*\*\* BLURB HERE \*\*\*$/ {
		while ((getline line < blurb) > 0) print line
		next
	}
	{ print }' "$cover" >"$cover.new"
mv -- "$cover.new" "$cover"
! grep -q '\*\*\* .* HERE \*\*\*' "$cover" || die "cover letter placeholders left in $cover"

info "wrote $(find "$OUT" -name '*.patch' | wc -l) files to $OUT" \
	"(cover letter and $(tgit rev-list --count base..objext) patches)"
