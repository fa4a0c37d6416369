#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# objext-baseline: fail
#
# 10-objext-inode-host.sh - the inode host type is set up and idle.
#
# struct inode is an objext host: its debugfs file names it, and as long
# as nothing claims an inode slot (no file is watched at this point of
# the boot), no inode has an extension area, whatever files are created,
# written, renamed, linked or removed.  The KUnit host types, set up and
# torn down by the suite at boot, are gone again.
# On a kernel without objext there is no /sys/kernel/debug/objext: every
# check here fails.

. /usr/lib/objext/tap.sh

dbg=/sys/kernel/debug/objext
host=$dbg/inode

field() {
	sed -n "s/^$1: //p" "$host"
}

if [ -r "$host" ]; then
	tap_ok "$host exists"
else
	tap_not_ok "$host exists" "$(ls "$dbg" 2>&1)"
	tap_done
fi
cat "$host" | sed 's/^/# /'

[ "$(field host)" = inode ] && tap_ok "host is named inode" ||
	tap_not_ok "host is named inode" "$(field host)"

# Ordinary file activity on tmpfs.
mkdir -p /tmp/objext-idle
i=0
while [ $i -lt 200 ]; do
	echo $i > /tmp/objext-idle/f$i
	mv /tmp/objext-idle/f$i /tmp/objext-idle/g$i
	ln -s g$i /tmp/objext-idle/s$i
	cat /tmp/objext-idle/s$i > /dev/null
	i=$((i + 1))
done
rm -rf /tmp/objext-idle

live=$(field live_areas)
[ "$live" = 0 ] && tap_ok "no inode has an extension area" ||
	tap_not_ok "no inode has an extension area" "live_areas: $live"
bytes=$(field live_bytes)
[ "$bytes" = 0 ] && tap_ok "extension areas use no memory" ||
	tap_not_ok "extension areas use no memory" "live_bytes: $bytes"

left=$(ls "$dbg" | grep -v '^inode$' | tr '\n' ' ')
[ -z "$left" ] && tap_ok "only the inode host remains" ||
	tap_not_ok "only the inode host remains" "also: $left"

tap_done
