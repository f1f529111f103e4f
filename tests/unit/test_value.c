// SPDX-License-Identifier: MIT
/*
 * Values (lang/value): decimal arithmetic with 18 places (num), where each
 * aggregate's state lies (layout), folding values into states and merging
 * them (aggs), and a state as its printed answer (values), sums wider than
 * 64 bits included.
 */
#include "tests/unit/unit.h"

#define WORDS_TEXTAGG (sizeof(struct bpfq_textagg) / sizeof(uint64_t))

/* Decimals: 18 places, exactly; * and / truncate toward zero. */
static void test_decimal_arithmetic(void)
{
	expect_answers("decimal sums", "sum(x), sum(x * 3), sum(x / 4) from f", "0.1 0.2 0.3",
		       "0.6;1.8;0.15");
	expect_answers("1/3 truncates", "sum(x / 3), sum(-x / 3), sum(x % 0.4) from f", "1",
		       "0.333333333333333333;-0.333333333333333333;0.2");
	/* % takes the dividend's sign. */
	expect_answers("division", "sum(x / 7), sum(x % 7), sum(x % -7), sum(-x / 2) from f", "-15",
		       "-2.142857142857142857;-1;-1;7.5");
}

static void test_wide_sums(void)
{
	struct query *q = checked("sum(x), avg(x) from f");
	const char *max = "9223372036854775807\n", *min = "-9223372036854775808\n";
	struct eval *e = eval_new(q, 1000);
	struct outcome o = { 0 };

	for (int i = 0; i < 1000; i++)
		eval_feed(e, max, strlen(max));
	eval_finish(e);
	answers(q, eval_area(e), &o);
	expect_str("1000 x INT64_MAX", "9223372036854775807000", o.v[0]);
	expect_str("1000 x INT64_MAX avg", "9223372036854775807", o.v[1]);
	eval_free(e);

	e = eval_new(q, 1000);
	for (int i = 0; i < 3; i++)
		eval_feed(e, min, strlen(min));
	eval_finish(e);
	answers(q, eval_area(e), &o);
	expect_str("3 x INT64_MIN", "-27670116110564327424", o.v[0]);
	eval_free(e);
	release(q);
}

/* x as a value: x * 10^18, the way num.h keeps it; T(x) is x / 10. */
#define S(x) ((i128)(x) * (i128)BPFQ_SCALE)
#define T(x) (S(x) / 10)

static void expect_i128(const char *what, i128 expected, i128 actual)
{
	char e[48], a[48];

	if (expected == actual) {
		passed++;
		return;
	}
	num_print_i128(e, sizeof(e), expected);
	num_print_i128(a, sizeof(a), actual);
	fail(what, "  expected %s, actual %s (scaled)\n", e, a);
}

static uint32_t neg2(i128 a, i128 b, i128 *r)
{
	return num_neg(a, r);
}

static uint32_t abs2(i128 a, i128 b, i128 *r)
{
	return num_abs(a, r);
}

