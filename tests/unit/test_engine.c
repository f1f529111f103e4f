// SPDX-License-Identifier: MIT
/*
 * The engine (lang/engine): the reference evaluator over text, csv and
 * binary records: the tokens it counts, where, run-time errors, early
 * stops; its answers must not depend on how the input is cut into
 * chunks; and the groups of a by query.
 */
#include "tests/unit/unit.h"
#include "lang/engine/keytext.h"
#include "lang/engine/records.h"
#include "lang/value/num.h"

static const char *const inputs[] = {
	"",
	"5",
	"5\n",
	"  -3,4\r\n+7 abc 1x -",
	"9223372036854775807 -9223372036854775808 9223372036854775808",
	"1 2 3 4 5 6 7 8 9 10\n-1,-2,-3\t\t+4\v5\f6\r\n,,, 007 -0 +0 --1 +-2 1-",
	"123456789012 -98765\n",
	"1.5 -0.25 2. .5 3.000000000000000000 0.0000000000000000001 12.5x 7",
};

static const char *const queries[] = {
	"count(), sum(x), min(x), max(x), avg(x) from f",
	"count(), sum(x) where x > 4 from f",
	"sum(x / 7), sum(x % 7), max(-x) where x != 0 from f",
	"exists(x == 7) from f",
	"exists(x > 100), exists(x < 0) from f",
	"sum(x * 3 - 1) where not (x > -10 and x <= 10) or x % 7 == 3 from f",
	"count(*) where x = 7 or x <> 7 and x >= 4 from f",
	"var(x), stddev_pop(x), quantile(x, 0.9), count_distinct(x), hist(x) from f",
	"count() where x between -3 and 5 or x in (7, 9, 1.5) from f",
};

/* Chunking never changes a result; a scan that stopped early counts its last chunk whole. */
static void test_chunks(const char *text, const char *in, size_t len)
{
	struct query *q = checked(text);
	struct outcome whole = run(q, in, len, 0);
	size_t chunk;

	for (chunk = 1; chunk <= len; chunk++) {
		struct outcome o = run(q, in, len, chunk);

		if (whole.r.done)
			o.r.bytes = whole.r.bytes;
		if (memcmp(&whole, &o, sizeof(o))) {
			fail(text, "  input '%.40s': chunks of %zu differ from one feed\n", in, chunk);
			break;
		}
	}
	if (chunk > len)
		passed++;
	if (!whole.r.done)
		expect_u64(text, "bytes", len, whole.r.bytes);
	/* As in the kernel: a scan that did not stop early reached the end. */
	if (!whole.r.done)
		expect_u64(text, "eof", 1, whole.r.eof);
	release(q);
}

static void test_chunking(void)
{
	char zeros[1003];

	memset(zeros, '0', 1000);
	memcpy(zeros + 1000, "42", 3);
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		for (size_t j = 0; j < sizeof(inputs) / sizeof(inputs[0]); j++)
			test_chunks(queries[i], inputs[j], strlen(inputs[j]));
		test_chunks(queries[i], zeros, strlen(zeros));
	}
}

