// SPDX-License-Identifier: MIT
/* Aggregate states as answers; the exact arithmetic is GMP's. */
#include <gmp.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "lang/value/exact.h"
#include "lang/value/layout.h"
#include "lang/value/timestamp.h"
#include "lang/value/values.h"

static void mpz_set_i128(mpz_t z, i128 v)
{
	u128 m = v < 0 ? -(u128)v : (u128)v;

	mpz_set_ui(z, (unsigned long)(m >> 64));
	mpz_mul_2exp(z, z, 64);
	mpz_add_ui(z, z, (unsigned long)(uint64_t)m);
	if (v < 0)
		mpz_neg(z, z);
}

/* A two's complement number of n 64-bit words. */
static void mpz_set_words(mpz_t z, const __u64 *w, int n, bool is_signed)
{
	mpz_set_ui(z, 0);
	for (int i = n - 1; i >= 0; i--) {
		mpz_mul_2exp(z, z, 64);
		mpz_add_ui(z, z, (unsigned long)w[i]);
	}
	if (is_signed && (w[n - 1] >> 63)) {
		mpz_t full;

		mpz_init(full);
		mpz_ui_pow_ui(full, 2, 64 * n);
		mpz_sub(z, z, full);
		mpz_clear(full);
	}
}

/* z / 10^scale as text, exact: trailing zeros of the fraction cut. */
static void print_scaled(const mpz_t z, int scale, char *buf, size_t size)
{
	mpz_t ip, fp, ten;
	char *s, *f;
	size_t n;

	mpz_inits(ip, fp, ten, NULL);
	mpz_ui_pow_ui(ten, 10, scale);
	mpz_tdiv_qr(ip, fp, z, ten);
	mpz_abs(fp, fp);
	s = mpz_get_str(NULL, 10, ip);
	f = mpz_get_str(NULL, 10, fp);
	n = strlen(f);
	/* "-0.5": the integer part lost the sign. */
	snprintf(buf, size, "%s%s", mpz_sgn(z) < 0 && mpz_sgn(ip) == 0 ? "-" : "", s);
	if (mpz_sgn(fp)) {
		char frac[VALUE_MAX];
		int len;

		memset(frac, '0', scale - n);
		snprintf(frac + scale - n, sizeof(frac) - (scale - n), "%s", f);
		len = strlen(frac);
		while (len && frac[len - 1] == '0')
			frac[--len] = 0;
		snprintf(buf + strlen(buf), size - strlen(buf), ".%s", frac);
	}
	mpz_clears(ip, fp, ten, NULL);
	free(s);
	free(f);
}

/*
 * An approximation of an irrational value (a square root) keeps at least
 * this many significant bits: far more than a double's 53, so its error
 * only moves bits below the rounding point.
 */
#define ROOT_BITS 256

/* An exact answer's digits, its fraction's zeros counted, as in DuckDB's DECIMAL(38, s). */
#define EXACT_DIGITS 38

/* num / den (den > 0) into v. */
static void set_quotient(mpq_t v, const mpz_t num, const mpz_t den)
{
	mpq_set_num(v, num);
	mpq_set_den(v, den);
	mpq_canonicalize(v);
}

/*
 * sqrt(num / den) (num >= 0, den > 0) into v, negated when neg: exact when
 * both are squares once reduced, else floor(sqrt(num / den) * 2^bits) /
 * 2^bits, the true root strictly between it and one unit more.
 */
static bool exact_root(const mpz_t num, const mpz_t den, bool neg, mpq_t v)
{
	mpz_t t, r;
	bool exact;

	mpz_inits(t, r, NULL);
	set_quotient(v, num, den);
	exact = mpz_perfect_square_p(mpq_numref(v)) && mpz_perfect_square_p(mpq_denref(v));
	if (exact) {
		mpz_sqrt(t, mpq_numref(v));
		mpz_sqrt(r, mpq_denref(v));
		mpq_set_num(v, t);
		mpq_set_den(v, r);
	} else {
		/* 2^bits * sqrt(num / den) >= 2^(ROOT_BITS - 1), however small the root. */
		long gap = (long)mpz_sizeinbase(den, 2) - (long)mpz_sizeinbase(num, 2);
		unsigned long bits = ROOT_BITS + (gap > 0 ? (unsigned long)gap / 2 + 1 : 0);

		mpz_mul_2exp(t, num, 2 * bits);
		mpz_fdiv_q(t, t, den);
		mpz_sqrt(r, t);
		mpq_set_z(v, r);
		mpq_div_2exp(v, v, bits);
	}
	if (neg)
		mpq_neg(v, v);
	mpz_clears(t, r, NULL);
	return exact;
}

