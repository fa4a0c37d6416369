#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# 53-fscrypt-fsverity.sh - fscrypt and fs-verity on an ext4 image made by
# e2fsprogs' mkfs.ext4 -O encrypt,verity, driven by real tools: a v2
# policy through progs/fscrypt-ctl.c (the ioctls fscryptctl uses), a v1
# policy through e2fsprogs' e4crypt, and fsverity-utils' fsverity.
#
#  - encrypted files read back after remount and re-adding the key; without
#    the key the names are encrypted and the contents unreadable; the image
#    holds no plaintext;
#  - removing the key while a file is open reports it busy, then removes
#    it once the file is closed;
#  - fsverity enable/measure agree with the digest computed in userspace;
#    the file refuses writes, reads back, and a block corrupted underneath
#    fails the read with EIO while the blocks before it still read.
# Same results on both kernels.

. /usr/lib/objext/tap.sh

IMG=/tmp/crypt.img
MNT=/mnt/crypt
KEY=/tmp/fscrypt.key
DEV=

check() {	# check NAME CMD...: ok if CMD succeeds
	name=$1
	shift
	if "$@"; then tap_ok "$name"; else tap_not_ok "$name" "$*"; fi
}

mount_img() {
	DEV=$(losetup -f) && losetup "$DEV" "$IMG" &&
		mount -t ext4 "$DEV" "$MNT"
}

umount_img() {
	umount "$MNT" && losetup -d "$DEV"
}

# sums DIR: "sha256 name" of every regular file in DIR (not symlinks),
# sorted by name.
sums() {
	(cd "$1" && for f in *; do
		[ -f "$f" ] && [ ! -L "$f" ] && sha256sum "$f"
	done) | sort -k2
}

mkdir -p "$MNT"
dd if=/dev/zero of=$IMG bs=1M count=64 2>/dev/null
check "mkfs.ext4 -O encrypt,verity makes the image" \
	mkfs.ext4 -q -F -b 4096 -O encrypt,verity $IMG
if ! mount_img; then
	tap_not_ok "mount the encrypt,verity image"
	dmesg | tail -n 5 | sed 's/^/# /'
	tap_done
fi
tap_ok "mount the encrypt,verity image"

