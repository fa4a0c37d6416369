#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 22-dnotify.sh - dnotify (fcntl F_NOTIFY) on a tmpfs directory: create,
# modify, rename and delete signal the watcher, one-shot and multishot.
# The checks are in progs/dnotify.c; same results on both kernels.

rm -rf /tmp/dn
mkdir -p /tmp/dn
dnotify /tmp/dn
rc=$?
rm -rf /tmp/dn
exit $rc
