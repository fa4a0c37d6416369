#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 45-bpf-inode-storage-softirq.sh - inode storage created from a BPF LSM
# program in softirq context: lsm/socket_sock_rcv_skb runs when a UDP
# datagram over loopback is received (net_rx_action), and creates storage
# on the receiving socket's inode.  6.12 did this with the storage's own
# IRQ-safe lock; taking the inode's i_lock there would deadlock against
# a task holding it on the same CPU, which lockdep reports on the first
# such call (the console check fails the run on that report).  Must pass
# on the unpatched kernel too.

. /usr/lib/objext/tap.sh
. /usr/lib/objext/inode-storage-checks.sh

bpf_fs_mount || { tap_not_ok "mount bpffs"; tap_done; }
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
pin=$BPF_PIN_ROOT/sock

if ! bpf-inode-storage attach $pin /tmp count_sock_rcv; then
	tap_not_ok "count_sock_rcv: load and attach"
	tap_done
fi
tap_ok "count_sock_rcv: load and attach"

got=$(bpf-inode-storage udp $pin 100)
[ "$got" = "received=100 counter=100" ] &&
	tap_ok "100 datagrams over loopback: the socket inode's storage counted 100" ||
	tap_not_ok "100 datagrams over loopback: the socket inode's storage counted 100" "$got"
got=$(bpf-inode-storage udp $pin 10)
[ "$got" = "received=10 counter=10" ] &&
	tap_ok "a second socket: its own storage, 10" ||
	tap_not_ok "a second socket: its own storage, 10" "$got"
[ "$(stat_of $pin sock_no_storage)" = 0 ] &&
	tap_ok "no datagram went without storage" ||
	tap_not_ok "no datagram went without storage" "$(bpf-inode-storage stats $pin)"

rm -r $pin
# The sockets are closed: their inodes, and storage, are gone.
tap_done
