#!/usr/bin/env bats
# -d plan, -d c's header and order, and --dry-run planning from the real
# input. --engine=user with --dry-run prints the program and loads nothing.

load test_helper

# The -d c text between its markers, in $C.
c_text() {
	run bpfq -d c --dry-run --engine=user "$1"
	assert_status 0
	C=$(sed -n '/^--- generated BPF C ---$/,/^--- end of BPF C ---$/p' <<<"$output" |
		sed '1d;$d')
	[[ -n $C ]]
}

# The line numbers of the first line matching each pattern, in order, in $C.
assert_order() {
	local last=0 n

	for pattern in "$@"; do
		n=$(grep -n -m1 -F -- "$pattern" <<<"$C" | cut -d: -f1)
		if [[ -z $n || $n -le $last ]]; then
			printf 'not in order: %s (line %s, after %s)\n' "$pattern" "${n:-none}" "$last" >&2
			return 1
		fi
		last=$n
	done
}

@test "-d c starts with the plan, then the query's code, then the template parts" {
	seq 1 100 >"$TMP/n.txt"
	c_text "sum(x) where x > 5 from $TMP/n.txt"
	[[ ${C%%$'\n'*} == "/*" ]]
	assert_order ' * The plan (-d plan prints it alone):' \
		' *   format: numbers (BPFQ_FORMAT 0)' \
		' *   hook: syscall, raw_tp/sys_exit (BPFQ_HOOK 3)' \
		' *   input: short: 292 bytes, under 16 MiB' \
		' *   streams: no: a short input'"'"'s program reads in one stream (BPFQ_STREAMS 0)' \
		' */' '#if 0' '/* sum(x) */' '/* where x > 5 */' 'static __always_inline int bpfq_emit(' \
		'#endif' '/* ==== bpfq.bpf.c ==== */' '/* ==== bpfq_query.h ==== */' \
		'#define BPFQ_SPLIT_SIGNS 0' '/* ==== prelude.bpf.h ==== */' '#line 1 "<query>"' \
		'/* ==== parse_numbers.bpf.h ==== */'
}

@test "a dry run plans from the file's size: 20 MiB gets the long input's program" {
	seq 1 30000 >"$TMP/big.txt"
	truncate -s 20M "$TMP/big.txt"
	c_text "sum(x) where x > 5 from $TMP/big.txt"
	assert_order ' *   input: long: 20971520 bytes, at least 16 MiB' \
		' *   the long input'"'"'s parsers: yes (BPFQ_SPLIT_SIGNS 1)' \
		' *   streams: yes: the records only add into the batch' \
		' *   lanes: yes: numbers in streams come as digit lanes (bpfq_emit_lanes)' \
		' *   parts: 2: the long input'"'"'s side functions compile apart (BPFQ_PART)' \
		'#if 0' 'static __always_inline int bpfq_emit_lanes(' '#endif' '#define BPFQ_SPLIT_SIGNS 1' \
		'#line 1 "streams.bpf.h"'
	# Without a file to look at, the short one's, as before.
	c_text "sum(x) where x > 5 from $TMP/none.txt"
	assert_order ' *   input: short: a dry run with no file to look at' '#define BPFQ_SPLIT_SIGNS 0'
	: >"$TMP/empty.txt"
	c_text "sum(x) from $TMP/empty.txt"
	assert_order ' *   input: short: 0 bytes, under 16 MiB' '#define BPFQ_SPLIT_SIGNS 0'
}

@test "a dry run sniffs the format of a file as a run does" {
	printf 'a b\nc d\n' >"$TMP/words.txt"
	run bpfq --dry-run --engine=user "sum(x) from $TMP/words.txt"
	assert_status 3
	[[ ${lines[0]} == "bpfq: error: '$TMP/words.txt' does not look like numbers: "* ]]
}

@test "-d plan prints the plan alone" {
	seq 1 100 >"$TMP/n.txt"
	run bpfq -d plan --dry-run --engine=user "count() by x from $TMP/n.txt"
	assert_status 0
	assert_output "--- plan ---
format: numbers (BPFQ_FORMAT 0)
hook: syscall, raw_tp/sys_exit (BPFQ_HOOK 3)
input: short: 292 bytes, under 16 MiB
the long input's parsers: no (BPFQ_SPLIT_SIGNS 0)
streams: no: a short input's program reads in one stream (BPFQ_STREAMS 0)
lanes: no: numbers come as values (bpfq_emit_lanes)
lanes form: 0: the where's comparisons with x: no comparison with x (BPFQ_LANES_FORM)
numbers per fast parser step: 1: one each: a group lookup at each multiplies the verifier's paths (BPFQ_FAST_PER_STEP)
parts: 1: one clang compiles it (BPFQ_PART)
groups: yes (groups.bpf.h)
words: 1 in the area, 13 per group: each group's value holds the states (BPFQ_AREA_WORDS, BPFQ_GROUP_WORDS)
--- end of plan ---
bpfq: dry run: the query is valid; nothing read"
}

