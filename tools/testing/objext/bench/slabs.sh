#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# slabs.sh - slab geometry of the inode caches, unpatched 6.12 vs objext,
# as the number of CPUs grows (run by run.sh; alone once run.sh has built
# its kernels).
#
# SLUB picks a cache's slab size from the object size and the number of
# CPUs (more CPUs, larger slabs: calculate_order() in mm/slub.c), so
# whether a smaller inode fits more objects into a slab depends on the
# machine.  This boots each kernel of run.sh once per CPU count (QEMU TCG;
# nothing is timed) and reads /proc/slabinfo.
#
# Usage: slabs.sh [--cpus "1 2 4 8"] [--no-run]
#   --no-run  only make the table from the logs of the last run
# Output: build/bench/slabs.md (also printed) and the console logs
# build/bench/slabs-{base,objext}-CPUS.log.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../../.." && pwd)
VM=$REPO/tools/testing/objext/vm
RES=$REPO/build/bench
CPUS="1 2 4 8" RUN=1

while [ $# -gt 0 ]; do
	case "$1" in
	--cpus)   CPUS=${2:?}; shift 2 ;;
	--no-run) RUN=0; shift ;;
	*) echo "usage: $0 [--cpus \"1 2 4 8\"] [--no-run]" >&2; exit 2 ;;
	esac
done

# run_kernels: boot each kernel with each CPU count.
run_kernels() {
	. "$HERE/kernels.sh"
	for k in base objext; do
		[ -f "$(bench_bzimage $k)" ] ||
			{ echo "slabs: no $k kernel in ${bench_out[$k]}; run make bench first" >&2; exit 1; }
	done
	mkdir -p "$RES"
	"$VM/mkinitramfs.sh" -o "$RES/initramfs-slabs.cpio.gz" "$HERE/slabs-guest.sh" 2>/dev/null
	for n in $CPUS; do
		for k in base objext; do
			echo "slabs: $k kernel, $n CPU(s)"
			log=$RES/slabs-$k-$n.log
			"$VM/run-vm.sh" --kernel "$(bench_bzimage $k)" \
				--initrd "$RES/initramfs-slabs.cpio.gz" --log "$log" \
				--smp "$n" --timeout 600 --quiet
			grep -q 'OBJEXT-VM-TEST-END slabs-guest.sh rc=0' "$log" ||
				{ echo "slabs: $k boot with $n CPU(s) failed, see $log" >&2; exit 1; }
		done
	done
}
[ "$RUN" -eq 0 ] || run_kernels

# geometry CACHE KERNEL CPUS: "object size: objects per slab size (bytes
# per object)", bytes per object being slab size / objects per slab, what
# one object really takes; empty if the kernel has no such cache.
geometry() {
	tr -d '\r' < "$RES/slabs-$2-$3.log" | awk -v c="$1" '$1 == "slabinfo:" && $2 == c {
		printf "%d B: %d per %d KiB (%.1f B)", $5, $6, $7 * 4, $7 * 4096 / $6 }'
}
per_object() {
	tr -d '\r' < "$RES/slabs-$2-$3.log" | awk -v c="$1" '$1 == "slabinfo:" && $2 == c {
		print $7 * 4096 / $6 }'
}

{
	echo "| slab cache | CPUs | baseline | objext | memory per object |"
	echo "|---|---:|---|---|---:|"
	for c in inode_cache shmem_inode_cache ext4_inode_cache xfs_inode; do
		for n in $CPUS; do
			b=$(per_object "$c" base "$n") o=$(per_object "$c" objext "$n")
			printf '| %s | %s | %s | %s | %s |\n' "$c" "$n" \
				"$(geometry "$c" base "$n")" "$(geometry "$c" objext "$n")" \
				"$(awk -v o="$o" -v b="$b" 'BEGIN { printf "%+.1f%%", (o / b - 1) * 100 }')"
		done
	done
	# objext's area caches, one per area size: objext_inode-16, -24, ...
	for c in $(tr -d '\r' < "$RES/slabs-objext-${CPUS%% *}.log" |
		awk '$1 == "slabinfo:" && $2 ~ /^objext_inode-/ { print $2 }' | sort -t- -k2n); do
		for n in $CPUS; do
			printf '| %s | %s | | %s | |\n' "$c" "$n" "$(geometry "$c" objext "$n")"
		done
	done
	echo
	echo "Kernels of make bench (VM config plus xfs), booted with slab_nomerge;" \
		"bytes per object = slab size / objects per slab."
} | tee "$RES/slabs.md"
