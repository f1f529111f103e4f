#!/usr/bin/env bats
# Invocation and output options: -e, -f, from -, --dry-run, -d, -q, -o, -s, -l,
# the progress line. Merging partials is in 07-merge.bats.

load test_helper

@test "-e may be given several times: one block per query, blank lines between" {
	require_root
	seq_file 100 "$TMP/n.txt"
	run bpfq -e "count() from $TMP/n.txt" -e "min(x), max(x) where x > 90 from $TMP/n.txt"
	assert_status 0
	assert_output "100

min(x): 91
max(x): 100"
}

@test "the worst status of several queries is the exit status" {
	seq_file 10 "$TMP/n.txt"
	run bpfq --engine=user -e "sum(x) from $TMP/n.txt" -e "sum(x) from $TMP/none.txt"
	assert_status 3
	[[ ${lines[0]} == 55 ]]
	[[ $output == *"cannot open '$TMP/none.txt'"* ]]
}

@test "-f reads queries separated by ';', with comment lines and quoted paths" {
	require_root
	seq_file 10 "$TMP/a;b.txt"
	cat >"$TMP/q.bpfq" <<-EOF
		# totals; the path holds a ';'
		sum(x) from "$TMP/a;b.txt";
		count()
		  where x > 5
		  from "$TMP/a;b.txt"
	EOF
	run bpfq -f "$TMP/q.bpfq"
	assert_status 0
	assert_output "55

5"
}

@test "-f - reads the queries from standard input" {
	seq_file 10 "$TMP/n.txt"
	run bpfq --engine=user -f - <<<"max(x) from $TMP/n.txt; min(x) from $TMP/n.txt"
	assert_status 0
	assert_output "10

1"
}

@test "-f and -e together are a usage error; with -f, arguments are files" {
	run bpfq -f /dev/null -e 'count() from /dev/null'
	assert_status 2
	[[ $output == *"give queries either with -e or with -f, not both"* ]]
	seq 1 10 >"$TMP/n.txt"
	printf 'sum(x); max(x)\n' >"$TMP/q.bpfq"
	run bpfq --engine=user -f "$TMP/q.bpfq" "$TMP/n.txt"
	assert_status 0
	assert_output "55

10"
}

@test "-f with a file of only comments is an error" {
	printf '# nothing\n\n' >"$TMP/q.bpfq"
	run bpfq -f "$TMP/q.bpfq"
	assert_status 2
	[[ $output == *"holds no query"* ]]
}

@test "-f with a NUL byte is an error, never a query cut short at it" {
	seq_file 10 "$TMP/a"
	printf 'count() from %s\0b' "$TMP/a" >"$TMP/q.bpfq"
	run bpfq --engine=user -f "$TMP/q.bpfq"
	assert_status 2
	assert_output "bpfq: error: '$TMP/q.bpfq' holds a NUL byte (byte $((${#TMP} + 16))): not a file of queries"
}

@test "from - reads a pipe, in the kernel and in user space" {
	require_root
	for engine in kernel user; do
		run bash -c "seq 1 1000 | '$BPFQ' --engine=$engine 'sum(x) where x > 5 from -'"
		assert_status 0
		assert_output 500485
	done
}

@test "from - tells where a skipped token was, even split across tiny reads" {
	require_root
	for engine in kernel user; do
		for size in 1 2 3 5 131072 1M; do
			run bash -c "printf '1 2\n3 abcdefgh 4\nzz' |
				'$BPFQ' --engine=$engine --read-size=$size 'sum(x) from -'"
			assert_status 0
			assert_output "bpfq: warning: skipped 2 tokens that are not numbers; the first, 'abcdefgh', at <stdin>:2:3
10"
		done
	done
}

