#!/usr/bin/env bats
# Several group keys, 'by e1, e2, ...': each key a field's text or a value
# (a time too), as a single key is; one column each, rows sorted key by key.

load test_helper

# A BOM, CRLF, a quoted key with a comma, an exponent, an empty key and an
# empty value; ("ab", "c") and ("a", "bc") are two groups.
flights() {
	printf '\xef\xbb\xbforigin,dest,delay,date\r\nATL,BOS,10,2024-01-05\r\nATL,BOS,2.5e1,2024-02-01\r\n' >"$TMP/fl.csv"
	printf 'ATL,JFK,5.5,2024-01-09\r\n"BOS",ATL,-3,2024-01-10\r\nab,c,1,2024-03-01\r\n' >>"$TMP/fl.csv"
	printf 'a,bc,2,2024-03-01\r\n,x,7,2024-03-02\r\nATL,BOS,,2024-02-03\r\n"S,F",JFK,0.1,2024-03-05\r\n' >>"$TMP/fl.csv"
}

# Both engines print $2 on standard output (the NULL's warning apart).
answer() {
	SIZES=1048576 check_sizes "$1" "$2"
}

TABLE='origin  dest  avg(delay)  count()
ATL     BOS         17.5        3
ATL     JFK          5.5        1
BOS     ATL           -3        1
S,F     JFK          0.1        1
a       bc             2        1
ab      c              1        1
null    x              7        1'

@test "by two text keys: a column each, sorted by the first key, then the second" {
	flights
	answer "avg(delay), count() by origin, dest from $TMP/fl.csv" "$TABLE"
}

@test "several keys at read sizes 1, 7, 4093 and 65536" {
	flights
	SIZES="1 7 4093 65536" check_sizes "avg(delay), count() by origin, dest from $TMP/fl.csv" "$TABLE"
}

@test "csv: a column per key; json: the keys' names and each group's keys as lists" {
	flights
	run bpfq --engine=user -o csv "avg(delay), count() by origin, dest from $TMP/fl.csv"
	assert_status 0
	assert_output "bpfq: warning: 1 empty field read as NULL; the first at $TMP/fl.csv:9:9
origin,dest,avg(delay),count()
ATL,BOS,17.5,3
ATL,JFK,5.5,1
BOS,ATL,-3,1
\"S,F\",JFK,0.1,1
a,bc,2,1
ab,c,1,1
,x,7,1"
	run bpfq --engine=user -o json "sum(delay) by dest, month(date) where dest < 'C' from $TMP/fl.csv"
	assert_status 0
	[[ $output == *'"by":["dest","month(date)"],"groups":[{"key":["ATL",1],"aggregates":[{"name":"sum(delay)","value":-3}]},{"key":["BOS",1],"aggregates":[{"name":"sum(delay)","value":10}]},{"key":["BOS",2],"aggregates":[{"name":"sum(delay)","value":25}]}],"records":9,"matched":4,'* ]]
}

@test "keys that are values and times: expressions, month(), date_trunc()" {
	flights
	answer "count(), sum(delay) by date_trunc('month', date), delay % 2, origin where delay > 0 from $TMP/fl.csv" \
		"date_trunc('month', date)  delay % 2  origin  count()  sum(delay)
2024-01-01                 0          ATL           1          10
2024-01-01                 1.5        ATL           1         5.5
2024-02-01                 1          ATL           1          25
2024-03-01                 0          a             1           2
2024-03-01                 0.1        S,F           1         0.1
2024-03-01                 1          ab            1           1
2024-03-01                 1          null          1           7"
}

@test "a condition as a key: 1, 0, or null where it is unknown; an empty csv key is null" {
	flights
	answer "count(), sum(delay) by delay > 5 from $TMP/fl.csv" \
		"delay > 5  count()  sum(delay)
0                4         0.1
1                4        47.5
null             1        null"
	answer "count() by origin = 'ATL' or delay < 0, origin from $TMP/fl.csv" \
		"origin == 'ATL' or delay < 0  origin  count()
0                             S,F           1
0                             a             1
0                             ab            1
1                             ATL           4
1                             BOS           1
null                          null          1"
}

