#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# objext-needs: test_progs
#
# 47-bpf-selftest-local-storage.sh - the kernel's own BPF selftest of
# inode storage, test_local_storage: inode, task and socket storage from
# BPF LSM programs, the map calls from user space, a program's unlink of
# its own executable refused, a rename to a new name.  test_progs is
# built with that one test by bpf/build-selftest.sh (boot-test.sh does
# it for a test tagged "objext-needs: test_progs").  Passes only if
# test_progs exits 0 and reports one test passed and nothing skipped or
# failed: a test that only skipped exits 0 too.  Must pass on the
# unpatched kernel too.

. /usr/lib/objext/tap.sh

# The test copies /bin/rm and runs the copy; busybox's rm, a link to
# busybox, would not answer to the copy's name.
busybox_rm=$(readlink /bin/rm)
tap_check "coreutils' rm installed as /bin/rm" \
	sh -c 'cp /usr/lib/objext/coreutils-rm /bin/rm.new && mv -f /bin/rm.new /bin/rm'

cd /tmp || exit 1
/usr/bin/test_progs -v -t test_local_storage >/tmp/test_progs.log 2>&1
rc=$?
sed 's/^/# /' /tmp/test_progs.log

[ -n "$busybox_rm" ] && ln -sf "$busybox_rm" /bin/rm

[ $rc -eq 0 ] || echo "# test_progs exited $rc"
tap_check "test_progs -t test_local_storage exits 0" [ $rc -eq 0 ]
tap_check "... and ran that one test, which passed" \
	grep -qx 'Summary: 1/0 PASSED, 0 SKIPPED, 0 FAILED' /tmp/test_progs.log
tap_done
