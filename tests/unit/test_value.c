// SPDX-License-Identifier: MIT
/*
 * Values (lang/value): decimal arithmetic with 9 places, sums wider than
 * 64 bits, and an aggregate's state as its printed answer.
 */
#include "tests/unit/unit.h"

/* Decimals: 9 places, exactly; * and / truncate toward zero. */
static void test_decimal_arithmetic(void)
{
	expect_answers("decimal sums", "sum(x), sum(x * 3), sum(x / 4) from f", "0.1 0.2 0.3",
		       "0.6;1.8;0.15");
	expect_answers("1/3 truncates", "sum(x / 3), sum(-x / 3), sum(x % 0.4) from f", "1",
		       "0.333333333;-0.333333333;0.2");
	/* % takes the dividend's sign. */
	expect_answers("division", "sum(x / 7), sum(x % 7), sum(x % -7), sum(-x / 2) from f", "-15",
		       "-2.142857142;-1;-1;7.5");
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

int main(void)
{
	test_decimal_arithmetic();
	test_wide_sums();
	return unit_done();
}
