#!/bin/bash
# dev/pahole-inode.sh - size of struct inode, pristine vs objext  (make pahole)
#
# For each tree, builds only fs/inode.o (plus kbuild's prepare step) with
# Debian's amd64 config (/boot/config-* of the pinned linux-image package,
# downloaded and unpacked under build/debs, as the baseline VM tests do) and
# DWARF4 debug info, out of tree, then runs `pahole -C inode` on it:
#
#   pristine  build/pristine (tag base)  -> O=build/out-debian-pristine
#   objext    build/linux (as it is now) -> O=build/out-debian-objext
#
# Prints "struct inode: base N bytes, objext M bytes"; full layouts go to
# build/pahole/inode-<tree>.txt, their diff to build/pahole/inode.diff.
#
# Environment:
#   PAHOLE_CONFIG  extra options, e.g. "CONFIG_KUNIT=y CONFIG_OBJEXT_KUNIT_TEST=y"
#                  (NAME=y|m|n|number|"string"); unknown symbols are
#                  dropped by olddefconfig, as usual
#   PAHOLE_TREES   trees to measure (default "pristine objext")
#   JOBS           make -j (default: nproc)
#   CC             compiler (default "ccache gcc"; host programs as
#                  OBJEXT_KBUILD_CC in lib.sh)
# build/linux is measured as it is (run `make tree` first for the repo's
# current state); it is assembled only if missing.
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PAHOLE_CONFIG=${PAHOLE_CONFIG:-}
PAHOLE_TREES=${PAHOLE_TREES:-pristine objext}
JOBS=${JOBS:-$(nproc)}
CC=${CC:-ccache gcc}
objext_load_base_version

command -v pahole >/dev/null || die "pahole not found (run 'make deps': package dwarves)"
debian_config=$(objext_base_image_file config) || die "cannot get Debian's config from $BASE_DEB_IMAGE_PACKAGE $BASE_DEB_VERSION"

# Options for a quick, pahole-friendly single-object build.
base_opts=(
	--disable DEBUG_INFO_NONE --enable DEBUG_INFO
	--disable DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT --disable DEBUG_INFO_DWARF5
	--enable DEBUG_INFO_DWARF4
	--disable DEBUG_INFO_REDUCED # drops structs defined in other headers
	--disable DEBUG_INFO_SPLIT --disable DEBUG_INFO_BTF
	--set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS ""
)
# PAHOLE_CONFIG words -> scripts/config options.
user_opts=()
for kv in $PAHOLE_CONFIG; do
	[[ $kv =~ ^(CONFIG_)?([A-Za-z0-9_]+)=(.*)$ ]] || die "PAHOLE_CONFIG: expected NAME=VALUE, got '$kv'"
	name=${BASH_REMATCH[2]} val=${BASH_REMATCH[3]}
	case $val in
	y) user_opts+=(--enable "$name") ;;
	m) user_opts+=(--module "$name") ;;
	n) user_opts+=(--disable "$name") ;;
	\"*\") val=${val#\"} && user_opts+=(--set-str "$name" "${val%\"}") ;;
	*) user_opts+=(--set-val "$name" "$val") ;;
	esac
done

mkdir -p -- "$OBJEXT_BUILD/pahole"
declare -A size=()
for t in $PAHOLE_TREES; do
	case $t in
	pristine)
		"$OBJEXT_REPO/dev/pristine-tree.sh" >/dev/null
		src=$OBJEXT_PRISTINE ;;
	objext)
		objext_tree_exists || "$OBJEXT_REPO/dev/assemble-tree.sh"
		src=$OBJEXT_TREE ;;
	*) die "PAHOLE_TREES: unknown tree '$t' (pristine, objext)" ;;
	esac
	out=$OBJEXT_BUILD/out-debian-$t
	log=$OBJEXT_BUILD/pahole/build-$t.log
	t0=$SECONDS
	mkdir -p -- "$out"
	info "$t: building fs/inode.o in ${out#"$OBJEXT_REPO"/} (log: ${log#"$OBJEXT_REPO"/})"
	# Regenerate .config only when its inputs changed (Debian config, the
	# options, CC): rewriting it costs a Kconfig round trip every run.  Kconfig
	# changes in the tree itself are picked up by kbuild's own syncconfig.
	stamp=$(printf '%s\n' "$(sha256sum <"$debian_config")" "$CC" "${base_opts[@]}" \
		${user_opts[@]+"${user_opts[@]}"} | sha256sum)
	targets=(fs/inode.o)
	if [[ ! -f $out/.config || $(cat "$out/.objext-config-stamp" 2>/dev/null) != "$stamp" ]]; then
		rm -f -- "$out/.objext-config-stamp"
		cp -- "$debian_config" "$out/.config"
		"$src/scripts/config" --file "$out/.config" "${base_opts[@]}" ${user_opts[@]+"${user_opts[@]}"}
		targets=(olddefconfig fs/inode.o)
	fi
	if ! make -C "$src" O="$out" "${OBJEXT_KBUILD_CC[@]}" CC="$CC" -j"$JOBS" "${targets[@]}" >"$log" 2>&1; then
		tail -n 30 -- "$log" >&2
		die "$t: build of fs/inode.o failed (full log: $log)"
	fi
	for kv in $PAHOLE_CONFIG; do
		name=${kv%%=*} && name=CONFIG_${name#CONFIG_}
		grep -Eq "^($name=|# $name is not set)" "$out/.config" ||
			warn "$t: $name is not in the resulting config (unknown here, or its dependencies are off)"
	done
	echo "$stamp" >"$out/.objext-config-stamp"
	pahole -C inode "$out/fs/inode.o" >"$OBJEXT_BUILD/pahole/inode-$t.txt"
	size[$t]=$(sed -n 's|.*/\* size: \([0-9]*\),.*|\1|p' "$OBJEXT_BUILD/pahole/inode-$t.txt" | tail -n1)
	[[ -n ${size[$t]} ]] || die "$t: no struct inode size in pahole output ($OBJEXT_BUILD/pahole/inode-$t.txt)"
	info "$t: struct inode is ${size[$t]} bytes ($((SECONDS - t0))s)"
done

if [[ -n ${size[pristine]:-} && -n ${size[objext]:-} ]]; then
	diff -u "$OBJEXT_BUILD/pahole/inode-pristine.txt" "$OBJEXT_BUILD/pahole/inode-objext.txt" \
		>"$OBJEXT_BUILD/pahole/inode.diff" || true
	echo "struct inode: base ${size[pristine]} bytes, objext ${size[objext]} bytes" \
		"($((size[objext] - size[pristine])) bytes; layout diff: build/pahole/inode.diff)"
elif [[ -n ${size[pristine]:-} ]]; then
	echo "struct inode: base ${size[pristine]} bytes"
else
	echo "struct inode: objext ${size[objext]} bytes"
fi
