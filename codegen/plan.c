// SPDX-License-Identifier: MIT
/* The program's shape (plan.h): each choice, and why, in one place. */
#include "bpf-templates/bpfq_state.h"
#include "codegen/gen.h"
#include "codegen/plan.h"
#include "lang/value/layout.h"

/* The entry (bpf-templates/bpfq.bpf.c) tells formats and hooks by these numbers. */
_Static_assert(BPFQ_FORMAT_NUMBERS == INPUT_NUMBERS && BPFQ_FORMAT_TEXT == INPUT_TEXT &&
	       BPFQ_FORMAT_CSV == INPUT_CSV && BPFQ_FORMAT_BINARY == INPUT_BINARY &&
	       BPFQ_FORMAT_JSON == INPUT_JSON,
	       "bpfq_state.h BPFQ_FORMAT_*");
_Static_assert(BPFQ_HOOK_COPYOUT == HOOK_COPYOUT && BPFQ_HOOK_VFS_FEXIT == HOOK_VFS_FEXIT &&
	       BPFQ_HOOK_VFS_KPROBE == HOOK_VFS_KPROBE && BPFQ_HOOK_SYSCALL == HOOK_SYSCALL &&
	       BPFQ_HOOK_SYSCALL_BTF == HOOK_SYSCALL_BTF, "bpfq_state.h BPFQ_HOOK_*");

/*
 * The long input's program: a file's size decides; a pipe's is unknown,
 * so it gets the long one: a little more to load and verify than the
 * short one's, while the short one scans a long pipe much slower (more so
 * with the pipe grown, runtime/reader.c). A dry run opens a regular file
 * as a run does; with none (standard input, a path not there) it knows no
 * size, so it gets the short one's. BPFQ_LONG_INPUT overrides all of it
 * (the tests).
 */
static bool large_input(const struct plan_input *in)
{
	if (in->force_long >= 0)
		return in->force_long;
	return in->unsized || in->size >= CODEGEN_LARGE_INPUT;
}

/*
 * A read in streams (streams.bpf.h) takes the fast path's records
 * out of order: only where they only add into the batch. Long inputs
 * only: the streams' steps add to the loading and verifying.
 */
static bool use_streams(const struct query *q, bool large)
{
	return large && q->format.kind != INPUT_BINARY && q->format.kind != INPUT_JSON &&
	       fast_only_adds(q);
}

/*
 * Numbers per call of the fast number parser, each inlined: each costs the
 * verifier some hundred instructions at every load, and saves time on a
 * long scan. A group lookup at each of them multiplies the paths past
 * what kernels before 6.13 or so walk: one each there. With streams,
 * the one-stream path only takes what the streams leave (a read's ends,
 * short reads): 16, which clang compiles faster.
 */
static int fast_per_step(const struct query *q, bool large, bool streams)
{
	if (q->by)
		return 1;
	return large && !streams ? 32 : 16;
}

/*
 * binary: 1 when every used field is an i64, and they are few: the fast
 * block then keeps them in registers (parse_binary.bpf.h). An i64 always
 * holds an integer, and its load tells the verifier nothing, as a load
 * from the map does; a narrower field's load gives it a range, and a where
 * on a few such fields passed its million instructions. More fields would
 * spill to the stack.
 */
int codegen_fields_int(const struct query *q)
{
	if (q->format.kind != INPUT_BINARY || q->nslots > 4)
		return 0;
	for (int i = 0; i < q->nslots; i++)
		if (q->format.fields[q->slot_field[i]].type != BPFQ_BIN_I64)
			return 0;
	return 1;
}

void codegen_plan(const struct query *q, enum hook_kind hook, const struct plan_input *in,
		  struct codegen_plan *plan)
{
	int words = layout_words(q);

	*plan = (struct codegen_plan){ .format = q->format.kind, .hook = hook,
				       .dry_run = in->dry_run, .by = q->by != NULL };
	plan->large = large_input(in);
	plan->streams = use_streams(q, plan->large);
	plan->lanes = plan->streams && q->format.kind == INPUT_NUMBERS;
	plan->lanes_form = mask_lanes_form(q);
	plan->fast_per_step = fast_per_step(q, plan->large, plan->streams);
	/*
	 * The long input's side functions (its streams' steps, or without
	 * streams the unsigned copies of its parsers' steps) compile apart
	 * (prelude.bpf.h BPFQ_PART).
	 */
	plan->parts = plan->large && q->format.kind != INPUT_BINARY &&
		      q->format.kind != INPUT_JSON ? 2 : 1;
	/* Without by, the area holds the states; with it, every group's value does. */
	plan->area_words = q->by ? 1 : (words ? words : 1);
	plan->group_words = q->by ? (words ? words : 1) : 0;
	plan->fields_int = codegen_fields_int(q);
	plan->input = *in;
}

