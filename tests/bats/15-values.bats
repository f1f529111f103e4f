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

@test "header: R's export, whose first name is \"\", is a header" {
	printf '"","a","b"\n"1",1.5,2\n"2",3,4\n' >"$TMP/r.csv"
	both_engines "sum(a), sum(\$3) from $TMP/r.csv" "sum(a): 4.5
sum(\$3): 6"
	both_engines "sum(\$2) from $TMP/r.csv" \
"bpfq: note: took the first line of $TMP/r.csv as a header (, a, b); say 'as csv(noheader)' if it is data
4.5"
}

@test "header: a column of text over numbers makes a header, a note says so" {
	printf 'id,price\n1,2.5\n2,3\n' >"$TMP/h.csv"
	both_engines "sum(\$2), count() from $TMP/h.csv" \
"bpfq: note: took the first line of $TMP/h.csv as a header (id, price); say 'as csv(noheader)' if it is data
sum(\$2): 5.5
count(): 2"
	# The query names its columns: no guess to tell of.
	both_engines "sum(price) from $TMP/h.csv" "5.5"
	# Said: no note.
	both_engines "sum(\$2) from $TMP/h.csv as csv(header)" "5.5"
}

@test "header: numbers as awk reads them are data, the first row kept" {
	# numpy's savetxt, with no header.
	printf '1.500000000000000000e+00,2.000000000000000042e-03\n-3.2e-01,4E+00\n' >"$TMP/np.csv"
	run bpfq --engine=user "count() from $TMP/np.csv"
	assert_status 0
	assert_output "2"
	printf '.097,5.,+3\n3.2260000000000004,1,2\n' >"$TMP/f.csv"
	run bpfq --engine=user "count(), sum(\$3) from $TMP/f.csv"
	assert_status 0
	assert_output "count(): 2
sum(\$3): 5"
	# NA and an empty field are no names: data.
	printf 'NA,,3\n1,2,4\n' >"$TMP/na.csv"
	both_engines "count(), sum(\$3) from $TMP/na.csv" "count(): 2
sum(\$3): 7"
}

@test "header: names that are numbers, over records of the same kinds, are data unless the query names them" {
	printf 'region,2024,2025\nnorth,10,20\nsouth,1,2\n' >"$TMP/y.csv"
	both_engines "sum(\$2) from $TMP/y.csv" \
"bpfq: note: took the first line of $TMP/y.csv as data (region, 2024, 2025); say 'as csv(header)' if it is a header
2035"
	both_engines "sum(\"2024\") by region from $TMP/y.csv" 'region  sum("2024")
north            10
south             1'
	both_engines "sum(\$2) from $TMP/y.csv as csv(header)" "11"
	both_engines "sum(\$2) from $TMP/y.csv as csv(noheader)" "2035"
}

@test "header: text over text is a header; a lone record of names is one" {
	printf 'name,city\nalice,paris\nbob,rome\n' >"$TMP/t.csv"
	both_engines "count() from $TMP/t.csv" \
"bpfq: note: took the first line of $TMP/t.csv as a header (name, city); say 'as csv(noheader)' if it is data
2"
	printf 'x,y\n' >"$TMP/one.csv"
	both_engines "count(x) from $TMP/one.csv" "0"
}

@test "header: a pipe is sampled past its first record" {
	printf 'id,price\n1,2.5\n2,3\n' >"$TMP/h.csv"
	both_engines_piped "$TMP/h.csv" "sum(\$2) from - as csv" \
"bpfq: note: took the first line of <stdin> as a header (id, price); say 'as csv(noheader)' if it is data
5.5"
	# The records after the first come later: the guess waits for them.
	run bash -c '{ printf "id,2024\n"; sleep 0.3; printf "1,5\n2,6\n"; } |
		"$1" --engine=user "sum(\$2) from - as csv"' _ "$BPFQ"
	assert_status 0
	assert_output "bpfq: note: took the first line of <stdin> as a header (id, 2024); say 'as csv(noheader)' if it is data
11"
}

@test "skip: a csv file's first lines are dropped before its header or data" {
	# scikit-learn's iris.csv: a line of counts, then data.
	printf '150,4,setosa,versicolor,virginica\n5.1,3.5,1.4,0.2,0\n4.9,3.0,1.4,0.2,0\n' >"$TMP/iris.csv"
	both_engines "count(), sum(\$1) from $TMP/iris.csv as csv(skip=1)" "count(): 2
sum(\$1): 10"
	both_engines "sum(\$1) from $TMP/iris.csv as csv(noheader, skip=2)" "4.9"
	printf 'made by a tool\nid,price\n1,2.5\n2,3\n' >"$TMP/h.csv"
	both_engines "sum(price) from $TMP/h.csv as csv(skip=1)" "5.5"
	both_engines "sum(price) from $TMP/h.csv as csv(header, skip=1)" "5.5"
	both_engines_piped "$TMP/iris.csv" "sum(\$1) from - as csv(skip=1)" "10"
}

