#!/usr/bin/env bats
# Arithmetic over aggregates, 'as' names, having, order by and limit: user
# space computes them on the final values, after a scan or a merge.

load test_helper

data() {
	printf 'a 1\nb 2\na 3\nc 5\nc 6\nc 7\nd 10\ne 2.5\n' >"$TMP/o.txt"
}

Q='count() as n, sum($2) / count() as mean, 100.0 * count() / 8 by $1 having count() > 1 or sum($2) > 9 order by n desc, $1 limit 3'

@test "columns over aggregates, having, order by and limit: text" {
	data
	both_engines "$Q from $TMP/o.txt" '$1  n  mean  100 * count() / 8
c   3     6               37.5
a   2     2                 25
d   1    10               12.5'
}

@test "json and csv carry the columns, in order, after having and limit" {
	data
	run bpfq --engine=user -o csv "$Q from $TMP/o.txt"
	assert_status 0
	assert_output '$1,n,mean,100 * count() / 8
c,3,6,37.5
a,2,2,25
d,1,10,12.5'
	run bpfq --engine=user -o json "sum(\$2) / count() as m by \$1 order by m desc limit 1 from $TMP/o.txt"
	assert_status 0
	[[ $output == *'"groups":[{"key":"d","aggregates":[{"name":"m","value":10}]}]'* ]]
}

@test "order by an aggregate not in the select list; ties keep the key order" {
	data
	both_engines "sum(\$2) by \$1 order by count() desc, max(\$2) limit 2 from $TMP/o.txt" '$1  sum($2)
c        18
a         4'
	both_engines "avg(\$2) by \$1 order by avg(\$2) desc from $TMP/o.txt" '$1  avg($2)
d        10
c         6
e       2.5
a         2
b         2'
}

@test "without by: arithmetic, count(distinct e), a division by zero is an error" {
	data
	both_engines "sum(\$2) / 3, count(distinct \$2) as d from $TMP/o.txt" 'sum($2) / 3: 12.166666666666666
d: 8'
	run bpfq --engine=user "sum(\$2) / (count() - 8) from $TMP/o.txt"
	assert_status 3
	assert_output "bpfq: error: division by zero in 'sum(\$2) / (count() - 8)'"
}

@test "NULLs sort last, ascending or descending" {
	printf 'a 1\nb x\nc 3\n' >"$TMP/n.txt"
	run bpfq --engine=user "min(\$2) by \$1 order by min(\$2) desc from $TMP/n.txt" 2>/dev/null
	assert_status 0
	output=${output#*$'\n'}
	assert_output '$1  min($2)
c         3
a         1
b      null'
}

@test "merge of partials split at random record boundaries equals the whole file" {
	local q="count() as n, sum(\$2) / count() as mean by \$1 having count() >= 2 order by n desc, mean limit 4"
	awk 'BEGIN { srand(7); for (i = 0; i < 3000; i++) printf "k%d %d\n", int(rand() * 40), int(rand() * 1000) }' >"$TMP/all.txt"
	run bpfq --engine=user "$q from $TMP/all.txt"
	assert_status 0
	local want=$output
	local n a b
	n=$(wc -l <"$TMP/all.txt")
	a=$((RANDOM % n + 1))
	b=$((RANDOM % n + 1))
	((a > b)) && { local t=$a; a=$b; b=$t; }
	sed -n "1,${a}p" "$TMP/all.txt" >"$TMP/p1.txt"
	# sed prints line M of "M,Np" even when N < M
	: >"$TMP/p2.txt"
	((b > a)) && sed -n "$((a + 1)),${b}p" "$TMP/all.txt" >"$TMP/p2.txt"
	sed -n "$((b + 1)),\$p" "$TMP/all.txt" >"$TMP/p3.txt"
	for p in 1 2 3; do
		bpfq --engine=user --partial "$q from $TMP/p$p.txt" >>"$TMP/parts"
	done
	run bpfq merge "$TMP/parts"
	assert_status 0
	assert_output "$want"
	run bpfq merge -o csv "$TMP/parts"
	assert_status 0
	[[ ${lines[0]} == '$1,n,mean' ]]
	assert_line_count 5
}

@test "query errors: exact texts, status 2" {
	data
	run bpfq "count() having count() > 1 from $TMP/o.txt"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:16-26: 'having' needs 'by': without it the answer is one row; use where to pick records" ]]
	run bpfq "count() by \$1 order by nope from $TMP/o.txt"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:24-27: order by 'nope': no output column, 'as' name or by key is called so" ]]
	run bpfq "count() by \$1 limit 0 from $TMP/o.txt"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:21: limit needs a positive integer, got '0'" ]]
	run bpfq "count() by \$1 limit -2 from $TMP/o.txt"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:21: limit needs a positive integer, got '-'" ]]
	run bpfq "hist(\$2) + 1 from $TMP/o.txt"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:1-4: hist has no single value to compute with" ]]
}
