#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 23-inotify-many.sh - 50,000 inotify watches, one per file, added, used
# and removed (progs/inotify-many.c).  Same results on both kernels;
# 30-fsnotify-objext.sh looks at the memory side of the same workload.

rm -rf /tmp/many
mkdir -p /tmp/many
inotify-many /tmp/many 50000
rc=$?
rm -rf /tmp/many
exit $rc