@test "from - tells the line of a skipped token after many lines and reads" {
	require_root
	for size in 4096 1M; do
		run bash -c "(seq 1 100000; printf '7 \tnope\n'; seq 3) |
			'$BPFQ' --read-size=$size 'sum(x) from -'"
		assert_status 0
		assert_output "bpfq: warning: skipped 1 token that is not a number; the first, 'nope', at <stdin>:100001:4
5000050013"
	done
}

@test "from - places a run-time error in the stream" {
	require_root
	run bash -c "printf '1\n2\n9223372036854775807\n' | '$BPFQ' --read-size=2 'sum(x * 2) from -'"
	assert_status 3
	[[ ${lines[0]} == "bpfq: error: 1:7: overflow for x = 9223372036854775807 at <stdin>:3:1" ]]
}

@test "--dry-run compiles, loads and verifies, then exits without reading" {
	require_root
	run bpfq --dry-run "sum(x) where x > 5 from $TMP/not-there.txt"
	assert_status 0
	[[ $output =~ ^"bpfq: dry run: compiled, loaded and verified at hook "[a-z]+" ("[^\)]+") ("[0-9]+" instructions processed); nothing read"$ ]]
}

@test "--dry-run still reports query errors" {
	run bpfq --dry-run 'sum(y) from f'
	assert_status 2
	[[ $output == *"unknown name 'y'"* ]]
}

@test "-d ast prints the checked tree" {
	run bpfq -d ast --dry-run --engine=user 'sum(x * 2) where x > 1 from f'
	assert_status 0
	[[ $output == *"query"* ]]
	[[ $output == *"sum :num"* ]]
	[[ $output == *"> :bool"* ]]
}

@test "-d c prints the generated BPF C, with the query's numbers re-printed" {
	run bpfq -d c --dry-run --engine=user 'count() where x > 12345 from f'
	assert_status 0
	[[ $output == *"--- generated BPF C ---"* ]]
	[[ $output == *"bpfq_emit"* ]]
	[[ $output == *"12345"* ]]
}

@test "BPFQ_LONG_INPUT=1 makes the program for a long input, 0 (or a dry run of a pipe) for a short one" {
	run env BPFQ_LONG_INPUT=1 "$BPFQ" -d c --dry-run --engine=user 'min(x) from f'
	assert_status 0
	[[ $output == *"#define BPFQ_FAST_PER_STEP 32"* && $output == *"#define BPFQ_SPLIT_SIGNS 1"* ]]
	# streams: the one-stream path takes only what they leave, 16 at a time
	run env BPFQ_LONG_INPUT=1 "$BPFQ" -d c --dry-run --engine=user 'sum(x) from f'
	[[ $output == *"#define BPFQ_FAST_PER_STEP 16"* && $output == *"#define BPFQ_SPLIT_SIGNS 1"* ]]
	run env BPFQ_LONG_INPUT=0 "$BPFQ" -d c --dry-run --engine=user 'sum(x) from f'
	[[ $output == *"#define BPFQ_FAST_PER_STEP 16"* && $output == *"#define BPFQ_SPLIT_SIGNS 0"* ]]
	run bpfq -d c --dry-run --engine=user 'sum(x) from -'
	[[ $output == *"#define BPFQ_FAST_PER_STEP 16"* && $output == *"#define BPFQ_SPLIT_SIGNS 0"* ]]
}