@test "having, order by a key or an aggregate, and limit with several keys" {
	flights
	answer "count(), sum(delay) by date_trunc('month', date), origin having count() > 1 or sum(delay) < 0 order by origin desc, sum(delay) limit 3 from $TMP/fl.csv" \
		"date_trunc('month', date)  origin  count()  sum(delay)
2024-01-01                 BOS           1          -3
2024-01-01                 ATL           2        15.5
2024-02-01                 ATL           2          25"
	answer "sum(delay) as s by dest, origin order by s desc limit 2 from $TMP/fl.csv" 'dest  origin   s
BOS   ATL     35
x     null     7'
}

@test "partials of several keys merge into the answer over the whole file" {
	flights
	head -5 "$TMP/fl.csv" >"$TMP/a.csv"
	{ head -1 "$TMP/fl.csv"; tail -n +6 "$TMP/fl.csv"; } >"$TMP/b.csv"
	bpfq --engine=user --partial "avg(delay), count() by origin, dest from $TMP/a.csv" >"$TMP/a.part"
	bpfq --engine=user --partial "avg(delay), count() by origin, dest from $TMP/b.csv" >"$TMP/b.part"
	grep -q '"by":"origin","keys":\["origin","dest"\],"key_times":0,' "$TMP/a.part"
	run bash -c '"$1" merge "$2" "$3" 2>/dev/null' _ "$BPFQ" "$TMP/a.part" "$TMP/b.part"
	assert_status 0
	assert_output "$TABLE"
	bpfq --engine=user --partial "count() by date_trunc('month', date), dest order by dest limit 2 from $TMP/a.csv" >"$TMP/c.part"
	bpfq --engine=user --partial "count() by date_trunc('month', date), dest order by dest limit 2 from $TMP/b.csv" >"$TMP/d.part"
	run bpfq merge -o csv "$TMP/c.part" "$TMP/d.part"
	assert_status 0
	assert_output "\"date_trunc('month', date)\",dest,count()
2024-01-01,ATL,1
2024-01-01,BOS,1"
}

@test "a histogram by several keys: a block per group, each key named" {
	flights
	answer "hist(delay) by origin, dest where origin = 'ATL' and delay > 6 from $TMP/fl.csv" 'origin = ATL, dest = BOS:
  hist(delay):
  [8, 16)                 1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|
  [16, 32)                1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@|'
}

@test "text and json lines: several keys, a missing one is null" {
	printf 'a b 1\na b 2\nab c 3\na bc 4\nzz\n' >"$TMP/t.txt"
	answer "sum(\$3), count() by \$1, \$2 from $TMP/t.txt" '$1  $2    sum($3)  count()
a   b           3        2
a   bc          4        1
ab  c           3        1
zz  null     null        1'
	printf '{"a":"x","b":{"c":"y"},"v":1}\n{"b":{"c":"y"},"a":"x","v":2}\n{"a":"xy","v":3}\n' >"$TMP/j.json"
	answer "sum(v) by a, b.c from $TMP/j.json" 'a   b.c   sum(v)
x   y          3
xy  null       3'
}

@test "errors: nine keys, an aggregate as a key, file twice" {
	flights
	run bpfq "count() by origin, dest, 1, 2, 3, 4, 5, 6, 7 from $TMP/fl.csv"
	assert_status 2
	assert_output "bpfq: error: 1:44: too many by keys: at most 8
  count() by origin, dest, 1, 2, 3, 4, 5, 6, 7 from $TMP/fl.csv
                                             ~"
	run bpfq "count() by origin, sum(delay) from $TMP/fl.csv"
	assert_status 2
	assert_output "bpfq: error: 1:20-22: aggregate 'sum' is not allowed in by
  count() by origin, sum(delay) from $TMP/fl.csv
                     ~~~"
	run bpfq "count() by file, origin, file from $TMP/fl.csv"
	assert_status 2
	assert_output "bpfq: error: 1:26-29: 'file' is a by key twice
  count() by file, origin, file from $TMP/fl.csv
                           ~~~~"
}

