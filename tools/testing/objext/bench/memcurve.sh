#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# memcurve.sh - slab memory per file, unpatched 6.12 vs objext, as the
# fraction of files that carry an extension grows (make memcurve).
#
# Boots the two kernels of run.sh (VM config plus xfs, built into
# build/out-bench-base and build/out-bench; built here unless --no-build)
# one after the other, each running memcurve-guest.sh: COUNT files on a
# fresh tmpfs and on a fresh ext4, then, in four passes, inotify watches,
# file locks, BPF inode storage (a BPF LSM program on file_open), or
# watches and locks together on 0, 1, 10, 50 and 100% of them.  Memory is
# deterministic, so neither repeats nor -icount are needed.
#
# Bytes per file = growth, since before the files were made, of the slab
# pages of the caches that hold inodes and their extensions (the
# filesystem's inode cache, objext_inode-*, fsnotify_mark_connector,
# inotify_inode_mark, file_lock_ctx, lsm_inode_cache), divided by COUNT.
# Dentries are the same on both kernels and are left out, as are the BPF
# storage elements (kmalloc, the same on both); the Slab line of
# /proc/meminfo (everything) is reported beside it.
#
# Usage: memcurve.sh [--no-build] [--no-run] [--count N]
#   --no-run  only make the table and the plot from the logs of the last run
# Output: build/bench/memcurve.md (also printed), build/bench/memcurve.png,
# the raw console logs build/bench/memcurve-{base,objext}.log.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../../.." && pwd)
VM=$REPO/tools/testing/objext/vm
RES=$REPO/build/bench
BUILD=1 RUN=1 COUNT=200000
while [ $# -gt 0 ]; do
	case "$1" in
	--no-build) BUILD=0; shift ;;
	--no-run)   RUN=0; shift ;;
	--count)    COUNT=${2:?}; shift 2 ;;
	*) echo "usage: $0 [--no-build] [--no-run] [--count N]" >&2; exit 2 ;;
	esac
done
# run_kernels: build (unless --no-build) and boot both kernels.
run_kernels() {
	export CCACHE_BASEDIR=$REPO CCACHE_NOHASHDIR=true
	make -s -C "$REPO" pristine
	. "$HERE/kernels.sh"
	gcc -O2 -Wall -Wextra -Werror -static -o "$RES/memcurve" "$HERE/memcurve.c"
	if [ "$BUILD" -eq 1 ]; then
		bench_build_kernels
	else
		bench_build_kernels --if-missing
	fi
	# The BPF pass's loader, CO-RE against the objext kernel's BTF.
	make -s -C "$VM/bpf" VMLINUX="${bench_out[objext]}/vmlinux" O="$RES/bpf" ||
		{ echo "memcurve: building the BPF loader failed" >&2; exit 1; }
	"$VM/mkinitramfs.sh" -o "$RES/initramfs-memcurve.cpio.gz" --timeout 7000 \
		--env "OBJEXT_MEMCURVE_COUNT=$COUNT" \
		--file "$RES/memcurve:/usr/bin/memcurve" \
		--file "$RES/bpf/bpf-inode-storage:/usr/bin/bpf-inode-storage" \
		--file /usr/sbin/mke2fs:/usr/sbin/mkfs.ext4 \
		--file /etc/mke2fs.conf:/etc/mke2fs.conf \
		"$HERE/memcurve-guest.sh" 2>/dev/null
	for k in base objext; do
		echo "memcurve: $k kernel, $COUNT files"
		"$VM/run-vm.sh" --kernel "$(bench_bzimage $k)" \
			--initrd "$RES/initramfs-memcurve.cpio.gz" --log "$RES/memcurve-$k.log" \
			--mem 3G --smp 2 --timeout 7200 --quiet
		grep -q 'OBJEXT-VM-TEST-END memcurve-guest.sh rc=0' "$RES/memcurve-$k.log" ||
			{ echo "memcurve: $k run failed, see $RES/memcurve-$k.log" >&2; exit 1; }
	done
}

command -v gnuplot >/dev/null || { echo "memcurve: gnuplot not found (make deps)" >&2; exit 1; }
mkdir -p "$RES"
if [ "$RUN" -eq 1 ]; then
	run_kernels
else
	COUNT=$(tr -d '\r' < "$RES/memcurve-base.log" | sed -n 's/^memcurve: count //p' | head -n 1)
fi