@test "a pipe, whose length is unknown, and a file of 16 MiB or more get the long input's program" {
	require_root
	run bash -c "seq 1 1000 | '$BPFQ' -d c 'sum(x) from -' 2>&1"
	assert_status 0
	[[ $output == *"#define BPFQ_SPLIT_SIGNS 1"* && $output == *"#define BPFQ_STREAMS 1"* ]]
	[[ ${lines[-1]} == 500500 ]]
	seq 1 1000 >"$TMP/n.txt"
	run bash -c "'$BPFQ' -d c 'sum(x) from $TMP/n.txt' 2>&1"
	[[ $output == *"#define BPFQ_SPLIT_SIGNS 0"* && ${lines[-1]} == 500500 ]]
	# 16 MiB and a byte under it: 2796202 lines of "12345\n", then "100\n"
	{ yes 12345 | head -n 2796202; echo 100; } >"$TMP/big.txt"
	[[ $(stat -c %s "$TMP/big.txt") == $((16 << 20)) ]]
	run bash -c "'$BPFQ' -d c 'sum(x) from $TMP/big.txt' 2>&1"
	[[ $output == *"#define BPFQ_SPLIT_SIGNS 1"* && ${lines[-1]} == 34519113790 ]]
	truncate -s -1 "$TMP/big.txt"
	run bash -c "'$BPFQ' -d c 'sum(x) from $TMP/big.txt' 2>&1"
	[[ $output == *"#define BPFQ_SPLIT_SIGNS 0"* && ${lines[-1]} == 34519113790 ]]
}

@test "a long input's program reads in streams only where its records only add" {
	for q in 'sum(x) from f' 'count(), avg(x) where x > 5 and not x in (7, 8) from f' \
		'sum($3) where $2 > 500 from f as csv(noheader)' 'count(*), sum($2) from f.log'; do
		run env BPFQ_LONG_INPUT=1 "$BPFQ" -d c --dry-run --engine=user "$q"
		assert_status 0
		[[ $output == *"#define BPFQ_STREAMS 1"* && $output == *'#line 1 "streams.bpf.h"'* ]]
	done
	for q in 'min(x) from f' 'sum(x * 2) from f' 'count() where x % 2 == 0 from f' \
		'count() by x from f' 'exists(x == 1) from f' 'sum(x) from f as i64'; do
		run env BPFQ_LONG_INPUT=1 "$BPFQ" -d c --dry-run --engine=user "$q"
		assert_status 0
		[[ $output == *"#define BPFQ_STREAMS 0"* && $output != *'#line 1 "streams.bpf.h"'* ]]
	done
	run env BPFQ_LONG_INPUT=0 "$BPFQ" -d c --dry-run --engine=user 'sum(x) from f'
	[[ $output == *"#define BPFQ_STREAMS 0"* ]]
}

@test "-d verifier prints the verifier's log" {
	require_root
	run bash -c "'$BPFQ' -d verifier --dry-run 'count() from f' 2>&1 >/dev/null | grep -E '^(--- verifier log ---|processed [0-9]+ insns)'"
	assert_status 0
	[[ ${lines[0]} == "--- verifier log ---" ]]
	[[ ${lines[1]} == "processed "* ]]
}

@test "-d takes ast, plan, c, verifier, verifier=summary or all" {
	run bpfq -d bytecode 'count() from f'
	assert_status 2
	[[ $output == *"-d takes ast, plan, c, verifier, verifier=summary or all, not 'bytecode'"* ]]
}

@test "-q with exists behaves like grep -q: 0 found, 1 not, nothing printed" {
	require_root
	seq_file 100 "$TMP/n.txt"
	run bpfq -q "exists(x == 18) from $TMP/n.txt"
	assert_status 0
	assert_output ""
	run bpfq -q "exists(x == 1000) from $TMP/n.txt"
	assert_status 1
	assert_output ""
	run bpfq -q "count() from $TMP/n.txt"
	assert_status 0
	assert_output ""
	run bpfq -q "exists(x == 1) from $TMP/none.txt"
	assert_status 3
}

