#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# objext-baseline: fail not ok 1 /sys/kernel/debug/objext/inode exists
#
# 10-objext-inode-host.sh - the inode host type is set up and idle.
#
# struct inode is an objext host: its debugfs file names it.  At this
# point of the boot no file is watched or locked, so the only inodes with
# an extension area are the character devices opened so far (console,
# null, ...), and files created, written, renamed, linked or removed get
# none.  The KUnit host types, set up and torn down by the suite at boot,
# are gone again.
# On a kernel without objext there is no /sys/kernel/debug/objext: every
# check here fails.

. /usr/lib/objext/tap.sh

dbg=/sys/kernel/debug/objext
host=$OBJEXT_HOST

if [ -r "$host" ]; then
	tap_ok "$host exists"
else
	tap_not_ok "$host exists" "$(ls "$dbg" 2>&1)"
	tap_done
fi
cat "$host" | sed 's/^/# /'

[ "$(objext_field host)" = inode ] && tap_ok "host is named inode" ||
	tap_not_ok "host is named inode" "$(objext_field host)"

live0=$(objext_field live_areas)
cdevs=$(objext_claimed cdev_inode_slot)
# Both are numbers, at least 1 (/dev/console is open): empty fields, or
# a cdev slot missing from the table, must not compare equal.
case "$live0$cdevs" in *[!0-9]* | "") live0=missing ;; esac
[ "$live0" = "$cdevs" ] && [ "$cdevs" -ge 1 ] &&
	tap_ok "only opened character devices have extension areas" ||
	tap_not_ok "only opened character devices have extension areas" \
		"live_areas: $live0, cdev_inode_slot claimed: $cdevs"

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

live=$(objext_field live_areas)
[ -n "$live" ] && [ "$live" = "$live0" ] && tap_ok "file activity allocates no extension area" ||
	tap_not_ok "file activity allocates no extension area" "live_areas: $live0 -> $live"

left=$(ls "$dbg" | grep -v '^inode$' | tr '\n' ' ')
[ -z "$left" ] && tap_ok "only the inode host remains" ||
	tap_not_ok "only the inode host remains" "also: $left"

tap_done
