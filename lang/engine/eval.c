// SPDX-License-Identifier: MIT
/*
 * The reference evaluator. It states the query semantics as plainly as
 * possible, one node at a time over the records of lang/engine/records.c; the
 * kernel's generated code must agree with it answer for answer.
 *
 * A value is a number (num.h) or NULL: a field that is missing, empty or
 * not a number is NULL, and so is any operation on a NULL. Conditions have
 * three values, as in SQL: true, false and NULL (unknown); where keeps
 * only true, exists() counts only true; the other aggregates skip NULLs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lang/engine/eval.h"
#include "lang/engine/groups.h"
#include "lang/engine/keytext.h"
#include "lang/engine/logic.h"
#include "lang/engine/records.h"
#include "lang/value/aggs.h"
#include "lang/value/layout.h"
#include "lang/value/num.h"
#include "lang/value/regex.h"
#include "lang/value/timestamp.h"
#include "lang/value/values.h"

/* A condition's three values, short. */
enum { F = TRUTH_F, T = TRUTH_T, U = TRUTH_U };

struct value {
	i128 v;
	bool null;
};

struct eval {
	const struct query *q;
	struct bpfq_result r;
	struct agg_desc desc[BPFQ_MAX_AGGS];
	int off[BPFQ_MAX_AGGS];
	uint64_t *area;		/* the states, without by */
	struct groups *groups;	/* with by */
	long max_groups;
	bool only_exists;	/* the answer is known once every exists() held */
	struct records *records;
	const struct node *key_failed;	/* the text key a BPFQ_ERR_KEYSAME is of */
	const struct bpfq_rec *rec;	/* the record being evaluated */
	const struct node *failed;
	uint64_t file_conds;	/* the file's truths of the conditions over file (bit i: i) */
	const uint8_t *file;	/* deciding those: the file's path */
	uint32_t file_len;
	struct exact_values *values;	/* quantile_exact's, kept by the caller */
	size_t max_values;	/* and how many they may hold */
	struct distinct_set *distinct;	/* count_distinct's: own, or the caller's */
	struct distinct_set own;
	uint64_t group;		/* with by: the record's group key's hash */
};

static bool on_record(void *ctx, const struct bpfq_rec *rec);

struct eval *eval_new(const struct query *q, long max_groups)
{
	struct eval *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->q = q;
	e->max_groups = max_groups;
	e->only_exists = true;
	distinct_init(&e->own, DISTINCT_MAX);
	e->distinct = &e->own;
	for (int i = 0; i < q->nitems; i++) {
		agg_desc_of(q->items[i], &e->desc[i]);
		e->off[i] = layout_offset(q, i);
		if (q->items[i]->agg != AGG_EXISTS)
			e->only_exists = false;
	}
	e->area = calloc(layout_words(q) + 1, sizeof(uint64_t));
	e->groups = q->by ? groups_new(layout_words(q)) : NULL;
	e->records = records_new(q, &e->r, on_record, e);
	if (!e->area || (q->by && !e->groups) || !e->records) {
		eval_free(e);
		return NULL;
	}
	return e;
}

void eval_keep_distinct(struct eval *e, struct distinct_set *set)
{
	e->distinct = set;
}

/* count_distinct: the value into the set, as the kernel's bpfq_distinct_put(). */
static void put_distinct(struct eval *e, uint64_t *state, int i, uint32_t tag, uint64_t lo,
			 uint64_t hi)
{
	if (e->q->by && !state[BPFQ_DISTINCT_GROUP])
		state[BPFQ_DISTINCT_GROUP] = e->group;
	distinct_put(e->distinct, state, (uint32_t)i, tag, lo, hi);
}

void eval_keep_values(struct eval *e, struct exact_values *values, size_t max)
{
	e->values = values;
	e->max_values = max;
}

/*
 * quantile_exact: the value itself is kept; more than max_values is an
 * error. quantile's past them is not: its sketch answers (exact_answer()).
 */