@test "file beside other keys: each file's records by the others, file in its place" {
	mkdir "$TMP/logs"
	printf 'a b 1\na b 2\nab c 3\n' >"$TMP/logs/x.txt"
	printf 'a b 10\nzz q 4\n' >"$TMP/logs/y.txt"
	: >"$TMP/logs/z.txt"
	cd "$TMP"
	answer 'sum($3), count() by file, $1 from logs/' 'file        $1  sum($3)  count()
logs/x.txt  a         3        2
logs/x.txt  ab        3        1
logs/y.txt  a        10        1
logs/y.txt  zz        4        1'
	answer 'sum($3) by $2, file, $3 % 2 order by file desc, $2 from logs/' '$2  file        $3 % 2  sum($3)
b   logs/y.txt  0            10
q   logs/y.txt  0             4
b   logs/x.txt  0             2
b   logs/x.txt  1             1
c   logs/x.txt  1             3'
	bpfq --partial 'count() by file, $1, $2 from logs/' >a.part
	bpfq --partial 'count() by file, $1, $2 from logs/x.txt' >b.part
	run bpfq merge -o csv a.part b.part
	assert_status 0
	assert_output 'file,$1,$2,count()
logs/x.txt,a,b,4
logs/x.txt,ab,c,2
logs/y.txt,a,b,1
logs/y.txt,zz,q,1'
}

# Text keys of 5, 64, 65, 200, 1000 and 1024 bytes, three of each alike but
# in their last byte, shuffled; a number and a word of 1 or 100 bytes after.
longkeys() {
	awk 'BEGIN { srand(28); n = split("5 64 65 200 1000 1024", len, " ")
		for (i = 1; i <= n; i++) for (j = 0; j < 3; j++) for (r = 0; r < 2; r++) {
			k = sprintf("k%d-", len[i]); while (length(k) < len[i] - 1) k = k "a"
			line[++m] = k substr("abc", j + 1, 1) " " (m % 7) " " (r ? "w" : sprintf("%0100d", j))
		}
		for (i = m; i > 1; i--) { j = 1 + int(rand() * i); t = line[i]; line[i] = line[j]; line[j] = t }
		for (i = 1; i <= m; i++) print line[i] }' >"$TMP/lk.txt"
}

# Both engines, -o csv, at read sizes 1, 7, 4093 and 65536: query $1 prints $2.
csv_sizes() {
	local engine size
	for engine in user kernel; do
		[[ $engine == kernel ]] && { require_root || return 1; }
		for size in 1 7 4093 65536; do
			run bpfq --engine=$engine --read-size=$size -o csv "$1"
			assert_status 0 || return 1
			assert_output "$2" || return 1
		done
	done
}

@test "text keys of 65 to 1024 bytes: each its group, by all its bytes, at every read size" {
	longkeys
	want=$(awk '{ c[$1]++; s[$1] += $2 } END { for (k in c) print k "," c[k] "," s[k] }' "$TMP/lk.txt" |
		LC_ALL=C sort)
	[[ $(wc -l <<<"$want") == 18 ]]
	csv_sizes "count(), sum(\$2) by \$1 from $TMP/lk.txt" "\$1,count(),sum(\$2)
$want"
}

@test "several keys with a long one, a key twice, and \$0 as a key" {
	longkeys
	want=$(awk '{ c[$2 "," $1 "," $3]++ } END { for (k in c) print k "," c[k] }' "$TMP/lk.txt" |
		LC_ALL=C sort -t, -k1,1n -k2,2 -k3,3)
	csv_sizes "count() by \$2, \$1, \$3 from $TMP/lk.txt" "\$2,\$1,\$3,count()
$want"
	want=$(awk '{ c[$1 "," $3 "," $1]++ } END { for (k in c) print k "," c[k] }' "$TMP/lk.txt" |
		LC_ALL=C sort)
	csv_sizes "count() by \$1, \$3, \$1 from $TMP/lk.txt" "\$1,\$3,\$1,count()
$want"
	awk 'length($1) < 1024 { print $1 " " substr($3, 1, 1) }' "$TMP/lk.txt" >"$TMP/whole.txt"
	want=$(LC_ALL=C sort "$TMP/whole.txt" | uniq -c | awk '{ print $2 " " $3 "," $1 }')
	csv_sizes "count() by \$0 from $TMP/whole.txt" "\$0,count()
$want"
}

