#!/usr/bin/env bats
# Inputs as they lie on storage hosts: compressed files, told by their
# bytes and decompressed in user space into a pipe that the read path
# carries; files that are not numbers, refused when read as numbers by default.

load test_helper

# compress TOOL IN OUT: IN compressed by TOOL into OUT.
compress() {
	require_command "$1" || return 1
	case $1 in
	lz4) lz4 -q -c "$2" >"$3" ;;
	*) "$1" -c "$2" >"$3" ;;
	esac
}

@test "gzip, zstd, xz, bzip2 and lz4 files give the plain file's answer" {
	seq_file 200000 "$TMP/n.txt"
	for tool in gzip zstd xz bzip2 lz4; do
		compress "$tool" "$TMP/n.txt" "$TMP/n.$tool" || return 1
		both_engines "sum(x), count() where x > 5 from $TMP/n.$tool" \
"sum(x): 20000099985
count(): 199995"
	done
}

@test "a compressed file is told by its bytes, not its name" {
	seq_file 1000 "$TMP/n.txt"
	compress gzip "$TMP/n.txt" "$TMP/numbers.dat"
	both_engines "sum(x) from $TMP/numbers.dat" "500500"
	# A plain file named .gz is read as it is.
	cp "$TMP/n.txt" "$TMP/plain.gz"
	both_engines "sum(x) from $TMP/plain.gz" "500500"
}

@test "a compressed pipe on standard input, and a compressed csv with its header" {
	printf 'city,temp\nOslo,3\nRome,18\nLima,21\n' >"$TMP/t.csv"
	compress gzip "$TMP/t.csv" "$TMP/t.csv.gz"
	both_engines "sum(temp), max(temp) from $TMP/t.csv.gz as csv" \
"sum(temp): 42
max(temp): 21"
	run bash -c "gzip -c '$TMP/t.csv' | '$BPFQ' --engine=user 'sum(temp) from - as csv'"
	assert_status 0
	assert_output 42
	require_root
	run bash -c "zstd -q -c '$TMP/t.csv' | '$BPFQ' 'count() by city from - as csv'"
	assert_status 0
	assert_output "city  count()
Lima        1
Oslo        1
Rome        1"
}

@test "a truncated compressed file is an error with status 3, not a smaller answer" {
	seq 1 300000 | gzip -c >"$TMP/full.gz"
	head -c 200000 "$TMP/full.gz" >"$TMP/cut.gz"
	run bpfq --engine=user "sum(x) from $TMP/cut.gz"
	assert_status 3
	assert_output "bpfq: error: '$TMP/cut.gz' (gzip) cannot be decompressed: truncated gzip input; no answer"
	require_root
	run bpfq "sum(x) from $TMP/cut.gz"
	assert_status 3
	assert_output "bpfq: error: '$TMP/cut.gz' (gzip) cannot be decompressed: truncated gzip input; no answer"
}

@test "bytes that start like gzip but are not gzip are an error, not read as numbers" {
	printf '\037\213 12 13 14\n' >"$TMP/fake.gz"
	run bpfq --engine=user "sum(x) from $TMP/fake.gz"
	assert_status 3
	[[ $output == "bpfq: error: '$TMP/fake.gz' (gzip) cannot be decompressed: "*"; no answer" ]]
}

@test "an answer known early stops the decompressor without a hang or a signal" {
	seq 1 3000000 | gzip -1 -c >"$TMP/big.gz"
	require_root
	run timeout 60 "$BPFQ" "exists(x > 3) from $TMP/big.gz"
	assert_status 0
	assert_output true
}

@test "-s and -o json -s say the input was decompressed in user space" {
	seq_file 1000 "$TMP/n.txt"
	compress xz "$TMP/n.txt" "$TMP/n.xz"
	run bpfq --engine=user -s "sum(x) from $TMP/n.xz"
	assert_status 0
	[[ $output == *"  input:         xz, decompressed in user space into a pipe"* ]]
	run bpfq --engine=user -s "sum(x) from $TMP/n.txt"
	[[ $output != *"decompressed"* ]]
	run bpfq --engine=user -o json -s "sum(x) from $TMP/n.xz"
	assert_status 0
	[[ $output == *'"decompressed":"xz"'* ]]
	run bpfq --engine=user -o json -s "sum(x) from $TMP/n.txt"
	[[ $output == *'"decompressed":null'* ]]
}

@test "binary records that begin with a compression's magic are read as records" {
	# Two little-endian u16 records: 0x8b1f and 2.
	printf '\037\213\002\000' >"$TMP/r.bin"
	both_engines "sum(x) from $TMP/r.bin as u16" "35617"
}

