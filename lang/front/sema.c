// SPDX-License-Identifier: MIT
/*
 * Semantic checks: the input format, names and fields, aggregates and their
 * arity and parameters, types, literals. The walk is deterministic (items
 * left to right, then where, then by; operands before their operator), so
 * the first error is always the same one.
 */
#include <string.h>
#include <strings.h>

#include "lang/front/file_cond.h"
#include "lang/front/sema.h"
#include "lang/front/suggest.h"
#include "lang/value/timestamp.h"
#include "lang/value/layout.h"
#include "lang/value/regex.h"

/* Where an expression is: aggregates are allowed only as select items. */
enum context {
	IN_AGGREGATE,
	IN_WHERE,
	IN_BY,
	IN_POST,	/* over the final aggregates: columns, having, order by */
};

/* Names are quoted in messages up to this length. */
#define NAME_MAX_SHOWN 64

static int shown(struct loc loc)
{
	uint32_t n = loc.end - loc.begin;

	return n < NAME_MAX_SHOWN ? (int)n : NAME_MAX_SHOWN;
}

/* The call's name as written names an aggregate (any case). */
static const struct agg_name *lookup_agg(const struct query *q, struct loc name)
{
	return agg_lookup(q->text + name.begin, name.end - name.begin);
}

static bool is_named(const struct query *q, struct loc name, const char *w)
{
	uint32_t n = name.end - name.begin;

	return strlen(w) == n && !strncasecmp(q->text + name.begin, w, n);
}

/* What each operator takes and gives, and how a mismatch is told. */
struct op_rule {
	enum type operand, result;
	const char *needs;
};

static const struct op_rule op_rules[] = {
	[NODE_NEG] = { TYPE_NUM, TYPE_NUM, "needs a number" },
	[NODE_NOT] = { TYPE_BOOL, TYPE_BOOL, "needs a condition" },
	[NODE_ADD] = { TYPE_NUM, TYPE_NUM, "needs numbers on both sides" },
	[NODE_SUB] = { TYPE_NUM, TYPE_NUM, "needs numbers on both sides" },
	[NODE_MUL] = { TYPE_NUM, TYPE_NUM, "needs numbers on both sides" },
	[NODE_DIV] = { TYPE_NUM, TYPE_NUM, "needs numbers on both sides" },
	[NODE_MOD] = { TYPE_NUM, TYPE_NUM, "needs numbers on both sides" },
	[NODE_EQ] = { TYPE_NUM, TYPE_BOOL, "compares numbers" },
	[NODE_NE] = { TYPE_NUM, TYPE_BOOL, "compares numbers" },
	[NODE_LT] = { TYPE_NUM, TYPE_BOOL, "compares numbers" },
	[NODE_LE] = { TYPE_NUM, TYPE_BOOL, "compares numbers" },
	[NODE_GT] = { TYPE_NUM, TYPE_BOOL, "compares numbers" },
	[NODE_GE] = { TYPE_NUM, TYPE_BOOL, "compares numbers" },
	[NODE_AND] = { TYPE_BOOL, TYPE_BOOL, "needs conditions on both sides" },
	[NODE_OR] = { TYPE_BOOL, TYPE_BOOL, "needs conditions on both sides" },
};

struct sema {
	struct query *q;
	const struct schema *schema;
	struct diag *d;
	int in_values;		/* of the 'in' lists so far */
	bool in_cols;		/* IN_POST: checking the columns (no 'as' names yet) */
	bool in_order;		/* IN_POST: checking an order by key */
	const struct node *post_root;	/* IN_POST: the column checked, NULL in having */
	bool text;		/* 'is null' is used */
	int strings;		/* string literals that are text (not times) */
	bool sniffed[BPFQ_MAX_SLOTS];	/* a csv column that holds times (struct schema) */
};

static bool check_expr(struct sema *s, struct node *n, enum context ctx);

/* What a value of a type is called in messages: "got a condition". */
static const char *type_word(enum type t)
{
	switch (t) {
	case TYPE_BOOL: return "a condition";
	case TYPE_TEXT: return "text";
	case TYPE_TIME: return "a time";
	default: return "a number";
	}
}
static bool check_post_name(struct sema *s, struct node *n);
static bool check_post_agg(struct sema *s, struct node *n);

static bool check_literal(struct sema *s, struct node *n)
{
	if (n->out_of_range && n->kind == NODE_INT)
		return diag_set(s->d, n->loc, "integer literal out of range (int64 is "
				"-9223372036854775808 to 9223372036854775807)");
	if (n->out_of_range)
		return diag_set(s->d, n->loc, "decimal literal out of range (at most 18 decimals, "
				"and an integer part in int64)");
	n->type = TYPE_NUM;
	return true;
}

/* The slot of a field position, a new one at its first use. */
static bool use_field(struct sema *s, struct node *n, int field)
{
	struct query *q = s->q;

	for (int i = 0; i < q->nslots; i++) {
		if (q->slot_field[i] == field) {
			n->slot = i;
			goto found;
		}
	}
	if (q->nslots == BPFQ_MAX_SLOTS)
		return diag_set(s->d, n->loc, "too many fields: a query uses at most %d",
				BPFQ_MAX_SLOTS);
	n->slot = q->nslots;
	q->slot_field[q->nslots++] = field;
found:
	n->kind = NODE_FIELD;
	n->field = field;
	n->type = TYPE_NUM;
	return true;
}

/*
 * A field of text or csv read as a time where a time is wanted: its text
 * is then parsed as ISO 8601 (sema_check() refuses a field read both ways).
 */
static bool want_time(struct sema *s, struct node *n)
{
	if (n->type == TYPE_TIME)
		return true;
	if (n->kind != NODE_FIELD || n->type != TYPE_NUM)
		return false;
	if (s->q->format.kind != INPUT_TEXT && s->q->format.kind != INPUT_CSV)
		return false;
	n->type = TYPE_TIME;
	return true;
}

/* date_trunc's unit: a string literal naming one. */
static bool check_unit(struct sema *s, struct node *n)
{
	const struct node *u = n->args[0];

	n->lo = u->kind == NODE_STR ? ts_unit_of(u->str, u->slen) : -1;
	if (n->lo < 0)
		return diag_set(s->d, u->loc, "date_trunc's unit must be 'year', 'month', "
				"'day', 'hour', 'minute' or 'second'");
	return true;
}

/*
 * A string beside a time is a time literal: one that is no ISO 8601 time
 * there is an error. Beside a field of text or csv, a string that is one
 * makes a time of the field; another compares the field as text.
 */
/* '2001-02-30', '2001-3-1': meant as a date, whatever is beside it. */
static bool looks_like_date(const struct node *str)
{
	int digits = 0;

	while (digits < (int)str->slen && str->str[digits] >= '0' && str->str[digits] <= '9')
		digits++;
	return digits == 4 && str->slen > 5 && str->str[4] == '-' && str->str[5] >= '0' &&
	       str->str[5] <= '9';
}

static bool time_literal(struct sema *s, struct node *str, struct node *other)
{
	int64_t us;

	if (str->kind != NODE_STR)
		return true;
	if (!ts_parse(str->str, str->slen, &us)) {
		if (other->type != TYPE_TIME && !looks_like_date(str))
			return true;
		return diag_set(s->d, str->loc, "%.*s is not an ISO 8601 time, as '2001-03-01' or "
				"'2001-03-01 14:05:07'", shown(str->loc), s->q->text + str->loc.begin);
	}
	if (other->type != TYPE_TIME &&
	    !(other->kind == NODE_FIELD && other->type == TYPE_NUM &&
	      (s->q->format.kind == INPUT_TEXT || s->q->format.kind == INPUT_CSV)))
		return true;
	str->kind = NODE_INT;
	str->value = us;
	str->type = TYPE_TIME;
	s->strings--;
	return want_time(s, other);
}

static bool time_literals(struct sema *s, struct node *a, struct node *b)
{
	return time_literal(s, a, b) && time_literal(s, b, a);
}


static const char *format_word(enum input_kind kind)
{
	switch (kind) {
	case INPUT_NUMBERS: return "numbers";
	case INPUT_TEXT: return "text";
	case INPUT_CSV: return "csv";
	case INPUT_JSON: return "json";
	default: return "binary";
	}
}

/* $N: a field of text and csv records. */
static bool check_field(struct sema *s, struct node *n)
{
	enum input_kind kind = s->q->format.kind;

	if (kind == INPUT_NUMBERS || kind == INPUT_BINARY || kind == INPUT_JSON)
		return diag_set(s->d, n->loc, "'%.*s': 'as %s' input has no numbered fields; %s",
				shown(n->loc), s->q->text + n->loc.begin, format_word(kind),
				kind == INPUT_JSON ? "name the keys, as status or req.status" :
				kind == INPUT_NUMBERS || s->q->format.stream ?
				"its values are called x" : "name the record's fields");
	if (n->field == FIELD_WHOLE && kind != INPUT_TEXT)
		return diag_set(s->d, n->loc, "'$0' is the whole line of 'as text' records; a csv "
				"record's fields are $1, $2, ... or its columns' names");
	if (n->field < FIELD_WHOLE)
		return diag_set(s->d, n->loc, "no field '%.*s': fields are $1 to $%d, and $0 the "
				"whole line", shown(n->loc), s->q->text + n->loc.begin,
				BPFQ_MAX_FIELD);
	if (!use_field(s, n, n->field))
		return false;
	if (n->field == FIELD_WHOLE)
		s->q->whole_slot = n->slot;
	return true;
}

/* A column of the csv header, by name: exact first, then in any case. */
static int header_column(const struct schema *sc, const char *name, size_t n)
{
	for (int i = 0; i < sc->ncols; i++)
		if (strlen(sc->names[i]) == n && !memcmp(sc->names[i], name, n))
			return i;
	for (int i = 0; i < sc->ncols; i++)
		if (strlen(sc->names[i]) == n && !strncasecmp(sc->names[i], name, n))
			return i;
	return -1;
}

