#!/usr/bin/env bats
# The pseudo-column file (the path as given, or as a glob gave it) in
# conditions and aggregates. A condition over file alone is decided once
# per file in user space: a file where rejects is not opened or read.

load test_helper

logs() {
	mkdir -p "$TMP/logs"
	printf 'GET 200 1.5\nPOST 500 2.25\nGET 404 0.5\n' >"$TMP/logs/web-1.log"
	printf 'GET 200 3\r\nGET 200 4.75e0\r\n' >"$TMP/logs/web-2.log"
	printf 'SELECT 1 10.5\nUPDATE 0 1e1\n' >"$TMP/logs/db-1.log"
}

@test "where over file alone picks files of a list and a glob, at every read size" {
	logs
	cd "$TMP"
	SIZES="1 7 4093 65536"
	check_sizes "count(), sum(\$3) where file = 'logs/web-2.log' from logs/web-1.log logs/web-2.log logs/db-1.log" \
"count(): 2
sum(\$3): 7.75"
	check_sizes "count(), sum(\$3) where file like '%web%' and \$2 = 200 by file from logs/*.log" \
"file            count()  sum(\$3)
logs/db-1.log         0     null
logs/web-1.log        1      1.5
logs/web-2.log        2     7.75"
	check_sizes "count(), sum(\$3) where file ~ 'db|web-1' or \$3 > 4 by \$1, file from logs/*.log" \
"\$1      file            count()  sum(\$3)
GET     logs/web-1.log        2        2
GET     logs/web-2.log        1     4.75
POST    logs/web-1.log        1     2.25
SELECT  logs/db-1.log         1     10.5
UPDATE  logs/db-1.log         1       10"
}

@test "a condition over file beside one over numbers, on the numbers' fast path" {
	seq 1 3 >"$TMP/a.txt"
	printf '10\n20\n' >"$TMP/b.txt"
	cd "$TMP"
	SIZES="1 7 4093 65536"
	check_sizes "sum(x), count() where x > 1 and file <> 'b.txt' or x = 20 from a.txt b.txt" \
"sum(x): 25
count(): 3"
	check_sizes "sum(x) filter (where file = 'a.txt'), max(x) from a.txt b.txt" \
"sum(x) filter (where file == 'a.txt'): 6
max(x): 20"
}

@test "file in every text condition: comparisons, in, like, ilike, the text functions, ~" {
	logs
	cd "$TMP/logs"
	both_engines "count() filter (where file < 'w'), count() filter (where file >= 'web-2.log'), count() filter (where file in ('db-1.log', 'x')), count() filter (where file not in ('db-1.log')), count() filter (where file ilike 'WEB%'), count() filter (where starts_with(file, 'db')), count() filter (where ends_with(file, '2.log')), count() filter (where contains(file, 'b-')), count() filter (where length(file) between 9 and 9), count() filter (where file !~ '^w'), exists(not (file <> 'db-1.log')) from web-1.log web-2.log db-1.log as text" \
"count() filter (where file < 'w'): 2
count() filter (where file >= 'web-2.log'): 2
count() filter (where file in ('db-1.log', 'x')): 2
count() filter (where file not in ('db-1.log')): 5
count() filter (where file ilike 'WEB%'): 5
count() filter (where starts_with(file, 'db')): 2
count() filter (where ends_with(file, '2.log')): 2
count() filter (where contains(file, 'b-')): 7
count() filter (where length(file) between 9 and 9): 5
count() filter (where file !~ '^w'): 2
exists(not file != 'db-1.log'): true"
}

@test "min, max, count and count_distinct of file, by other keys and filtered" {
	logs
	cd "$TMP/logs"
	both_engines "count(file), min(file), max(file), count_distinct(file), count_distinct(file) filter (where \$3 > 2) from web-1.log web-2.log db-1.log" \
"count(file): 7
min(file): db-1.log
max(file): web-2.log
count_distinct(file): 3
count_distinct(file) filter (where \$3 > 2): 3"
	both_engines "min(file), max(file), count_distinct(file) by \$1 where \$2 < 500 from *.log" \
"\$1      min(file)  max(file)  count_distinct(file)
GET     web-1.log  web-2.log                     2
SELECT  db-1.log   db-1.log                      1
UPDATE  db-1.log   db-1.log                      1"
	both_engines "max(file) where \$3 > 99 from *.log" "null"
}

