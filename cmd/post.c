// SPDX-License-Identifier: MIT
/*
 * The output columns from the aggregates' final values, in exact
 * rationals: "sum(a) / count() * count()" is sum(a), and a column prints
 * as an aggregate does (value_print_number()). A root (stddev, corr) is
 * irrational unless exact, and carried as a close approximation. NULL
 * propagates; conditions have SQL's three values and having keeps only
 * true. An overflow or a division by zero is an error, as in where.
 */
#include <gmp.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/post.h"
#include "lang/engine/logic.h"
#include "lang/value/num.h"

/* A condition's three values, short. */
enum { F = TRUTH_F, T = TRUTH_T, U = TRUTH_U };

/* A value: exact, or (exact false) an approximation of an irrational one, a root's. */
struct val {
	mpq_t v;
	bool null, exact;
};

/* Where the values come from: one area of the aggregates. */
struct at {
	const struct answer *in;
	const uint64_t *area;
	const struct node *failed;
};

static void val_init(struct val *v)
{
	mpq_init(v->v);
	v->null = false;
	v->exact = true;
}

static void val_clear(struct val *v)
{
	mpq_clear(v->v);
}

static void val_copy(struct val *dst, const struct val *src)
{
	mpq_set(dst->v, src->v);
	dst->null = src->null;
	dst->exact = src->exact;
}

/* The number range, -2^63 <= v <= 2^63 - 10^-9, as where's values: an error past it. */
static uint32_t in_range(const mpq_t v)
{
	mpq_t bound;
	bool out;

	mpq_init(bound);
	value_set_scaled(bound, mpq_sgn(v) < 0 ? NUM_MIN : NUM_MAX);
	out = mpq_sgn(v) < 0 ? mpq_cmp(v, bound) < 0 : mpq_cmp(v, bound) > 0;
	mpq_clear(bound);
	return out ? BPFQ_ERR_OVERFLOW : 0;
}

/* Item i's value: NULL, a number, or for exists 1 or 0. */
static uint32_t item_value(struct at *at, const struct node *call, struct val *out)
{
	const struct agg_desc *d = &at->in->descs[call->item];
	const uint64_t *state = at->area + output_offset(at->in, call->item);
	uint32_t err;

	out->exact = true;
	if ((out->null = value_is_null(d, state)))
		return 0;
	out->exact = value_number(d, state, out->v);
	if ((err = in_range(out->v)))
		at->failed = call;
	return err;
}

static uint32_t failed_at(struct at *at, const struct node *n, uint32_t err)
{
	if (err)
		at->failed = n;
	return err;
}

/* a op b, exact; % as C's, the remainder taking the dividend's sign. */
static uint32_t arith(enum node_kind kind, const struct val *a, const struct val *b,
		      struct val *out)
{
	out->exact = a->exact && b->exact;
	if ((kind == NODE_DIV || kind == NODE_MOD) && !mpq_sgn(b->v))
		return BPFQ_ERR_DIVZERO;
	switch (kind) {
	case NODE_ADD:
		mpq_add(out->v, a->v, b->v);
		break;
	case NODE_SUB:
		mpq_sub(out->v, a->v, b->v);
		break;
	case NODE_MUL:
		mpq_mul(out->v, a->v, b->v);
		break;
	case NODE_DIV:
		mpq_div(out->v, a->v, b->v);
		break;
	default:
		mpq_div(out->v, a->v, b->v);
		mpz_tdiv_q(mpq_numref(out->v), mpq_numref(out->v), mpq_denref(out->v));
		mpz_set_ui(mpq_denref(out->v), 1);
		mpq_mul(out->v, out->v, b->v);
		mpq_sub(out->v, a->v, out->v);
		break;
	}
	return in_range(out->v);
}

