# bpfq: see README.md. `make` builds build/bpfq; `make check` runs every test.
.DELETE_ON_ERROR:

BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
CLANG   ?= clang
BATS    ?= bats

ifeq ($(V),1)
Q =
msg = @true
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
# The clang bpfq runs when it acts for another user (sudo, file
# capabilities), when neither BPFQ_CLANG nor PATH may choose: found now.
CLANG_PATH ?= $(or $(filter /%,$(shell command -v $(CLANG) 2>/dev/null)),/usr/bin/clang)
# The REPL's pager where $PAGER may not choose (under sudo) or is unset:
# less, else more, found now; none if neither is installed.
PAGER_PATH ?= $(or $(filter /%,$(shell command -v less 2>/dev/null)),$(filter /%,$(shell command -v more 2>/dev/null)))
# The release: the one place its number is written. From a git checkout the
# version also names the commit, as bpfq --version, the REPL and the
# generated C print it.
# A release's tarball (make dist) carries the version its checkout had
# in a VERSION file: it has no git to ask.
RELEASE   := 0.2.0
ifneq ($(wildcard VERSION),)
VERSION   := $(shell cat VERSION)
else
GIT_REV   := $(shell git describe --always --dirty 2>/dev/null)
VERSION   := $(RELEASE)$(if $(GIT_REV), ($(GIT_REV)))
endif

CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -MMD -MP
# CI (CI=true, or WERROR=1) makes every warning an error, with more of
# them: each build of make check (plain, sanitizer, fuzzer) has them.
WERROR   ?= $(if $(filter true,$(CI)),1,0)
WARN_STRICT := $(if $(filter 1,$(WERROR)),-Werror -Wshadow -Wmissing-prototypes -Wformat=2)
CFLAGS   += $(WARN_STRICT)
CPPFLAGS += -D_GNU_SOURCE -I. $(shell pkg-config --cflags libbpf 2>/dev/null) \
	    -DBPFQ_VERSION='"$(VERSION)"' \
	    -DBPFQ_SYS_INCLUDE='"/usr/include/$(MULTIARCH)"' \
	    -DBPFQ_CLANG_PATH='"$(CLANG_PATH)"' \
	    -DBPFQ_PAGER_PATH='"$(PAGER_PATH)"'
LDLIBS   += $(shell pkg-config --libs libbpf 2>/dev/null || echo -lbpf) -lelf -lz -lreadline -lgmp -lyajl -larchive -lm -lpthread

LANG_SRCS    := $(wildcard lang/*/*.c)
CORE_SRCS    := $(LANG_SRCS) $(wildcard codegen/*.c runtime/*.c)
CMD_SRCS     := $(wildcard cmd/*.c cmd/*/*.c)
TEMPLATES    := $(wildcard bpf-templates/*.h bpf-templates/*.c)

LANG_OBJS := $(LANG_SRCS:%.c=$(BUILD)/%.o)
CORE_OBJS := $(CORE_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/codegen/templates.o
CMD_OBJS  := $(CMD_SRCS:%.c=$(BUILD)/%.o)

UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

.PHONY: all check unit bats bats-host bats-vm diff install uninstall clean deps demo dist deb

all: $(BUILD)/bpfq

$(BUILD)/bpfq: $(CMD_OBJS) $(CORE_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The objects that say the version (-DBPFQ_VERSION) are built again when it
# changes (a commit, an edit): the stamp file is written only then.
VERSION_STAMP := $(BUILD)/version
VERSION_USERS := cmd/options.o cmd/repl.o codegen/codegen.o
$(VERSION_STAMP): FORCE
	$(Q)mkdir -p $(@D)
	$(Q)[ "$$(cat $@ 2>/dev/null)" = '$(VERSION)' ] || echo '$(VERSION)' >$@
$(addprefix $(BUILD)/,$(VERSION_USERS)) $(addprefix $(BUILD)/asan/,$(VERSION_USERS)): \
	$(VERSION_STAMP)
.PHONY: FORCE
FORCE:

# The BPF templates and the shared header are embedded in the binary (.incbin).
$(BUILD)/codegen/templates.o: codegen/templates.S $(TEMPLATES)
	$(call msg,AS,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -c -o $@ $<

# Every program the entry makes, compiled once as libbpf-tools compile each
# .bpf.c, with the flags bpfq gives clang at run time (codegen/clang.c
# clang_flags): a template that no longer compiles fails the build, not a
# user's query. The query is a stub (tests/bpf/bpfq_query.h). Each format
# at each hook in the short input's shape (numbers-syscall.o), and the
# long input's shapes at the syscall hook, each part apart (text-streams-
# part1.o; split: the long input's without streams; binary: one part).
BPF_FLAGS   := -target bpf -O2 -g -gno-inline-line-tables -mcpu=v3 -D__TARGET_ARCH_x86 \
	       -idirafter /usr/include/$(MULTIARCH) -Wno-unused-function
BPF_FORMATS := numbers text csv binary json
BPF_HOOKS   := copyout vfs_fexit vfs_kprobe syscall syscall_btf
BPF_OBJS    := $(foreach f,$(BPF_FORMATS),$(foreach h,$(BPF_HOOKS),$(BUILD)/bpf/$(f)-$(h).o)) \
	       $(foreach f,numbers text csv,$(foreach s,streams split,$(foreach p,1 2,\
		$(BUILD)/bpf/$(f)-$(s)-part$(p).o))) $(BUILD)/bpf/binary-split.o \
	       $(BUILD)/bpf/json-split.o
bpf_word  = $(word $(2),$(subst -, ,$(1)))
bpf_upper = $(shell echo '$(1)' | tr a-z A-Z)
bpf_long  = $(filter streams split,$(call bpf_word,$(1),2))
bpf_defs  = -DBPFQ_FORMAT=BPFQ_FORMAT_$(call bpf_upper,$(call bpf_word,$(1),1)) \
	    $(if $(call bpf_long,$(1)),-DBPFQ_HOOK=BPFQ_HOOK_SYSCALL -DBPFQ_SPLIT_SIGNS=1 \
	      -DBPFQ_STREAMS=$(if $(filter streams,$(call bpf_long,$(1))),1,0),\
	      -DBPFQ_HOOK=BPFQ_HOOK_$(call bpf_upper,$(call bpf_word,$(1),2))) \
	    $(patsubst part%,-DBPFQ_PART=%,$(call bpf_word,$(1),3))

all: $(BPF_OBJS)

$(BUILD)/bpf/%.o: bpf-templates/bpfq.bpf.c $(TEMPLATES) tests/bpf/bpfq_query.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_FLAGS) -I tests/bpf -I bpf-templates $(call bpf_defs,$*) -c -o $@ $<

# (the headers come in from the .d of an earlier run: cc would take them as inputs)
$(BUILD)/tests/test_%: tests/unit/test_%.c $(CORE_OBJS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $(filter-out %.h,$^) $(LDLIBS)

unit: $(UNIT_TESTS)
	$(Q)set -e; for t in $(UNIT_TESTS); do printf '%-14s ' "$${t##*/}:"; $$t; done

