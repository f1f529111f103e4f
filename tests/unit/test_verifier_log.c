// SPDX-License-Identifier: MIT
/*
 * The verifier's log against the program (runtime/verifier_log.c): the
 * annotated log and the summary, their full text compared exactly, on a
 * log made in the kernel's own line forms.
 */
#include "runtime/verifier_log.h"
#include "tests/unit/unit.h"

static const char src[] =
	"/* ==== a.bpf.c ==== */\n"
	"#line 1 \"a.bpf.c\"\n"
	"int f(void)\n"
	"{\n"
	"\treturn g(1);\n"
	"#line 1 \"<query>\"\n"
	"\tx = 1;\n"
	"#line 4 \"a.bpf.c\"\n"
	"}\n";

static const char log_text[] =
	"--- program p (raw_tp/sys_exit) ---\n"
	"0: R1=ctx() R10=fp0\n"
	";  @ a.bpf.c:3\n"
	"0: (bf) r6 = r1                       ; R1=ctx()\n"
	"1: (85) call bpf_get_current_pid_tgid#14\n"
	";  @ <query>:1\n"
	"2: (b7) r0 = 1\n"
	"; kept text @ a.bpf.c:3\n"
	"3: (95) exit\n"
	";  @ a.bpf.c:9\n"
	"4: (95) exit\n"
	"verification time 10 usec\n"
	"stack depth 24+0\n"
	"processed 5 insns (limit 1000000) max_states_per_insn 1 total_states 3 peak_states 2 "
	"mark_read 0\n"
	"--- program q (tp_btf/sys_exit) ---\n"
	"processed 7 insns (limit 1000000) max_states_per_insn 2 total_states 4 peak_states 4 "
	"mark_read 0\n";

static char *through(void (*fn)(FILE *, const char *, const char *), const char *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	fn(out, log_text, s);
	fclose(out);
	return text;
}

static void test_annotate(void)
{
	char *text = through(verifier_log_annotate, src);

	expect_str("annotate",
		   "--- program p (raw_tp/sys_exit) ---\n"
		   "0: R1=ctx() R10=fp0\n"
		   "; return g(1); @ a.bpf.c:3\n"
		   "0: (bf) r6 = r1                       ; R1=ctx()\n"
		   "1: (85) call bpf_get_current_pid_tgid#14\n"
		   "; x = 1; @ <query>:1\n"
		   "2: (b7) r0 = 1\n"
		   "; kept text @ a.bpf.c:3\n"
		   "3: (95) exit\n"
		   ";  @ a.bpf.c:9\n"
		   "4: (95) exit\n"
		   "verification time 10 usec\n"
		   "stack depth 24+0\n"
		   "processed 5 insns (limit 1000000) max_states_per_insn 1 total_states 3 "
		   "peak_states 2 mark_read 0\n"
		   "--- program q (tp_btf/sys_exit) ---\n"
		   "processed 7 insns (limit 1000000) max_states_per_insn 2 total_states 4 "
		   "peak_states 4 mark_read 0\n", text);
	free(text);
}

static void test_summary(void)
{
	char *text = through(verifier_log_summary, src);

	expect_str("summary",
		   "program p (raw_tp/sys_exit):\n"
		   "  5 instructions processed, 3 states (2 at the peak, at most 1 at one "
		   "instruction), stack depth 24+0\n"
		   "  the source lines the verifier walked most instructions of:\n"
		   "         3  a.bpf.c:3  return g(1);\n"
		   "         1  <query>:1  x = 1;\n"
		   "         1  a.bpf.c:9\n"
		   "program q (tp_btf/sys_exit):\n"
		   "  7 instructions processed, 4 states (4 at the peak, at most 2 at one "
		   "instruction), stack depth not in the log\n"
		   "  no source lines: the log carries no line info\n", text);
	free(text);
}

int main(void)
{
	test_annotate();
	test_summary();
	return unit_done();
}