static uint32_t keep_value(struct eval *e, int i, i128 v)
{
	if (e->desc[i].kind == AGG_QUANTILE && (!e->values || e->values->n >= e->max_values))
		return 0;
	if (!e->values || e->values->n >= e->max_values || exact_add(e->values, v, i)) {
		e->failed = e->q->items[i];
		return BPFQ_ERR_VALUES;
	}
	return 0;
}

void eval_free(struct eval *e)
{
	if (!e)
		return;
	records_free(e->records);
	groups_free(e->groups);
	distinct_free(&e->own);
	free(e->area);
	free(e);
}

const struct bpfq_result *eval_result(const struct eval *e)
{
	return &e->r;
}

const uint64_t *eval_area(const struct eval *e)
{
	return e->area;
}

struct groups *eval_groups(const struct eval *e)
{
	return e->groups;
}

void eval_release_groups(struct eval *e)
{
	e->groups = NULL;
}

static uint32_t eval_num(struct eval *e, const struct node *n, struct value *out);
static uint32_t eval_cond(struct eval *e, const struct node *n, int *out);

static uint32_t failed_at(struct eval *e, const struct node *n, uint32_t err)
{
	if (err)
		e->failed = n;
	return err;
}

/* ---- text ---- */

/* A text operand: a field's text (NULL when missing or empty) or a string. */
struct text {
	const uint8_t *bytes;
	uint32_t len;		/* all of the field's bytes; bytes holds BPFQ_TEXT_MAX of them */
	bool null;
};

static struct text text_of(const struct eval *e, const struct node *n)
{
	const struct bpfq_text *t;

	if (n->kind == NODE_STR)
		return (struct text){ (const uint8_t *)n->str, n->slen, false };
	if (n->kind == NODE_NAME)	/* file, while its conditions are decided */
		return (struct text){ e->file, e->file_len, false };
	t = records_text(e->records, e->q->text_of_slot[n->slot]);
	return (struct text){ t->bytes, t->len, !t->present || !t->len };
}

/* Byte order, then the shorter first: exact, as a string is at most BPFQ_TEXT_MAX bytes. */
static int text_order(struct text a, struct text b)
{
	uint32_t n = a.len < b.len ? a.len : b.len;
	int c = n ? memcmp(a.bytes, b.bytes, n) : 0;

	if (c)
		return c < 0 ? -1 : 1;
	return a.len < b.len ? -1 : a.len > b.len;
}

static int text_compare(const struct eval *e, const struct node *n)
{
	struct text a = text_of(e, n->lhs), b = text_of(e, n->rhs);

	if (a.null || b.null)
		return U;
	return value_compare(n->kind, text_order(a, b), 0);
}

static int text_in(const struct eval *e, const struct node *n)
{
	struct text x = text_of(e, n->lhs);
	int found = F;

	if (x.null)
		return U;
	for (int i = 0; i < n->nargs && found == F; i++)
		found = !text_order(x, text_of(e, n->args[i]));
	return n->negated ? truth_not(found) : found;
}

static int is_null(const struct eval *e, const struct node *n)
{
	return text_of(e, n->lhs).null != n->negated;
}

/*
 * like, ilike, starts_with, ends_with, contains. Only a field's first
 * BPFQ_TEXT_MAX bytes are kept: a longer one is an error, but for
 * starts_with, which needs no more than the string's length.
 */
static uint32_t text_matches(struct eval *e, const struct node *n, int *out)
{
	const struct node *x = n->kind == NODE_LIKE ? n->lhs : n->args[0];
	const struct node *p = n->kind == NODE_LIKE ? n->rhs : n->args[1];
	struct text t = text_of(e, x), s = text_of(e, p);

	if (t.null) {
		*out = U;
		return 0;
	}
	/* file's path is whole: it has no kept part */
	if (x->kind == NODE_NAME) {
		*out = text_match(t.bytes, t.len, s.bytes, s.len, n->match) != n->negated;
		return 0;
	}
	if (t.len > BPFQ_TEXT_MAX && n->match != BPFQ_MATCH_TRAIL)
		return failed_at(e, n, BPFQ_ERR_TEXT);
	*out = text_match(t.bytes, t.len < BPFQ_TEXT_MAX ? t.len : BPFQ_TEXT_MAX, s.bytes, s.len,
			  n->match) != n->negated;
	return 0;
}

