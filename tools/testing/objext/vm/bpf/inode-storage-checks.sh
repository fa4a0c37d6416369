# SPDX-License-Identifier: GPL-2.0
#
# inode-storage-checks.sh - checks shared by the BPF inode storage tests,
# sourced after tap.sh.  Installed as /usr/lib/objext/inode-storage-checks.sh.
#
# bpf-inode-storage (bpf/bpf-inode-storage.c) loads the programs of
# inode_storage.bpf.c, which count writes per inode in inode storage.

BPF_PIN_ROOT=/sys/fs/bpf

bpf_fs_mount() {
	grep -q " $BPF_PIN_ROOT bpf " /proc/mounts ||
		mount -t bpf bpf $BPF_PIN_ROOT
}

# slot_claimed: inodes on which the objext slot of BPF inode storage is
# claimed (column 6 of the inode host's slot table in debugfs).
slot_claimed() {
	objext_claimed bpf_inode_storage_slot
}

# Live local storage elements: allocated minus freed, counted by the
# fexit/bpf_selem_alloc and fentry/bpf_selem_free programs that
# element_accounting_attach pins at $BPF_ACCT.
BPF_ACCT=$BPF_PIN_ROOT/accounting
element_accounting_attach() {
	bpf-inode-storage attach $BPF_ACCT /tmp count_selem_alloc count_selem_free
}
elements() {
	echo $(($(stat_of $BPF_ACCT selem_alloc) - $(stat_of $BPF_ACCT selem_free)))
}

# element_misses: how often the two counting programs were skipped by
# the trampoline's recursion guard ("count_selem_alloc=A
# count_selem_free=F"): a task preempted inside one of them (full
# preemption) makes it skip every other task on that CPU meanwhile.
element_misses() {
	bpf-inode-storage misses $BPF_ACCT count_selem_alloc count_selem_free
}

# elements_near N: elements() is N to within the counting programs'
# misses: a missed allocation lowers the count, a missed free raises it.
# With no miss, exactly N.
elements_near() {
	# shellcheck disable=SC2046 # two words, A=... and F=...
	set -- "$1" $(element_misses)
	_n=$(elements)
	[ "$_n" -ge $(($1 - ${2#*=})) ] && [ "$_n" -le $(($1 + ${3#*=})) ]
}

# wait_for TEST...: TEST succeeds within 30 s (maps are freed from a
# workqueue, tmpfs inodes when their last reference goes).
wait_for() {
	_i=0
	until "$@"; do
		[ $_i -ge 300 ] && return 1
		sleep 0.1
		_i=$((_i + 1))
	done
}

# expect_counter PIN FILE WANT: FILE's counter reads WANT, a number of
# writes or "none"; a counter also names the file's inode number.
expect_counter() {
	_got=$(bpf-inode-storage read "$1" "$2" 2>&1)
	if [ "$3" = none ]; then
		_want="$2 none"
	else
		_want="$2 writes=$3 ino=$(stat -c %i "$2")"
	fi
	if [ "$_got" = "$_want" ]; then
		return 0
	fi
	echo "# $2: got '$_got', want '$_want'"
	return 1
}

# stat_of PIN NAME: one statistic of the attached programs.
stat_of() {
	bpf-inode-storage stats "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# counter_checks PROG [EXTRA_PROG...]: attach PROG, which counts writes
# to the files of a fresh tmpfs, and check that each counter follows its
# inode, through renames and links, starts afresh for a new inode, can be
# set and deleted through the map, and goes with the map.
counter_checks() {
	_prog=$1
	_dir=/tmp/counter-$_prog
	_pin=$BPF_PIN_ROOT/$_prog
	mkdir -p $_dir
	mount -t tmpfs counter $_dir
	: >/tmp/other-fs-$_prog

	if ! bpf-inode-storage attach $_pin $_dir "$@"; then
		tap_not_ok "$_prog: load and attach"
		umount $_dir
		return
	fi
	tap_ok "$_prog: load and attach"

	: >$_dir/a
	: >$_dir/b
	: >$_dir/c
	for _i in 1 2 3; do echo x >>$_dir/a; done
	for _i in 1 2 3 4 5; do echo x >>$_dir/b; done
	echo x >>/tmp/other-fs-$_prog
	expect_counter $_pin $_dir/a 3 && expect_counter $_pin $_dir/b 5 &&
		expect_counter $_pin $_dir/c none &&
		tap_ok "$_prog: each file counts its own writes" ||
		tap_not_ok "$_prog: each file counts its own writes"
	expect_counter $_pin /tmp/other-fs-$_prog none &&
		tap_ok "$_prog: no storage for files the program skips" ||
		tap_not_ok "$_prog: no storage for files the program skips"

	mv $_dir/a $_dir/renamed
	echo x >>$_dir/renamed
	ln $_dir/renamed $_dir/link
	echo x >>$_dir/link
	expect_counter $_pin $_dir/renamed 5 &&
		tap_ok "$_prog: the counter follows the inode (rename, link)" ||
		tap_not_ok "$_prog: the counter follows the inode (rename, link)"

	rm $_dir/b
	echo x >$_dir/b
	expect_counter $_pin $_dir/b 1 &&
		tap_ok "$_prog: a new inode under an old name starts afresh" ||
		tap_not_ok "$_prog: a new inode under an old name starts afresh"

	bpf-inode-storage update $_pin $_dir/c 42 &&
		expect_counter $_pin $_dir/c 42 && echo x >>$_dir/c &&
		expect_counter $_pin $_dir/c 43 &&
		bpf-inode-storage delete $_pin $_dir/c &&
		expect_counter $_pin $_dir/c none &&
		tap_ok "$_prog: map update and delete by file descriptor" ||
		tap_not_ok "$_prog: map update and delete by file descriptor"

	[ "$(stat_of $_pin no_storage)" = 0 ] &&
		tap_ok "$_prog: every call got storage" ||
		tap_not_ok "$_prog: every call got storage" \
			"$(bpf-inode-storage stats $_pin)"

	# A new map starts empty: the old one went with its pins.
	rm -r $_pin
	echo x >>$_dir/renamed
	bpf-inode-storage attach $_pin $_dir "$@" &&
		expect_counter $_pin $_dir/renamed none &&
		echo x >>$_dir/renamed && expect_counter $_pin $_dir/renamed 1 &&
		tap_ok "$_prog: detached and attached again with a new map" ||
		tap_not_ok "$_prog: detached and attached again with a new map"
	rm -rf $_pin
	umount $_dir
	rm -f /tmp/other-fs-$_prog
}
