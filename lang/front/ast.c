// SPDX-License-Identifier: MIT
/* AST nodes, and the two ways of showing them: normalized text and a dump. */
#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include "lang/front/ast.h"

struct node *node_new(struct query *q, enum node_kind kind, struct loc loc)
{
	struct node *n = arena_alloc(&q->arena, sizeof(*n));

	if (!n)
		return NULL;
	n->kind = kind;
	n->loc = loc;
	n->op_loc = loc;
	return n;
}

void query_free(struct query *q)
{
	arena_free(q->arena);
	memset(q, 0, sizeof(*q));
}

/* Every spelling of an aggregate: aliases map to the same kind. */
static const struct agg_name agg_names[] = {
	{ "count", AGG_COUNT },
	{ "sum", AGG_SUM },
	{ "min", AGG_MIN },
	{ "max", AGG_MAX },
	{ "avg", AGG_AVG },
	{ "exists", AGG_EXISTS },
	{ "var", AGG_VAR_SAMP },
	{ "variance", AGG_VAR_SAMP },
	{ "var_samp", AGG_VAR_SAMP },
	{ "var_pop", AGG_VAR_POP },
	{ "stddev", AGG_STDDEV_SAMP },
	{ "stddev_samp", AGG_STDDEV_SAMP },
	{ "stddev_pop", AGG_STDDEV_POP },
	{ "hist", AGG_HIST },
	{ "lhist", AGG_LHIST },
	{ "quantile", AGG_QUANTILE },
	{ "median", AGG_QUANTILE },
	{ "quantile_exact", AGG_QUANTILE_EXACT },
	{ "median_exact", AGG_QUANTILE_EXACT },
	{ "count_distinct", AGG_COUNT_DISTINCT },
	{ "covar_pop", AGG_COVAR_POP },
	{ "covar_samp", AGG_COVAR_SAMP },
	{ "corr", AGG_CORR },
	{ "regr_slope", AGG_REGR_SLOPE },
	{ "regr_intercept", AGG_REGR_INTERCEPT },
};

#define NAGG_NAMES (sizeof(agg_names) / sizeof(agg_names[0]))

bool agg_is_pair(enum agg_kind kind)
{
	return kind >= AGG_COVAR_POP && kind <= AGG_REGR_INTERCEPT;
}

bool agg_is_quantile(enum agg_kind kind)
{
	return kind == AGG_QUANTILE || kind == AGG_QUANTILE_EXACT;
}

bool ast_has_distinct(const struct query *q)
{
	for (int i = 0; i < q->nitems; i++)
		if (q->items[i]->agg == AGG_COUNT_DISTINCT && !ast_folds_file(q, q->items[i]))
			return true;
	return false;
}

bool ast_has_exact(const struct query *q)
{
	for (int i = 0; i < q->nitems; i++)
		if (q->items[i]->agg == AGG_QUANTILE_EXACT)
			return true;
	return false;
}

bool ast_keeps_values(const struct node *call)
{
	return call->agg == AGG_QUANTILE_EXACT || (call->agg == AGG_QUANTILE && !call->q_bits);
}

bool ast_has_values(const struct query *q)
{
	for (int i = 0; i < q->nitems; i++)
		if (ast_keeps_values(q->items[i]))
			return true;
	return false;
}

const char *agg_name(enum agg_kind kind)
{
	for (size_t i = 0; i < NAGG_NAMES; i++)
		if (agg_names[i].kind == kind)
			return agg_names[i].name;
	return "?";
}

const char *agg_spelling(size_t i)
{
	return i < NAGG_NAMES ? agg_names[i].name : NULL;
}

const struct agg_name *agg_lookup(const char *text, size_t n)
{
	for (size_t k = 0; k < NAGG_NAMES; k++)
		if (strlen(agg_names[k].name) == n && !strncasecmp(agg_names[k].name, text, n))
			return &agg_names[k];
	return NULL;
}

/* Binding strength, loosest first; the grammar's levels in parser.c. */
enum prec {
	PREC_OR = 1,
	PREC_AND,
	PREC_NOT,
	PREC_CMP,
	PREC_ADD,
	PREC_MUL,
	PREC_NEG,
	PREC_ATOM,
};