/* Each operation gives the value in range, truncated toward zero, or an error. */
static void test_num_ops(void)
{
	static const struct {
		const char *what;
		uint32_t (*op)(i128, i128, i128 *);
		i128 a, b, want;
		uint32_t err;
	} cases[] = {
		{ "1 + 2", num_add, S(1), S(2), S(3), 0 },
		{ "max + 10^-18", num_add, NUM_MAX, 1, 0, BPFQ_ERR_OVERFLOW },
		{ "min + -10^-18", num_add, NUM_MIN, -1, 0, BPFQ_ERR_OVERFLOW },
		{ "max + min", num_add, NUM_MAX, NUM_MIN, -1, 0 },
		{ "min - 10^-18", num_sub, NUM_MIN, 1, 0, BPFQ_ERR_OVERFLOW },
		{ "0 - max", num_sub, 0, NUM_MAX, NUM_MIN + 1, 0 },
		{ "1.5 * -2.5", num_mul, T(15), T(-25), S(-375) / 100, 0 },
		{ "10^-18 * 0.5", num_mul, 1, T(5), 0, 0 },
		{ "-10^-18 * 0.5", num_mul, -1, T(5), 0, 0 },
		{ "3.2260000000000004 * 0.000000000236070214", num_mul, 3226000000000000400,
		  236070214, 761562510, 0 },
		{ "max * max", num_mul, NUM_MAX, NUM_MAX, 0, BPFQ_ERR_OVERFLOW },
		{ "2^32 * 2^31", num_mul, S(1LL << 32), S(1LL << 31), NUM_MIN, BPFQ_ERR_OVERFLOW },
		{ "-2^32 * 2^31", num_mul, S(-(1LL << 32)), S(1LL << 31), NUM_MIN, 0 },
		{ "3037000500^2", num_mul, S(3037000500), S(3037000500), 0, BPFQ_ERR_OVERFLOW },
		{ "min * 1", num_mul, NUM_MIN, S(1), NUM_MIN, 0 },
		{ "min * -1", num_mul, NUM_MIN, S(-1), 0, BPFQ_ERR_OVERFLOW },
		{ "1 / 3", num_div, S(1), S(3), 333333333333333333, 0 },
		{ "-1 / 3", num_div, S(-1), S(3), -333333333333333333, 0 },
		{ "max / 7", num_div, NUM_MAX, S(7), (i128)S(1317624576693539401) + 142857142857142857, 0 },
		{ "10^9 / 10^-9", num_div, S(1000000000), 1000000000, S(1000000000000000000), 0 },
		{ "10^10 / 10^-9", num_div, S(10000000000), 1000000000, 0, BPFQ_ERR_OVERFLOW },
		{ "-15 / 2", num_div, S(-15), S(2), T(-75), 0 },
		{ "1 / 0", num_div, S(1), 0, 0, BPFQ_ERR_DIVZERO },
		{ "min / 1", num_div, NUM_MIN, S(1), NUM_MIN, 0 },
		{ "min / -1", num_div, NUM_MIN, S(-1), 0, BPFQ_ERR_OVERFLOW },
		{ "-15 % 7", num_mod, S(-15), S(7), S(-1), 0 },
		{ "15 % -7", num_mod, S(15), S(-7), S(1), 0 },
		{ "1 % 0.4", num_mod, S(1), T(4), T(2), 0 },
		{ "1 % 0", num_mod, S(1), 0, 0, BPFQ_ERR_DIVZERO },
		{ "min % -1", num_mod, NUM_MIN, S(-1), 0, 0 },
		{ "-max", neg2, NUM_MAX, 0, NUM_MIN + 1, 0 },
		{ "-min", neg2, NUM_MIN, 0, 0, BPFQ_ERR_OVERFLOW },
		{ "abs(-3)", abs2, S(-3), 0, S(3), 0 },
		{ "abs(min)", abs2, NUM_MIN, 0, 0, BPFQ_ERR_OVERFLOW },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		i128 r = 0;

		expect_u64(cases[i].what, "error", cases[i].err, cases[i].op(cases[i].a, cases[i].b, &r));
		if (!cases[i].err)
			expect_i128(cases[i].what, cases[i].want, r);
	}
}

/* floor() toward -infinity, 128-bit words, and the decimal text of 128-bit integers. */
static void test_num_conversions(void)
{
	char buf[48];

	expect_s64("floor(2.5)", "floor", 2, num_floor(T(25)));
	expect_s64("floor(-2.5)", "floor", -3, num_floor(T(-25)));
	expect_s64("floor(-2)", "floor", -2, num_floor(S(-2)));
	expect_s64("floor(-10^-18)", "floor", -1, num_floor(-1));
	expect_s64("floor(min)", "floor", INT64_MIN, num_floor(NUM_MIN));
	expect_s64("floor(max)", "floor", INT64_MAX, num_floor(NUM_MAX));
	expect_i128("words -1", -1, num_from_words(UINT64_MAX, -1));
	expect_i128("words 2^64", (i128)1 << 64, num_from_words(0, 1));
	num_print_i128(buf, sizeof(buf), 0);
	expect_str("print 0", "0", buf);
	num_print_i128(buf, sizeof(buf), NUM_MIN);
	expect_str("print min", "-9223372036854775808000000000000000000", buf);
	num_print_i128(buf, sizeof(buf), (i128)((u128)1 << 127));
	expect_str("print -2^127", "-170141183460469231731687303715884105728", buf);
	num_print_u128(buf, sizeof(buf), ~(u128)0);
	expect_str("print 2^128 - 1", "340282366920938463463374607431768211455", buf);
}

