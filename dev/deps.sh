#!/bin/bash
# dev/deps.sh - install what the objext project needs on Debian 12  (make deps)
#
# Idempotent: checks every package with dpkg-query and returns at once when
# all are installed; otherwise runs `apt-get update` once and installs the
# missing ones (--no-install-recommends, non-interactive).  The kernel source
# package is pinned to the version in dev/base-version and put on hold, so
# that a point release does not replace the base under the tree.  (Debian's
# kernel image of that version, for the baseline VM tests and make pahole's
# config, is downloaded when needed, not installed.)
set -euo pipefail

# shellcheck source=lib.sh source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
objext_load_base_version

# The packages and the pinned kernel source are Debian 12's.
os=$( (. /etc/os-release 2>/dev/null && echo "${ID:-?} ${VERSION_ID:-?}") || echo "unknown")
[[ $os == "debian 12" ]] ||
	die "this is ${os/ / }, not Debian 12 (bookworm): the packages and the pinned kernel source ($BASE_DEB_PACKAGE $BASE_DEB_VERSION) are Debian 12's; run on Debian 12."

# Pinned: the base kernel source.
pinned=("$BASE_DEB_PACKAGE")
packages=(
	# kernel build (Documentation/process/changes.rst) and its host tools
	gcc libc6-dev make flex bison bc perl python3 kmod cpio
	libelf-dev libssl-dev openssl pkg-config xz-utils zstd lz4
	# debug info, layouts, caching, static checks
	dwarves ccache sparse coccinelle python3-ply python3-git
	# VM boot tests and the userspace harness (Valgrind: its plain build)
	qemu-system-x86 busybox-static liburcu-dev clang valgrind
	# BPF test programs: clang -target bpf, vmlinux.h and skeletons from
	# bpftool, a static loader linked with libbpf (libbpf-dev)
	bpftool libbpf-dev zlib1g-dev
	# real notification clients run inside the VM (auditctl itself is
	# unpacked from auditd by tools/testing/objext/vm/deb-tool.sh)
	inotify-tools libauparse0
	# fscrypt and fs-verity tests: e2fsprogs' mkfs.ext4, e4crypt and
	# debugfs, fsverity-utils' fsverity; the XFS recycling test and
	# make bench's xfs inode slab: xfsprogs' mkfs.xfs
	e2fsprogs fsverity xfsprogs
	# make memcurve: the plot
	gnuplot-nox
	# tree tooling (dev/*.sh)
	git rsync util-linux tar
)

# One dpkg-query for all: "<name> <want><status><err> <version>" per known
# package (want h = on hold, status i = installed).
declare -A state=() version=()
while IFS='|' read -r name st ver; do
	state[${name%%:*}]=$st version[${name%%:*}]=$ver
done < <(dpkg-query -W -f='${Package}|${db:Status-Abbrev}|${Version}\n' \
	"${pinned[@]}" "${packages[@]}" 2>/dev/null || true)
missing=() unheld=()
for p in "${pinned[@]}"; do
	if [[ ${state[$p]:-} != ?i* || ${version[$p]} != "$BASE_DEB_VERSION" ]]; then
		[[ ${state[$p]:-} != ?i* ]] || info "$p is ${version[$p]}, want $BASE_DEB_VERSION"
		missing+=("$p=$BASE_DEB_VERSION")
	elif [[ ${state[$p]} != h* ]]; then
		unheld+=("$p")
	fi
done
for p in "${packages[@]}"; do
	[[ ${state[$p]:-} == ?i* ]] || missing+=("$p")
done

sudo=()
if ((EUID != 0)) && command -v sudo >/dev/null; then sudo=(sudo); fi

if ((${#missing[@]} == 0)); then
	# keep the base from being upgraded under the tree
	if ((${#unheld[@]})); then
		"${sudo[@]}" apt-mark hold "${unheld[@]}" >/dev/null ||
			warn "could not hold ${unheld[*]} (apt-mark hold)"
	fi
	info "all $((${#pinned[@]} + ${#packages[@]})) packages installed ($BASE_DEB_PACKAGE $BASE_DEB_VERSION)"
	exit 0
fi

((EUID == 0 || ${#sudo[@]})) ||
	die "missing packages and not root, and no sudo: run 'make deps' as root once (it installs ${missing[*]})."
export DEBIAN_FRONTEND=noninteractive
info "installing: ${missing[*]}"
"${sudo[@]}" apt-get update -q ||
	die "apt-get update failed: the Debian archive is not reachable (network, proxy or /etc/apt/sources.list); fix that and re-run."
if ! "${sudo[@]}" apt-get install -y -q --no-install-recommends --allow-change-held-packages \
	"${missing[@]}"; then
	die "apt-get install failed." \
		"If $BASE_DEB_PACKAGE=$BASE_DEB_VERSION is no longer in the archive, check" \
		"'apt-cache policy $BASE_DEB_PACKAGE' and bump dev/base-version (see its header)."
fi
"${sudo[@]}" apt-mark hold "${pinned[@]}" >/dev/null
info "done; $BASE_DEB_PACKAGE held at $BASE_DEB_VERSION"