/*
 * The double nearest v (v != 0, |v| in a double's normal range), ties to
 * even; inexact: the true value lies a little above |v| (a root's floor).
 */
static double nearest_double(const mpq_t v, bool inexact)
{
	mpz_t m, r, den;
	long e, shift;
	unsigned long low, half;
	double d;

	mpz_inits(m, r, den, NULL);
	mpz_abs(m, mpq_numref(v));
	mpz_set(den, mpq_denref(v));
	/* 2^55 <= |v| * 2^-e < 2^57: two bits past the 53 to round, and a sticky one. */
	e = (long)mpz_sizeinbase(m, 2) - (long)mpz_sizeinbase(den, 2) - 56;
	if (e < 0)
		mpz_mul_2exp(m, m, -e);
	else
		mpz_mul_2exp(den, den, e);
	mpz_tdiv_qr(m, r, m, den);
	inexact |= mpz_sgn(r) != 0;
	shift = (long)mpz_sizeinbase(m, 2) - 53;
	low = mpz_get_ui(m) & ((1ul << shift) - 1);
	half = 1ul << (shift - 1);
	mpz_tdiv_q_2exp(m, m, shift);
	if (low > half || (low == half && (inexact || mpz_odd_p(m))))
		mpz_add_ui(m, m, 1);
	d = ldexp(mpz_get_d(m), (int)(e + shift));
	mpz_clears(m, r, den, NULL);
	return mpq_sgn(v) < 0 ? -d : d;
}

/*
 * d as Python's repr() and DuckDB print it: the fewest digits that read
 * back as d, positional from 1e-4 up to 1e16 (with ".0" when whole),
 * else d.ddde-05 / d.ddde+16.
 */
static void print_double(double d, char *buf, size_t size)
{
	static const char zeros[] = "0000000000000000";
	char s[40], digits[20];
	int prec, exp, n = 0;
	const char *p;

	for (prec = 1; prec < 17; prec++) {
		snprintf(s, sizeof(s), "%.*e", prec - 1, d);
		if (strtod(s, NULL) == d)
			break;
	}
	snprintf(s, sizeof(s), "%.*e", prec - 1, d);
	for (p = s + (*s == '-'); *p != 'e'; p++)
		if (*p != '.')
			digits[n++] = *p;
	exp = atoi(p + 1);
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = 0;
	if (exp < -4 || exp >= 16)
		snprintf(buf, size, "%s%c%s%se%c%02d", *s == '-' ? "-" : "", digits[0],
			 n > 1 ? "." : "", digits + 1, exp < 0 ? '-' : '+', abs(exp));
	else if (exp < 0)
		snprintf(buf, size, "%s0.%.*s%s", *s == '-' ? "-" : "", -exp - 1, zeros, digits);
	else if (n <= exp + 1)
		snprintf(buf, size, "%s%s%.*s.0", *s == '-' ? "-" : "", digits, exp + 1 - n, zeros);
	else
		snprintf(buf, size, "%s%.*s.%s", *s == '-' ? "-" : "", exp + 1, digits,
			 digits + exp + 1);
}

/* v as an exact decimal, when it ends within EXACT_DIGITS digits (0.00012: 5). */
static bool print_exact(const mpq_t v, char *buf, size_t size)
{
	mpz_t t, five;
	unsigned long twos, fives, scale;
	char *s;
	size_t len;
	bool ok;

	mpz_inits(t, five, NULL);
	mpz_set_ui(five, 5);
	twos = mpz_scan1(mpq_denref(v), 0);
	mpz_tdiv_q_2exp(t, mpq_denref(v), twos);
	fives = mpz_remove(t, t, five);
	ok = !mpz_cmp_ui(t, 1);
	scale = twos > fives ? twos : fives;
	if (ok) {
		mpz_ui_pow_ui(t, 10, scale);
		mpz_divexact(t, t, mpq_denref(v));
		mpz_mul(t, t, mpq_numref(v));
		s = mpz_get_str(NULL, 10, t);
		len = strlen(s) - (*s == '-');
		ok = len <= EXACT_DIGITS && scale <= EXACT_DIGITS;
		free(s);
	}
	if (ok)
		print_scaled(t, (int)scale, buf, size);
	mpz_clears(t, five, NULL);
	return ok;
}