@test "-o json prints one object per query that jq reads, numbers exact" {
	require_root
	printf '9223372036854775807\n9223372036854775807\n' >"$TMP/big.txt"
	run bpfq -o json "sum(x), avg(x), min(x), exists(x < 0) from $TMP/big.txt"
	assert_status 0
	assert_output "{\"query\":\"sum(x), avg(x), min(x), exists(x < 0) from $TMP/big.txt\",\"aggregates\":[{\"name\":\"sum(x)\",\"value\":18446744073709551614},{\"name\":\"avg(x)\",\"value\":9223372036854775807},{\"name\":\"min(x)\",\"value\":9223372036854775807},{\"name\":\"exists(x < 0)\",\"value\":false}],\"records\":2,\"matched\":2,\"malformed\":0,\"nulls\":{\"empty\":0,\"not_numbers\":0,\"missing\":0}}"
	run jq -r '.aggregates[3].name' <<<"$output"
	assert_output "exists(x < 0)"
}

@test "-o json: null for aggregates of no values, one line per query" {
	run bpfq --engine=user -o json -e 'max(x) from /dev/null' -e 'count() from /dev/null'
	assert_status 0
	assert_line_count 2
	run jq -c '[.aggregates[].value]' <<<"$output"
	assert_output "[null]
[0]"
}

@test "-o csv prints a header and a row; null is an empty field" {
	seq_file 10 "$TMP/n.txt"
	run bpfq --engine=user -o csv "count(), sum(x), avg(x) where x > 3 from $TMP/n.txt"
	assert_status 0
	assert_output "count(),sum(x),avg(x)
7,49,7"
	run bpfq --engine=user -o csv "count(), max(x) where x > 30 from $TMP/n.txt"
	assert_output "count(),max(x)
0,"
}

@test "-o takes text, json or csv" {
	run bpfq -o yaml 'count() from f'
	assert_status 2
	[[ $output == *"-o takes text, json or csv, not 'yaml'"* ]]
}

@test "-s prints the stats on stderr; stdout holds only the answer" {
	require_root
	seq_file 1000 "$TMP/n.txt"
	run bash -c "'$BPFQ' -s 'sum(x) where x > 990 from $TMP/n.txt' 2>'$TMP/err'"
	assert_status 0
	assert_output 9955
	run cat "$TMP/err"
	[[ ${lines[0]} == "bpfq: stats" ]]
	[[ $output == *"  engine:        kernel"* ]]
	[[ $output == *"  hook:          syscall (raw_tp/sys_exit)"* ]]
	[[ $output == *"  scanned:       3893 bytes in 2 reads"* ]]
	[[ $output == *"  records:       1000 (0 malformed, skipped)"* ]]
	[[ $output == *"  matched:       10"* ]]
	[[ $output == *"  copied:        3893 bytes by read() into the reader's buffer
  parsed:        in the kernel after the copy, from the buffer
  touched:       336 bytes by bpfq's own code (the result)
  reduction:     11.6:1 (scanned : touched)"* ]]
	[[ $output =~ "  load+verify:   "[0-9.]+" s ("[0-9]+" instructions processed)" ]]
	[[ $output =~ "  scan:          "[0-9.]+" s ("[0-9.]+" MB/s)" ]]
}

@test "-s with -o json puts the stats in the object" {
	seq_file 1000 "$TMP/n.txt"
	run bpfq --engine=user -s -o json "count() from $TMP/n.txt"
	assert_status 0
	run jq -c '[.stats.engine, .stats.bytes_scanned, .stats.records, .stats.bytes_copied_to_buffer,
		.stats.bytes_copied_to_map, .stats.parsed, .stats.bytes_touched]' <<<"$output"
	assert_output '["user",3893,1000,3893,0,"user",3893]'
}

@test "-s with -o json: the kernel copies every byte, bpfq touches the result" {
	require_root
	seq_file 1000 "$TMP/n.txt"
	run bpfq --hook=syscall -s -o json "count() from $TMP/n.txt"
	assert_status 0
	run jq -c '[.stats.engine, .stats.bytes_copied_to_buffer, .stats.bytes_copied_to_map,
		.stats.parsed, .stats.bytes_touched]' <<<"$output"
	assert_output '["kernel",3893,0,"after_copy",336]'
}

