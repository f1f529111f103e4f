#!/usr/bin/env bats
# Dates and times (bpfq-query(7) TIMES): ISO 8601 fields of csv and text,
# date literals, the functions of times, and how times print. Answers are
# checked against Python's datetime on both engines and at read sizes
# that split a time between reads at every place.

load test_helper
bats_require_minimum_version 1.5.0

SIZES="1 7 4093 65536"

# Times as pandas, Python and spreadsheets write them, in csv: T or a
# space, fractions of 1 to 9 digits, Z and offsets, dates alone, quotes,
# blanks around them, CRLF; and what Python makes of them.
python_times() {
	python3 - "$1" "$2" <<'EOF'
import random, sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal
random.seed(int(sys.argv[2]))
epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
rows, times = [], []
for i in range(1, 1201):
    t = datetime(1900, 1, 1, tzinfo=timezone.utc) + timedelta(
        seconds=random.randrange(0, 200 * 365 * 86400), microseconds=random.randrange(0, 10 ** 6))
    form = i % 6
    if form == 0:
        t = t.replace(hour=0, minute=0, second=0, microsecond=0)
        text = t.strftime('%Y-%m-%d')
    elif form == 1:
        t = t.replace(second=0, microsecond=0)
        text = t.strftime('%Y-%m-%d %H:%M')
    elif form == 2:
        text = t.isoformat().replace('+00:00', 'Z')
    elif form == 3:
        off = timezone(timedelta(minutes=random.randrange(-14 * 60, 14 * 60 + 1, 15)))
        text = t.astimezone(off).isoformat()
    elif form == 4:
        text = '"' + t.strftime('%Y-%m-%d %H:%M:%S.%f') + '000"'
    else:
        t = t.replace(microsecond=0)
        text = ' ' + t.strftime('%Y-%m-%dT%H:%M:%S') + '\t'
    if i % 97 == 0:
        text = random.choice(['', 'NA', '2001-02-29', '2001-03-01T25:00'])
        t = None
    rows.append('%s,%d%s' % (text, i, '\r' if i % 5 == 0 else ''))
    times.append((t, i))
with open(sys.argv[1], 'w') as f:
    f.write('when,n\n' + '\n'.join(rows) + '\n')
ok = [(t, n) for t, n in times if t is not None]
# The column holds times of day: a timestamp column, whose midnight shows 00:00:00.
def show(t):
    s = t.strftime('%Y-%m-%d %H:%M:%S')
    if t.microsecond:
        s += ('.%06d' % t.microsecond).rstrip('0')
    return s
utc = [t.astimezone(timezone.utc) for t, n in ok]
us = [(t - epoch) // timedelta(microseconds=1) for t in utc]
print('count(when): %d' % len(ok))
print('min(when): %s' % show(min(utc)))
print('max(when): %s' % show(max(utc)))
print('sum(epoch(when)): %s' % format((Decimal(sum(us)) / 10 ** 6).normalize(), 'f'))
print('sum(n): %d' % sum(n for t, n in ok if t.astimezone(timezone.utc).year < 2000))
EOF
}

@test "every ISO 8601 form of a csv field, split between reads anywhere" {
	python_times "$TMP/t.csv" 27 >"$TMP/want"
	check_sizes "count(when), min(when), max(when), sum(epoch(when)) from $TMP/t.csv" \
		"$(head -4 "$TMP/want")"
	check_sizes "sum(n) where when < '2000-01-01' from $TMP/t.csv" \
		"$(tail -1 "$TMP/want" | sed 's/^sum(n): //')"
}

@test "a field that is no time is NULL, counted and shown" {
	printf 'when,n\n2001-03-01,1\n2001-02-29,2\n,3\nNA,4\n2001-03-01T10:00:00.1234567891,5\n' \
		>"$TMP/bad.csv"
	run bpfq --engine=user "count(when), max(when) where when > '1999-12-31' from $TMP/bad.csv"
	assert_status 0
	assert_output "bpfq: warning: 1 empty field read as NULL; the first at $TMP/bad.csv:4:1
bpfq: warning: 3 fields that are not an ISO 8601 time read as NULL; the first, '2001-02-29', at $TMP/bad.csv:3:1
count(when): 1
max(when): 2001-03-01"
	run bpfq --engine=user -o json "max(when) where when > '1999-12-31' from $TMP/bad.csv"
	assert_status 0
	assert_output "bpfq: warning: 1 empty field read as NULL; the first at $TMP/bad.csv:4:1
bpfq: warning: 3 fields that are not an ISO 8601 time read as NULL; the first, '2001-02-29', at $TMP/bad.csv:3:1
{\"query\":\"max(when) where when > '1999-12-31' from $TMP/bad.csv\",\"aggregates\":[{\"name\":\"max(when)\",\"value\":\"2001-03-01\"}],\"records\":5,\"matched\":1,\"malformed\":0,\"nulls\":{\"empty\":1,\"not_numbers\":0,\"missing\":0},\"not_times\":3}"
	require_root
	run bpfq "count(when), max(when) where when > '1999-12-31' from $TMP/bad.csv"
	assert_status 0
	assert_output "bpfq: warning: 1 empty field read as NULL; the first at $TMP/bad.csv:4:1
bpfq: warning: 3 fields that are not an ISO 8601 time read as NULL; the first, '2001-02-29', at $TMP/bad.csv:3:1
count(when): 1
max(when): 2001-03-01"
}

@test "a time series grouped by month, by day, by hour" {
	printf 'when,n\n2024-01-31T23:30:00-01:00,1\n2024-02-01 08:00,2\n2024-02-29,3\n2024-03-01T00:00:00.000001Z,4\n,5\n' \
		>"$TMP/m.csv"
	check_sizes "sum(n), min(when), max(when) by date_trunc('month', when) from $TMP/m.csv" \
		"date_trunc('month', when)  sum(n)                   min(when)                   max(when)
2024-02-01                      6         2024-02-01 00:30:00         2024-02-29 00:00:00
2024-03-01                      4  2024-03-01 00:00:00.000001  2024-03-01 00:00:00.000001
null                            5                        null                        null"
	check_sizes "count() by month(when) where when > '2000-01-01' from $TMP/m.csv" \
		"month(when)  count()
2                  3
3                  1"
	check_sizes "sum(n) by hour(when) from $TMP/m.csv" "hour(when)  sum(n)
0                8
8                2
null             5"
}

@test "times in json and csv" {
	printf 'when,n\n2024-02-01 08:00,2\n2024-02-29,3\n2024-03-01T00:00:00.5Z,4\n' >"$TMP/m.csv"
	both_engines "max(when) by date_trunc('day', when) from $TMP/m.csv" \
		'{"query":"max(when) by date_trunc('"'day'"', when) from '"$TMP"'/m.csv","by":"date_trunc('"'day'"', when)","groups":[{"key":"2024-02-01","aggregates":[{"name":"max(when)","value":"2024-02-01T08:00:00Z"}]},{"key":"2024-02-29","aggregates":[{"name":"max(when)","value":"2024-02-29T00:00:00Z"}]},{"key":"2024-03-01","aggregates":[{"name":"max(when)","value":"2024-03-01T00:00:00.5Z"}]}],"records":3,"matched":3,"malformed":0,"nulls":{"empty":0,"not_numbers":0,"missing":0}}' \
		-o json
	both_engines "min(when), max(n) by month(when) from $TMP/m.csv" "month(when),min(when),max(n)
2,2024-02-01 08:00:00,3
3,2024-03-01 00:00:00.5,4" -o csv
}

@test "text fields, epoch seconds made times, the parts of a time" {
	printf '2001-03-01T14:05:07+01:00 5\n1969-12-31T23:59:59.75Z 6\n2000-02-29T12:00 7\n' >"$TMP/t.log"
	check_sizes "min(\$1), max(year(\$1)), min(month(\$1)), sum(day(\$1)), sum(hour(\$1)), sum(minute(\$1)), sum(second(\$1)), sum(epoch(\$1)) from $TMP/t.log" \
		"min(\$1): 1969-12-31 23:59:59.75
max(year(\$1)): 2001
min(month(\$1)): 2
sum(day(\$1)): 61
sum(hour(\$1)): 48
sum(minute(\$1)): 64
sum(second(\$1)): 66
sum(epoch(\$1)): 1935277506.75"
	check_sizes "min(to_timestamp(\$2 * 86400.5)), max(date_trunc('year', to_timestamp(\$2 * 1e9))) from $TMP/t.log" \
		"min(to_timestamp(\$2 * 86400.5)): 1970-01-06 00:00:02.5
max(date_trunc('year', to_timestamp(\$2 * 1000000000))): 2191-01-01"
}

@test "a csv column of ISO times is a time to min and max" {
	printf 'day,n\n2001-03-01,1\n2001-02-01T10:00Z,2\n,3\n' >"$TMP/d.csv"
	# times of day in the column make it timestamps: its midnight shows 00:00:00, as DuckDB's
	check_sizes "min(day), max(day), count(day) from $TMP/d.csv" "min(day): 2001-02-01 10:00:00
max(day): 2001-03-01 00:00:00
count(day): 2"
	run bpfq --engine=user "sum(day) from $TMP/d.csv"
	assert_status 2
	assert_output "bpfq: error: 1:5-7: 'day' holds ISO 8601 times (its first records do); here it would be a number
  sum(day) from $TMP/d.csv
      ~~~"
}

@test "date literals and functions of times: exact errors" {
	printf 'when,n\n2001-03-01,1\n' >"$TMP/d.csv"
	run bpfq "count() where when > '2001-02-30' from $TMP/d.csv"
	assert_status 2
	assert_output "bpfq: error: 1:22-33: '2001-02-30' is not an ISO 8601 time, as '2001-03-01' or '2001-03-01 14:05:07'
  count() where when > '2001-02-30' from $TMP/d.csv
                       ~~~~~~~~~~~~"
	run bpfq "count() where year(when) > 2000 and to_timestamp(n) < 'soon' from $TMP/d.csv"
	assert_status 2
	assert_output "bpfq: error: 1:55-60: 'soon' is not an ISO 8601 time, as '2001-03-01' or '2001-03-01 14:05:07'
  count() where year(when) > 2000 and to_timestamp(n) < 'soon' from $TMP/d.csv
                                                        ~~~~~~"
	run bpfq "count() by date_trunc('week', when) from $TMP/d.csv"
	assert_status 2
	assert_output "bpfq: error: 1:23-28: date_trunc's unit must be 'year', 'month', 'day', 'hour', 'minute' or 'second'
  count() by date_trunc('week', when) from $TMP/d.csv
                        ~~~~~~"
	run bpfq "year(when) from $TMP/d.csv"
	assert_status 2
	assert_output "bpfq: error: 1:1-4: year is a function of times, not an aggregate: use it in one, as max(year(ts)), or in by
  year(when) from $TMP/d.csv
  ~~~~"
	run bpfq "count() where to_timestamp(n) > 5 from $TMP/d.csv"
	assert_status 2
	assert_output "bpfq: error: 1:31: '>' compares a time with a number
  count() where to_timestamp(n) > 5 from $TMP/d.csv
                                ~"
	run bpfq "avg(date_trunc('day', when)) from $TMP/d.csv"
	assert_status 2
	assert_output "bpfq: error: 1:5-27: avg needs a number, got a time; count, min, max and count_distinct take times
  avg(date_trunc('day', when)) from $TMP/d.csv
      ~~~~~~~~~~~~~~~~~~~~~~~"
	run bpfq "sum(n + 1), max(year(n)) from $TMP/d.csv"
	assert_status 2
	assert_output "bpfq: error: 1:5: 'n' is read as a time elsewhere in the query; here it would be a number
  sum(n + 1), max(year(n)) from $TMP/d.csv
      ~"
	run bpfq "sum(year(x)) from $TMP/d.csv as numbers"
	assert_status 2
	assert_output "bpfq: error: 1:10: year needs a time, got a number (to_timestamp() reads seconds since 1970 as a time)
  sum(year(x)) from $TMP/d.csv as numbers
           ~"
	run bpfq "max(when) as last from $TMP/d.csv"
	assert_status 2
	assert_output "bpfq: error: 1:1-9: max of a time cannot be used with 'as', having, order by or limit
  max(when) as last from $TMP/d.csv
  ~~~~~~~~~"
}

@test "to_timestamp past the year 9999 stops the scan with an error" {
	printf '1\n300000000000\n' >"$TMP/s.txt"
	run bpfq --engine=user "max(to_timestamp(x)) from $TMP/s.txt"
	assert_status 3
	assert_output "bpfq: error: 1:5-16: a time outside the years 0000 to 9999 for x = 300000000000 at $TMP/s.txt:2:1
  max(to_timestamp(x)) from $TMP/s.txt
      ~~~~~~~~~~~~"
	require_root
	run bpfq "max(to_timestamp(x)) from $TMP/s.txt"
	assert_status 3
	assert_output "bpfq: error: 1:5-16: a time outside the years 0000 to 9999 for x = 300000000000 at $TMP/s.txt:2:1
  max(to_timestamp(x)) from $TMP/s.txt
      ~~~~~~~~~~~~"
}

@test "a bare date in a query says it needs quotes" {
	run bpfq "count() where x > 2001-03-01 from /dev/null"
	assert_status 2
	assert_output "bpfq: error: 1:19-28: '2001-03-01' is a date: a date is written in ISO 8601 and in quotes, as '2001-03-01'; with spaces around '-' it is a subtraction
  count() where x > 2001-03-01 from /dev/null
                    ~~~~~~~~~~"
}

@test "a timestamp column's midnight shows 00:00:00, a date column's the date alone" {
	printf 'ts,d,n\n2023-03-01 00:00:00,2023-03-01,1\n2023-03-01 10:37:00,2023-03-02,2\n2023-03-02 00:00:00,2023-03-04,3\n' \
		>"$TMP/c.csv"
	check_sizes "min(ts), max(ts), min(d), max(d) from $TMP/c.csv" "min(ts): 2023-03-01 00:00:00
max(ts): 2023-03-02 00:00:00
min(d): 2023-03-01
max(d): 2023-03-04"
	check_sizes "count() by date_trunc('hour', ts) from $TMP/c.csv" "date_trunc('hour', ts)  count()
2023-03-01 00:00:00           1
2023-03-01 10:00:00           1
2023-03-02 00:00:00           1"
	check_sizes "count() by date_trunc('day', ts), date_trunc('hour', ts) from $TMP/c.csv" \
		"date_trunc('day', ts)  date_trunc('hour', ts)  count()
2023-03-01             2023-03-01 00:00:00           1
2023-03-01             2023-03-01 10:00:00           1
2023-03-02             2023-03-02 00:00:00           1"
	both_engines "min(to_timestamp(n - 1)) from $TMP/c.csv" "1970-01-01 00:00:00"
	both_engines "min(ts) by date_trunc('hour', ts) from $TMP/c.csv" \
		'{"query":"min(ts) by date_trunc('"'hour'"', ts) from '"$TMP"'/c.csv","by":"date_trunc('"'hour'"', ts)","groups":[{"key":"2023-03-01T00:00:00Z","aggregates":[{"name":"min(ts)","value":"2023-03-01T00:00:00Z"}]},{"key":"2023-03-01T10:00:00Z","aggregates":[{"name":"min(ts)","value":"2023-03-01T10:37:00Z"}]},{"key":"2023-03-02T00:00:00Z","aggregates":[{"name":"min(ts)","value":"2023-03-02T00:00:00Z"}]}],"records":3,"matched":3,"malformed":0,"nulls":{"empty":0,"not_numbers":0,"missing":0}}' \
		-o json
	bpfq --engine=user --partial "min(ts), max(d) by date_trunc('hour', ts) from $TMP/c.csv" >"$TMP/c.part"
	run bpfq merge "$TMP/c.part"
	assert_status 0
	assert_output "date_trunc('hour', ts)              min(ts)      max(d)
2023-03-01 00:00:00     2023-03-01 00:00:00  2023-03-01
2023-03-01 10:00:00     2023-03-01 10:37:00  2023-03-02
2023-03-02 00:00:00     2023-03-02 00:00:00  2023-03-04"
}