void value_print_number(const mpq_t v, bool exact, char *buf, size_t size)
{
	/* A root's approximation is 0 only when the difference of two equal ones is. */
	if ((exact || !mpq_sgn(v)) && print_exact(v, buf, size))
		return;
	print_double(nearest_double(v, !exact), buf, size);
}

/* The exact sum, times 10^18: the integers' sum scaled, plus the decimals'. */
static void agg_sum(const struct bpfq_agg *a, mpz_t sum)
{
	mpz_t d;

	mpz_init(d);
	mpz_set_i128(sum, num_from_words(a->isum_lo, a->isum_hi));
	mpz_mul_ui(sum, sum, BPFQ_SCALE);
	mpz_set_words(d, a->dsum, 3, true);
	mpz_add(sum, sum, d);
	mpz_clear(d);
}

/* min or max over both parts, scaled. */
static i128 agg_extreme(const struct bpfq_agg *a, bool max)
{
	i128 i = (i128)(max ? a->imax : a->imin) * BPFQ_SCALE;
	i128 d = num_from_words(max ? a->dmax_lo : a->dmin_lo, max ? a->dmax_hi : a->dmin_hi);

	if (!a->icount)
		return d;
	if (a->count == a->icount)
		return i;
	return max ? (i > d ? i : d) : (i < d ? i : d);
}

/* n * sumsq - sum^2: n^2 times the population variance, times 10^36 (sum is returned too). */
static void spread(const struct bpfq_moments *m, mpz_t out, mpz_t sum)
{
	mpz_t sq;

	mpz_init(sq);
	mpz_set_words(sum, m->sum, 3, true);
	mpz_set_words(sq, m->sumsq, 5, false);
	mpz_mul_ui(out, sq, m->count);
	mpz_mul(sq, sum, sum);
	mpz_sub(out, out, sq);
	mpz_clear(sq);
}

/* var: (n * sumsq - sum^2) / (n * (n or n - 1)) / 10^36; stddev its square root. */
static bool moments_value(const struct agg_desc *d, const struct bpfq_moments *m, mpq_t v)
{
	bool samp = d->kind == AGG_VAR_SAMP || d->kind == AGG_STDDEV_SAMP;
	bool root = d->kind == AGG_STDDEV_SAMP || d->kind == AGG_STDDEV_POP;
	bool exact = true;
	mpz_t sum, num, den, t;

	mpz_inits(sum, num, den, t, NULL);
	spread(m, num, sum);
	mpz_set_ui(den, m->count);
	mpz_mul_ui(den, den, samp ? m->count - 1 : m->count);
	mpz_ui_pow_ui(t, 10, 36);
	mpz_mul(den, den, t);
	if (root)
		exact = exact_root(num, den, false, v);
	else
		set_quotient(v, num, den);
	mpz_clears(sum, num, den, t, NULL);
	return exact;
}

/*
 * The pairs' sums, exact: n, sy and sx (times 10^18), and n^2 times the
 * population covariance and variances (times 10^36): cxy = n * sxy - sx * sy,
 * vx = n * sxx - sx^2, vy likewise.
 */
struct pair_sums {
	mpz_t n, sy, sx, cxy, vx, vy;
};

static void pair_sums(const struct bpfq_comoments *c, struct pair_sums *p)
{
	mpz_t t;

	mpz_inits(p->n, p->sy, p->sx, p->cxy, p->vx, p->vy, t, NULL);
	mpz_set_ui(p->n, c->x.count);
	spread(&c->y, p->vy, p->sy);
	spread(&c->x, p->vx, p->sx);
	mpz_set_words(p->cxy, c->sumxy_pos, 5, false);
	mpz_set_words(t, c->sumxy_neg, 5, false);
	mpz_sub(p->cxy, p->cxy, t);
	mpz_mul(p->cxy, p->cxy, p->n);
	mpz_mul(t, p->sx, p->sy);
	mpz_sub(p->cxy, p->cxy, t);
	mpz_clear(t);
}

static void pair_sums_clear(struct pair_sums *p)
{
	mpz_clears(p->n, p->sy, p->sx, p->cxy, p->vx, p->vy, NULL);
}