@test "-l lists the hooks and whether this kernel allows them" {
	require_root
	run bpfq -l
	assert_status 0
	[[ ${lines[0]} =~ ^HOOK\ +METHOD\ +ATTACH\ +STATUS\ +WHY$ ]]
	[[ ${lines[4]} =~ ^syscall\ +raw_tp\ +raw_tp/sys_exit\ +available\ + ]]
	[[ ${lines[5]} =~ ^syscall\ +tp_btf\ +tp_btf/sys_exit\ +available\ + ]]
}

@test "a progress line shows on a terminal during a long scan, and is erased" {
	require_root
	require_command tmux
	local sock=$TMP/tmux.sock
	seq_file 1000 "$TMP/n.txt"
	# The pipe trickles for 3 s, so the scan lasts long enough to show progress.
	tmux -S "$sock" new-session -d -x 120 -y 10 \
		"for i in \$(seq 30); do cat '$TMP/n.txt'; sleep 0.1; done | '$BPFQ' 'sum(x) from -'; echo status=\$?; sleep 30"
	local seen=
	for _ in $(seq 50); do
		sleep 0.1
		if tmux -S "$sock" capture-pane -p | grep -q '^bpfq: [0-9.]* MB, [0-9]* MB/s'; then
			seen=yes
			break
		fi
	done
	for _ in $(seq 50); do
		sleep 0.1
		tmux -S "$sock" capture-pane -p | grep -q '^status=' && break
	done
	run tmux -S "$sock" capture-pane -p
	tmux -S "$sock" kill-server
	[[ $seen == yes ]]
	[[ ${lines[0]} == 15015000 ]]
	[[ ${lines[1]} == status=0 ]]
}

@test "no progress line when stderr is not a terminal" {
	require_root
	run bash -c "(seq 1 10; sleep 1.5; echo 1) | '$BPFQ' 'sum(x) from -' 2>&1"
	assert_status 0
	assert_output 56
}

@test "a failing query between others leaves no stray blank line" {
	seq_file 10 "$TMP/n.txt"
	run bpfq --engine=user -e "sum(x) from $TMP/n.txt" -e "sum(y) from $TMP/n.txt" \
		-e "count() from $TMP/n.txt"
	assert_status 2
	[[ $output == *"unknown name 'y'"* ]]
	run bash -c "'$BPFQ' --engine=user -e 'sum(x) from $TMP/n.txt' -e 'sum(y) from $TMP/n.txt' -e 'count() from $TMP/n.txt' 2>/dev/null"
	assert_output "55

10"
}

@test "standard input is read once: a second 'from -' is an error, not a count of 0" {
	run bash -c "seq 10 | '$BPFQ' --engine=user -e 'sum(x) from -' -e 'count() from -'"
	assert_status 3
	assert_output "55
bpfq: error: 'from -': standard input was already read (by -f - or an earlier query)"
	run bash -c "echo 'sum(x) from -' | '$BPFQ' --engine=user -f -"
	assert_status 3
	assert_output "bpfq: error: 'from -': standard input was already read (by -f - or an earlier query)"
}