static const char *format_name(enum input_kind kind)
{
	switch (kind) {
	case INPUT_NUMBERS: return "numbers";
	case INPUT_TEXT: return "text";
	case INPUT_CSV: return "csv";
	case INPUT_JSON: return "json";
	default: return "binary";
	}
}

/* Long or short, and what told it (large_input()). */
static void print_size(FILE *out, const struct codegen_plan *p, const char *prefix)
{
	const struct plan_input *in = &p->input;
	const char *which = p->large ? "long" : "short";

	if (in->force_long >= 0)
		fprintf(out, "%sinput: %s: BPFQ_LONG_INPUT=%d says so\n", prefix, which,
			in->force_long);
	else if (in->unsized)
		fprintf(out, "%sinput: long: its length unknown (a pipe, or a compressed file)\n", prefix);
	else if (in->dry_run)
		fprintf(out, "%sinput: short: a dry run with no file to look at\n", prefix);
	else
		fprintf(out, "%sinput: %s: %llu bytes, %s %llu MiB\n", prefix, which,
			(unsigned long long)in->size, p->large ? "at least" : "under",
			CODEGEN_LARGE_INPUT >> 20);
}

static const char *streams_reason(const struct codegen_plan *p)
{
	if (p->streams)
		return "the records only add into the batch, so they may come in any order";
	if (!p->large)
		return "a short input's program reads in one stream";
	if (p->format == INPUT_BINARY)
		return "binary records are read in one stream";
	return "the records do more than add into the batch";
}

static const char *lanes_form_name(int form)
{
	return form == 0 ? "no comparison with x" : form == 1 ? "equalities only" : "order";
}

static const char *per_step_reason(const struct codegen_plan *p)
{
	if (p->by)
		return "one each: a group lookup at each multiplies the verifier's paths";
	if (p->large && !p->streams)
		return "a long input scans faster with more inlined";
	if (p->streams)
		return "the one-stream path only takes what the streams leave";
	return "a short input's program loads and verifies faster";
}

void codegen_plan_print(FILE *out, const struct codegen_plan *p, const char *hook_name,
			const char *prefix)
{
	fprintf(out, "%sformat: %s (BPFQ_FORMAT %d)\n", prefix, format_name(p->format),
		p->format);
	fprintf(out, "%shook: %s (BPFQ_HOOK %d)\n", prefix, hook_name, p->hook);
	print_size(out, p, prefix);
	fprintf(out, "%sthe long input's parsers: %s (BPFQ_SPLIT_SIGNS %d)\n", prefix,
		p->large ? "yes" : "no", p->large);
	fprintf(out, "%sstreams: %s: %s (BPFQ_STREAMS %d)\n", prefix, p->streams ? "yes" : "no",
		streams_reason(p), p->streams);
	fprintf(out, "%slanes: %s: %s (bpfq_emit_lanes)\n", prefix, p->lanes ? "yes" : "no",
		p->lanes ? "numbers in streams come as digit lanes" :
			   "numbers come as values");
	fprintf(out, "%slanes form: %d: the where's comparisons with x: %s (BPFQ_LANES_FORM)\n",
		prefix, p->lanes_form, lanes_form_name(p->lanes_form));
	fprintf(out, "%snumbers per fast parser step: %d: %s (BPFQ_FAST_PER_STEP)\n", prefix,
		p->fast_per_step, per_step_reason(p));
	fprintf(out, "%sparts: %d: %s (BPFQ_PART)\n", prefix, p->parts,
		p->parts > 1 ? "the long input's side functions compile apart" :
			       "one clang compiles it");
	fprintf(out, "%sgroups: %s\n", prefix, p->by ? "yes (groups.bpf.h)" : "no");
	fprintf(out, "%swords: %d in the area, %d per group: %s (BPFQ_AREA_WORDS, "
		"BPFQ_GROUP_WORDS)\n", prefix, p->area_words, p->group_words,
		p->by ? "each group's value holds the states" : "the area holds the states");
	if (p->format == INPUT_BINARY)
		fprintf(out, "%sfields in registers: %s (BPFQ_FIELDS_INT %d)\n", prefix,
			p->fields_int ? "yes: a few i64 fields" : "no", p->fields_int);
}
