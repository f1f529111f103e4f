#!/usr/bin/env bats
# Questions that take one pass: a condition as a number inside an aggregate
# (true 1, false 0, unknown NULL: avg(delay > 15) is the late share), and
# agg(e) filter (where cond), each aggregate with its own records. Both
# engines, the outputs, partials and merge, and the errors.

load test_helper

# Flights as a spreadsheet exports them: CRLF, an empty field, NA, an exponent.
flights() {
	printf 'origin,delay,dist\r\nSFO,20,1.5e3\r\nSFO,-3,2586\r\nJFK,,2475\r\nJFK,16.5,NA\r\nSFO,15,337\r\nLAX,42,0.5\r\n' \
		>"$TMP/fl.csv"
}

# What every query over it warns first.
warned() {
	printf "bpfq: warning: 1 empty field read as NULL; the first at %s/fl.csv:4:5\n" "$TMP"
	printf "bpfq: warning: 1 field read as NULL: 1 NA; the first, 'NA', at %s/fl.csv:5:10\n" "$TMP"
	printf '%s' "$1"
}

# A query bpfq refuses before reading: status 2, this first line.
refused() {
	run bpfq "$1"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: $2" ]] || { echo "got: ${lines[0]}" >&2; return 1; }
}

Q='count(), avg(delay > 15) as late, count(delay > 15), sum(dist) filter (where delay > 15) as late_dist, count(*) filter (where dist > 1000) by origin'

@test "a condition is 1, 0 or null inside an aggregate; filter picks each one's records" {
	flights
	both_engines "$Q from $TMP/fl.csv" "$(warned 'origin  count()                late  count(delay > 15)  late_dist  count(*) filter (where dist > 1000)
JFK           2                   1                  1       null                                    1
LAX           1                   1                  1        0.5                                    0
SFO           3  0.3333333333333333                  3       1500                                    2')"
	both_engines "avg(delay > 15), sum(delay > 15), min(delay < 0), max(delay < 0), count() filter (where delay < 0), avg(dist) filter (where not delay > 15) from $TMP/fl.csv" "$(warned 'avg(delay > 15): 0.6
sum(delay > 15): 3
min(delay < 0): 0
max(delay < 0): 1
count() filter (where delay < 0): 1
avg(dist) filter (where not delay > 15): 1461.5')"
}

@test "numbers: filters on the fast path, exists and var under a filter" {
	seq_file 100 "$TMP/n.txt"
	both_engines "avg(x % 4 = 0), sum(x) filter (where x <= 10), count(*) filter (where x between 5 and 7), exists(x > 50) filter (where x < 50), var(x) filter (where x <= 3), stddev(x > 90) from $TMP/n.txt" 'avg(x % 4 == 0): 0.25
sum(x) filter (where x <= 10): 55
count(*) filter (where x between 5 and 7): 3
exists(x > 50) filter (where x < 50): false
var(x) filter (where x <= 3): 1
stddev(x > 90): 0.30151134457776363'
}

@test "json and csv name the filtered aggregates as written" {
	flights
	run bpfq --engine=user -o csv "$Q from $TMP/fl.csv"
	assert_status 0
	assert_output "$(warned 'origin,count(),late,count(delay > 15),late_dist,count(*) filter (where dist > 1000)
JFK,2,1,1,,1
LAX,1,1,1,0.5,0
SFO,3,0.3333333333333333,3,1500,2')"
	run bpfq --engine=user -o json "avg(delay > 15), count() filter (where delay < 0) from $TMP/fl.csv"
	assert_status 0
	[[ $output == *'"aggregates":[{"name":"avg(delay > 15)","value":0.6},{"name":"count() filter (where delay < 0)","value":1}]'* ]]
}

@test "partials of filtered aggregates merge into the whole file's answer, with order by" {
	local q='count() filter (where x > 2) as n, avg(x % 2 = 0) as even by x % 3 order by n desc, even'
	seq_file 20 "$TMP/all.txt"
	head -n 7 "$TMP/all.txt" >"$TMP/p1.txt"
	tail -n +8 "$TMP/all.txt" >"$TMP/p2.txt"
	run bpfq --engine=user "$q from $TMP/all.txt"
	assert_status 0
	assert_output 'x % 3  n                 even
1      6  0.42857142857142855
0      6                  0.5
2      6   0.5714285714285714'
	bpfq --engine=user --partial "$q from $TMP/p1.txt" >"$TMP/parts"
	bpfq --engine=user --partial "$q from $TMP/p2.txt" >>"$TMP/parts"
	run bpfq merge "$TMP/parts"
	assert_status 0
	assert_output 'x % 3  n                 even
1      6  0.42857142857142855
0      6                  0.5
2      6   0.5714285714285714'
}