static uint32_t eval_num(struct at *at, const struct node *n, struct val *out)
{
	struct val a, b;
	uint32_t err;

	out->null = false;
	out->exact = true;
	switch (n->kind) {
	case NODE_INT:
		mpq_set_si(out->v, n->value, 1);
		return 0;
	case NODE_DEC:
		value_set_scaled(out->v, n->dec);
		return 0;
	case NODE_CALL:
		if (n->agg != AGG_NONE)
			return item_value(at, n, out);
		if ((err = eval_num(at, n->args[0], out)) || out->null)
			return err;
		mpq_abs(out->v, out->v);
		return failed_at(at, n, in_range(out->v));
	case NODE_NEG:
		if ((err = eval_num(at, n->lhs, out)) || out->null)
			return err;
		mpq_neg(out->v, out->v);
		return failed_at(at, n, in_range(out->v));
	default:
		break;
	}
	val_init(&a);
	val_init(&b);
	if (!(err = eval_num(at, n->lhs, &a)) && !(err = eval_num(at, n->rhs, &b)) &&
	    !(out->null = a.null || b.null))
		err = failed_at(at, n, arith(n->kind, &a, &b, out));
	val_clear(&a);
	val_clear(&b);
	return err;
}

/* a kind b (NODE_EQ ... NODE_GE) in three values. */
static int compare(enum node_kind kind, const struct val *a, const struct val *b)
{
	return a->null || b->null ? U : value_compare(kind, mpq_cmp(a->v, b->v), 0);
}

/* between, in: as the evaluator's (lang/engine/eval.c). */
static uint32_t eval_ranged(struct at *at, const struct node *n, int *out)
{
	struct val x, a, b;
	uint32_t err;

	val_init(&x);
	val_init(&a);
	val_init(&b);
	*out = F;
	err = eval_num(at, n->lhs, &x);
	if (!err && n->kind == NODE_BETWEEN) {
		if (!(err = eval_num(at, n->args[0], &a)) && !(err = eval_num(at, n->args[1], &b)))
			*out = truth_and(compare(NODE_GE, &x, &a), compare(NODE_LE, &x, &b));
	} else {
		for (int i = 0; !err && i < n->nargs && *out != T; i++)
			if (!(err = eval_num(at, n->args[i], &a)))
				*out = truth_or(*out, compare(NODE_EQ, &x, &a));
	}
	if (n->negated)
		*out = truth_not(*out);
	val_clear(&x);
	val_clear(&a);
	val_clear(&b);
	return err;
}

/* A comparison, or exists() (n->lhs NULL). */
static uint32_t eval_compare(struct at *at, const struct node *n, int *out)
{
	struct val a, b;
	uint32_t err;

	val_init(&a);
	val_init(&b);
	if (n->kind == NODE_CALL) {
		if (!(err = item_value(at, n, &a)))
			*out = a.null ? U : mpq_sgn(a.v) != 0;
	} else if (!(err = eval_num(at, n->lhs, &a)) && !(err = eval_num(at, n->rhs, &b))) {
		*out = compare(n->kind, &a, &b);
	}
	val_clear(&a);
	val_clear(&b);
	return err;
}

static uint32_t eval_cond(struct at *at, const struct node *n, int *out)
{
	int l, r;
	uint32_t err;

	switch (n->kind) {
	case NODE_NOT:
		if ((err = eval_cond(at, n->lhs, &l)))
			return err;
		*out = truth_not(l);
		return 0;
	case NODE_AND:
	case NODE_OR:
		/* As in where: the right side only when the left does not decide. */
		if ((err = eval_cond(at, n->lhs, &l)))
			return err;
		if ((n->kind == NODE_AND && l == F) || (n->kind == NODE_OR && l == T)) {
			*out = l;
			return 0;
		}
		if ((err = eval_cond(at, n->rhs, &r)))
			return err;
		*out = n->kind == NODE_AND ? truth_and(l, r) : truth_or(l, r);
		return 0;
	case NODE_BETWEEN:
	case NODE_IN:
		return eval_ranged(at, n, out);
	default:
		return eval_compare(at, n, out);
	}
}

static bool is_plain(const struct node *col)
{
	return col->kind == NODE_CALL && col->agg != AGG_NONE;
}

