/* SPDX-License-Identifier: MIT */
/* The query AST. Nodes live in the query's arena and die with it. */
#ifndef BPFQ_AST_H
#define BPFQ_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bpf-templates/bpfq_state.h"

/* The conditions over file alone a query holds: their truths are the bits of a word. */
#define BPFQ_MAX_FILE_CONDS 64

/* A byte range [begin, end) of the query text; turned into line:column only when reported. */
struct regex_dfa;	/* lang/value/regex.h */

struct loc {
	uint32_t begin, end;
};

enum node_kind {
	NODE_INT,	/* integer literal: value */
	NODE_DEC,	/* decimal literal: dec (scaled by 10^18) */
	NODE_NAME,	/* identifier: loc is its text; sema makes it a NODE_FIELD */
	NODE_FIELD,	/* the value of a field: field, slot (x is field 0 of 'numbers') */
	NODE_CALL,	/* name(args): op_loc is the name, args/nargs; an aggregate's
			 * filter (where cond) is its rhs, so every walk of the
			 * tree sees it */
	NODE_STAR,	/* '*', only as the sole argument of count(*) */
	NODE_NEG,	/* -lhs */
	NODE_NOT,	/* not lhs */
	NODE_ADD,	/* lhs + rhs, likewise below */
	NODE_SUB,
	NODE_MUL,
	NODE_DIV,
	NODE_MOD,
	NODE_EQ,
	NODE_NE,
	NODE_LT,
	NODE_LE,
	NODE_GT,
	NODE_GE,
	NODE_AND,
	NODE_OR,
	NODE_BETWEEN,	/* lhs [not] between args[0] and args[1] */
	NODE_IN,	/* lhs [not] in (args...) */
	NODE_STR,	/* 'text': str, slen (the bytes between the quotes, '' made one) */
	NODE_ISNULL,	/* lhs is [not] null */
	NODE_LIKE,	/* lhs [not] like|ilike rhs (a string): match is BPFQ_MATCH_WILD [| _CI] */
	NODE_MATCH,	/* lhs ~ rhs (negated: !~): a field's text against regex (a NODE_STR) */
	/*
	 * A condition over file and constants alone (sema): true or false for
	 * each file, decided in user space before the file is read; value is
	 * its index in query.file_conds, file_expr the condition as written.
	 */
	NODE_FILE_COND,
};

enum type {
	TYPE_UNKNOWN,
	TYPE_NUM,	/* a number: an int64, or a decimal with 18 fractional digits */
	TYPE_BOOL,
	TYPE_TEXT,	/* a string literal, or a field's bytes compared as text */
	TYPE_TIME,	/* a time: an int64 of microseconds since 1970-01-01 UTC */
};

/* Aggregates; the order matches agg_names[] in ast.c. */
enum agg_kind {
	AGG_NONE,
	AGG_COUNT,
	AGG_SUM,
	AGG_MIN,
	AGG_MAX,
	AGG_AVG,
	AGG_EXISTS,
	AGG_VAR_SAMP,
	AGG_VAR_POP,
	AGG_STDDEV_SAMP,
	AGG_STDDEV_POP,
	AGG_HIST,
	AGG_LHIST,
	AGG_QUANTILE,
	AGG_QUANTILE_EXACT,	/* every value kept, sorted after the scan */
	AGG_COUNT_DISTINCT,
	AGG_COVAR_POP,		/* the two-column ones: (y, x), as SQL orders them */
	AGG_COVAR_SAMP,
	AGG_CORR,
	AGG_REGR_SLOPE,
	AGG_REGR_INTERCEPT,
	AGG_LAST = AGG_REGR_INTERCEPT,
};

/* Functions that are not aggregates. */
enum fn_kind {
	FN_NONE,
	FN_ABS,
	FN_LENGTH,	/* length(text): its bytes */
	FN_STARTS_WITH,	/* starts_with(text, 'p'), and so on: conditions over text */
	FN_ENDS_WITH,
	FN_CONTAINS,
	FN_YEAR,	/* year(t) .. second(t): parts of a time, lang/value/timestamp.h */
	FN_MONTH,
	FN_DAY,
	FN_HOUR,
	FN_MINUTE,
	FN_SECOND,
	FN_EPOCH,	/* epoch(t): seconds since 1970, a decimal */
	FN_TO_TIMESTAMP,	/* to_timestamp(n): n seconds since 1970 as a time */
	FN_DATE_TRUNC,	/* date_trunc(unit, t): unit (enum bpfq_unit) in lo */
};

