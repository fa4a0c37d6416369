#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb-tool.sh - one program out of a Debian package, without installing it.
#
# Usage: deb-tool.sh PACKAGE[=VERSION] PATH DIR
#
# Prints DIR/PACKAGE[_VERSION]/PATH, downloading the package with
# `apt-get download` and unpacking it there first if needed.  For tools
# whose package would also install and start a daemon on the host
# (auditctl comes with auditd; their libraries come from ordinary
# packages, dev/deps.sh), and for the baseline kernel (a linux-image
# package, whose installation would run the host's initramfs and boot
# loader hooks).

set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 PACKAGE[=VERSION] PATH DIR" >&2; exit 2; }
pkg=$1 path=${2#/} dir=$3/${1/=/_}

# One download and unpack of a package at a time (make test's pahole
# step and vm-base both want the baseline kernel package).
mkdir -p "$3"
exec 9>"$dir.lock"
flock 9
if [ ! -f "$dir/$path" ] || [ ! -f "$dir/.unpacked" ]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	if ! (cd "$dir" && apt-get download -q "$pkg" >/dev/null 2>&1); then
		# An old package list, or none yet (apt-get update as root).
		if ! apt-get update -q >/dev/null 2>&1 ||
			! (cd "$dir" && apt-get download -q "$pkg" >/dev/null); then
			echo "deb-tool: error: cannot download $pkg (apt-get download);" \
				"is the Debian archive reachable?" >&2
			exit 1
		fi
	fi
	dpkg-deb -x "$dir"/*.deb "$dir"
	rm -f "$dir"/*.deb
	[ -f "$dir/$path" ] || { echo "deb-tool: error: $pkg has no $path" >&2; exit 1; }
	# Unpacked whole: a download or unpack cut short is redone next time.
	touch "$dir/.unpacked"
fi
echo "$dir/$path"
