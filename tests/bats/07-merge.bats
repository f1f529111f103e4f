#!/usr/bin/env bats
# --partial and bpfq merge: partials from many hosts combine into the answer
# of one query over all the data, and any doubt is an error, not an answer.
# The cluster tools run their exec modules (-R exec), so "hosts" are local
# commands: the fan-out and the prefixes they add are the real ones.

load test_helper

QUERY='sum(x), avg(x), min(x), max(x), count(), exists(x == 77) where x % 3 != 1'

# Three "hosts": h1..h3 hold parts of the data; all.txt is their concatenation.
make_parts() {
	seq -50 100 >"$TMP/h1.txt"
	printf '9223372036854775807\n9223372036854775806\n-17\n' >"$TMP/h2.txt"
	seq 1000 1200 >"$TMP/h3.txt"
	cat "$TMP"/h{1,2,3}.txt >"$TMP/all.txt"
}

@test "merged partials give the answer of one query over the concatenated data" {
	require_root
	make_parts
	run bpfq "$QUERY from $TMP/all.txt"
	assert_status 0
	local whole=$output
	run bash -c "for h in h1 h2 h3; do '$BPFQ' --partial \"$QUERY from $TMP/\$h.txt\"; done |
		'$BPFQ' merge --expect=3"
	assert_status 0
	assert_output "$whole"
	[[ $output == *"sum(x): 9223372036854925314"* ]]
}

@test "pdsh fan-out: host prefixes are understood" {
	require_root
	require_command pdsh
	make_parts
	local whole
	whole=$(bpfq "$QUERY from $TMP/all.txt")
	run bash -c "pdsh -R exec -w 'h[1-3]' '$BPFQ' --partial '$QUERY from $TMP/%h.txt' |
		'$BPFQ' merge --expect=3"
	assert_status 0
	assert_output "$whole"
}

@test "clush fan-out: host prefixes are understood" {
	require_root
	require_command clush
	make_parts
	local whole
	whole=$(bpfq "$QUERY from $TMP/all.txt")
	# clush takes %h for the host; a literal '%' is written '%%'.
	run bash -c "clush -R exec -w 'h[1-3]' \"'$BPFQ' --partial '${QUERY//%/%%} from $TMP/%h.txt'\" |
		'$BPFQ' merge --expect=3"
	assert_status 0
	assert_output "$whole"
}

@test "merge reads files too, and prints json and csv" {
	make_parts
	for h in h1 h2 h3; do
		bpfq --engine=user --partial "count(), max(x) from $TMP/$h.txt" >"$TMP/$h.part"
	done
	run bpfq merge -o csv "$TMP/h1.part" "$TMP/h2.part" "$TMP/h3.part"
	assert_status 0
	assert_output "count(),max(x)
355,9223372036854775807"
	run bpfq merge -o json "$TMP/h1.part" "$TMP/h2.part" "$TMP/h3.part"
	assert_output '{"aggregates":[{"name":"count()","value":355},{"name":"max(x)","value":9223372036854775807}],"records":355,"matched":355,"malformed":0,"nulls":{"empty":0,"not_numbers":0,"missing":0}}'
}

@test "a host whose query failed makes the merge fail (status 3)" {
	make_parts
	run bash -c "for h in h1 h2 missing; do '$BPFQ' --engine=user --partial \"sum(x) from $TMP/\$h.txt\" 2>/dev/null; done |
		'$BPFQ' merge"
	assert_status 3
	[[ $output == *"<stdin>:3: the query failed on "*" (status 3): input error"* ]]
}

@test "fewer partials than --expect is an error, not an answer (status 3)" {
	make_parts
	run bash -c "'$BPFQ' --engine=user --partial 'sum(x) from $TMP/h1.txt' | '$BPFQ' merge --expect=2"
	assert_status 3
	assert_output "bpfq merge: error: expected 2 partials, read 1; no answer"
}

@test "partials of different queries do not merge (status 3)" {
	make_parts
	run bash -c "('$BPFQ' --engine=user --partial 'sum(x) from $TMP/h1.txt'
		'$BPFQ' --engine=user --partial 'sum(x) where x > 1 from $TMP/h1.txt') | '$BPFQ' merge"
	assert_status 3
	assert_output "bpfq merge: error: <stdin>:2: a partial of 'sum(x) where x > 1' cannot merge with 'sum(x)'"
}