#define ALL_KINDS "sum(x), min(x), max(x), avg(x), var(x), stddev_pop(x), hist(x), " \
		  "lhist(x, 0, 100, 10), quantile(x, 0.5), count_distinct(x), count() from f"

/* Values of every kind: integers, decimals, both signs, the ends of the range. */
static i128 sample_value(int i)
{
	static const i128 some[] = { S(0), S(7), S(-3), 1500000000, -1, NUM_MAX, NUM_MIN, S(99),
				     S(100), 250000000, S(1) << 20 };

	return some[i % 11] + S(i / 11);
}

/* Fold values [from, to) into each item's state of a zeroed area. */
static uint64_t *fold_area(const struct query *q, int from, int to)
{
	uint64_t *area = calloc(layout_words(q), sizeof(uint64_t));

	for (int i = 0; i < q->nitems; i++) {
		struct agg_desc d;

		agg_desc_of(q->items[i], &d);
		for (int v = from; v < to; v++)
			agg_fold(&d, area + layout_offset(q, i), sample_value(v));
	}
	return area;
}

/* The answer of query's first item over the values: state, then text. */
static void expect_text(const char *text, const i128 *values, int n, const char *want)
{
	struct query *q = checked(text);
	uint64_t *state = calloc(layout_words(q), sizeof(uint64_t));
	char buf[VALUE_MAX];
	struct agg_desc d;

	struct distinct_set set;

	distinct_init(&set, DISTINCT_MAX);
	agg_desc_of(q->items[0], &d);
	for (int i = 0; i < n; i++) {
		if (d.kind == AGG_EXISTS || d.kind == AGG_COUNT)
			agg_count(state);
		else
			agg_fold(&d, state, values[i]);
		/* count_distinct's set, as the evaluator keeps it */
		if (d.kind == AGG_COUNT_DISTINCT)
			distinct_put(&set, state, 0, 0, (uint64_t)values[i],
				     (uint64_t)((u128)values[i] >> 64));
	}
	distinct_free(&set);
	value_text(&d, state, buf, sizeof(buf));
	expect_str(text, want, buf);
	expect_u64(text, "null", !strcmp(want, "null"), value_is_null(&d, state));
	free(state);
	release(q);
}

/* NULL for no values; exact decimals; avg, var, stddev exact when they end, else doubles. */
static void test_value_text(void)
{
	static const i128 none[1], one_two[] = { S(1), S(2) }, thirds[] = { S(1), S(1), S(2) };
	static const i128 fifths[] = { S(2), S(2), S(1) }, neg[] = { S(-2), S(-2), S(-1) };
	static const i128 tenths[] = { T(1), T(2) }, half[] = { T(-5) };
	static const i128 tiny[] = { 500000000000 }, tiny_neg[] = { -500000000000 };
	static const i128 ends[] = { NUM_MAX, NUM_MIN }, last[] = { 1 };
	static const i128 four[] = { S(1), S(2), S(3), S(4) };

	expect_text("sum(x) from f", none, 0, "null");
	expect_text("avg(x) from f", none, 0, "null");
	expect_text("var(x) from f", one_two, 1, "null");
	expect_text("count() from f", none, 0, "0");
	expect_text("exists(x > 1) from f", none, 0, "false");
	expect_text("exists(x > 1) from f", none, 1, "true");
	expect_text("count_distinct(x) from f", none, 0, "0");
	expect_text("sum(x) from f", tenths, 2, "0.3");
	expect_text("min(x) from f", half, 1, "-0.5");
	expect_text("max(x) from f", ends, 2, "9223372036854775807.999999999999999999");
	expect_text("min(x) from f", ends, 2, "-9223372036854775808");
	expect_text("sum(x) from f", ends, 2, "-0.000000000000000001");
	expect_text("avg(x) from f", last, 1, "0.000000000000000001");
	expect_text("avg(x) from f", one_two, 2, "1.5");
	expect_text("avg(x) from f", thirds, 3, "1.3333333333333333");
	expect_text("avg(x) from f", fifths, 3, "1.6666666666666667");
	expect_text("avg(x) from f", neg, 3, "-1.6666666666666667");
	expect_text("avg(x) from f", tiny, 1, "0.0000005");
	expect_text("avg(x) from f", tiny_neg, 1, "-0.0000005");
	expect_text("var(x) from f", four, 4, "1.6666666666666667");
	expect_text("var_pop(x) from f", four, 4, "1.25");
	expect_text("stddev_pop(x) from f", four, 4, "1.118033988749895");
	expect_text("count_distinct(x) from f", four, 4, "4");
	expect_text("count_distinct(x) from f", fifths, 3, "2");
	expect_text("count_distinct(x) from f", tenths, 2, "2");
	expect_text("stddev_pop(x) from f", one_two, 2, "0.5");
}

