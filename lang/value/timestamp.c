// SPDX-License-Identifier: MIT
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lang/value/timestamp.h"

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return q - (a % b != 0 && (a < 0) != (b < 0));
}

/* Howard Hinnant's days_from_civil: eras of 400 years, March first. */
int64_t ts_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void ts_civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468, era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int month_days(int64_t y, int m)
{
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (m == 2)
		return leap ? 29 : 28;
	return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
}

/* n digits at s as a number, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The zone after the time, s[0..n): its offset east of UTC in minutes, or false. */
static bool parse_zone(const char *s, size_t n, int64_t *minutes)
{
	int h, m = 0;

	*minutes = 0;
	if (n == 1 && (*s == 'Z' || *s == 'z'))
		return true;
	if (n < 3 || (*s != '+' && *s != '-'))
		return false;
	h = digits(s + 1, 2);
	if (n == 5)
		m = digits(s + 3, 2);
	else if (n == 6 && s[3] == ':')
		m = digits(s + 4, 2);
	else if (n != 3)
		return false;
	if (h < 0 || m < 0 || h > 23 || m > 59)
		return false;
	*minutes = (*s == '-' ? -1 : 1) * (h * 60 + m);
	return true;
}

/* After HH:MM at s[0..n): [:SS[(.|,)digits]][zone]; the seconds in *sec, µs in *frac. */
static bool parse_rest(const char *s, size_t n, int *sec, int64_t *frac, int64_t *zone)
{
	size_t i = 0, k;

	*sec = 0;
	*frac = 0;
	if (n >= 3 && s[0] == ':') {
		if ((*sec = digits(s + 1, 2)) < 0 || *sec > 59)
			return false;
		i = 3;
		if (i < n && (s[i] == '.' || s[i] == ',')) {
			for (k = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
				if (i - k < 6)
					*frac = *frac * 10 + (s[i] - '0');
			/* Nanoseconds are the finest exports write (pandas). */
			if (i == k || i - k > 9)
				return false;
			for (size_t pad = i - k; pad < 6; pad++)
				*frac *= 10;
		}
	}
	*zone = 0;
	return i == n || parse_zone(s + i, n - i, zone);
}

bool ts_parse(const char *s, size_t n, int64_t *us)
{
	int y, mo, d, h = 0, mi = 0, sec = 0;
	int64_t frac = 0, zone = 0;

	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n < 10 || s[4] != '-' || s[7] != '-')
		return false;
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo))
		return false;
	if (n > 10) {
		if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || n < 16 || s[13] != ':')
			return false;
		h = digits(s + 11, 2);
		mi = digits(s + 14, 2);
		if (h < 0 || h > 23 || mi < 0 || mi > 59 ||
		    !parse_rest(s + 16, n - 16, &sec, &frac, &zone))
			return false;
	}
	*us = ts_days_from_civil(y, mo, d) * TS_US_PER_DAY +
	      ((h * 60 + mi - zone) * 60 + sec) * TS_US_PER_SEC + frac;
	return true;
}

void ts_format(int64_t us, bool iso, bool clock, char *buf, size_t size)
{
	int64_t days = floor_div(us, TS_US_PER_DAY), y, t = us - days * TS_US_PER_DAY;
	int64_t sec = t / TS_US_PER_SEC, frac = t % TS_US_PER_SEC;
	int m, d, len, fd = 6;

	ts_civil_from_days(days, &y, &m, &d);
	len = snprintf(buf, size, y < 0 ? "%05" PRId64 "-%02d-%02d" : "%04" PRId64 "-%02d-%02d",
		       y, m, d);
	if ((!t && !clock) || len < 0 || (size_t)len >= size)
		return;
	len += snprintf(buf + len, size - len, "%c%02d:%02d:%02d", iso ? 'T' : ' ',
			(int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
	if (frac && (size_t)len < size) {
		while (frac % 10 == 0)
			frac /= 10, fd--;
		len += snprintf(buf + len, size - len, ".%0*" PRId64, fd, frac);
	}
	if (iso && (size_t)len < size)
		snprintf(buf + len, size - len, "Z");
}

int64_t ts_part(enum fn_kind fn, int64_t us)
{
	int64_t days = floor_div(us, TS_US_PER_DAY), y, t = us - days * TS_US_PER_DAY;
	int m, d;

	ts_civil_from_days(days, &y, &m, &d);
	switch (fn) {
	case FN_YEAR: return y;
	case FN_MONTH: return m;
	case FN_DAY: return d;
	case FN_HOUR: return t / (3600 * TS_US_PER_SEC);
	case FN_MINUTE: return t / (60 * TS_US_PER_SEC) % 60;
	default: return t / TS_US_PER_SEC % 60;	/* FN_SECOND */
	}
}

int64_t ts_trunc(int unit, int64_t us)
{
	int64_t days = floor_div(us, TS_US_PER_DAY), y;
	int m, d;
	static const int64_t step[] = {
		[BPFQ_UNIT_DAY] = TS_US_PER_DAY, [BPFQ_UNIT_HOUR] = 3600 * TS_US_PER_SEC,
		[BPFQ_UNIT_MINUTE] = 60 * TS_US_PER_SEC, [BPFQ_UNIT_SECOND] = TS_US_PER_SEC,
	};

	if (unit >= BPFQ_UNIT_DAY)
		return floor_div(us, step[unit]) * step[unit];
	ts_civil_from_days(days, &y, &m, &d);
	return ts_days_from_civil(y, unit == BPFQ_UNIT_YEAR ? 1 : m, 1) * TS_US_PER_DAY;
}

int ts_unit_of(const char *name, size_t n)
{
	static const char *const units[] = {
		[BPFQ_UNIT_YEAR] = "year", [BPFQ_UNIT_MONTH] = "month", [BPFQ_UNIT_DAY] = "day",
		[BPFQ_UNIT_HOUR] = "hour", [BPFQ_UNIT_MINUTE] = "minute",
		[BPFQ_UNIT_SECOND] = "second",
	};

	for (int i = 0; i < (int)(sizeof(units) / sizeof(units[0])); i++)
		if (strlen(units[i]) == n && !strncasecmp(units[i], name, n))
			return i;
	return -1;
}
