# SPDX-License-Identifier: GPL-2.0
# kleak's build. `make` builds ./kleak (optimised, no sanitizers: what users
# run and benchmarks measure); `make test` builds sanitized copies under
# build/san/ and runs every suite; `make run` installs missing build
# dependencies, builds and runs `kleak check` on this machine.

CC       ?= gcc
CLANG    ?= clang
PREFIX   ?= /usr/local
VERSION  := 0.1

WARN     := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
CPPFLAGS += -Isrc -Ibuild/gen -DKLEAK_VERSION='"$(VERSION)"' -D_GNU_SOURCE
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 $(WARN) -MMD -MP
LDLIBS   := -lbpf -lelf -lz -lm -lpthread -ljson-c -lmicrohttpd -lyaml -lcrypt
SANFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=all

SRCS     := $(shell find src -name '*.c' ! -name '*.bpf.c' | sort)
LIBSRCS  := $(filter-out src/main.c,$(SRCS))
OBJS     := $(SRCS:%.c=build/opt/%.o)
SANOBJS  := $(SRCS:%.c=build/san/%.o)
SANLIB   := $(LIBSRCS:%.c=build/san/%.o)

UNIT_SRCS  := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=build/san/tests/%)
FUZZ_SRCS  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%)
REPLAY_BINS := $(FUZZ_NAMES:%=build/san/tests/replay_%)
TOOL_BINS  := $(patsubst tests/tools/%.c,build/san/tests/%,$(sort $(wildcard tests/tools/*.c)))
FUZZ_BINS  := $(FUZZ_NAMES:%=build/fuzz/fuzz_%)
FUZZ_SECONDS ?= 30

.PHONY: all test run install fuzz fuzz-build bench bench-verdicts clean deps \
	format man test-bins format-check deb deb-test

all: kleak

# BPF objects and skeletons (src/bpf/*.bpf.c -> build/gen/*.skel.h).
-include mk/bpf.mk

kleak: $(OBJS)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

build/opt/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $@"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

build/san/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC-SAN  $@"
	@$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -c -o $@ $<

build/san/kleak: $(SANOBJS)
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)

build/san/libkleak.a: $(SANLIB)
	@rm -f $@
	ar rcs $@ $^

build/san/tests/test_%: tests/unit/test_%.c build/san/libkleak.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -Itests/unit -o $@ $< \
		build/san/libkleak.a -lcmocka $(LDLIBS)

# The fuzz targets' corpora and every fixture replay under ASan in make test.
build/san/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c build/san/libkleak.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -o $@ $< tests/fuzz/replay.c \
		build/san/libkleak.a $(LDLIBS)

# Test tools over the library (tests/tools/*.c): e.g. klog_events, the
# kernel-log parser on the command line for the VM scenarios' host checks.
build/san/tests/%: tests/tools/%.c build/san/libkleak.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -o $@ $< build/san/libkleak.a $(LDLIBS)

# The recording generator (bench/html/): the HTML report's benchmark and
# browser tests (tests/cli/html.sh).
HTML_TEST_BINS := build/san/tests/gen_recording
build/san/tests/gen_recording: bench/html/gen_recording.c build/san/libkleak.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -o $@ $< build/san/libkleak.a $(LDLIBS)

build/leaker: tests/leaker/leaker.c
	@mkdir -p $(@D)
	$(CC) -O2 -g -std=gnu11 $(WARN) -o $@ $< -lpthread

test-bins: kleak build/san/kleak build/leaker $(UNIT_BINS) $(REPLAY_BINS) $(TOOL_BINS) \
	$(HTML_TEST_BINS)

# Dependencies first, in their own make: the build rules need them.
test:
	@$(MAKE) --no-print-directory deps DEPS="$(DEPS) $(TEST_DEPS)"
	@$(MAKE) --no-print-directory test-bins
	@KLEAK=$(CURDIR)/build/san/kleak KLEAK_OPT=$(CURDIR)/kleak \
		tests/run.sh

run:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory kleak
	./kleak check

# Build dependencies, installed only when missing (Debian package names).
DEPS := gcc make clang llvm libbpf-dev libelf-dev zlib1g-dev bpftool \
	libjson-c-dev libmicrohttpd-dev libyaml-dev libcrypt-dev
# What the tests add: unit tests, fuzzing, JSON checks, the qemu VM suite,
# a private dockerd for the container tests, format-check, the exporter's
# tests (promtool and Prometheus, wrk, htpasswd, openssl, curl), the HTML
# report rendered by a headless browser.
TEST_DEPS := libcmocka-dev libclang-rt-14-dev jq qemu-system-x86 \
	busybox-static util-linux docker.io clang-format prometheus wrk \
	apache2-utils openssl curl chromium
deps:
	@missing=""; for p in $(DEPS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
			grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing; \
	fi

install: kleak
	install -D -m 0755 kleak $(DESTDIR)$(PREFIX)/bin/kleak
	install -D -m 0644 docs/kleak.1 $(DESTDIR)$(PREFIX)/share/man/man1/kleak.1
	install -D -m 0644 completion/kleak.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/kleak

# The Debian package, built with Debian's tools from a copy of the tracked
# files (dpkg-buildpackage writes beside its source tree): build/deb/*.deb.
DEB_DEPS := dpkg-dev debhelper fakeroot lintian
deb:
	@$(MAKE) --no-print-directory deps DEPS="$(DEPS) $(DEB_DEPS)"
	rm -rf build/deb && mkdir -p build/deb/kleak-$(VERSION)
	git ls-files -z | xargs -0 cp --parents -t build/deb/kleak-$(VERSION)
	cd build/deb/kleak-$(VERSION) && dpkg-buildpackage -us -uc -b
	lintian --fail-on error,warning build/deb/kleak_*.changes

# Installs the .deb into a fresh Debian 12 root (debootstrap) and runs
# `kleak check` from there; systemd-analyze verify on the units. Minutes:
# not part of `make test`; .ci/run runs it.
deb-test: deb
	@$(MAKE) --no-print-directory deps DEPS="debootstrap systemd"
	tests/deb/install-test.sh build/deb

# libFuzzer builds: clang, the library sources compiled with the fuzzer.
FUZZFLAGS := -O1 -g -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer
FUZZLIB   := $(LIBSRCS:%.c=build/fuzz/%.o)
build/fuzz/%.o: %.c
	@mkdir -p $(@D)
	$(CLANG) $(CPPFLAGS) -std=gnu11 $(WARN) -fsanitize=fuzzer-no-link,address,undefined -O1 -g -c -o $@ $<
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZLIB)
	$(CLANG) $(CPPFLAGS) -std=gnu11 $(WARN) $(FUZZFLAGS) -o $@ $^ $(LDLIBS)

fuzz-build: $(FUZZ_BINS)
fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh $(FUZZ_NAMES)

OPTLIB := $(LIBSRCS:%.c=build/opt/%.o)
build/bench/bench_parsers: bench/parse/bench_parsers.c $(OPTLIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $^ $(LDLIBS)

# The HTML report's benchmark (bench/html/run.sh): optimised builds.
build/bench/gen_recording: bench/html/gen_recording.c $(OPTLIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $^ $(LDLIBS)
build/bench/bench_render: bench/html/bench_render.c $(OPTLIB)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $^ $(LDLIBS)

bench: kleak build/bench/bench_parsers build/bench/gen_recording build/bench/bench_render
	bench/run.sh

# The verdict simulation (docs/verdicts.md): the real model and trend code.
build/opt/libkleak.a: $(OPTLIB)
	@rm -f $@
	ar rcs $@ $^
build/bench/bench_verdicts: bench/verdicts/bench_verdicts.c build/opt/libkleak.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< build/opt/libkleak.a $(LDLIBS)

bench-verdicts:
	bench/verdicts/run.sh $(BENCH_VERDICTS_ARGS)

# The calibration on real workloads (docs/verdicts.md): recordings replayed.
build/bench/calibration_replay: bench/calibration/replay.c build/opt/libkleak.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< build/opt/libkleak.a $(LDLIBS)

# The man page is generated from the help texts; tests/cli/docs.sh checks it.
man: kleak
	docs/gen-man.sh ./kleak > docs/kleak.1

# clang-format 14 (Debian 12's) with .clang-format; other versions lay out
# some lines differently. format-check changes nothing: it says what
# `make format` would change, and fails when anything would (CI runs it).
CLANG_FORMAT ?= $(shell command -v clang-format-14 || echo clang-format)
FORMAT_SRCS = $(shell find src tests -name '*.[ch]' ! -path '*/vm/modules/*' | sort)
format:
	$(CLANG_FORMAT) -i $(FORMAT_SRCS)

format-check:
	@CLANG_FORMAT=$(CLANG_FORMAT) mk/format-check.sh $(FORMAT_SRCS)

clean:
	rm -rf build kleak

-include $(OBJS:.o=.d) $(SANOBJS:.o=.d)
