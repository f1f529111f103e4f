#!/usr/bin/env bats
# count_distinct / count(distinct e): exact while the values fit the set
# (--max-distinct), HyperLogLog's estimate with a warning past it. Every
# count here is checked against sort -u (or awk) over the same file.

load test_helper

bats_require_minimum_version 1.5.0

SIZES="1 7 4093 65536"

# n distinct numbers among 3n records: each value three times, shuffled by a stride.
repeated() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < 3 * n; i++) print (i * 7919) % n }' >"$2"
}

# 796 dates, as an R export holds them (2001-03-01 on, each several times), with a text column.
dates_csv() {
	awk 'BEGIN {
		print "\"\",\"date\",\"station\",\"reading\""
		for (i = 0; i < 2400; i++) {
			t = 983404800 + (i % 796) * 86400
			printf "%d,%s,\"st%03d\",%s\n", i + 1, strftime("%Y-%m-%d", t, 1), i % 137, (i % 50) / 4
		}
	}' >"$1"
}

distinct_of() {
	sort -u "$1" | wc -l | tr -d ' '
}

@test "count_distinct: exact on 1, 2 and 796 distinct numbers, every read size, both engines" {
	local n f
	for n in 1 2 796; do
		f=$TMP/r$n.txt
		repeated "$n" "$f"
		[[ $(distinct_of "$f") == "$n" ]]
		check_sizes "count_distinct(x), count(distinct x) from $f" "count_distinct(x): $n
count(distinct x): $n"
	done
}

@test "count_distinct: exact on 50000 distinct numbers and on text longer than a kept field" {
	local SIZES="1 4093 65536"
	repeated 50000 "$TMP/r.txt"
	check_sizes "count(distinct x) from $TMP/r.txt" 50000
	# 700 texts of 70..139 bytes that differ only past their 64th byte, each twice
	awk 'BEGIN { p = sprintf("%070d", 0); for (i = 0; i < 1400; i++) print p "-" (i % 700) }' >"$TMP/t.txt"
	[[ $(distinct_of "$TMP/t.txt") == 700 ]]
	check_sizes "count(distinct \$0) from $TMP/t.txt" 700
}

@test "count_distinct: 1, 1.0 and 1.00 are one value; 0.30000000000000004 is not 0.3; NULL is not counted" {
	printf 'v\n1\n1.0\n1.00\n2.5\n2.50\n1e0\n0.3\n0.30000000000000004\n\nNA\n-0\n0\n' >"$TMP/d.csv"
	check_sizes "count(distinct v), count(v) from $TMP/d.csv" $'count(distinct v): 5\ncount(v): 10'
}

@test "count_distinct: 796 dates of an R export, text and decimals, every read size" {
	dates_csv "$TMP/r.csv"
	check_sizes "count(distinct date), count(distinct station), count_distinct(reading) from $TMP/r.csv" \
		$'count(distinct date): 796\ncount(distinct station): 137\ncount_distinct(reading): 50'
}

