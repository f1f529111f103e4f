// SPDX-License-Identifier: MIT
/* Aggregate states as answers; the exact arithmetic is GMP's. */
#include <gmp.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "lang/value/timestamp.h"
#include "lang/value/values.h"

#define AVG_DIGITS 6

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
		char frac[64];
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

/* num / den, rounded half away from zero to 6 decimals. */
static void print_quotient(const mpz_t num, const mpz_t den, char *buf, size_t size)
{
	mpz_t q, r, n;

	mpz_inits(q, r, n, NULL);
	mpz_ui_pow_ui(n, 10, AVG_DIGITS);
	mpz_mul(n, n, num);
	mpz_abs(n, n);
	mpz_tdiv_qr(q, r, n, den);
	mpz_mul_2exp(r, r, 1);
	if (mpz_cmp(r, den) >= 0)
		mpz_add_ui(q, q, 1);
	if (mpz_sgn(num) < 0)
		mpz_neg(q, q);
	print_scaled(q, AVG_DIGITS, buf, size);
	mpz_clears(q, r, n, NULL);
}

/* The exact sum, times 10^9: the integers' sum scaled, plus the decimals'. */
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

/* n * sumsq - sum^2: n^2 times the population variance, times 10^18 (sum is returned too). */
static void spread(const struct bpfq_moments *m, mpz_t out, mpz_t sum)
{
	mpz_t sq;

	mpz_init(sq);
	mpz_set_words(sum, m->sum, 3, true);
	mpz_set_words(sq, m->sumsq, 4, false);
	mpz_mul_ui(out, sq, m->count);
	mpz_mul(sq, sum, sum);
	mpz_sub(out, out, sq);
	mpz_clear(sq);
}

/* sqrt(num / den) (num >= 0), negated when neg, rounded half away from zero to 6 decimals. */
static void print_root(mpz_t num, const mpz_t den, bool neg, char *buf, size_t size)
{
	mpz_t t;

	/* round(sqrt(num / den) * 10^6) = floor((isqrt(4 * num * 10^12 / den) + 1) / 2) */
	mpz_init(t);
	mpz_ui_pow_ui(t, 10, 2 * AVG_DIGITS);
	mpz_mul(num, num, t);
	mpz_mul_2exp(num, num, 2);
	mpz_fdiv_q(num, num, den);
	mpz_sqrt(num, num);
	mpz_add_ui(num, num, 1);
	mpz_fdiv_q_2exp(num, num, 1);
	if (neg)
		mpz_neg(num, num);
	print_scaled(num, AVG_DIGITS, buf, size);
	mpz_clear(t);
}

/* var: (n * sumsq - sum^2) / (n * (n or n - 1)) / 10^18; stddev its square root. */
static void print_moments(const struct agg_desc *d, const struct bpfq_moments *m, char *buf,
			  size_t size)
{
	bool samp = d->kind == AGG_VAR_SAMP || d->kind == AGG_STDDEV_SAMP;
	bool root = d->kind == AGG_STDDEV_SAMP || d->kind == AGG_STDDEV_POP;
	mpz_t sum, num, den, t;

	mpz_inits(sum, num, den, t, NULL);
	spread(m, num, sum);
	mpz_set_ui(den, m->count);
	mpz_mul_ui(den, den, samp ? m->count - 1 : m->count);
	mpz_ui_pow_ui(t, 10, 18);
	mpz_mul(den, den, t);
	if (!root)
		print_quotient(num, den, buf, size);
	else
		print_root(num, den, false, buf, size);
	mpz_clears(sum, num, den, t, NULL);
}

/*
 * The pairs' sums, exact: n, sy and sx (times 10^9), and n^2 times the
 * population covariance and variances (times 10^18): cxy = n * sxy - sx * sy,
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
	mpz_set_words(p->cxy, c->sumxy_pos, 4, false);
	mpz_set_words(t, c->sumxy_neg, 4, false);
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
 * DuckDB's formulas, computed exactly and rounded once.
 */