static enum prec prec(const struct node *n)
{
	switch (n->kind) {
	case NODE_OR: return PREC_OR;
	case NODE_AND: return PREC_AND;
	case NODE_NOT: return PREC_NOT;
	case NODE_EQ: case NODE_NE: case NODE_LT: case NODE_LE: case NODE_GT: case NODE_GE:
	case NODE_BETWEEN: case NODE_IN: case NODE_ISNULL: case NODE_LIKE: case NODE_MATCH:
		return PREC_CMP;
	case NODE_ADD: case NODE_SUB: return PREC_ADD;
	case NODE_MUL: case NODE_DIV: case NODE_MOD: return PREC_MUL;
	case NODE_NEG: return PREC_NEG;
	case NODE_FILE_COND: return prec(n->file_expr);
	default: return PREC_ATOM;
	}
}

/* The normalized spelling: "==" for "=", "and" for "&&", whatever was written. */
int ast_nkeys(const struct query *q)
{
	return (q->by ? q->nkeys : 0) + q->by_file;
}

int ast_key_longs(const struct query *q)
{
	int n = 0;

	if (!q->by)
		return 0;
	if (q->nkeys <= 1)
		return q->by_text;
	for (int i = 0; i < q->nkeys; i++)
		n += q->key_text[i] && q->key_seg[q->keys[i]->slot] == q->key_off[i];
	return n;
}

const struct node *ast_key(const struct query *q, int i)
{
	if (q->file_key)
		return i == q->file_key - 1 ? NULL : q->keys[i - (i >= q->file_key)];
	return q->by_file ? NULL : q->keys[i];
}

/* One key's bytes, then its length: "a.b" as one key is not a, then b. */
static void json_fold_key(const char *key, size_t len, uint64_t *h1, uint64_t *h2)
{
	for (size_t i = 0; i < len; i++) {
		*h1 = bpfq_json_fold1(*h1, (unsigned char)key[i]);
		*h2 = bpfq_json_fold2(*h2, (unsigned char)key[i]);
	}
	*h1 = bpfq_json_fold1(*h1, len | (1ULL << 32));
	*h2 = bpfq_json_fold2(*h2, len | (1ULL << 32));
}

void json_path_hash(const char *name, size_t len, bool path, uint64_t *h1, uint64_t *h2)
{
	size_t begin = 0;

	*h1 = BPFQ_JSON_H1;
	*h2 = BPFQ_JSON_H2;
	for (size_t i = 0; path && i < len; i++) {
		if (name[i] == '.') {
			json_fold_key(name + begin, i - begin, h1, h2);
			begin = i + 1;
		}
	}
	json_fold_key(name + begin, len - begin, h1, h2);
}

void json_key_hash(const struct query *q, int i, uint64_t *h1, uint64_t *h2)
{
	struct loc l = q->format.keys[i];
	const char *text = q->text + l.begin;
	bool quoted = *text == '"';

	json_path_hash(text + quoted, l.end - l.begin - 2 * quoted, !quoted, h1, h2);
}

bool ast_is_file(const struct query *q, const struct node *n)
{
	return n && n->kind == NODE_NAME && n->loc.end - n->loc.begin == 4 &&
	       !memcmp(q->text + n->loc.begin, "file", 4);
}

bool ast_folds_file(const struct query *q, const struct node *call)
{
	return call->kind == NODE_CALL && call->agg && call->nargs == 1 &&
	       ast_is_file(q, call->args[0]);
}

bool ast_any(const struct query *q, const struct node *n,
	     bool (*is)(const struct query *q, const struct node *n))
{
	if (!n)
		return false;
	if (is(q, n) || ast_any(q, n->lhs, is) || ast_any(q, n->rhs, is))
		return true;
	for (int i = 0; i < n->nargs; i++)
		if (ast_any(q, n->args[i], is))
			return true;
	return false;
}

static bool is_field(const struct query *q, const struct node *n)
{
	(void)q;
	return n->kind == NODE_FIELD;
}

bool ast_has_field(const struct node *n)
{
	return ast_any(NULL, n, is_field);
}

const char *ast_op_text(enum node_kind kind)
{
	switch (kind) {
	case NODE_NEG: return "-";
	case NODE_NOT: return "not";
	case NODE_ADD: return "+";
	case NODE_SUB: return "-";
	case NODE_MUL: return "*";
	case NODE_DIV: return "/";
	case NODE_MOD: return "%";
	case NODE_EQ: return "==";
	case NODE_NE: return "!=";
	case NODE_LT: return "<";
	case NODE_LE: return "<=";
	case NODE_GT: return ">";
	case NODE_GE: return ">=";
	case NODE_AND: return "and";
	case NODE_OR: return "or";
	case NODE_MATCH: return "~";
	default: return "?";
	}
}