static uint32_t eval_field(struct eval *e, const struct node *n, struct value *out)
{
	const struct bpfq_field *f = &e->rec->f[n->slot];

	out->null = f->kind != BPFQ_K_INT && f->kind != BPFQ_K_DEC;
	out->v = out->null ? 0 : num_of_field(f);
	return 0;
}

/* A function of times; v and *out scaled, a time is its microseconds. */
static uint32_t eval_time_fn(const struct node *n, i128 v, i128 *out)
{
	int64_t t = num_floor(v);
	uint32_t err;

	switch (n->fn) {
	case FN_EPOCH:
		*out = (i128)t * (BPFQ_SCALE / TS_US_PER_SEC);
		return 0;
	case FN_TO_TIMESTAMP:
		if ((err = num_mul(v, (i128)TS_US_PER_SEC * BPFQ_SCALE, &v)))
			return BPFQ_ERR_TIME;
		t = num_floor(v);
		if (t < BPFQ_TIME_MIN || t >= BPFQ_TIME_END)
			return BPFQ_ERR_TIME;
		*out = (i128)t * BPFQ_SCALE;
		return 0;
	case FN_DATE_TRUNC:
		*out = (i128)ts_trunc((int)n->lo, t) * BPFQ_SCALE;
		return 0;
	default:
		*out = (i128)ts_part(n->fn, t) * BPFQ_SCALE;
		return 0;
	}
}

/* A condition as a number (an aggregate's argument): true 1, false 0, unknown NULL. */
static uint32_t eval_truth(struct eval *e, const struct node *n, struct value *out)
{
	uint32_t err;
	int c;

	if ((err = eval_cond(e, n, &c)))
		return err;
	out->null = c == U;
	out->v = c == T ? (i128)BPFQ_SCALE : 0;
	return 0;
}

/* Operands left to right, then the operator: the first error is the kernel's too. */
static uint32_t eval_num(struct eval *e, const struct node *n, struct value *out)
{
	struct value a, b;
	uint32_t err;

	*out = (struct value){ 0, false };
	if (n->type == TYPE_BOOL)
		return eval_truth(e, n, out);
	switch (n->kind) {
	case NODE_INT:
		out->v = (i128)n->value * BPFQ_SCALE;
		return 0;
	case NODE_DEC:
		out->v = n->dec;
		return 0;
	case NODE_FIELD:
		return eval_field(e, n, out);
	case NODE_CALL:		/* abs, length, the functions of times */
		if (n->fn == FN_LENGTH) {
			struct text t = text_of(e, n->args[0]);

			out->null = t.null;
			out->v = (i128)t.len * BPFQ_SCALE;
			return 0;
		}
		if ((err = eval_num(e, n->args[n->nargs - 1], &a)) || (out->null = a.null))
			return err;
		if (n->fn == FN_ABS)
			return failed_at(e, n, num_abs(a.v, &out->v));
		return failed_at(e, n, eval_time_fn(n, a.v, &out->v));
	case NODE_NEG:
		if ((err = eval_num(e, n->lhs, &a)) || (out->null = a.null))
			return err;
		return failed_at(e, n, num_neg(a.v, &out->v));
	default:
		break;
	}
	if ((err = eval_num(e, n->lhs, &a)) || (err = eval_num(e, n->rhs, &b)))
		return err;
	if ((out->null = a.null || b.null))
		return 0;
	return failed_at(e, n, value_arith(n->kind, a.v, b.v, &out->v));
}

