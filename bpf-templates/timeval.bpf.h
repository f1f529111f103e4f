/* SPDX-License-Identifier: MIT */
/*
 * Times: microseconds since 1970-01-01T00:00:00Z, in [BPFQ_TIME_MIN,
 * BPFQ_TIME_END) (the years 0000 to 9999). The calendar is Howard
 * Hinnant's days_from_civil and civil_from_days, as
 * lang/value/timestamp.c, in unsigned arithmetic: -mcpu=v3 has no signed
 * division, so days are shifted by one era of 400 years (146097 days) to
 * stay at or above 0 from the year 0 on.
 */
#ifndef BPFQ_TIMEVAL_H
#define BPFQ_TIMEVAL_H

#define BPFQ_US_PER_SEC 1000000ULL
#define BPFQ_US_PER_DAY (86400ULL * BPFQ_US_PER_SEC)
#define BPFQ_ERA_DAYS 146097

/* floor(t / d) for d > 0. */
static __always_inline __s64 bpfq_floor_div(__s64 t, __u64 d)
{
	if (t >= 0)
		return (__s64)((__u64)t / d);
	return -(__s64)(((__u64)0 - (__u64)t + d - 1) / d);
}

/* Days since 1970-01-01 of y-m-d, y from 0 to 9999. */
static __always_inline __s64 bpfq_days_from_civil(__u64 y, __u64 m, __u64 d)
{
	__u64 yy = y + 400 - (m <= 2), era = yy / 400, yoe = yy - era * 400;
	__u64 doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	__u64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (__s64)(era * BPFQ_ERA_DAYS + doe) - 719468 - BPFQ_ERA_DAYS;
}

/* The civil date of a day since 1970-01-01, at or after 0000-01-01. */
static __always_inline void bpfq_civil_from_days(__s64 days, __u64 *y, __u64 *m, __u64 *d)
{
	__u64 z = (__u64)(days + 719468 + BPFQ_ERA_DAYS), era = z / BPFQ_ERA_DAYS;
	__u64 doe = z - era * BPFQ_ERA_DAYS;
	__u64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	__u64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 - 400 + (*m <= 2);
}

static __always_inline __u64 bpfq_t_date(__s64 t, __u64 *y, __u64 *m, __u64 *d)
{
	__s64 days = bpfq_floor_div(t, BPFQ_US_PER_DAY);

	bpfq_civil_from_days(days, y, m, d);
	return (__u64)(t - days * (__s64)BPFQ_US_PER_DAY);	/* the time of day */
}

static __always_inline __s64 bpfq_t_year(__s64 t)
{
	__u64 y, m, d;

	bpfq_t_date(t, &y, &m, &d);
	return (__s64)y;
}

static __always_inline __s64 bpfq_t_month(__s64 t)
{
	__u64 y, m, d;

	bpfq_t_date(t, &y, &m, &d);
	return (__s64)m;
}

static __always_inline __s64 bpfq_t_day(__s64 t)
{
	__u64 y, m, d;

	bpfq_t_date(t, &y, &m, &d);
	return (__s64)d;
}

static __always_inline __u64 bpfq_t_of_day(__s64 t)
{
	return (__u64)(t - bpfq_floor_div(t, BPFQ_US_PER_DAY) * (__s64)BPFQ_US_PER_DAY);
}

static __always_inline __s64 bpfq_t_hour(__s64 t)
{
	return (__s64)(bpfq_t_of_day(t) / (3600 * BPFQ_US_PER_SEC));
}

static __always_inline __s64 bpfq_t_minute(__s64 t)
{
	return (__s64)(bpfq_t_of_day(t) / (60 * BPFQ_US_PER_SEC) % 60);
}

static __always_inline __s64 bpfq_t_second(__s64 t)
{
	return (__s64)(bpfq_t_of_day(t) / BPFQ_US_PER_SEC % 60);
}

/* date_trunc(unit, t); unit is a constant of the generated code. */
static __always_inline __s64 bpfq_t_trunc(__s64 t, int unit)
{
	__u64 y, m, d, step = BPFQ_US_PER_SEC;

	if (unit <= BPFQ_UNIT_MONTH) {
		bpfq_t_date(t, &y, &m, &d);
		return bpfq_days_from_civil(y, unit == BPFQ_UNIT_YEAR ? 1 : m, 1) *
		       (__s64)BPFQ_US_PER_DAY;
	}
	if (unit == BPFQ_UNIT_DAY)
		step = BPFQ_US_PER_DAY;
	else if (unit == BPFQ_UNIT_HOUR)
		step = 3600 * BPFQ_US_PER_SEC;
	else if (unit == BPFQ_UNIT_MINUTE)
		step = 60 * BPFQ_US_PER_SEC;
	return bpfq_floor_div(t, step) * (__s64)step;
}

/* to_timestamp(n), n an integer of seconds. */
static __always_inline __u32 bpfq_t_of_secs(__s64 *res, __s64 n)
{
	*res = 0;
	if (n < BPFQ_TIME_MIN / (__s64)BPFQ_US_PER_SEC ||
	    n >= BPFQ_TIME_END / (__s64)BPFQ_US_PER_SEC)
		return BPFQ_ERR_TIME;
	*res = n * (__s64)BPFQ_US_PER_SEC;
	return 0;
}

/* to_timestamp(n), n a decimal of seconds: the microsecond at or below it. */
static __always_inline __u32 bpfq_d_t_of_secs(struct bpfq_d *res, struct bpfq_d n)
{
	struct bpfq_d us, mega = bpfq_d_of_int(BPFQ_US_PER_SEC);
	__s64 t;

	*res = (struct bpfq_d){ 0 };
	if (bpfq_d_mul(&us, n, mega))
		return BPFQ_ERR_TIME;
	t = bpfq_d_floor(us);
	if (t < BPFQ_TIME_MIN || t >= BPFQ_TIME_END)
		return BPFQ_ERR_TIME;
	*res = bpfq_d_of_int(t);
	return 0;
}

/* epoch(t): t's seconds, a decimal (t * 10^12 times 10^-18). */
static __always_inline struct bpfq_d bpfq_t_epoch(__s64 t)
{
	struct bpfq_d r;
	__u64 hi;

	bpfq_mul64(bpfq_mag(t), BPFQ_SCALE / BPFQ_US_PER_SEC, &hi, &r.lo);
	r.hi = (__s64)hi;
	return t < 0 ? bpfq_d_negate(r) : r;
}

#endif /* BPFQ_TIMEVAL_H */