@test "having and order by name a filtered aggregate by its text" {
	flights
	both_engines "count() by origin having count() filter (where delay > 15) > 0 order by sum(dist > 1000) desc, origin from $TMP/fl.csv" "$(warned 'origin  count()
SFO           3
JFK           2
LAX           1')"
}

@test "a run-time error in a filter or in a condition's operands stops the scan" {
	seq_file 10 "$TMP/t.txt"
	run bpfq --engine=user "count(), sum(x) filter (where 10 / (x - 5) > 1) from $TMP/t.txt"
	assert_status 3
	assert_output "bpfq: error: 1:34: division by zero for x = 5 at $TMP/t.txt:5:1
  count(), sum(x) filter (where 10 / (x - 5) > 1) from $TMP/t.txt
                                   ~"
	run bpfq --engine=user "avg(x / (x - 3) > 1) from $TMP/t.txt"
	assert_status 3
	[[ ${lines[0]} == "bpfq: error: 1:7: division by zero for x = 3 at $TMP/t.txt:3:1" ]]
	require_root
	run bpfq "count(), sum(x) filter (where 10 / (x - 5) > 1) from $TMP/t.txt"
	assert_status 3
	[[ ${lines[0]} == "bpfq: error: 1:34: division by zero for x = 5 at $TMP/t.txt:5:1" ]]
}

@test "query errors: filter without where, with a number, after a function; hist of a condition" {
	refused "sum(x) filter (x > 5) from $TMP/n.txt" "1:16: expected 'where' after 'filter (', got 'x'"
	refused "sum(x) filter (where x) from $TMP/n.txt" "1:22: filter needs a condition such as x > 5, got a number"
	refused "sum(abs(x) filter (where x > 1)) from $TMP/n.txt" "1:5-31: filter (where ...) goes after an aggregate, such as count() filter (where x > 5)"
	refused "count() filter (where sum(x) > 1) from $TMP/n.txt" "1:23-25: aggregate 'sum' cannot be nested in another aggregate"
	refused "hist(x > 1) from $TMP/n.txt" "1:6-10: hist needs a number, got a condition"
}

@test "a column called filter is still a column" {
	printf 'filter,v\n1,10\n2,20\n' >"$TMP/c.csv"
	both_engines "sum(filter), count() filter (where filter > 1), sum(v) filter (where filter = 2) from $TMP/c.csv" 'sum(filter): 3
count() filter (where filter > 1): 1
sum(v) filter (where filter == 2): 20'
}

@test "the generated C holds the filter as bpfq renders it, none of the query's bytes" {
	printf '"a*/b",v\n1,10\n' >"$TMP/w.csv"
	run bpfq -d c --dry-run --engine=user "sum(v) filter (where \"a*/b\" > 0) from $TMP/w.csv"
	assert_status 0
	[[ $output == *'/* sum($2) filter (where $1 > 0) */'* ]]
	[[ $output != *'a*/b'* ]]
}

# Pairs (y, x) by group: CRLF, an exponent, an empty y, NA for x, a group of
# one pair (c) and one where x never changes (d).
pairs() {
	printf 'g,y,x\r\na,1,2\r\na,2,4.5\r\na,3,5e0\r\nb,4,9\r\nb,-2,-1.5\r\nb,,3\r\nc,5,NA\r\nc,7,1\r\nd,1,1\r\nd,2,1\r\n' \
		>"$TMP/pr.csv"
}

PAIRS='corr(y, x), covar_pop(y, x), covar_samp(y, x), regr_slope(y, x), regr_intercept(y, x) by g'