/* As DuckDB: NULL with no pairs, covar_samp with one, corr and regr_* when x (or y) is constant. */
static bool pair_is_null(const struct agg_desc *d, const struct bpfq_comoments *c)
{
	struct pair_sums p;
	bool null;

	if (c->x.count < (d->kind == AGG_COVAR_SAMP ? 2u : 1u))
		return true;
	pair_sums(c, &p);
	null = (d->kind == AGG_CORR && !mpz_sgn(p.vy)) ||
	       ((d->kind == AGG_CORR || d->kind == AGG_REGR_SLOPE ||
		 d->kind == AGG_REGR_INTERCEPT) && !mpz_sgn(p.vx));
	pair_sums_clear(&p);
	return null;
}

/*
 * covar_pop = cxy / n^2, covar_samp = cxy / (n (n - 1)), corr = cxy / sqrt(vx vy),
 * regr_slope = cxy / vx, regr_intercept = avg(y) - slope avg(x) = (sy vx - sx cxy) / (n vx):
 * DuckDB's formulas, computed exactly (corr's root aside).
 */
static bool pair_value(const struct agg_desc *d, const struct bpfq_comoments *c, mpq_t v)
{
	struct pair_sums p;
	mpz_t num, den;
	bool exact = true;

	pair_sums(c, &p);
	mpz_inits(num, den, NULL);
	mpz_ui_pow_ui(den, 10, 36);
	switch (d->kind) {
	case AGG_COVAR_POP:
	case AGG_COVAR_SAMP:
		mpz_mul(den, den, p.n);
		mpz_mul_ui(den, den, d->kind == AGG_COVAR_SAMP ? c->x.count - 1 : c->x.count);
		set_quotient(v, p.cxy, den);
		break;
	case AGG_CORR:
		mpz_mul(num, p.cxy, p.cxy);
		mpz_mul(den, p.vx, p.vy);
		exact = exact_root(num, den, mpz_sgn(p.cxy) < 0, v);
		break;
	case AGG_REGR_SLOPE:
		set_quotient(v, p.cxy, p.vx);
		break;
	default:		/* regr_intercept */
		mpz_mul(num, p.sy, p.vx);
		mpz_submul(num, p.sx, p.cxy);
		mpz_mul(den, p.n, p.vx);
		mpz_mul_ui(den, den, BPFQ_SCALE);
		set_quotient(v, num, den);
		break;
	}
	mpz_clears(num, den, NULL);
	pair_sums_clear(&p);
	return exact;
}

/*
 * Ertl's sigma and tau ("New cardinality estimation algorithms for
 * HyperLogLog sketches", 2017): the corrections for the registers still
 * 0 and those at the largest rank, as series summed until a term no longer
 * changes the double.
 */
static double hll_sigma(double x)
{
	double y = 1, z = x, last;

	if (x == 1)
		return INFINITY;
	do {
		x *= x;
		last = z;
		z += x * y;
		y += y;
	} while (z != last);
	return z;
}

static double hll_tau(double x)
{
	double y = 1, z = 1 - x, last;

	if (x == 0 || x == 1)
		return 0;
	do {
		x = sqrt(x);
		last = z;
		y *= 0.5;
		z -= (1 - x) * (1 - x) * y;
	} while (z != last);
	return z / 3;
}

/*
 * Ertl's improved estimator over the histogram of register values. Unlike
 * HyperLogLog's raw estimate with a switch to linear counting, it has no
 * bias where the two meet (a few times the register count), and needs no
 * table of empirical corrections. A register holds 0 (empty) up to
 * q + 1 = 65 - p (the q hash bits after the p of the register index all zero).
 */
static uint64_t hll_estimate(const uint64_t *state, int p)
{
	const int Q = 64 - p;
	const uint8_t *regs = (const uint8_t *)(state + BPFQ_DISTINCT_HEAD);
	unsigned regs_n = 1u << p, count[66] = { 0 };
	double m = regs_n, z;

	for (unsigned i = 0; i < regs_n; i++)
		count[regs[i] <= Q + 1 ? regs[i] : Q + 1]++;
	if (count[0] == regs_n)
		return 0;
	z = m * hll_tau(1 - count[Q + 1] / m);
	for (int k = Q; k >= 1; k--)
		z = 0.5 * (z + count[k]);
	z += m * hll_sigma(count[0] / m);
	return (uint64_t)llround(m * m / (2 * log(2) * z));
}

