#!/usr/bin/env bats
# quantile_exact(e, q...) and median_exact(e): every value kept, the
# exact value at quantile()'s rank, max(1, ceil(q * n)), a median's the
# mean of the two middle values of an even count (DuckDB's median); at
# most --max-values of them. quantile() and median() without by: the same
# answers while their values fit in --max-values, past that their
# sketch's estimate and a warning. And quantile() and median() by groups,
# with a smaller sketch in each group.

load test_helper

# Real exports' shapes: a BOM, CRLF, a quoted field with a comma, Python's
# floats (1e-05, 0.30000000000000004), an exponent, an empty field, NA.
flights() {
	printf '\xef\xbb\xbfid,city,delay,note\r\n1,SFO,0.1,"a, b"\r\n2,LAX,1e-05,x\r\n' >"$TMP/fl.csv"
	printf '3,SFO,2.5E3,\r\n4,"LAX",,y\r\n5,NYC,NA,z\r\n6,SFO,-3.75,w\r\n7,NYC,12,v\r\n' >>"$TMP/fl.csv"
	printf '8,SFO,0.30000000000000004,u\r\n9,LAX,7,t\r\n10,NYC,-0.5,s\r\n' >>"$TMP/fl.csv"
}

# Both engines print $2 on standard output (the warnings of NULLs apart).
answer() {
	SIZES=1048576 check_sizes "$1" "$2"
}

# fl.csv's first 5 records in a.csv, the others in b.csv, each with the header.
halves() {
	head -6 "$TMP/fl.csv" >"$TMP/a.csv"
	{ head -1 "$TMP/fl.csv"; tail -n +7 "$TMP/fl.csv"; } >"$TMP/b.csv"
}

# Query $1's partials of the two halves of fl.csv, merged, print $2, on either engine.
merged() {
	halves
	for engine in user kernel; do
		[[ $engine == kernel ]] && { require_root || return 1; }
		bpfq --engine=$engine --partial "$1 from $TMP/a.csv" >"$TMP/a.part" 2>/dev/null
		bpfq --engine=$engine --partial "$1 from $TMP/b.csv" >"$TMP/b.part" 2>/dev/null
		run bash -c '"$1" merge "$2" "$3" 2>/dev/null' _ "$BPFQ" "$TMP/a.part" "$TMP/b.part"
		assert_status 0
		assert_output "$2"
	done
}

# Sorted, the 8 values of delay are -3.75, -0.5, 0.00001, 0.1,
# 0.30000000000000004, 7, 12, 2500: the median is the mean of the middle two.
EXACT='median_exact(delay): 0.20000000000000002
quantile_exact(delay, 0.1): -3.75
quantile_exact(delay, 0.9): 2500
quantile_exact(delay, 1): 2500
count(delay): 8'

@test "quantile_exact and median_exact at read sizes 1, 7, 4093 and 65536" {
	flights
	SIZES="1 7 4093 65536" check_sizes \
		"median_exact(delay), quantile_exact(delay, 0.1, 0.9, 1), count(delay) from $TMP/fl.csv" \
		"$EXACT"
}

@test "median is exact while the values fit, where its bucket is within 1/128 of it" {
	printf '1000.7\n1000.5\n1000.6\n' >"$TMP/n.txt"
	both_engines "median_exact(x), median(x) from $TMP/n.txt" 'median_exact(x): 1000.6
median(x): 1000.6'
	run bpfq --engine=user --max-values 2 "median(x) from $TMP/n.txt"
	assert_status 0
	assert_output 'bpfq: warning: median(x): more than 2 values (raise --max-values): the answer is an estimate, within 1/128 (0.78%)
1000'
}

@test "where, filter (where ...), and a column over it" {
	flights
	answer "median_exact(delay), quantile_exact(delay, 0.25) where city <> 'SFO' from $TMP/fl.csv" \
		'median_exact(delay): 3.500005
quantile_exact(delay, 0.25): -0.5'
	answer "quantile_exact(delay, 0.1, 0.9) filter (where city = 'SFO'), median_exact(delay) * 2 as m from $TMP/fl.csv" \
		"quantile_exact(delay, 0.1) filter (where city == 'SFO'): -3.75
quantile_exact(delay, 0.9) filter (where city == 'SFO'): 2500
m: 0.40000000000000004"
}

