/* SPDX-License-Identifier: MIT */
/*
 * The program's shape: every choice codegen makes apart from the query's
 * own code, made once, by codegen_plan(), from the query, the hook and
 * what is known of the input. The program (codegen_program()), the
 * compile (its parts) and -d c all take it from here.
 */
#ifndef BPFQ_PLAN_H
#define BPFQ_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lang/front/ast.h"
#include "runtime/hook_kind.h"

/*
 * Inputs this large, and pipes (their length unknown), get the parser
 * unrolled further, its fast steps twice, with and without a minus
 * (BPFQ_SPLIT_SIGNS), and streams where the query only adds: faster to
 * scan, slower to load and verify. The threshold is where the whole query,
 * cached, gains more in the scan than it pays in the load.
 */
#define CODEGEN_LARGE_INPUT (16ULL << 20)

/* What is known of the input when the program is made. */
struct plan_input {
	uint64_t size;		/* bytes, when known; else 0 */
	bool unsized;		/* opened, and its length unknown: a pipe */
	bool dry_run;		/* --dry-run that opened no input: its size unknown */
	int force_long;		/* BPFQ_LONG_INPUT: 1 long, 0 short, -1 by the input */
};

struct codegen_plan {
	enum input_kind format;
	enum hook_kind hook;
	/* For a dry run that opened no input: not in the program, which is the
	 * one a run with the same input would load (and --dry-run=compile fills
	 * the cache with) */
	bool dry_run;
	bool large;		/* the long input's program (BPFQ_SPLIT_SIGNS) */
	bool streams;		/* reads in streams (streams.bpf.h; BPFQ_STREAMS) */
	bool lanes;		/* bpfq_emit_lanes(): the streams of numbers */
	int lanes_form;		/* BPFQ_LANES_FORM (mask.c) */
	int fast_per_step;	/* BPFQ_FAST_PER_STEP: numbers per fast parser step */
	int parts;		/* how many clangs can compile it at once (BPFQ_PART) */
	bool by;		/* groups (groups.bpf.h) */
	int area_words;		/* BPFQ_AREA_WORDS */
	int group_words;	/* BPFQ_GROUP_WORDS */
	int fields_int;		/* binary: BPFQ_FIELDS_INT (codegen_fields_int()) */
	/* What it was planned from, for -d plan: not in the program, so that
	 * inputs of any size share the cached object of their plan */
	struct plan_input input;
};

/* The plan for a checked query at a hook. */
void codegen_plan(const struct query *q, enum hook_kind hook, const struct plan_input *in,
		  struct codegen_plan *plan);

/*
 * The plan as lines a reader can follow, each choice with its reason,
 * every line begun with prefix (-d plan; -d c's header comment). Only
 * numbers and bpfq's own words: it goes into a C comment.
 */
void codegen_plan_print(FILE *out, const struct codegen_plan *plan, const char *hook_name,
			const char *prefix);

/* binary: whether the used fields always hold integers, few of them (BPFQ_FIELDS_INT). */
int codegen_fields_int(const struct query *q);

#endif /* BPFQ_PLAN_H */