/* The input tokens, counted by hand. */
static void test_tokens(void)
{
	static const char *q = "count(), sum(x), min(x), max(x), avg(x) from f";
	struct query *cq = checked(q);
	struct outcome o;
	char zeros[1003];

	o = run(cq, "", 0, 0);
	expect_u64("empty", "records", 0, o.r.records);
	expect_u64("empty", "eof", 1, o.r.eof);
	expect_str("empty", "null", o.v[1]);
	expect_answers("'5'", q, "5", "1;5;5;5;5");
	o = run(cq, "5\n", 2, 0);
	expect_u64("'5\\n'", "bytes", 2, o.r.bytes);

	o = run(cq, "  -3,4\r\n+7 abc 1x -", 19, 0);
	expect_u64("mixed", "records", 3, o.r.records);
	expect_u64("mixed", "matched", 3, o.r.matched);
	expect_u64("mixed", "malformed", 3, o.r.malformed);
	expect_u64("mixed", "malformed_off", 11, o.r.malformed_off);
	expect_answers("mixed", q, "  -3,4\r\n+7 abc 1x -", "3;8;-3;7;2.6666666666666665");

	o = run(cq, "9223372036854775807 -9223372036854775808 9223372036854775808", 60, 0);
	/* 2^63 cannot be held: no answer, not a skipped token. */
	expect_u64("limits", "malformed", 0, o.r.malformed);
	expect_u64("limits", "error", BPFQ_ERR_BEYOND, o.r.error);
	expect_u64("limits", "error_off", 41, o.r.error_off);
	expect_answers("limits", q, "9223372036854775807 -9223372036854775808",
		       "2;-1;-9223372036854775808;9223372036854775807;-0.5");
	o = run(cq, "1 99999999999999999999 2", 24, 0);
	expect_u64("20 digits", "error", BPFQ_ERR_BEYOND, o.r.error);
	expect_u64("20 digits", "error_off", 2, o.r.error_off);
	o = run(cq, "1 -1e19 2", 9, 0);
	expect_u64("-1e19", "error", BPFQ_ERR_BEYOND, o.r.error);

	memset(zeros, '0', 1000);
	memcpy(zeros + 1000, "42", 3);
	expect_answers("1000 zeros then 42", q, zeros, "1;42;42;42;42");

	o = run(cq, inputs[5], strlen(inputs[5]), 0);
	/* 1..10, -1 -2 -3 4 5 6, 7 0 0; --1 +-2 1- are malformed. */
	expect_u64("many per line", "records", 19, o.r.records);
	expect_u64("many per line", "malformed", 3, o.r.malformed);
	expect_u64("many per line", "malformed_off", strstr(inputs[5], "--1") - inputs[5],
		   o.r.malformed_off);
	expect_answers("many per line", q, inputs[5], "19;71;-3;10;3.736842105263158");

	o = run(cq, "+", 1, 0);
	expect_u64("lone sign", "malformed", 1, o.r.malformed);
	expect_u64("lone sign", "records", 0, o.r.records);
	release(cq);

	/* Decimals: "2." and ".5" are numbers; past 18 places rounded half to even. */
	o = run(cq = checked(q), inputs[7], strlen(inputs[7]), 0);
	expect_u64("decimals", "malformed", 1, o.r.malformed);
	expect_u64("decimals", "rounded", 1, o.r.rounded);
	expect_answers("decimals", q, inputs[7], "7;13.75;-0.25;7;1.9642857142857142");
	release(cq);
}

static void test_where(void)
{
	expect_answers("where", "count(), sum(x) where x > 4 from f", inputs[5], "9;63");
	expect_answers("short circuit", "sum(x) where x != 0 and 100 / x > 1 from f", "0 5 200",
		       "5");
	expect_answers("short circuit or", "count() where x == 0 or 100 / x > 1 from f",
		       "0 5 200", "2");
	expect_answers("between", "count() where x between 2 and 4 from f", "1 2 3 4 5 6", "3");
	expect_answers("in", "exists(x not in (1, 5)), count() where x in (1, 5, 7.5) from f",
		       "1 2 3 4 5 6 7.5", "true;3");
	expect_answers("abs", "sum(abs(x)), min(abs(x - 10)) from f", "-3 4 12", "19;2");
}

/* A run-time error names the operator node, the value and its offset. */
static void expect_error(const char *text, const char *in, uint32_t kind, enum node_kind node,
			 const char *op, int64_t value, uint64_t off)
{
	struct query *q = checked(text);
	struct outcome o = run(q, in, strlen(in), 0);

	expect_u64(text, "error", kind, o.r.error);
	expect_u64(text, "done", 1, o.r.done);
	expect_s64(text, "error value", value, (int64_t)o.r.error_x.lo);
	expect_u64(text, "error_off", off, o.r.error_off);
	if (o.r.error_node >= 1 && (int)o.r.error_node <= q->nnodes) {
		const struct node *n = q->by_id[o.r.error_node];

		expect_u64(text, "error node kind", node, n->kind);
		expect_u64(text, "error node column", strstr(text, op) - text, n->op_loc.begin);
	} else {
		fail(text, "  error_node %u is not a node\n", o.r.error_node);
	}
	release(q);
}