# --- fscrypt v2: add key, set policy, write -------------------------------
head -c 64 /dev/urandom > $KEY
id=$(fscrypt-ctl add-key $MNT < $KEY)
case "$id" in
*[!0-9a-f]* | '') tap_not_ok "add a v2 key" "identifier '$id'" ;;
*) [ ${#id} = 32 ] && tap_ok "add a v2 key (identifier $id)" ||
		tap_not_ok "add a v2 key" "identifier '$id'" ;;
esac
mkdir $MNT/v2
check "set a v2 policy on an empty directory" fscrypt-ctl set-policy $MNT/v2 "$id"
got=$(fscrypt-ctl get-policy $MNT/v2)
[ "$got" = "v2 $id" ] && tap_ok "the directory reports the policy" ||
	tap_not_ok "the directory reports the policy" "got '$got'"

mkdir -p /tmp/plain
i=1
while [ $i -le 20 ]; do
	head -c $((i * 5000 + 123)) /dev/urandom > /tmp/plain/file-$i
	i=$((i + 1))
done
echo "objext-plaintext-marker-53" > /tmp/plain/marker
cp /tmp/plain/* $MNT/v2/
mkdir $MNT/v2/sub
echo nested > $MNT/v2/sub/nested
ln -s file-1 $MNT/v2/link
want=$(sums /tmp/plain)
[ "$(sums $MNT/v2)" = "$want" ] && tap_ok "21 encrypted files read back" ||
	tap_not_ok "21 encrypted files read back"
[ "$(cat $MNT/v2/sub/nested)" = nested ] && [ "$(readlink $MNT/v2/link)" = file-1 ] &&
	tap_ok "a subdirectory and a symlink inherit the policy" ||
	tap_not_ok "a subdirectory and a symlink inherit the policy"
sync
echo 3 > /proc/sys/vm/drop_caches
[ "$(sums $MNT/v2)" = "$want" ] && tap_ok "... and again after drop_caches (keys set up anew)" ||
	tap_not_ok "... and again after drop_caches"
if grep -qa objext-plaintext-marker-53 $IMG; then
	tap_not_ok "the image holds no plaintext"
else
	tap_ok "the image holds no plaintext"
fi

# --- remount: the key goes with the mount ---------------------------------
umount_img && mount_img
got=$(fscrypt-ctl key-status $MNT "$id")
[ "$got" = absent ] && tap_ok "after remount the key is absent" ||
	tap_not_ok "after remount the key is absent" "status '$got'"
if ls $MNT/v2 | grep -q '^file-1$'; then
	tap_not_ok "without the key the names are encrypted"
else
	tap_ok "without the key the names are encrypted ($(ls $MNT/v2 | wc -l) entries)"
fi
one=
for f in $MNT/v2/*; do [ -f "$f" ] && { one=$f; break; }; done
if [ -z "$one" ]; then
	tap_not_ok "without the key a file cannot be read" "no regular file in $MNT/v2"
elif cat "$one" > /dev/null 2>&1; then
	tap_not_ok "without the key a file cannot be read"
else
	tap_ok "without the key a file cannot be read ($(basename "$one"))"
fi
id2=$(fscrypt-ctl add-key $MNT < $KEY)
[ "$id2" = "$id" ] && tap_ok "re-adding the key gives the same identifier" ||
	tap_not_ok "re-adding the key gives the same identifier" "$id2"
[ "$(sums $MNT/v2)" = "$want" ] && tap_ok "with the key back the files read back" ||
	tap_not_ok "with the key back the files read back"

# --- key removal ----------------------------------------------------------
exec 3< $MNT/v2/file-2
got=$(fscrypt-ctl remove-key $MNT "$id")
[ "$got" = files-busy ] && tap_ok "removing the key with a file open reports it busy" ||
	tap_not_ok "removing the key with a file open reports it busy" "'$got'"
got=$(fscrypt-ctl key-status $MNT "$id")
[ "$got" = incompletely-removed ] && tap_ok "... and leaves it incompletely removed" ||
	tap_not_ok "... and leaves it incompletely removed" "'$got'"
cmp -s - /tmp/plain/file-2 <&3 && tap_ok "the open file still reads" ||
	tap_not_ok "the open file still reads"
exec 3<&-
got=$(fscrypt-ctl remove-key $MNT "$id")
[ "$got" = removed ] && tap_ok "once it is closed the key is removed" ||
	tap_not_ok "once it is closed the key is removed" "'$got'"
got=$(fscrypt-ctl key-status $MNT "$id")
[ "$got" = absent ] && tap_ok "... and is absent" || tap_not_ok "... and is absent" "'$got'"
if ls $MNT/v2 | grep -q '^file-'; then
	tap_not_ok "after removal the names are encrypted again"
else
	tap_ok "after removal the names are encrypted again"
fi

# --- fscrypt v1 through e4crypt -------------------------------------------
mkdir $MNT/v1
if echo objext-passphrase |
	e4crypt add_key -S 0x0123456789abcdef0123456789abcdef $MNT/v1 > /tmp/e4crypt.out 2>&1
then
	tap_ok "e4crypt add_key sets a v1 policy"
else
	tap_not_ok "e4crypt add_key sets a v1 policy"
fi
sed 's/^/# /' /tmp/e4crypt.out
got=$(fscrypt-ctl get-policy $MNT/v1)
[ "$got" = v1 ] && tap_ok "the directory reports a v1 policy" ||
	tap_not_ok "the directory reports a v1 policy" "'$got'"
cp /tmp/plain/file-3 /tmp/plain/file-4 $MNT/v1/
sync
echo 3 > /proc/sys/vm/drop_caches
cmp -s $MNT/v1/file-3 /tmp/plain/file-3 && cmp -s $MNT/v1/file-4 /tmp/plain/file-4 &&
	tap_ok "v1-encrypted files read back after drop_caches" ||
	tap_not_ok "v1-encrypted files read back after drop_caches"

# --- fs-verity ------------------------------------------------------------
V=$MNT/verity-file
head -c 300000 /dev/urandom > $V
want=$(fsverity digest $V | cut -d' ' -f1)
check "fsverity enable" fsverity enable $V
got=$(fsverity measure $V | cut -d' ' -f1)
[ -n "$want" ] && [ "$got" = "$want" ] &&
	tap_ok "fsverity measure equals the digest computed in userspace ($got)" ||
	tap_not_ok "fsverity measure equals the digest computed in userspace" "$got != $want"
if sh -c "echo x >> $V" 2>/dev/null; then
	tap_not_ok "a verity file refuses writes"
else
	tap_ok "a verity file refuses writes"
fi
cp $V /tmp/verity-copy
echo 3 > /proc/sys/vm/drop_caches
cmp -s $V /tmp/verity-copy && tap_ok "the verity file reads back after drop_caches" ||
	tap_not_ok "the verity file reads back after drop_caches"

# Corrupt file block 20 on the image: reads of it fail, earlier ones work.
umount_img
block=$(debugfs -R "bmap /verity-file 20" $IMG 2>/dev/null)
case "$block" in
'' | *[!0-9]*) tap_not_ok "debugfs finds block 20 of the file" "'$block'" ;;
*)
	tap_ok "debugfs finds block 20 of the file (block $block)"
	printf 'objext-corruption' | dd of=$IMG bs=1 seek=$((block * 4096 + 100)) \
		conv=notrunc 2>/dev/null
	;;
esac
mount_img
got=$(fsverity measure $V | cut -d' ' -f1)
[ "$got" = "$want" ] && tap_ok "after remount the digest is unchanged" ||
	tap_not_ok "after remount the digest is unchanged" "$got"
if dd if=$V of=/dev/null bs=4096 skip=20 count=1 2>/tmp/dd.err; then
	tap_not_ok "reading the corrupted block fails"
else
	grep -q 'Input/output error' /tmp/dd.err && tap_ok "reading the corrupted block fails with EIO" ||
		tap_not_ok "reading the corrupted block fails with EIO" "$(cat /tmp/dd.err)"
fi
dd if=$V of=/tmp/verity-head bs=4096 count=16 2>/dev/null &&
	head -c 65536 /tmp/verity-copy | cmp -s - /tmp/verity-head &&
	tap_ok "blocks before it still read correctly" ||
	tap_not_ok "blocks before it still read correctly"

# fs-verity on an encrypted file.
id3=$(fscrypt-ctl add-key $MNT < $KEY)
check "fsverity enable on an encrypted file" fsverity enable $MNT/v2/file-5
want=$(fsverity digest /tmp/plain/file-5 | cut -d' ' -f1)
got=$(fsverity measure $MNT/v2/file-5 | cut -d' ' -f1)
[ -n "$want" ] && [ "$got" = "$want" ] && tap_ok "... measures like its plaintext" ||
	tap_not_ok "... measures like its plaintext" "$got != $want"
fscrypt-ctl remove-key $MNT "$id3" > /dev/null

umount_img
rm -rf $IMG $KEY /tmp/plain /tmp/verity-copy /tmp/verity-head /tmp/e4crypt.out /tmp/dd.err
tap_done