static void expect_number(const char *num, const char *den, bool exact, const char *want)
{
	char buf[VALUE_MAX], name[128];
	mpq_t v;

	mpq_init(v);
	mpz_set_str(mpq_numref(v), num, 10);
	mpz_set_str(mpq_denref(v), den, 10);
	mpq_canonicalize(v);
	value_print_number(v, exact, buf, sizeof(buf));
	snprintf(name, sizeof(name), "%s / %s%s", num, den, exact ? "" : " (a root)");
	expect_str(name, want, buf);
	mpq_clear(v);
}

/*
 * Exact up to 38 digits, else the nearest double as Python's repr() prints
 * it (the wanted texts are Python's: repr(num / den) on Fractions).
 */
static void test_print_number(void)
{
	expect_number("0", "1", true, "0");
	expect_number("-7", "2", true, "-3.5");
	expect_number("338", "1000000", true, "0.000338");
	expect_number("1", "3", true, "0.3333333333333333");
	expect_number("-2", "3", true, "-0.6666666666666666");
	expect_number("1", "30000", true, "3.3333333333333335e-05");
	expect_number("1", "3000", true, "0.0003333333333333333");
	expect_number("10000000000000001", "3", true, "3333333333333333.5");
	expect_number("100000000000000001", "3", true, "3.3333333333333332e+16");
	expect_number("27021597764222977", "3", true, "9007199254740992.0");
	expect_number("1", "1073741824", true, "0.000000000931322574615478515625");
	expect_number("1", "1099511627776", true, "9.094947017729282e-13");
	expect_number("1", "1125899906842624", true, "8.881784197001252e-16");
	expect_number("12345678901234567890123456789012345678", "1", true,
		      "12345678901234567890123456789012345678");
	expect_number("123456789012345678901234567890123456789", "1", true,
		      "1.2345678901234568e+38");
	expect_number("1", "100000000000000000000000000000000000000", true,
		      "0.00000000000000000000000000000000000001");
	expect_number("1", "1000000000000000000000000000000000000000", true, "1e-39");
	/* Ties to even: 2^53 + 1 is halfway; above it by a root's remainder rounds up. */
	expect_number("9007199254740993", "1", false, "9007199254740994.0");
	expect_number("9007199254740995", "1", false, "9007199254740996.0");
	expect_number("9007199254740993", "1000", true, "9007199254740.993");
}

/* Each state's words follow the one before; the area is their sum, and fits a map value. */
static void test_layout(void)
{
	struct query *q = checked(ALL_KINDS);
	int words = 0;

	for (int i = 0; i < q->nitems; i++) {
		struct agg_desc d;

		agg_desc_of(q->items[i], &d);
		expect_u64(ALL_KINDS, "offset", words, layout_offset(q, i));
		expect_u64(ALL_KINDS, "desc words", layout_agg_words(q->items[i]), d.words);
		words += d.words;
	}
	expect_u64(ALL_KINDS, "words", words, layout_words(q));
	expect_u64(ALL_KINDS, "hist words", 1 + BPFQ_HIST_BUCKETS, layout_agg_words(q->items[6]));
	expect_u64(ALL_KINDS, "fits", 1, layout_words(q) <= LAYOUT_MAX_WORDS);
	release(q);
}