static void test_errors_at_run_time(void)
{
	struct query *q;
	struct outcome o;

	expect_error("sum(x * x) from f", "1\n2\n3037000500\n", BPFQ_ERR_OVERFLOW, NODE_MUL, "*",
		     3037000500, 4);
	expect_error("sum(100 / x) from f", "5 0", BPFQ_ERR_DIVZERO, NODE_DIV, "/", 0, 2);
	expect_error("sum(100 % x) from f", "5 0", BPFQ_ERR_DIVZERO, NODE_MOD, "%", 0, 2);
	expect_error("sum(x / -1) from f", "7 -9223372036854775808", BPFQ_ERR_OVERFLOW, NODE_DIV,
		     "/", INT64_MIN, 2);
	expect_error("sum(-x) from f", "1 -9223372036854775808", BPFQ_ERR_OVERFLOW, NODE_NEG, "-",
		     INT64_MIN, 2);
	expect_error("sum(x + 1) from f", "9223372036854775807", BPFQ_ERR_OVERFLOW, NODE_ADD, "+",
		     INT64_MAX, 0);
	expect_error("count() where x - 1 > 0 from f", "0 -9223372036854775808",
		     BPFQ_ERR_OVERFLOW, NODE_SUB, "-", INT64_MIN, 2);
	expect_error("sum(abs(x)) from f", "-9223372036854775808", BPFQ_ERR_OVERFLOW, NODE_CALL,
		     "abs", INT64_MIN, 0);
	/* The left operand fails first. */
	expect_error("sum(x * x + 100 / (x - 3037000500)) from f", "3037000500",
		     BPFQ_ERR_OVERFLOW, NODE_MUL, "*", 3037000500, 0);

	expect_answers("INT64_MIN % -1", "sum(x % -1) from f", "-9223372036854775808", "0");

	/* Nothing after the error counts; what came before it stays. */
	q = checked("count(), sum(100 / x), count() from f");
	o = run(q, "1 0 3 abc", 9, 0);
	expect_u64("error mid-items", "records", 2, o.r.records);
	expect_u64("error mid-items", "matched", 2, o.r.matched);
	expect_str("error mid-items", "2", o.v[0]);
	expect_str("error mid-items", "100", o.v[1]);
	expect_str("error mid-items", "1", o.v[2]);
	expect_u64("error mid-items", "malformed", 0, o.r.malformed);
	release(q);

	q = checked("count() where 100 / x > 1 from f");
	o = run(q, "1 0 3", 5, 0);
	expect_u64("error in where", "records", 2, o.r.records);
	expect_u64("error in where", "matched", 1, o.r.matched);
	release(q);
}

static void test_early_stop(void)
{
	struct query *q = checked("exists(x == 18) from f");
	struct eval *e = eval_new(q, 1000);
	const struct bpfq_result *r;
	struct outcome o;

	expect_u64("exists", "feed", 0, eval_feed(e, "5 1", 3));
	expect_u64("exists", "feed", 1, eval_feed(e, "8 20 x", 6));
	expect_u64("exists", "feed after", 1, eval_feed(e, "18 18", 5));
	eval_finish(e);
	r = eval_result(e);
	expect_u64("exists", "done", 1, r->done);
	expect_u64("exists", "records", 2, r->records);
	expect_u64("exists", "count", 1, eval_area(e)[0]);
	expect_u64("exists", "malformed", 0, r->malformed);
	expect_u64("exists", "bytes", 9, r->bytes);
	eval_free(e);
	release(q);

	q = checked("exists(x > 1), exists(x < 0) from f");
	o = run(q, "5 6 -1 7 -2", 11, 0);
	expect_u64("two exists", "done", 1, o.r.done);
	expect_u64("two exists", "records", 3, o.r.records);
	release(q);

	/* With another aggregate the scan must go on. */
	q = checked("exists(x == 5), count() from f");
	o = run(q, "5 6 7", 5, 0);
	expect_u64("exists and count", "done", 0, o.r.done);
	expect_str("exists and count", "3", o.v[1]);
	release(q);
}