@test "--read-size refuses a size that overflows with its suffix, or has a sign" {
	# 18014398509481985 KiB is 2^64 + 1024 bytes: wrapped, it was 1 KiB.
	for size in 18014398509481985K 18014398509481985k 17592186044417M 18446744073709551617 \
		1025K 2M ' 5' +5 -1 ' -18446744073709551615'; do
		run bpfq --engine=user --read-size="$size" "count() from /dev/null"
		assert_status 2
		assert_output "bpfq: --read-size takes 1 to 1048576 bytes, not '$size'
Try \`bpfq --help' or \`bpfq --usage' for more information."
	done
	for size in 1 1K 1024K 1M 1048576; do
		run bpfq --engine=user --read-size="$size" "count() from /dev/null"
		assert_status 0
		assert_output 0
	done
}

@test "control bytes from the data reach a terminal as \\xNN: a text key, a skipped token" {
	local esc=$'\e'
	printf 'a\e[31mred 1\nb 2\n' >"$TMP/k.txt"
	run bpfq --engine=user "count() by \$1 from $TMP/k.txt"
	assert_status 0
	[[ ${lines[1]} =~ ^a\\x1b\[31mred\ +1$ && $output != *$esc* ]]
	printf '1\n\e[2Jx\n' >"$TMP/t.txt"
	run bpfq --engine=user "sum(x) from $TMP/t.txt"
	assert_status 0
	assert_output "bpfq: warning: skipped 1 token that is not a number; the first, '\\x1b[2Jx', at $TMP/t.txt:2:1
1"
}

@test "-o csv keeps a key's bytes exact for a pipe, and escapes them on a terminal" {
	require_command script
	local esc=$'\e'
	printf 'a\e[31m,red 1\nb 2\n' >"$TMP/k.txt"
	run bpfq --engine=user -o csv "count() by \$1 from $TMP/k.txt"
	assert_status 0
	assert_output "\$1,count()
\"a${esc}[31m,red\",1
b,1"
	# script(1) gives bpfq a terminal for standard output.
	run script -qec "'$BPFQ' --engine=user -o csv 'count() by \$1 from $TMP/k.txt'" /dev/null
	assert_status 0
	[[ $output == *'"a\x1b[31m,red",1'* && $output != *$esc* ]]
}

@test "a misspelled option value gets the nearest known one: did you mean" {
	run bpfq --hook=sycall 'count() from f'
	assert_status 2
	[[ ${lines[0]} == "bpfq: --hook takes auto, copyout, vfs, vfs:fexit, vfs:kprobe, syscall, syscall:raw_tp or syscall:tp_btf, not 'sycall' (did you mean 'syscall'?)" ]]
	run bpfq --engine=usr 'count() from f'
	[[ ${lines[0]} == "bpfq: --engine takes kernel or user, not 'usr' (did you mean 'user'?)" ]]
	run bpfq -o jsno 'count() from f'
	[[ ${lines[0]} == "bpfq: -o takes text, json or csv, not 'jsno' (did you mean 'json'?)" ]]
	run bpfq -d verifer 'count() from f'
	[[ ${lines[0]} == "bpfq: -d takes ast, plan, c, verifier, verifier=summary or all, not 'verifer' (did you mean 'verifier'?)" ]]
	run bpfq merge -o cvs
	[[ ${lines[0]} == "bpfq merge: -o takes text, json or csv, not 'cvs' (did you mean 'csv'?)" ]]
	# Too far from every one: no guess.
	run bpfq --hook=pagecache 'count() from f'
	[[ ${lines[0]} == *"not 'pagecache'" ]]
}

@test "BPFQ_READ_SIZES: the evaluator's answer at each size is a run's at that size" {
	printf '1 2 x3\n40 -5 6\n7e 8\n' >"$TMP/n.txt"
	local q="count(), sum(x) from $TMP/n.txt as numbers" s
	run env BPFQ_READ_SIZES="1:3:4 2:5:6 1048576:7:8" "$BPFQ" --engine=user "$q" \
		3>"$TMP/1.out" 4>"$TMP/1.err" 5>"$TMP/2.out" 6>"$TMP/2.err" \
		7>"$TMP/1048576.out" 8>"$TMP/1048576.err"
	assert_status 0
	assert_output "$(printf '1 0\n2 0\n1048576 0')"
	for s in 1 2 1048576; do
		"$BPFQ" --engine=user --read-size=$s "$q" >"$TMP/want.out" 2>"$TMP/want.err"
		cmp "$TMP/want.out" "$TMP/$s.out"
		cmp "$TMP/want.err" "$TMP/$s.err"
	done
	grep -q '^sum(x): 52$' "$TMP/1.out"
	grep -q 'warning' "$TMP/2.err"
}