bool value_distinct_estimated(const struct agg_desc *d, const uint64_t *state)
{
	return d->kind == AGG_COUNT_DISTINCT && state[BPFQ_DISTINCT_FULL];
}

double value_hll_error(int p)
{
	return 1.04 / sqrt((double)(1u << p));
}

/* exact_answer()'s words: the mean of its two values, exact (a + b may pass 128 bits). */
static void exact_value(const uint64_t *w, mpq_t v)
{
	mpz_t b;

	mpz_init(b);
	mpz_set_i128(mpq_numref(v), num_from_words(w[1], (int64_t)w[2]));
	mpz_set_i128(b, num_from_words(w[3], (int64_t)w[4]));
	mpz_add(mpq_numref(v), mpq_numref(v), b);
	mpz_set_ui(mpq_denref(v), 2 * BPFQ_SCALE);
	mpq_canonicalize(v);
	mpz_clear(b);
}

/* quantile: the lower bound of the bucket holding rank (1 to the count). */
static i128 bucket_at(const struct agg_desc *d, const uint64_t *state, u128 rank)
{
	u128 seen = 0;

	for (int b = 0; b < BPFQ_Q_BUCKETS_OF(d->q_bits); b++) {
		seen += agg_quantile_count(d, state, b);
		if (seen >= rank)
			return agg_quantile_value(b, d->q_bits);
	}
	return 0;
}

/*
 * quantile's estimate: the bucket of rank ceil(q * n); a median's of an
 * even n, the mean of ranks n / 2 and n / 2 + 1, each within the bound of
 * its value, as the mean is then of theirs.
 */
static void quantile_value(const struct agg_desc *d, const uint64_t *state, mpq_t v)
{
	u128 n = state[0], rank = (n * (u128)d->q + BPFQ_SCALE - 1) / BPFQ_SCALE;
	uint64_t w[LAYOUT_EXACT_WORDS] = { 0 };
	i128 a, b;

	if (rank < 1)
		rank = 1;
	a = b = bucket_at(d, state, rank);
	if (d->mid && n % 2 == 0 && n)
		b = bucket_at(d, state, rank + 1);
	w[1] = (uint64_t)a;
	w[2] = (uint64_t)((u128)a >> 64);
	w[3] = (uint64_t)b;
	w[4] = (uint64_t)((u128)b >> 64);
	exact_value(w, v);
}

bool value_is_null(const struct agg_desc *d, const uint64_t *state)
{
	switch (d->kind) {
	case AGG_COUNT:
	case AGG_EXISTS:
	case AGG_COUNT_DISTINCT:
		return false;
	case AGG_VAR_SAMP:
	case AGG_STDDEV_SAMP:
		return state[0] < 2;
	case AGG_COVAR_POP:
	case AGG_COVAR_SAMP:
	case AGG_CORR:
	case AGG_REGR_SLOPE:
	case AGG_REGR_INTERCEPT:
		return pair_is_null(d, (const struct bpfq_comoments *)state);
	default:
		return !state[0];
	}
}

bool value_is_hist(const struct agg_desc *d)
{
	return d->kind == AGG_HIST || d->kind == AGG_LHIST;
}

bool value_time(const struct agg_desc *d, const uint64_t *state, int64_t *t)
{
	if (!d->time || value_is_null(d, state))
		return false;
	*t = num_floor(agg_extreme((const struct bpfq_agg *)state, d->kind == AGG_MAX));
	return true;
}

void value_plain_bytes(const uint8_t *s, size_t n, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = 0;
	for (size_t i = 0; i < n && len + 5 < size; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
			len += snprintf(buf + len, size - len, "%c", s[i]);
		else
			len += snprintf(buf + len, size - len, "\\x%02x", s[i]);
	}
}

const uint8_t *value_textagg(const struct agg_desc *d, const uint64_t *state, size_t *len)
{
	const struct bpfq_textagg *t = (const struct bpfq_textagg *)state;

	if (!d->text || value_is_null(d, state))
		return NULL;
	*len = t->len < BPFQ_TEXT_MAX ? t->len : BPFQ_TEXT_MAX;
	return t->bytes;
}

void value_set_scaled(mpq_t v, i128 scaled)
{
	mpz_set_i128(mpq_numref(v), scaled);
	mpz_set_ui(mpq_denref(v), BPFQ_SCALE);
	mpq_canonicalize(v);
}