/* Text, csv and binary records, field by field. */
static void test_formats(void)
{
	expect_answers("text", "sum($2), count($3), count() from f", "a 1 2\nb 3\n\n  c\t5 x\n",
		       "9;1;4");
	expect_answers("text crlf", "sum($1) from f", "1\r\n2\r\n3\r", "6");
	expect_answers("csv", "sum($2), count($2), count() from f.csv as csv(noheader)",
		       "a,1\n\"b,c\",\" 2 \"\n\"d\"\"\",\n\r\n,x\n", "3;2;4");
	expect_answers("csv delim", "sum($3) from f as csv(delim=';')", "1;2;3\n4;5;6", "9");
	/* a missing or empty field is NULL to ~ and !~; a quoted field's text is its content */
	expect_answers("regex text", "count(), exists($1 ~ 'b'), exists($1 ~ 'z') from f",
		       "a 1 2\nb 3\n\n  c\t5 x\nd 3x\n", "5;true;false");
	expect_answers("regex anchors", "count() where $2 ~ '^[0-9]+$' from f",
		       "a 1 2\nb 3\n\n  c\t5 x\nd 3x\n", "3");
	expect_answers("regex missing", "count() where $2 !~ '3' from f",
		       "a 1 2\nb 3\n\n  c\t5 x\nd 3x\n", "2");
	expect_answers("regex not", "count() where not ($3 ~ 'x') from f",
		       "a 1 2\nb 3\n\n  c\t5 x\nd 3x\n", "1");
	expect_answers("regex csv", "count() where $1 ~ '^b,c$' or $2 ~ '^ 2 $' from f.csv "
		       "as csv(noheader)", "a,1\n\"b,c\",\" 2 \"\n\"d\"\"\",\n\r\n,x\n", "1");
	expect_answers("regex csv quote", "count() where $1 !~ '\"' from f.csv as csv(noheader)",
		       "a,1\n\"b,c\",\" 2 \"\n\"d\"\"\",\n\r\n,x\n", "2");
	expect_answers("regex csv empty", "count() where $2 ~ '' or $2 !~ '' from f.csv "
		       "as csv(noheader)", "a,1\nb,\nc,\"\"\nd\n", "1");
	expect_answers_n("i16be", "sum(x), min(x) from f as i16be", "\x01\x00\xff\xfe", 4,
			 "254;-2");
	expect_answers_n("record", "sum(b), sum(a) from f as record(a:u8, b:i32)",
			 "\x01\x02\x00\x00\x00\x03\xff\xff\xff\xff", 10, "1;4");
	expect_answers_n("u64 past int64", "count(), sum(x) from f as u64",
			 "\xff\xff\xff\xff\xff\xff\xff\xff\x05\x00\x00\x00\x00\x00\x00\x00", 16,
			 "1;5");
}

/* A group key: a value (int or decimal, in its bytes), or text (kind EMPTY). */
static struct bpfq_key int_key(int64_t v)
{
	struct bpfq_key k = { .kind = BPFQ_K_INT, .len = sizeof(v) };

	memcpy(k.bytes, &v, sizeof(v));
	return k;
}

static struct bpfq_key dec_key(i128 scaled)
{
	struct bpfq_key k = { .kind = BPFQ_K_DEC, .len = sizeof(scaled) };

	memcpy(k.bytes, &scaled, sizeof(scaled));
	return k;
}

static struct bpfq_key text_key(const char *s)
{
	struct bpfq_key k = { .kind = BPFQ_K_EMPTY, .len = strlen(s) };

	memcpy(k.bytes, s, k.len);
	return k;
}

