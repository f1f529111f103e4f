// SPDX-License-Identifier: MIT
/*
 * The query's regexes (~, !~) as tables: for each, its byte classes, its
 * transitions and its accepting states (lang/value/regex.h), a static
 * const struct in .rodata, numbers bpfq computed; the pattern's bytes are
 * never written. One struct, not three arrays: clang placed two arrays of
 * one regex at one offset of .rodata, and the kernel refused the BTF. A byte of the regex's field is one step, one load from each of
 * two tables: bpfq_rx_byte(), which the byte parser calls
 * (parse_fields.bpf.h). The transition table's length is a power of two
 * and its index masked by it, which is how the verifier knows it in
 * bounds (a state read back from the map could be any byte to it); the
 * accepting states' table has all 256 entries. State 0 is the start,
 * never entered again: a field with no byte (missing, or an empty csv
 * field) is NULL.
 */
#include <stdlib.h>

#include "codegen/gen.h"
#include "lang/value/regex.h"

static int pow2_at_least(int n)
{
	int size = 1;

	while (size < n)
		size *= 2;
	return size;
}

/* .NAME = { ... }, sixteen a line, v's n then zeros up to size. */
static void emit_bytes(struct gen *g, const char *name, const uint8_t *v, int n, int size)
{
	gen_line(g, "\t.%s = {", name);
	for (int i = 0; i < size; i += 16) {
		char line[16 * 6] = "";
		size_t len = 0;

		for (int j = i; j < i + 16 && j < size; j++)
			len += snprintf(line + len, sizeof(line) - len, " %u,", j < n ? v[j] : 0);
		gen_line(g, "\t\t%s", line + 1);
	}
	gen_line(g, "\t},");
}

static int next_size(const struct regex_dfa *d)
{
	return pow2_at_least(d->nstates * d->nclasses);
}

static void gen_step(struct gen *g, int k, int slot, const struct regex_dfa *d)
{
	gen_line(g, "\tif (slot == %d)", slot);
	gen_line(g, "\t\trec->rx[%d] = bpfq_rx%d.next[(rec->rx[%d] * %u + bpfq_rx%d.class[ch & 255]) & %d];",
		 k, k, k, d->nclasses, k, next_size(d) - 1);
}

void regex_gen_tables(struct gen *g)
{
	const struct query *q = g->q;

	if (!q->nregex)
		return;
	for (int k = 0; k < q->nregex; k++) {
		const struct regex_dfa *d = q->regex[k];

		gen_line(g, "/* regex %d: %u states, %u byte classes */", k, d->nstates, d->nclasses);
		gen_line(g, "static const struct {");
		gen_line(g, "\t__u8 class[256], accept[256], next[%d];", next_size(d));
		gen_line(g, "} bpfq_rx%d = {", k);
		emit_bytes(g, "class", d->class_of, 256, 256);
		emit_bytes(g, "accept", d->accept, d->nstates, 256);
		emit_bytes(g, "next", d->next, d->nstates * d->nclasses, next_size(d));
		gen_line(g, "};");
	}
	gen_line(g, "static __always_inline void bpfq_rx_byte(struct bpfq_rec *rec, int slot, __u64 ch)");
	gen_line(g, "{");
	for (int k = 0; k < q->nregex; k++)
		gen_step(g, k, q->regex_slot[k], q->regex[k]);
	gen_line(g, "}");
	/* JSON: a bare null's bytes leave the regexes of its slot at their start, NULL */
	gen_line(g, "static __always_inline void bpfq_rx_clear(struct bpfq_rec *rec, int slot)");
	gen_line(g, "{");
	for (int k = 0; k < q->nregex; k++) {
		gen_line(g, "\tif (slot == %d)", q->regex_slot[k]);
		gen_line(g, "\t\trec->rx[%d] = 0;", k);
	}
	gen_line(g, "}");
}

/* Whether the text matched (0 or 1), for a field with a byte at least. */
static void accepted(const struct node *n, char *expr, size_t size)
{
	snprintf(expr, size, "(bpfq_rx%d.accept[st->parse.rec.rx[%d]] ^ %d)", n->regex, n->regex,
		 n->negated);
}

void regex_gen_i(struct gen *g, const struct node *n, char *res)
{
	char expr[OPERAND_MAX];
	int t = gen_temp(g);

	accepted(n, expr, sizeof(expr));
	gen_line(g, "int t%d = %s;", t, expr);
	snprintf(res, OPERAND_MAX, "t%d", t);
}

void regex_gen_b(struct gen *g, const struct node *n, char *res)
{
	char expr[OPERAND_MAX];
	int t = gen_temp(g);

	accepted(n, expr, sizeof(expr));
	gen_line(g, "int t%d = !st->parse.rec.rx[%d] ? BPFQ_U : %s;", t, n->regex, expr);
	snprintf(res, OPERAND_MAX, "t%d", t);
}

void regex_gen_present(struct gen *g)
{
	for (int k = 0; k < g->q->nregex; k++)
		fprintf(g->out, " && st->parse.rec.rx[%d]", k);
}
