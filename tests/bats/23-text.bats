#!/usr/bin/env bats
# Text values: strings, comparisons of a field's text, in, is null, like,
# ilike, starts_with, ends_with, contains and length, on csv as
# spreadsheets and exports write it (quotes, commas and line ends inside
# fields, CRLF, a BOM, UTF-8, empty fields) and on text logs; both engines,
# at read sizes that split fields anywhere.

load test_helper
bats_require_minimum_version 1.5.0

SIZES="1 7 4093 65536"

# Query $1 must print $2 on both engines at every read size (notes and
# warnings on standard error aside).
every_size() {
	local query=$1 expected=$2 size
	for size in $SIZES; do
		run --separate-stderr bpfq --engine=user --read-size="$size" "$query"
		assert_status 0
		assert_output "$expected"
	done
	require_root
	for size in $SIZES; do
		run --separate-stderr bpfq --read-size="$size" "$query"
		assert_status 0
		assert_output "$expected"
	done
}

# Query $1 fails with status $2 and the error line $3 (after any note).
assert_error() {
	run bpfq "$1"
	assert_status "$2"
	if ! grep -qxF -- "$3" <<<"$output"; then
		printf 'expected the line:\n%s\nin:\n%s\n' "$3" "$output" >&2
		return 1
	fi
}

# A csv of flights: a BOM, CRLF lines, quoted fields with commas, quotes
# and a line end, an empty and a quoted empty origin, a short row, UTF-8.
flights() {
	printf '\xef\xbb\xbforigin,dest,delay,note\r\n'
	printf 'SFO,LAX,10,ok\r\n'
	printf '"SFO",JFK,20,"late, again"\r\n'
	printf 'LAX,SFO,-5,"said ""on time"""\n'
	printf ',SFO,7,\n'
	printf '"",SEA,8,"two\nlines"\n'
	printf 'Z\xc3\xbcrich,SFO,30,\xc3\xa9t\xc3\xa9\r\n'
	printf 'sfo,ORD,1,x\n'
	printf 'SFO ,ORD,2\n'
	printf 'JFK,SFO,40,ok'
}

@test "= and <> compare a field's unquoted text, byte for byte; NULL is dropped" {
	flights >"$TMP/f.csv"
	every_size "count(), sum(delay) where origin = 'SFO' from $TMP/f.csv" \
		$'count(): 2\nsum(delay): 30'
	every_size "count() where origin <> 'SFO' from $TMP/f.csv" 5
	every_size "count() where not (origin = 'SFO') or origin is null from $TMP/f.csv" 7
	every_size "sum(delay) where note = 'said \"on time\"' or note = 'late, again' from $TMP/f.csv" 15
	every_size "sum(delay) where note = 'two
lines' from $TMP/f.csv" 8
	every_size "sum(delay) where origin = '"$'Z\xc3\xbcrich'"' or note = '"$'\xc3\xa9t\xc3\xa9'"' from $TMP/f.csv" 30
}

@test "< <= > >= order text by bytes, shorter first; in lists; strings on either side" {
	flights >"$TMP/f.csv"
	every_size "count() where origin < 'SFO' from $TMP/f.csv" 2
	every_size "count() where origin >= 'SFO' from $TMP/f.csv" 5
	every_size "count() where 'SFO' < origin from $TMP/f.csv" 3
	every_size "count() where origin > 'Z' from $TMP/f.csv" 2
	every_size "sum(delay) where dest in ('SFO', 'SEA') from $TMP/f.csv" 80
	every_size "sum(delay) where dest not in ('SFO', 'SEA', 'ORD') from $TMP/f.csv" 30
	every_size "count() where 'b' > 'a' and 'it''s' = 'it''s' from $TMP/f.csv" 9
}

@test "is null: an empty csv field, quoted or not, and a missing one" {
	flights >"$TMP/f.csv"
	every_size "count() where origin is null from $TMP/f.csv" 2
	every_size "count() where note is null from $TMP/f.csv" 2
	every_size "count() where note is not null and origin is not null from $TMP/f.csv" 6
	printf 'GET /a 200\nPOST\n\nPUT /b 404\n' >"$TMP/a.log"
	every_size "count() where \$2 is null from $TMP/a.log" 2
}