# bytes KERNEL FS MODE PERCENT: slab bytes per file of the inode caches.
bytes() {
	tr -d '\r' < "$RES/memcurve-$1.log" | awk -v fs="$2" -v mode="$3" -v p="$4" -v n="$COUNT" '
		$1 == "memcurve" && $2 == fs && $3 == mode && $5 == "slab" &&
		($6 == (fs == "tmpfs" ? "shmem_inode_cache" : "ext4_inode_cache") ||
		 $6 ~ /^(objext_inode-[0-9]+|fsnotify_mark_connector|inotify_inode_mark|file_lock_ctx|lsm_inode_cache)$/) {
			b = $9 * $10 * 4096
			if ($4 == "empty") before += b; else if ($4 == p) after += b
		}
		END { printf "%.1f\n", (after - before) / n }'
}
# slabkb KERNEL FS MODE PERCENT: growth of Slab in /proc/meminfo per file.
slabkb() {
	tr -d '\r' < "$RES/memcurve-$1.log" | awk -v fs="$2" -v mode="$3" -v p="$4" -v n="$COUNT" '
		$1 == "memcurve" && $2 == fs && $3 == mode && $5 == "meminfo" {
			if ($4 == "empty") before = $7; else if ($4 == p) after = $7
		}
		END { printf "%.1f\n", (after - before) * 1024 / n }'
}

# breakeven SERIES: the fraction (%) where objext - baseline turns from
# negative to non-negative, linear between measured points; nothing if
# objext uses less at every point.
breakeven() {
	awk -v s="$1" '$1 == s { p[n] = $2; d[n] = $4 - $3; n++ }
		END {
			for (i = 1; i < n; i++)
				if (d[i - 1] < 0 && d[i] >= 0) {
					printf "%.0f\n", p[i - 1] + (p[i] - p[i - 1]) * -d[i - 1] / (d[i] - d[i - 1])
					exit
				}
		}' "$data"
}

steps="0 1 10 50 100"
modes="watch lock bpf watch+lock"
data=$RES/memcurve.dat
: > "$data"
{
	echo "| filesystem | extension | files extended | baseline B/file | objext B/file | objext - baseline | Slab (meminfo) B/file, baseline / objext |"
	echo "|---|---|---:|---:|---:|---:|---:|"
	for fs in tmpfs ext4; do
		for mode in $modes; do
			for p in $steps; do
				b=$(bytes base $fs $mode "$p") o=$(bytes objext $fs $mode "$p")
				printf '| %s | %s | %s%% | %s | %s | %+.1f | %s / %s |\n' "$fs" "$mode" "$p" \
					"$b" "$o" "$(awk -v o="$o" -v b="$b" 'BEGIN { print o - b }')" \
					"$(slabkb base $fs $mode "$p")" "$(slabkb objext $fs $mode "$p")"
				echo "$fs-$mode $p $b $o" >> "$data"
			done
		done
	done
	echo
	echo "Break-even (objext - baseline = 0, linear between measured points):"
	echo
	for fs in tmpfs ext4; do
		for mode in $modes; do
			x=$(breakeven "$fs-$mode")
			if [ -n "$x" ]; then
				echo "- $fs, $mode: $x% of the files extended"
			else
				echo "- $fs, $mode: objext uses less at every measured fraction"
			fi
		done
	done
	echo
	echo "$COUNT files per filesystem; slab pages of the filesystem's inode cache," \
		"objext_inode-*, fsnotify_mark_connector, inotify_inode_mark, file_lock_ctx" \
		"and lsm_inode_cache," \
		"growth since before the files were made."
} | tee "$RES/memcurve.md"

# One panel per filesystem: 6.12 dashed, objext solid, break-even dotted.
for s in tmpfs-watch tmpfs-lock tmpfs-bpf tmpfs-watch+lock \
	ext4-watch ext4-lock ext4-bpf ext4-watch+lock; do
	x=$(breakeven "$s")
	[ -z "$x" ] || echo "$s $x"
done > "$RES/memcurve-breakeven.dat"
gnuplot <<EOF
set terminal pngcairo size 1100,480 font ",10"
set output "$RES/memcurve.png"
set multiplot layout 1,2 title "Slab memory per file, $COUNT files: 6.12 (dashed) vs objext (solid)"
set xlabel "files with an extension (%)"
set ylabel "bytes per file (inode cache + extensions)"
set key top left
set grid
set xrange [0:100]
do for [fs in "tmpfs ext4"] {
	unset arrow
	unset label
	i = 0
	do for [m in "watch lock bpf watch+lock"] {
		i = i + 1
		x = system("awk '\$1 == \"" . fs . "-" . m . "\" { print \$2 }' $RES/memcurve-breakeven.dat")
		if (strlen(x) > 0) {
			set arrow from x + 0, graph 0 to x + 0, graph 1 nohead dt 3 lc i
			set label m . " break-even " . x . "%" at x + 1, graph 0.06 + 0.07 * i tc lt i
		}
	}
	set title fs
	plot for [i = 1:4] "$data" using 2:(stringcolumn(1) eq fs."-".word("watch lock bpf watch+lock", i) ? \$3 : 1/0) \
		with linespoints lc i dt 2 pt 6 title word("watch lock bpf watch+lock", i).", 6.12", \
	     for [i = 1:4] "$data" using 2:(stringcolumn(1) eq fs."-".word("watch lock bpf watch+lock", i) ? \$4 : 1/0) \
		with linespoints lc i dt 1 pt 7 title word("watch lock bpf watch+lock", i).", objext"
}
unset multiplot
EOF
echo "memcurve: plot in $RES/memcurve.png"