@test "a host with an empty file joins a merge over a text column, first or last" {
	printf 'carrier,delay\nAA,5\nUA,7\n' >"$TMP/a.csv"
	printf 'carrier,delay\nDL,1\n' >"$TMP/b.csv"
	printf 'carrier,delay\n' >"$TMP/empty.csv"
	local q='max(carrier), count(distinct carrier), sum(delay)'
	run bpfq --engine=user -o csv "$q from $TMP/a.csv $TMP/b.csv"
	assert_status 0
	local whole=$output
	# The empty file's max(carrier) has no records to say it is text: it
	# must still merge, leading the partials or following them.
	for order in "empty a b" "a empty b" "a b empty"; do
		run bash -c "for h in $order; do '$BPFQ' --engine=user --partial \"$q from $TMP/\$h.csv\"
			done | '$BPFQ' merge -o csv --expect=3"
		assert_status 0
		assert_output "$whole"
	done
	# With records, kinds that differ are still an error.
	printf 'carrier,delay\n5,1\n' >"$TMP/c.csv"
	run bash -c "for h in a c; do '$BPFQ' --engine=user --partial \"$q from $TMP/\$h.csv\"; done |
		'$BPFQ' merge"
	assert_status 3
}

@test "a line that is not a partial is an error (status 3)" {
	run bash -c "printf 'h1: 12345\n' | '$BPFQ' merge"
	assert_status 3
	assert_output "bpfq merge: error: <stdin>:1 (h1): not a bpfq partial"
	run bash -c "printf '{\"bpfq_partial\":3,\"select\":\"sum(x)\"}\n' | '$BPFQ' merge"
	assert_status 3
	[[ $output == *"a partial lacks select or aggregates"* ]]
	run bash -c "printf '{\"bpfq_partial\":1,\"select\":\"sum(x)\"}\n' | '$BPFQ' merge"
	assert_status 3
	[[ $output == *"not a bpfq partial of version 3"* ]]
	run bash -c "printf '{\"bpfq_partial\":2,\"select\":\"sum(x)\"}\n' | '$BPFQ' merge"
	assert_status 3
	assert_output "bpfq merge: error: <stdin>:1: not a bpfq partial: a partial of version 2 (decimals to 9 places): rerun it with this bpfq"
	run bash -c "printf '' | '$BPFQ' merge"
	assert_status 3
	assert_output "bpfq merge: error: no partials read"
}

@test "a partial with out-of-range numbers, or a state of the wrong size, is rejected" {
	local head='{"bpfq_partial":3,"select":"min(x)","records":1,"matched":1,"malformed":0,"empty":0,"bad":0,"missing":0'
	run bash -c "printf '%s\n' '$head,\"aggregates\":[{\"name\":\"min(x)\",\"kind\":\"min\",\"words\":13,\"buckets\":0,\"lo\":0,\"hi\":0,\"step\":0,\"q\":0}],\"state\":[[0,18446744073709551616]]}' | '$BPFQ' merge"
	assert_status 3
	[[ $output == *"a state word is not [index, value] within the state"* ]]
	run bash -c "printf '%s\n' '$head,\"aggregates\":[{\"name\":\"min(x)\",\"kind\":\"min\",\"words\":13,\"buckets\":0,\"lo\":0,\"hi\":0,\"step\":0,\"q\":0}],\"state\":[[13,1]]}' | '$BPFQ' merge"
	assert_status 3
	[[ $output == *"a state word is not [index, value] within the state"* ]]
	run bash -c "printf '%s\n' '$head,\"aggregates\":[{\"name\":\"min(x)\",\"kind\":\"min\",\"words\":2000,\"buckets\":0,\"lo\":0,\"hi\":0,\"step\":0,\"q\":0}],\"state\":[]}' | '$BPFQ' merge"
	assert_status 3
	[[ $output == *"an aggregate's state does not have its kind's size"* ]]
}

@test "merge --help and bad options" {
	run bpfq merge --help
	assert_status 0
	[[ ${lines[0]} == "Usage: bpfq merge [OPTION...] [FILE...|-]" ]]
	run bpfq merge --expect=0
	assert_status 2
}

# A partial of count() by $1 with n groups (text keys 1000.., a count of 1 each),
# made here rather than by bpfq so that its size is the test's to choose.
make_by_partial() {
	awk -v n="$1" 'BEGIN {
		printf "{\"bpfq_partial\":3,\"host\":\"h\",\"select\":\"count() by $1\",\"records\":%d,", n
		printf "\"matched\":%d,\"malformed\":0,\"empty\":0,\"bad\":0,\"missing\":0,", n
		printf "\"aggregates\":[{\"name\":\"count()\",\"kind\":\"count\",\"words\":13,"
		printf "\"buckets\":0,\"lo\":0,\"hi\":0,\"step\":0,\"q\":0}],\"by\":\"$1\",\"groups\":["
		for (i = 0; i < n; i++) {
			key = ""
			for (d = 1000 + i; d; d = int(d / 10))
				key = "3" d % 10 key
			printf "%s{\"kind\":1,\"key\":\"%s\",\"state\":[[0,1]]}", i ? "," : "", key
		}
		printf "]"
	}'
}

@test "merge reads a long partial line in linear time" {
	# 15,000 groups and 64 MB of blank space before the closing brace: a
	# reader that scans the rest of the line for every string takes minutes.
	{
		make_by_partial 15000
		head -c 64000000 /dev/zero | tr '\0' ' '
		echo '}'
	} >"$TMP/long.part"
	run timeout 60 "$BPFQ" merge -o csv "$TMP/long.part"
	assert_status 0
	assert_line_count 15001
	[[ ${lines[1]} == 1000,1 && ${lines[15000]} == 9999,1 ]]
}