@test "like, ilike, not like: % any bytes, _ one byte, ASCII case folded by ilike" {
	flights >"$TMP/f.csv"
	every_size "count() where origin like 'S%' from $TMP/f.csv" 3
	every_size "count() where origin like '_F_' from $TMP/f.csv" 3
	every_size "count() where origin ilike 'sf_' from $TMP/f.csv" 3
	every_size "count() where origin not like '%O%' from $TMP/f.csv" 4
	every_size "count() where note like '%a%a%' from $TMP/f.csv" 1
	every_size "count() where note like '%' from $TMP/f.csv" 7
	every_size "count() where origin ilike '"$'z\xc3\xbc'"%' from $TMP/f.csv" 1
}

@test "starts_with, ends_with, contains match bytes as they are; length counts bytes" {
	flights >"$TMP/f.csv"
	every_size "count() where starts_with(origin, 'SF') from $TMP/f.csv" 3
	every_size "count() where ends_with(dest, 'A') or contains(note, ',') from $TMP/f.csv" 2
	every_size "count() where contains(origin, '%') from $TMP/f.csv" 0
	every_size "sum(length(origin)), max(length(note)) from $TMP/f.csv" \
		$'sum(length(origin)): 26\nmax(length(note)): 14'
	every_size "count() where length(note) > 4 from $TMP/f.csv" 4
}

@test "text logs: fields are runs of non-blanks" {
	printf 'GET /a 200 0.5\r\nPOST /b 404 1.5\n  GET\t/c 500 2\nget /d 200 3\n' >"$TMP/a.log"
	every_size "count(), sum(\$4) where \$1 = 'GET' from $TMP/a.log" $'count(): 2\nsum($4): 2.5'
	every_size "count() where \$3 in ('404', '500') or \$2 like '/d' from $TMP/a.log" 3
	every_size "count() where \$4 = '0.5' from $TMP/a.log" 1
}

@test "a field near the 256 bytes kept compares exactly; a longer one cannot be matched" {
	local w255 w256
	w255=$(printf 'w%.0s' $(seq 255))
	w256=${w255}w
	{ echo name,n; echo "$w255,1"; echo "$w256,2"; echo "${w256}w,4"; echo "${w256}a,8"; } >"$TMP/l.csv"
	every_size "sum(n) where name = '$w256' from $TMP/l.csv" 2
	every_size "sum(n) where name > '$w256' from $TMP/l.csv" 12
	every_size "sum(n) where name < '$w256' from $TMP/l.csv" 1
	every_size "sum(n) where starts_with(name, '$w256') from $TMP/l.csv" 14
	every_size "sum(n) where length(name) = 257 from $TMP/l.csv" 12
	run bpfq --engine=user "sum(n) where name like 'w%' from $TMP/l.csv"
	assert_status 3
	[[ ${lines[0]} == "bpfq: error: 1:19-22: a field longer than 256 bytes cannot be matched at $TMP/l.csv:4:1" ]]
	require_root
	assert_error "sum(n) where name like 'w%' from $TMP/l.csv" 3 \
		"bpfq: error: 1:19-22: a field longer than 256 bytes cannot be matched at $TMP/l.csv:4:1"
}

@test "text errors name the operator: numbers, patterns, limits, double quotes" {
	local f=$TMP/f.csv
	printf 'origin,n\nSFO,1\n' >"$f"
	assert_error "count() where 'SFO' > 5 from $f" 2 \
		"bpfq: error: 1:21: '>' cannot compare text with a number"
	assert_error "count() where origin = 1 + 'a' from $f" 2 \
		"bpfq: error: 1:26: '+' needs numbers on both sides"
	assert_error "count() where origin like n from $f" 2 \
		"bpfq: error: 1:27: 'like' takes a string pattern, as 'GET%'; got a number"
	assert_error "count() where contains(origin, 5) from $f" 2 \
		"bpfq: error: 1:32: contains takes a string, as contains(url, '/api'); got a number"
	assert_error "count() where length(origin) = 'x' from $f" 2 \
		"bpfq: error: 1:30: '=' cannot compare text with a number"
	assert_error "count() where origin = \"SFO\" from $f" 2 \
		"bpfq: error: 1:24-28: no column 'SFO' in the header of $f: origin, n; a string is written in single quotes, as 'SFO'"
	assert_error "count() where origin = 'SFO from x" 2 \
		"bpfq: error: 1:24-34: unterminated string; a quote inside one is written twice, as 'it''s'"
	assert_error "count() where origin = '$(printf 'w%.0s' $(seq 257))' from $f" 2 \
		"bpfq: error: 1:24-282: a string is at most 256 bytes, this one 257"
	assert_error "count() where \$1 = 'a' and \$2 = 'b' and \$3 = 'c' and \$4 = 'd' and \$5 = 'e' from $f" 2 \
		"bpfq: error: 1:67-68: too many fields compared as text: at most 4 in a query"
	assert_error "count() where x is null from $f as numbers" 2 \
		"bpfq: error: 1:15: 'is null' takes a field of text or csv records, as price is null"
	assert_error "count() where x = 'a' from $f as numbers" 2 \
		"bpfq: error: 1:17: '=' cannot compare text with a field of this input (a number)"
	assert_error "count() where origin is nul from $f" 2 \
		"bpfq: error: 1:25-27: expected 'null' after 'is', got 'nul'"
}

