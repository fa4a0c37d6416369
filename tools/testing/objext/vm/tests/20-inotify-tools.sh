#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 20-inotify-tools.sh - inotify works, driven by Debian's inotify-tools.
#
# inotifywait -m -r watches a tmpfs tree while files and directories are
# created, written, moved and removed; every event must be reported for
# the right path.  inotifywatch counts writes.  Unmounting a filesystem
# with a watched file on it delivers IN_UNMOUNT.  Passes on the
# unpatched kernel and on ours alike: inode marks must keep working after
# they move into an objext slot.

. /usr/lib/objext/tap.sh

for tool in inotifywait inotifywatch; do
	command -v $tool >/dev/null || {
		tap_not_ok "$tool is installed" "not in the initramfs"
		tap_done
	}
done

d=/tmp/inotify-tools
log=/tmp/inotifywait.log
err=/tmp/inotifywait.err
rm -rf $d
mkdir -p $d

inotifywait -m -r -q -e create,modify,close_write,moved_from,moved_to,delete,delete_self \
	--format '%e %w%f' $d > $log 2> $err &
pid=$!
# seen LINE [TENTHS]: wait up to TENTHS/10 s (default 10 s) for
# inotifywait to report LINE.
seen() {
	_s=0
	while ! grep -qxF "$1" $log; do
		[ $_s -lt "${2:-100}" ] || return 1
		sleep 0.1
		_s=$((_s + 1))
	done
}
# ready DIR: create probe files in DIR until inotifywait reports one, so
# that we know its watch on DIR is in place (-q prints nothing when set).
ready() {
	_r=0
	while [ $_r -lt 30 ]; do
		: > "$1/probe$_r"
		seen "CREATE $1/probe$_r" 5 && return 0
		_r=$((_r + 1))
	done
	return 1
}

ready $d && tap_ok "inotifywait watches $d" ||
	tap_not_ok "inotifywait watches $d" "$(cat $err)"
echo hello > $d/f
echo more >> $d/f
mv $d/f $d/g
mkdir $d/sub
ready $d/sub && tap_ok "inotifywait -r adds a watch on a new directory" ||
	tap_not_ok "inotifywait -r adds a watch on a new directory"
echo x > $d/sub/h
mv $d/sub $d/sub2
rm $d/g
rm -r $d/sub2
seen "DELETE,ISDIR $d/sub2"
kill $pid
wait $pid 2>/dev/null

sed 's/^/# event: /' $log
for ev in "CREATE $d/f" "MODIFY $d/f" "CLOSE_WRITE,CLOSE $d/f" \
	"MOVED_FROM $d/f" "MOVED_TO $d/g" "CREATE,ISDIR $d/sub" \
	"CREATE $d/sub/h" "MODIFY $d/sub/h" "MOVED_FROM,ISDIR $d/sub" \
	"MOVED_TO,ISDIR $d/sub2" "DELETE $d/g" "DELETE $d/sub2/h" \
	"DELETE_SELF $d/sub2/" "DELETE,ISDIR $d/sub2"; do
	grep -qxF "$ev" $log && tap_ok "inotifywait: $ev" ||
		tap_not_ok "inotifywait: $ev" "not reported; stderr: $(cat $err)"
done
from=$(grep -n "^MOVED_FROM $d/f\$" $log | cut -d: -f1)
to=$(grep -n "^MOVED_TO $d/g\$" $log | cut -d: -f1)
[ -n "$from" ] && [ -n "$to" ] && [ "$from" -lt "$to" ] &&
	tap_ok "inotifywait: MOVED_FROM before MOVED_TO" ||
	tap_not_ok "inotifywait: MOVED_FROM before MOVED_TO" "lines $from, $to"

# inotifywatch: one write to each of 5 files (different files, so that no
# event merges into an identical one still queued), counted per file.
mkdir -p $d
for i in 1 2 3 4 5; do : > $d/w$i; done
out=/tmp/inotifywatch.out
inotifywatch -t 4 -e modify $d/w1 $d/w2 $d/w3 $d/w4 $d/w5 > $out 2>&1 &
pid=$!
i=0
while ! grep -q 'Finished establishing' $out && [ $i -lt 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
for i in 1 2 3 4 5; do echo $i >> $d/w$i; done
wait $pid
sed 's/^/# inotifywatch: /' $out
n=$(awk '$NF ~ /\/w[1-5]$/ { n += $1 } END { print n + 0 }' $out)
[ "$n" = 5 ] && tap_ok "inotifywatch counts 5 modify events" ||
	tap_not_ok "inotifywatch counts 5 modify events" "got '$n'"
rm -rf $d

# Unmount with watches in place (fsnotify_sb_delete): inotifywait hears
# IN_UNMOUNT for the watched file, the unmount succeeds.
if scratch_fs_mount inotify-ext2; then
	mnt=$SCRATCH_MNT
	: > $mnt/file
	log=/tmp/inotifywait-umount.log
	: > $log
	inotifywait -m -e unmount,modify --format '%e %w%f' $mnt/file > $log 2> $err &
	pid=$!
	i=0
	while ! grep -q "MODIFY $mnt/file" $log && [ $i -lt 50 ]; do
		echo x >> $mnt/file
		sleep 0.1
		i=$((i + 1))
	done
	umount $mnt && tap_ok "unmount with a watch inside" ||
		tap_not_ok "unmount with a watch inside"
	seen "UNMOUNT $mnt/file" && tap_ok "inotifywait: UNMOUNT $mnt/file" ||
		tap_not_ok "inotifywait: UNMOUNT $mnt/file" "$(cat $log)"
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
else
	tap_not_ok "mount a scratch ext2 filesystem"
fi
scratch_fs_release

tap_done