/* lhs between lo and hi: lhs >= lo and lhs <= hi, every operand evaluated. */
static uint32_t eval_between(struct eval *e, const struct node *n, int *out)
{
	struct value x, lo, hi;
	uint32_t err;

	if ((err = eval_num(e, n->lhs, &x)) || (err = eval_num(e, n->args[0], &lo)) ||
	    (err = eval_num(e, n->args[1], &hi)))
		return err;
	*out = truth_and(x.null || lo.null ? U : x.v >= lo.v, x.null || hi.null ? U : x.v <= hi.v);
	if (n->negated)
		*out = truth_not(*out);
	return 0;
}

/* lhs in (a, b, ...): the list left to right, until one is equal. */
static uint32_t eval_in(struct eval *e, const struct node *n, int *out)
{
	struct value x, a;
	uint32_t err;

	if ((err = eval_num(e, n->lhs, &x)))
		return err;
	*out = F;
	for (int i = 0; i < n->nargs && *out != T; i++) {
		if ((err = eval_num(e, n->args[i], &a)))
			return err;
		*out = truth_or(*out, x.null || a.null ? U : x.v == a.v);
	}
	if (n->negated)
		*out = truth_not(*out);
	return 0;
}

/* and/or evaluate their right side only when the left does not decide. */
static uint32_t eval_cond(struct eval *e, const struct node *n, int *out)
{
	struct value a, b;
	int l, r;
	uint32_t err;

	switch (n->kind) {
	case NODE_NOT:
		if ((err = eval_cond(e, n->lhs, &l)))
			return err;
		*out = truth_not(l);
		return 0;
	case NODE_AND:
	case NODE_OR:
		if ((err = eval_cond(e, n->lhs, &l)))
			return err;
		if ((n->kind == NODE_AND && l == F) || (n->kind == NODE_OR && l == T)) {
			*out = l;
			return 0;
		}
		if ((err = eval_cond(e, n->rhs, &r)))
			return err;
		*out = n->kind == NODE_AND ? truth_and(l, r) : truth_or(l, r);
		return 0;
	case NODE_BETWEEN:
		return eval_between(e, n, out);
	case NODE_IN:
		if (n->lhs->type == TYPE_TEXT) {
			*out = text_in(e, n);
			return 0;
		}
		return eval_in(e, n, out);
	case NODE_FILE_COND:
		*out = e->file_conds >> n->value & 1 ? T : F;
		return 0;
	case NODE_MATCH:
		if (n->file_dfa) {
			*out = regex_match(n->file_dfa, (const char *)e->file, e->file_len) != n->negated;
			return 0;
		}
		/* Still in the start state: a missing or empty field, NULL (regex.h). */
		if (!e->rec->rx[n->regex])
			*out = U;
		else
			*out = e->q->regex[n->regex]->accept[e->rec->rx[n->regex]] != n->negated;
		return 0;
	case NODE_ISNULL:
		*out = is_null(e, n);
		return 0;
	case NODE_LIKE:
	case NODE_CALL:		/* starts_with, ends_with, contains */
		return text_matches(e, n, out);
	default:
		break;
	}
	if (n->lhs->type == TYPE_TEXT) {
		*out = text_compare(e, n);
		return 0;
	}
	if ((err = eval_num(e, n->lhs, &a)) || (err = eval_num(e, n->rhs, &b)))
		return err;
	*out = a.null || b.null ? U : value_compare(n->kind, a.v, b.v);
	return 0;
}

/* count, count_distinct, min, max of a column of text: its bytes, NULL when missing or empty. */
static uint32_t text_fold(struct eval *e, int i, const struct node *call, uint64_t *state)
{
	const struct bpfq_text *t = records_text(e->records, e->q->text_of_slot[call->args[0]->slot]);

	if (!t->present || !t->len)
		return 0;
	if (call->agg == AGG_COUNT)
		agg_count(state);
	else if (call->agg == AGG_COUNT_DISTINCT) {
		uint64_t h = agg_text_hash(t);

		agg_fold_hash(state, h, layout_hll_p(call));
		put_distinct(e, state, i, 1, h, t->len);
	} else {
		agg_fold_text(state, t, call->agg == AGG_MAX);
	}
	return 0;
}

