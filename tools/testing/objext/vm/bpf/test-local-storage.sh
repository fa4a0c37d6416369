#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# test-local-storage.sh - runs the kernel's BPF selftest
# test_local_storage (test_progs, built by vm/bpf-selftest.sh) in the
# VM.  Passes only if test_progs exits 0 and reports that one test
# passed, with nothing skipped or failed: a filter that matched no test
# would exit 0 too.

. /usr/lib/objext/tap.sh

# The test copies /bin/rm and runs the copy; busybox's rm, a link to
# busybox, would not answer to the copy's name.
busybox_rm=$(readlink /bin/rm)
rm -f /bin/rm && cp /usr/lib/objext/coreutils-rm /bin/rm

cd /tmp || exit 1
/usr/bin/test_progs -v -t test_local_storage >/tmp/test_progs.log 2>&1
rc=$?
sed 's/^/# /' /tmp/test_progs.log

[ -n "$busybox_rm" ] && /bin/rm -f /bin/rm && ln -s "$busybox_rm" /bin/rm

tap_check "test_progs -t test_local_storage exits 0 (it exited $rc)" [ $rc -eq 0 ]
tap_check "... and ran that one test, which passed" \
	grep -qx 'Summary: 1/0 PASSED, 0 SKIPPED, 0 FAILED' /tmp/test_progs.log
tap_done