/* A key is one group whichever reader saw it, kept as reader 0's; a new group's area is zeroed. */
static void test_groups_keys(void)
{
	struct groups *g = groups_new(3);
	struct bpfq_key k = text_key("abc"), other = text_key("abd"), seven = int_key(7);
	struct group *sorted;
	bool added;
	uint64_t *area;
	long n;

	k.reader = 3;
	area = groups_get(g, &k, &added);
	expect_u64("new group", "added", 1, added);
	expect_u64("new group", "zeroed", 0, area[0] | area[1] | area[2]);
	k.reader = 0;
	expect_u64("same key, reader 0", "same area", 1, groups_get(g, &k, &added) == area);
	expect_u64("same key, reader 0", "added", 0, added);
	expect_u64("find", "same area", 1, groups_find(g, &k) == area);
	expect_u64("find another", "none", 1, groups_find(g, &other) == NULL);
	/* The text of int 7's bytes is another key. */
	seven.kind = BPFQ_K_EMPTY;
	groups_get(g, &seven, &added);
	seven.kind = BPFQ_K_INT;
	expect_u64("int 7, text of its bytes", "none", 1, groups_find(g, &seven) == NULL);
	expect_u64("groups", "count", 2, groups_count(g));
	sorted = groups_sorted(g, &n);
	expect_u64("sorted", "reader", 0, sorted[0].key.reader | sorted[n - 1].key.reader);
	groups_free(g);
}

/*
 * Long text keys (lang/engine/keytext.h): a key holds the first 56 bytes
 * and the hash of the rest, as the kernel folds it; texts alike but in
 * their last byte are two keys, and each prints and orders by all of it.
 */
static void test_long_keys(void)
{
	uint8_t a[1024], b[1024];
	struct bpfq_key ka = { .kind = BPFQ_K_EMPTY, .len = 1024 }, kb = ka;
	struct groups *g = groups_new(1);
	const uint8_t *t;
	uint64_t h = BPFQ_KEY_H0;
	struct group *sorted;
	uint32_t len;
	bool added;
	long n;

	memset(a, 'k', sizeof(a));
	memcpy(b, a, sizeof(b));
	b[1023] = 'j';
	for (int i = 56; i < 1024; i++)
		h = bpfq_json_fold1(h, a[i]);
	expect_u64("hash", "the kernel's fold", h, keytext_hash(a, 1024, 64));
	keytext_id(a, 1024, 64, ka.bytes);
	keytext_id(b, 1024, 64, kb.bytes);
	expect_u64("ids", "differ", 1, memcmp(ka.bytes, kb.bytes, 64) != 0);
	expect_u64("put a", "ok", 0, keytext_put(a, 1024, 64));
	expect_u64("put a again", "ok", 0, keytext_put(a, 1024, 64));
	expect_u64("put b", "ok", 0, keytext_put(b, 1024, 64));
	t = keys_text(&ka, &len);
	expect_u64("a's text", "whole", 1, t && len == 1024 && !memcmp(t, a, 1024));
	groups_get(g, &ka, &added);
	groups_get(g, &kb, &added);
	expect_u64("groups", "two", 2, groups_count(g));
	sorted = groups_sorted(g, &n);
	t = keys_text(&sorted[0].key, &len);
	expect_u64("sorted", "b, its last byte less, first", 'j', t ? t[1023] : 0);
	keytext_reset();
	expect_u64("after reset", "no text", 1, keys_text(&ka, &len) == NULL);
	groups_free(g);
}

/* Many groups: the table grows and every group keeps its area. */
static void test_groups_many(void)
{
	struct groups *g = groups_new(1);
	long n = 20000, lost = 0;
	bool added;

	for (long i = 0; i < n; i++) {
		struct bpfq_key k = int_key(i * 7919 - n);

		*groups_get(g, &k, &added) = i;
	}
	expect_u64("20000 groups", "count", n, groups_count(g));
	for (long i = 0; i < n; i++) {
		struct bpfq_key k = int_key(i * 7919 - n);
		uint64_t *area = groups_find(g, &k);

		lost += !area || *area != (uint64_t)i;
	}
	expect_u64("20000 groups", "lost", 0, lost);
	groups_free(g);
}

