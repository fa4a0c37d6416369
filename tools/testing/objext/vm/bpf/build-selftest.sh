#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-selftest.sh - build the kernel's BPF selftest runner, test_progs,
# with one test, test_local_storage (inode, task and socket storage from
# BPF LSM programs, the map calls from user space), for the VM.
#
# Usage: build-selftest.sh SRC VMLINUX DIR
#   SRC      kernel tree: its tools/testing/selftests/bpf, its libbpf
#   VMLINUX  the kernel to run on: vmlinux.h comes from its BTF
#   DIR      build directory (emptied first); DIR/test_progs is the result
#
# The sources are the tree's own, compiled as they are but for two
# things, changed in copies, because the test kernel has neither
# CONFIG_NET_NS nor CONFIG_IPV6, which would cost every CI run build time
# that nothing else needs: test_progs does without saving and restoring
# its network namespace, and the test's TCP server (for socket storage)
# listens on IPv4.  Each edit is checked to have been made exactly once,
# so that a tree where that code moved fails here instead of running
# something else.  Static, as the other VM programs: about 15 s of CPU,
# every time (no incremental build: DIR is emptied first).

set -euo pipefail

[ $# -eq 3 ] || { echo "usage: build-selftest.sh SRC VMLINUX DIR" >&2; exit 2; }
SRC=$1 VMLINUX=$2 W=$3
die() { echo "build-selftest: error: $*" >&2; exit 1; }
# as vm/bpf/Makefile: not on a non-root user's PATH on Debian
BPFTOOL=${BPFTOOL:-$(command -v bpftool || echo /usr/sbin/bpftool)}

ST=$SRC/tools/testing/selftests/bpf
[ -f "$ST/prog_tests/test_local_storage.c" ] || die "no BPF selftests in $SRC"
[ -f "$VMLINUX" ] || die "no kernel image at $VMLINUX"
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
# error here (its perror() goes, its exit() returns); restore_netns()
# then has nothing to restore.  Each of the three edits must happen once.
awk '
	/^static void save_netns\(void\)$/ { in_save = 1 }
	/^static void restore_netns\(void\)$/ { in_restore = 1 }
	in_save && /perror\("open\(\/proc\/self\/ns\/net\)"\);/ { perror++; next }
	in_save && /exit\(EXIT_ERR_SETUP_INFRA\);/ {
		sub(/exit\(EXIT_ERR_SETUP_INFRA\);/, "return;"); ret++
	}
	in_restore && /^{$/ {
		print; print "\tif (env.saved_netns_fd < 0)\n\t\treturn;"; guard++; next
	}
	/^}$/ { in_save = 0; in_restore = 0 }
	{ print }
	END { exit !(perror == 1 && ret == 1 && guard == 1) }' "$ST/test_progs.c" >"$W/test_progs.c" ||
	die "test_progs.c: save_netns() and restore_netns() are not as expected"
adapt prog_tests/test_local_storage.c 'start_server(AF_INET6,' 'start_server(AF_INET,'
echo 'DEFINE_TEST(test_local_storage)' >"$W/prog_tests/tests.h"

make -s -j2 -C "$SRC/tools/lib/bpf" OUTPUT="$W/libbpf/" DESTDIR="$W/root" prefix= \
	install_headers "$W/libbpf/libbpf.a" >"$W/build.log" 2>&1 ||
	{ tail -n 20 "$W/build.log"; die "building libbpf failed"; }
"$BPFTOOL" btf dump file "$VMLINUX" format c >"$W/vmlinux.h"
clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -mcpu=v3 -I"$W" -I"$W/root/include" \
	-I"$ST" -I"$ST/progs" -I/usr/include/x86_64-linux-gnu \
	-c "$ST/progs/local_storage.c" -o "$W/local_storage.bpf.o" >>"$W/build.log" 2>&1 ||
	{ tail -n 20 "$W/build.log"; die "compiling progs/local_storage.c failed"; }
"$BPFTOOL" gen skeleton "$W/local_storage.bpf.o" name local_storage >"$W/local_storage.skel.h"
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
