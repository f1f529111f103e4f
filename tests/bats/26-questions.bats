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

Q='count(), avg(delay > 15) as late, count(delay > 15), sum(dist) filter (where delay > 15) as late_dist, count(*) filter (where dist > 1000) by origin'

@test "a condition is 1, 0 or null inside an aggregate; filter picks each one's records" {
	flights
	both_engines "$Q from $TMP/fl.csv" "$(warned 'origin  count()      late  count(delay > 15)  late_dist  count(*) filter (where dist > 1000)
JFK           2         1                  1       null                                    1
LAX           1         1                  1        0.5                                    0
SFO           3  0.333333                  3       1500                                    2')"
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
stddev(x > 90): 0.301511'
}

@test "json and csv name the filtered aggregates as written" {
	flights
	run bpfq --engine=user -o csv "$Q from $TMP/fl.csv"
	assert_status 0
	assert_output "$(warned 'origin,count(),late,count(delay > 15),late_dist,count(*) filter (where dist > 1000)
JFK,2,1,1,,1
LAX,1,1,1,0.5,0
SFO,3,0.333333,3,1500,2')"
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
	assert_output 'x % 3  n      even
1      6  0.428571
0      6       0.5
2      6  0.571429'
	bpfq --engine=user --partial "$q from $TMP/p1.txt" >"$TMP/parts"
	bpfq --engine=user --partial "$q from $TMP/p2.txt" >>"$TMP/parts"
	run bpfq merge "$TMP/parts"
	assert_status 0
	assert_output 'x % 3  n      even
1      6  0.428571
0      6       0.5
2      6  0.571429'
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
	run bpfq "sum(x) filter (x > 5) from $TMP/n.txt"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:16: expected 'where' after 'filter (', got 'x'" ]]
	run bpfq "sum(x) filter (where x) from $TMP/n.txt"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:22: filter needs a condition such as x > 5, got a number" ]]
	run bpfq "sum(abs(x) filter (where x > 1)) from $TMP/n.txt"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:5-31: filter (where ...) goes after an aggregate, such as count() filter (where x > 5)" ]]
	run bpfq "count() filter (where sum(x) > 1) from $TMP/n.txt"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:23-25: aggregate 'sum' cannot be nested in another aggregate" ]]
	run bpfq "hist(x > 1) from $TMP/n.txt"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:6-10: hist needs a number, got a condition" ]]
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
