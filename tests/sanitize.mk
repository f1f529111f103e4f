# bpfq's code under AddressSanitizer (with LeakSanitizer) and
# UndefinedBehaviorSanitizer: `make sanitize`. Included by the Makefile after
# its variables (BUILD, CPPFLAGS, CFLAGS, LDLIBS, CORE_SRCS, CMD_SRCS,
# TEMPLATES, Q, msg): a second bpfq and unit tests, from the same sources,
# in their own object folder $(BUILD)/asan (built once), then the tests
# that reach that code (SAN_BATS says which) with that binary. Any leak,
# any UB, any out-of-bounds access aborts the process, so the test that
# ran it fails.

SAN_BUILD  = $(BUILD)/asan
# clang, as for the BPF objects: with gcc's separate libubsan, UBSan ignores
# log_path and reports only on stderr, where a test may not look.
SAN_CC     = $(CLANG)
SAN_FLAGS  = -fsanitize=address,undefined -fno-sanitize-recover=all \
	     -fno-omit-frame-pointer -O1 -g
# Leaks, UB and memory errors abort the process (a test sees the status),
# and every report also goes to a file under $(SAN_LOG): after the suite,
# any file there fails the target, even if the test that ran the process
# did not look at its status or stderr. tests/lsan.supp lists allocations
# that are not ours (each explained there). The folder is world-writable:
# some tests run bpfq as nobody.
SAN_LOG    = $(abspath $(SAN_BUILD))/log
SAN_ENV    = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:log_path=$(SAN_LOG)/asan \
	     LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
	     UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1:log_path=$(SAN_LOG)/ubsan

SAN_CORE_OBJS = $(CORE_SRCS:%.c=$(SAN_BUILD)/%.o) $(SAN_BUILD)/codegen/templates.o
SAN_CMD_OBJS  = $(CMD_SRCS:%.c=$(SAN_BUILD)/%.o)
# What runs again under the sanitizers: every unit test; the bats files
# whose tests drive bpfq's own code through its paths: the CLI and its
# messages (01), the answers (02), options and output formats (04), the
# session (06), merge (07), hostile queries and data (08), failures and
# their clean-up (10), -j's readers and slots (13), runs for other users
# (14); and the differential tests without the long-input program
# (DIFF_LONG=0: the same user-space code as the short one), which feed the
# evaluator and the kernel engine's user side every hostile file, at one
# read size per case in turn (DIFF_SIZES=one) and without the oracle
# (DIFF_ORACLE=0): the plain run checks the answers at every size, this
# one looks for memory errors and undefined behaviour on the way. Left to
# make bats alone, run once: the QEMU tests (09, 12: they check kernels),
# 03-isolation (the kernel's filter of other readers; its user side is
# what 02 runs), 05-man (the pages' text, and examples whose queries
# 01-04 run) and 11-hooks (which hook this kernel allows; the same
# probing runs in 01, 04 and 14).
SAN_BATS      = $(addprefix tests/bats/,01-cli.bats 02-answers.bats 04-options.bats \
		06-repl.bats 07-merge.bats 08-injection.bats 10-faults.bats 13-jobs.bats \
		14-security.bats 19-debug.bats 23-text.bats 24-regex.bats 25-dates.bats \
		26-questions.bats 27-json.bats 28-keys.bats 29-precision.bats \
		30-quantiles.bats 31-file.bats)
SAN_UNIT      = $(patsubst tests/unit/%.c,$(SAN_BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

.PHONY: sanitize sanitize-build

sanitize-build: $(SAN_BUILD)/bpfq $(SAN_UNIT)

$(SAN_BUILD)/bpfq: $(SAN_CMD_OBJS) $(SAN_CORE_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(SAN_CC) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# -O1 comes after the -O2 of CFLAGS, so it wins.
$(SAN_BUILD)/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(SAN_CC) $(CPPFLAGS) $(CFLAGS) $(SAN_FLAGS) -c -o $@ $<

$(SAN_BUILD)/codegen/templates.o: codegen/templates.S $(TEMPLATES)
	$(call msg,AS,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(SAN_CC) -c -o $@ $<

# (the headers come in from the .d of an earlier run: clang would take them as inputs)
$(SAN_BUILD)/tests/test_%: tests/unit/test_%.c $(SAN_CORE_OBJS)
	$(call msg,LINK,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(SAN_CC) $(CPPFLAGS) $(CFLAGS) $(SAN_FLAGS) -o $@ $(filter-out %.h,$^) $(LDLIBS)

# BPFQ_PLAIN: the plain build, for a run the sanitizers cannot watch (no /proc).
sanitize: sanitize-build $(BUILD)/bpfq
	$(Q)rm -rf $(SAN_LOG) && mkdir -p $(SAN_LOG) && chmod 1777 $(SAN_LOG)
	$(Q)export $(SAN_ENV) BPFQ=$(abspath $(SAN_BUILD)/bpfq) \
		BPFQ_PLAIN=$(abspath $(BUILD)/bpfq); status=0; \
	for t in $(SAN_UNIT); do $$t || status=1; done; \
	$(BATS) $(BATS_JOBS) $(SAN_BATS) || status=1; \
	DIFF_LONG=0 DIFF_SIZES=one DIFF_ORACLE=0 tests/diff/run || status=1; \
	if [ -n "$$(ls -A $(SAN_LOG))" ]; then \
		echo "sanitize: reports in $(SAN_LOG):"; cat $(SAN_LOG)/*; status=1; \
	fi; \
	exit $$status