/* Sorted: values by value (ints and decimals together), then text bytewise, then NULL. */
static void test_groups_sorted(void)
{
	struct bpfq_key keys[] = {
		text_key("b"), int_key(3), { .kind = BPFQ_K_MISSING }, text_key("ab"),
		dec_key(-(i128)55 * (i128)BPFQ_SCALE / 10), text_key("a"), int_key(-5), dec_key((i128)25 * (i128)BPFQ_SCALE / 10),
		text_key(""), int_key(INT64_MIN),
	};
	static const char *const want[] = { "INT64_MIN", "-5.5", "-5", "2.5", "3", "''", "'a'",
					    "'ab'", "'b'", "NULL" };
	static const int order[] = { 9, 4, 6, 7, 1, 8, 5, 3, 0, 2 };
	struct groups *g = groups_new(1);
	struct group *sorted;
	bool added;
	long n;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		*groups_get(g, &keys[i], &added) = i;
	sorted = groups_sorted(g, &n);
	expect_u64("sorted", "groups", sizeof(keys) / sizeof(keys[0]), n);
	for (long i = 0; i < n && i < (long)(sizeof(order) / sizeof(order[0])); i++)
		expect_u64(want[i], "place", order[i], *sorted[i].area);
	groups_free(g);
}

/* The evaluator's key of several for each record of text. */
static void keys_of(const char *query, const char *text, struct group *out, long *n)
{
	struct query *q = checked(query);
	struct eval *e = eval_new(q, 1000);
	struct group *g;

	eval_feed(e, text, strlen(text));
	eval_finish(e);
	g = groups_sorted(eval_groups(e), n);
	for (long i = 0; g && i < *n && i < 8; i++)
		out[i] = g[i];
	eval_free(e);
	release(q);
}

/*
 * Several keys: each in its segment with its length, so ("ab", "c") and
 * ("a", "bc") are two groups; sorted key by key; a key read back as one.
 */
static void test_several_keys(void)
{
	struct group g[8];
	struct bpfq_key k, ins;
	long n = 0;

	keys_of("count() by $1, $2, $3 % 2 from f", "ab c 1\na bc 3\nab c 2\n", g, &n);
	expect_u64("by $1, $2, $3 % 2", "groups", 3, n);
	expect_u64("first", "kind", BPFQ_K_KEYS, g[0].key.kind);
	expect_u64("(a, bc, 1)", "key 0", 1, keys_get(&g[0].key, 0, &k) && k.len == 1 &&
		   k.kind == BPFQ_K_EMPTY && !memcmp(k.bytes, "a", 1));
	expect_u64("(a, bc, 1)", "key 1", 1, keys_get(&g[0].key, 1, &k) && k.len == 2 &&
		   !memcmp(k.bytes, "bc", 2));
	expect_u64("(a, bc, 1)", "key 2", 1, keys_get(&g[0].key, 2, &k) && k.kind == BPFQ_K_INT &&
		   *(int64_t *)k.bytes == 1);
	expect_u64("(a, bc, 1)", "no key 3", 0, keys_get(&g[0].key, 3, &k));
	expect_u64("(ab, c, 0) before (ab, c, 1)", "key 2", 1,
		   keys_compare(&g[1].key, &g[2].key, 2) < 0 && !keys_compare(&g[1].key, &g[2].key, 0));
	/* file's path at place 1: (ab, path, c, 0) */
	expect_u64("insert", "fits", 1, keys_insert_text(&g[1].key, 1, "x.txt", 5, &ins));
	expect_u64("insert", "key 1", 1, keys_get(&ins, 1, &k) && k.len == 5 &&
		   !memcmp(k.bytes, "x.txt", 5));
	expect_u64("insert", "key 3", 1, keys_get(&ins, 3, &k) && k.kind == BPFQ_K_INT);
	expect_u64("insert", "a path too long", 0, keys_insert_text(&g[1].key, 0,
		   "0123456789012345678901234567890123456789012345678901234567890123456789", 70, &ins));
}

