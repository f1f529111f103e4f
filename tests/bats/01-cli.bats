#!/usr/bin/env bats
# The command line: options, messages, exit statuses.

load test_helper

@test "--help shows usage, options and examples" {
	run bpfq --help
	assert_status 0
	[[ $output == *"Usage: bpfq [OPTION...] [QUERY]"* ]]
	[[ $output == *"--engine=ENGINE"* ]]
	[[ $output == *"--read-size=BYTES"* ]]
	[[ $output == *"bpfq 'sum(x) where x > 5 from nums.txt'"* ]]
	[[ $output == *"Exit status:"* ]]
}

@test "--version prints the release, and the commit from a checkout; -h is --help" {
	local release
	release=$(sed -n 's/^RELEASE *:= *//p' "$BATS_TEST_DIRNAME/../../Makefile")
	run bpfq --version
	assert_status 0
	[[ $output =~ ^"bpfq $release"( \([0-9a-f]+(-dirty)?\))?$ ]]
	run bpfq -h
	assert_status 0
	[[ ${lines[0]} == "Usage: bpfq [OPTION...] [QUERY] [FILE...]" ]]
}

@test "an answer that cannot be written is an error with a message, status 3" {
	seq_file 10 "$TMP/n.txt"
	run bash -c "'$BPFQ' --engine=user 'sum(x) from $TMP/n.txt' >/dev/full"
	assert_status 3
	assert_output "bpfq: error: writing the answer to standard output: No space left on device"
}

@test "no query is a usage error (status 2)" {
	run bpfq
	assert_status 2
	[[ $output == *"no query given"* ]]
}

@test "a bad option value is a usage error (status 2)" {
	run bpfq --read-size=0 'count() from /dev/null'
	assert_status 2
	[[ $output == *"--read-size takes 1 to 1048576 bytes, not '0'"* ]]
	run bpfq --read-size=2M 'count() from /dev/null'
	assert_status 2
	run bpfq --engine=gpu 'count() from /dev/null'
	assert_status 2
	[[ $output == *"--engine takes kernel or user, not 'gpu'"* ]]
}

@test "a query error points at the problem (status 2)" {
	run bpfq 'sum(x) wher x > 5 from nums.txt'
	assert_status 2
	assert_output "bpfq: error: 1:8-11: expected 'where', 'from', 'by' or ',' after aggregate
  sum(x) wher x > 5 from nums.txt
         ~~~~"
}

@test "semantic errors are query errors (status 2)" {
	run bpfq 'sum(y) from f'
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:5: unknown name 'y'; the input's values are called x" ]]
	run bpfq 'sum(x / 0) from f'
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:9: division by zero" ]]
}

@test "a missing file is an input error (status 3)" {
	run bpfq --engine=user "count() from $TMP/nope.txt"
	assert_status 3
	assert_output "bpfq: error: cannot open '$TMP/nope.txt': No such file or directory"
}

@test "a folder with no file to read is an input error (status 3)" {
	run bpfq --engine=user "count() from $TMP"
	assert_status 3
	assert_output "bpfq: error: '$TMP' holds no file to read"
}

@test "without privileges it says what it needs (status 4)" {
	require_root
	seq_file 10 "$TMP/n.txt"
	chmod 755 "$TMP"
	chmod 644 "$TMP/n.txt"
	run setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$BPFQ" "count() from $TMP/n.txt"
	assert_status 4
	assert_output "bpfq: error: loading BPF programs needs root, or CAP_BPF and CAP_PERFMON: run it with sudo, or use --engine=user to compute in user space"
	run setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$BPFQ" --engine=user "count() from $TMP/n.txt"
	assert_status 0
	assert_output "10"
}

@test "a missing clang is a BPF error that names the fix (status 4)" {
	require_root
	seq_file 10 "$TMP/n.txt"
	BPFQ_CLANG=/nonexistent/clang run bpfq "sum(x) from $TMP/n.txt"
	assert_status 4
	assert_output "bpfq: error: clang not found: install clang, or set BPFQ_CLANG to its path (or use --engine=user)"
}

# $TMP/clang: notes each compile's part in $TMP/parts ("whole" without
# -DBPFQ_PART) and runs clang; for part $1, if given, it fails instead.
# The global functions each part's object defines go to $TMP/part-PART.
clang_noting_parts() {
	cat >"$TMP/clang" <<EOF
#!/bin/sh
part=whole
for a; do case \$a in -DBPFQ_PART=*) part=\${a#-DBPFQ_PART=} ;; esac; obj=\$a; done
echo "\$part" >>"$TMP/parts"
if [ "\$part" = "${1:-}" ]; then echo "part \$part: made to fail" >&2; exit 1; fi
"$(command -v clang)" "\$@" || exit
readelf -sW "\$obj" | awk '\$4 == "FUNC" && \$5 == "GLOBAL" { print \$8 }' | sort | paste -sd' ' >"$TMP/part-\$part"
EOF
	chmod +x "$TMP/clang"
}