@test "json and csv print the exact value; no value is null" {
	flights
	run bpfq --engine=user -o csv "median_exact(delay), quantile_exact(delay, 0.9) from $TMP/fl.csv"
	assert_status 0
	[[ $output == *'median_exact(delay),"quantile_exact(delay, 0.9)"
0.20000000000000002,2500' ]]
	run bpfq --engine=user -o json "median_exact(delay) where delay > 10000 from $TMP/fl.csv"
	assert_status 0
	[[ $output == *'"aggregates":[{"name":"median_exact(delay)","value":null}],"records":10,"matched":0,'* ]]
	require_root
	run bpfq -o json "median_exact(delay), count() from $TMP/fl.csv"
	assert_status 0
	[[ $output == *'"aggregates":[{"name":"median_exact(delay)","value":0.20000000000000002},{"name":"count()","value":10}],'* ]]
}

@test "more values than --max-values: exit 3, the limit and the option named" {
	seq_file 100 "$TMP/n.txt"
	for engine in user kernel; do
		[[ $engine == kernel ]] && { require_root || return 1; }
		run bpfq --engine=$engine --max-values 10 "median_exact(x) from $TMP/n.txt"
		assert_status 3
		assert_output "bpfq: error: 1:1-12: more than 10 values for quantile_exact at $TMP/n.txt:11:1 (raise --max-values); no answer
  median_exact(x) from $TMP/n.txt
  ~~~~~~~~~~~~"
		run bpfq --engine=$engine --max-values 100 "median_exact(x) from $TMP/n.txt"
		assert_status 0
		assert_output 50.5
	done
}

@test "--max-values counts the values of every file, and of each quantile_exact" {
	seq_file 60 "$TMP/a.txt"
	seq_file 60 "$TMP/b.txt"
	for engine in user kernel; do
		[[ $engine == kernel ]] && { require_root || return 1; }
		run bpfq --engine=$engine --max-values 100 "median_exact(x) from $TMP/a.txt $TMP/b.txt"
		assert_status 3
		[[ ${lines[0]} == "bpfq: error: 1:1-12: more than 100 values for quantile_exact at $TMP/b.txt:41:1 (raise --max-values); no answer" ]]
		run bpfq --engine=$engine --max-values 120 "median_exact(x), quantile_exact(x, 0.25, 0.75) from $TMP/a.txt"
		assert_status 0
		assert_output 'median_exact(x): 30.5
quantile_exact(x, 0.25): 15
quantile_exact(x, 0.75): 45'
		run bpfq --engine=$engine --max-values 119 "median_exact(x), quantile_exact(x, 0.25, 0.75) from $TMP/a.txt"
		assert_status 3
	done
}

@test "--max-values takes 1 to 2147483648" {
	run bpfq --max-values 0 'median_exact(x)'
	assert_status 2
	[[ ${lines[0]} == "bpfq: --max-values takes 1 to 2147483648, not '0'" ]]
}

@test "standard input, and -j: the readers' values together" {
	require_root || return 1
	seq 1 200000 | awk '{ printf "%.3f\n", ($1 * 7919) % 200000 / 8 }' >"$TMP/big.txt"
	run bash -c '"$1" "median_exact(x), quantile_exact(x, 0.001, 0.999)" <"$2"' _ "$BPFQ" "$TMP/big.txt"
	assert_status 0
	assert_output 'median_exact(x): 12499.9375
quantile_exact(x, 0.001): 24.875
quantile_exact(x, 0.999): 24974.875'
	run bpfq -j 4 "median_exact(x), quantile_exact(x, 0.001, 0.999) from $TMP/big.txt"
	assert_status 0
	assert_output 'median_exact(x): 12499.9375
quantile_exact(x, 0.001): 24.875
quantile_exact(x, 0.999): 24974.875'
}

@test "merged partials carry the values and give the whole input's answer" {
	flights
	halves
	q='median_exact(delay), quantile_exact(delay, 0.1, 0.9, 1), count(delay)'
	run bpfq --engine=user --partial "$q from $TMP/a.csv"
	assert_status 0
	[[ $output == *'"values":[[0,100000000000000000],[1,100000000000000000],[0,10000000000000],[1,10000000000000],[0,2500000000000000000000],[1,2500000000000000000000]]}' ]]
	merged "$q" "$EXACT"
}

@test "a partial's values must be a quantile's that keeps them" {
	printf '%s\n' '{"bpfq_partial":3,"host":"h","select":"median_exact(x)","records":1,"matched":1,"malformed":0,"empty":0,"bad":0,"missing":0,"aggregates":[{"name":"median_exact(x)","kind":"quantile_exact","words":5,"buckets":0,"lo":0,"hi":0,"step":0,"q":500000000000000000,"median":true}],"state":[[0,1]],"values":[[1,5]]}' >"$TMP/p"
	run bpfq merge "$TMP/p"
	assert_status 3
	[[ $output == *'a value is not [item, value] of a quantile that keeps them'* ]]
	sed 's/"q":500000000000000000/"q":400000000000000000/' "$TMP/p" >"$TMP/q"
	run bpfq merge "$TMP/q"
	assert_status 3
	[[ $output == *"an aggregate's median is not true of a quantile at 0.5"* ]]
}

@test "quantile_exact with by is refused; its q and arguments are checked" {
	flights
	run bpfq "median_exact(delay) by city from $TMP/fl.csv"
	assert_status 2
	assert_output "bpfq: error: 1:1-19: quantile_exact cannot be used with by: its values are kept for the whole input only; ask for one group with where
  median_exact(delay) by city from $TMP/fl.csv
  ~~~~~~~~~~~~~~~~~~~"
	run bpfq "quantile_exact(delay, 1.5) from $TMP/fl.csv"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:23-25: quantile_exact's q must be from 0 to 1" ]]
	run bpfq "median_exact(delay, 0.5) from $TMP/fl.csv"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:1-24: median_exact takes 1 argument, got 2" ]]
	run bpfq "quantile_exact(delay, 0.5, 0.9) as q from $TMP/fl.csv"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:1-31: quantile_exact with several fractions is a column of its own, with no 'as'; write quantile_exact(e, q) here" ]]
}

# With by, 32 buckets an octave a group: each answer is its bucket's bound
# toward zero, within 1/32 of the exact one (0.00001 for LAX's q = 0.1); a
# median of an even count is the mean of two such bounds (SFO's is of 0.1
# and 0.30000000000000004, LAX's of 0.00001 and 7, NYC's of -0.5 and 12).
BY_CITY='city         median(delay)  quantile(delay, 0.1)  quantile(delay, 0.9)  count(delay)
LAX   3.500004887580871582  0.000009775161743164                     7             2
NYC                   5.75                  -0.5                    12             2
SFO           0.1982421875                 -3.75                  2496             4'

@test "quantile and median by groups at read sizes 1, 7, 4093 and 65536" {
	flights
	SIZES="1 7 4093 65536" check_sizes \
		"median(delay), quantile(delay, 0.1, 0.9), count(delay) by city from $TMP/fl.csv" "$BY_CITY"
}

@test "by groups: integers below 64 exact, then within 1/32; json says the bound" {
	seq_file 200 "$TMP/n.txt"
	both_engines "median(x), quantile(x, 0.25), quantile(x, 0.3) by x % 2 from $TMP/n.txt" \
		'x % 2  median(x)  quantile(x, 0.25)  quantile(x, 0.3)
0            101                 50                60
1             99                 49                59'
	run bpfq --engine=user -o json "median(x) by x % 2 where x < 3 from $TMP/n.txt"
	assert_status 0
	[[ $output == *'"groups":[{"key":0,"aggregates":[{"name":"median(x)","value":2,"relative_error":0.0312}]},{"key":1,"aggregates":[{"name":"median(x)","value":1,"relative_error":0.0312}]}],'* ]]
}

@test "by groups: merged partials give the whole input's answer" {
	flights
	q='median(delay), quantile(delay, 0.1, 0.9), count(delay) by city'
	merged "$q" "$BY_CITY"
}

# Each file's x: median(x), quantile(x, 0.5), quantile(x, 0.9) as DuckDB's
# median(x), quantile_disc(x, 0.5), quantile_disc(x, 0.9) print them
# (node bench/duckdb.cjs build/bench/node "SELECT ... FROM read_csv(...,
# nullstr=['NA',''])"); but the last, whose median DuckDB takes through a
# double (-12345678901234568): bpfq's is exact.
small_files() {
	printf 'x\n5\n-2\n9\n' >"$TMP/odd.csv"
	printf 'x\n-1.5\n2.25\n-7\n10\n' >"$TMP/even.csv"
	printf 'x\n3\n95\n' >"$TMP/two.csv"
	printf 'x\n42.5\n' >"$TMP/one.csv"
	printf 'x\n7\n7\n7\n7\n7\n7\n' >"$TMP/same.csv"
	printf 'x,y\n1,a\n,b\nNA,c\n4,d\n' >"$TMP/nulls.csv"
	printf 'x\n-12345678901234567\n-12345678901234568\n' >"$TMP/wide.csv"
}
SMALL='odd 5 5 9
even 0.375 -1.5 10
two 49 3 95
one 42.5 42.5 42.5
same 7 7 7
nulls 2.5 1 4
wide -12345678901234567.5 -12345678901234568 -12345678901234567'

@test "median and quantile exact while the values fit, at read sizes 1, 7, 4093 and 65536" {
	small_files
	while read -r f median q5 q9; do
		SIZES="1 7 4093 65536" check_sizes "median(x), quantile(x, 0.5, 0.9), median_exact(x) from $TMP/$f.csv" \
			"median(x): $median
quantile(x, 0.5): $q5
quantile(x, 0.9): $q9
median_exact(x): $median"
	done <<<"$SMALL"
}

@test "a median's mean of two values takes a 19th decimal; no values is null" {
	printf '0.000000000000000001\n0\n' >"$TMP/n.txt"
	both_engines "median(x), median_exact(x), quantile(x, 1) from $TMP/n.txt" \
		'median(x): 0.0000000000000000005
median_exact(x): 0.0000000000000000005
quantile(x, 1): 0.000000000000000001'
	both_engines "median(x), count() where x > 5 from $TMP/n.txt" 'median(x): null
count(): 0'
}

@test "past --max-values, median and quantile are the sketch's, with a warning; _exact stays an error" {
	seq 1001 1300 >"$TMP/n.txt"
	for engine in user kernel; do
		[[ $engine == kernel ]] && { require_root || return 1; }
		# each item keeps its values: 600 here (quantile(x, 0.5, 0.99) would keep 300)
		run bpfq --engine=$engine --max-values 600 "median(x), quantile(x, 0.99) from $TMP/n.txt"
		assert_status 0
		assert_output 'median(x): 1150.5
quantile(x, 0.99): 1297'
		run bpfq --engine=$engine --max-values 599 "median(x), quantile(x, 0.99) from $TMP/n.txt"
		assert_status 0
		# one reader: each record's median value goes first, the last quantile value finds no room
		assert_output 'bpfq: warning: quantile(x, 0.99): more than 599 values (raise --max-values): the answer is an estimate, within 1/128 (0.78%)
median(x): 1150.5
quantile(x, 0.99): 1296'
		run bpfq --engine=$engine --max-values 299 -o json "median(x) from $TMP/n.txt"
		assert_status 0
		[[ $output == *'"aggregates":[{"name":"median(x)","value":1144,"relative_error":0.0078}],'* ]]
		run bpfq --engine=$engine --max-values 300 -o json "median(x) from $TMP/n.txt"
		assert_status 0
		[[ $output == *'"aggregates":[{"name":"median(x)","value":1150.5}],'* ]]
		run bpfq --engine=$engine --max-values 299 "median_exact(x) from $TMP/n.txt"
		assert_status 3
		[[ ${lines[0]} == "bpfq: error: 1:1-12: more than 299 values for quantile_exact at $TMP/n.txt:300:1 (raise --max-values); no answer" ]]
		# the budget is every kept value's: 300 of median_exact and 300 of median
		run bpfq --engine=$engine --max-values 599 "median_exact(x), median(x) from $TMP/n.txt"
		assert_status 0
		assert_output 'bpfq: warning: median(x): more than 599 values (raise --max-values): the answer is an estimate, within 1/128 (0.78%)
median_exact(x): 1150.5
median(x): 1144'
		run bpfq --engine=$engine --max-values 598 "median_exact(x), median(x) from $TMP/n.txt"
		assert_status 3
		[[ ${lines[0]} == "bpfq: error: 1:1-12: more than 598 values for quantile_exact at $TMP/n.txt:300:1 (raise --max-values); no answer" ]]
	done
}

@test "median's values over several files; past --max-values in the second" {
	seq 1001 1060 >"$TMP/a.txt"
	seq 1001 1060 >"$TMP/b.txt"
	for engine in user kernel; do
		[[ $engine == kernel ]] && { require_root || return 1; }
		run bpfq --engine=$engine --max-values 120 "median(x) from $TMP/a.txt $TMP/b.txt"
		assert_status 0
		assert_output '1030.5'
		run bpfq --engine=$engine --max-values 100 "median(x) from $TMP/a.txt $TMP/b.txt"
		assert_status 0
		assert_output 'bpfq: warning: median(x): more than 100 values (raise --max-values): the answer is an estimate, within 1/128 (0.78%)
1024'
	done
}

@test "median and quantile: standard input, and -j 2" {
	require_root || return 1
	seq 1 200000 | awk '{ printf "%.3f\n", ($1 * 7919) % 200000 / 8 }' >"$TMP/big.txt"
	# DuckDB: median 12499.9375, quantile_disc 24.875 and 24974.875
	want='median(x): 12499.9375
quantile(x, 0.001): 24.875
quantile(x, 0.999): 24974.875'
	run bash -c '"$1" "median(x), quantile(x, 0.001, 0.999)" <"$2"' _ "$BPFQ" "$TMP/big.txt"
	assert_status 0
	assert_output "$want"
	run bpfq -j 2 "median(x), quantile(x, 0.001, 0.999) from $TMP/big.txt"
	assert_status 0
	assert_output "$want"
	run bpfq --engine=user "median(x), quantile(x, 0.001, 0.999) from $TMP/big.txt"
	assert_status 0
	assert_output "$want"
	run bpfq -j 2 --max-values 199999 "median(x) from $TMP/big.txt"
	assert_status 0
	assert_output 'bpfq: warning: median(x): more than 199999 values (raise --max-values): the answer is an estimate, within 1/128 (0.78%)
12480'
}

@test "median and quantile: merged partials of the two halves are the whole file's" {
	flights
	q='median(delay), quantile(delay, 0.1, 0.9), median(delay) filter (where city = '"'SFO'"') as sfo'
	want='median(delay): 0.20000000000000002
quantile(delay, 0.1): -3.75
quantile(delay, 0.9): 2500
sfo: 0.20000000000000002'
	answer "$q from $TMP/fl.csv" "$want"
	merged "$q" "$want"
	# a half past its --max-values carries no values: the merged answer is the sketch's
	halves
	for engine in user kernel; do
		[[ $engine == kernel ]] && { require_root || return 1; }
		bpfq --engine=$engine --partial --max-values 2 "median(delay) from $TMP/a.csv" >"$TMP/a.part" 2>/dev/null
		bpfq --engine=$engine --partial "median(delay) from $TMP/b.csv" >"$TMP/b.part" 2>/dev/null
		grep -q '"values":\[\]' "$TMP/a.part"
		run bpfq merge "$TMP/a.part" "$TMP/b.part"
		assert_status 0
		assert_output "bpfq merge: warning: the runs skipped 0 malformed tokens and read 2 fields as NULL (each run's stderr says where)
bpfq merge: warning: median(delay): a run had more values than its --max-values: the answer is an estimate, within 1/128 (0.78%)
0.19921875"
	done
}