/* A header name as the message shows it: a control byte or a backslash as
 * \xNN (the file's bytes are not the terminal's commands). */
static size_t put_name(char *buf, size_t size, const char *name)
{
	size_t len = 0;

	for (const unsigned char *p = (const unsigned char *)name; *p && len + 5 < size; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			len += snprintf(buf + len, size - len, "\\x%02x", *p);
		else
			buf[len++] = *p;
	}
	buf[len] = 0;
	return len;
}

/* The header's names, for the message, up to a length. */
static void list_columns(const struct schema *sc, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = 0;
	for (int i = 0; i < sc->ncols && len + 8 < size; i++) {
		if (i)
			len += snprintf(buf + len, size - len, ", ");
		len += put_name(buf + len, size - len, sc->names[i]);
	}
	if (len >= size - 8)
		snprintf(buf + size - 8, 8, ", ...");
}

/* " (did you mean 'NAME'?)" for the header's name nearest to name, shown as the list shows it. */
static const char *column_clause(const struct schema *sc, const char *name, size_t len,
				 char *clause, size_t size)
{
	char shown_name[NAME_MAX_SHOWN * 4 + 8];
	const char *near = suggest(name, len, (const char *const *)sc->names, sc->ncols);

	if (!near)
		return "";
	put_name(shown_name, sizeof(shown_name), near);
	snprintf(clause, size, " (did you mean '%s'?)", shown_name);
	return clause;
}

/* After a "word" that names no column: it may have been meant as a string. */
static const char *single_quotes(const struct query *q, const struct node *n)
{
	return q->text[n->loc.begin] == '"' ? "; a string is written in single quotes, "
	       "as 'SFO'" : "";
}

static bool check_column(struct sema *s, struct node *n, const char *name, size_t len)
{
	const struct schema *sc = s->schema;
	char cols[160], clause[NAME_MAX_SHOWN * 4 + 32];
	int col;

	if (!sc)
		return diag_set(s->d, n->loc, "unknown name '%.*s'; this csv input has no header: "
				"use $1, $2, ... or 'as csv(header)'%s", shown(n->loc),
				s->q->text + n->loc.begin, single_quotes(s->q, n));
	col = header_column(sc, name, len);
	if (col < 0) {
		list_columns(sc, cols, sizeof(cols));
		return diag_set(s->d, n->loc, "no column '%.*s'%s in the header of %s: %s%s",
				(int)(len < NAME_MAX_SHOWN ? len : NAME_MAX_SHOWN), name,
				column_clause(sc, name, len, clause, sizeof(clause)), s->q->path,
				cols, single_quotes(s->q, n));
	}
	return use_field(s, n, col);
}

/* A binary record's field by name. */
static bool check_record_field(struct sema *s, struct node *n, const char *name, size_t len)
{
	const struct input_format *f = &s->q->format;

	for (int i = 0; i < f->nfields; i++) {
		struct loc l = f->fields[i].name;

		if (l.end - l.begin == len && !strncmp(s->q->text + l.begin, name, len))
			return use_field(s, n, i);
	}
	return diag_set(s->d, n->loc, "unknown name '%.*s'; the record's fields are named "
			"in its 'as record(...)'", shown(n->loc), s->q->text + n->loc.begin);
}

/* A JSON key path: the same path (by its hashes) is the same field. */
static bool check_json_key(struct sema *s, struct node *n)
{
	struct input_format *f = &s->q->format;
	const char *text = s->q->text + n->loc.begin;
	size_t len = n->loc.end - n->loc.begin;
	uint64_t h1, h2, k1, k2;
	int i;

	if (*text == '"' && len == 2)
		return diag_set(s->d, n->loc, "an empty name: a JSON key has at least one byte");
	json_path_hash(text + (*text == '"'), len - 2 * (*text == '"'), *text != '"', &h1, &h2);
	for (i = 0; i < f->nkeys; i++) {
		json_key_hash(s->q, i, &k1, &k2);
		if (k1 == h1 && k2 == h2)
			break;
	}
	if (i == f->nkeys) {
		if (f->nkeys == BPFQ_MAX_SLOTS)
			return diag_set(s->d, n->loc, "too many fields: a query uses at most %d",
					BPFQ_MAX_SLOTS);
		f->keys[f->nkeys++] = n->loc;
	}
	return use_field(s, n, i);
}

/* A name: x, a csv column, a record field; "quoted" for a column only. */
static bool check_name(struct sema *s, struct node *n, enum context ctx)
{
	const struct input_format *f = &s->q->format;
	const char *text = s->q->text + n->loc.begin;
	size_t len = n->loc.end - n->loc.begin;
	bool quoted = *text == '"';

	/* A text of each file: conditions over it are decided per file (file_cond.h). */
	if (ast_is_file(s->q, n) && ctx != IN_BY) {
		n->type = TYPE_TEXT;
		return true;
	}
	if (ast_is_file(s->q, n))
		return diag_set(s->d, n->loc, "'file' is the path of the file a record comes from: "
				"a key only as 'by file' (a column or key named file is \"file\")");
	if (quoted) {
		text++;
		len -= 2;
	}
	if (!quoted && len == 1 && *text == 'x' &&
	    (f->kind == INPUT_NUMBERS || (f->kind == INPUT_BINARY && f->stream)))
		return use_field(s, n, 0);
	switch (f->kind) {
	case INPUT_CSV:
		return check_column(s, n, text, len);
	case INPUT_JSON:
		return check_json_key(s, n);
	case INPUT_BINARY:
		if (!f->stream)
			return check_record_field(s, n, text, len);
		/* fallthrough */
	case INPUT_NUMBERS:
		return diag_set(s->d, n->loc, "unknown name '%.*s'; the input's values are called "
				"x%s", shown(n->loc), s->q->text + n->loc.begin,
				single_quotes(s->q, n));
	default:
		return diag_set(s->d, n->loc, "unknown name '%.*s'; 'as text' fields are $1, $2, "
				"...%s", shown(n->loc), s->q->text + n->loc.begin,
				single_quotes(s->q, n));
	}
}

/*
 * Two values compared: numbers, or times. A field beside a time is read
 * as a time.
 */
static bool same_kind(struct sema *s, struct node *a, struct node *b)
{
	if (a->type == TYPE_TIME || b->type == TYPE_TIME)
		return want_time(s, a) && want_time(s, b);
	return a->type == TYPE_NUM && b->type == TYPE_NUM;
}

static bool check_compare(struct sema *s, struct node *n)
{
	if (n->lhs->type == TYPE_BOOL || n->rhs->type == TYPE_BOOL)
		return diag_set(s->d, n->op_loc, "'%.*s' compares numbers", shown(n->op_loc),
				s->q->text + n->op_loc.begin);
	if (!same_kind(s, n->lhs, n->rhs))
		return diag_set(s->d, n->op_loc, "'%.*s' compares %s with %s", shown(n->op_loc),
				s->q->text + n->op_loc.begin, type_word(n->lhs->type),
				type_word(n->rhs->type));
	n->type = TYPE_BOOL;
	return true;
}

/* A field of text or csv records: its bytes can be compared as text. */
static bool text_field(const struct sema *s, const struct node *n)
{
	return n->kind == NODE_FIELD &&
	       (s->q->format.kind == INPUT_TEXT || s->q->format.kind == INPUT_CSV ||
		s->q->format.kind == INPUT_JSON);
}

/* A field whose text the query compares: its bytes are kept (bpfq_text), for a few fields. */
static bool mark_text(struct sema *s, struct node *field)
{
	struct query *q = s->q;
	int n = 0;

	for (int i = 0; i < q->nslots; i++)
		n += q->slot_text[i];
	if (!q->slot_text[field->slot] && n == BPFQ_MAX_TEXTS)
		return diag_set(s->d, field->loc, "too many fields compared as text: at most %d "
				"in a query", BPFQ_MAX_TEXTS);
	field->as_text = true;
	q->slot_text[field->slot] = true;
	s->text = true;
	return true;
}

/* An operand of a text comparison: a string, or a field read as its text. */
static bool text_operand(struct sema *s, struct node *n, const struct node *op)
{
	if (n->type == TYPE_TEXT)
		return true;
	if (!text_field(s, n))
		return diag_set(s->d, op->op_loc, "'%.*s' cannot compare text with %s",
				shown(op->op_loc), s->q->text + op->op_loc.begin,
				n->kind == NODE_FIELD ? "a field of this input (a number)" :
				type_word(n->type));
	n->type = TYPE_TEXT;
	return mark_text(s, n);
}

static bool no_slashed_order(struct sema *s, const struct node *n, const char *what);

/* = <> < ... with a string on a side: both sides are text, compared byte by byte. */
static bool check_text_cmp(struct sema *s, struct node *n)
{
	if (!text_operand(s, n->lhs, n) || !text_operand(s, n->rhs, n))
		return false;
	if (n->kind != NODE_EQ && n->kind != NODE_NE &&
	    (!no_slashed_order(s, n->lhs, "'<' and '>' would compare them as text") ||
	     !no_slashed_order(s, n->rhs, "'<' and '>' would compare them as text")))
		return false;
	n->type = TYPE_BOOL;
	return true;
}

/* Operands first, then the operator; messages spell it as the user did ('&&'). */
static bool check_operator(struct sema *s, struct node *n, enum context ctx)
{
	const struct op_rule *rule = &op_rules[n->kind];

	if (!check_expr(s, n->lhs, ctx) || (n->rhs && !check_expr(s, n->rhs, ctx)))
		return false;
	if (n->kind >= NODE_EQ && n->kind <= NODE_GE && !time_literals(s, n->lhs, n->rhs))
		return false;
	if (n->kind >= NODE_EQ && n->kind <= NODE_GE &&
	    (n->lhs->type == TYPE_TEXT || n->rhs->type == TYPE_TEXT))
		return check_text_cmp(s, n);
	if (rule->operand == TYPE_NUM && rule->result == TYPE_BOOL)
		return check_compare(s, n);
	if (n->lhs->type != rule->operand || (n->rhs && n->rhs->type != rule->operand))
		return diag_set(s->d, n->op_loc, "'%.*s' %s", shown(n->op_loc),
				s->q->text + n->op_loc.begin, rule->needs);
	/* Only a literal 0 is known now; a computed one is a run-time error. */
	if ((n->kind == NODE_DIV || n->kind == NODE_MOD) &&
	    ((n->rhs->kind == NODE_INT && n->rhs->value == 0) ||
	     (n->rhs->kind == NODE_DEC && n->rhs->dec == 0)))
		return diag_set(s->d, n->rhs->loc, "%s by zero",
				n->kind == NODE_DIV ? "division" : "modulo");
	n->type = rule->result;
	return true;
}