# A combined-format access log of n lines.
access_log() {
	for ((i = 0; i < $1; i++)); do
		printf '10.0.0.%d - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 %d "-" "curl/8.0"\n' \
			$((i % 250)) $((i * 7))
	done
}

@test "a log read as numbers by default is an error that says how to read it" {
	access_log 200 >"$TMP/access.log"
	local want="bpfq: error: '$TMP/access.log' does not look like numbers: 2000 of its first 2400 tokens are not, as in '10.0.0.0 - - [10/Oct/2000:13:55:36 -0700] \"GET /a.gif HTTP/1...'; name a format: 'as text' and \$1, \$2, ... for its fields, 'as csv', 'as json', or 'as numbers' to read the numbers in it and skip the rest"
	run bpfq --engine=user "count() from $TMP/access.log"
	assert_status 3
	assert_output "$want"
	run bash -c "cat '$TMP/access.log' | '$BPFQ' --engine=user 'count() from -'"
	assert_status 3
	assert_output "${want//$TMP\/access.log/<stdin>}"
	# Said as text, the same file answers.
	run bpfq --engine=user "count(), sum(\$10) where \$9 == 200 from $TMP/access.log"
	assert_status 0
	assert_output "count(): 200
sum(\$10): 139300"
	require_root
	run bpfq "count() from $TMP/access.log"
	assert_status 3
	assert_output "$want"
}

@test "'as numbers' reads the numbers of any file, with the skip warning" {
	access_log 10 >"$TMP/access.log"
	run bpfq --engine=user "count() from $TMP/access.log as numbers"
	assert_status 0
	assert_output "bpfq: warning: skipped 100 tokens that are not numbers; the first, '10.0.0.0', at $TMP/access.log:1:1
20"
}

@test "binary data read as numbers by default is an error" {
	head -c 100000 /dev/urandom >"$TMP/blob"
	printf '\0' >>"$TMP/blob"
	run bpfq --engine=user "sum(x) from $TMP/blob"
	assert_status 3
	assert_output "bpfq: error: '$TMP/blob' looks like binary data, not numbers: name the type of its records ('as u32', 'as record(...)'), or say 'as numbers' to read the numbers in it anyway"
}

@test "numbers with a header word, NAs and floats in every form are still numbers" {
	printf 'value\n1\nNA\n2.5\n1.5e-3\n.097\n5.\n+3\n-3.234632000000000063e-01\n' >"$TMP/v.txt"
	run bpfq --engine=user -v "count() from $TMP/v.txt"
	assert_status 0
	[[ ${lines[0]} == "bpfq: reading '$TMP/v.txt' as numbers (no format named, no \$N): 7 of the first 9 tokens are numbers" ]]
	# An empty file and a compressed file of numbers pass too.
	: >"$TMP/empty.txt"
	run bpfq --engine=user "count() from $TMP/empty.txt"
	assert_status 0
	assert_output 0
	seq 1 1000 | gzip -c >"$TMP/n.gz"
	run bpfq --engine=user "sum(x) from $TMP/n.gz"
	assert_status 0
	assert_output 500500
}

@test "-s says why an input was read as numbers" {
	seq 1 5 >"$TMP/n.txt"
	run bpfq --engine=user -s "sum(x) from $TMP/n.txt"
	assert_status 0
	[[ $output == *"  format:        numbers (no format named, no \$N): 5 of the first 5 tokens are numbers"* ]]
	run bpfq --engine=user -s "sum(x) from $TMP/n.txt as numbers"
	[[ $output != *"format:"* ]]
	run bpfq --engine=user -s -o json "sum(x) from $TMP/n.txt"
	[[ $output == *'"format_chosen":"numbers (no format named, no $N): 5 of the first 5 tokens are numbers"'* ]]
}

@test "a .csv file with no ',' in its first line: ';', a tab or '|' as its records say" {
	printf 'city;temp\r\nOslo;1,5\r\nRome;14\r\n"Rio; RJ";25\r\n' >"$TMP/eu.csv"
	both_engines "sum(temp), count() from $TMP/eu.csv" "bpfq: note: took ';' as the delimiter of $TMP/eu.csv (2 fields a record, no ','); say 'as csv(delim=...)' if it is another
bpfq: warning: 1 field that is not a number read as NULL; the first, '1,5', at $TMP/eu.csv:2:6
sum(temp): 39
count(): 3"
	printf 'id|name|v\n1|a|10\n2|"b|c"|20\n' >"$TMP/db.csv"
	both_engines "sum(v) by name from $TMP/db.csv" "bpfq: note: took '|' as the delimiter of $TMP/db.csv (3 fields a record, no ','); say 'as csv(delim=...)' if it is another
name  sum(v)
a         10
b|c       20"
	printf 'a\tb\n1\t2\n3\t4\n' >"$TMP/tab.csv"
	both_engines "sum(b) from $TMP/tab.csv" "bpfq: note: took the tab as the delimiter of $TMP/tab.csv (2 fields a record, no ','); say 'as csv(delim=...)' if it is another
6"
	# Two files: the first's delimiter is the list's.
	cp "$TMP/tab.csv" "$TMP/tab2.csv"
	both_engines "sum(b) from $TMP/tab.csv $TMP/tab2.csv" "bpfq: note: took the tab as the delimiter of $TMP/tab.csv (2 fields a record, no ','); say 'as csv(delim=...)' if it is another
12"
}