@test "a file where rejects by its path is not read: -s and -v say so" {
	logs
	cd "$TMP/logs"
	# read, its unclosed quote would be an error
	printf 'a,b\n"1,2\n' >bad.csv
	printf 'a,b\n1,2\n3,4\n' >good.csv
	both_engines "sum(b) where file <> 'bad.csv' from good.csv bad.csv" 6
	both_engines "sum(b) where file <> 'bad.csv' from bad.csv good.csv" 6
	run bpfq --engine=user -s "count() where file like 'web%' from web-1.log db-1.log web-2.log as text"
	assert_status 0
	[[ $output == *"  files:         3 (1 not read: where is false for their paths)
  scanned:       65 bytes in 4 reads"* ]]
	run bpfq --engine=user -v "count() where file like 'web%' from web-1.log db-1.log as text"
	assert_status 0
	[[ $output == *"bpfq: 'db-1.log' not read: where is false for its path"* ]]
	run bpfq --engine=user -s -o json "count() where file like 'web%' from web-1.log db-1.log as text"
	[[ $output == *'"files":2,"files_skipped":1,"bytes_scanned":38,'* ]]
	require_root
	run bpfq -s "count() where not file like 'web%' from web-1.log db-1.log web-2.log as text"
	assert_status 0
	[[ $output == *"  files:         3 (2 not read: where is false for their paths)
  scanned:       27 bytes in 2 reads"* ]]
}

@test "a file rejected by its path still has its row under by file" {
	logs
	cd "$TMP/logs"
	both_engines "count(), sum(\$2) where file = 'db-1.log' by file from db-1.log web-1.log" \
"file       count()  sum(\$2)
db-1.log         2        1
web-1.log        0     null"
	# the first file not read; file beside another key
	both_engines "count() where file <> 'web-1.log' by \$1, file from web-1.log db-1.log web-2.log as text" \
"\$1      file       count()
GET     web-2.log        2
SELECT  db-1.log         1
UPDATE  db-1.log         1"
}

@test "file with --partial, bpfq merge, -j and standard input" {
	logs
	cd "$TMP/logs"
	local q="min(file), count(), sum(\$3) where file <> 'web-1.log' or \$2 = 500"
	run bpfq --engine=user --partial "$q from web-1.log db-1.log"
	assert_status 0
	echo "$output" >"$TMP/p1"
	run bpfq --engine=user --partial "$q from web-2.log"
	echo "$output" >"$TMP/p2"
	run bpfq merge "$TMP/p1" "$TMP/p2"
	assert_status 0
	assert_output "min(file): db-1.log
count(): 5
sum(\$3): 30.5"
	run bash -c "cat web-1.log | '$BPFQ' --engine=user \"count() filter (where file = '<stdin>'), count() from - as text\""
	assert_status 0
	assert_output "count() filter (where file == '<stdin>'): 3
count(): 3"
	require_root
	run bpfq -j2 "$q from web-1.log db-1.log web-2.log"
	assert_status 0
	assert_output "min(file): db-1.log
count(): 5
sum(\$3): 30.5"
}

# The user engine refuses query $1 with status $2 and first line $3.
refused() {
	run bpfq --engine=user "$1"
	assert_status "$2"
	[[ ${lines[0]} == "$3" ]]
}

@test "file elsewhere than a condition over it alone: exact errors" {
	logs
	cd "$TMP/logs"
	refused "count() where \$1 = file from web-1.log" 2 \
		"bpfq: error: 1:20-23: 'file' is compared with strings and numbers alone, as file = 'a.log', file like '%.gz' or length(file) > 20: a condition over file is decided once per file"
	refused "sum(\$3 * length(file)) from web-1.log" 2 \
		"bpfq: error: 1:17-20: 'file' is compared with strings and numbers alone, as file = 'a.log', file like '%.gz' or length(file) > 20: a condition over file is decided once per file"
	refused "count() by length(file) from web-1.log" 2 \
		"bpfq: error: 1:19-22: 'file' is the path of the file a record comes from: a key only as 'by file' (a column or key named file is \"file\")"
	refused "sum(file) from web-1.log" 2 "bpfq: error: 1:5-8: sum needs a number, got text"
	refused "count() by file having file = 'db-1.log' from web-1.log" 2 \
		"bpfq: error: 1:24-27: 'file' is each record's file, not an answer's: use it in where, in a filter (where ...), in count(file), or by file"
	refused "min(file) as m from web-1.log" 2 \
		"bpfq: error: 1:1-9: min of text cannot be used with 'as', having, order by or limit"
	refused "count() where length(file) * 9223372036854775807 > 0 from web-1.log" 3 \
		"bpfq: error: 1:28: overflow deciding the condition over file for 'web-1.log'; no answer"
	assert_output "bpfq: error: 1:28: overflow deciding the condition over file for 'web-1.log'; no answer
  count() where length(file) * 9223372036854775807 > 0 from web-1.log
                             ~"
}

@test "no byte of a condition over file reaches the generated C" {
	logs
	cd "$TMP/logs"
	run bpfq --engine=user -d c "count() where file = 'web*/evil' or file ~ 'EVIL' from web-1.log"
	assert_status 0
	[[ $output == *"st->target.file_conds >> 0 & 1"* ]]
	[[ $output != *evil* && $output != *EVIL* ]]
}
