#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# memcurve.sh - slab memory per file, unpatched 6.12 vs objext, as the
# fraction of files that carry an extension grows (make memcurve).
#
# Boots the two kernels of run.sh (plain VM config, built into
# build/out-vm-base and build/out-bench; built here unless --no-build)
# one after the other, each running memcurve-guest.sh: COUNT files on a
# fresh tmpfs and on a fresh ext4, then inotify watches or file locks on
# 0, 1, 10, 50 and 100% of them.  Memory is deterministic, so neither
# repeats nor -icount are needed.
#
# Bytes per file = growth, since before the files were made, of the slab
# pages of the caches that hold inodes and their extensions (the
# filesystem's inode cache, objext_inode, fsnotify_mark_connector,
# inotify_inode_mark, file_lock_ctx), divided by COUNT.  Dentries are the
# same on both kernels and are left out; the Slab line of /proc/meminfo
# (everything) is reported beside it.
#
# Usage: memcurve.sh [--no-build] [--count N]
# Output: build/bench/memcurve.md (also printed), build/bench/memcurve.png,
# the raw console logs build/bench/memcurve-{base,objext}.log.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../../.." && pwd)
VM=$REPO/tools/testing/objext/vm
RES=$REPO/build/bench
BUILD=1 COUNT=200000
while [ $# -gt 0 ]; do
	case "$1" in
	--no-build) BUILD=0; shift ;;
	--count)    COUNT=${2:?}; shift 2 ;;
	*) echo "usage: $0 [--no-build] [--count N]" >&2; exit 2 ;;
	esac
done
export CCACHE_BASEDIR=$REPO CCACHE_NOHASHDIR=true
command -v gnuplot >/dev/null || { echo "memcurve: gnuplot not found (make deps)" >&2; exit 1; }
mkdir -p "$RES"
make -s -C "$REPO" pristine
declare -A src=([base]=$REPO/build/pristine [objext]=$REPO/build/linux)
declare -A out=([base]=$REPO/build/out-vm-base [objext]=$REPO/build/out-bench)
gcc -O2 -Wall -Wextra -Werror -static -o "$RES/memcurve" "$HERE/memcurve.c"
for k in base objext; do
	if [ "$BUILD" -eq 1 ] || [ ! -f "${out[$k]}/arch/x86/boot/bzImage" ]; then
		echo "memcurve: building $k kernel"
		"$VM/build-kernel.sh" --src "${src[$k]}" --out "${out[$k]}" \
			--fragments vm.config > "$RES/build-$k.log" 2>&1 ||
			{ tail -n 30 "$RES/build-$k.log"; exit 1; }
	fi
done
"$VM/mkinitramfs.sh" -o "$RES/initramfs-memcurve.cpio.gz" --timeout 7000 \
	--env "OBJEXT_MEMCURVE_COUNT=$COUNT" \
	--file "$RES/memcurve:/usr/bin/memcurve" \
	--file /usr/sbin/mke2fs:/usr/sbin/mkfs.ext4 \
	--file /etc/mke2fs.conf:/etc/mke2fs.conf \
	"$HERE/memcurve-guest.sh" 2>/dev/null
for k in base objext; do
	echo "memcurve: $k kernel, $COUNT files"
	"$VM/run-vm.sh" --kernel "${out[$k]}/arch/x86/boot/bzImage" \
		--initrd "$RES/initramfs-memcurve.cpio.gz" --log "$RES/memcurve-$k.log" \
		--mem 3G --smp 2 --timeout 7200 --quiet
	grep -q 'OBJEXT-VM-TEST-END memcurve-guest.sh rc=0' "$RES/memcurve-$k.log" ||
		{ echo "memcurve: $k run failed, see $RES/memcurve-$k.log" >&2; exit 1; }
done

# bytes KERNEL FS MODE PERCENT: slab bytes per file of the inode caches.
bytes() {
	tr -d '\r' < "$RES/memcurve-$1.log" | awk -v fs="$2" -v mode="$3" -v p="$4" -v n="$COUNT" '
		$1 == "memcurve" && $2 == fs && $3 == mode && $5 == "slab" &&
		($6 == (fs == "tmpfs" ? "shmem_inode_cache" : "ext4_inode_cache") ||
		 $6 ~ /^(objext_inode|fsnotify_mark_connector|inotify_inode_mark|file_lock_ctx)$/) {
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

steps="0 1 10 50 100"
data=$RES/memcurve.dat
: > "$data"
{
	echo "| filesystem | extension | files extended | baseline B/file | objext B/file | objext - baseline | Slab (meminfo) B/file, baseline / objext |"
	echo "|---|---|---:|---:|---:|---:|---:|"
	for fs in tmpfs ext4; do
		for mode in watch lock; do
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
		for mode in watch lock; do
			awk -v s="$fs-$mode" '$1 == s { p[n] = $2; d[n] = $4 - $3; n++ }
				END {
					for (i = 1; i < n; i++)
						if (d[i - 1] < 0 && d[i] >= 0) {
							x = p[i - 1] + (p[i] - p[i - 1]) * -d[i - 1] / (d[i] - d[i - 1])
							printf "- %s: %.0f%% of the files extended\n", s, x
							exit
						}
					printf "- %s: objext uses less at every measured fraction\n", s
				}' "$data"
		done
	done
	echo
	echo "$COUNT files per filesystem; slab pages of the filesystem's inode cache," \
		"objext_inode, fsnotify_mark_connector, inotify_inode_mark and file_lock_ctx," \
		"growth since before the files were made."
} | tee "$RES/memcurve.md"

gnuplot <<EOF
set terminal pngcairo size 900,560 font ",10"
set output "$RES/memcurve.png"
set title "Slab memory per file ($COUNT files): 6.12 vs objext"
set xlabel "files with an extension (%)"
set ylabel "bytes per file (inode caches + extensions)"
set key top left
set grid
plot for [s in "tmpfs-watch tmpfs-lock ext4-watch ext4-lock"] \
	"$data" using 2:(stringcolumn(1) eq s ? \$3 : 1/0) with linespoints dt 2 title s." 6.12", \
     for [s in "tmpfs-watch tmpfs-lock ext4-watch ext4-lock"] \
	"$data" using 2:(stringcolumn(1) eq s ? \$4 : 1/0) with linespoints dt 1 title s." objext"
EOF
echo "memcurve: plot in $RES/memcurve.png"