@test "a csv delimiter is not guessed against a ',' in the first line, delim= or one column" {
	printf 'v\n1;2\n3;4\n' >"$TMP/one.csv"
	# v holds text: read with ';' as the delimiter, it would be 1 and 3
	both_engines "count(), min(v) from $TMP/one.csv" "count(): 2
min(v): 1;2"
	printf 'a,b;c\n1,2;3\n' >"$TMP/mixed.csv"
	both_engines "sum(a) from $TMP/mixed.csv" 1
	printf 'a;b\n1;2\n' >"$TMP/semi.csv"
	run bpfq --engine=user "sum(b) from $TMP/semi.csv as csv(delim=',')"
	assert_status 2
	[[ ${lines[1]} == "bpfq: error: 1:5: no column 'b' in the header of $TMP/semi.csv: a;b" ]]
}

@test "a file with no csv name is read as csv when the query names its columns" {
	printf 'host,bytes\nweb1,100\nweb2,250\n' >"$TMP/export.txt"
	both_engines "sum(bytes) from $TMP/export.txt" "bpfq: note: read $TMP/export.txt as csv: its first records have 2 fields by ','; name a format ('as text', 'as csv(...)') if it is another
350"
	printf 'a;b\n1;2\n3;4\n' >"$TMP/semi.dat"
	both_engines "avg(b) from $TMP/semi.dat" "bpfq: note: read $TMP/semi.dat as csv: its first records have 2 fields by ';'; name a format ('as text', 'as csv(...)') if it is another
3"
	# x is the numbers' value, not a column; a file whose records differ is not csv.
	printf 'a,b\n1,2\n3,4\n' >"$TMP/pairs.txt"
	both_engines "sum(x) from $TMP/pairs.txt" "bpfq: warning: skipped 2 tokens that are not numbers; the first, 'a', at $TMP/pairs.txt:1:1
10"
	printf 'a b\n1 2\n' >"$TMP/words.txt"
	run bpfq --engine=user "sum(b) from $TMP/words.txt"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:5: unknown name 'b'; the input's values are called x" ]]
}

@test "a pipe or compressed file is read as csv when the query names its columns" {
	printf 'city,temp,when\nOslo,3,2024-01-02 00:00:00\nRome,18,2024-01-01 10:00:00\nLima,,2024-01-03 08:00:00\n' \
		>"$TMP/t.csv"
	compress gzip "$TMP/t.csv" "$TMP/t.gz"
	local note="bpfq: note: read <stdin> as csv: its first records have 3 fields by ','; name a format ('as text', 'as csv(...)') if it is another"
	for engine in user kernel; do
		[[ $engine == kernel ]] && require_root
		run bash -c "cat '$TMP/t.csv' | '$BPFQ' --engine=$engine \"sum(temp), min(when) where city <> 'Oslo'\" 2>&1"
		assert_status 0
		assert_output "$note
bpfq: warning: 1 empty field read as NULL; the first at <stdin>:4:6
sum(temp): 18
min(when): 2024-01-01 10:00:00"
		run bash -c "gzip -dc '$TMP/t.gz' | '$BPFQ' --engine=$engine 'count() by city' 2>/dev/null"
		assert_status 0
		assert_output "city  count()
Lima        1
Oslo        1
Rome        1"
		run bpfq --engine=$engine "max(temp) from $TMP/t.gz"
		assert_status 0
		assert_output "bpfq: note: read $TMP/t.gz as csv: its first records have 3 fields by ','; name a format ('as text', 'as csv(...)') if it is another
bpfq: warning: 1 empty field read as NULL; the first at $TMP/t.gz:4:6
18"
	done
	# a pipe of words, not csv: the query's error, as before
	run bash -c "printf 'a b\n1 2\n' | '$BPFQ' 'sum(b)'"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:5: unknown name 'b'; the input's values are called x" ]]
}