@test "skip: numbers and text, files and pipes; places count the skipped lines" {
	printf '3 2\n1\n2\nx\n' >"$TMP/n.txt"
	both_engines "sum(x) from $TMP/n.txt as numbers(skip=1)" \
"bpfq: warning: skipped 1 token that is not a number; the first, 'x', at $TMP/n.txt:4:1
3"
	run bash -c '"$1" --engine=user "sum(x) from - as numbers(skip=1)" <"$2"' _ "$BPFQ" "$TMP/n.txt"
	assert_status 0
	assert_output "bpfq: warning: skipped 1 token that is not a number; the first, 'x', at <stdin>:4:1
3"
	both_engines_piped "$TMP/n.txt" "sum(\$1) from - as text(skip=1)" \
"bpfq: warning: 1 field that is not a number read as NULL; the first, 'x', at <stdin>:4:1
3"
	both_engines "sum(x) from $TMP/n.txt as numbers(skip=0)" \
"bpfq: warning: skipped 1 token that is not a number; the first, 'x', at $TMP/n.txt:4:1
8"
	# More lines than the file holds: no values.
	both_engines "count(), sum(x) from $TMP/n.txt as numbers(skip=100)" "count(): 0
sum(x): null"
	# After a byte order mark.
	printf '\xef\xbb\xbf3 2\n1\n2\n' >"$TMP/b.txt"
	both_engines "sum(x) from $TMP/b.txt as numbers(skip=1)" "3"
}

@test "skip: a count that is not one is an error" {
	run bpfq "sum(x) from f as numbers(skip=-1)"
	assert_status 2
	assert_output "bpfq: error: 1:31: skip takes a count of lines from 0 to 1000000000, as skip=1; got '-'
  sum(x) from f as numbers(skip=-1)
                                ~"
	run bpfq "sum(x) from f as csv(header, skip=1.5)"
	assert_status 2
	assert_output "bpfq: error: 1:35-37: skip takes a count of lines from 0 to 1000000000, as skip=1; got '1.5'
  sum(x) from f as csv(header, skip=1.5)
                                    ~~~"
	run bpfq "sum(x) from f as text(skip=1000000001)"
	assert_status 2
	assert_output "bpfq: error: 1:28-37: skip takes a count of lines from 0 to 1000000000, as skip=1; got '1000000001'
  sum(x) from f as text(skip=1000000001)
                             ~~~~~~~~~~"
	run bpfq "sum(x) from f as numbers(header)"
	assert_status 2
	assert_output "bpfq: error: 1:26-31: expected an option of numbers (skip=N), got 'header'
  sum(x) from f as numbers(header)
                           ~~~~~~"
	run bpfq "sum(x) from f as csv(skp=1)"
	assert_status 2
	assert_output "bpfq: error: 1:22-24: expected a csv option (header, noheader, delim='c', skip=N), got 'skp'
  sum(x) from f as csv(skp=1)
                       ~~~"
}

@test "a bare date in a query is an error, not a subtraction" {
	run bpfq "count() where x > 2001-03-01 from f"
	assert_status 2
	assert_output "bpfq: error: 1:19-28: '2001-03-01' is a date: a date is written in ISO 8601 and in quotes, as '2001-03-01'; with spaces around '-' it is a subtraction
  count() where x > 2001-03-01 from f
                    ~~~~~~~~~~"
	run bpfq "sum(\$2) where \$1 == 01-03-2001 from f.csv"
	assert_status 2
	assert_output "bpfq: error: 1:21-30: '01-03-2001' is a date: a date is written in ISO 8601 and in quotes, as '2001-03-01'; with spaces around '-' it is a subtraction
  sum(\$2) where \$1 == 01-03-2001 from f.csv
                      ~~~~~~~~~~"
	# With spaces, or not shaped as a date, it is arithmetic.
	seq_file 2000 "$TMP/n.txt"
	both_engines "count() where x > 2001 - 03 - 01 from $TMP/n.txt" "3"
	both_engines "count() where x > 10-2-3 from $TMP/n.txt" "1995"
}