@test "the markers hold no byte of the query: a name with */ stays out of the comments" {
	printf 'a*/x,b\n1,2\n3,4\n' >"$TMP/h.csv"
	c_text "sum(\"a*/x\") where b > 1 and \"a*/x\" < 9 from $TMP/h.csv"
	[[ $C != *'a*/x'* ]]
	# The slots name their fields, the batch its sums, each path its where.
	assert_order '#if 0' $'case 0: return 0;\t/* $1 */' '/* sum($1) */' '__s64 lo0;' \
		'/* where $2 > 1 and $1 < 9 */' '#endif'
	# Every comment the plan opens closes on its own last line.
	[[ $(sed -n '1,/^ \*\/$/p' <<<"$C" | grep -c -F '*/') == 1 ]]
}

@test "a dry run on the kernel plans from the file's size too" {
	require_root
	seq 1 30000 >"$TMP/big.txt"
	truncate -s 20M "$TMP/big.txt"
	run bash -c "'$BPFQ' -d plan --dry-run 'sum(x) from $TMP/big.txt' 2>&1"
	assert_status 0
	[[ $output == *"input: long: 20971520 bytes, at least 16 MiB"* ]]
	[[ ${lines[-1]} == "bpfq: dry run: compiled, loaded and verified at hook "* ]]
}

@test "-d verifier gives each source line the log names its text" {
	require_root
	seq 1 100 >"$TMP/n.txt"
	run bash -c "'$BPFQ' -d verifier --dry-run 'sum(x) where x > 5 from $TMP/n.txt' 2>&1 >/dev/null"
	assert_status 0
	[[ ${lines[0]} == "--- verifier log ---" ]]
	grep -q -E '^; struct bpfq_state \*st = bpfq_reader_state\(\); @ syscall\.bpf\.c:[0-9]+$' <<<"$output"
	grep -q -E '^processed [0-9]+ insns ' <<<"$output"
}

@test "-d verifier=summary gives each program's figures and its busiest lines" {
	require_root
	seq 1 100 >"$TMP/n.txt"
	run bash -c "'$BPFQ' -d verifier=summary --dry-run 'sum(x) where x > 5 from $TMP/n.txt' 2>&1"
	assert_status 0
	local re
	[[ ${lines[0]} == "--- verifier summary ---" ]]
	[[ ${lines[1]} == "program bpfq_sys_exit (raw_tp/sys_exit):" ]]
	re='^  [0-9]+ instructions processed, [0-9]+ states \([0-9]+ at the peak, at most [0-9]+ at one instruction\), stack depth [0-9+]+$'
	[[ ${lines[2]} =~ $re ]]
	[[ ${lines[3]} == "  the source lines the verifier walked most instructions of:" ]]
	# Ten lines, the counts not rising, each with its file and line.
	local prev=999999999 n
	re='^ +([0-9]+)  [a-z_<>]+(\.bpf\.[ch])?:[0-9]+'
	for i in {4..13}; do
		[[ ${lines[i]} =~ $re ]]
		n=${BASH_REMATCH[1]}
		((n <= prev))
		prev=$n
	done
	[[ ${lines[14]} == "--- end of verifier summary ---" ]]
	# The processed figure is the one the dry run reports.
	local processed=${lines[2]#  }
	[[ ${lines[-1]} == *"(${processed%% *} instructions processed); nothing read" ]]
}

# The static functions $C defines that nothing else in it names (outside
# comments and strings), one a line: each definition and prototype names
# its function once.
uncalled() {
	perl -0777 -ne '
		s{/\*.*?\*/}{ }gs; s{//[^\n]*}{}g; s{"(?:\\.|[^"\\\n])*"}{""}g;
		my (%seen, @defs);
		push @defs, grep { !$seen{$_}++ } $1 while /^static\b[^;{=]*?\b(\w+)\s*\([^;{]*\)\s*\{/mg;
		print scalar(@defs), " defined\n";
		for my $f (@defs) {
			my $n = () = /\b\Q$f\E\b/g;
			my $own = () = /^static\b[^;{=]*?\b\Q$f\E\s*\(/mg;
			print "$f\n" if $n <= $own;
		}' <<<"$C"
}

@test "-d c holds only the functions the program calls: each format, by, the long input" {
	local q

	seq 1 30000 >"$TMP/big.txt"
	truncate -s 20M "$TMP/big.txt"
	printf 'a,b\n1,2\n' >"$TMP/s.csv"
	for q in "sum(x) where x > 5 from $TMP/big.txt" "avg(x), median(x) from $TMP/n.txt" \
		"count(), sum(b) by a from $TMP/s.csv" "max(\$2) where \$1 > 3 from $TMP/f.log" \
		"sum(v) from $TMP/r.bin as record(k:u32, v:i64)"; do
		c_text "$q"
		run uncalled
		[[ ${lines[0]} =~ ^[0-9]+\ defined$ ]] && ((${lines[0]%% *} > 20))
		[[ ${#lines[@]} == 1 ]] || { echo "$q: not called: ${lines[*]:1}" >&2; return 1; }
	done
	# What the query's code shows is what the program defines: no
	# bpfq_acc_order() without streams.
	c_text "sum(x) where x > 5 from $TMP/n.txt"
	[[ $C != *"void bpfq_acc_order("* && $C == *"void bpfq_acc_flush("* ]]
}