/* NODE_FIELD positions that are no field: $0, the whole line; one out of range. */
#define FIELD_WHOLE (-1)
#define FIELD_BAD (-2)

struct node {
	enum node_kind kind;
	struct loc loc;		/* the whole expression */
	struct loc op_loc;	/* the operator or call name, for errors */
	enum type type;		/* set by sema */
	int id;			/* 1..query.nnodes; run-time errors name the node by it */
	int64_t value;		/* NODE_INT; of type TYPE_TIME, a time literal's microseconds */
	__int128 dec;		/* NODE_DEC: the value times 10^18 */
	bool out_of_range;	/* NODE_INT, NODE_DEC: the literal does not fit */
	bool negated;		/* NODE_BETWEEN, NODE_IN, NODE_ISNULL: 'not ...' */
	const char *str;	/* NODE_STR: the decoded bytes, in the arena (not NUL-ended) */
	uint32_t slen;		/* NODE_STR: how many */
	uint32_t lit_off;	/* NODE_STR: where its bytes are in query.lits (sema) */
	int match;		/* NODE_LIKE, and calls that match text: BPFQ_MATCH_* (sema) */
	int field;		/* NODE_FIELD: 0-based position in the record, or FIELD_* */
	int slot;		/* NODE_FIELD: which of the query's used fields */
	bool as_text;		/* NODE_FIELD: its bytes are compared as text, not its value */
	bool clock;		/* of type TYPE_TIME: a timestamp, printed with its time of
				 * day even at midnight; else a date at midnight (sema) */
	int regex;		/* NODE_MATCH: its index in query.regex */
	bool is_regex;		/* NODE_STR: a regex, compiled by sema, not a value (no lit) */
	struct regex_dfa *file_dfa;	/* NODE_MATCH over file: its automaton (not in query.regex) */
	struct node *file_expr;	/* NODE_FILE_COND: the condition it stands for */
	struct node *lhs, *rhs;
	struct node **args;	/* NODE_CALL, NODE_BETWEEN, NODE_IN */
	int nargs;
	enum agg_kind agg;	/* NODE_CALL, set by sema */
	enum fn_kind fn;	/* NODE_CALL, set by sema */
	/* Aggregate parameters, from literal arguments (sema): */
	int64_t lo, hi, step;	/* lhist(e, lo, hi, step) */
	int64_t q;		/* quantile(e, q): q times 10^18 */
	int nbuckets;		/* hist, lhist: buckets of the state */
	int hll_p;		/* count_distinct: register index bits; 0 for BPFQ_HLL_P */
	int q_bits;		/* quantile: sub-bucket bits; 0 for BPFQ_Q_BITS */
	bool distinct;		/* NODE_CALL: count(distinct e), count_distinct's other spelling */
	struct loc as;		/* a select column: its 'as' name; empty without one */
	int item;		/* an aggregate call in a column, having or order by: its item */
	int share;		/* an item of quantile(e, q1, q2, ...) past the first: 1 + the
				 * item whose fold it shares (sema); 0 for the others */
};

/* One key of 'order by': an expression over the aggregates, or the by key. */
struct order_key {
	struct node *e;
	bool desc;
	bool by_key;		/* set by sema: it names a by key */
	int key;		/* which of several (query.keys) */
	int col;		/* set by sema: the output column it names, or -1 */
};

/* How the input's bytes become records: 'as FORMAT', or the default for the file. */
enum input_kind {
	INPUT_NUMBERS,	/* a stream of numbers; the value is x */
	INPUT_TEXT,	/* lines of whitespace-separated fields $1, $2, ... */
	INPUT_CSV,	/* RFC 4180 records */
	INPUT_BINARY,	/* fixed-size records of integers (one field x for 'as i64') */
	INPUT_JSON,	/* JSON lines: one object per line, fields by key path */
};

enum header_mode {
	HEADER_AUTO,	/* guessed from the records below the first (runtime/header.c) */
	HEADER_YES,
	HEADER_NO,
};

/* A binary field: its type and byte order (the same codes as bpfq_state.h). */
struct rec_field {
	struct loc name;
	uint8_t type;		/* enum bpfq_bin_type */
	bool big_endian;
	uint16_t offset;	/* bytes from the record's start */
};