/* A by query through the evaluator: one area per key, its aggregates folded there. */
static void test_eval_groups(void)
{
	struct query *q = checked("count(), sum($2) by $1 from f");
	struct eval *e = eval_new(q, 1000);
	struct bpfq_key b = text_key("b"), a = text_key("a"), c = text_key("c");
	struct groups *g;
	char sum[VALUE_MAX];
	struct agg_desc d;

	eval_feed(e, "b 1\na 2\nb 3\n", 12);
	eval_finish(e);
	g = eval_groups(e);
	expect_u64("by $1", "groups", 2, groups_count(g));
	expect_u64("by $1", "count of b", 2, groups_find(g, &b)[layout_offset(q, 0)]);
	expect_u64("by $1", "count of a", 1, groups_find(g, &a)[layout_offset(q, 0)]);
	expect_u64("by $1", "no c", 1, groups_find(g, &c) == NULL);
	agg_desc_of(q->items[1], &d);
	value_text(&d, groups_find(g, &b) + layout_offset(q, 1), sum, sizeof(sum));
	expect_str("by $1: sum of b", "4", sum);
	eval_free(e);

	/* More groups than allowed is an error, not a bigger table. */
	e = eval_new(q, 2);
	eval_feed(e, "a 1\nb 2\nc 3\n", 12);
	eval_finish(e);
	expect_u64("3 groups of 2", "error", BPFQ_ERR_GROUPS, eval_result(e)->error);
	eval_free(e);
	release(q);
}

