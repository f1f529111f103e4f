#!/usr/bin/env bats
# Regular expressions: e ~ 'regex' and e !~ 'regex' on a field's text, as
# awk filters logs. Both engines run the same DFA; the diff suite checks
# them against gawk's own ~ (tests/diff/queries.tsv).

load test_helper

# A small access log (combined format): $6 is '"GET' with its quote, $7
# the path, $9 the status, $10 the bytes. A short line, an empty one, CRLF.
access_log() {
	printf '%s\n' \
		'10.0.0.1 - - [07/Dec/2026:10:00:01 +0000] "GET /index.html HTTP/1.1" 200 512 "-" "curl/8.5.0"' \
		'10.0.0.2 - - [07/Dec/2026:10:00:02 +0000] "POST /login HTTP/1.1" 401 64 "-" "Mozilla/5.0"' \
		'10.0.0.3 - - [07/Dec/2026:10:00:03 +0000] "GET /missing.php HTTP/1.1" 404 128 "-" "Wget/1.21"' \
		'10.0.0.1 - - [07/Dec/2026:10:00:04 +0000] "HEAD / HTTP/1.1" 200 0 "-" "curl/8.5.0"' \
		'10.0.0.4 - - [07/Dec/2026:10:00:05 +0000] "GET /api/v2/items?id=7 HTTP/1.1" 500 32 "-" "python-requests/2.31"' \
		'10.0.0.5 - -' \
		'' \
		'10.0.0.2 - - [07/Dec/2026:10:00:07 +0000] "DELETE /api/v2/items/7 HTTP/1.1" 503 16 "-" "curl/8.5.0"' \
		>"$TMP/access.log"
	printf '10.0.0.6 - - [07/Dec/2026:10:00:08 +0000] "GET /cgi-bin/x.cgi HTTP/1.1" 404 256 "-" "-"\r\n' \
		>>"$TMP/access.log"
}

@test "regex: an access log filtered by method and status" {
	access_log
	both_engines "count(), sum(\$10) where \$6 ~ '^\"(GET|HEAD)\$' and \$9 ~ '^[45][0-9][0-9]\$' from $TMP/access.log" \
"bpfq: warning: 6 fields missing (the records are too short) read as NULL; the first in the record at $TMP/access.log:6:1
count(): 3
sum(\$10): 416"
}

@test "regex: !~ holds where ~ does not, and neither on a record without the field" {
	access_log
	both_engines "count() where \$9 !~ '^2' from $TMP/access.log" \
"bpfq: warning: 2 fields missing (the records are too short) read as NULL; the first in the record at $TMP/access.log:6:1
5"
	both_engines "count() where not (\$9 ~ '^2') from $TMP/access.log" \
"bpfq: warning: 2 fields missing (the records are too short) read as NULL; the first in the record at $TMP/access.log:6:1
5"
	both_engines "count() where \$9 ~ '^2' from $TMP/access.log" \
"bpfq: warning: 2 fields missing (the records are too short) read as NULL; the first in the record at $TMP/access.log:6:1
2"
}

@test "regex: anchors, also inside alternations and groups" {
	printf 'ab\nba\nb\nxa\nax\n,x\nx\n' >"$TMP/a.txt"
	both_engines "count() where \$1 ~ '^a|a\$' from $TMP/a.txt" "4"
	both_engines "count() where \$1 ~ '(^|,)x' from $TMP/a.txt" "3"
	both_engines "count() where \$1 ~ 'a^b' or \$1 ~ 'b\$a' from $TMP/a.txt" "0"
	both_engines "count() where \$1 ~ '^(a|b)+\$' from $TMP/a.txt" "3"
	both_engines "count() where \$1 ~ '' from $TMP/a.txt" "7"
}

@test "regex: bracket classes, ranges, negation, POSIX classes, repeats" {
	printf 'a1\nB22\n-\n]x\nz\nc333d\n' >"$TMP/c.txt"
	both_engines "count() where \$1 ~ '^[[:alpha:]][[:digit:]]{2,}' from $TMP/c.txt" "2"
	both_engines "count() where \$1 ~ '[]-]' from $TMP/c.txt" "2"
	both_engines "count() where \$1 ~ '^[^a-z]+\$' from $TMP/c.txt" "2"
	both_engines "count() where \$1 ~ '^[a-c][0-9]?[0-9]{0,2}.?\$' from $TMP/c.txt" "2"
	both_engines "count() where \$1 ~ '\\.|\\]|x\$' from $TMP/c.txt" "1"
}

@test "regex: csv fields are matched on their text, quotes taken off" {
	printf 'name,note\n"Smith, J.","said ""hi"""\nDoe,\n"x\ny",plain\n' >"$TMP/f.csv"
	both_engines "count() where name ~ ', J\\.\$' or note ~ '\"hi\"' from $TMP/f.csv as csv(header)" "1"
	both_engines "count() where name ~ '^x.y\$' from $TMP/f.csv as csv(header)" "1"
	# an empty field is NULL, as to = and <>: 'is null' finds it
	both_engines "count() where note ~ '^\$' or note !~ '^\$' from $TMP/f.csv as csv(header)" "2"
}