struct input_format {
	enum input_kind kind;
	bool given;		/* written as 'as ...' (else the default for the path) */
	struct loc loc;		/* the format as written */
	char delim;		/* csv: the field separator */
	bool delim_given;	/* csv: delim= written, or a .tsv path (else sniffed: header.c) */
	enum header_mode header;	/* csv */
	uint32_t skip;		/* numbers, text, csv: leading lines that are not read */
	bool header_present;	/* csv: the input has a header (decided when it is opened) */
	bool stream;		/* binary: 'as i64', one unnamed field, x */
	int nfields;		/* binary: the record's fields */
	struct rec_field fields[BPFQ_MAX_REC_FIELDS];
	int record_size;	/* binary: bytes per record */
	/* json: the key paths the query uses, by sema; field i is keys[i] */
	int nkeys;
	struct loc keys[BPFQ_MAX_SLOTS];	/* a name as written: a.b (a path) or "a.b" (one key) */
};

/* The column names of a csv header, for sema (NULL when there is none). */
struct schema {
	int ncols;
	char **names;
	bool *times;	/* per column, or NULL: the records sampled below hold ISO 8601 times */
	char **texts;	/* per column, or NULL: the first of the sampled values when all
			 * are text (no number, no time, no NULL word), else NULL */
	bool *slashed;	/* per column, or NULL: a text column whose values are dates
			 * written with slashes (12/31/2023), which order as text */
	bool *clocks;	/* per column, or NULL: a sampled value was a time with a time
			 * of day (a timestamp, not a date), so midnight prints 00:00:00 */
};

struct arena;

struct query {
	const char *text;	/* not owned; must outlive the query */
	size_t len;
	struct node **items;	/* the select list: aggregate calls after sema */
	int nitems;
	struct node *where;	/* NULL without a where clause */
	struct node *by;	/* NULL without a 'by' clause; with several keys, the first */
	int nkeys;		/* by k1, k2, ...: how many (1 with a single key) */
	struct node *keys[BPFQ_MAX_KEYS];	/* each, as written */
	/* Several keys (nkeys > 1), set by sema: the layout of their
	 * struct bpfq_key (kind BPFQ_K_KEYS), in the kernel and the evaluator. */
	bool key_text[BPFQ_MAX_KEYS];	/* the key is a field's text, not a value */
	int key_off[BPFQ_MAX_KEYS];	/* where its segment starts in the key's bytes */
	int key_cap;		/* bytes a text key holds: 64, or 32 when they do not fit */
	int keys_len;		/* bytes of all the segments */
	int key_seg[BPFQ_MAX_SLOTS];	/* a slot of a text key: its first key's segment, or -1 */
	bool by_text;		/* set by sema: the key is a field's text, not a value */
	bool by_file;		/* set by sema: 'by file', each input file a group (by is then NULL
				 * when file is the only key) */
	int file_key;		/* set by sema: file beside other keys, its place + 1 (sema takes
				 * it out of keys); else 0 */
	/* The conditions over file alone (NODE_FILE_COND), each the node that stands for it. */
	int nfile_conds;
	struct node *file_conds[BPFQ_MAX_FILE_CONDS];
	char **paths;		/* from PATH..., unquoted; in the arena; NULL without 'from' */
	int npaths;
	char *path;		/* the first of them */
	struct loc path_loc;
	struct input_format format;
	int nslots;		/* the fields the query uses, by sema */
	int slot_field[BPFQ_MAX_SLOTS];	/* each slot's 0-based field position */
	bool slot_numeric[BPFQ_MAX_SLOTS];	/* its value is used (not only its text, as a key) */
	bool slot_text[BPFQ_MAX_SLOTS];	/* its text is compared (a string, is null, ...) */
	int nregex;		/* the ~ and !~ of the query, by sema */
	struct regex_dfa *regex[BPFQ_MAX_REGEX];	/* each one's automaton, in the arena */
	int regex_slot[BPFQ_MAX_REGEX];		/* the slot whose text it runs over */
	int text_of_slot[BPFQ_MAX_SLOTS];	/* slot_text: its index 0..ntexts-1; else -1 */
	int ntexts;
	uint8_t *lits;		/* every string's bytes, one after another (sema); in the arena */
	uint32_t nlits;
	bool slot_time[BPFQ_MAX_SLOTS];	/* its value is a time (ISO 8601 text), not a number */
	bool slot_clock[BPFQ_MAX_SLOTS];	/* and its column's sampled times have times of day */
	int key_slot;		/* by_text: the slot of the key field */
	int whole_slot;		/* the slot of $0 (FIELD_WHOLE), or -1 */
	int nnodes;		/* ids run 1..nnodes */
	struct node **by_id;	/* by_id[id] for id in 1..nnodes, set by sema */
	/*
	 * Arithmetic over aggregates, having, order by and limit, all worked
	 * out in user space on the final values. With any of them (post), sema
	 * moves the select list to cols and leaves in items each distinct
	 * aggregate the columns, having and order by use, once.
	 */
	bool post;
	struct node **cols;	/* post: the output columns as written */
	int ncols;
	struct node *having;	/* NULL without 'having' */
	struct order_key *order;	/* 'order by' keys, norder of them */
	int norder;
	int64_t limit;		/* 'limit n', n > 0; 0 without */
	struct loc limit_loc;
	struct arena *arena;
};