bool value_number(const struct agg_desc *d, const uint64_t *state, mpq_t v)
{
	const struct bpfq_agg *a = (const struct bpfq_agg *)state;

	switch (d->kind) {
	case AGG_COUNT:
		mpq_set_ui(v, state[0], 1);
		return true;
	case AGG_EXISTS:
		mpq_set_ui(v, state[0] != 0, 1);
		return true;
	case AGG_COUNT_DISTINCT:
		if (value_distinct_estimated(d, state))
			mpq_set_ui(v, state[0] ? hll_estimate(state, d->hll_p) : 0, 1);
		else
			mpq_set_ui(v, state[BPFQ_DISTINCT_NEW], 1);
		return true;
	case AGG_QUANTILE:
		if (exact_estimated(d, state))
			quantile_value(d, state, v);
		else
			exact_value(exact_words(d, state), v);
		return true;
	case AGG_QUANTILE_EXACT:	/* exact_answer() put it there */
		exact_value(state, v);
		return true;
	case AGG_MIN:
	case AGG_MAX:
		value_set_scaled(v, agg_extreme(a, d->kind == AGG_MAX));
		return true;
	case AGG_SUM:
	case AGG_AVG:
		agg_sum(a, mpq_numref(v));
		mpz_set_ui(mpq_denref(v), BPFQ_SCALE);
		if (d->kind == AGG_AVG)
			mpz_mul_ui(mpq_denref(v), mpq_denref(v), a->count);
		mpq_canonicalize(v);
		return true;
	case AGG_COVAR_POP:
	case AGG_COVAR_SAMP:
	case AGG_CORR:
	case AGG_REGR_SLOPE:
	case AGG_REGR_INTERCEPT:
		return pair_value(d, (const struct bpfq_comoments *)state, v);
	default:
		return moments_value(d, (const struct bpfq_moments *)state, v);
	}
}

/* A value of 18 decimals or fewer; the others are quotients and roots. */
static bool is_decimal(enum agg_kind k)
{
	return k == AGG_COUNT || k == AGG_COUNT_DISTINCT || k == AGG_SUM || k == AGG_MIN ||
	       k == AGG_MAX || k == AGG_QUANTILE || k == AGG_QUANTILE_EXACT;
}

static void computed_text(const uint64_t *state, char *buf, size_t size)
{
	snprintf(buf, size, "%.*s", (int)((VALUE_COMPUTED_WORDS - 1) * sizeof(*state)),
		 (const char *)(state + 1));
}

void value_set_computed(uint64_t *state, const mpq_t v, bool exact, bool null)
{
	memset(state, 0, VALUE_COMPUTED_WORDS * sizeof(*state));
	state[0] = !null;
	if (!null)
		value_print_number(v, exact, (char *)(state + 1),
				   (VALUE_COMPUTED_WORDS - 1) * sizeof(*state));
}

void value_text(const struct agg_desc *d, const uint64_t *state, char *buf, size_t size)
{
	size_t len = 0;
	const uint8_t *text = value_textagg(d, state, &len);
	int64_t t;
	mpq_t v;
	mpz_t z;
	bool exact;

	if (value_is_null(d, state)) {
		snprintf(buf, size, "null");
		return;
	}
	switch (d->kind) {
	case AGG_EXISTS:
		snprintf(buf, size, "%s", state[0] ? "true" : "false");
		return;
	case AGG_NONE:
		computed_text(state, buf, size);
		return;
	case AGG_MIN:
	case AGG_MAX:
		if (text) {
			value_plain_bytes(text, len, buf, size);
			return;
		}
		if (value_time(d, state, &t)) {
			ts_format(t, false, d->clock, buf, size);
			return;
		}
		break;
	default:
		break;
	}
	mpq_init(v);
	exact = value_number(d, state, v);
	/* a median's mean of two values may take a 19th decimal */
	if (is_decimal(d->kind) && mpz_cmp_ui(mpq_denref(v), BPFQ_SCALE) <= 0 &&
	    BPFQ_SCALE % mpz_get_ui(mpq_denref(v)) == 0) {
		/* Counts, sums, extremes: exact at any length, as both engines keep them. */
		mpz_init_set_ui(z, BPFQ_SCALE);
		mpz_divexact(z, z, mpq_denref(v));
		mpz_mul(z, z, mpq_numref(v));
		print_scaled(z, 18, buf, size);
		mpz_clear(z);
	} else {
		value_print_number(v, exact, buf, size);
	}
	mpq_clear(v);
}

