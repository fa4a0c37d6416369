#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# objext-baseline: fail not ok 1 objext inode host exists
#
# 54-fscrypt-fsverity-slots.sh - the fscrypt and fs-verity info of an
# inode live in the objext slots fscrypt_inode_slot and
# fsverity_inode_slot, and only inodes that use them pay for an area.
#
#  - reading unencrypted files claims nothing;
#  - opening 30 encrypted files claims the fscrypt slot once per file and
#    once for their directory, and removing the key (which evicts them)
#    releases every claim and area;
#  - encrypted inodes looked at without their key get no area;
#  - opening a verity file claims the fsverity slot once; eviction releases
#    it;
#  - with failslab on the objext_inode cache, opening an encrypted file,
#    opening a verity file and enabling verity fail with ENOMEM, leave
#    nothing behind, and work once memory is back.
#
# On a kernel without objext none of this exists: the test fails there.

. /usr/lib/objext/tap.sh

IMG=/tmp/slots.img
MNT=/mnt/slots
KEY=/tmp/slots.key
live() { objext_field live_areas; }
crypt_claims() { objext_claimed fscrypt_inode_slot; }
verity_claims() { objext_claimed fsverity_inode_slot; }

# nomem NAME CMD...: ok if CMD fails with "Cannot allocate memory".
nomem() {
	name=$1
	shift
	msg=$("$@" 2>&1 > /dev/null)
	rc=$?
	echo "# $*: rc=$rc: $msg"
	case "$rc $msg" in
	"0 "*) tap_not_ok "$name" "succeeded" ;;
	*"Cannot allocate memory"*) tap_ok "$name" ;;
	*) tap_not_ok "$name" "rc=$rc $msg" ;;
	esac
}

drop() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
}

objext_require_slots fscrypt_inode_slot fsverity_inode_slot

mkdir -p $MNT
dd if=/dev/zero of=$IMG bs=1M count=32 2>/dev/null
mkfs.ext4 -q -F -b 4096 -O encrypt,verity $IMG
DEV=$(losetup -f)
if ! { losetup "$DEV" $IMG && mount -t ext4 "$DEV" $MNT; }; then
	tap_not_ok "mount an encrypt,verity image"
	tap_done
fi
head -c 64 /dev/urandom > $KEY
id=$(fscrypt-ctl add-key $MNT < $KEY)
mkdir $MNT/v2 $MNT/plain
fscrypt-ctl set-policy $MNT/v2 "$id"
i=0
while [ $i -lt 30 ]; do
	echo "secret $i" > $MNT/v2/f$i
	echo "plain $i" > $MNT/plain/f$i
	i=$((i + 1))
done
head -c 100000 /dev/urandom > $MNT/verity
fsverity enable $MNT/verity
drop
live0=$(live) crypt0=$(crypt_claims) verity0=$(verity_claims)

cat $MNT/plain/* > /dev/null
tap_expect "reading 30 unencrypted files allocates no area" live "$live0"

cat $MNT/v2/* > /dev/null
tap_expect "opening 30 encrypted files claims the fscrypt slot 31 times (with the directory)" \
	crypt_claims $((crypt0 + 31))
tap_expect "... with 31 areas" live $((live0 + 31))
fscrypt-ctl remove-key $MNT "$id" > /dev/null
tap_expect "removing the key releases the fscrypt slots" crypt_claims "$crypt0"
tap_expect "... and their areas" live "$live0"

ls -l $MNT/v2 > /dev/null
cat $MNT/v2/* > /dev/null 2>&1
tap_expect "encrypted inodes looked at without their key get no area" live "$live0"
drop

cat $MNT/verity > /dev/null
tap_expect "opening a verity file claims the fsverity slot once" verity_claims $((verity0 + 1))
tap_expect "... with one area" live $((live0 + 1))
drop
tap_expect "evicting it releases the slot" verity_claims "$verity0"
tap_expect "... and the area" live "$live0"

# Allocation failure: -ENOMEM to the caller, nothing half-done.
if objext_failslab_usable; then
	fscrypt-ctl add-key $MNT < $KEY > /dev/null
	head -c 50000 /dev/urandom > $MNT/to-enable
	drop
	ls $MNT/v2 > /dev/null		# sets up the directory's key
	live1=$(live) crypt1=$(crypt_claims)
	objext_failslab_on
	nomem "opening an encrypted file fails with ENOMEM" cat $MNT/v2/f1
	nomem "opening a verity file fails with ENOMEM" cat $MNT/verity
	nomem "enabling verity fails with ENOMEM" fsverity enable $MNT/to-enable
	objext_failslab_off
	tap_expect "the failures leave no area" live "$live1"
	tap_expect "... and claim no fscrypt slot" crypt_claims "$crypt1"
	tap_expect "... and no fsverity slot" verity_claims "$verity0"
	if fsverity measure $MNT/to-enable > /dev/null 2>&1; then
		tap_not_ok "the file whose enable failed is not a verity file"
	else
		tap_ok "the file whose enable failed is not a verity file"
	fi
	[ "$(cat $MNT/v2/f1)" = "secret 1" ] && cat $MNT/verity > /dev/null &&
		fsverity enable $MNT/to-enable && fsverity measure $MNT/to-enable > /dev/null &&
		tap_ok "all three work once memory is back" ||
		tap_not_ok "all three work once memory is back"
	fscrypt-ctl remove-key $MNT "$id" > /dev/null
	drop
	tap_expect "and leave nothing once evicted" live "$live0"
else
	objext_failslab_unusable "fscrypt and fs-verity fail with ENOMEM"
fi
umount $MNT
losetup -d "$DEV"
rm -f $IMG $KEY
tap_done