@test "count_distinct by groups: exact per group, as awk counts them, every read size" {
	local want
	dates_csv "$TMP/r.csv"
	want=$(awk -F, 'NR > 1 { k = substr($2, 1, 4) SUBSEP $3; if (!(k in seen)) { seen[k]; n[substr($2, 1, 4)]++ } }
		END { for (y in n) printf "%s %d\n", y, n[y] }' "$TMP/r.csv" | sort)
	run bash -c '"$1" --engine=user -o csv "count(distinct station) by year(date) from $2" | tail -n +2 | tr , " " | sort' _ "$BPFQ" "$TMP/r.csv"
	assert_status 0
	assert_output "$want"
	check_sizes "count(distinct station) as s, count(distinct date) as d by year(date) from $TMP/r.csv" 'year(date)    s    d
2001        137  306
2002        137  365
2003        137  125'
}

@test "count_distinct: -j 2 readers share one set; -o json marks no estimate" {
	require_root
	# 2.6 MB, two ranges of a MiB or more: the readers meet the same values
	awk 'BEGIN { for (i = 0; i < 420000; i++) print (i * 7919) % 50000 }' >"$TMP/j.txt"
	run --separate-stderr bpfq -s -j 2 "count(distinct x), count() from $TMP/j.txt"
	assert_status 0
	assert_output $'count(distinct x): 50000\ncount(): 420000'
	[[ $stderr == *" by 2 readers"* ]]
	run bpfq -j 2 "count(distinct x) by x % 3 from $TMP/j.txt"
	assert_status 0
	assert_output $'x % 3  count(distinct x)\n0                  16667\n1                  16667\n2                  16666'
	run --separate-stderr bpfq -o json "count(distinct x) from $TMP/j.txt"
	assert_status 0
	assert_output '{"query":"count(distinct x) from '"$TMP"'/j.txt","aggregates":[{"name":"count(distinct x)","value":50000}],"records":420000,"matched":420000,"malformed":0,"nulls":{"empty":0,"not_numbers":0,"missing":0}}'
	[[ -z $stderr ]]
}

@test "count_distinct: past --max-distinct the estimate, a warning, and standard_error in json" {
	local e
	seq_file 5000 "$TMP/s.txt"
	for e in user kernel; do
		[[ $e == kernel ]] && { require_root || return; }
		run --separate-stderr bpfq --engine=$e --max-distinct 100 "count_distinct(x) from $TMP/s.txt"
		assert_status 0
		[[ $output =~ ^[0-9]+$ && $output -ge 4700 && $output -le 5300 && $output != 5000 ]]
		[[ $stderr == "bpfq: warning: count_distinct(x) is HyperLogLog's estimate (standard error 0.81%): its values passed --max-distinct (100); raise it for an exact count" ]]
		run --separate-stderr bpfq --engine=$e --max-distinct 100 -o json "count_distinct(x) from $TMP/s.txt"
		assert_status 0
		[[ $output == *'"standard_error":0.0081}'* ]]
		# by: only the groups that met the full set estimate
		run --separate-stderr bpfq --engine=$e --max-distinct 1000 "count_distinct(x) by x > 990 from $TMP/s.txt"
		assert_status 0
		[[ ${lines[1]} == '0                      990' ]]
		[[ ${lines[2]} =~ ^1\ +[0-9]+$ && ${lines[2]} != *' 4010' ]]
		[[ $stderr == *"count_distinct(x) is HyperLogLog's estimate (standard error 3.25%) in 1 of 2 groups: its values passed --max-distinct (1000); raise it for an exact count" ]]
		run bpfq --engine=$e --max-distinct 5000 "count_distinct(x) from $TMP/s.txt"
		assert_output 5000
	done
	run bpfq --max-distinct 0 "count_distinct(x) from $TMP/s.txt"
	assert_status 2
	[[ $output == *"--max-distinct takes 1 to 268435456, not '0'"* ]]
}

@test "count_distinct: partials carry the values; merge counts their union, with and without by" {
	local q e
	repeated 30000 "$TMP/all.txt"
	head -n 60000 "$TMP/all.txt" >"$TMP/a.txt"
	tail -n +30001 "$TMP/all.txt" >"$TMP/b.txt"
	for e in user kernel; do
		[[ $e == kernel ]] && { require_root || return; }
		q='count_distinct(x), count(distinct x % 1000)'
		bpfq --engine=$e --partial "$q from $TMP/a.txt" >"$TMP/p"
		bpfq --engine=user --partial "$q from $TMP/b.txt" >>"$TMP/p"
		run bpfq merge "$TMP/p"
		assert_status 0
		assert_output $'count_distinct(x): 30000\ncount(distinct x % 1000): 1000'
		q='count_distinct(x) by x % 2'
		bpfq --engine=$e --partial "$q from $TMP/a.txt" >"$TMP/p"
		bpfq --partial --engine=user "$q from $TMP/b.txt" >>"$TMP/p"
		run bpfq merge -o csv "$TMP/p"
		assert_status 0
		assert_output $'x % 2,count_distinct(x)\n0,15000\n1,15000'
	done
	# a partial past its --max-distinct: the merge's answer is the estimate, and says so
	bpfq --engine=user --max-distinct 10 --partial 'count_distinct(x) from '"$TMP/a.txt" >"$TMP/p" 2>/dev/null
	bpfq --engine=user --partial 'count_distinct(x) from '"$TMP/b.txt" >>"$TMP/p"
	run --separate-stderr bpfq merge "$TMP/p"
	assert_status 0
	[[ $output != 30000 && $stderr == "bpfq merge: warning: count_distinct(x) is HyperLogLog's estimate (standard error 0.81%): a run's values passed its --max-distinct, or the runs' sets could not be joined; raise --max-distinct there for an exact count" ]]
}

@test "count_distinct: a list of files counts the union; by file, each file's own" {
	seq_file 300 "$TMP/a.txt"
	awk 'BEGIN { for (i = 201; i <= 600; i++) print i }' >"$TMP/b.txt"
	check_sizes "count_distinct(x), count() from $TMP/a.txt $TMP/b.txt" $'count_distinct(x): 600\ncount(): 700'
	both_engines "count_distinct(x) by file from $TMP/a.txt $TMP/b.txt" "file                         count_distinct(x)
$TMP/a.txt                300
$TMP/b.txt                400"
}

@test "count_distinct: a later file read by more readers joins the set" {
	require_root || return
	seq_file 5000 "$TMP/a.txt"
	# 17.9 MB (16 MiB or more): bpfq takes two readers for it, after one for a.txt
	awk 'BEGIN { for (i = 0; i < 3000000; i++) print 2500 + (i * 7919) % 100000 }' >"$TMP/b.txt"
	run --separate-stderr bpfq -v "count_distinct(x) from $TMP/a.txt $TMP/b.txt"
	assert_status 0
	assert_output 102499
	grep -q '^bpfq: -j 2: ' <<<"$stderr"
}