/* One field's text as the reference reads it: kind, value times 10^18, flags. */
static void test_number_forms(void)
{
	static const struct {
		const char *text;
		uint32_t kind;
		const char *scaled;	/* the value times 10^18 */
		int flags;
	} cases[] = {
		{ "42", BPFQ_K_INT, "42000000000000000000", 0 },
		{ "+3", BPFQ_K_INT, "3000000000000000000", 0 },
		{ ".097", BPFQ_K_DEC, "97000000000000000", 0 },
		{ "-.5", BPFQ_K_DEC, "-500000000000000000", 0 },
		{ "5.", BPFQ_K_DEC, "5000000000000000000", 0 },
		{ " 5. ", BPFQ_K_DEC, "5000000000000000000", 0 },
		{ "1.5e-3", BPFQ_K_DEC, "1500000000000000", 0 },
		{ "1E5", BPFQ_K_DEC, "100000000000000000000000", 0 },
		{ "2.5e+10", BPFQ_K_DEC, "25000000000000000000000000000", 0 },
		{ "-3.234632000000000063e-01", BPFQ_K_DEC, "-323463200000000006", BPFQ_TOK_ROUNDED },
		{ "3.2260000000000004", BPFQ_K_DEC, "3226000000000000400", 0 },
		{ "0.000338059505147097", BPFQ_K_DEC, "338059505147097", 0 },
		{ "2.3607021354399293e-10", BPFQ_K_DEC, "236070214", BPFQ_TOK_ROUNDED },
		{ "0.0000000000000000005", BPFQ_K_DEC, "0", BPFQ_TOK_ROUNDED },
		{ "0.0000000000000000015", BPFQ_K_DEC, "2", BPFQ_TOK_ROUNDED },
		{ "-0.0000000000000000025", BPFQ_K_DEC, "-2", BPFQ_TOK_ROUNDED },
		{ "0.000000000000000002500000000000000000000000000001", BPFQ_K_DEC, "3",
		  BPFQ_TOK_ROUNDED },
		{ "1.5e-18", BPFQ_K_DEC, "2", BPFQ_TOK_ROUNDED },
		{ "2.5e-18", BPFQ_K_DEC, "2", BPFQ_TOK_ROUNDED },
		{ "0.0000000015", BPFQ_K_DEC, "1500000000", 0 },
		{ "1.500000000000000000000", BPFQ_K_DEC, "1500000000000000000", 0 },
		{ "1e-400", BPFQ_K_DEC, "0", BPFQ_TOK_ROUNDED },
		{ "0e400", BPFQ_K_DEC, "0", 0 },
		{ "-9.223372036854775808e18", BPFQ_K_DEC, "-9223372036854775808000000000000000000", 0 },
		{ "9223372036854775807.999999999999999999", BPFQ_K_DEC,
		  "9223372036854775807999999999999999999", 0 },
		{ "9223372036854775807.9999999999999999995", BPFQ_K_BAD, "0", BPFQ_TOK_BEYOND },
		{ "-9223372036854775807.9999999999999999995", BPFQ_K_DEC,
		  "-9223372036854775808000000000000000000", BPFQ_TOK_ROUNDED },
		{ "1e36", BPFQ_K_BAD, "0", BPFQ_TOK_BEYOND },
		{ "9.223372036854775808e18", BPFQ_K_BAD, "0", BPFQ_TOK_BEYOND },
		{ "9223372036854775808", BPFQ_K_BAD, "0", BPFQ_TOK_BEYOND },
		{ "1e300", BPFQ_K_BAD, "0", BPFQ_TOK_BEYOND },
		{ "1e", BPFQ_K_BAD, "0", 0 },
		{ "1e+", BPFQ_K_BAD, "0", 0 },
		{ ".", BPFQ_K_BAD, "0", 0 },
		{ "-", BPFQ_K_BAD, "0", 0 },
		{ ".e5", BPFQ_K_BAD, "0", 0 },
		{ "1.5.2", BPFQ_K_BAD, "0", 0 },
		{ "NA", BPFQ_K_BAD, "0", 0 },
		{ "  ", BPFQ_K_EMPTY, "0", 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bpfq_field f;
		int flags = records_number(cases[i].text, strlen(cases[i].text), &f);
		char got[64];

		expect_u64(cases[i].text, "kind", cases[i].kind, f.kind);
		expect_u64(cases[i].text, "flags", cases[i].flags, flags);
		num_print_i128(got, sizeof(got), f.kind == BPFQ_K_INT ? (i128)(int64_t)f.lo * BPFQ_SCALE :
			       f.kind == BPFQ_K_DEC ? num_of_field(&f) : 0);
		expect_str(cases[i].text, cases[i].scaled, got);
	}
}

/* Conditions over file alone: one bit each, per path; where's verdict with them known. */
static void expect_file(const char *text, const char *path, uint64_t conds, bool rejected)
{
	struct query *q = checked(text);
	const struct node *at = NULL;
	uint64_t got = ~0ULL;

	expect_u64(text, "eval_file_conds", 0, eval_file_conds(q, path, &got, &at));
	expect_u64(path, "conds", conds, got);
	expect_u64(path, "rejected", rejected, eval_file_rejected(q, got));
	release(q);
}

static void test_file_conds(void)
{
	const char *q = "count() where file like 'a%' and x > 1 or file = 'b' from f";
	const char *mixed = "count() where not (file ~ '[.]gz$' or x > 1) from f";
	struct query *cq = checked(q);

	expect_u64(q, "nfile_conds", 2, cq->nfile_conds);
	expect_u64(q, "where", NODE_OR, cq->where->kind);
	release(cq);
	expect_file(q, "a.txt", 1, false);
	expect_file(q, "b", 2, false);
	expect_file(q, "c.txt", 0, true);
	/* not (T or U) is F: a .gz file is not read; not (F or x > 1) depends on x */
	expect_file(mixed, "x.gz", 1, true);
	expect_file(mixed, "x.txt", 0, false);
	expect_file("count() filter (where file = 'a') from f", "b", 0, false);
	expect_file("count() where length(file) between 2 and 3 and contains(file, '/') from f",
		    "d/e", 1, false);
	expect_answers("file's truth in a record", "count() filter (where file = 'a'), count() "
		       "from f", "1 2 3", "0;3");
}

int main(void)
{
	test_number_forms();
	test_tokens();
	test_where();
	test_errors_at_run_time();
	test_early_stop();
	test_formats();
	test_chunking();
	test_groups_keys();
	test_groups_many();
	test_long_keys();
	test_groups_sorted();
	test_several_keys();
	test_eval_groups();
	test_file_conds();
	return unit_done();
}