void *arena_alloc(struct arena **a, size_t size);
void arena_free(struct arena *a);

/* A spelling of an aggregate: aliases map to the same kind. */
struct agg_name {
	const char *name;
	enum agg_kind kind;
};

/* The aggregate text[0..n) names (any case), or NULL. */
const struct agg_name *agg_lookup(const char *text, size_t n);

/* The i-th spelling of an aggregate, aliases among them; NULL past the last. */
const char *agg_spelling(size_t i);

/* Whether an aggregate takes two columns, (y, x): corr, covar_*, regr_*. */
bool agg_is_pair(enum agg_kind kind);

/* quantile(), median(), and their exact kind. */
bool agg_is_quantile(enum agg_kind kind);

/* Whether the query has a quantile_exact (median_exact) item: its values are kept. */
bool ast_has_exact(const struct query *q);

/* Whether a count_distinct folds the records' values (the set, bpfq_distinct). */
bool ast_has_distinct(const struct query *q);

/*
 * Whether an item keeps its values: quantile_exact, and quantile without
 * by, whose answer is exact while they fit in --max-values (its sketch
 * answers past that).
 */
bool ast_keeps_values(const struct node *call);

/* Whether any item of the query does. */
bool ast_has_values(const struct query *q);

/* "sum", "count", ... (an alias's canonical name: var is var_samp's). */
const char *agg_name(enum agg_kind kind);

struct node *node_new(struct query *q, enum node_kind kind, struct loc loc);
void query_free(struct query *q);

/*
 * A JSON key path's hashes (bpfq_state.h bpfq_json_fold1/2), as the parsers
 * fold a key's bytes: name[0..len) split at each '.' when path, else one key.
 */
void json_path_hash(const char *name, size_t len, bool path, uint64_t *h1, uint64_t *h2);

/* The hashes of field i of 'as json' input (q->format.keys[i]). */
void json_key_hash(const struct query *q, int i, uint64_t *h1, uint64_t *h2);

/* The keys the answer shows: by's, and file (0 without by). */
int ast_nkeys(const struct query *q);

/* The text keys that may be longer than their key holds (bpfq_state.h struct
 * bpfq_key), each a field's own: 0 without text keys. */
int ast_key_longs(const struct query *q);

/* The i-th of them as written: file's node is NULL after sema. */
const struct node *ast_key(const struct query *q, int i);

/* Whether n is the pseudo-column file: the path of the file a record comes from. */
bool ast_is_file(const struct query *q, const struct node *n);

/*
 * Whether call is an aggregate of file: count(file), count_distinct(file),
 * min(file), max(file). The engines count its records; user space makes
 * the state of the file's path after each file (eval_settle_file_aggs()).
 */
bool ast_folds_file(const struct query *q, const struct node *call);

/* Whether is() holds for n (NULL: no) or any node below it. */
bool ast_any(const struct query *q, const struct node *n,
	     bool (*is)(const struct query *q, const struct node *n));

/* Whether n (NULL: no) or its operands reference a field ($N, x). */
bool ast_has_field(const struct node *n);

/* An operator as rendered: "+", "==", "and", ...; comparisons are spelled as in C. */
const char *ast_op_text(enum node_kind kind);

/* Human-readable normalized text of an expression ("sum(x * 2)"), used as the output label. */
size_t ast_render(const struct query *q, const struct node *n, char *buf, size_t size);

/*
 * The same for comments in generated code, of a checked tree: every byte
 * comes from bpfq's tables and number formatting, none from the query
 * text (a field is $N, or x; a call is its canonical name).
 */
size_t ast_render_code(const struct query *q, const struct node *n, char *buf, size_t size);

/* A decimal times 10^18 as text: "-12.75", "3" (no trailing zeros). buf holds 48 bytes. */
void dec_format(__int128 scaled, char *buf, size_t size);

/* The whole query, one node per line, indented, with types: for -d ast. */
void ast_dump(FILE *f, const struct query *q);

/* The input format's name as the query would write it: "csv(delim=';', header)". */
void format_render(const struct query *q, char *buf, size_t size);

#endif /* BPFQ_AST_H */
