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

mutant() {
	names+=("$1")
	scripts+=("$2")
}

mutant "racing loser does not free its area" \
	's/^\t\tkmem_cache_free(host->cache, ext);$/\t\t(void)0;/'
mutant "install without cmpxchg" \
	's/old = unrcu_pointer(cmpxchg(extp, NULL, RCU_INITIALIZER(ext)));/old = NULL; rcu_assign_pointer(*extp, ext);/'
mutant "area not zeroed" \
	's/kmem_cache_zalloc(/kmem_cache_alloc(/'
mutant "claim counted every time" \
	's/^\t\tif (active \& bit)$/\t\tif (0)/'
mutant "destructors for unclaimed slots" \
	's/active = READ_ONCE(ext->active);/active = ~0UL;/'
mutant "area freed without a grace period" \
	's/kfree_rcu(ext, rcu);/kmem_cache_free(host->cache, ext);/'
mutant "area detached before the destructors run" \
	's/^\t\tif (slot->destroy)$/\t\tRCU_INIT_POINTER(*extp, OBJEXT_DEAD);\n&/'
mutant "teardown does not close the area to claims" \
	's/active | OBJEXT_DYING))$/active))/'
mutant "claims ignore teardown" \
	's/^\t\tif (active & OBJEXT_DYING)$/\t\tif (0)/'
mutant "install hands out the dead marker" \
	's/return old == OBJEXT_DEAD ? NULL : old;/return old;/'
mutant "failed allocation ignores a racing claim's area" \
	's/^\t\treturn objext_area(extp);$/\t\treturn NULL;/'
mutant "host exit does not warn about live areas" \
	's/^\tWARN_ON(host->stats \&\& objext_live_areas(host));$/\t(void)0;/'
mutant "claim count not decremented" \
	's/this_cpu_dec(host->stats->claims\[i\]);/(void)0;/'
mutant "live area count not decremented" \
	's/^\tthis_cpu_dec(host->stats->live_areas);$/\t(void)0;/'
mutant "debugfs sums one CPU's counters" \
	's/^\tfor_each_possible_cpu(cpu)$/\tfor (cpu = 0; cpu < 1; cpu++)/'
mutant "slot offsets not aligned" \
	'/^\t\t\toffset = ALIGN(offset, a);$/d'
mutant "16-bit offset bound off by one" \
	's/offset + slot->size > USHRT_MAX/offset + slot->size >= USHRT_MAX/'
mutant "one slot more than presence bits" \
	's/host->nr_slots > OBJEXT_MAX_SLOTS/host->nr_slots > OBJEXT_MAX_SLOTS + 1/'
mutant "gather takes slots of other hosts" \
	's/n += slot->host == host;/n++;/; s/if (slot->host == host)/if (1)/'
mutant "host init error path leaks" \
	'/if (!host->cache) {/,/return -ENOMEM;/s/objext_host_free(host);/(void)0;/'

# build DIR - build DIR/objext-asan from DIR/objext.c
build() {
	make -s -j"$(nproc)" B="$1" OBJEXT_C="$1/objext.c" "$1/objext-asan" \
		>"$1/build.log" 2>&1
}

# try DIR NAME SCRIPT - one mutant; the verdict goes to DIR/result
try() {
	local dir=$1 name=$2

	mkdir -p "$dir"
	cp -pr "$tmp/base/objext-build-asan" "$dir/"
	sed -e "$3" "$orig" >"$dir/objext.c"
	if cmp -s "$orig" "$dir/objext.c"; then
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
	try "$tmp/$i" "${names[$i]}" "${scripts[$i]}" &
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