# The files that boot QEMU guests, the longest, and the others. Files run
# two at a time with GNU parallel (make deps installs it; without it, one
# at a time), the guests' first; a file's tests one after another (they
# share its setup_file, and some a terminal or a user).
BATS_VM   := tests/bats/12-vm-hooks.bats tests/bats/09-vm.bats
BATS_HOST := $(filter-out $(BATS_VM),$(wildcard tests/bats/*.bats))
BATS_JOBS ?= $(if $(shell command -v parallel 2>/dev/null),--jobs 2 --no-parallelize-within-files)

bats: $(BUILD)/bpfq
	$(Q)$(BATS) $(BATS_JOBS) $(BATS_VM) $(BATS_HOST)

bats-host: $(BUILD)/bpfq
	$(Q)$(BATS) --timing $(BATS_JOBS) $(BATS_HOST)

# One guest at a time: each takes both CPUs when it can.
bats-vm: $(BUILD)/bpfq
	$(Q)$(BATS) --timing $(BATS_VM)

diff: $(BUILD)/bpfq
	$(Q)tests/diff/run

include tests/fuzz/fuzz.mk
include tests/sanitize.mk

# Every test: front-end unit tests, the CLI (with the QEMU tests), kernel ==
# evaluator == awk, a minute of fuzzing, and the code under ASan+UBSan
# (tests/sanitize.mk). Everything is built first (make -j2 check builds two
# at a time), then tests/check runs the QEMU tests (bats-vm) in the
# background and the other parts one after another beside them, and prints
# the wall time of each. What each must stay within on this project's
# 2-CPU machine (the times are printed, never enforced):
#   unit 1 min, bats-host 8 min, diff 7 min, fuzz 2 min, sanitize 8 min,
#   bats-vm 22 min (alongside those); make check 25 min in all.
check: $(BUILD)/bpfq $(UNIT_TESTS) sanitize-build $(FUZZ_BIN)
	+$(Q)MAKE='$(MAKE)' BUILD='$(BUILD)' tests/check

# The Debian packages the build, the tests and the demo need.
deps:
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		make gcc libc6-dev clang llvm libbpf-dev libelf-dev zlib1g-dev \
		libreadline-dev libgmp-dev libyajl-dev libarchive-dev bpftool bats pkg-config gawk mawk git \
		tmux jq pdsh clustershell mandoc strace zstd xz-utils bzip2 lz4 parallel \
		qemu-system-x86 busybox-static cpio e2fsprogs libclang-rt-14-dev \
		bash-completion debhelper dpkg-dev fakeroot

demo: $(BUILD)/bpfq
	$(Q)bench/gen-ints 1000000 $(BUILD)/demo.txt
	./$(BUILD)/bpfq 'sum(x) where x > 5 from $(BUILD)/demo.txt'

# The benchmark, kept out of check: bpfq against C readers, read() alone,
# awk, datamash, DuckDB and polars on generated data (bench/run says what
# it measures; BENCH_SCALE=100 BENCH_ROUNDS=2 for a quick run). Needs root
# for the kernel hooks. `make bench-deps` installs datamash (mawk and gawk
# come with deps); DuckDB and polars come from npm on the first run, where
# node and npm are installed.
.PHONY: bench bench-deps bench-others bench-shapes
bench-deps: deps
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		datamash

BENCH_HELPERS := $(BUILD)/bench/gen $(BUILD)/bench/gen-real $(BUILD)/bench/native \
                 $(BUILD)/bench/read $(BUILD)/bench/simd $(BUILD)/bench/timeit \
                 $(BUILD)/bench/others
BENCH_CFLAGS  ?= -O2

bench: $(BUILD)/bpfq $(BENCH_HELPERS)
	$(Q)BUILD=$(BUILD) bench/run

# What a scan costs the other processes (bench/others; root, bpftool), and
# the csv scan rate by the shape of the unused columns (bench/shapes).
bench-others: $(BUILD)/bpfq $(BUILD)/bench/gen $(BUILD)/bench/others
	$(Q)BUILD=$(BUILD) bench/others

bench-shapes: $(BUILD)/bpfq $(BUILD)/bench/gen-real
	$(Q)BUILD=$(BUILD) bench/shapes

$(BENCH_HELPERS): $(BUILD)/bench/%: bench/%.c bench/rng.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BENCH_CFLAGS) -std=gnu11 -Wall -Wextra -pthread -o $@ $<

install: $(BUILD)/bpfq
	install -D -m 0755 $(BUILD)/bpfq $(DESTDIR)$(PREFIX)/sbin/bpfq
	install -D -m 0644 man/bpfq.8 $(DESTDIR)$(PREFIX)/share/man/man8/bpfq.8
	install -D -m 0644 man/bpfq-query.7 $(DESTDIR)$(PREFIX)/share/man/man7/bpfq-query.7
	install -D -m 0644 man/bpfq-internals.7 $(DESTDIR)$(PREFIX)/share/man/man7/bpfq-internals.7
	install -D -m 0644 cmd/completion/bpfq \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/bpfq

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/bpfq
	rm -f $(DESTDIR)$(PREFIX)/share/man/man8/bpfq.8
	rm -f $(DESTDIR)$(PREFIX)/share/man/man7/bpfq-query.7
	rm -f $(DESTDIR)$(PREFIX)/share/man/man7/bpfq-internals.7
	rm -f $(DESTDIR)$(PREFIX)/share/bash-completion/completions/bpfq

# The release: the tracked files (edits not yet committed among them) and
# VERSION, in bpfq-RELEASE/. make deb builds the Debian package from that
# tarball, with cmd/debian as its debian/ folder, the changelog written from
# RELEASE; without the caller's make variables (MAKEFLAGS, and BUILD, which
# the package's make clean would remove), so that its build is the tarball's own.
DIST := bpfq-$(RELEASE)
# Who makes the package: its Maintainer and changelog. lintian takes the
# default's localhost for an error: a release is made with a real address.
DEB_MAINTAINER ?= bpfq <bpfq@localhost>

dist: $(BUILD)/$(DIST).tar.gz

$(BUILD)/$(DIST).tar.gz: FORCE
	$(call msg,DIST,$@)
	$(Q)git rev-parse --git-dir >/dev/null 2>&1 || { echo "make dist needs a git checkout" >&2; exit 1; }
	$(Q)mkdir -p $(BUILD)/dist
	$(Q)echo '$(VERSION)' >$(BUILD)/dist/VERSION
	$(Q)git ls-files -z | tar --null -T - -C $(abspath $(BUILD))/dist -czf $@ \
		--owner=0 --group=0 --numeric-owner --transform 's,^,$(DIST)/,' VERSION

deb: $(BUILD)/$(DIST).tar.gz
	$(call msg,DEB,$(BUILD)/deb)
	$(Q)rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb
	$(Q)tar -xzf $< -C $(BUILD)/deb
	$(Q)cp -r $(BUILD)/deb/$(DIST)/cmd/debian $(BUILD)/deb/$(DIST)/debian
	$(Q)sed -i 's|^Maintainer: .*|Maintainer: $(DEB_MAINTAINER)|' $(BUILD)/deb/$(DIST)/debian/control
	$(Q)printf 'bpfq (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- %s  %s\n' \
		'$(RELEASE)' '$(RELEASE)' '$(DEB_MAINTAINER)' "$$(date -R)" \
		>$(BUILD)/deb/$(DIST)/debian/changelog
	$(Q)cd $(BUILD)/deb/$(DIST) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD \
		-u PREFIX -u DESTDIR dpkg-buildpackage -b -us -uc >../build.log 2>&1 || { tail -40 ../build.log; exit 1; }
	$(Q)ls $(BUILD)/deb/bpfq_$(RELEASE)_*.deb

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