/* An in list's length: see SEMA_IN_MAX. */
static bool check_in_length(struct sema *s, const struct node *n)
{
	int i;

	for (i = 0; i < n->nargs; i++)
		if (n->args[i]->kind != NODE_INT && n->args[i]->kind != NODE_DEC)
			break;
	if (i < n->nargs && n->nargs > SEMA_IN_MAX_EXPR)
		return diag_set(s->d, n->args[SEMA_IN_MAX_EXPR]->loc, "an 'in' list holds at most %d "
				"values unless all are numbers, as 1 or -2.5", SEMA_IN_MAX_EXPR);
	if (n->nargs > SEMA_IN_MAX - s->in_values)
		return diag_set(s->d, n->args[SEMA_IN_MAX - s->in_values]->loc, "too many values in "
				"'in' lists: at most %d in a query", SEMA_IN_MAX);
	s->in_values += n->nargs;
	return true;
}

static bool check_text_in(struct sema *s, struct node *n);

/* between and in: numbers all, or in over text. */
static bool check_ranged(struct sema *s, struct node *n, enum context ctx)
{
	if (n->kind == NODE_IN && !check_in_length(s, n))
		return false;
	if (!check_expr(s, n->lhs, ctx))
		return false;
	for (int i = 0; i < n->nargs; i++)
		if (!check_expr(s, n->args[i], ctx))
			return false;
	for (int i = 0; i < n->nargs; i++)
		if (!time_literals(s, n->lhs, n->args[i]))
			return false;
	if (n->kind == NODE_IN && n->nargs && n->args[0]->type == TYPE_TEXT)
		return check_text_in(s, n);
	if (n->lhs->type != TYPE_NUM && n->lhs->type != TYPE_TIME)
		return diag_set(s->d, n->op_loc, "'%.*s' needs a number on its left, got %s",
				shown(n->op_loc), s->q->text + n->op_loc.begin,
				type_word(n->lhs->type));
	for (int i = 0; i < n->nargs; i++)
		if (n->args[i]->type != TYPE_NUM && n->args[i]->type != TYPE_TIME)
			return diag_set(s->d, n->args[i]->loc, "'%.*s' compares numbers, got %s",
					shown(n->op_loc), s->q->text + n->op_loc.begin,
					type_word(n->args[i]->type));
	/* Twice: a time late in the list makes the fields before it times. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n->nargs; i++)
			if (!same_kind(s, n->lhs, n->args[i]))
				return diag_set(s->d, n->args[i]->loc, "'%.*s' compares %s with %s",
						shown(n->op_loc), s->q->text + n->op_loc.begin,
						type_word(n->lhs->type),
						type_word(n->args[i]->type));
	n->type = TYPE_BOOL;
	return true;
}

/* x [not] in ('a', 'b'): a text on the left, strings in the list. */
static bool check_text_in(struct sema *s, struct node *n)
{
	if (!text_operand(s, n->lhs, n))
		return false;
	for (int i = 0; i < n->nargs; i++)
		if (n->args[i]->kind != NODE_STR)
			return diag_set(s->d, n->args[i]->loc, "'%.*s' with text takes strings, "
					"as ('a', 'b'); got %s", shown(n->op_loc),
					s->q->text + n->op_loc.begin, type_word(n->args[i]->type));
	n->type = TYPE_BOOL;
	return true;
}

/* The query offset of byte i of a string literal's bytes ('' is one byte). */
static uint32_t str_offset(const struct query *q, const struct node *str, size_t i)
{
	uint32_t at = str->loc.begin + 1;

	for (; i > 0 && at + 1 < str->loc.end; i--)
		at += q->text[at] == '\'' ? 2 : 1;
	return at;
}

/* The regex's automaton, in the arena; an error points into the string. */
static bool compile_regex(struct sema *s, struct node *n)
{
	struct query *q = s->q;
	const struct node *str = n->rhs;
	struct regex_dfa *dfa = arena_alloc(&q->arena, sizeof(*dfa));
	char err[200];
	size_t at, end;

	if (q->nregex == BPFQ_MAX_REGEX)
		return diag_set(s->d, n->op_loc, "too many regexes: a query has at most %d",
				BPFQ_MAX_REGEX);
	if (!dfa)
		return diag_set(s->d, n->loc, "out of memory");
	if (!regex_compile(str->str, str->slen, dfa, err, sizeof(err), &at, &end)) {
		struct loc loc = { str_offset(q, str, at), str_offset(q, str, end) };

		if (end <= at || end > str->slen || loc.end <= loc.begin)
			loc = str->loc;
		return diag_set(s->d, loc, "%s", err);
	}
	/* file's regex runs once per path in user space, never over a record */
	if (ast_is_file(q, n->lhs)) {
		n->file_dfa = dfa;
		n->regex = -1;
		return true;
	}
	n->regex = q->nregex;
	q->regex[q->nregex] = dfa;
	q->regex_slot[q->nregex++] = n->lhs->slot;
	return true;
}

/* e ~ 'regex', e !~ 'regex': e a field of text or csv records, the regex a string. */
static bool check_match(struct sema *s, struct node *n, enum context ctx)
{
	const char *op = n->negated ? "!~" : "~";

	if (!check_expr(s, n->lhs, ctx))
		return false;
	if (!text_field(s, n->lhs) && !ast_is_file(s->q, n->lhs))
		return diag_set(s->d, n->lhs->loc, "'%s' matches a field of text or csv records, "
				"as $2 %s 'GET', got %s", op, op,
				n->lhs->kind == NODE_FIELD ? "a number" : type_word(n->lhs->type));
	if (n->rhs->kind != NODE_STR)
		return diag_set(s->d, n->rhs->loc, "'%s' takes its regex as a string, as $2 %s "
				"'^(GET|HEAD) '", op, op);
	/* as_text: not a number; no slot_text: the automaton reads the bytes, none are kept */
	n->lhs->as_text = true;
	n->lhs->type = TYPE_TEXT;
	n->rhs->type = TYPE_TEXT;
	n->rhs->is_regex = true;
	n->type = TYPE_BOOL;
	return compile_regex(s, n);
}

/* e is [not] null: e is a field, null when it is missing or (csv) empty. */
static bool check_is_null(struct sema *s, struct node *n, enum context ctx)
{
	if (!check_expr(s, n->lhs, ctx))
		return false;
	if (!text_field(s, n->lhs))
		return diag_set(s->d, n->lhs->loc, "'is null' takes a field of text or csv "
				"records, as price is null");
	n->type = TYPE_BOOL;
	return mark_text(s, n->lhs);
}

/* x [not] like|ilike 'pattern': a text on the left, a string on the right. */
static bool check_like(struct sema *s, struct node *n, enum context ctx)
{
	if (!check_expr(s, n->lhs, ctx) || !check_expr(s, n->rhs, ctx))
		return false;
	if (n->rhs->kind != NODE_STR)
		return diag_set(s->d, n->rhs->loc, "'%.*s' takes a string pattern, as 'GET%%'; "
				"got %s", shown(n->op_loc), s->q->text + n->op_loc.begin,
				type_word(n->rhs->type));
	if (!text_operand(s, n->lhs, n))
		return false;
	n->type = TYPE_BOOL;
	return true;
}

/* The functions over text: their number of arguments, and how they match. */
static const struct text_fn {
	const char *name;
	enum fn_kind fn;
	int nargs;
	int match;
} text_fns[] = {
	{ "length", FN_LENGTH, 1, 0 },
	{ "starts_with", FN_STARTS_WITH, 2, BPFQ_MATCH_TRAIL },
	{ "ends_with", FN_ENDS_WITH, 2, BPFQ_MATCH_LEAD },
	{ "contains", FN_CONTAINS, 2, BPFQ_MATCH_LEAD | BPFQ_MATCH_TRAIL },
};

/* length(x); starts_with(x, 'p'), ends_with, contains: x a text, p a string. */
static bool check_text_call(struct sema *s, struct node *n, const struct text_fn *f,
			    enum context ctx)
{
	if (n->nargs != f->nargs)
		return diag_set(s->d, n->loc, "%s takes %d argument%s, got %d", f->name, f->nargs,
				f->nargs == 1 ? "" : "s", n->nargs);
	for (int i = 0; i < n->nargs; i++)
		if (!check_expr(s, n->args[i], ctx))
			return false;
	if (n->nargs == 2 && n->args[1]->kind != NODE_STR)
		return diag_set(s->d, n->args[1]->loc, "%s takes a string, as %s(url, '/api'); "
				"got %s", f->name, f->name, type_word(n->args[1]->type));
	if (!text_operand(s, n->args[0], n))
		return false;
	n->fn = f->fn;
	n->match = f->match;
	n->type = f->fn == FN_LENGTH ? TYPE_NUM : TYPE_BOOL;
	return true;
}

/* The functions of times: what each takes and gives. */
static const struct time_fn {
	const char *name;
	enum fn_kind fn;
	int nargs;
	enum type takes, gives;
} time_fns[] = {
	{ "year", FN_YEAR, 1, TYPE_TIME, TYPE_NUM },
	{ "month", FN_MONTH, 1, TYPE_TIME, TYPE_NUM },
	{ "day", FN_DAY, 1, TYPE_TIME, TYPE_NUM },
	{ "hour", FN_HOUR, 1, TYPE_TIME, TYPE_NUM },
	{ "minute", FN_MINUTE, 1, TYPE_TIME, TYPE_NUM },
	{ "second", FN_SECOND, 1, TYPE_TIME, TYPE_NUM },
	{ "epoch", FN_EPOCH, 1, TYPE_TIME, TYPE_NUM },
	{ "to_timestamp", FN_TO_TIMESTAMP, 1, TYPE_NUM, TYPE_TIME },
	{ "date_trunc", FN_DATE_TRUNC, 2, TYPE_TIME, TYPE_TIME },
};

static const struct time_fn *lookup_time_fn(const struct query *q, struct loc name)
{
	for (size_t i = 0; i < sizeof(time_fns) / sizeof(time_fns[0]); i++)
		if (is_named(q, name, time_fns[i].name))
			return &time_fns[i];
	return NULL;
}

/* 'unknown function': the aggregates' spellings and abs, the nearest of them. */
static bool unknown_function(struct sema *s, const struct node *n)
{
	const char *names[64], *text = s->q->text + n->op_loc.begin;
	size_t count = 0, len = n->op_loc.end - n->op_loc.begin;
	char clause[96];

	while (count < 63 && (names[count] = agg_spelling(count)))
		count++;
	names[count++] = "abs";
	for (size_t i = 0; i < sizeof(text_fns) / sizeof(text_fns[0]); i++)
		names[count++] = text_fns[i].name;
	for (size_t i = 0; i < sizeof(time_fns) / sizeof(time_fns[0]); i++)
		names[count++] = time_fns[i].name;
	return diag_set(s->d, n->op_loc, "unknown function '%.*s'%s; aggregates are count, "
			"sum, min, max, avg, exists, var, stddev, hist, lhist, quantile, median, "
			"quantile_exact, median_exact, "
			"count_distinct, corr, covar_pop, covar_samp, regr_slope, regr_intercept; and "
			"abs, length, starts_with, ends_with, contains, year, month, day, hour, minute, "
			"second, epoch, to_timestamp, date_trunc", shown(n->op_loc), text,
			suggest_clause(clause, sizeof(clause), text, len, names, count));
}

static bool check_time_call(struct sema *s, struct node *n, const struct time_fn *f,
			    enum context ctx)
{
	struct node *arg = n->args[f->nargs - 1];

	if (n->nargs != f->nargs)
		return diag_set(s->d, n->loc, "%s takes %d argument%s, got %d", f->name, f->nargs,
				f->nargs == 1 ? "" : "s", n->nargs);
	if (f->fn == FN_DATE_TRUNC && !check_unit(s, n))
		return false;
	if (!check_expr(s, arg, ctx))
		return false;
	if (f->takes == TYPE_TIME ? !want_time(s, arg) : arg->type != TYPE_NUM)
		return diag_set(s->d, arg->loc, "%s needs %s, got %s%s", f->name,
				type_word(f->takes), type_word(arg->type),
				arg->kind == NODE_FIELD ? " (to_timestamp() reads seconds since 1970 as a time)" : "");
	n->fn = f->fn;
	n->type = f->gives;
	return true;
}

/* year(ts) as a column: a function of each record, not an answer. */
static bool not_aggregate(struct sema *s, const struct node *n)
{
	return diag_set(s->d, n->op_loc, "%.*s is a function of times, not an aggregate: use it "
			"in one, as max(year(ts)), or in by", shown(n->op_loc),
			s->q->text + n->op_loc.begin);
}

/* A call inside an expression: a function, never an aggregate there. */
static bool check_inner_call(struct sema *s, struct node *n, enum context ctx)
{
	const struct agg_name *agg = lookup_agg(s->q, n->op_loc);
	const struct time_fn *tf = lookup_time_fn(s->q, n->op_loc);

	if (n->rhs && !agg)
		return diag_set(s->d, n->loc, "filter (where ...) goes after an aggregate, such as "
				"count() filter (where x > 5)");
	for (size_t i = 0; i < sizeof(text_fns) / sizeof(text_fns[0]); i++)
		if (is_named(s->q, n->op_loc, text_fns[i].name))
			return check_text_call(s, n, &text_fns[i], ctx);
	if (tf)
		return check_time_call(s, n, tf, ctx);
	if (is_named(s->q, n->op_loc, "abs")) {
		if (n->nargs != 1)
			return diag_set(s->d, n->loc, "abs takes 1 argument, got %d", n->nargs);
		if (!check_expr(s, n->args[0], ctx))
			return false;
		if (n->args[0]->type != TYPE_NUM)
			return diag_set(s->d, n->args[0]->loc, "abs needs a number, got %s",
					type_word(n->args[0]->type));
		n->fn = FN_ABS;
		n->type = TYPE_NUM;
		return true;
	}
	if (!agg)
		return unknown_function(s, n);
	if (ctx == IN_WHERE || ctx == IN_BY)
		return diag_set(s->d, n->op_loc, "aggregate '%s' is not allowed in %s", agg->name,
				ctx == IN_WHERE ? "where" : "by");
	return diag_set(s->d, n->op_loc, "aggregate '%s' cannot be nested in another aggregate",
			agg->name);
}

static bool check_expr(struct sema *s, struct node *n, enum context ctx)
{
	switch (n->kind) {
	case NODE_INT:
	case NODE_DEC:
		return check_literal(s, n);
	case NODE_NAME:
	case NODE_FIELD:
		if (ctx == IN_POST)
			return check_post_name(s, n);
		return n->kind == NODE_NAME ? check_name(s, n, ctx) : check_field(s, n);
	case NODE_STAR:
		return diag_set(s->d, n->loc, "'*' is only allowed as count(*)");
	case NODE_CALL:
		if (ctx == IN_POST && lookup_agg(s->q, n->op_loc))
			return check_post_agg(s, n);
		return check_inner_call(s, n, ctx);
	case NODE_BETWEEN:
	case NODE_IN:
		return check_ranged(s, n, ctx);
	case NODE_STR:
		n->type = TYPE_TEXT;
		s->strings++;
		return true;
	case NODE_ISNULL:
		return check_is_null(s, n, ctx);
	case NODE_MATCH:
		return check_match(s, n, ctx);
	case NODE_LIKE:
		return check_like(s, n, ctx);
	case NODE_FILE_COND:	/* checked before (file_cond.h) */
		return true;
	default:
		return check_operator(s, n, ctx);
	}
}

/* median(e), median_exact(e): quantile(e, 0.5) and its exact kind. */
static bool is_median(const struct agg_name *name)
{
	return !strncmp(name->name, "median", 6);
}

/* How many arguments each aggregate takes. */
static bool check_arity(struct sema *s, struct node *call, const struct agg_name *name)
{
	int want = 1;

	switch (call->agg) {
	case AGG_COUNT:
		/* count(*) is count(): the star stays only for rendering. */
		if (call->nargs == 0 || (call->nargs == 1 && call->args[0]->kind == NODE_STAR))
			return true;
		if (call->nargs == 1)
			return true;
		return diag_set(s->d, call->loc, "count takes at most 1 argument, got %d",
				call->nargs);
	case AGG_LHIST:
		want = 4;
		break;
	case AGG_QUANTILE:
	case AGG_QUANTILE_EXACT:
		want = is_median(name) ? 1 : 2;
		if (want == 2 && call->nargs > 2)
			return diag_set(s->d, call->loc, "%s with several fractions is a column "
					"of its own, with no 'as'; write %s(e, q) here", name->name,
					name->name);
		break;
	default:
		want = agg_is_pair(call->agg) ? 2 : 1;
		break;
	}
	if (call->nargs != want)
		return diag_set(s->d, call->loc, "%s takes %d argument%s, got %d", name->name, want,
				want == 1 ? "" : "s", call->nargs);
	return true;
}

/* A literal integer argument (lhist's bounds and step). */
static bool int_param(struct sema *s, struct node *arg, const char *what, int64_t *v)
{
	if (arg->kind != NODE_INT)
		return diag_set(s->d, arg->loc, "lhist's %s must be an integer literal", what);
	if (arg->out_of_range)
		return check_literal(s, arg);
	*v = arg->value;
	return true;
}

#define LHIST_MAX_BUCKETS 1000

static bool check_lhist(struct sema *s, struct node *call)
{
	__int128 span;

	if (!int_param(s, call->args[1], "minimum", &call->lo) ||
	    !int_param(s, call->args[2], "maximum", &call->hi) ||
	    !int_param(s, call->args[3], "step", &call->step))
		return false;
	if (call->step <= 0)
		return diag_set(s->d, call->args[3]->loc, "lhist's step must be positive");
	if (call->hi <= call->lo)
		return diag_set(s->d, call->args[2]->loc, "lhist's maximum must be above its "
				"minimum");
	span = (__int128)call->hi - call->lo;
	if ((span + call->step - 1) / call->step > LHIST_MAX_BUCKETS)
		return diag_set(s->d, call->loc, "lhist: (maximum - minimum) / step is %lld buckets; "
				"at most %d", (long long)((span + call->step - 1) / call->step),
				LHIST_MAX_BUCKETS);
	/* Below the minimum, the buckets, at or above the maximum. */
	call->nbuckets = (int)((span + call->step - 1) / call->step) + 2;
	return true;
}

static bool check_quantile(struct sema *s, struct node *call, const struct agg_name *name)
{
	struct node *arg;
	__int128 q;

	if (call->nargs == 1) {
		call->q = BPFQ_SCALE / 2;	/* median */
		return true;
	}
	arg = call->args[1];
	if ((arg->kind != NODE_INT && arg->kind != NODE_DEC) || arg->out_of_range)
		return diag_set(s->d, arg->loc, "%s's q must be a number literal from 0 to 1",
				name->name);
	q = arg->kind == NODE_INT ? (__int128)arg->value * BPFQ_SCALE : arg->dec;
	if (q < 0 || q > BPFQ_SCALE)
		return diag_set(s->d, arg->loc, "%s's q must be from 0 to 1", name->name);
	call->q = (int64_t)q;
	return true;
}

/* The aggregates of times: a time's microseconds are an integer to these. */
static bool takes_time(enum agg_kind k)
{
	return k == AGG_COUNT || k == AGG_MIN || k == AGG_MAX || k == AGG_COUNT_DISTINCT;
}

/*
 * The aggregates that take a condition as a number: true is 1, false 0,
 * unknown NULL (avg(delay > 15) is the late share). Buckets and sketches
 * of 0 and 1 say nothing a count does not.
 */
static bool takes_condition(enum agg_kind agg)
{
	return agg != AGG_HIST && agg != AGG_LHIST && !agg_is_quantile(agg) &&
	       agg != AGG_COUNT_DISTINCT && !agg_is_pair(agg);
}

/* corr(y, x) and the others: x, a number as y is. */
static bool check_pair(struct sema *s, struct node *call, const struct agg_name *name)
{
	struct node *x = call->args[1];

	if (!check_expr(s, x, IN_AGGREGATE))
		return false;
	if (x->type != TYPE_NUM)
		return diag_set(s->d, x->loc, "%s needs a number, got %s", name->name,
				type_word(x->type));
	return true;
}

static bool takes_text(enum agg_kind k);
static bool text_extreme(struct sema *s, struct node *call);

static bool check_argument(struct sema *s, struct node *call, const struct agg_name *name)
{
	struct node *arg = call->args[0];

	/* Typed already: the fractions of one quantile(e, q1, q2, ...) share e. */
	if (arg->type == TYPE_UNKNOWN && !check_expr(s, arg, IN_AGGREGATE))
		return false;
	if (call->agg == AGG_EXISTS && arg->type != TYPE_BOOL)
		return diag_set(s->d, arg->loc, "exists needs a condition such as x > 5, "
				"got a number");
	/* one value per file: its records are counted, the path folded after the file */
	if (ast_is_file(s->q, arg) && takes_text(call->agg))
		return text_extreme(s, call);
	if (arg->type == TYPE_TIME && !takes_time(call->agg))
		return diag_set(s->d, arg->loc, "%s needs a number, got a time; count, min, max "
				"and count_distinct take times", name->name);
	if (call->agg != AGG_EXISTS && arg->type != TYPE_NUM && arg->type != TYPE_TIME &&
	    !(arg->type == TYPE_BOOL && takes_condition(call->agg)))
		return diag_set(s->d, arg->loc, "%s needs a number, got %s", name->name,
				type_word(arg->type));
	if (call->agg == AGG_LHIST)
		return check_lhist(s, call);
	if (agg_is_quantile(call->agg))
		return check_quantile(s, call, name);
	if (agg_is_pair(call->agg))
		return check_pair(s, call, name);
	if (call->agg == AGG_HIST)
		call->nbuckets = BPFQ_HIST_BUCKETS;
	return true;
}

/* agg(e) filter (where cond): cond decides which records the aggregate takes. */
static bool check_filter(struct sema *s, struct node *call)
{
	if (call->rhs->type == TYPE_UNKNOWN && !check_expr(s, call->rhs, IN_AGGREGATE))
		return false;
	if (call->rhs->type != TYPE_BOOL)
		return diag_set(s->d, call->rhs->loc, "filter needs a condition such as x > 5, "
				"got a number");
	return true;
}

/* A select item: an aggregate call whose argument holds no aggregate. */
static bool check_item(struct sema *s, struct node *n, int index)
{
	const struct agg_name *name;

	if (index >= BPFQ_MAX_AGGS)
		return diag_set(s->d, n->loc, "too many aggregates: at most %d in one query",
				BPFQ_MAX_AGGS);
	if (n->kind != NODE_CALL)
		return diag_set(s->d, n->loc, "expected an aggregate such as sum(x), got an "
				"expression");
	name = lookup_agg(s->q, n->op_loc);
	if (!name && lookup_time_fn(s->q, n->op_loc))
		return not_aggregate(s, n);
	if (!name)
		return check_inner_call(s, n, IN_AGGREGATE);
	if (n->distinct)
		name = agg_lookup("count_distinct", strlen("count_distinct"));
	n->agg = name->kind;
	if (!check_arity(s, n, name))
		return false;
	if (n->nargs && n->args[0]->kind == NODE_STAR && n->agg != AGG_COUNT)
		return diag_set(s->d, n->args[0]->loc, "'*' is only allowed as count(*)");
	if (n->nargs && n->args[0]->kind != NODE_STAR && !check_argument(s, n, name))
		return false;
	if (n->rhs && !check_filter(s, n))
		return false;
	n->type = n->agg == AGG_EXISTS ? TYPE_BOOL : TYPE_NUM;
	if ((n->agg == AGG_MIN || n->agg == AGG_MAX) && n->args[0]->type == TYPE_TIME)
		n->type = TYPE_TIME;
	if ((n->agg == AGG_MIN || n->agg == AGG_MAX) && ast_is_file(s->q, n->args[0]))
		n->type = TYPE_TEXT;
	return true;
}

/* ---- arithmetic over aggregates, having, order by, limit ---- */

#define LABEL_MAX 1024

static bool same_text(const struct query *q, const struct node *a, const struct node *b)
{
	char x[LABEL_MAX], y[LABEL_MAX];

	ast_render(q, a, x, sizeof(x));
	ast_render(q, b, y, sizeof(y));
	return !strcmp(x, y);
}

/* An aggregate over the final values: computed once however often it is written. */
static bool check_post_agg(struct sema *s, struct node *n)
{
	struct query *q = s->q;
	int i;

	for (i = 0; i < q->nitems && !same_text(q, n, q->items[i]); i++)
		;
	if (!check_item(s, n, i))
		return false;
	if (n->type == TYPE_TIME)
		return diag_set(s->d, n->loc, "%s of a time cannot be used with 'as', having, "
				"order by or limit", agg_name(n->agg));
	if (n != s->post_root && (n->agg == AGG_HIST || n->agg == AGG_LHIST))
		return diag_set(s->d, n->op_loc, "%s has no single value to compute with",
				agg_name(n->agg));
	n->item = i;
	if (i == q->nitems)
		q->items[q->nitems++] = n;
	return true;
}

/* The column whose 'as' name is n's text, or -1. */
static int as_column(const struct query *q, const struct node *n)
{
	uint32_t len = n->loc.end - n->loc.begin;

	for (int i = 0; n->kind == NODE_NAME && i < q->ncols; i++) {
		struct loc as = q->cols[i]->as;

		if (as.end - as.begin == len && !memcmp(q->text + as.begin, q->text + n->loc.begin, len))
			return i;
	}
	return -1;
}

/* A name outside any aggregate: in having, an 'as' name stands for its column. */
static bool check_post_name(struct sema *s, struct node *n)
{
	int col = s->in_cols ? -1 : as_column(s->q, n);
	struct loc loc = n->loc;

	if (col >= 0) {
		*n = *s->q->cols[col];
		n->loc = loc;
		n->as = (struct loc){ 0, 0 };
		return true;
	}
	if (s->in_order)
		return diag_set(s->d, n->loc, "order by '%.*s': no output column, 'as' name or by key "
				"is called so", shown(n->loc), s->q->text + n->loc.begin);
	if (ast_is_file(s->q, n))
		return diag_set(s->d, n->loc, "'file' is each record's file, not an answer's: use it "
				"in where, in a filter (where ...), in count(file), or by file");
	return diag_set(s->d, n->loc, "'%.*s' is outside an aggregate; write it inside one, such as "
			"sum(%.*s)", shown(n->loc), s->q->text + n->loc.begin, shown(n->loc),
			s->q->text + n->loc.begin);
}

static bool is_agg_call(const struct query *q, const struct node *n)
{
	return n->kind == NODE_CALL && lookup_agg(q, n->op_loc);
}

static bool has_agg(const struct query *q, const struct node *n)
{
	return ast_any(q, n, is_agg_call);
}

static bool needs_post(const struct query *q)
{
	if (q->having || q->norder || q->limit)
		return true;
	for (int i = 0; i < q->nitems; i++) {
		const struct node *n = q->items[i];

		if (n->kind != NODE_CALL || !lookup_agg(q, n->op_loc) || n->as.end > n->as.begin)
			return true;
	}
	return false;
}

static bool check_col(struct sema *s, struct node *col)
{
	s->post_root = col;
	if (!has_agg(s->q, col) && col->kind == NODE_CALL && lookup_time_fn(s->q, col->op_loc))
		return not_aggregate(s, col);
	if (!has_agg(s->q, col) && col->kind == NODE_CALL && !is_named(s->q, col->op_loc, "abs"))
		return check_inner_call(s, col, IN_AGGREGATE);
	if (!has_agg(s->q, col))
		return diag_set(s->d, col->loc, "expected an aggregate such as sum(x), got an "
				"expression");
	if (!check_expr(s, col, IN_POST))
		return false;
	if (col->type != TYPE_NUM && (col->kind != NODE_CALL || col->agg == AGG_NONE))
		return diag_set(s->d, col->loc, "a column over aggregates must be a number, got a "
				"condition");
	return true;
}

#define QUANTILE_MAX_FRACTIONS 8

/* quantile(e, q1, q2, ...) as a select item, with no 'as'. */
static bool many_fractions(struct sema *s, const struct node *n)
{
	const struct agg_name *name;

	if (n->kind != NODE_CALL || n->nargs <= 2 || n->as.end > n->as.begin)
		return false;
	name = lookup_agg(s->q, n->op_loc);
	return name && agg_is_quantile(name->kind) && !is_median(name);
}

/* quantile(e, q1, ...) becomes quantile(e, q1), ...: one column each, over one e. */
static bool expand_fractions(struct sema *s, struct node ***items, int *n,
			     const struct node *call)
{
	if (call->nargs - 1 > QUANTILE_MAX_FRACTIONS)
		return diag_set(s->d, call->loc, "quantile takes at most %d fractions, got %d",
				QUANTILE_MAX_FRACTIONS, call->nargs - 1);
	for (int k = 1; k < call->nargs; k++) {
		struct node *one = node_new(s->q, NODE_CALL, call->loc);
		struct node **args = arena_alloc(&s->q->arena, 2 * sizeof(*args));

		if (!one || !args)
			return diag_set(s->d, call->loc, "out of memory");
		*one = *call;
		args[0] = call->args[0];
		args[1] = call->args[k];
		one->args = args;
		one->nargs = 2;
		if (*n == BPFQ_MAX_AGGS)
			return diag_set(s->d, call->loc, "too many aggregates: at most %d in one "
					"query", BPFQ_MAX_AGGS);
		(*items)[(*n)++] = one;
	}
	return true;
}

static bool expand_quantiles(struct sema *s)
{
	struct query *q = s->q;
	struct node **items;
	int n = 0, i;

	for (i = 0; i < q->nitems && !many_fractions(s, q->items[i]); i++)
		;
	if (i == q->nitems)
		return true;
	items = arena_alloc(&q->arena, BPFQ_MAX_AGGS * sizeof(*items));
	if (!items)
		return diag_set(s->d, q->items[0]->loc, "out of memory");
	for (i = 0; i < q->nitems; i++) {
		if (many_fractions(s, q->items[i])) {
			if (!expand_fractions(s, &items, &n, q->items[i]))
				return false;
		} else if (n == BPFQ_MAX_AGGS) {
			return diag_set(s->d, q->items[i]->loc, "too many aggregates: at most %d in "
					"one query", BPFQ_MAX_AGGS);
		} else {
			items[n++] = q->items[i];
		}
	}
	q->items = items;
	q->nitems = n;
	return true;
}

/* The fractions of one quantile(e, q1, q2, ...) read e once: the first item folds for all. */
static void mark_shares(struct query *q)
{
	for (int i = 0; i < q->nitems; i++) {
		struct node *it = q->items[i];

		it->share = 0;
		for (int j = 0; agg_is_quantile(it->agg) && j < i && !it->share; j++)
			if (q->items[j]->agg == it->agg && !q->items[j]->share &&
			    q->items[j]->args[0] == it->args[0] && q->items[j]->rhs == it->rhs)
				it->share = j + 1;
	}
}

/* The select list becomes the columns; items, the distinct aggregates they use. */
static bool check_cols(struct sema *s)
{
	struct query *q = s->q;

	if (!q->post) {
		q->cols = q->items;
		q->ncols = q->nitems;
		q->post = true;
	}
	if (q->ncols > BPFQ_MAX_AGGS)
		return diag_set(s->d, q->cols[BPFQ_MAX_AGGS]->loc, "too many columns: at most %d in "
				"one query", BPFQ_MAX_AGGS);
	q->items = arena_alloc(&q->arena, BPFQ_MAX_AGGS * sizeof(*q->items));
	if (!q->items)
		return diag_set(s->d, (struct loc){ 0, 0 }, "out of memory");
	q->nitems = 0;
	s->in_cols = true;
	for (int i = 0; i < q->ncols; i++)
		if (!check_col(s, q->cols[i]))
			return false;
	s->in_cols = false;
	return true;
}

static bool check_having(struct sema *s, struct node *having)
{
	if (!s->q->by && !s->q->by_file)
		return diag_set(s->d, having->loc, "'having' needs 'by': without it the answer is one "
				"row; use where to pick records");
	s->post_root = NULL;
	if (!check_expr(s, having, IN_POST))
		return false;
	if (having->type != TYPE_BOOL)
		return diag_set(s->d, having->loc, "having needs a condition such as count() > 5, "
				"got a number");
	return true;
}

/* A key names the by key, a column (by its 'as' name or its text), or is an expression. */
static bool check_order_key(struct sema *s, struct order_key *k)
{
	struct query *q = s->q;
	int col = as_column(q, k->e);

	for (int i = 0; i < ast_nkeys(q); i++) {
		const struct node *key = ast_key(q, i);

		if (key ? same_text(q, k->e, key) : ast_is_file(q, k->e)) {
			k->by_key = true;
			k->key = i;
			return true;
		}
	}
	for (int i = 0; col < 0 && i < q->ncols; i++)
		if (same_text(q, k->e, q->cols[i]))
			col = i;
	if (col >= 0 && (q->cols[col]->agg == AGG_HIST || q->cols[col]->agg == AGG_LHIST))
		return diag_set(s->d, k->e->loc, "cannot order by a histogram");
	if ((k->col = col) >= 0)
		return true;
	if (k->e->kind != NODE_NAME && !has_agg(q, k->e)) {
		char text[LABEL_MAX];

		ast_render(q, k->e, text, sizeof(text));
		return diag_set(s->d, k->e->loc, "order by '%.*s': no output column, 'as' name or by "
				"key is called so", NAME_MAX_SHOWN, text);
	}
	s->post_root = NULL;
	s->in_order = true;
	if (!check_expr(s, k->e, IN_POST))
		return false;
	s->in_order = false;
	if (k->e->type != TYPE_NUM)
		return diag_set(s->d, k->e->loc, "order by needs a number, got a condition");
	return true;
}

static bool check_post_clauses(struct sema *s)
{
	struct query *q = s->q;

	if (q->having && !check_having(s, q->having))
		return false;
	if (q->norder && !q->by && !q->by_file)
		return diag_set(s->d, q->order[0].e->loc, "'order by' needs 'by': without it the "
				"answer is one row");
	if (q->norder > BPFQ_MAX_AGGS)
		return diag_set(s->d, q->order[BPFQ_MAX_AGGS].e->loc, "too many order by keys: at "
				"most %d", BPFQ_MAX_AGGS);
	for (int i = 0; i < q->norder; i++)
		if (!check_order_key(s, &q->order[i]))
			return false;
	if (q->limit && !q->by && !q->by_file)
		return diag_set(s->d, q->limit_loc, "'limit' needs 'by': without it the answer is one "
				"row");
	return true;
}

static bool check_where(struct sema *s, struct node *where)
{
	if (!check_expr(s, where, IN_WHERE))
		return false;
	if (where->type != TYPE_BOOL)
		return diag_set(s->d, where->loc, "where needs a condition such as x > 5, "
				"got %s", type_word(where->type));
	return true;
}

/* Big states do not multiply by groups: quantile and count_distinct keep smaller sketches. */
static bool check_by_states(struct sema *s)
{
	for (int i = 0; i < s->q->nitems; i++) {
		struct node *item = s->q->items[i];

		if (item->agg == AGG_QUANTILE)
			item->q_bits = BPFQ_Q_BITS_GROUP;
		if (item->agg == AGG_QUANTILE_EXACT)
			return diag_set(s->d, item->loc, "%s cannot be used with by: its values are "
					"kept for the whole input only; ask for one group with where",
					agg_name(item->agg));
		if (item->agg == AGG_COUNT_DISTINCT)
			item->hll_p = BPFQ_HLL_P_GROUP;
	}
	return true;
}

/* A bare field of text, csv or json lines: a key by its text, as awk's a[$1]. */
static bool is_text_key(const struct query *q, const struct node *key)
{
	return key->kind == NODE_FIELD && (q->format.kind == INPUT_TEXT ||
					   q->format.kind == INPUT_CSV || q->format.kind == INPUT_JSON);
}

/*
 * by: a bare field of text or csv groups by its text, as awk's a[$1] does;
 * 'by file' by the input file; anything else by its value.
 */
/* A key is a number, a time, or a condition as a number: true 1, false 0, unknown NULL. */
static bool key_type(const struct node *k)
{
	return k->type == TYPE_NUM || k->type == TYPE_TIME || k->type == TYPE_BOOL;
}

static bool check_by(struct sema *s, struct node *by)
{
	struct query *q = s->q;

	/* Each file is scanned apart: its answer is its group, put together in user space. */
	if (ast_is_file(q, by)) {
		q->by_file = true;
		q->by = NULL;
		return check_by_states(s);
	}
	if (!check_expr(s, by, IN_BY))
		return false;
	if (!key_type(by))
		return diag_set(s->d, by->loc, "by needs a field or a number, got %s",
				type_word(by->type));
	q->by_text = is_text_key(q, by);
	q->key_slot = q->by_text ? by->slot : -1;
	q->key_text[0] = q->by_text;
	return check_by_states(s);
}

/*
 * Several keys: each a field's text or a value, as a single key is; their
 * segments in key order (bpfq_state.h, struct bpfq_key). A text key holds
 * BPFQ_KEY_MAX bytes when all fit, else half, or a quarter: eight text
 * keys still do, file's among them.
 */
static void place_keys(struct query *q)
{
	/* file's key, put in by user space, takes its room from the same bytes */
	int ntext = 0, len, room = BPFQ_KEYS_BYTES - (q->file_key ? BPFQ_SEG_TEXT(BPFQ_KEY_MAX) : 0);

	for (int i = 0; i < q->nkeys; i++)
		ntext += q->key_text[i];
	q->key_cap = BPFQ_KEY_MAX;
	while (q->key_cap > 16 &&
	       (q->nkeys - ntext) * BPFQ_SEG_NUM + ntext * BPFQ_SEG_TEXT(q->key_cap) > room)
		q->key_cap /= 2;
	for (int i = 0; i < BPFQ_MAX_SLOTS; i++)
		q->key_seg[i] = -1;
	len = 0;
	for (int i = 0; i < q->nkeys; i++) {
		struct node *k = q->keys[i];

		q->key_off[i] = len;
		len += q->key_text[i] ? BPFQ_SEG_TEXT(q->key_cap) : BPFQ_SEG_NUM;
		if (q->key_text[i] && q->key_seg[k->slot] < 0)
			q->key_seg[k->slot] = q->key_off[i];
	}
	q->keys_len = len;
}

/*
 * file beside other keys: each file is scanned apart, by the others, and
 * user space puts the file's key in its place (run_files.c).
 */
static bool take_file_key(struct sema *s)
{
	struct query *q = s->q;

	for (int i = 0; i < q->nkeys; i++) {
		if (!ast_is_file(q, q->keys[i]))
			continue;
		if (q->file_key)
			return diag_set(s->d, q->keys[i]->loc, "'file' is a by key twice");
		q->file_key = i + 1;
		q->by_file = true;
	}
	if (!q->file_key)
		return true;
	for (int i = q->file_key - 1; i + 1 < q->nkeys; i++)
		q->keys[i] = q->keys[i + 1];
	q->nkeys--;
	q->by = q->keys[0];
	return true;
}

static bool check_keys(struct sema *s)
{
	struct query *q = s->q;

	if (q->nkeys > 1 && !take_file_key(s))
		return false;
	if (q->nkeys <= 1)
		return check_by(s, q->by);
	for (int i = 0; i < q->nkeys; i++) {
		struct node *k = q->keys[i];

		if (!check_expr(s, k, IN_BY))
			return false;
		if (!key_type(k))
			return diag_set(s->d, k->loc, "by needs a field or a number, got %s",
					type_word(k->type));
		q->key_text[i] = is_text_key(q, k);
	}
	q->by_text = false;
	q->key_slot = -1;
	place_keys(q);
	return check_by_states(s);
}

/* Key i when it is a value (an expression over the record), not a field's text; else NULL. */
static struct node *value_key(const struct query *q, int i)
{
	return q->by && i < q->nkeys && !q->key_text[i] ? q->keys[i] : NULL;
}

static int count_nodes(const struct node *n)
{
	int total = 1;

	if (n->lhs)
		total += count_nodes(n->lhs);
	if (n->rhs)
		total += count_nodes(n->rhs);
	for (int i = 0; i < n->nargs; i++)
		total += count_nodes(n->args[i]);
	return total;
}

/* Pre-order: an aggregate's id comes before its argument's. */
static void number(struct query *q, struct node *n)
{
	n->id = ++q->nnodes;
	q->by_id[n->id] = n;
	if (n->lhs)
		number(q, n->lhs);
	if (n->rhs)
		number(q, n->rhs);
	for (int i = 0; i < n->nargs; i++)
		number(q, n->args[i]);
}

static bool number_nodes(struct sema *s)
{
	struct query *q = s->q;
	int total = q->where ? count_nodes(q->where) : 0;

	for (int i = 0; q->by && i < q->nkeys; i++)
		total += count_nodes(q->keys[i]);
	for (int i = 0; i < q->nitems; i++)
		total += count_nodes(q->items[i]);
	q->by_id = arena_alloc(&q->arena, (total + 1) * sizeof(*q->by_id));
	if (!q->by_id)
		return diag_set(s->d, (struct loc){ 0, 0 }, "out of memory");
	q->nnodes = 0;
	for (int i = 0; i < q->nitems; i++)
		number(q, q->items[i]);
	if (q->where)
		number(q, q->where);
	for (int i = 0; q->by && i < q->nkeys; i++)
		number(q, q->keys[i]);
	return true;
}

/* The fields compared as text, numbered in slot order; each has its bytes kept (bpfq_text). */
static bool number_texts(const struct sema *s)
{
	struct query *q = s->q;

	q->ntexts = 0;
	for (int i = 0; i < q->nslots; i++)
		q->text_of_slot[i] = q->slot_text[i] ? q->ntexts++ : -1;
	return true;
}

/* Every string's bytes into query.lits, in node order: the program reads them there. */
static bool place_strings(struct sema *s)
{
	struct query *q = s->q;

	q->lits = arena_alloc(&q->arena, BPFQ_LITS_MAX);
	if (!q->lits)
		return diag_set(s->d, (struct loc){ 0, 0 }, "out of memory");
	q->nlits = 0;
	for (int id = 1; id <= q->nnodes; id++) {
		struct node *n = q->by_id[id];

		if (n->kind != NODE_STR || n->is_regex)
			continue;
		if (n->slen > BPFQ_TEXT_MAX)
			return diag_set(s->d, n->loc, "a string is at most %d bytes, this one %u",
					BPFQ_TEXT_MAX, n->slen);
		if (n->slen > BPFQ_LITS_MAX - q->nlits)
			return diag_set(s->d, n->loc, "the strings of a query are at most %d bytes "
					"together", BPFQ_LITS_MAX);
		n->lit_off = q->nlits;
		memcpy(q->lits + q->nlits, n->str, n->slen);
		q->nlits += n->slen;
	}
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcasecmp(s + n - k, suffix);
}

void sema_default_format(struct query *q)
{
	struct input_format *f = &q->format;
	bool fields = ast_has_field(q->where);

	for (int i = 0; i < q->nkeys; i++)
		fields |= ast_has_field(q->keys[i]);

	for (int i = 0; i < q->nitems; i++)
		fields |= ast_has_field(q->items[i]);
	/*
	 * A delimiter found by looking at the input (runtime/header.c) stays;
	 * json is never a guess that a later look could undo: named, by the
	 * name, or seen.
	 */
	if (f->given || f->delim_given || f->kind == INPUT_JSON)
		return;
	f->delim = ',';
	f->header = HEADER_AUTO;
	if (q->path && (ends_with(q->path, ".json") || ends_with(q->path, ".jsonl") ||
			ends_with(q->path, ".ndjson"))) {
		f->kind = INPUT_JSON;
	} else if (q->path && (ends_with(q->path, ".csv") || ends_with(q->path, ".tsv"))) {
		f->kind = INPUT_CSV;
		f->delim = ends_with(q->path, ".tsv") ? '\t' : ',';
		f->delim_given = f->delim == '\t';
	} else {
		f->kind = fields ? INPUT_TEXT : INPUT_NUMBERS;
	}
}

/* The slots whose values the query uses: all but a key that is used only as text. */
static void mark_numeric(struct query *q, const struct node *n)
{
	if (!n)
		return;
	if (n->kind == NODE_FIELD && !n->as_text)
		q->slot_numeric[n->slot] = true;
	mark_numeric(q, n->lhs);
	mark_numeric(q, n->rhs);
	for (int i = 0; i < n->nargs; i++)
		mark_numeric(q, n->args[i]);
}

/* The fields read as times. */
static void find_times(struct query *q, const struct node *n)
{
	if (!n)
		return;
	if (n->kind == NODE_FIELD && n->type == TYPE_TIME)
		q->slot_time[n->slot] = true;
	find_times(q, n->lhs);
	find_times(q, n->rhs);
	for (int i = 0; i < n->nargs; i++)
		find_times(q, n->args[i]);
}

static bool is_time(const struct query *q, const struct node *n)
{
	return n->type == TYPE_TIME || (n->kind == NODE_FIELD && q->slot_time[n->slot]);
}

/* Where a field read as a time elsewhere is a time here too: what p does with it. */
static bool takes_time_operand(const struct query *q, const struct node *p)
{
	if (p->kind == NODE_CALL)
		return takes_time(p->agg);
	if ((p->kind < NODE_EQ || p->kind > NODE_GE) && p->kind != NODE_BETWEEN &&
	    p->kind != NODE_IN)
		return false;
	if (!is_time(q, p->lhs) || (p->rhs && !is_time(q, p->rhs)))
		return false;
	for (int i = 0; i < p->nargs; i++)
		if (!is_time(q, p->args[i]))
			return false;
	return true;
}

/*
 * A field is read one way, a time or a number: where a time is read
 * elsewhere, its other uses are times (min, max, comparisons with times)
 * or an error.
 */
static bool retime(struct sema *s, struct node *n, struct node *parent)
{
	if (!n)
		return true;
	if (n->kind == NODE_FIELD && n->type == TYPE_NUM && s->q->slot_time[n->slot]) {
		if ((!parent || !takes_time_operand(s->q, parent)) && s->sniffed[n->slot])
			return diag_set(s->d, n->loc, "'%.*s' holds ISO 8601 times (its first "
					"records do); here it would be a number", shown(n->loc),
					s->q->text + n->loc.begin);
		if (!parent || !takes_time_operand(s->q, parent))
			return diag_set(s->d, n->loc, "'%.*s' is read as a time elsewhere in the "
					"query; here it would be a number", shown(n->loc),
					s->q->text + n->loc.begin);
		n->type = TYPE_TIME;
		if (parent->agg == AGG_MIN || parent->agg == AGG_MAX)
			parent->type = TYPE_TIME;
		if (parent->type == TYPE_TIME && s->q->post)
			return diag_set(s->d, parent->loc, "%s of a time cannot be used with 'as', "
					"having, order by or limit", agg_name(parent->agg));
	}
	if (!retime(s, n->lhs, n) || !retime(s, n->rhs, n))
		return false;
	for (int i = 0; i < n->nargs; i++)
		if (!retime(s, n->args[i], n))
			return false;
	return true;
}

static bool mark_times(struct sema *s)
{
	struct query *q = s->q;

	for (int i = 0; i < q->nslots; i++) {
		const struct schema *sc = s->schema;
		int col = q->slot_field[i];

		q->slot_time[i] = sc && sc->times && col >= 0 && col < sc->ncols && sc->times[col];
		q->slot_clock[i] = sc && sc->clocks && col >= 0 && col < sc->ncols && sc->clocks[col];
		s->sniffed[i] = q->slot_time[i];
	}
	for (int i = 0; i < q->nitems; i++)
		find_times(q, q->items[i]);
	find_times(q, q->where);
	for (int i = 0; i < q->nkeys; i++)
		find_times(q, value_key(q, i));
	for (int i = 0; i < q->nitems; i++)
		if (!retime(s, q->items[i], NULL))
			return false;
	for (int i = 0; i < q->nkeys; i++)
		if (!retime(s, value_key(q, i), NULL))
			return false;
	return retime(s, q->where, NULL);
}

/*
 * Which times are timestamps (printed with their time of day, as DuckDB
 * prints a TIMESTAMP at midnight) and which dates: a field whose sampled
 * values had times of day, min and max of one, to_timestamp(), and
 * date_trunc() to an hour, minute or second of one; date_trunc() to a day,
 * month or year gives a date, a readable key.
 */
static bool clock_of(const struct query *q, struct node *n)
{
	bool arg = false;

	if (!n)
		return false;
	for (int i = 0; i < n->nargs; i++)
		arg |= clock_of(q, n->args[i]);
	clock_of(q, n->lhs);
	clock_of(q, n->rhs);
	if (n->type != TYPE_TIME)
		return n->clock = false;
	if (n->kind == NODE_FIELD)
		return n->clock = q->slot_clock[n->slot];
	if (n->kind == NODE_CALL && (n->agg == AGG_MIN || n->agg == AGG_MAX))
		return n->clock = arg;
	if (n->kind == NODE_CALL && n->fn == FN_TO_TIMESTAMP)
		return n->clock = true;
	if (n->kind == NODE_CALL && n->fn == FN_DATE_TRUNC)
		return n->clock = n->lo > BPFQ_UNIT_DAY && arg;
	return n->clock = false;
}

static void mark_clocks(struct query *q)
{
	for (int i = 0; i < q->nitems; i++)
		clock_of(q, q->items[i]);
	for (int i = 0; i < q->nkeys; i++)
		clock_of(q, q->keys[i]);
}

/* The aggregates that take a csv column of text: its bytes, not a number. */
static bool takes_text(enum agg_kind k)
{
	return k == AGG_COUNT || k == AGG_COUNT_DISTINCT || k == AGG_MIN || k == AGG_MAX;
}

/* The first sampled value of the csv column of text field n reads, or NULL. */
static const char *column_text(const struct sema *s, const struct node *n)
{
	const struct schema *sc = s->schema;

	if (n->kind != NODE_FIELD || n->as_text || !text_field(s, n))
		return NULL;
	if (n->field == FIELD_WHOLE)
		return "";	/* $0 is text whatever the line holds */
	if (!sc || !sc->texts || n->field >= sc->ncols)
		return NULL;
	return sc->texts[n->field];
}

/* A literal beside a text column, as a string would be written: its text; else the sample. */
static int suggested(const struct sema *s, const struct node *other, const char *eg,
		     const char **text)
{
	if (other && (other->kind == NODE_INT || other->kind == NODE_DEC)) {
		*text = s->q->text + other->loc.begin;
		return shown(other->loc);
	}
	*text = eg;
	return (int)strlen(eg);
}

/* A column of text used as a number or a time: what p, the operator on it, wants instead. */
static bool not_text(struct sema *s, const struct node *n, const struct node *p, const char *eg)
{
	const char *name = s->q->text + n->loc.begin, *lit;
	char said[NAME_MAX_SHOWN * 4 + 8], head[NAME_MAX_SHOWN * 6 + 64];
	int len = shown(n->loc), m;

	put_name(said, sizeof(said), eg);
	if (strlen(said) > 32)
		memcpy(said + 29, "...", 4);
	if (n->field == FIELD_WHOLE)
		snprintf(head, sizeof(head), "'$0' is the whole line, a text");
	else
		snprintf(head, sizeof(head), "'%.*s' holds text (its first records do, as '%s')",
			 len, name, said);
	if (p && p->kind == NODE_CALL && p->agg)
		return diag_set(s->d, n->loc, "%s; %s needs numbers: count, count(distinct ...), "
				"min and max take text", head, agg_name(p->agg));
	if (p && p->kind >= NODE_EQ && p->kind <= NODE_GE) {
		m = suggested(s, p->lhs == n ? p->rhs : p->lhs, said, &lit);
		if (p->lhs == n)
			return diag_set(s->d, n->loc, "%s; compare it with a string, as %.*s %.*s "
					"'%.*s'", head, len, name, shown(p->op_loc),
					s->q->text + p->op_loc.begin, m, lit);
		return diag_set(s->d, n->loc, "%s; compare it with a string, as '%.*s' %.*s %.*s",
				head, m, lit, shown(p->op_loc), s->q->text + p->op_loc.begin,
				len, name);
	}
	if (p && (p->kind == NODE_BETWEEN || p->kind == NODE_IN))
		return diag_set(s->d, n->loc, "%s; compare it with strings, as %.*s in ('%s')",
				head, len, name, said);
	if (p && p->kind >= NODE_NEG && p->kind <= NODE_MOD)
		return diag_set(s->d, n->loc, "%s; '%.*s' needs numbers", head, shown(p->op_loc),
				s->q->text + p->op_loc.begin);
	return diag_set(s->d, n->loc, "%s; here it would be %s", head, type_word(n->type));
}

/*
 * Whether n is a column whose sampled values are dates as 12/31/2023: their
 * text's order is not their time's, so min, max and < would answer wrong.
 */
static bool slashed_dates(const struct sema *s, const struct node *n)
{
	const struct schema *sc = s->schema;

	return n->kind == NODE_FIELD && n->field >= 0 && sc && sc->slashed &&
	       n->field < sc->ncols && sc->slashed[n->field] && text_field(s, n);
}

static bool no_slashed_order(struct sema *s, const struct node *n, const char *what)
{
	if (!slashed_dates(s, n))
		return true;
	return diag_set(s->d, n->loc, "'%.*s' holds dates written as '%s', whose order as text "
			"is not their order in time: %s; bpfq reads dates as ISO 8601 "
			"(2023-12-31)", shown(n->loc), s->q->text + n->loc.begin,
			s->schema->texts[n->field], what);
}

/* min, max of text: a text answer, which post's arithmetic cannot take. */
static bool text_extreme(struct sema *s, struct node *call)
{
	if (call->agg != AGG_MIN && call->agg != AGG_MAX)
		return true;
	if (!no_slashed_order(s, call->args[0], call->agg == AGG_MIN ?
			      "min would not be the earliest" : "max would not be the latest"))
		return false;
	call->type = TYPE_TEXT;
	if (s->q->post)
		return diag_set(s->d, call->loc, "%s of text cannot be used with 'as', having, "
				"order by or limit", agg_name(call->agg));
	return true;
}

/*
 * A csv column whose sampled values are all text (struct schema) is read
 * as text where an aggregate takes text; anywhere else it would be read
 * as a number, NULL at every record: an error, not an answer of nothing.
 */
static bool retext(struct sema *s, struct node *n, struct node *parent)
{
	const char *eg;

	if (!n)
		return true;
	if ((eg = column_text(s, n))) {
		if (parent && parent->kind == NODE_CALL && takes_text(parent->agg) &&
		    parent->args[0] == n) {
			n->type = TYPE_TEXT;
			return mark_text(s, n) && text_extreme(s, parent);
		}
		return not_text(s, n, parent, eg);
	}
	if (!retext(s, n->lhs, n) || !retext(s, n->rhs, n))
		return false;
	for (int i = 0; i < n->nargs; i++)
		if (!retext(s, n->args[i], n))
			return false;
	return true;
}

static bool mark_texts(struct sema *s)
{
	struct query *q = s->q;

	for (int i = 0; i < q->nitems; i++)
		if (!retext(s, q->items[i], NULL))
			return false;
	if (!retext(s, q->where, NULL))
		return false;
	for (int i = 0; i < q->nkeys; i++)
		if (!retext(s, value_key(q, i), NULL))
			return false;
	return true;
}

static void mark_slots(struct query *q)
{
	for (int i = 0; i < q->nslots; i++)
		q->slot_numeric[i] = false;
	/* A stream's value decides what a record is: always read. */
	if (q->format.kind == INPUT_NUMBERS || q->format.stream)
		q->slot_numeric[0] = true;
	for (int i = 0; i < q->nitems; i++)
		mark_numeric(q, q->items[i]);
	mark_numeric(q, q->where);
	for (int i = 0; i < q->nkeys; i++)
		mark_numeric(q, value_key(q, i));
}

static bool check_layout(struct sema *s)
{
	const struct query *q = s->q;

	if (layout_words(q) > LAYOUT_MAX_WORDS)
		return diag_set(s->d, q->items[0]->loc, "the aggregates' states are %d KB; at most "
				"%d KB", layout_words(q) / 128, LAYOUT_MAX_WORDS / 128);
	return true;
}

bool sema_check(struct query *q, const struct schema *schema, struct diag *d)
{
	struct sema s = { .q = q, .schema = schema, .d = d };

	sema_default_format(q);
	q->nslots = 0;
	q->key_slot = -1;
	q->whole_slot = -1;
	memset(q->slot_text, 0, sizeof(q->slot_text));
	q->nregex = 0;
	q->format.nkeys = 0;
	/* A stream's value is always read: whether it is one decides what a record is. */
	if (q->format.kind == INPUT_NUMBERS || (q->format.kind == INPUT_BINARY && q->format.stream))
		q->slot_field[q->nslots++] = 0;
	if (!q->post && !expand_quantiles(&s))
		return false;
	if (q->post || needs_post(q)) {
		if (!check_cols(&s))
			return false;
	} else {
		for (int i = 0; i < q->nitems; i++)
			if (!check_item(&s, q->items[i], i))
				return false;
	}
	if (q->where && !check_where(&s, q->where))
		return false;
	if (!file_conds_fold(q, d))
		return false;
	memset(q->key_text, 0, sizeof(q->key_text));
	if (q->by && !check_keys(&s))
		return false;
	if (q->post && !check_post_clauses(&s))
		return false;
	if (!mark_texts(&s))
		return false;
	mark_slots(q);
	if (!mark_times(&s))
		return false;
	mark_clocks(q);
	mark_shares(q);
	return check_layout(&s) && number_nodes(&s) && number_texts(&s) &&
	       (!s.text || place_strings(&s));
}

bool sema_text_columns(struct query *q, const struct schema *schema, struct diag *d)
{
	struct sema s = { .q = q, .schema = schema, .d = d };

	if (!mark_texts(&s))
		return false;
	if (!s.text)
		return true;
	mark_slots(q);
	return check_layout(&s) && number_texts(&s) && place_strings(&s);
}
