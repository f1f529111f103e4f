// SPDX-License-Identifier: MIT
/*
 * The reference evaluator. It states the data format and the query
 * semantics as plainly as possible, one byte and one node at a time; the
 * kernel's word-at-a-time parser and generated code must agree with it
 * bit for bit, field by field of struct bpfq_result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"

/* Where the tokenizer is; a token may continue in the next chunk. */
enum scan {
	SCAN_IDLE,	/* between tokens */
	SCAN_NUM,	/* [+-]?[0-9]* so far */
	SCAN_BAD,	/* a malformed token, already counted */
};

struct eval {
	const struct query *q;
	struct bpfq_result r;
	bool only_exists;	/* the answer is known once every exists() held */
	enum scan scan;
	uint64_t tok_off;	/* file offset of the token's first byte */
	uint64_t mag;		/* magnitude of the digits so far */
	bool neg;
	bool ovf;		/* the magnitude passed 2^63: not an int64 */
	bool digits;		/* at least one digit: a lone sign is malformed */
};

void result_init(struct bpfq_result *r)
{
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < BPFQ_MAX_AGGS; i++) {
		r->aggs[i].min = INT64_MAX;
		r->aggs[i].max = INT64_MIN;
	}
}

struct eval *eval_new(const struct query *q)
{
	struct eval *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->q = q;
	result_init(&e->r);
	e->only_exists = true;
	for (int i = 0; i < q->nitems; i++)
		if (q->items[i]->agg != AGG_EXISTS)
			e->only_exists = false;
	return e;
}

void eval_free(struct eval *e)
{
	free(e);
}

const struct bpfq_result *eval_result(const struct eval *e)
{
	return &e->r;
}

/* C semantics, checked: 0 or an enum bpfq_error. */
static uint32_t arith(enum node_kind kind, int64_t a, int64_t b, int64_t *v)
{
	switch (kind) {
	case NODE_ADD:
		return __builtin_add_overflow(a, b, v) ? BPFQ_ERR_OVERFLOW : 0;
	case NODE_SUB:
		return __builtin_sub_overflow(a, b, v) ? BPFQ_ERR_OVERFLOW : 0;
	case NODE_MUL:
		return __builtin_mul_overflow(a, b, v) ? BPFQ_ERR_OVERFLOW : 0;
	case NODE_DIV:
		if (b == 0)
			return BPFQ_ERR_DIVZERO;
		if (a == INT64_MIN && b == -1)
			return BPFQ_ERR_OVERFLOW;
		*v = a / b;
		return 0;
	default:		/* NODE_MOD; INT64_MIN % -1 is 0, though C leaves it undefined */
		if (b == 0)
			return BPFQ_ERR_DIVZERO;
		*v = b == -1 ? 0 : a % b;
		return 0;
	}
}

static int64_t compare(enum node_kind kind, int64_t a, int64_t b)
{
	switch (kind) {
	case NODE_EQ: return a == b;
	case NODE_NE: return a != b;
	case NODE_LT: return a < b;
	case NODE_LE: return a <= b;
	case NODE_GT: return a > b;
	default: return a >= b;	/* NODE_GE */
	}
}

/*
 * Post-order, left to right: the first failing operator is the one the
 * generated code stops at too. Returns 0 or an enum bpfq_error, with the
 * failing node in *failed.
 */
static uint32_t eval_expr(const struct node *n, int64_t x, int64_t *v, const struct node **failed)
{
	int64_t a, b = 0;
	uint32_t err;

	switch (n->kind) {
	case NODE_INT:
		*v = n->value;
		return 0;
	case NODE_NAME:
		*v = x;
		return 0;
	default:
		break;
	}
	if ((err = eval_expr(n->lhs, x, &a, failed)))
		return err;
	/* and/or: the right side only when the left does not decide. */
	if ((n->kind == NODE_AND && !a) || (n->kind == NODE_OR && a)) {
		*v = n->kind == NODE_OR;
		return 0;
	}
	if (n->rhs && (err = eval_expr(n->rhs, x, &b, failed)))
		return err;
	switch (n->kind) {
	case NODE_NEG:
		err = __builtin_sub_overflow((int64_t)0, a, v) ? BPFQ_ERR_OVERFLOW : 0;
		break;
	case NODE_NOT:
		*v = !a;
		break;
	case NODE_AND:
	case NODE_OR:
		*v = b != 0;
		break;
	case NODE_ADD: case NODE_SUB: case NODE_MUL: case NODE_DIV: case NODE_MOD:
		err = arith(n->kind, a, b, v);
		break;
	default:
		*v = compare(n->kind, a, b);
		break;
	}
	if (err)
		*failed = n;
	return err;
}

/* Sign-extend v into the 128-bit sum: two's complement, so it never wraps. */
static void add128(struct bpfq_agg *a, int64_t v)
{
	unsigned __int128 sum = (unsigned __int128)(uint64_t)a->sum_hi << 64 | a->sum_lo;

	sum += (unsigned __int128)(__int128)v;
	a->sum_lo = (uint64_t)sum;
	a->sum_hi = (int64_t)(uint64_t)(sum >> 64);
}

