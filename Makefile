# SPDX-License-Identifier: GPL-2.0
# wqfault: out-of-tree module, CLI, selftests and the test loop.
#
#   make            module(s), CLI and selftests against KDIR
#   make demo       reproduce `starve` and show the throttled fix in a VM
#   make check      the whole test suite (what CI runs)
#   make check-sanitize  KUnit, selftests, fuzzer and torture on the sanitizer
#                   kernel (KASAN, UBSAN, kmemleak, ...; CI runs it too)
#   make lint       checkpatch --strict, kernel-doc, sparse, W=1, shellcheck,
#                   and the 6.1/6.12 portability builds (no VM)
#   make bench      benchmarks, each as a ratio against a baseline
#   make detectors  which kernel detectors see each scenario in hang mode (VM,
#                   one boot per case, about 15 minutes)
#   make torture    wqfault torture in the VM for TORTURE_SECS (1800), then
#                   the unload check
#   make vm CMD=... run a command in the test VM
#   make bench-loop time the test loop itself
#   make measurements  write Documentation/measurements.rst from the last
#                   results (check, check-sanitize, bench, torture)
#   make clean      leave the tree as cloned
#
# KDIR defaults to the cached test kernel (built on first use); pass
# KDIR=/lib/modules/$(uname -r)/build or KSRC=/path/to/linux to use yours.

KDIR ?=
ifeq ($(KDIR),)
KDIR_DEFAULT := 1
endif
ifneq ($(KSRC),)
export KSRC
endif

.PHONY: all modules kernel deps cli selftests initramfs demo check check-sanitize lint \
	vm bench detectors torture bench-loop measurements clean

all: modules cli selftests

kernel:
	@scripts/build-kernel

deps:
	@scripts/install-deps

# The sample scenario module (samples/) is built apart, as a user's own
# module would be, against wqfault's Module.symvers.
ifdef KDIR_DEFAULT
modules: kernel
	$(MAKE) -C "$$(scripts/build-kernel --print-kdir)" M=$(CURDIR) modules
	$(MAKE) -C "$$(scripts/build-kernel --print-kdir)" M=$(CURDIR)/samples \
		KBUILD_EXTRA_SYMBOLS=$(CURDIR)/Module.symvers modules
else
modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
	$(MAKE) -C $(KDIR) M=$(CURDIR)/samples KBUILD_EXTRA_SYMBOLS=$(CURDIR)/Module.symvers \
		modules
endif

cli:
	$(MAKE) -C tools/wqfault

selftests:
	$(MAKE) -C selftests

initramfs: all
	@scripts/make-initramfs

vm: initramfs
	@scripts/wqfault-vm -- $(if $(CMD),$(CMD),/usr/lib/wqfault/run-tests)

demo:
	@scripts/run-demo

check:
	@scripts/run-check

check-sanitize:
	@scripts/run-sanitize

bench: initramfs
	@scripts/run-bench

detectors: initramfs
	@scripts/run-detectors

TORTURE_SECS ?= 1800
torture: initramfs
	@scripts/wqfault-vm --timeout $$(( $(TORTURE_SECS) + 600 )) --results results/torture \
		-- env WQF_TORTURE_SECS=$(TORTURE_SECS) /usr/lib/wqfault/run-tests torture unload
	@scripts/parse-results results/torture

lint: all
	@scripts/run-check --lint-only

bench-loop:
	@scripts/bench-loop

measurements:
	@scripts/measurements

clean:
	rm -rf build results
	find . \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name '*.o.d' -o -name '.*.d' \) -type f -delete
	rm -f Module.symvers modules.order samples/Module.symvers samples/modules.order
	rm -rf .tmp_versions
	$(MAKE) -C tools/wqfault clean
	$(MAKE) -C selftests clean