@test "-j: ranges of a file compare text as one reader does" {
	require_root
	awk 'BEGIN { print "city,n"; split("SFO \"S,F\" LAX sfo", c, " ")
		for (i = 0; i < 900000; i++) printf "%s,%d\n", c[1 + i % 4], i % 7 }' >"$TMP/j.csv"
	local q="count(), sum(n) where city = 'SFO' or city like 'S,%' or city is null from $TMP/j.csv"
	run bpfq --engine=user "$q"
	assert_status 0
	assert_output $'count(): 450000\nsum(n): 1349999'
	run bpfq -j 3 "$q"
	assert_status 0
	assert_output $'count(): 450000\nsum(n): 1349999'
}

# ---- columns of text: what the first records hold decides ----

@test "text columns: count, count(distinct), min, max take the unquoted text; NULL is dropped" {
	flights >"$TMP/f.csv"
	every_size "count(distinct origin), count(origin), min(origin), max(origin) from $TMP/f.csv" \
		$'count(distinct origin): 6\ncount(origin): 7\nmin(origin): JFK\nmax(origin): sfo'
	every_size "min(note), max(note), count_distinct(note), count(note) from $TMP/f.csv" \
		$'min(note): late, again\nmax(note): \\xc3\\xa9t\\xc3\\xa9\ncount_distinct(note): 6\ncount(note): 7'
	every_size "max(origin), min(dest) where delay > 5 and dest <> 'SFO' from $TMP/f.csv" \
		$'max(origin): SFO\nmin(dest): JFK'
	every_size "count(), min(origin), max(note) by dest from $TMP/f.csv" \
		"dest  count()  min(origin)  max(note)
JFK         1  SFO          late, again
LAX         1  SFO          ok
ORD         2  SFO          x
SEA         1  null         two\\x0alines
SFO         4  JFK          \\xc3\\xa9t\\xc3\\xa9"
	every_size "min(dest) where dest = 'none' from $TMP/f.csv" null
}

@test "text columns: 'as csv(header)' samples the kinds as the guess does, file or pipe" {
	flights >"$TMP/f.csv"
	every_size "count(distinct origin), min(origin), max(dest) from $TMP/f.csv as csv(header)" \
		$'count(distinct origin): 6\nmin(origin): JFK\nmax(dest): SFO'
	run --separate-stderr bpfq "count(distinct origin), min(origin) from - as csv(header)" <"$TMP/f.csv"
	assert_status 0
	assert_output $'count(distinct origin): 6\nmin(origin): JFK'
	[[ -z $stderr ]]
}

@test "text columns: min and max print as csv fields and json strings" {
	flights >"$TMP/f.csv"
	run --separate-stderr bpfq --engine=user -o csv "min(note), max(note) where note like '%\"%' from $TMP/f.csv"
	assert_status 0
	assert_output $'min(note),max(note)\n"said ""on time""","said ""on time"""'
	run --separate-stderr bpfq --engine=user -o csv "max(note), count() by dest from $TMP/f.csv"
	assert_output $'dest,max(note),count()\nJFK,"late, again",1\nLAX,ok,1\nORD,x,2\nSEA,"two\nlines",1\nSFO,\xc3\xa9t\xc3\xa9,4'
	run --separate-stderr bpfq --engine=user -o json "min(note), max(note) where note like '%i%' from $TMP/f.csv"
	[[ $output == *'"aggregates":[{"name":"min(note)","value":"late, again"},{"name":"max(note)","value":"two\u000alines"}]'* ]]
}

@test "text columns: a number among the values, NA and empties keep a column of numbers" {
	printf 'id,v,w\nA1,NA,NA\nB2,,x\nC3,2.5,-\nD4,-1,NULL\n' >"$TMP/n.csv"
	every_size "sum(v), count(v), count(w), min(w), count(distinct id) from $TMP/n.csv" \
		$'sum(v): 1.5\ncount(v): 2\ncount(w): 4\nmin(w): -\ncount(distinct id): 4'
	run bpfq --engine=user -v "sum(v), count(w), max(id) from $TMP/n.csv"
	assert_status 0
	[[ ${lines[0]} == "bpfq: fields read as v numbers, w text, id text" ]]
}

