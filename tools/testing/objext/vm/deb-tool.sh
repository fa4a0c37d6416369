#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb-tool.sh - one program out of a Debian package, without installing it.
#
# Usage: deb-tool.sh PACKAGE PATH DIR
#
# Prints DIR/PACKAGE/PATH, downloading the package with `apt-get download`
# and unpacking it there first if needed.  For tools whose package would
# also install and start a daemon on the host (auditctl comes with auditd);
# their libraries come from ordinary packages (dev/deps.sh).

set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 PACKAGE PATH DIR" >&2; exit 2; }
pkg=$1 path=${2#/} dir=$3/$1

if [ ! -x "$dir/$path" ]; then
	mkdir -p "$dir"
	rm -f "$dir"/*.deb
	if ! (cd "$dir" && apt-get download -q "$pkg" >/dev/null 2>&1); then
		apt-get update -q >/dev/null
		(cd "$dir" && apt-get download -q "$pkg" >/dev/null)
	fi
	dpkg-deb -x "$dir"/*.deb "$dir"
	[ -x "$dir/$path" ] || { echo "deb-tool: $pkg has no $path" >&2; exit 1; }
fi
echo "$dir/$path"