@test "a csv column of long keys: text, json and csv output name every byte" {
	longkeys
	{ echo 'path,n'; awk '{ print $1 "," $2 }' "$TMP/lk.txt"; } >"$TMP/lk.csv"
	for engine in user kernel; do
		[[ $engine == kernel ]] && require_root
		run bpfq --engine=$engine -o json "count(), max(n) by path where length(path) >= 1000 from $TMP/lk.csv"
		assert_status 0
		[[ $(jq -r '.groups[] | "\(.key | length) \(.key[-3:]) \(.aggregates[0].value)"' <<<"$output") == \
			"1000 aaa 2
1000 aab 2
1000 aac 2
1024 aaa 2
1024 aab 2
1024 aac 2" ]]
		run bpfq --engine=$engine "count() by path where length(path) = 1024 and n >= 0 from $TMP/lk.csv"
		assert_status 0
		assert_output "path$(printf ' %.0s' {1..1022})count()
k1024-$(printf 'a%.0s' {1..1017})a        2
k1024-$(printf 'a%.0s' {1..1017})b        2
k1024-$(printf 'a%.0s' {1..1017})c        2"
		run bpfq --engine=$engine -o csv "count() by path where length(path) = 1024 and n >= 0 from $TMP/lk.csv"
		assert_status 0
		assert_output "path,count()
k1024-$(printf 'a%.0s' {1..1017})a,2
k1024-$(printf 'a%.0s' {1..1017})b,2
k1024-$(printf 'a%.0s' {1..1017})c,2"
	done
}

@test "a text key past 1024 bytes fails at its record, saying the limit, one key or several" {
	{ echo 'a,b,c,d,e,f,g,h'; echo "x,$(printf 'k%.0s' {1..1024}),c,d,e,f,g,h"
	  echo "x,$(printf 'k%.0s' {1..1025}),c,d,e,f,g,h"; } >"$TMP/long.csv"
	for engine in user kernel; do
		[[ $engine == kernel ]] && require_root
		run bpfq --engine=$engine "count() by a, b, c, d, e, f, g, h from $TMP/long.csv"
		assert_status 3
		assert_output "bpfq: error: 1:15: a group key longer than 1024 bytes (the most a text key holds) at $TMP/long.csv:3:1
  count() by a, b, c, d, e, f, g, h from $TMP/long.csv
                ~"
		run bpfq --engine=$engine "count() by a, file, c, d, e, f, g, b from $TMP/long.csv"
		assert_status 3
		assert_output "bpfq: error: 1:36: a group key longer than 1024 bytes (the most a text key holds) at $TMP/long.csv:3:1
  count() by a, file, c, d, e, f, g, b from $TMP/long.csv
                                     ~"
		run bpfq --engine=$engine "count() by b from $TMP/long.csv"
		assert_status 3
		assert_output "bpfq: error: 1:12: a group key longer than 1024 bytes (the most a text key holds) at $TMP/long.csv:3:1
  count() by b from $TMP/long.csv
             ~"
		run bpfq --engine=$engine "count() by a, c, file from $TMP/long.csv"
		assert_status 0
		# only a record that passes where makes a key
		run bpfq --engine=$engine -o csv "count() by b, a where length(b) < 1025 from $TMP/long.csv"
		assert_status 0
		assert_output "b,a,count()
$(printf 'k%.0s' {1..1024}),x,1"
	done
}

@test "partials of long keys merge into the whole file's answer, one key or several" {
	longkeys
	head -n 20 "$TMP/lk.txt" >"$TMP/a.txt"
	tail -n +21 "$TMP/lk.txt" >"$TMP/b.txt"
	for engine in user kernel; do
		[[ $engine == kernel ]] && require_root
		for q in 'count(), sum($2) by $1' 'count(), min($2) by $3, $1'; do
			bpfq --engine=$engine --partial "$q from $TMP/a.txt" >"$TMP/a.part"
			bpfq --engine=$engine --partial "$q from $TMP/b.txt" >"$TMP/b.part"
			run bpfq merge -o csv "$TMP/a.part" "$TMP/b.part"
			assert_status 0
			want=$(bpfq --engine=user -o csv "$q from $TMP/lk.txt")
			assert_output "$want"
			[[ $(wc -l <<<"$output") -ge 19 ]]
		done
	done
}