static void print_pair(const struct agg_desc *d, const struct bpfq_comoments *c, char *buf,
		       size_t size)
{
	struct pair_sums p;
	mpz_t num, den;

	pair_sums(c, &p);
	mpz_inits(num, den, NULL);
	mpz_ui_pow_ui(den, 10, 18);
	switch (d->kind) {
	case AGG_COVAR_POP:
	case AGG_COVAR_SAMP:
		mpz_mul(den, den, p.n);
		mpz_mul_ui(den, den, d->kind == AGG_COVAR_SAMP ? c->x.count - 1 : c->x.count);
		print_quotient(p.cxy, den, buf, size);
		break;
	case AGG_CORR:
		mpz_mul(num, p.cxy, p.cxy);
		mpz_mul(den, p.vx, p.vy);
		print_root(num, den, mpz_sgn(p.cxy) < 0, buf, size);
		break;
	case AGG_REGR_SLOPE:
		print_quotient(p.cxy, p.vx, buf, size);
		break;
	default:		/* regr_intercept */
		mpz_mul(num, p.sy, p.vx);
		mpz_submul(num, p.sx, p.cxy);
		mpz_mul(den, p.n, p.vx);
		mpz_mul_ui(den, den, BPFQ_SCALE);
		print_quotient(num, den, buf, size);
		break;
	}
	mpz_clears(num, den, NULL);
	pair_sums_clear(&p);
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
 * q + 1 = 65 - BPFQ_HLL_P (the q hash bits after the register index all zero).
 */
static uint64_t hll_estimate(const uint64_t *state)
{
	enum { Q = 64 - BPFQ_HLL_P };
	const uint8_t *regs = (const uint8_t *)(state + 1);
	double m = BPFQ_HLL_REGS, z;
	unsigned count[Q + 2] = { 0 };

	for (unsigned i = 0; i < BPFQ_HLL_REGS; i++)
		count[regs[i] <= Q + 1 ? regs[i] : Q + 1]++;
	if (count[0] == BPFQ_HLL_REGS)
		return 0;
	z = m * hll_tau(1 - count[Q + 1] / m);
	for (int k = Q; k >= 1; k--)
		z = 0.5 * (z + count[k]);
	z += m * hll_sigma(count[0] / m);
	return (uint64_t)llround(m * m / (2 * log(2) * z));
}

/* quantile: the lower bound of the bucket holding rank ceil(q * n). */
static i128 quantile_value(const struct agg_desc *d, const uint64_t *state)
{
	u128 n = state[0], rank = (n * (u128)d->q + BPFQ_SCALE - 1) / BPFQ_SCALE, seen = 0;

	if (rank < 1)
		rank = 1;
	for (int b = 0; b < BPFQ_Q_BUCKETS; b++) {
		seen += state[1 + b];
		if (seen >= rank)
			return agg_quantile_value(b);
	}
	return 0;
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

void value_text(const struct agg_desc *d, const uint64_t *state, char *buf, size_t size)
{
	size_t len = 0;
	const uint8_t *text = value_textagg(d, state, &len);

	const struct bpfq_agg *a = (const struct bpfq_agg *)state;
	int64_t t;
	mpz_t z, n;

	if (value_is_null(d, state)) {
		snprintf(buf, size, "null");
		return;
	}
	switch (d->kind) {
	case AGG_COUNT:
		snprintf(buf, size, "%" PRIu64, state[0]);
		return;
	case AGG_EXISTS:
		snprintf(buf, size, "%s", state[0] ? "true" : "false");
		return;
	case AGG_COUNT_DISTINCT:
		snprintf(buf, size, "%" PRIu64, state[0] ? hll_estimate(state) : 0);
		return;
	case AGG_NONE:		/* a value computed from aggregates: [has one, low, high] */
		mpz_init(z);
		mpz_set_i128(z, num_from_words(state[1], (int64_t)state[2]));
		print_scaled(z, 9, buf, size);
		mpz_clear(z);
		return;
	case AGG_QUANTILE:
		mpz_init(z);
		mpz_set_i128(z, quantile_value(d, state));
		print_scaled(z, 9, buf, size);
		mpz_clear(z);
		return;
	case AGG_MIN:
	case AGG_MAX:
		if (text) {
			value_plain_bytes(text, len, buf, size);
			return;
		}
		if (value_time(d, state, &t)) {
			ts_format(t, false, buf, size);
			return;
		}
		mpz_init(z);
		mpz_set_i128(z, agg_extreme(a, d->kind == AGG_MAX));
		print_scaled(z, 9, buf, size);
		mpz_clear(z);
		return;
	case AGG_SUM:
	case AGG_AVG:
		mpz_inits(z, n, NULL);
		agg_sum(a, z);
		if (d->kind == AGG_SUM) {
			print_scaled(z, 9, buf, size);
		} else {
			mpz_set_ui(n, a->count);
			mpz_mul_ui(n, n, BPFQ_SCALE);
			print_quotient(z, n, buf, size);
		}
		mpz_clears(z, n, NULL);
		return;
	case AGG_COVAR_POP:
	case AGG_COVAR_SAMP:
	case AGG_CORR:
	case AGG_REGR_SLOPE:
	case AGG_REGR_INTERCEPT:
		print_pair(d, (const struct bpfq_comoments *)state, buf, size);
		return;
	default:
		print_moments(d, (const struct bpfq_moments *)state, buf, size);
		return;
	}
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