@test "text columns: a number beside one is an error at the column" {
	local f=$TMP/e.csv
	printf 'origin,n\nSFO,1\nNA,2\n,3\nLAX,4\n' >"$f"
	assert_error "count() where origin > 5 from $f" 2 \
		"bpfq: error: 1:15-20: 'origin' holds text (its first records do, as 'SFO'); compare it with a string, as origin > '5'"
	assert_error "count() where 5 <= origin from $f" 2 \
		"bpfq: error: 1:20-25: 'origin' holds text (its first records do, as 'SFO'); compare it with a string, as '5' <= origin"
	assert_error "sum(origin + 1) from $f" 2 \
		"bpfq: error: 1:5-10: 'origin' holds text (its first records do, as 'SFO'); '+' needs numbers"
	assert_error "avg(origin) from $f" 2 \
		"bpfq: error: 1:5-10: 'origin' holds text (its first records do, as 'SFO'); avg needs numbers: count, count(distinct ...), min and max take text"
	assert_error "count() where origin in (1, 2) from $f" 2 \
		"bpfq: error: 1:15-20: 'origin' holds text (its first records do, as 'SFO'); compare it with strings, as origin in ('SFO')"
	assert_error "count() where year(origin) = 2024 from $f" 2 \
		"bpfq: error: 1:20-25: 'origin' holds text (its first records do, as 'SFO'); here it would be a time"
	assert_error "min(origin) as m from $f" 2 \
		"bpfq: error: 1:1-11: min of text cannot be used with 'as', having, order by or limit"
	every_size "count(distinct origin) as d from $f" 3
}

@test "text columns: min and max keep 256 bytes; a longer answer is an error" {
	local w255 w256
	w255=$(printf 'w%.0s' $(seq 255))
	w256=${w255}w
	{ echo name,n; echo "$w256,2"; echo "${w256}w,4"; echo "${w256}a,8"; echo "$w255,1"; } >"$TMP/l.csv"
	every_size "min(name), count(distinct name) from $TMP/l.csv" $'min(name): '"$w255"$'\ncount(distinct name): 4'
	every_size "max(name) where n < 4 from $TMP/l.csv" "$w256"
	run bpfq --engine=user "max(name) from $TMP/l.csv"
	assert_status 3
	assert_output "bpfq: error: max(name) is a value longer than 256 bytes, the most min and max of text keep; no answer"
	require_root
	assert_error "max(name) by n % 2 from $TMP/l.csv" 3 \
		"bpfq: error: max(name) is a value longer than 256 bytes, the most min and max of text keep; no answer"
}

@test "text columns: partials carry min and max of text, merge orders them" {
	flights >"$TMP/f.csv"
	printf 'origin,dest,delay,note\nAAA,ZZZ,1,\n' >"$TMP/g.csv"
	bpfq --engine=user --partial "min(origin), max(dest), count(distinct origin) from $TMP/f.csv" >"$TMP/p1" 2>/dev/null
	bpfq --engine=user --partial "min(origin), max(dest), count(distinct origin) from $TMP/g.csv" >"$TMP/p2"
	run bpfq merge "$TMP/p1" "$TMP/p2"
	assert_status 0
	assert_output $'min(origin): AAA\nmax(dest): ZZZ\ncount(distinct origin): 7'
}

@test "text logs: a field the first lines hold as text is text, from a file or a pipe" {
	printf '%s\n' '10.0.0.1 - - [07/Dec/2026:10:00:01 +0000] "GET /index.html HTTP/1.1" 200 512' \
		'10.0.0.2 - - [07/Dec/2026:10:00:02 +0000] "POST /login HTTP/1.1" 401 64' \
		'10.0.0.3 - - [07/Dec/2026:10:00:03 +0000] "GET /old.php HTTP/1.1" 404 128' \
		'10.0.0.1 - - [07/Dec/2026:10:00:04 +0000] "HEAD /health HTTP/1.1" 200 -' >"$TMP/web.log"
	every_size "count_distinct(\$1), min(\$1), max(\$7), count(\$1), sum(\$10) from $TMP/web.log" \
		$'count_distinct($1): 3\nmin($1): 10.0.0.1\nmax($7): /old.php\ncount($1): 4\nsum($10): 704'
	run --separate-stderr bpfq --engine=user "count(distinct \$1) from -" <"$TMP/web.log"
	assert_status 0
	assert_output 3
	assert_error "sum(\$1) from $TMP/web.log" 2 \
		"bpfq: error: 1:5-6: '\$1' holds text (its first records do, as '10.0.0.1'); sum needs numbers: count, count(distinct ...), min and max take text"
	run bpfq --engine=user -v "count(\$1), sum(\$9) from $TMP/web.log"
	[[ ${lines[0]} == "bpfq: fields read as \$1 text, \$9 numbers" ]]
}