/* hist: (..., 0), [0, 1), [1, 2), [2, 4), ...; lhist: below lo, step by step, hi and above. */
static void test_buckets(void)
{
	static const struct {
		i128 v;
		int hist, lhist;
	} cases[] = {
		{ NUM_MIN, 0, 0 }, { -1, 0, 0 }, { 0, 1, 1 }, { S(1) - 1, 1, 1 }, { S(1), 2, 1 },
		{ S(2) - 1, 2, 1 }, { S(2), 3, 1 }, { S(4), 4, 1 }, { S(10), 5, 2 },
		{ S(99), 8, 10 }, { S(100), 8, 11 }, { NUM_MAX, 64, 11 },
	};
	struct query *q = checked("lhist(x, 0, 100, 10) from f");
	struct agg_desc d;

	agg_desc_of(q->items[0], &d);
	expect_u64("lhist(x, 0, 100, 10)", "buckets", 12, d.nbuckets);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char what[64];

		num_print_i128(what, sizeof(what), cases[i].v);
		expect_u64(what, "hist bucket", cases[i].hist, agg_hist_bucket(cases[i].v));
		expect_u64(what, "lhist bucket", cases[i].lhist, agg_lhist_bucket(&d, cases[i].v));
	}
	release(q);
}

/* Whether v's quantile bucket has a bound toward zero within 2^-bits of v, mirrored for -v. */
static bool quantile_bucket_ok(i128 v, int b, int bits)
{
	i128 lo = agg_quantile_value(b, bits);
	int mid = BPFQ_Q_PER_SIGN_OF(bits);

	/* Below 2^bits * 2^-30 the buckets are 2^-30 wide: their bound is within that. */
	i128 width = BPFQ_SCALE >> 30;

	return b >= 0 && b < BPFQ_Q_BUCKETS_OF(bits) && lo >= 0 && lo <= v &&
	       v - lo <= (v >> bits) + width + 1 && agg_quantile_bucket(-v, bits) == 2 * mid - b &&
	       agg_quantile_value(2 * mid - b, bits) == -lo;
}

/* Values of every magnitude in increasing order: their buckets must follow, at either bits. */
static void test_quantile_buckets(void)
{
	static const int bits[] = { BPFQ_Q_BITS, BPFQ_Q_BITS_GROUP };
	int bad = 0;

	for (int k = 0; k < 2; k++) {
		int last = -1;

		for (int e = 0; e <= 122; e++) {
			for (int j = 0; j < 7; j++) {
				i128 v = ((i128)1 << e) + j * ((i128)1 << e) / 7;
				int b;

				if (v > NUM_MAX)
					break;
				b = agg_quantile_bucket(v, bits[k]);

				if ((b < last || !quantile_bucket_ok(v, b, bits[k])) && !bad++)
					fail("quantile bucket", "  2^%d + %d/7 of it, %d bits: bucket "
					     "%d after %d\n", e, j, bits[k], b, last);
				last = b;
			}
		}
	}
	expect_u64("quantile buckets", "values in a wrong bucket", 0, bad);
}

/* Merging two parts' states gives the whole's, for every kind; merging none changes nothing. */
static void test_merge(void)
{
	struct query *q = checked(ALL_KINDS);
	size_t n = 200, bytes = layout_words(q) * sizeof(uint64_t);
	uint64_t *all = fold_area(q, 0, n), *a = fold_area(q, 0, n / 3), *b = fold_area(q, n / 3, n);
	uint64_t *none = fold_area(q, 0, 0);

	for (int i = 0; i < q->nitems; i++) {
		struct agg_desc d;
		int at = layout_offset(q, i);

		agg_desc_of(q->items[i], &d);
		expect_u64(q->text, "merge", 0, agg_merge(&d, a + at, b + at));
		expect_u64(q->text, "merge none", 0, agg_merge(&d, b + at, none + at));
	}
	expect_u64(q->text, "merged == folded", 0, memcmp(all, a, bytes));
	free(a);
	a = fold_area(q, n / 3, n);
	expect_u64(q->text, "merged none == unchanged", 0, memcmp(a, b, bytes));
	free(all);
	free(a);
	free(b);
	free(none);
	release(q);
}