static void set_descs(const struct query *q, const struct answer *in, struct post *out)
{
	for (int i = 0; i < q->ncols; i++) {
		if (is_plain(q->cols[i]))
			out->descs[i] = in->descs[q->cols[i]->item];
		else
			out->descs[i] = (struct agg_desc){ .kind = AGG_NONE, .words = VALUE_COMPUTED_WORDS };
	}
}

static void report(const struct query *q, const struct at *at, uint32_t err,
		   const struct group *g)
{
	char label[1024], key[VALUE_MAX];

	ast_render(q, at->failed, label, sizeof(label));
	fprintf(stderr, "bpfq: error: %s in '%s'", err == BPFQ_ERR_DIVZERO ? "division by zero" :
		"overflow", label);
	for (int j = 0; g && j < output_nkeys(at->in); j++) {
		struct bpfq_key tmp;

		output_key_text(output_key_at(at->in, g - at->in->groups, j, &tmp), key, sizeof(key));
		fprintf(stderr, "%s%s = %s", j ? ", " : " for ", output_key_name(at->in, j), key);
	}
	fputc('\n', stderr);
}

/* The columns of one area into dst. */
static uint32_t fill(const struct query *q, const struct post *out, struct at *at, uint64_t *dst)
{
	struct val v;
	uint32_t err;

	for (int i = 0; i < q->ncols; i++) {
		const struct node *col = q->cols[i];
		uint64_t *state = dst + output_offset(&out->a, i);

		if (is_plain(col)) {
			memcpy(state, at->area + output_offset(at->in, col->item),
			       out->descs[i].words * sizeof(*state));
			continue;
		}
		val_init(&v);
		if (!(err = eval_num(at, col, &v)))
			value_set_computed(state, v.v, v.exact, v.null);
		val_clear(&v);
		if (err)
			return err;
	}
	return 0;
}

/*
 * One group's sort keys: a value per order key (a single by key is the
 * group's index; one of several, its key's rank among the groups').
 */
static uint32_t sort_values(const struct query *q, struct at *at, long g, long *const *ranks,
			    struct val *vals)
{
	uint32_t err;

	for (int i = 0; i < q->norder; i++) {
		const struct order_key *k = &q->order[i];

		if (k->by_key && ranks[i]) {
			mpq_set_si(vals[i].v, ranks[i][g], 1);
			vals[i].null = false;
			vals[i].exact = true;
		}
		if (k->by_key)
			continue;
		if ((err = eval_num(at, k->col >= 0 ? q->cols[k->col] : k->e, &vals[i])))
			return err;
	}
	return 0;
}

/* A candidate: a group's index and its sort values. */
struct cand {
	long g;
	struct val *vals;
};

/* Order by the keys, NULLs last either way; ties by the by key. */
static int cand_cmp(const struct query *q, const struct cand *a, const struct cand *b)
{
	for (int i = 0; i < q->norder; i++) {
		const struct val *x = &a->vals[i], *y = &b->vals[i];
		int c;

		if (q->order[i].by_key && ast_nkeys(q) <= 1)
			c = a->g < b->g ? -1 : a->g > b->g;
		else if (x->null || y->null)
			c = x->null - y->null;
		else
			c = mpq_cmp(x->v, y->v), c = (c > 0) - (c < 0);
		if (q->order[i].desc && (q->order[i].by_key || (!x->null && !y->null)))
			c = -c;
		if (c)
			return c;
	}
	return a->g < b->g ? -1 : a->g > b->g;
}

/* The heap of the best k so far, its worst at the top. */
struct heap {
	const struct query *q;
	struct cand *c;
	long n, k;
};

static void sift_down(struct heap *h, long i)
{
	for (;;) {
		long l = 2 * i + 1, r = l + 1, w = i;
		struct cand t;

		if (l < h->n && cand_cmp(h->q, &h->c[l], &h->c[w]) > 0)
			w = l;
		if (r < h->n && cand_cmp(h->q, &h->c[r], &h->c[w]) > 0)
			w = r;
		if (w == i)
			return;
		t = h->c[i];
		h->c[i] = h->c[w];
		h->c[w] = t;
		i = w;
	}
}

