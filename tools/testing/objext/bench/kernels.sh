# SPDX-License-Identifier: GPL-2.0
#
# kernels.sh - the two kernels every benchmark boots, sourced by run.sh,
# memcurve.sh and slabs.sh (after they set REPO, VM and RES): unpatched
# 6.12 and objext, both with the VM config (config/vm.config, xfs
# included) and Debian's preemption model (config/preempt.config:
# preemptible RCU, a preempt count), no debug options, each in a build
# directory of its own.

declare -A bench_src=([base]=$REPO/build/pristine [objext]=$REPO/build/linux)
declare -A bench_out=([base]=$REPO/build/out-bench-base [objext]=$REPO/build/out-bench)

# bench_bzimage KERNEL: the kernel image of base or objext.
bench_bzimage() {
	echo "${bench_out[$1]}/arch/x86/boot/bzImage"
}

# bench_build_kernels [--if-missing]: build both kernels, or with
# --if-missing only those without an image; log in $RES/build-KERNEL.log.
bench_build_kernels() {
	local k
	for k in base objext; do
		[ "${1:-}" = --if-missing ] && [ -f "$(bench_bzimage $k)" ] && continue
		echo "bench: building $k kernel"
		"$VM/build-kernel.sh" --src "${bench_src[$k]}" --out "${bench_out[$k]}" \
			--fragments "vm.config preempt.config" > "$RES/build-$k.log" 2>&1 ||
			{ tail -n 30 "$RES/build-$k.log"; exit 1; }
	done
}