static uint32_t aggregate(struct eval *e, int i, uint64_t *state)
{
	const struct node *call = e->q->items[i];
	struct value v, x;
	uint32_t err;
	int c;

	if (call->share)	/* quantile(e, q1, q2, ...): item share - 1 folds for it */
		return 0;
	if (call->rhs) {	/* filter (where cond): before the argument, as in the kernel */
		if ((err = eval_cond(e, call->rhs, &c)))
			return err;
		if (c != T)
			return 0;
	}
	if ((call->agg == AGG_COUNT && (!call->nargs || call->args[0]->kind == NODE_STAR)) ||
	    ast_folds_file(e->q, call)) {
		agg_count(state);
		return 0;
	}
	if (call->agg == AGG_EXISTS) {
		if ((err = eval_cond(e, call->args[0], &c)))
			return err;
		if (c == T)
			agg_count(state);
		return 0;
	}
	if (call->args[0]->type == TYPE_TEXT)
		return text_fold(e, i, call, state);
	if ((err = eval_num(e, call->args[0], &v)))
		return err;
	if (agg_is_pair(call->agg)) {
		if ((err = eval_num(e, call->args[1], &x)) || v.null || x.null)
			return err;
		return agg_fold_pair(state, v.v, x.v);
	}
	if (v.null)
		return 0;
	if (e->desc[i].keeps && (err = keep_value(e, i, v.v)))
		return err;
	if (call->agg == AGG_COUNT_DISTINCT)
		put_distinct(e, state, i, 0, (uint64_t)v.v, (uint64_t)((u128)v.v >> 64));
	return agg_fold(&e->desc[i], state, v.v);
}

/*
 * A text key longer than the cap bytes its key holds (text, its whole in
 * keytext k): its first cap - 8 and its hash, as the kernel's are, and its
 * text among the long keys' (lang/engine/keytext.h), unless another text
 * is there under the same: an error, not one group of two texts.
 */
static uint32_t long_text(struct eval *e, int k, uint8_t *text, uint32_t len, uint32_t cap)
{
	const uint8_t *whole = records_keytext(e->records, k);
	int err;

	if (len <= cap)
		return 0;
	keytext_id(whole, len, cap, text);
	err = keytext_put(whole, len, cap);
	/* Out of memory: as the kernel's map when it takes no more. */
	return err < 0 ? BPFQ_ERR_GROUPS : (uint32_t)err;
}

/*
 * Several keys: the text keys' segments as the record's end left them (a
 * field that is two keys, in the first's), then each value's.
 */
static uint32_t group_keys(struct eval *e, struct bpfq_key *key)
{
	const struct query *q = e->q;
	struct value v;
	uint32_t err;

	if (e->rec->key_long)
		return BPFQ_ERR_KEY;
	*key = e->rec->key;
	key->kind = BPFQ_K_KEYS;
	key->len = q->keys_len;
	for (int i = 0; i < q->nkeys; i++) {
		uint8_t *seg = key->bytes + q->key_off[i];
		int slot = q->keys[i]->slot;

		if (q->key_text[i] && q->key_seg[slot] == q->key_off[i]) {
			err = long_text(e, i, seg + BPFQ_SEG_HEAD, seg_len(seg), q->key_cap);
			if (err) {
				e->key_failed = q->keys[i];
				return err;
			}
			continue;
		}
		if (q->key_text[i]) {
			memmove(seg, key->bytes + q->key_seg[slot], BPFQ_SEG_TEXT(q->key_cap));
			continue;
		}
		if ((err = eval_num(e, q->keys[i], &v)))
			return err;
		keys_put_value(seg, v.null, v.v);
	}
	return 0;
}

