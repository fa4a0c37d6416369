#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 20-inotify-tools.sh - inotify works, driven by Debian's inotify-tools.
#
# inotifywait -m -r watches a tmpfs tree while files and directories are
# created, written, moved and removed; every event must be reported for
# the right path.  inotifywatch counts writes to one file.  Passes on the
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
# With -q inotifywait prints nothing once its watches are set: poll until
# an event on a probe file shows up.
i=0
while [ $i -lt 50 ]; do
	: > $d/probe
	grep -q "^CREATE $d/probe\$" $log && break
	sleep 0.1
	i=$((i + 1))
done
rm -f $d/probe

echo hello > $d/f
echo more >> $d/f
mv $d/f $d/g
mkdir $d/sub
sleep 0.3 # inotifywait -r adds its watch on sub/ when it sees the create
echo x > $d/sub/h
mv $d/sub $d/sub2
rm $d/g
rm -r $d/sub2
sleep 0.5
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

# inotifywatch: 5 writes to one file, counted.
: > $d/w
inotifywatch -t 4 -e modify $d/w > /tmp/inotifywatch.out 2>&1 &
pid=$!
sleep 1
# Apart in time: inotify merges an event into an identical one still queued.
for i in 1 2 3 4 5; do
	echo $i >> $d/w
	sleep 0.2
done
wait $pid
sed 's/^/# inotifywatch: /' /tmp/inotifywatch.out
n=$(awk -v f=$d/w '$NF == f { print $1 }' /tmp/inotifywatch.out)
[ "$n" = 5 ] && tap_ok "inotifywatch counts 5 modify events" ||
	tap_not_ok "inotifywatch counts 5 modify events" "got '$n'"

rm -rf $d
tap_done
