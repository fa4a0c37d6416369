#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bpf-selftest.sh - the kernel's own BPF selftest of inode storage,
# test_local_storage (inode, task and socket storage from BPF LSM
# programs, with the map operations from user space), on the test kernel
# (make bpf-selftest; not part of make test).
#
# test_progs is built with that one test from the tree's
# tools/testing/selftests/bpf, against the tree's libbpf and the test
# kernel's BTF, in $OUT/objext-bpf-selftest; boot-test.sh then boots the
# test kernel with it (no build: make vm-kernel first) and judges the
# console as the vm step does.  With --baseline it boots Debian's kernel
# of the same source instead (as the vm-base step does), where the test
# passes too: BPF inode storage has always worked from the BPF LSM.
#
# The test kernel has neither CONFIG_NET_NS nor CONFIG_IPV6, which cost
# every CI run build time that nothing else needs, so two lines change,
# in copies: test_progs does not save and restore its network namespace,
# and the test's TCP server (for socket storage) listens on IPv4.  Each
# change is checked to have been made once, so that a tree where that
# code moved fails here instead of running something else.
#
# Usage: bpf-selftest.sh [--src DIR] [--out DIR] [--baseline]
#                        [boot-test.sh options...]
#   --src       kernel tree (default build/linux)
#   --out       the test kernel's build directory (default build/out-vm);
#               test_progs is built against its BTF in either case (CO-RE
#               relocates the programs for Debian's kernel)
#   --baseline  boot Debian's kernel (logs in build/out-vm-base)

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../../.." && pwd)
SRC=$REPO/build/linux
OUT=$REPO/build/out-vm
baseline=false
args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--src)	SRC=${2:?}; shift 2 ;;
	--out)	OUT=${2:?}; shift 2 ;;
	--baseline) baseline=true; shift ;;
	*)	args+=("$1"); shift ;;
	esac
done
die() { echo "bpf-selftest: error: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

ST=$SRC/tools/testing/selftests/bpf
W=$OUT/objext-bpf-selftest
[ -f "$ST/prog_tests/test_local_storage.c" ] || die "no BPF selftests in $SRC"
[ -f "$OUT/vmlinux" ] || die "no test kernel in $OUT (make vm-kernel)"
rm -rf "$W"
mkdir -p "$W/prog_tests" "$W/libbpf" "$W/root"

# adapt FILE FROM TO: a copy of selftest FILE in $W with the one line
# matching FROM (a sed expression) replaced by TO.
adapt() {
	local n
	n=$(grep -c -e "$2" "$ST/$1") || true
	[ "$n" = 1 ] || die "$1: expected one line matching '$2', found $n"
	sed -e "s|$2|$3|" "$ST/$1" >"$W/$(basename "$1")"
}
# save_netns(): no /proc/self/ns/net without CONFIG_NET_NS, which is no
# error here; restore_netns() then has nothing to restore.
awk '
	/^static void save_netns\(void\)$/ { in_save = 1 }
	/^static void restore_netns\(void\)$/ { in_restore = 1 }
	in_save && /perror\("open\(\/proc\/self\/ns\/net\)"\);/ { n++; next }
	in_save && /exit\(EXIT_ERR_SETUP_INFRA\);/ {
		sub(/exit\(EXIT_ERR_SETUP_INFRA\);/, "return;"); n++
	}
	in_restore && /^{$/ {
		print; print "\tif (env.saved_netns_fd < 0)\n\t\treturn;"; n++; next
	}
	/^}$/ { in_save = 0; in_restore = 0 }
	{ print }
	END { exit n != 3 }' "$ST/test_progs.c" >"$W/test_progs.c" ||
	die "test_progs.c: save_netns() and restore_netns() are not as expected"
adapt prog_tests/test_local_storage.c 'start_server(AF_INET6,' 'start_server(AF_INET,'
echo 'DEFINE_TEST(test_local_storage)' >"$W/prog_tests/tests.h"

echo "bpf-selftest: building libbpf, local_storage.bpf.o and test_progs in $W"
make -s -C "$SRC/tools/lib/bpf" OUTPUT="$W/libbpf/" DESTDIR="$W/root" prefix= \
	install_headers "$W/libbpf/libbpf.a" >"$W/build.log" 2>&1 ||
	{ tail -n 20 "$W/build.log"; die "building libbpf failed"; }
bpftool btf dump file "$OUT/vmlinux" format c >"$W/vmlinux.h"
clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -mcpu=v3 -I"$W" -I"$W/root/include" \
	-I"$ST" -I"$ST/progs" -I/usr/include/x86_64-linux-gnu \
	-c "$ST/progs/local_storage.c" -o "$W/local_storage.bpf.o" >>"$W/build.log" 2>&1 ||
	{ tail -n 20 "$W/build.log"; die "compiling progs/local_storage.c failed"; }
bpftool gen skeleton "$W/local_storage.bpf.o" name local_storage >"$W/local_storage.skel.h"
cflags=(-g -O2 -I"$W" -I"$W/root/include" -I"$ST" -I"$SRC/tools/include"
	-I"$SRC/tools/include/uapi" -I"$SRC/tools/arch/x86/include" -I"$SRC/tools/lib")
srcs=("$W/test_progs.c" "$W/test_local_storage.c")
for f in network_helpers.c testing_helpers.c cgroup_helpers.c trace_helpers.c \
	 json_writer.c unpriv_helpers.c cap_helpers.c btf_helpers.c; do
	srcs+=("$ST/$f")
done
gcc "${cflags[@]}" -static -o "$W/test_progs" "${srcs[@]}" "$W/libbpf/libbpf.a" \
	-lelf -lz -lpthread -lrt >>"$W/build.log" 2>&1 ||
	{ tail -n 20 "$W/build.log"; die "building test_progs failed"; }

kernel=(--src "$SRC" --out "$OUT" --no-build)
if $baseline; then
	# shellcheck source=../../../../dev/lib.sh
	source "$REPO/dev/lib.sh"
	objext_load_base_version
	vmlinuz=$("$HERE/deb-tool.sh" "$BASE_DEB_IMAGE_PACKAGE=$BASE_DEB_VERSION" \
		"boot/vmlinuz-${BASE_DEB_IMAGE_PACKAGE#linux-image-}" "$REPO/build/debs") ||
		die "cannot get Debian's kernel"
	kernel=(--src "$SRC" --prebuilt "${vmlinuz%/boot/*}" --out "$REPO/build/out-vm-base")
fi
# The test script puts coreutils' rm at /bin/rm for the test's copy of it.
exec "$HERE/boot-test.sh" "${kernel[@]}" --tag bpf-selftest \
	--tests "$HERE/bpf/test-local-storage.sh" \
	--file "$W/test_progs:/usr/bin/test_progs" \
	--file "$(command -v rm):/usr/lib/objext/coreutils-rm" "${args[@]+"${args[@]}"}"
