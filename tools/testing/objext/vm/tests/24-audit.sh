#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 24-audit.sh - audit watches and audit trees, the kernel's other users
# of inode marks, driven by Debian's auditctl.
#
# A watch rule (-F path=FILE, kernel/audit_watch.c) marks the file's
# parent directory; a tree rule (-F dir=DIR, kernel/audit_tree.c)
# attaches a chunk to the directory, which the syscall exit path
# (kernel/auditsc.c) finds by walking up from each path it records.
# With no auditd running, records go to the kernel log: a write to the
# watched file or below the tree must produce a record with the rule's
# key, a write elsewhere none, and nothing once the rules are deleted.
# Same results on both kernels.

. /usr/lib/objext/tap.sh

command -v auditctl >/dev/null || {
	tap_not_ok "auditctl is installed" "not in the initramfs"
	tap_done
}

# count KEY: syscall records of our writers (comm "sh"; auditctl's own
# rule changes are recorded too) in the kernel log with key="KEY".
count() { dmesg | grep 'type=1300 ' | grep 'comm="sh"' | grep -c "key=\"$1\""; }
# run CMD: in a new process, which gets an audit context (the shell
# predates `auditctl -e 1`).
run() { sh -c "$1"; }
# wait_count KEY N: kauditd prints asynchronously; wait up to 10 s for at
# least N records.
wait_count() {
	_i=0
	while [ "$(count "$1")" -lt "$2" ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	[ "$(count "$1")" -ge "$2" ]
}

echo 0 > /proc/sys/kernel/printk_ratelimit
auditctl -D >/dev/null
tap_check "auditctl -e 1 enables auditing" auditctl -e 1

mkdir -p /tmp/audit-w /tmp/audit-t/sub /tmp/audit-x
tap_check "add watch rule on /tmp/audit-w/file" \
	auditctl -a always,exit -F path=/tmp/audit-w/file -F perm=wa -k objext_watch
tap_check "add tree rule on /tmp/audit-t" \
	auditctl -a always,exit -F dir=/tmp/audit-t -F perm=wa -k objext_tree
rules=$(auditctl -l)
echo "$rules" | sed 's/^/# rule: /'
case "$rules" in
*objext_watch*objext_tree* | *objext_tree*objext_watch*) tap_ok "both rules listed" ;;
*) tap_not_ok "both rules listed" ;;
esac

w0=$(count objext_watch) t0=$(count objext_tree)
run 'echo z > /tmp/audit-x/file'
run 'echo x > /tmp/audit-w/file'
run 'echo y > /tmp/audit-t/sub/file'
wait_count objext_watch $((w0 + 1)) && tap_ok "write to the watched file is recorded" ||
	tap_not_ok "write to the watched file is recorded" "records $w0 -> $(count objext_watch)"
wait_count objext_tree $((t0 + 1)) && tap_ok "write below the tree is recorded" ||
	tap_not_ok "write below the tree is recorded" "records $t0 -> $(count objext_tree)"
# Records come out in order: the elsewhere write was done first.
n=$(dmesg | grep -c 'name="/tmp/audit-x/file"')
[ "$n" = 0 ] && tap_ok "write elsewhere is not recorded" ||
	tap_not_ok "write elsewhere is not recorded" "$n records"

# Trimming walks the tree's chunks, keyed by inode (compare_root()); the
# tree must still be in force afterwards.
t1=$(count objext_tree)
tap_check "auditctl -t trims the trees" auditctl -t
run 'echo y >> /tmp/audit-t/sub/file'
wait_count objext_tree $((t1 + 1)) && tap_ok "tree still recorded after trimming" ||
	tap_not_ok "tree still recorded after trimming" "records $t1 -> $(count objext_tree)"

w1=$(count objext_watch) t1=$(count objext_tree)
tap_check "auditctl -D deletes the rules" auditctl -D
run 'echo x >> /tmp/audit-w/file'
run 'echo y >> /tmp/audit-t/sub/file'
# Sentinel: kauditd prints in order, so once the record of this setting
# is out, any record of the writes above would be out too.
sentinel() { dmesg | grep -c 'op=set audit_enabled=1 old=1'; }
s0=$(sentinel)
auditctl -e 1 >/dev/null
i=0
while [ "$(sentinel)" -le "$s0" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ "$(count objext_watch)" = "$w1" ] && [ "$(count objext_tree)" = "$t1" ] &&
	tap_ok "no records once the rules are gone" ||
	tap_not_ok "no records once the rules are gone"

auditctl -e 0 >/dev/null
rm -rf /tmp/audit-w /tmp/audit-t /tmp/audit-x
tap_done
