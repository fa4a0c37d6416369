#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# init.sh - /init of the objext test initramfs (busybox ash).
#
# Mounts the pseudo filesystems, runs every executable in /tests (sorted
# by name), then prints the end marker and powers the VM off.
#
# Console protocol (parsed by check-log.sh):
#   OBJEXT-VM-INIT start                  init is running
#   OBJEXT-VM-TEST-BEGIN <name>           before each test
#   ...the test's own "ok N x" / "not ok N x" lines...
#   OBJEXT-VM-TEST-END <name> rc=<rc> result=<pass|fail|skip>
#   not ok - <name> exited with rc=<rc>   only if the test failed (rc not 0
#                                         or 77) without printing "not ok"
#   OBJEXT-VM-DONE rc=<number of failed tests>
#
# Test exit codes: 0 pass, 77 skip, anything else fail.  A test killed by
# the per-test timeout exits 137 (SIGKILL) and so counts as failed.
#
# Kernel command line knobs (read from /proc/cmdline):
#   objext_vm.tests=GLOB      only run tests whose file name matches GLOB
#   objext_vm.timeout=SECS    per-test timeout (default from the env file, 300)

export PATH=/bin:/sbin:/usr/bin:/usr/sbin

# devtmpfs first so /dev/console exists, then take it as stdio: this works
# even if the cpio archive carries no /dev/console node.
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1

echo "OBJEXT-VM-INIT start"

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null ||
	echo "objext-vm: warning: cannot mount debugfs"
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /dev/pts /dev/shm
mount -t tmpfs -o mode=1777 tmpfs /dev/shm

# Settings baked in by mkinitramfs.sh (--env KEY=VALUE), exported to tests.
OBJEXT_VM_TIMEOUT=300
if [ -f /etc/objext-vm.env ]; then
	set -a
	. /etc/objext-vm.env
	set +a
fi
export OBJEXT_VM=1

filter='*'
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	objext_vm.tests=*)   filter=${arg#objext_vm.tests=} ;;
	objext_vm.timeout=*) OBJEXT_VM_TIMEOUT=${arg#objext_vm.timeout=} ;;
	esac
done

echo "objext-vm: kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) cpu(s), uptime $(cut -d' ' -f1 /proc/uptime)s"

pass=0 fail=0 skip=0
for t in /tests/*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	name=${t##*/}
	case "$name" in
	$filter) ;;
	*) continue ;;
	esac

	echo "OBJEXT-VM-TEST-BEGIN $name"
	mkdir -p "/tmp/objext-test/$name"
	# Stream the output (a test may crash the kernel midway) while also
	# keeping a copy to see whether the test reported its own failure.
	# The exit status travels through a file because of the pipe.
	(
		cd "/tmp/objext-test/$name" &&
		timeout -s KILL "$OBJEXT_VM_TIMEOUT" "$t" </dev/null
		echo $? > /tmp/objext-test/rc
	) 2>&1 | tee "/tmp/objext-test/$name.out"
	rc=$(cat /tmp/objext-test/rc 2>/dev/null || echo 255)

	case "$rc" in
	0)  result=pass; pass=$((pass + 1)) ;;
	77) result=skip; skip=$((skip + 1)) ;;
	*)  result=fail; fail=$((fail + 1)) ;;
	esac
	echo "OBJEXT-VM-TEST-END $name rc=$rc result=$result"
	if [ "$result" = fail ] && ! grep -q '^not ok' "/tmp/objext-test/$name.out"; then
		echo "not ok - $name exited with rc=$rc"
	fi
done

# kmemleak (when configured): two explicit scans so that objects leaked
# during the tests are old enough to be reported; any report is printed
# to the console, where check-log.sh flags it.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo "objext-vm: kmemleak scan"
	echo scan > /sys/kernel/debug/kmemleak
	sleep 6
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
fi

echo "objext-vm summary: pass=$pass fail=$fail skip=$skip"
echo "OBJEXT-VM-DONE rc=$fail"

# Flush, then leave.  With ACPI, poweroff exits QEMU.  Without ACPI (the
# default vm.config) a poweroff would just halt the CPUs, so reboot
# instead: QEMU runs with -no-reboot and exits on the reset.
sync
if [ -d /sys/firmware/acpi ]; then
	poweroff -f
	sleep 5
fi
reboot -f
