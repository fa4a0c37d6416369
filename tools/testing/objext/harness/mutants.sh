#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mutants.sh - break copies of lib/objext.c in known ways and check that
# the ASan harness catches each one by a failed test case.  Each mutant is
# a sed script that must change the file; if it does not, objext.c moved
# on and the mutant needs updating, which also counts as a failure.  A
# mutant caught by an ASan or UBSan report rather than a failed case is
# reported apart; one that makes the harness crash without either, time
# out, or exit non-zero without a "not ok" line is not caught.

cd "$(dirname "$0")" || exit 2
orig=../../../../lib/objext.c
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=(-n 10000 -t 300)
names=()
scripts=()
headers=()
orig_h=../../../../include/linux/objext.h
# objext.c's private header, which it includes from its own directory
orig_internal=../../../../lib/objext_internal.h

mutant() {
	names+=("$1")
	scripts+=("$2")
	headers+=("")
}

# mutant_h NAME SCRIPT - a mutant of the inline read side in objext.h
mutant_h() {
	names+=("$1")
	scripts+=("$2")
	headers+=(1)
}

mutant "unused area not freed" \
	'/^\tif (grown)$/{n;s/kmem_cache_free(host->caches\[grown_nr - 1\], grown);/(void)0;/}'
mutant "replaced area freed without a grace period" \
	's/kvfree_call_rcu(head, ext);/(void)head; kfree(ext);/'
mutant_h "a torn-down object has an area" \
	's/return objext_word(extp) > (unsigned long)OBJEXT_DEAD;/return objext_word(extp) >= (unsigned long)OBJEXT_DEAD;/'
mutant "readers do not check that the area is still the object's" \
	's/if (likely(again == word))/if (1)/'
mutant_h "the inline lookup does not check that the area is still the object's" \
	's/if (likely(objext_word(extp) == word)) {/if (1) {/'
mutant_h "the inline lookup reads an area it found outside RCU" \
	's/^\tword = objext_word(extp);$/\trcu_read_unlock_sched();\n\tword = objext_word(extp);\n\trcu_read_lock_sched();/'
mutant_h "the inline lookup ends its section with rcu_read_unlock()" \
	's/^\t\trcu_read_unlock_sched();$/\t\trcu_read_unlock();/'
mutant_h "the inline lookup takes the first cell of any area with the slot" \
	's/if (likely(present == slot->bit))/if (likely(present \& slot->bit))/'
mutant_h "the inline lookup misses a value during teardown" \
	's/else if ((word \& OBJEXT_ONE_CELL) \&\& !(present \& slot->bit))/else if (word \& OBJEXT_ONE_CELL)/'
mutant "readers take the first cell of any area with the slot" \
	's/(nr ? 0 : OBJEXT_ONE_CELL)/OBJEXT_ONE_CELL/'
mutant "readers index a one-cell area by its presence word" \
	's/if (likely(word \& OBJEXT_ONE_CELL))/if (0)/'
mutant "the RCU head overwrites the presence word of any area" \
	's/void \*head = (void \*)ext + objext_area_size(nr) -/void *head = (void *)ext + sizeof(struct rcu_head) -/'
mutant "the cell index ignores the cells below" \
	's/return below ? hweight_long(below) : 0;/return below ? 0 : 0;/'
mutant "objext_claimed() does not check that the area is still the object's" \
	's/} while (objext_word_area(objext_word(extp)) != ext);/} while (0);/'
mutant "teardown does not close the area to stores" \
	's/WRITE_ONCE(ext->present, present | OBJEXT_DYING);/(void)0;/'
mutant "stores ignore teardown" \
	's/if ((present \& OBJEXT_DYING) \&\& (new || !(present \& bit))) {/if (0) {/'
mutant "stores into a torn-down object" \
	's/if (word == (unsigned long)OBJEXT_DEAD) {/if (0) {/'
mutant "no clear during teardown" \
	's/if ((present \& OBJEXT_DYING) \&\& (new || !(present \& bit))) {/if (present \& OBJEXT_DYING) {/'
mutant "a reserve makes a cell during teardown" \
	's/if ((present \& OBJEXT_DYING) \&\& (new || !(present \& bit))) {/if ((present \& OBJEXT_DYING) \&\& new) {/'
mutant "a store publishes an area sized for an older one" \
	's/if (grown \&\& grown_for == present) {/if (grown \&\& (grown_for | 1)) {/'
mutant "a new cell goes last, not in slot order" \
	's/unsigned int below = objext_cell_index(present, bit);/unsigned int below = hweight_long(present);/'
mutant "a new cell overwrites the next one" \
	's/memcpy(grown->cells + below + 1, ext->cells + below,/memcpy(grown->cells + below, ext->cells + below,/'
mutant "destructors for cleared slots" \
	's/if (value \&\& slot->destroy)/if (slot->destroy)/'
mutant "destructors get the wrong cell" \
	's/value = READ_ONCE(ext->cells\[cell++\]);/value = ext->cells[0]; cell++;/'
mutant "a store in place lands in the wrong cell" \
	's/WRITE_ONCE(ext->cells\[objext_cell_index(present, bit)\],/WRITE_ONCE(ext->cells[0],/'
mutant "NMI allocates" \
	'/^\t\tif (in_nmi()) {$/{n;s/ret = ERR_PTR(-EBUSY);/goto nmi_alloc;/};s/^\t\tgrown_for = present;$/nmi_alloc:\n&/'