/* bpftrace's power-of-two labels: 1024 is 1K, 2^20 is 1M, ... */
static void pow2_label(int k, char *buf, size_t size)
{
	static const char suffix[] = "KMGTPE";

	if (k < 10)
		snprintf(buf, size, "%d", 1 << k);
	else
		snprintf(buf, size, "%d%c", 1 << (k % 10), suffix[k / 10 - 1]);
}

/* hist bucket b: (..., 0), [0, 1), [1, 2), [2, 4), ... */
static void hist_bounds(int b, struct bucket *out)
{
	out->lo[0] = out->hi[0] = 0;
	if (b == 0) {
		snprintf(out->hi, sizeof(out->hi), "0");
	} else if (b == 1) {
		snprintf(out->lo, sizeof(out->lo), "0");
		snprintf(out->hi, sizeof(out->hi), "1");
	} else {
		pow2_label(b - 2, out->lo, sizeof(out->lo));
		pow2_label(b - 1, out->hi, sizeof(out->hi));
	}
}

static void lhist_bounds(const struct agg_desc *d, int b, struct bucket *out)
{
	out->lo[0] = out->hi[0] = 0;
	if (b > 0) {
		__int128 lo = (__int128)d->lo + (__int128)(b - 1) * d->step;

		snprintf(out->lo, sizeof(out->lo), "%" PRId64,
			 b == d->nbuckets - 1 ? d->hi : (int64_t)lo);
	}
	if (b < d->nbuckets - 1) {
		__int128 hi = (__int128)d->lo + (__int128)b * d->step;

		snprintf(out->hi, sizeof(out->hi), "%" PRId64, (int64_t)(hi > d->hi ? d->hi : hi));
	}
}

int value_buckets(const struct agg_desc *d, const uint64_t *state, struct bucket *out, int max)
{
	int first = -1, last = -1, n = 0;

	for (int b = 0; b < d->nbuckets; b++) {
		if (state[1 + b]) {
			if (first < 0)
				first = b;
			last = b;
		}
	}
	for (int b = first; first >= 0 && b <= last && n < max; b++, n++) {
		if (d->kind == AGG_HIST)
			hist_bounds(b, &out[n]);
		else
			lhist_bounds(d, b, &out[n]);
		out[n].count = state[1 + b];
	}
	return n;
}

static uint8_t fold(uint8_t c, int match)
{
	return (match & BPFQ_MATCH_CI) && c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static bool same_bytes(const uint8_t *t, const uint8_t *p, size_t m, int match)
{
	for (size_t i = 0; i < m; i++)
		if (fold(t[i], match) != fold(p[i], match))
			return false;
	return true;
}

/*
 * A like pattern: '%' any bytes, '_' one. Two positions and the last '%'
 * seen: a mismatch after it retries one byte further along the text, so
 * the work is at most n * m steps (no backtracking over every '%').
 */
static bool like_match(const uint8_t *t, size_t n, const uint8_t *p, size_t m, int match)
{
	size_t i = 0, j = 0, star = SIZE_MAX, mark = 0;

	while (i < n) {
		if (j < m && p[j] != '%' && (p[j] == '_' || fold(p[j], match) == fold(t[i], match))) {
			i++;
			j++;
		} else if (j < m && p[j] == '%') {
			star = j++;
			mark = i;
		} else if (star != SIZE_MAX) {
			j = star + 1;
			i = ++mark;
		} else {
			return false;
		}
	}
	while (j < m && p[j] == '%')
		j++;
	return j == m;
}

bool text_match(const uint8_t *t, size_t n, const uint8_t *p, size_t m, int match)
{
	if (match & BPFQ_MATCH_WILD)
		return like_match(t, n, p, m, match);
	if (m > n)
		return false;
	switch (match & (BPFQ_MATCH_LEAD | BPFQ_MATCH_TRAIL)) {
	case BPFQ_MATCH_TRAIL:
		return same_bytes(t, p, m, match);
	case BPFQ_MATCH_LEAD:
		return same_bytes(t + n - m, p, m, match);
	case BPFQ_MATCH_LEAD | BPFQ_MATCH_TRAIL:
		for (size_t i = 0; i + m <= n; i++)
			if (same_bytes(t + i, p, m, match))
				return true;
		return false;
	default:
		return n == m && same_bytes(t, p, m, match);
	}
}
