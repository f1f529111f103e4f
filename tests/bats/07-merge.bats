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

@test "a line that is not a partial is an error (status 3)" {
	run bash -c "printf 'h1: 12345\n' | '$BPFQ' merge"
	assert_status 3
	assert_output "bpfq merge: error: <stdin>:1 (h1): not a bpfq partial"
	run bash -c "printf '{\"bpfq_partial\":2,\"select\":\"sum(x)\"}\n' | '$BPFQ' merge"
	assert_status 3
	[[ $output == *"a partial lacks select or aggregates"* ]]
	run bash -c "printf '{\"bpfq_partial\":1,\"select\":\"sum(x)\"}\n' | '$BPFQ' merge"
	assert_status 3
	[[ $output == *"not a bpfq partial of version 2"* ]]
	run bash -c "printf '' | '$BPFQ' merge"
	assert_status 3
	assert_output "bpfq merge: error: no partials read"
}

@test "a partial with out-of-range numbers, or a state of the wrong size, is rejected" {
	local head='{"bpfq_partial":2,"select":"min(x)","records":1,"matched":1,"malformed":0,"empty":0,"bad":0,"missing":0'
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