pairs_warned() {
	printf "bpfq: warning: 1 empty field read as NULL; the first at %s/pr.csv:7:3\n" "$TMP"
	printf "bpfq: warning: 1 field read as NULL: 1 NA; the first, 'NA', at %s/pr.csv:8:5\n" "$TMP"
	printf '%s' "$1"
}

@test "corr, covar_pop, covar_samp, regr_slope, regr_intercept: exact, null where DuckDB's are" {
	pairs
	both_engines "$PAIRS from $TMP/pr.csv" "$(pairs_warned 'g          corr(y, x)  covar_pop(y, x)  covar_samp(y, x)    regr_slope(y, x)  regr_intercept(y, x)
a  0.9332565252573828                1               1.5  0.5806451612903226  -0.22580645161290322
b                   1            15.75              31.5  0.5714285714285714   -1.1428571428571428
c                null                0              null                null                  null
d                null                0                 0                null                  null')"
	seq_file 10 "$TMP/n.txt"
	both_engines "corr(x % 10, x), regr_slope(3 * x + 7, x), regr_intercept(3 * x + 7, x), covar_samp(x, x), covar_pop(x, -x) filter (where x <= 4), corr(-x, x) from $TMP/n.txt" 'corr(x % 10, x): 0.45454545454545453
regr_slope(3 * x + 7, x): 3
regr_intercept(3 * x + 7, x): 7
covar_samp(x, x): 9.166666666666666
covar_pop(x, -x) filter (where x <= 4): -1.25
corr(-x, x): -1'
}