@test "regex: a field longer than any buffer is matched to its end" {
	{ printf 'k%.0s' $(seq 5000); printf 'END 1\n'; printf 'k%.0s' $(seq 5000); printf ' 2\n'; } >"$TMP/long.txt"
	both_engines "sum(\$2) where \$1 ~ '^k+END\$' from $TMP/long.txt" "1"
	both_engines "sum(\$2) where \$1 !~ 'END' from $TMP/long.txt" "2"
}

@test "regex: the answers do not depend on the read size" {
	access_log
	for size in 1 7 4093 65536; do
		run bpfq --engine=user --read-size=$size "count() where \$7 ~ '^/api/' or \$12 ~ 'curl' from $TMP/access.log"
		assert_status 0
		assert_output "bpfq: warning: 4 fields missing (the records are too short) read as NULL; the first in the record at $TMP/access.log:6:1
4"
	done
	require_root
	for size in 1 7 4093 65536; do
		run bpfq --read-size=$size "count() where \$7 ~ '^/api/' or \$12 ~ 'curl' from $TMP/access.log"
		assert_status 0
		assert_output "bpfq: warning: 4 fields missing (the records are too short) read as NULL; the first in the record at $TMP/access.log:6:1
4"
	done
}

@test "regex: groups by a field, with a regex on another and on the key" {
	access_log
	both_engines "count() where \$9 ~ '^[0-9]+\$' and \$1 !~ '\\.5\$' by \$9 from $TMP/access.log" \
"bpfq: warning: 3 fields missing (the records are too short) read as NULL; the first in the record at $TMP/access.log:6:1
\$9   count()
200        2
401        1
404        2
500        1
503        1"
}

@test "regex: a regex whose DFA is too large is an error naming the limit" {
	printf 'a\n' >"$TMP/a.txt"
	run bpfq --engine=user "count() where \$1 ~ 'a.{9}\$' from $TMP/a.txt"
	assert_status 2
	assert_output "bpfq: error: 1:21-26: regex needs 1025 DFA states; bpfq's limit is 256
  count() where \$1 ~ 'a.{9}\$' from $TMP/a.txt
                      ~~~~~~"
	run bpfq --engine=user "count() where \$1 ~ 'x' or \$1 ~ 'a.{11}' from $TMP/a.txt"
	assert_status 2
	assert_output "bpfq: error: 1:33-38: regex needs more than 4096 DFA states; bpfq's limit is 256
  count() where \$1 ~ 'x' or \$1 ~ 'a.{11}' from $TMP/a.txt
                                  ~~~~~~"
}

@test "regex: errors point into the regex" {
	printf 'a\n' >"$TMP/a.txt"
	run bpfq --engine=user "count() where \$1 ~ '[z-a]' from $TMP/a.txt"
	assert_status 2
	assert_output "bpfq: error: 1:22-24: range 'z'-'a' is backwards
  count() where \$1 ~ '[z-a]' from $TMP/a.txt
                       ~~~"
	run bpfq --engine=user "count() where \$1 ~ 'a\\w' from $TMP/a.txt"
	assert_status 2
	assert_output "bpfq: error: 1:22-23: backslash before 'w' is not supported (only before a punctuation byte)
  count() where \$1 ~ 'a\\w' from $TMP/a.txt
                       ~~"
	run bpfq --engine=user "count() where \$1 ~ '+x' from $TMP/a.txt"
	assert_status 2
	assert_output "bpfq: error: 1:21: '+' has nothing to repeat
  count() where \$1 ~ '+x' from $TMP/a.txt
                      ~"
	run bpfq --engine=user "count() where x ~ 'a' from $TMP/a.txt"
	assert_status 2
	assert_output "bpfq: error: 1:15: '~' matches a field of text or csv records, as \$2 ~ 'GET', got a number
  count() where x ~ 'a' from $TMP/a.txt
                ~"
}

@test "regex: no byte of the regex reaches the generated C" {
	printf 'a\n' >"$TMP/a.txt"
	run bpfq -d c --dry-run --engine=user "count() where \$1 ~ '[*]/ SMUGGLED\"\\\\\\\\n#include' or \$1 !~ '[*]/|\\\\*/ SMUGGLED' from $TMP/a.txt"
	assert_status 0
	[[ $output == *"--- generated BPF C ---"* ]]
	[[ $output == *"static const struct {"* ]]
	[[ $output == *"bpfq_rx1 = {"* ]]
	if [[ $output == *SMUGGLED* || $output == *'#include"'* ]]; then
		grep -n 'SMUGGLED\|#include"' <<<"$output" >&2
		return 1
	fi
}

@test "regex: the kernel's verifier work stays small" {
	require_root
	access_log
	run bpfq -s "count() where \$6 ~ '^\"(GET|HEAD)\$' and \$9 !~ '^[23]' from $TMP/access.log"
	assert_status 0
	insns=$(sed -n 's/.*(\([0-9]*\) instructions processed).*/\1/p' <<<"$output")
	[[ -n $insns ]] || { echo "$output" >&2; return 1; }
	(( insns < 200000 )) || { echo "verifier: $insns instructions" >&2; return 1; }
}