@test "a malformed partial is an error naming its line, never a partial answer (status 3)" {
	local good bad=() why=()
	good="$(make_by_partial 2)}"
	bad+=("${good:0:200}") why+=("parse error: premature EOF")
	bad+=("$good}") why+=("parse error: trailing garbage")
	bad+=("$good x") why+=("parse error: trailing garbage")
	bad+=("${good/\"records\":2/\"records\":\"2\"}") why+=("a partial lacks its counters (records, matched, ...)")
	bad+=("${good/\"matched\":2,/}") why+=("a partial lacks its counters (records, matched, ...)")
	bad+=("${good/\"records\":2/\"records\":2.0}") why+=("a partial lacks its counters (records, matched, ...)")
	bad+=("${good/count() by/count\\u0000() by}") why+=("a string holds a NUL character")
	bad+=("${good/'[[0,1]]'/[[0,1,2]]}") why+=("a state word is not [index, value] within the state")
	bad+=("{\"bpfq_partial\":3,\"a\":$(printf '[%.0s' {1..40})") why+=("nested too deeply")
	for i in "${!bad[@]}"; do
		run bash -c "printf '%s\n' '$good' '${bad[i]}' | '$BPFQ' merge"
		assert_status 3
		assert_output "bpfq merge: error: <stdin>:2: not a bpfq partial: ${why[i]}"
	done
}

@test "a partial line ending in a backslash at the end of the input is an error (status 3)" {
	# 119 bytes and no newline: getline's first buffer (120 bytes) is
	# full, so a reader that steps over the NUL after '\' reads past it.
	local line='{"bpfq_partial":3,"host":"'
	line+=$(printf '%*s' $((118 - ${#line})) '' | tr ' ' h)'\'
	[[ ${#line} == 119 ]]
	run bash -c "printf '%s' '$line' | '$BPFQ' merge"
	assert_status 3
	assert_output "bpfq merge: error: <stdin>:1: not a bpfq partial: lexical error: inside a string, '\\' occurs before a character which it may not."
}

@test "names, hosts and errors from partials reach the terminal escaped; json escapes them too" {
	local good esc=$'\e'
	good=$(make_by_partial 1)
	good=${good/\"by\":\"\$1\"/\"by\":\"\\u001b[2J\$1\"}
	good=${good/\"name\":\"count()\"/\"name\":\"count()\\u001b]0;x\\u0007\"}
	run bash -c "printf '%s}\n' '$good' | '$BPFQ' merge"
	assert_status 0
	[[ ${lines[0]} == '\x1b[2J$1  count()\x1b]0;x\x07' && ${lines[1]} =~ ^1000\ +1$ ]]
	[[ $output != *$esc* ]]
	run bash -c "printf '%s}\n' '$good' | '$BPFQ' merge -o json"
	assert_output '{"by":"\u001b[2J$1","groups":[{"key":"1000","aggregates":[{"name":"count()\u001b]0;x\u0007","value":1}]}],"records":1,"matched":1,"malformed":0,"nulls":{"empty":0,"not_numbers":0,"missing":0}}'
	# A failed host's name and error, and a pdsh prefix, in the messages.
	run bash -c "printf '%s\n' 'h${esc}[1m: {\"bpfq_partial\":3,\"host\":\"a\\u001bb\",\"status\":3,\"error\":\"no\\u001b[5m\"}' | '$BPFQ' merge"
	assert_status 3
	assert_output 'bpfq merge: error: <stdin>:1 (h\x1b[1m): the query failed on a\x1bb (status 3): no\x1b[5m'
	[[ $output != *$esc* ]]
}

@test "merge refuses partials whose runs read a column as other kinds" {
	printf '1 a 3\n' >"$TMP/p1.txt"
	printf '2 x 4\n5 6 7\n' >"$TMP/p2.txt"
	printf '8 9 10\n' >"$TMP/p3.txt"
	bpfq --partial 'count_distinct($2), sum($1) from '"$TMP/p3.txt" >"$TMP/c.json"
	bpfq --partial 'count_distinct($2), sum($1) from '"$TMP/p1.txt" >"$TMP/a.json"
	run bpfq merge "$TMP/c.json" "$TMP/a.json"
	assert_status 3
	assert_output "bpfq merge: error: $TMP/a.json:1: its run read the fields as 'tn' (n a number, t text, T a time), the first partial's as 'nn': each run takes a column's kind from its own input's first records"
	: >"$TMP/empty.txt"
	bpfq --partial 'count_distinct($2), sum($1) from '"$TMP/empty.txt" >"$TMP/e.json"
	run bpfq merge -o csv "$TMP/e.json" "$TMP/c.json"
	assert_status 0
	assert_output $'count_distinct($2),sum($1)\n1,8'
}