/* snprintf-like output: counts everything, stores what fits. */
struct out {
	char *buf;
	size_t size, len;
	bool code;	/* for generated code: nothing from the query text */
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + 1 < o->size) {
		size_t room = o->size - 1 - o->len;

		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_source(struct out *o, const struct query *q, struct loc loc)
{
	put(o, q->text + loc.begin, loc.end - loc.begin);
}

static void render(struct out *o, const struct query *q, const struct node *n);

/* A literal out of range, as written; sema refuses it, so code never has one. */
static void put_literal(struct out *o, const struct query *q, const struct node *n)
{
	if (o->code)
		puts_(o, "out_of_range");
	else
		put_source(o, q, n->loc);
}

/*
 * A name as written; for code, a field by its position ($3), or x for a
 * stream's value: a csv column's name may hold any byte, and the record's
 * names need not be shown either.
 */
static void render_name(struct out *o, const struct query *q, const struct node *n)
{
	char text[16];

	if (!o->code) {
		put_source(o, q, n->loc);
		return;
	}
	if (n->kind != NODE_FIELD)
		puts_(o, "name");
	else if (q->format.kind == INPUT_NUMBERS || q->format.stream)
		puts_(o, "x");
	else {
		snprintf(text, sizeof(text), "$%d", n->field + 1);
		puts_(o, text);
	}
}

static void render_paren(struct out *o, const struct query *q, const struct node *n, bool paren)
{
	if (paren)
		put(o, "(", 1);
	render(o, q, n);
	if (paren)
		put(o, ")", 1);
}

/* A name as written, in lower case: SUM(x) and sum(x) are one label. */
static void put_lower(struct out *o, const struct query *q, struct loc loc)
{
	for (uint32_t i = loc.begin; i < loc.end; i++) {
		char c = q->text[i];

		c = c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
		put(o, &c, 1);
	}
}

/* A checked call's canonical name; median(x) is quantile(x, 0.5) with one argument. */
static const char *call_name(const struct node *n)
{
	static const char *const fn_names[] = {
		[FN_ABS] = "abs", [FN_LENGTH] = "length", [FN_STARTS_WITH] = "starts_with",
		[FN_ENDS_WITH] = "ends_with", [FN_CONTAINS] = "contains", [FN_YEAR] = "year", [FN_MONTH] = "month", [FN_DAY] = "day",
		[FN_HOUR] = "hour", [FN_MINUTE] = "minute", [FN_SECOND] = "second",
		[FN_EPOCH] = "epoch", [FN_TO_TIMESTAMP] = "to_timestamp",
		[FN_DATE_TRUNC] = "date_trunc",
	};

	if (n->agg == AGG_QUANTILE && n->nargs == 1)
		return "median";
	if (n->agg == AGG_QUANTILE_EXACT && n->nargs == 1)
		return "median_exact";
	if (n->agg != AGG_NONE)
		return agg_name(n->agg);
	return n->fn != FN_NONE ? fn_names[n->fn] : "call";
}

static void render_call(struct out *o, const struct query *q, const struct node *n)
{
	if (o->code)
		puts_(o, call_name(n));
	else
		put_lower(o, q, n->op_loc);
	put(o, "(", 1);
	if (n->distinct && !o->code)
		puts_(o, "distinct ");
	for (int i = 0; i < n->nargs; i++) {
		if (i)
			put(o, ", ", 2);
		render(o, q, n->args[i]);
	}
	put(o, ")", 1);
	if (n->rhs) {
		puts_(o, " filter (where ");
		render(o, q, n->rhs);
		put(o, ")", 1);
	}
}

static void render_int(struct out *o, const struct query *q, const struct node *n)
{
	char text[24];

	/* A time literal as written; in code, its microseconds. */
	if (n->out_of_range || (n->type == TYPE_TIME && !o->code)) {
		put_literal(o, q, n);
		return;
	}
	snprintf(text, sizeof(text), "%" PRId64, n->value);
	puts_(o, text);
}

void dec_format(__int128 scaled, char *buf, size_t size)
{
	unsigned __int128 mag = scaled < 0 ? -(unsigned __int128)scaled : (unsigned __int128)scaled;
	unsigned __int128 ipart = mag / BPFQ_SCALE;
	uint64_t frac = (uint64_t)(mag % BPFQ_SCALE);
	char digits[48], *p = digits + sizeof(digits);
	int n;

	*--p = 0;
	do {
		*--p = '0' + (int)(ipart % 10);
		ipart /= 10;
	} while (ipart);
	n = snprintf(buf, size, "%s%s", scaled < 0 ? "-" : "", p);
	if (frac && n > 0 && (size_t)n < size) {
		char f[24];
		int len = 18;

		snprintf(f, sizeof(f), "%018llu", (unsigned long long)frac);
		while (len > 0 && f[len - 1] == '0')
			f[--len] = 0;
		snprintf(buf + n, size - n, ".%s", f);
	}
}

static void render_dec(struct out *o, const struct query *q, const struct node *n)
{
	char text[48];

	if (n->out_of_range) {
		put_literal(o, q, n);
		return;
	}
	dec_format(n->dec, text, sizeof(text));
	puts_(o, text);
}

/* lhs [not] between a and b; lhs [not] in (a, b, ...) */
static void render_ranged(struct out *o, const struct query *q, const struct node *n)
{
	render_paren(o, q, n->lhs, prec(n->lhs) <= PREC_CMP);
	puts_(o, n->negated ? " not" : "");
	if (n->kind == NODE_BETWEEN) {
		puts_(o, " between ");
		render_paren(o, q, n->args[0], prec(n->args[0]) <= PREC_CMP);
		puts_(o, " and ");
		render_paren(o, q, n->args[1], prec(n->args[1]) <= PREC_CMP);
		return;
	}
	puts_(o, " in (");
	for (int i = 0; i < n->nargs; i++) {
		if (i)
			put(o, ", ", 2);
		render(o, q, n->args[i]);
	}
	put(o, ")", 1);
}

/*
 * Operators are left-associative, so the right operand needs parentheses
 * at the same level ("x - (y - z)") and the left one does not; comparisons
 * do not chain, so there both sides do.
 */
static void render_binary(struct out *o, const struct query *q, const struct node *n)
{
	enum prec p = prec(n);

	render_paren(o, q, n->lhs, prec(n->lhs) < p || (p == PREC_CMP && prec(n->lhs) == p));
	put(o, " ", 1);
	puts_(o, n->kind == NODE_MATCH && n->negated ? "!~" : ast_op_text(n->kind));
	put(o, " ", 1);
	render_paren(o, q, n->rhs, prec(n->rhs) <= p);
}

/*
 * "-(-x)", not "--x"; and "-(5)" stays so, as "-5" would read back as a
 * literal, another tree ("-(0)" would even come back as "0").
 */
static bool paren_after_minus(const struct node *operand)
{
	return prec(operand) < PREC_NEG || operand->kind == NODE_NEG || operand->kind == NODE_INT ||
	       operand->kind == NODE_DEC;
}

/*
 * A string as written, '' for a quote; for code only its length: the
 * bytes are the query's and the program reads them from its .rodata.
 */
static void render_str(struct out *o, const struct query *q, const struct node *n)
{
	char text[40];

	if (!o->code) {
		put_source(o, q, n->loc);
		return;
	}
	snprintf(text, sizeof(text), "text(%u bytes)", n->slen);
	puts_(o, text);
}

static void render(struct out *o, const struct query *q, const struct node *n);

/* A condition over file as written; for code only its number, as its strings are the query's. */
static void render_file_cond(struct out *o, const struct query *q, const struct node *n)
{
	char text[40];

	if (!o->code) {
		render(o, q, n->file_expr);
		return;
	}
	snprintf(text, sizeof(text), "file_cond(%" PRId64 ")", n->value);
	puts_(o, text);
}

static void render(struct out *o, const struct query *q, const struct node *n)
{
	switch (n->kind) {
	case NODE_STR:
		render_str(o, q, n);
		break;
	case NODE_ISNULL:
		render_paren(o, q, n->lhs, prec(n->lhs) <= PREC_CMP);
		puts_(o, n->negated ? " is not null" : " is null");
		break;
	case NODE_LIKE:
		render_paren(o, q, n->lhs, prec(n->lhs) <= PREC_CMP);
		puts_(o, n->negated ? " not" : "");
		puts_(o, n->match & BPFQ_MATCH_CI ? " ilike " : " like ");
		render_paren(o, q, n->rhs, prec(n->rhs) <= PREC_CMP);
		break;
	case NODE_INT:
		render_int(o, q, n);
		break;
	case NODE_DEC:
		render_dec(o, q, n);
		break;
	case NODE_NAME:
	case NODE_FIELD:
		render_name(o, q, n);
		break;
	case NODE_CALL:
		render_call(o, q, n);
		break;
	case NODE_BETWEEN:
	case NODE_IN:
		render_ranged(o, q, n);
		break;
	case NODE_STAR:
		put(o, "*", 1);
		break;
	case NODE_NEG:
		put(o, "-", 1);
		render_paren(o, q, n->lhs, paren_after_minus(n->lhs));
		break;
	case NODE_NOT:
		put(o, "not ", 4);
		render_paren(o, q, n->lhs, prec(n->lhs) < PREC_NOT);
		break;
	case NODE_FILE_COND:
		render_file_cond(o, q, n);
		break;
	default:
		render_binary(o, q, n);
		break;
	}
}

size_t ast_render(const struct query *q, const struct node *n, char *buf, size_t size)
{
	struct out o = { buf, size, 0, false };

	render(&o, q, n);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len;
}

size_t ast_render_code(const struct query *q, const struct node *n, char *buf, size_t size)
{
	struct out o = { buf, size, 0, true };

	render(&o, q, n);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len;
}

static const char *type_suffix(enum type t)
{
	switch (t) {
	case TYPE_NUM: return " :num";
	case TYPE_TIME: return " :time";
	case TYPE_BOOL: return " :bool";
	case TYPE_TEXT: return " :text";
	default: return "";
	}
}

static void print_source(FILE *f, const struct query *q, struct loc loc)
{
	fwrite(q->text + loc.begin, 1, loc.end - loc.begin, f);
}

/* One node's label: the literal, the name, or the operator. */
static void dump_label(FILE *f, const struct query *q, const struct node *n)
{
	switch (n->kind) {
	case NODE_INT:
		if (n->out_of_range)
			print_source(f, q, n->loc);
		else
			fprintf(f, "%" PRId64, n->value);
		break;
	case NODE_DEC: {
		char text[48];

		if (n->out_of_range)
			print_source(f, q, n->loc);
		else
			dec_format(n->dec, text, sizeof(text)), fputs(text, f);
		break;
	}
	case NODE_NAME:
		print_source(f, q, n->loc);
		break;
	case NODE_FIELD:
		print_source(f, q, n->loc);
		fprintf(f, " (field %d, slot %d)", n->field + 1, n->slot);
		break;
	case NODE_CALL:
		if (n->agg != AGG_NONE)
			fputs(agg_name(n->agg), f);
		else
			print_source(f, q, n->op_loc);
		break;
	case NODE_STAR:
		fputc('*', f);
		break;
	case NODE_BETWEEN:
		fputs(n->negated ? "not between" : "between", f);
		break;
	case NODE_IN:
		fputs(n->negated ? "not in" : "in", f);
		break;
	case NODE_ISNULL:
		fputs(n->negated ? "is not null" : "is null", f);
		break;
	case NODE_MATCH:
		fputs(n->negated ? "!~" : "~", f);
		break;
	case NODE_LIKE:
		fputs(n->negated ? "not " : "", f);
		fputs(n->match & BPFQ_MATCH_CI ? "ilike" : "like", f);
		break;
	case NODE_STR:
		print_source(f, q, n->loc);
		break;
	case NODE_FILE_COND:
		fprintf(f, "file condition %" PRId64 ", decided per file", n->value);
		break;
	default:
		fputs(ast_op_text(n->kind), f);
		break;
	}
}

static void dump_node(FILE *f, const struct query *q, const struct node *n, int depth)
{
	fprintf(f, "%*s", 2 * depth, "");
	dump_label(f, q, n);
	fprintf(f, "%s\n", type_suffix(n->type));
	if (n->lhs)
		dump_node(f, q, n->lhs, depth + 1);
	if (n->rhs)
		dump_node(f, q, n->rhs, depth + 1);
	for (int i = 0; i < n->nargs; i++)
		dump_node(f, q, n->args[i], depth + 1);
	if (n->file_expr)
		dump_node(f, q, n->file_expr, depth + 1);
}

/* The path in double quotes, C style, so odd bytes stay visible. */
static void dump_path(FILE *f, const char *path)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* The output columns, having, order by, limit: user space computes them after the scan. */
static void dump_post(FILE *f, const struct query *q)
{
	fputs("  columns\n", f);
	for (int i = 0; i < q->ncols; i++) {
		dump_node(f, q, q->cols[i], 2);
		if (q->cols[i]->as.end > q->cols[i]->as.begin)
			fprintf(f, "      as %.*s\n", (int)(q->cols[i]->as.end - q->cols[i]->as.begin),
				q->text + q->cols[i]->as.begin);
	}
	if (q->having) {
		fputs("  having\n", f);
		dump_node(f, q, q->having, 2);
	}
	for (int i = 0; i < q->norder; i++) {
		const struct order_key *k = &q->order[i];

		fprintf(f, "  order by%s", k->desc ? " (desc)" : "");
		if (k->by_key)
			fputs(": the by key\n", f);
		else if (k->col >= 0)
			fprintf(f, ": column %d\n", k->col + 1);
		else
			fputc('\n', f), dump_node(f, q, k->e, 2);
	}
	if (q->limit)
		fprintf(f, "  limit %lld\n", (long long)q->limit);
}

void ast_dump(FILE *f, const struct query *q)
{
	fputs("query\n  select\n", f);
	for (int i = 0; i < q->nitems; i++)
		dump_node(f, q, q->items[i], 2);
	if (q->post)
		dump_post(f, q);
	if (q->where) {
		fputs("  where\n", f);
		dump_node(f, q, q->where, 2);
	}
	for (int i = 0; i < ast_nkeys(q); i++) {
		const struct node *k = ast_key(q, i);
		bool text = ast_nkeys(q) > 1 ? k && q->key_text[i - (q->file_key && i >= q->file_key)]
					     : q->by_text;

		if (!k)
			continue;
		fputs(text ? "  by (text)\n" : "  by\n", f);
		dump_node(f, q, k, 2);
	}
	if (q->path) {
		char format[160];

		fputs("  from", f);
		for (int i = 0; i < q->npaths; i++) {
			fputc(' ', f);
			dump_path(f, q->paths[i]);
		}
		format_render(q, format, sizeof(format));
		fprintf(f, " as %s\n", format);
	}
}

static const char *const bin_names[] = { "i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64" };

static void render_record(struct out *o, const struct query *q)
{
	const struct input_format *f = &q->format;

	if (f->stream) {
		puts_(o, bin_names[f->fields[0].type]);
		puts_(o, f->fields[0].big_endian ? "be" : "");
		return;
	}
	puts_(o, "record(");
	for (int i = 0; i < f->nfields; i++) {
		put_source(o, q, f->fields[i].name);
		put(o, ":", 1);
		puts_(o, bin_names[f->fields[i].type]);
		puts_(o, f->fields[i].big_endian ? "be" : "");
		puts_(o, i + 1 < f->nfields ? ", " : ")");
	}
}

static void render_csv(struct out *o, const struct input_format *f)
{
	char delim[8];

	puts_(o, "csv");
	if (f->delim == ',' && f->header == HEADER_AUTO)
		return;
	put(o, "(", 1);
	if (f->delim != ',') {
		snprintf(delim, sizeof(delim), f->delim == '\t' ? "\\t" : "%c", f->delim);
		puts_(o, "delim='");
		puts_(o, delim);
		puts_(o, f->header == HEADER_AUTO ? "'" : "', ");
	}
	if (f->header != HEADER_AUTO)
		puts_(o, f->header == HEADER_YES ? "header" : "noheader");
	put(o, ")", 1);
}

void format_render(const struct query *q, char *buf, size_t size)
{
	struct out o = { buf, size, 0, false };

	switch (q->format.kind) {
	case INPUT_NUMBERS: puts_(&o, "numbers"); break;
	case INPUT_TEXT: puts_(&o, "text"); break;
	case INPUT_CSV: render_csv(&o, &q->format); break;
	case INPUT_JSON: puts_(&o, "json"); break;
	default: render_record(&o, q); break;
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
}