@test "a long input's program compiles as two clangs at once, linked; on one CPU or short, whole" {
	require_root
	seq_file 100000 "$TMP/n.txt"
	clang_noting_parts
	export BPFQ_CACHE_DIR=off BPFQ_CLANG=$TMP/clang
	BPFQ_LONG_INPUT=1 run bpfq "sum(x) where x > 5 from $TMP/n.txt"
	assert_status 0
	assert_output 5000049985
	if (($(nproc) >= 2)); then
		[[ $(sort "$TMP/parts" | paste -sd' ') == "1 2" ]]
	else
		[[ $(cat "$TMP/parts") == whole ]]
	fi
	rm "$TMP/parts"
	BPFQ_LONG_INPUT=1 run taskset -c 0 "$BPFQ" "sum(\$1) where \$1 > 5 from $TMP/n.txt as csv"
	assert_output 5000049985
	[[ $(cat "$TMP/parts") == whole ]]
	rm "$TMP/parts"
	BPFQ_LONG_INPUT=0 run bpfq "sum(x) where x > 5 from $TMP/n.txt"
	assert_output 5000049985
	[[ $(cat "$TMP/parts") == whole ]]
}

@test "the second part: the streams' steps, or without streams the unsigned step" {
	require_root
	(($(nproc) >= 2)) || strict_skip "one CPU: no parts" || return 1
	seq_file 100000 "$TMP/n.txt"
	clang_noting_parts
	export BPFQ_CACHE_DIR=off BPFQ_CLANG=$TMP/clang BPFQ_LONG_INPUT=1
	run bpfq "sum(x) where x > 5 from $TMP/n.txt"
	assert_output 5000049985
	[[ $(cat "$TMP/part-2") == "bpfq_streams_signed bpfq_streams_unsigned" ]]
	[[ $(cat "$TMP/part-1") == *" bpfq_fast_unsigned "* && $(cat "$TMP/part-1") != *streams_signed* ]]
	# x * 2 > 10 is no masked where: no streams (codegen/mask.c)
	run bpfq "sum(x) where x * 2 > 10 from $TMP/n.txt"
	assert_output 5000049985
	[[ $(cat "$TMP/part-2") == bpfq_fast_unsigned ]]
	run bpfq "sum(\$1) where \$1 * 2 > 10 from $TMP/n.txt as csv"
	assert_output 5000049985
	[[ $(cat "$TMP/part-2") == bpfq_fast_line_unsigned ]]
	[[ $(cat "$TMP/part-1") == *" bpfq_fast_line "* ]]
}

@test "a part that does not compile: its messages, status 4, no answer" {
	require_root
	(($(nproc) >= 2)) || strict_skip "one CPU: no parts" || return 1
	seq_file 1000 "$TMP/n.txt"
	clang_noting_parts 2
	BPFQ_CACHE_DIR=off BPFQ_CLANG=$TMP/clang BPFQ_LONG_INPUT=1 run bpfq "sum(x) from $TMP/n.txt"
	assert_status 4
	[[ ${lines[0]} == "bpfq: error: $TMP/clang could not compile the generated program:" ]]
	[[ $output == *"part 2: made to fail"* && $output != *500500* ]]
}

@test "a run-time error names the operator, the value and its place (status 3)" {
	printf '1\n2\n3037000500\n' >"$TMP/n.txt"
	run bpfq --engine=user "sum(x * x) from $TMP/n.txt"
	assert_status 3
	assert_output "bpfq: error: 1:7: overflow for x = 3037000500 at $TMP/n.txt:3:1
  sum(x * x) from $TMP/n.txt
        ~"
}

@test "skipped tokens are counted, and the first one is shown" {
	printf '1 2\nabc 3 4x\n' >"$TMP/n.txt"
	run bpfq --engine=user "sum(x) from $TMP/n.txt"
	assert_status 0
	assert_output "bpfq: warning: skipped 2 tokens that are not numbers; the first, 'abc', at $TMP/n.txt:2:1
6"
}

@test "the kernel engine gives the same messages" {
	require_root
	printf '1 2\nabc 3 4x\n3037000500\n' >"$TMP/n.txt"
	for q in "sum(x) from $TMP/n.txt" "sum(x * x) from $TMP/n.txt"; do
		run bpfq --engine=user "$q"
		user_status=$status user_output=$output
		run bpfq "$q"
		assert_status "$user_status"
		assert_output "$user_output"
	done
}

# A FIFO whose writer never finishes: only the signal can end the scan.
interrupt_test() {
	mkfifo "$TMP/fifo"
	(printf '1\n2\n'; sleep 60) >"$TMP/fifo" &
	writer=$!
	"$BPFQ" "$@" "sum(x) from $TMP/fifo" >"$TMP/out" 2>"$TMP/err" &
	query=$!
	sleep 1
	kill -INT $query
	status=0
	wait $query || status=$?
	kill $writer 2>/dev/null || true
	output=$(cat "$TMP/out" "$TMP/err")
	assert_status 130
	assert_output "bpfq: interrupted; no answer"
}

@test "SIGINT ends the scan with status 130 and no answer" {
	interrupt_test --engine=user
	rm -f "$TMP/fifo"
	require_root
	interrupt_test
}

@test "--help: no line past 79 columns, and each example whole on its line" {
	run bpfq --help
	assert_status 0
	[[ -z $(awk 'length > 79' <<<"$output") ]]
	# The lines after "Examples:" up to the blank one: each a command.
	run awk '/^Examples:/ { on = 1; next } on && /^$/ { exit } on' <<<"$output"
	((${#lines[@]} >= 5))
	for l in "${lines[@]}"; do
		[[ $l =~ ^"  "(bpfq|seq|pdsh)" " ]] || { echo "not a command: $l" >&2; return 1; }
	done
}
