// SPDX-License-Identifier: MIT
/*
 * The engine (lang/engine): the reference evaluator over text, csv and
 * binary records: the tokens it counts, where, run-time errors, early
 * stops; and its answers must not depend on how the input is cut into
 * chunks.
 */
#include "tests/unit/unit.h"

static const char *const inputs[] = {
	"",
	"5",
	"5\n",
	"  -3,4\r\n+7 abc 1x -",
	"9223372036854775807 -9223372036854775808 9223372036854775808",
	"1 2 3 4 5 6 7 8 9 10\n-1,-2,-3\t\t+4\v5\f6\r\n,,, 007 -0 +0 --1 +-2 1- 99999999999999999999",
	"123456789012 -98765\n",
	"1.5 -0.25 2. .5 3.000000000 0.0000000001 12.5x 7",
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
	expect_answers("mixed", q, "  -3,4\r\n+7 abc 1x -", "3;8;-3;7;2.666667");

	o = run(cq, "9223372036854775807 -9223372036854775808 9223372036854775808", 60, 0);
	expect_u64("limits", "malformed", 1, o.r.malformed);
	expect_u64("limits", "malformed_off", 41, o.r.malformed_off);
	expect_answers("limits", q, "9223372036854775807 -9223372036854775808 9223372036854775808",
		       "2;-1;-9223372036854775808;9223372036854775807;-0.5");

	memset(zeros, '0', 1000);
	memcpy(zeros + 1000, "42", 3);
	expect_answers("1000 zeros then 42", q, zeros, "1;42;42;42;42");

	o = run(cq, inputs[5], strlen(inputs[5]), 0);
	/* 1..10, -1 -2 -3 4 5 6, 7 0 0; --1 +-2 1- and the 20 digits are malformed. */
	expect_u64("many per line", "records", 19, o.r.records);
	expect_u64("many per line", "malformed", 4, o.r.malformed);
	expect_u64("many per line", "malformed_off", strstr(inputs[5], "--1") - inputs[5],
		   o.r.malformed_off);
	expect_answers("many per line", q, inputs[5], "19;71;-3;10;3.736842");

	o = run(cq, "+", 1, 0);
	expect_u64("lone sign", "malformed", 1, o.r.malformed);
	expect_u64("lone sign", "records", 0, o.r.records);
	release(cq);

	/* Decimal fields: 9 places, exactly; "2." and ".5" are no numbers, nor are 10 places. */
	o = run(cq = checked(q), inputs[7], strlen(inputs[7]), 0);
	expect_u64("decimals", "malformed", 4, o.r.malformed);
	expect_answers("decimals", q, inputs[7], "4;11.25;-0.25;7;2.8125");
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
	expect_answers_n("i16be", "sum(x), min(x) from f as i16be", "\x01\x00\xff\xfe", 4,
			 "254;-2");
	expect_answers_n("record", "sum(b), sum(a) from f as record(a:u8, b:i32)",
			 "\x01\x02\x00\x00\x00\x03\xff\xff\xff\xff", 10, "1;4");
	expect_answers_n("u64 past int64", "count(), sum(x) from f as u64",
			 "\xff\xff\xff\xff\xff\xff\xff\xff\x05\x00\x00\x00\x00\x00\x00\x00", 16,
			 "1;5");
}

int main(void)
{
	test_tokens();
	test_where();
	test_errors_at_run_time();
	test_early_stop();
	test_formats();
	test_chunking();
	return unit_done();
}
