# objext - top-level developer Makefile.  Everything is a script; the
# targets only name them.  Variables given on the command line reach the
# scripts through the environment (e.g. `make tree FORCE=1`).
#
#   make deps       install the Debian packages the project needs  (dev/deps.sh)
#   make tree       assemble build/linux: base + patches + new files (dev/assemble-tree.sh)
#   make export     copy build/linux commits back to the repo       (dev/export-tree.sh)
#   make series     build/series: cover letter + patches to mail    (dev/series.sh)
#   make series-check  git am of build/series reproduces build/linux (dev/series-check.sh)
#   make bisect-check  build every commit in 11 configs; hours  (dev/bisect-check.sh)
#                   its verdicts: dev/bisect-results.tsv (commit them)
#   make bisect-table  the commit x config table of what has run (build/bisect/table.md)
#   make pristine   build/pristine: unmodified base checkout        (dev/pristine-tree.sh)
#   make pahole     struct inode size, pristine vs objext           (dev/pahole-inode.sh)
#                   PAHOLE_CONFIG="CONFIG_KUNIT=y ..." PAHOLE_TREES="pristine objext"
#   make vm-kernel  build the test kernel     (tools/testing/objext/vm/build-kernel.sh)
#   make boot       boot it in qemu           (tools/testing/objext/vm/boot-test.sh)
#   make kunit      run the KUnit suite       (tools/testing/objext/kunit.sh)
#   make harness    userspace harness         (tools/testing/objext/harness)
#   make check      static checks             (dev/check.sh)
#   make bench      hot-path benchmark, baseline vs objext (tools/testing/objext/bench/run.sh)
#   make memcurve   slab memory per file vs fraction extended (tools/testing/objext/bench/memcurve.sh)
#   make kcsan      race and stress tests on a KCSAN kernel, 4 vCPUs (tools/testing/objext/vm/kcsan.sh)
#   make bpf-selftest  the kernel's BPF selftest test_local_storage on the test kernel (tools/testing/objext/vm/bpf-selftest.sh)
#   make test       everything CI runs        (dev/test.sh)
#   make demo       demo                      (dev/demo.sh)

SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help deps tree export series series-check bisect-check bisect-table pristine pahole vm-kernel boot kunit harness \
	check bench memcurve kcsan bpf-selftest test demo

VM := tools/testing/objext/vm

help:
	@sed -n 's/^#   make /make /p' $(firstword $(MAKEFILE_LIST))

deps:
	dev/deps.sh

tree:
	dev/assemble-tree.sh

export:
	dev/export-tree.sh

series:
	dev/series.sh

series-check:
	dev/series-check.sh

bisect-check:
	dev/bisect-check.sh $(BISECT_CONFIGS)

bisect-table:
	dev/bisect-check.sh --table $(BISECT_CONFIGS)

pristine:
	dev/pristine-tree.sh

pahole:
	dev/pahole-inode.sh

vm-kernel:
	$(VM)/build-kernel.sh

boot:
	$(VM)/boot-test.sh

kunit:
	tools/testing/objext/kunit.sh

harness:
	$(MAKE) -C tools/testing/objext/harness

check:
	dev/check.sh

bench:
	tools/testing/objext/bench/run.sh

memcurve:
	tools/testing/objext/bench/memcurve.sh

kcsan:
	$(VM)/kcsan.sh

bpf-selftest:
	$(VM)/bpf-selftest.sh

test:
	dev/test.sh

demo:
	dev/demo.sh