static uint32_t aggregate(const struct node *call, struct bpfq_agg *a, int64_t x,
			  const struct node **failed)
{
	int64_t v;
	uint32_t err;

	if (call->agg == AGG_COUNT) {
		a->count++;
		return 0;
	}
	if ((err = eval_expr(call->args[0], x, &v, failed)))
		return err;
	switch (call->agg) {
	case AGG_EXISTS:
		a->count += v != 0;
		return 0;
	case AGG_MIN:
		if (v < a->min)
			a->min = v;
		break;
	case AGG_MAX:
		if (v > a->max)
			a->max = v;
		break;
	default:		/* AGG_SUM, AGG_AVG: avg is sum / count, divided when printed */
		add128(a, v);
		break;
	}
	a->count++;
	return 0;
}

static void fail(struct eval *e, uint32_t err, const struct node *failed, int64_t x)
{
	e->r.error = err;
	e->r.error_node = failed->id;
	e->r.error_value = x;
	e->r.error_off = e->tok_off;
	e->r.done = 1;
}

static bool all_exist(const struct eval *e)
{
	for (int i = 0; i < e->q->nitems; i++)
		if (!e->r.aggs[i].count)
			return false;
	return true;
}

/* One value x, in file order. Updates made before an error stay, as in the kernel. */
static uint32_t apply(struct eval *e, int64_t x, const struct node **failed)
{
	const struct query *q = e->q;
	uint32_t err;
	int64_t pass;

	e->r.values++;
	if (q->where) {
		if ((err = eval_expr(q->where, x, &pass, failed)))
			return err;
		if (!pass)
			return 0;
	}
	e->r.matched++;
	for (int i = 0; i < q->nitems; i++)
		if ((err = aggregate(q->items[i], &e->r.aggs[i], x, failed)))
			return err;
	return 0;
}

static void value(struct eval *e, int64_t x)
{
	const struct node *failed = NULL;
	uint32_t err = apply(e, x, &failed);

	if (err)
		fail(e, err, failed, x);
	else if (e->only_exists && all_exist(e))
		e->r.done = 1;
}

static void malformed(struct eval *e)
{
	if (!e->r.malformed)
		e->r.malformed_off = e->tok_off;
	e->r.malformed++;
	e->scan = SCAN_BAD;
}

/* A separator (or the end) after a token that is a number so far. */
static void finish_number(struct eval *e)
{
	uint64_t limit = e->neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;

	if (!e->digits || e->ovf || e->mag > limit) {
		malformed(e);
		return;
	}
	e->scan = SCAN_IDLE;
	value(e, e->neg ? (int64_t)(0 - e->mag) : (int64_t)e->mag);
}

static bool is_sep(unsigned char c)
{
	return c == ' ' || c == ',' || (c >= '\t' && c <= '\r');
}

static void start_token(struct eval *e, unsigned char c, uint64_t off)
{
	e->scan = SCAN_NUM;
	e->tok_off = off;
	e->mag = 0;
	e->neg = c == '-';
	e->ovf = false;
	e->digits = false;
}

static void digit(struct eval *e, unsigned char c)
{
	uint64_t d = c - '0';

	/* Past 2^63 no int64 is possible; stop there so the magnitude cannot wrap. */
	if (e->ovf || e->mag > ((uint64_t)INT64_MAX + 1 - d) / 10)
		e->ovf = true;
	else
		e->mag = e->mag * 10 + d;
	e->digits = true;
}

/*
 * A malformed token is counted at its first bad byte, not at its end, as
 * the kernel does: the two results then agree after every chunk.
 */
static void byte(struct eval *e, unsigned char c, uint64_t off)
{
	bool sign = c == '+' || c == '-', is_digit = c >= '0' && c <= '9';

	if (is_sep(c)) {
		if (e->scan == SCAN_NUM)
			finish_number(e);
		e->scan = SCAN_IDLE;
		return;
	}
	if (e->scan == SCAN_IDLE) {
		start_token(e, c, off);
		if (sign)
			return;
	}
	if (e->scan != SCAN_NUM)
		return;
	if (is_digit)
		digit(e, c);
	else
		malformed(e);
}

bool eval_feed(struct eval *e, const char *buf, size_t n)
{
	if (e->r.done)
		return true;
	for (size_t i = 0; i < n && !e->r.done; i++)
		byte(e, buf[i], e->r.bytes + i);
	/* The whole chunk counts, as a whole read does in the kernel. */
	e->r.bytes += n;
	return e->r.done;
}

/* Like the kernel's final 0-byte read: nothing happens once the scan is done. */
void eval_finish(struct eval *e)
{
	if (e->r.done)
		return;
	if (e->scan == SCAN_NUM)
		finish_number(e);
	e->scan = SCAN_IDLE;
	e->r.eof = 1;
}
