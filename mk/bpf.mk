# SPDX-License-Identifier: GPL-2.0
# BPF build rules, included by the Makefile. Every src/bpf/NAME.bpf.c becomes
# build/gen/NAME.bpf.o (clang -target bpf, CO-RE) and build/gen/NAME.skel.h
# (bpftool gen skeleton, struct NAME_bpf). vmlinux.h is generated once from
# the build machine's BTF; CO-RE relocations let the objects load on other
# kernels (6.1, 6.12, 6.18). Objects under src/trace/ (and the trace/count
# commands) depend on every skeleton, so `make -j` from a clean tree works.

BPFTOOL   ?= bpftool
LLVM_STRIP ?= llvm-strip
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
BPF_ARCH  := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
		-e 's/ppc64le/powerpc/' -e 's/s390x/s390/' -e 's/riscv64/riscv/')
BPF_CFLAGS := -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_$(BPF_ARCH) \
	-Ibuild/gen -Isrc/bpf

BPF_SRCS  := $(sort $(wildcard src/bpf/*.bpf.c))
BPF_NAMES := $(BPF_SRCS:src/bpf/%.bpf.c=%)
BPF_OBJS  := $(BPF_NAMES:%=build/gen/%.bpf.o)
BPF_SKELS := $(BPF_NAMES:%=build/gen/%.skel.h)
BPF_HDRS  := $(filter-out src/bpf/vmlinux.h,$(wildcard src/bpf/*.h))

# A vmlinux.h checked into src/bpf/ wins; otherwise dump the running kernel's.
ifneq ($(wildcard src/bpf/vmlinux.h),)
BPF_VMLINUX :=
else
BPF_VMLINUX := build/gen/vmlinux.h
build/gen/vmlinux.h:
	@mkdir -p $(@D)
	@test -r $(VMLINUX_BTF) || { echo "$(VMLINUX_BTF) not readable: the kernel has no BTF (CONFIG_DEBUG_INFO_BTF) or is not readable; put a vmlinux.h in src/bpf/" >&2; exit 1; }
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c >$@.tmp && mv $@.tmp $@
endif

build/gen/%.bpf.o: src/bpf/%.bpf.c $(BPF_VMLINUX) $(BPF_HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp
	$(LLVM_STRIP) -g $@.tmp
	mv $@.tmp $@

build/gen/%.skel.h: build/gen/%.bpf.o
	$(BPFTOOL) gen skeleton $< name $*_bpf >$@.tmp && mv $@.tmp $@

.SECONDARY: $(BPF_OBJS)

# Users of the skeletons: every object built from src/trace/ and the
# commands that drive BPF, in each build flavour.
BPF_USERS := $(filter src/trace/%,$(SRCS)) $(filter src/cmd/trace.c src/cmd/count.c,$(SRCS))
$(foreach d,opt san fuzz,$(BPF_USERS:%.c=build/$(d)/%.o)): $(BPF_SKELS)

.PHONY: bpf
bpf: $(BPF_SKELS)