@test "\$0 is the whole line: text, blanks kept, a '\\r' before '\\n' dropped" {
	long=$(printf 'x%.0s' {1..300})
	printf 'GET /a 200\nPOST /b 500\n\n  POST\t/c 201\r\nx\r\r\nGET /a 200\nPOST /%s 503\n' "$long" \
		>"$TMP/w.log"
	every_size "count(), count(\$0), count(distinct \$0) from $TMP/w.log" \
		$'count(): 7\ncount($0): 6\ncount(distinct $0): 5'
	every_size "count(), sum(\$3) where \$0 ~ '^ *POST' from $TMP/w.log" \
		$'count(): 3\nsum($3): 1204'
	every_size "count() where \$0 ~ 'x{250}x* 503\$' or \$0 = 'GET /a 200' from $TMP/w.log" \
		3
	every_size "count() where \$0 ~ '^  POST[[:blank:]]/c 201\$' from $TMP/w.log" 1
	every_size "count() by \$1, \$0 where length(\$0) < 20 from $TMP/w.log" \
		"\$1     \$0                count()
GET    GET /a 200              2
POST     POST\\x09/c 201        1
POST   POST /b 500             1
x\\x0d  x\\x0d                   1"
	every_size "count() where \$0 is null from $TMP/w.log" 1
}

@test "\$0: a number, a csv record and a longer line than 256 bytes for like are errors" {
	printf '1 2\n3 4\n' >"$TMP/n.log"
	printf 'a,b\n1,2\n' >"$TMP/n.csv"
	assert_error "sum(\$0) from $TMP/n.log" 2 \
		"bpfq: error: 1:5-6: '\$0' is the whole line, a text; sum needs numbers: count, count(distinct ...), min and max take text"
	assert_error "count() where \$0 > 2 from $TMP/n.log" 2 \
		"bpfq: error: 1:15-16: '\$0' is the whole line, a text; compare it with a string, as \$0 > '2'"
	assert_error "count() where \$0 ~ '1' from $TMP/n.csv" 2 \
		"bpfq: error: 1:15-16: '\$0' is the whole line of 'as text' records; a csv record's fields are \$1, \$2, ... or its columns' names"
	assert_error "count() where \$1025 > 1 from $TMP/n.log" 2 \
		"bpfq: error: 1:15-19: no field '\$1025': fields are \$1 to \$1024, and \$0 the whole line"
	printf 'GET %0300d\n' 0 >"$TMP/l.log"
	assert_error "count() where \$0 like 'GET%' from $TMP/l.log" 3 \
		"bpfq: error: 1:18-21: a field longer than 256 bytes cannot be matched at $TMP/l.log:1:1"
}

@test "text columns: dates with slashes are not ordered as text by min, max, < or >" {
	printf 'd,v\n12/31/2023,1\n01/05/2024,2\n1/6/24,3\n' >"$TMP/us.csv"
	assert_error "min(d), sum(v) from $TMP/us.csv" 2 \
		"bpfq: error: 1:5: 'd' holds dates written as '12/31/2023', whose order as text is not their order in time: min would not be the earliest; bpfq reads dates as ISO 8601 (2023-12-31)"
	assert_error "count() where v > 1 and d >= '01/01/2024' from $TMP/us.csv" 2 \
		"bpfq: error: 1:25: 'd' holds dates written as '12/31/2023', whose order as text is not their order in time: '<' and '>' would compare them as text; bpfq reads dates as ISO 8601 (2023-12-31)"
	every_size "count(distinct d), count() where d <> '1/6/24' from $TMP/us.csv" \
		$'count(distinct d): 2\ncount(): 2'
	printf 'd,v\n12/31/2023,1\nsoon,2\n' >"$TMP/mixed.csv"
	every_size "min(d) from $TMP/mixed.csv" '12/31/2023'
}