/* The group's key: the key field's text, or the by expression's value. */
static uint32_t group_key(struct eval *e, struct bpfq_key *key)
{
	struct value v;
	uint32_t err;

	if (e->q->nkeys > 1)
		return group_keys(e, key);
	memset(key, 0, sizeof(*key));
	if (e->q->by_text) {
		if (e->rec->key_long)
			return BPFQ_ERR_KEY;
		*key = e->rec->key;
		e->key_failed = e->q->by;
		if (key->kind == BPFQ_K_EMPTY)
			return long_text(e, 0, key->bytes, key->len, BPFQ_KEY_MAX);
		return 0;
	}
	if ((err = eval_num(e, e->q->by, &v)))
		return err;
	if (v.null) {
		key->kind = BPFQ_K_MISSING;
	} else if (v.v % (i128)BPFQ_SCALE == 0) {
		int64_t i = (int64_t)(v.v / (i128)BPFQ_SCALE);

		key->kind = BPFQ_K_INT;
		key->len = sizeof(i);
		memcpy(key->bytes, &i, sizeof(i));
	} else {
		key->kind = BPFQ_K_DEC;
		key->len = sizeof(v.v);
		memcpy(key->bytes, &v.v, sizeof(v.v));
	}
	return 0;
}

/* The key a text too long is: of several, the first of the slot key_long - 1. */
static const struct node *long_key(const struct query *q, uint32_t key_long)
{
	for (int i = 0; q->nkeys > 1 && i < q->nkeys; i++)
		if (q->key_text[i] && q->keys[i]->slot + 1 == (int)key_long)
			return q->keys[i];
	return q->by;
}

/* The area the record's aggregates go to: the query's, or its group's. */
static uint32_t target_area(struct eval *e, uint64_t **area)
{
	struct bpfq_key key;
	uint32_t err;
	bool added;

	*area = e->area;
	if (!e->q->by)
		return 0;
	if ((err = group_key(e, &key))) {
		/* A key too long is the by clause's failure, as in the kernel. */
		if (err == BPFQ_ERR_KEY)
			e->failed = long_key(e->q, e->rec->key_long);
		else if (err == BPFQ_ERR_KEYSAME || err == BPFQ_ERR_GROUPS)
			e->failed = e->key_failed;
		return err;
	}
	e->group = distinct_group_hash(&key);
	*area = groups_find(e->groups, &key);
	if (*area)
		return 0;
	/* A full table takes no new key, as the kernel's map refuses it. */
	if (groups_count(e->groups) >= e->max_groups ||
	    !(*area = groups_get(e->groups, &key, &added))) {
		e->failed = e->q->by;
		return BPFQ_ERR_GROUPS;
	}
	return 0;
}

/* One record, in file order. Updates made before an error stay, as in the kernel. */
static uint32_t apply(struct eval *e)
{
	const struct query *q = e->q;
	uint64_t *area;
	uint32_t err;
	int pass = T;

	if (q->where && (err = eval_cond(e, q->where, &pass)))
		return err;
	if (pass != T)
		return 0;
	e->r.matched++;
	if ((err = target_area(e, &area)))
		return err;
	for (int i = 0; i < q->nitems; i++)
		if ((err = aggregate(e, i, area + e->off[i])))
			return err;
	return 0;
}

static bool all_exist(const struct eval *e)
{
	for (int i = 0; i < e->q->nitems; i++)
		if (!e->area[e->off[i]])
			return false;
	return true;
}

static bool on_record(void *ctx, const struct bpfq_rec *rec)
{
	struct eval *e = ctx;
	uint32_t err;

	e->rec = rec;
	e->failed = NULL;
	err = apply(e);
	if (err) {
		e->r.error = err;
		e->r.error_node = e->failed ? e->failed->id : 0;
		e->r.error_x = rec->f[0];
		e->r.error_off = rec->off;
		e->r.done = 1;
	} else if (e->only_exists && all_exist(e)) {
		e->r.done = 1;
	}
	return e->r.done;
}