mutant "a store in place writes the one cell of another slot's area" \
	's/if (ext->present == bit) {/if (1) {/'
mutant "a store in place goes on during teardown" \
	's/if (ext->present == bit) {/if (ext->present \& bit) {/'
mutant "a store in place ignores the expected value" \
	's/if (\*cur == old)/if (1)/'
mutant "a store in place takes a held lock" \
	's/if ((word \& (OBJEXT_LOCKED | OBJEXT_ONE_CELL)) != OBJEXT_ONE_CELL ||/if (!(word \& OBJEXT_ONE_CELL) ||/'
mutant "reserve makes no cell" \
	's/(old == new \&\& !(reserve \&\& !(present \& bit)))/(old == new)/'
mutant "areas have no room for the RCU head" \
	's/return max(struct_size_t(struct objext, cells, nr),/return min(struct_size_t(struct objext, cells, nr),/'
mutant "claim count not decremented" \
	's/objext_count(host, host->nr_slots + i, -1);/(void)0;/'
mutant "replaced area still counted" \
	's/objext_count(host, nr - 1, -1);/(void)0;/'
mutant "torn-down area still counted" \
	's/objext_count(host, cell - 1, -1);/(void)0;/'
mutant "host exit does not warn about live areas" \
	's/^\tWARN_ON(objext_live_areas(host));$/\t(void)0;/'
mutant "debugfs sums one CPU's counters" \
	's/^\tfor_each_possible_cpu(cpu)$/\tfor (cpu = 0; cpu < 1; cpu++)/'
mutant "one slot more than presence bits" \
	's/host->nr_slots > OBJEXT_MAX_SLOTS/host->nr_slots > OBJEXT_MAX_SLOTS + 1/'
mutant "slots of another host accepted" \
	's/if (host->slots\[i\]->host != host)/if (0)/'
mutant "gather takes slots of other hosts" \
	's/n += slot->host == host;/n++;/; s/if (slot->host == host)/if (1)/'
mutant "host init error path leaks" \
	'/err = host->counts ? objext_create_caches(host) : -ENOMEM;/,/return err;/s/objext_host_free(host);/(void)0;/'

# build DIR - build DIR/objext-asan from DIR/objext.c (and DIR/inc/, a
# mutated objext.h, if there is one)
build() {
	make -s -j"$(nproc)" B="$1" OBJEXT_C="$1/objext.c" \
		EXTRA_CPPFLAGS="-I$1/inc" "$1/objext-asan" >"$1/build.log" 2>&1
}

# try DIR NAME SCRIPT HEADER - one mutant, of objext.h if HEADER is set;
# the verdict goes to DIR/result
try() {
	local dir=$1 name=$2 src=$orig out=$1/objext.c

	mkdir -p "$dir"
	cp "$orig" "$dir/objext.c"
	cp "$orig_internal" "$dir/"
	if [ -n "$4" ]; then
		# Everything includes the header: no object to reuse.
		mkdir -p "$dir/inc/linux"
		src=$orig_h out=$dir/inc/linux/objext.h
	else
		cp -pr "$tmp/base/objext-build-asan" "$dir/"
	fi
	sed -e "$3" "$src" >"$out"
	if cmp -s "$src" "$out"; then
		echo "FAILED: $name: sed script no longer applies"
	elif ! build "$dir"; then
		cat "$dir/build.log"
		echo "FAILED: $name: does not build"
	elif timeout 120 "$dir/objext-asan" "${args[@]}" \
			>"$dir/run.log" 2>&1; then
		echo "FAILED: $name: survived"
	elif grep -q '^not ok ' "$dir/run.log"; then
		echo "caught: $name"
		grep -m 2 -E '^not ok|^# [^ ]+:[0-9]+: ' "$dir/run.log" |
			sed 's/^/    /'
	elif grep -q -E 'ERROR: AddressSanitizer|runtime error:' "$dir/run.log"; then
		echo "caught by a sanitizer report: $name"
		grep -m 2 -E 'ERROR: AddressSanitizer|runtime error:' \
			"$dir/run.log" | sed 's/^/    /'
	else
		echo "FAILED: $name: crashed or timed out, no test case failed"
		tail -n 3 "$dir/run.log" | sed 's/^/    /'
	fi >"$dir/result"
}

# The unmodified file must pass, or nothing below means anything.
mkdir -p "$tmp/base"
cp "$orig" "$tmp/base/objext.c"
cp "$orig_internal" "$tmp/base/"
[ -d objext-build-asan ] && cp -pr objext-build-asan "$tmp/base/"
if ! build "$tmp/base"; then
	cat "$tmp/base/build.log"
	exit 1
fi
if ! "$tmp/base/objext-asan" "${args[@]}" >"$tmp/base/run.log" 2>&1; then
	cat "$tmp/base/run.log"
	echo "FAILED: the unmodified objext.c does not pass"
	exit 1
fi

for i in "${!names[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do
		wait -n
	done
	try "$tmp/$i" "${names[$i]}" "${scripts[$i]}" "${headers[$i]}" &
done
wait

caught=0
failed=0
for i in "${!names[@]}"; do
	cat "$tmp/$i/result"
	if grep -q '^caught' "$tmp/$i/result"; then
		caught=$((caught + 1))
	else
		failed=$((failed + 1))
	fi
done
echo "$caught mutants caught, $failed not"
echo "$caught passed, $failed failed"
[ "$failed" -eq 0 ]
