# The front-end fuzzer (tests/fuzz/fuzz_front.c). Included by the Makefile,
# which gives it BUILD, Q and msg; also works alone: make -f tests/fuzz/fuzz.mk fuzz
#
#   make fuzz                     replay tests/fuzz/regressions, then fuzz FUZZ_SECONDS (60)
#   make fuzz FUZZ_SECONDS=600
#   make fuzz-regress             only the replay
#
# The replay also runs clang -E on each accepted input's program
# (BPFQ_FUZZ_CPP=1) and checks bpfq_emit() as clang compiles it; the
# fuzzing itself does not (a clang run an input).
#
# lang/ and codegen/ are compiled again into $(BUILD)/fuzz with coverage,
# ASan and UBSan (which aborts: -fno-sanitize-recover). New inputs go to
# $(BUILD)/fuzz/corpus, kept between runs; tests/fuzz/corpus is only read.
# A crash fails the target, prints the report and leaves the input in
# $(BUILD)/fuzz/crash-*: minimize it (fuzz_front -minimize_crash=1 FILE),
# fix the bug, and add the input to tests/fuzz/regressions.

BUILD        ?= build
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_BIN     := $(FUZZ_DIR)/fuzz_front
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_MULTIARCH ?= $(shell $(FUZZ_CC) -print-multiarch 2>/dev/null)
FUZZ_CFLAGS  := -std=gnu11 -O1 -g -fno-omit-frame-pointer -Wall -Wextra -Wno-unused-parameter \
		-MMD -MP -D_GNU_SOURCE -I. -DBPFQ_VERSION='"fuzz"' $(FUZZ_SAN) \
		-DFUZZ_SYS_INCLUDE='"/usr/include/$(FUZZ_MULTIARCH)"' $(WARN_STRICT)
FUZZ_SRCS    := $(wildcard lang/*/*.c) codegen/codegen.c codegen/plan.c codegen/flatten.c \
		codegen/template_list.c codegen/accum.c codegen/mask.c \
		codegen/inlist.c codegen/regex.c codegen/prune.c
FUZZ_MAIN    := $(FUZZ_DIR)/tests/fuzz/fuzz_front.o
FUZZ_OBJS    := $(FUZZ_SRCS:%.c=$(FUZZ_DIR)/%.o) $(FUZZ_DIR)/codegen/templates.o
FUZZ_OPTS    := -dict=tests/fuzz/query.dict -max_len=8192 -timeout=10 \
		-artifact_prefix=$(FUZZ_DIR)/ -print_final_stats=1

.PHONY: fuzz fuzz-regress

# Coverage for libFuzzer in every object; its main() only at the link.
$(FUZZ_SRCS:%.c=$(FUZZ_DIR)/%.o) $(FUZZ_MAIN): $(FUZZ_DIR)/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

# The templates are .incbin'ed: the fuzzer checks codegen keeps them intact.
$(FUZZ_DIR)/codegen/templates.o: codegen/templates.S $(wildcard bpf-templates/*.h bpf-templates/*.c)
	$(call msg,AS,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) -c -o $@ $<

$(FUZZ_BIN): $(FUZZ_MAIN) $(FUZZ_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ -lgmp -lm

# Every saved input once, whole (no -max_len: it would cut long ones).
fuzz-regress: $(FUZZ_BIN)
	$(call msg,FUZZ,tests/fuzz/regressions)
	$(Q)BPFQ_FUZZ_CPP=1 $(FUZZ_BIN) tests/fuzz/regressions/* >$(FUZZ_DIR)/regress.log 2>&1 || \
		{ cat $(FUZZ_DIR)/regress.log; exit 1; }

# The whole log stays in $(FUZZ_DIR)/fuzz.log; CI shows the final stats,
# or the end of the log (the crash report) on failure.
fuzz: fuzz-regress
	$(call msg,FUZZ,$(FUZZ_SECONDS) s)
	$(Q)mkdir -p $(FUZZ_DIR)/corpus
	$(Q)if $(FUZZ_BIN) $(FUZZ_OPTS) -max_total_time=$(FUZZ_SECONDS) \
		$(FUZZ_DIR)/corpus tests/fuzz/corpus >$(FUZZ_DIR)/fuzz.log 2>&1; then \
		grep -E '^(Done|stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb))' \
			$(FUZZ_DIR)/fuzz.log | sed 's/^/  /'; \
	else \
		tail -n 80 $(FUZZ_DIR)/fuzz.log; exit 1; \
	fi

-include $(shell find $(FUZZ_DIR) -name '*.d' 2>/dev/null)
