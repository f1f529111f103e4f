// SPDX-License-Identifier: MIT
/* The program's shape (plan.h): each choice, and why, in one place. */
#include "bpf-templates/bpfq_state.h"
#include "codegen/gen.h"
#include "codegen/plan.h"
#include "lang/value/layout.h"

/* The entry (bpf-templates/bpfq.bpf.c) tells formats and hooks by these numbers. */
_Static_assert(BPFQ_FORMAT_NUMBERS == INPUT_NUMBERS && BPFQ_FORMAT_TEXT == INPUT_TEXT &&
	       BPFQ_FORMAT_CSV == INPUT_CSV && BPFQ_FORMAT_BINARY == INPUT_BINARY,
	       "bpfq_state.h BPFQ_FORMAT_*");
_Static_assert(BPFQ_HOOK_COPYOUT == HOOK_COPYOUT && BPFQ_HOOK_VFS_FEXIT == HOOK_VFS_FEXIT &&
	       BPFQ_HOOK_VFS_KPROBE == HOOK_VFS_KPROBE && BPFQ_HOOK_SYSCALL == HOOK_SYSCALL &&
	       BPFQ_HOOK_SYSCALL_BTF == HOOK_SYSCALL_BTF, "bpfq_state.h BPFQ_HOOK_*");

/*
 * The long input's program: a file's size decides; a pipe's is unknown,
 * so it gets the long one: a little more to load and verify than the
 * short one's, while the short one scans a long pipe much slower (more so
 * with the pipe grown, runtime/reader.c). A dry run opens no input (but
 * for a csv header): it knows no size, so it gets the short one's.
 * BPFQ_LONG_INPUT overrides all of it (the tests).
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
	return large && q->format.kind != INPUT_BINARY && fast_only_adds(q);
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
	plan->parts = plan->large && q->format.kind != INPUT_BINARY ? 2 : 1;
	/* Without by, the area holds the states; with it, every group's value does. */
	plan->area_words = q->by ? 1 : (words ? words : 1);
	plan->group_words = q->by ? (words ? words : 1) : 0;
	plan->fields_int = codegen_fields_int(q);
}
