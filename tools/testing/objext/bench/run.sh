#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - inode hot paths (fsnotify, BPF inode storage, open, read, file
# locks), unpatched 6.12 vs objext, in one run.
#
# Builds both kernels with the VM config and Debian's preemption model
# (no debug options; xfs included; kernels.sh) into build/out-bench-base
# and build/out-bench, then boots them alternately under QEMU TCG with
# -icount shift=0 -smp 1, where the guest clock counts instructions (see
# fsnbench.c).  Each boot runs every case REPEATS times;
# the report gives the median ns/op of each kernel and their ratio, plus
# the inode slab geometry from /proc/slabinfo with 1 to 8 CPUs (slabs.sh).
#
# Usage: run.sh [--no-build] [--boots N] [--iterations N] [--repeats N]
# Output: build/bench/results.md (also printed) and the raw console logs.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../../.." && pwd)
VM=$REPO/tools/testing/objext/vm
RES=$REPO/build/bench
BUILD=1 BOOTS=2 ITER=100000 REPEATS=5

while [ $# -gt 0 ]; do
	case "$1" in
	--no-build)   BUILD=0; shift ;;
	--boots)      BOOTS=${2:?}; shift 2 ;;
	--iterations) ITER=${2:?}; shift 2 ;;
	--repeats)    REPEATS=${2:?}; shift 2 ;;
	*) echo "usage: $0 [--no-build] [--boots N] [--iterations N] [--repeats N]" >&2; exit 2 ;;
	esac
done

export CCACHE_BASEDIR=$REPO CCACHE_NOHASHDIR=true
mkdir -p "$RES"
make -s -C "$REPO" pristine
. "$HERE/kernels.sh"

gcc -O2 -Wall -Wextra -Werror -static -o "$RES/fsnbench" "$HERE/fsnbench.c"
[ "$BUILD" -eq 0 ] || bench_build_kernels
# One BPF loader for both kernels (CO-RE), built against objext's BTF.
make -s -C "$VM/bpf" VMLINUX="${bench_out[objext]}/vmlinux" O="$RES/bpf"
for k in base objext; do
	"$VM/mkinitramfs.sh" -o "$RES/initramfs-$k.cpio.gz" --timeout 3000 \
		--env "OBJEXT_BENCH_ITERATIONS=$ITER" --env "OBJEXT_BENCH_REPEATS=$REPEATS" \
		--file "$RES/fsnbench:/usr/bin/fsnbench" \
		--file "$RES/bpf/bpf-inode-storage:/usr/bin/bpf-inode-storage" \
		"$HERE/guest.sh" 2>/dev/null
done

for b in $(seq 1 "$BOOTS"); do
	for k in base objext; do
		echo "bench: boot $b, $k kernel"
		# 300 MiB is mkfs.xfs' minimum; the file is sparse.
		rm -f "$RES/xfs.img"
		truncate -s 300M "$RES/xfs.img"
		mkfs.xfs -q "$RES/xfs.img"
		"$VM/run-vm.sh" --kernel "$(bench_bzimage $k)" \
			--initrd "$RES/initramfs-$k.cpio.gz" --log "$RES/$k-$b.log" \
			--disk "$RES/xfs.img" --smp 1 --timeout 3000 --quiet \
			--qemu-arg -icount --qemu-arg shift=0
		grep -q 'OBJEXT-VM-TEST-END guest.sh rc=0' "$RES/$k-$b.log" ||
			{ echo "bench: $k boot $b failed, see $RES/$k-$b.log" >&2; exit 1; }
	done
done

# median CASE KERNEL: median ns/op over all boots and repeats.
median() {
	cat "$RES/$2"-*.log | tr -d '\r' | awk -v c="$1" '$1 == "fsnbench" && $2 == c { print $4 }' |
		sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
			else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
spread() {
	cat "$RES/$2"-*.log | tr -d '\r' | awk -v c="$1" '$1 == "fsnbench" && $2 == c { print $4 }' |
		sort -g | sed -n '1p;$p' | paste -sd' ' | awk '{ printf "%.2f-%.2f", $1, $2 }'
}
# The slab geometry of the same kernels with 1, 2, 4 and 8 CPUs.
"$HERE/slabs.sh"

# inuse CACHE KERNEL: active objects in the slab lines guest.sh prints
# after filling the xfs disk.
inuse() {
	tr -d '\r' < "$RES/$2-1.log" | awk -v c="$1" '$1 == "slabinfo-xfs:" && $2 == c { print $3 }'
}

{
	echo "| case | baseline ns/op | objext ns/op | objext/baseline |"
	echo "|---|---:|---:|---:|"
	for c in write-unwatched write-sb-watched write-watched watch-add-rm watch-fresh \
		 write-bpf-lsm-miss write-bpf-lsm-hit open-close open-close-area \
		 open-close-chrdev read flock posix-lock open-close-ext4 read-ext4 \
		 open-close-xfs read-xfs; do
		b=$(median "$c" base) o=$(median "$c" objext)
		printf '| %s | %s (%s) | %s (%s) | %.3f |\n' "$c" "$b" "$(spread "$c" base)" \
			"$o" "$(spread "$c" objext)" "$(awk -v o="$o" -v b="$b" 'BEGIN { print o / b }')"
	done
	echo
	echo "Cost of the BPF program and its bpf_inode_storage_get() per write:"
	echo "write-bpf-lsm-* minus write-unwatched, medians."
	echo
	echo "| case | baseline ns/op | objext ns/op | objext/baseline |"
	echo "|---|---:|---:|---:|"
	for c in write-bpf-lsm-miss write-bpf-lsm-hit; do
		b=$(awk -v x="$(median "$c" base)" -v y="$(median write-unwatched base)" \
			'BEGIN { printf "%.2f", x - y }')
		o=$(awk -v x="$(median "$c" objext)" -v y="$(median write-unwatched objext)" \
			'BEGIN { printf "%.2f", x - y }')
		printf '| %s | %s | %s | %.3f |\n' "${c#write-}" "$b" "$o" \
			"$(awk -v o="$o" -v b="$b" 'BEGIN { print o / b }')"
	done
	echo
	cat "$RES/slabs.md"
	echo
	echo "xfs_inode objects in use once 2000 files exist on the xfs disk (boot 1):" \
		"baseline $(inuse xfs_inode base), objext $(inuse xfs_inode objext)."
	echo
	echo "$BOOTS boots per kernel, $REPEATS repeats per boot, $ITER iterations" \
		"($((ITER / 10)) for watch-add-rm and watch-fresh); median (min-max) over all;" \
		"QEMU TCG -icount shift=0 -smp 1: 1 ns = 1 guest instruction."
} | tee "$RES/results.md"