@test "pairs: csv and json outputs, columns over them, order by, partials and merge" {
	pairs
	run bpfq --engine=user -o csv "$PAIRS from $TMP/pr.csv"
	assert_status 0
	assert_output "$(pairs_warned 'g,"corr(y, x)","covar_pop(y, x)","covar_samp(y, x)","regr_slope(y, x)","regr_intercept(y, x)"
a,0.9332565252573828,1,1.5,0.5806451612903226,-0.22580645161290322
b,1,15.75,31.5,0.5714285714285714,-1.1428571428571428
c,,0,,,
d,,0,0,,')"
	run bpfq --engine=user -o json "corr(y, x), regr_slope(y, x) from $TMP/pr.csv"
	assert_status 0
	[[ $output == *'"aggregates":[{"name":"corr(y, x)","value":0.42723098645752944},{"name":"regr_slope(y, x)","value":0.34}]'* ]]
	local q='corr(y, x) * 100 as pct, covar_samp(y, x), count() by g order by covar_samp(y, x) desc'
	local want='g                pct  covar_samp(y, x)  count()
b                100              31.5        3
a  93.32565252573828               1.5        3
d               null                 0        2
c               null              null        2'
	run bpfq --engine=user "$q from $TMP/pr.csv"
	assert_status 0
	assert_output "$(pairs_warned "$want")"
	head -n 5 "$TMP/pr.csv" >"$TMP/pa.csv"
	{ head -n 1 "$TMP/pr.csv"; tail -n +6 "$TMP/pr.csv"; } >"$TMP/pb.csv"
	bpfq --engine=user --partial "$q from $TMP/pa.csv" >"$TMP/parts" 2>/dev/null
	bpfq --engine=user --partial "$q from $TMP/pb.csv" >>"$TMP/parts" 2>/dev/null
	run bpfq merge "$TMP/parts"
	assert_status 0
	[[ ${lines[0]} == "bpfq merge: warning: "* ]]
	assert_line_count 6
	[[ ${output#*$'\n'} == "$want" ]]
}

@test "pairs: query errors" {
	pairs
	refused "corr(y) from $TMP/pr.csv" "1:1-7: corr takes 2 arguments, got 1"
	refused "corr(y, x, 1) from $TMP/pr.csv" "1:1-13: corr takes 2 arguments, got 3"
	refused "corr(y, x > 1) from $TMP/pr.csv" "1:9-13: corr needs a number, got a condition"
	refused "regr_slope(y > 1, x) from $TMP/pr.csv" "1:12-16: regr_slope needs a number, got a condition"
}

@test "quantile(e, q1, q2, ...): a column a fraction, one fold of e" {
	seq_file 1000 "$TMP/k.txt"
	both_engines "quantile(x, 0.5, 0.9, 0.99), median(x), count() from $TMP/k.txt" 'quantile(x, 0.5): 500
quantile(x, 0.9): 900
quantile(x, 0.99): 990
median(x): 500.5
count(): 1000'
	both_engines "quantile(x, 0.25, 0.75) filter (where x % 2 = 0), count() as n, quantile(x, 0.75) - quantile(x, 0.25) as iqr from $TMP/k.txt" 'quantile(x, 0.25) filter (where x % 2 == 0): 250
quantile(x, 0.75) filter (where x % 2 == 0): 750
n: 1000
iqr: 500'
	run bpfq --engine=user -o csv "quantile(x, 0.1, 0.2) from $TMP/k.txt"
	assert_status 0
	assert_output '"quantile(x, 0.1)","quantile(x, 0.2)"
100,200'
	run bpfq -d c --dry-run --engine=user "quantile(x, 0.5, 0.9) from $TMP/k.txt"
	assert_status 0
	[[ $output == *'/* folded with item 0, whose state it takes in user space */'* ]]
	head -n 300 "$TMP/k.txt" >"$TMP/k1.txt"
	tail -n +301 "$TMP/k.txt" >"$TMP/k2.txt"
	bpfq --engine=user --partial "quantile(x, 0.5, 0.9), count() from $TMP/k1.txt" >"$TMP/parts"
	bpfq --engine=user --partial "quantile(x, 0.5, 0.9), count() from $TMP/k2.txt" >>"$TMP/parts"
	run bpfq merge "$TMP/parts"
	assert_status 0
	assert_output 'quantile(x, 0.5): 500
quantile(x, 0.9): 900
count(): 1000'
}

@test "quantile with several fractions: errors" {
	refused "quantile(x, 0.1, 0.2) as q from $TMP/k.txt" "1:1-21: quantile with several fractions is a column of its own, with no 'as'; write quantile(e, q) here"
	refused "quantile(x, 0.1, 0.2) * 2 from $TMP/k.txt" "1:1-21: quantile with several fractions is a column of its own, with no 'as'; write quantile(e, q) here"
	refused "quantile(x, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9) from $TMP/k.txt" "1:1-56: quantile takes at most 8 fractions, got 9"
	refused "quantile(x, 0.1, 2) from $TMP/k.txt" "1:18: quantile's q must be from 0 to 1"
	refused "quantile(x, 0.5, 0.9), $(printf 'sum(x), %.0s' $(seq 14))count() from $TMP/k.txt" "1:136-142: too many aggregates: at most 16 in one query"
}

# Users a day, as a spreadsheet exports them: a BOM, CRLF, a quoted user,
# an empty user (NULL, not counted), amounts one value in several spellings
# (and 0.30000000000000004, held exactly: not 0.3).
users() {
	printf '\xef\xbb\xbfday,user,amount\r\n2026-12-01,ann,0.1\r\n2026-12-01,bob,1e-1\r\n2026-12-01,ann,2.50\r\n' >"$TMP/u.csv"
	printf '2026-12-02,"ann",2.5\r\n2026-12-02,,3\r\n2026-12-02,cy,\r\n2026-12-03,"d, e",0.30000000000000004\r\n2026-12-03,bob,0.3\r\n' >>"$TMP/u.csv"
}

@test "count_distinct by groups: text and numbers, one key or several, every read size" {
	local SIZES="1 7 4093 65536"
	users
	check_sizes "count(distinct user) as users, count_distinct(amount), count() by day from $TMP/u.csv" 'day         users  count_distinct(amount)  count()
2026-12-01      2                       2        3
2026-12-02      2                       2        3
2026-12-03      2                       2        2'
	check_sizes "count(distinct amount) by day, user from $TMP/u.csv" 'day         user  count(distinct amount)
2026-12-01  ann                        2
2026-12-01  bob                        1
2026-12-02  ann                        1
2026-12-02  cy                         0
2026-12-02  null                       1
2026-12-03  bob                        1
2026-12-03  d, e                       1'
	seq_file 20 "$TMP/s.txt"
	check_sizes "count_distinct(x), count(distinct x % 7) by x % 3, x % 2 from $TMP/s.txt" 'x % 3  x % 2  count_distinct(x)  count(distinct x % 7)
0      0                      3                      3
0      1                      3                      3
1      0                      3                      3
1      1                      4                      4
2      0                      4                      4
2      1                      3                      3'
	check_sizes "count_distinct(x % 7) as d, count() by x % 3 having d > 6 order by d desc from $TMP/s.txt" 'x % 3  d  count()
1      7        7
2      7        7'
}

@test "count_distinct by groups: exact, json says no standard_error, -j readers share the set" {
	users
	both_engines "count(distinct user) as users by day from $TMP/u.csv" '{"query":"count(distinct user) as users by day from '"$TMP"'/u.csv","by":"day","groups":[{"key":"2026-12-01","aggregates":[{"name":"users","value":2}]},{"key":"2026-12-02","aggregates":[{"name":"users","value":2}]},{"key":"2026-12-03","aggregates":[{"name":"users","value":2}]}],"records":8,"matched":8,"malformed":0,"nulls":{"empty":0,"not_numbers":0,"missing":0}}' -o json
	both_engines "count(distinct user) from $TMP/u.csv" '{"query":"count(distinct user) from '"$TMP"'/u.csv","aggregates":[{"name":"count(distinct user)","value":4}],"records":8,"matched":8,"malformed":0,"nulls":{"empty":0,"not_numbers":0,"missing":0}}' -o json
	# 50000 a group, 100000 in all: exact (HyperLogLog said 50261, 50230, 99739)
	seq_file 100000 "$TMP/l.txt"
	both_engines "count_distinct(x), count() by x % 2 from $TMP/l.txt" 'x % 2  count_distinct(x)  count()
0                  50000    50000
1                  50000    50000'
	both_engines "count_distinct(x) from $TMP/l.txt" 100000
	require_root
	run bpfq -j4 "count_distinct(x), count() by x % 2 from $TMP/l.txt"
	assert_status 0
	assert_output 'x % 2  count_distinct(x)  count()
0                  50000    50000
1                  50000    50000'
}

@test "count_distinct by groups: partials from both engines merge their values into the whole file's" {
	local q='count_distinct(x), count(distinct x % 1000) by x % 2'
	seq_file 100000 "$TMP/l.txt"
	head -n 30000 "$TMP/l.txt" >"$TMP/l1.txt"
	tail -n +20001 "$TMP/l.txt" >"$TMP/l2.txt"
	bpfq --engine=user --partial "$q from $TMP/l1.txt" >"$TMP/parts"
	bpfq --engine=user --partial "$q from $TMP/l2.txt" >>"$TMP/parts"
	run bpfq merge "$TMP/parts"
	assert_status 0
	assert_output 'x % 2  count_distinct(x)  count(distinct x % 1000)
0                  50000                       500
1                  50000                       500'
	bpfq --engine=user --partial "count_distinct(x) from $TMP/l1.txt" >"$TMP/whole"
	run bpfq merge "$TMP/whole" "$TMP/parts"
	assert_status 3
	assert_output "bpfq merge: error: $TMP/parts:1: a partial of 'count_distinct(x), count(distinct x % 1000) by x % 2' cannot merge with 'count_distinct(x)'"
	require_root
	bpfq --partial "$q from $TMP/l2.txt" >"$TMP/kparts"
	bpfq --engine=user --partial "$q from $TMP/l1.txt" >>"$TMP/kparts"
	run bpfq merge "$TMP/kparts"
	assert_status 0
	assert_output 'x % 2  count_distinct(x)  count(distinct x % 1000)
0                  50000                       500
1                  50000                       500'
}

@test "by refuses quantile_exact, whose values are the whole input's" {
	refused "median_exact(x), count_distinct(x) by x % 3 from $TMP/k.txt" "1:1-15: quantile_exact cannot be used with by: its values are kept for the whole input only; ask for one group with where"
}

@test "SQL's select before the columns is taken; alone it is still an error" {
	printf 'k,v\na,1\nb,2\na,3\n' >"$TMP/s.csv"
	both_engines "SELECT count(*), sum(v) from $TMP/s.csv where k = 'a'" "count(*): 2
sum(v): 4"
	run bpfq "select from $TMP/s.csv"
	assert_status 2
	assert_output "bpfq: error: 1:8-11: expected an aggregate such as sum(x), got 'from'
  select from $TMP/s.csv
         ~~~~"
}
