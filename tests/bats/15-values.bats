#!/usr/bin/env bats
# What a file's first bytes and lines are: a byte order mark, a csv
# header or data, lines to skip; and values in a query that look like
# numbers and are not (a bare date).

load test_helper

# Run the query on both engines; both must print $expected and exit $2 (0).
both_engines() {
	local query=$1 expected=$2 want=${3:-0}
	run bpfq --engine=user "$query"
	assert_status "$want"
	assert_output "$expected"
	require_root
	run bpfq "$query"
	assert_status "$want"
	assert_output "$expected"
}

# The same through a pipe: the file on standard input, 'from -'.
both_engines_piped() {
	local file=$1 query=$2 expected=$3
	run bash -c '"$1" --engine=user "$2" <"$3"' _ "$BPFQ" "$query" "$file"
	assert_status 0
	assert_output "$expected"
	run bash -c 'cat "$3" | "$1" --engine=user "$2"' _ "$BPFQ" "$query" "$file"
	assert_status 0
	assert_output "$expected"
	require_root
	run bash -c 'cat "$3" | "$1" "$2"' _ "$BPFQ" "$query" "$file"
	assert_status 0
	assert_output "$expected"
}

@test "bom: a csv header's first name is read without the byte order mark" {
	printf '\xef\xbb\xbfprice,name\n1.5,a\n2,b\n' >"$TMP/f.csv"
	both_engines "sum(price) from $TMP/f.csv as csv(header)" "3.5"
}

@test "bom: a numbers file's first number is a number" {
	printf '\xef\xbb\xbf1\n2\n' >"$TMP/n.txt"
	both_engines "sum(x), count() from $TMP/n.txt" "sum(x): 3
count(): 2"
}

@test "bom: a pipe's mark is taken out too" {
	printf '\xef\xbb\xbfprice,name\n1.5,a\n2,b\n' >"$TMP/f.csv"
	both_engines_piped "$TMP/f.csv" "sum(price) from - as csv(header)" "3.5"
	printf '\xef\xbb\xbf1\n2\n' >"$TMP/n.txt"
	both_engines_piped "$TMP/n.txt" "sum(x) from -" "3"
}

@test "bom: places in messages count from after the mark" {
	printf '\xef\xbb\xbfx\n1\n' >"$TMP/n.txt"
	both_engines "sum(x) from $TMP/n.txt" \
"bpfq: warning: skipped 1 token that is not a number; the first, 'x', at $TMP/n.txt:1:1
1"
	run bash -c 'cat "$2" | "$1" --engine=user "sum(x) from -"' _ "$BPFQ" "$TMP/n.txt"
	assert_status 0
	assert_output "bpfq: warning: skipped 1 token that is not a number; the first, 'x', at <stdin>:1:1
1"
}

@test "bom: a text file's first field is a number" {
	printf '\xef\xbb\xbf3 a\n4 b\n' >"$TMP/t.txt"
	both_engines "sum(\$1) from $TMP/t.txt as text" "7"
}