/* A count that would pass 64 bits, a sum past 128: the merge says so. */
static void test_merge_overflow(void)
{
	struct query *q = checked("count(), sum(x), hist(x) from f");
	uint64_t dst[1 + BPFQ_HIST_BUCKETS] = { UINT64_MAX }, src[1 + BPFQ_HIST_BUCKETS] = { 1 };
	struct bpfq_agg x = { .isum_hi = INT64_MAX }, y = { .isum_hi = INT64_MAX };
	struct agg_desc d;

	agg_desc_of(q->items[0], &d);
	expect_s64("count overflow", "merge", -1, agg_merge(&d, dst, src));
	agg_desc_of(q->items[1], &d);
	expect_s64("sum overflow", "merge", -1, agg_merge(&d, (uint64_t *)&x, (uint64_t *)&y));
	agg_desc_of(q->items[2], &d);
	dst[0] = src[0] = 0;
	dst[5] = UINT64_MAX;
	src[5] = 2;
	expect_s64("bucket overflow", "merge", -1, agg_merge(&d, dst, src));
	release(q);
}

/* A text of len bytes, all c but the last, d (the bytes past BPFQ_TEXT_MAX folded into tail). */
static struct bpfq_text text_of(uint32_t len, char c, char d)
{
	struct bpfq_text t = { .len = len, .present = 1 };

	for (uint32_t i = 0; i < len; i++) {
		uint8_t b = i + 1 == len ? d : c;

		if (i < BPFQ_TEXT_MAX)
			t.bytes[i] = b;
		else
			t.tail = bpfq_json_fold1(t.tail, b);
	}
	return t;
}

/* min and max of text: byte order, the shorter first; a long answer is known as one. */
static void test_text_extremes(void)
{
	struct agg_desc min = { .kind = AGG_MIN, .text = true }, max = { .kind = AGG_MAX, .text = true };
	uint64_t lo[WORDS_TEXTAGG] = { 0 }, hi[WORDS_TEXTAGG] = { 0 }, other[WORDS_TEXTAGG] = { 0 };
	struct bpfq_text t[] = { text_of(3, 'b', 'b'), text_of(2, 'b', 'b'), text_of(3, 'b', 'c'),
				 text_of(300, 'a', 'z'), text_of(300, 'a', 'y') };
	char buf[VALUE_MAX];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		agg_fold_text(lo, &t[i], false);
		agg_fold_text(hi, &t[i], true);
	}
	expect_u64("min of text", "long", 1, agg_text_long(&min, lo));
	value_text(&max, hi, buf, sizeof(buf));
	expect_str("max of text", "bbc", buf);
	/* the two long ones agree on their kept bytes: a shorter one orders before both */
	agg_fold_text(other, &(struct bpfq_text){ .len = 1, .present = 1, .bytes = "a" }, false);
	expect_u64("merge", "status", 0, agg_merge(&min, lo, other));
	value_text(&min, lo, buf, sizeof(buf));
	expect_str("merged min of text", "a", buf);
	expect_u64("merged min of text", "long", 0, agg_text_long(&min, lo));
	expect_u64("merged min of text", "count", 6, lo[0]);
	/* the hash takes every byte: the tail, and the length */
	expect_u64("hash of long texts", "differ", 1, agg_text_hash(&t[3]) != agg_text_hash(&t[4]));
	expect_u64("hash of texts", "differ", 1, agg_text_hash(&t[0]) != agg_text_hash(&t[1]));
	t[1] = text_of(3, 'b', 'b');
	expect_u64("hash of texts", "equal", agg_text_hash(&t[0]), agg_text_hash(&t[1]));
}

int main(void)
{
	test_num_ops();
	test_num_conversions();
	test_decimal_arithmetic();
	test_layout();
	test_value_text();
	test_print_number();
	test_buckets();
	test_quantile_buckets();
	test_merge();
	test_merge_overflow();
	test_text_extremes();
	test_wide_sums();
	return unit_done();
}