static void sift_up(struct heap *h, long i)
{
	while (i > 0 && cand_cmp(h->q, &h->c[(i - 1) / 2], &h->c[i]) < 0) {
		struct cand t = h->c[i];

		h->c[i] = h->c[(i - 1) / 2];
		h->c[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

/* Offer candidate c (its vals in scratch); the heap keeps its own copy of the values. */
static void heap_offer(struct heap *h, long g, const struct val *vals)
{
	int nk = h->q->norder;
	struct cand c = { g, (struct val *)vals };

	if (h->n < h->k) {
		h->c[h->n].g = g;
		for (int i = 0; i < nk; i++)
			val_copy(&h->c[h->n].vals[i], &vals[i]);
		sift_up(h, h->n++);
		return;
	}
	if (cand_cmp(h->q, &c, &h->c[0]) >= 0)
		return;
	h->c[0].g = g;
	for (int i = 0; i < nk; i++)
		val_copy(&h->c[0].vals[i], &vals[i]);
	sift_down(h, 0);
}

/* The heap's candidates in order, their groups' indices into order[]. */
static long heap_drain(struct heap *h, long *order)
{
	long n = h->n;

	while (h->n) {
		struct cand t = h->c[0];

		h->c[0] = h->c[--h->n];
		h->c[h->n] = t;
		sift_down(h, 0);
	}
	for (long i = 0; i < n; i++)
		order[i] = h->c[i].g;
	return n;
}

/* The pool's values are initialized when it is allocated: heap_free() clears them. */
static bool heap_init(struct heap *h, const struct query *q, long k, struct val **pool)
{
	*h = (struct heap){ q, calloc(k ? k : 1, sizeof(*h->c)), 0, k };
	*pool = calloc((k ? k : 1) * (q->norder ? q->norder : 1), sizeof(**pool));
	if (!h->c || !*pool)
		return false;
	for (long i = 0; i < k * q->norder; i++)
		val_init(&(*pool)[i]);
	for (long i = 0; i < k; i++)
		h->c[i].vals = *pool + i * q->norder;
	return true;
}

static void heap_free(struct heap *h, struct val *pool)
{
	for (long i = 0; pool && h->c && i < h->k * h->q->norder; i++)
		val_clear(&pool[i]);
	free(h->c);
	free(pool);
}

/* Whether group g passes having: -1 after an error. */
static int passes(const struct query *q, struct at *at, const struct group *g)
{
	uint32_t err;
	int r;

	if (!q->having)
		return 1;
	if ((err = eval_cond(at, q->having, &r))) {
		report(q, at, err, g);
		return -1;
	}
	return r == T;
}

/* What key_ranks() sorts by: the groups and the key. */
struct rank_ctx {
	const struct group *groups;
	int key;
};

static int by_key_at(const void *x, const void *y, void *ctx)
{
	const struct rank_ctx *c = ctx;

	return keys_compare(&c->groups[*(const long *)x].key, &c->groups[*(const long *)y].key,
			    c->key);
}

/* Several keys: each group's rank by key i alone (equal keys, equal ranks); NULL out of memory. */
static long *key_ranks(const struct answer *in, int i)
{
	long n = in->ngroups, *idx = malloc((n ? n : 1) * sizeof(long));
	long *rank = malloc((n ? n : 1) * sizeof(long));
	struct rank_ctx ctx = { in->groups, i };

	if (!idx || !rank) {
		free(idx);
		free(rank);
		return NULL;
	}
	for (long g = 0; g < n; g++)
		idx[g] = g;
	qsort_r(idx, n, sizeof(*idx), by_key_at, &ctx);
	for (long k = 0; k < n; k++)
		rank[idx[k]] = !k ? 0 : rank[idx[k - 1]] + (by_key_at(&idx[k - 1], &idx[k], &ctx) != 0);
	free(idx);
	return rank;
}

/* The ranks of the order keys that name one of several by keys; false out of memory. */
static bool order_ranks(const struct query *q, const struct answer *in, long **ranks)
{
	bool ok = true;

	for (int i = 0; i < q->norder; i++) {
		ranks[i] = NULL;
		if (q->order[i].by_key && ast_nkeys(q) > 1)
			ok &= (ranks[i] = key_ranks(in, q->order[i].key)) != NULL;
	}
	return ok;
}

/* The groups to print, in order, into pick[]; how many, or -1. */
static long pick_groups(const struct query *q, const struct answer *in, long *pick)
{
	long limit = q->limit ? q->limit : in->ngroups, n = 0, *ranks[BPFQ_MAX_AGGS] = { 0 };
	struct val vals[BPFQ_MAX_AGGS], *pool = NULL;
	struct heap h = { 0 };
	uint32_t err;

	if (limit > in->ngroups)
		limit = in->ngroups;
	for (int i = 0; i < q->norder; i++)
		val_init(&vals[i]);
	if ((q->norder && !heap_init(&h, q, limit, &pool)) || !order_ranks(q, in, ranks)) {
		fprintf(stderr, "bpfq: error: out of memory\n");
		n = -1;
	}
	for (long g = 0; n >= 0 && g < in->ngroups && (q->norder || n < limit); g++) {
		struct at at = { in, in->groups[g].area, NULL };
		int ok = passes(q, &at, &in->groups[g]);

		if (ok < 0)
			n = -1;
		else if (ok && !q->norder)
			pick[n++] = g;
		else if (ok && (err = sort_values(q, &at, g, ranks, vals)))
			report(q, &at, err, &in->groups[g]), n = -1;
		else if (ok)
			heap_offer(&h, g, vals);
	}
	if (n >= 0 && q->norder)
		n = heap_drain(&h, pick);
	heap_free(&h, pool);
	for (int i = 0; i < q->norder; i++) {
		val_clear(&vals[i]);
		free(ranks[i]);
	}
	return n;
}

static int fill_groups(const struct query *q, const struct answer *in, struct post *out)
{
	int words = output_offset(&out->a, q->ncols);
	long *pick = malloc((in->ngroups ? in->ngroups : 1) * sizeof(*pick));
	long n = pick ? pick_groups(q, in, pick) : -1;
	uint32_t err = 0;

	if (n >= 0) {
		out->groups = calloc(n ? n : 1, sizeof(*out->groups));
		out->areas = calloc((n ? n : 1) * words, sizeof(*out->areas));
	}
	if (n >= 0 && (!out->groups || !out->areas)) {
		fprintf(stderr, "bpfq: error: out of memory\n");
		n = -1;
	}
	for (long i = 0; n >= 0 && !err && i < n; i++) {
		struct at at = { in, in->groups[pick[i]].area, NULL };

		out->groups[i].key = in->groups[pick[i]].key;
		out->groups[i].area = out->areas + i * words;
		if ((err = fill(q, out, &at, out->groups[i].area)))
			report(q, &at, err, &in->groups[pick[i]]);
	}
	free(pick);
	out->a.groups = out->groups;
	out->a.ngroups = n;
	return n < 0 || err ? EXIT_INPUT : EXIT_OK;
}

int post_apply(const struct query *q, const struct answer *in, struct post *out)
{
	char label[1024];
	struct at at = { in, in->area, NULL };
	uint32_t err;

	memset(out, 0, sizeof(*out));
	out->a = *in;
	out->a.naggs = q->ncols;
	out->a.descs = out->descs;
	out->a.names = out->names;
	set_descs(q, in, out);
	for (int i = 0; i < q->ncols; i++) {
		const struct node *col = q->cols[i];

		if (col->as.end > col->as.begin)
			snprintf(label, sizeof(label), "%.*s", (int)(col->as.end - col->as.begin),
				 q->text + col->as.begin);
		else
			ast_render(q, col, label, sizeof(label));
		if (!(out->names[i] = strdup(label))) {
			fprintf(stderr, "bpfq: error: out of memory\n");
			return EXIT_INPUT;
		}
	}
	if (in->key_name)
		return fill_groups(q, in, out);
	out->areas = calloc(output_offset(&out->a, q->ncols) + 1, sizeof(*out->areas));
	if (!out->areas) {
		fprintf(stderr, "bpfq: error: out of memory\n");
		return EXIT_INPUT;
	}
	out->a.area = out->areas;
	if ((err = fill(q, out, &at, out->areas))) {
		report(q, &at, err, NULL);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

void post_free(struct post *p)
{
	for (int i = 0; i < BPFQ_MAX_AGGS; i++)
		free(p->names[i]);
	free(p->groups);
	free(p->areas);
}

static bool resolve_expr(const struct query *q, struct node *n, char *const *names,
			 const struct agg_desc *descs, int count)
{
	char label[1024];

	if (!n)
		return true;
	if (n->kind == NODE_CALL && agg_lookup(q->text + n->op_loc.begin,
					       n->op_loc.end - n->op_loc.begin)) {
		ast_render(q, n, label, sizeof(label));
		for (n->item = 0; n->item < count && strcmp(names[n->item], label); n->item++)
			;
		if (n->item == count)
			return false;
		n->agg = descs[n->item].kind;
		return true;
	}
	if (!resolve_expr(q, n->lhs, names, descs, count) ||
	    !resolve_expr(q, n->rhs, names, descs, count))
		return false;
	for (int i = 0; i < n->nargs; i++)
		if (!resolve_expr(q, n->args[i], names, descs, count))
			return false;
	return true;
}

static bool same_label(const struct query *q, const struct node *a, const struct node *b)
{
	char x[1024], y[1024];

	ast_render(q, a, x, sizeof(x));
	ast_render(q, b, y, sizeof(y));
	return !strcmp(x, y);
}

/* As sema's check_order_key(): the by key, a column's 'as' name or text, or an expression. */
static void resolve_key(const struct query *q, struct order_key *k)
{
	k->by_key = false;
	for (int i = 0; !k->by_key && i < ast_nkeys(q); i++) {
		const struct node *key = ast_key(q, i);

		if ((k->by_key = key ? same_label(q, k->e, key) : ast_is_file(q, k->e)))
			k->key = i;
	}
	k->col = -1;
	for (int i = 0; !k->by_key && k->col < 0 && i < q->ncols; i++) {
		struct loc as = q->cols[i]->as;
		uint32_t len = k->e->loc.end - k->e->loc.begin;
		bool named = k->e->kind == NODE_NAME && as.end - as.begin == len &&
			     !memcmp(q->text + as.begin, q->text + k->e->loc.begin, len);

		if (named || same_label(q, k->e, q->cols[i]))
			k->col = i;
	}
}

bool post_resolve(struct query *q, char *const *names, const struct agg_desc *descs, int n,
		  bool *bad)
{
	bool post = q->having || q->norder || q->limit;

	*bad = false;
	for (int i = 0; i < q->nitems; i++)
		post |= q->items[i]->as.end > q->items[i]->as.begin ||
			q->items[i]->kind != NODE_CALL;
	if (!post)
		return false;
	q->post = true;
	q->cols = q->items;
	q->ncols = q->nitems;
	*bad = q->ncols > BPFQ_MAX_AGGS || q->norder > BPFQ_MAX_AGGS;
	for (int i = 0; i < q->ncols; i++)
		*bad |= !resolve_expr(q, q->cols[i], names, descs, n);
	*bad |= !resolve_expr(q, q->having, names, descs, n);
	for (int i = 0; i < q->norder; i++) {
		resolve_key(q, &q->order[i]);
		if (!q->order[i].by_key && q->order[i].col < 0)
			*bad |= !resolve_expr(q, q->order[i].e, names, descs, n);
	}
	return true;
}
