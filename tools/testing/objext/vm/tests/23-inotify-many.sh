#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 23-inotify-many.sh - 20,000 inotify watches, one per file, added, used
# and removed (progs/inotify-many.c).  Same results on both kernels;
# 30-fsnotify-objext.sh looks at the memory side of the same workload.
# (50,000 until 2026-12-06: 3 min 23 s of a cold CI run's vm step under
# KASAN and TCG, for no path that 20,000 do not take.)

rm -rf /tmp/many
mkdir -p /tmp/many
inotify-many /tmp/many 20000
rc=$?
rm -rf /tmp/many
exit $rc