bool eval_feed(struct eval *e, const char *buf, size_t n)
{
	if (e->r.done)
		return true;
	records_feed(e->records, buf, n);
	/* The whole chunk counts, as a whole read does in the kernel. */
	e->r.bytes += n;
	return e->r.done;
}

/* Like the kernel's final 0-byte read: nothing happens once the scan is done. */
void eval_finish(struct eval *e)
{
	if (e->r.done)
		return;
	records_finish(e->records);
	e->r.eof = 1;
}

void eval_set_file_conds(struct eval *e, uint64_t conds)
{
	e->file_conds = conds;
}

uint32_t eval_file_conds(const struct query *q, const char *path, uint64_t *conds,
			 const struct node **failed)
{
	struct eval e = { .q = q, .file = (const uint8_t *)path, .file_len = strlen(path) };
	uint32_t err;
	int c;

	*conds = 0;
	for (int i = 0; i < q->nfile_conds; i++) {
		if ((err = eval_cond(&e, q->file_conds[i]->file_expr, &c))) {
			*failed = e.failed ? e.failed : q->file_conds[i];
			return err;
		}
		*conds |= (uint64_t)(c == T) << i;
	}
	return 0;
}

/* The truths n may have whatever a record holds, as a set: bit 1 << truth. */
static int could_be(const struct query *q, const struct node *n, uint64_t conds)
{
	int a, b, set = 0;

	switch (n->kind) {
	case NODE_FILE_COND:
		return 1 << (conds >> n->value & 1 ? T : F);
	case NODE_NOT:
		a = could_be(q, n->lhs, conds);
		for (int x = F; x <= U; x++)
			if (a >> x & 1)
				set |= 1 << truth_not(x);
		return set;
	case NODE_AND:
	case NODE_OR:
		a = could_be(q, n->lhs, conds);
		b = could_be(q, n->rhs, conds);
		for (int x = F; x <= U; x++)
			for (int y = F; y <= U; y++)
				if (a >> x & 1 && b >> y & 1)
					set |= 1 << (n->kind == NODE_AND ? truth_and(x, y) :
						     truth_or(x, y));
		return set;
	default:
		return 1 << F | 1 << T | 1 << U;
	}
}

bool eval_file_rejected(const struct query *q, uint64_t conds)
{
	return q->where && !(could_be(q, q->where, conds) >> T & 1);
}

/* The path as a field's text: its first BPFQ_TEXT_MAX bytes, the rest folded into tail. */
static void path_text(const char *path, struct bpfq_text *t)
{
	size_t len = strlen(path);

	memset(t, 0, sizeof(*t));
	t->len = len;
	t->present = 1;
	memcpy(t->bytes, path, len < BPFQ_TEXT_MAX ? len : BPFQ_TEXT_MAX);
	for (size_t i = BPFQ_TEXT_MAX; i < len; i++)
		t->tail = bpfq_json_fold1(t->tail, (unsigned char)path[i]);
}

void eval_settle_file_aggs(const struct query *q, uint64_t *area, const char *path)
{
	struct bpfq_text t;

	path_text(path, &t);
	for (int i = 0; i < q->nitems; i++) {
		const struct node *call = q->items[i];
		uint64_t *state = area + layout_offset(q, i), n = state[0];

		if (!ast_folds_file(q, call) || call->agg == AGG_COUNT || !n)
			continue;
		memset(state, 0, layout_agg_words(call) * sizeof(*state));
		if (call->agg == AGG_COUNT_DISTINCT) {
			/* one value, the file's path: the files' answers add up */
			agg_fold_hash(state, agg_text_hash(&t), layout_hll_p(call));
			state[BPFQ_DISTINCT_NEW] = 1;
		} else {
			agg_fold_text(state, &t, call->agg == AGG_MAX);
		}
		state[0] = n;
	}
}
