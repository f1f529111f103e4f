#!/usr/bin/env bats
# Queries built to smuggle C into the generated program. Each is either
# rejected by the front end (exit 2, the message pointing at the offending
# bytes, no C generated), or accepted with none of its text in the C: the
# program is made from the checked AST only (the name x, numbers printed
# again from their values), and the path never reaches it. No root needed:
# --dry-run --engine=user with -d c prints the C and loads nothing.
# The fuzzer (tests/fuzz) checks the same property on random queries.

load test_helper

# Run bpfq on a query and keep the generated C: the whole output in $C,
# the part that depends on the query (bpfq_emit_general(), bpfq_emit()) in
# $EMIT, and bpfq_emit()'s fast path (int64 only) in $FAST.
gen_c() {
	run bpfq -d c --dry-run --engine=user "$1"
	assert_status 0
	[[ $output == *"--- generated BPF C ---"* ]]
	C=$output
	EMIT=$(sed -n '/^#line 1 "<query>"$/,/^#line 1 "parse_/p' <<<"$output")
	FAST=$(sed -n '/the fast path/,/return bpfq_emit_general/p' <<<"$EMIT")
	[[ -n $EMIT ]]
}

# A query the front end refuses: exit 2, "error: POS: MESSAGE", no C.
assert_rejected() {
	local query=$1 pos=$2 message=$3

	run bpfq -d c --dry-run --engine=user "$query"
	assert_status 2
	if [[ ${lines[0]} != "bpfq: error: $pos: $message"* ]]; then
		printf 'expected: bpfq: error: %s: %s...\nactual:   %s\n' "$pos" "$message" \
			"${lines[0]}" >&2
		return 1
	fi
	[[ $output != *"generated BPF C"* ]]
}

# The marker a smuggling query carries; it must never reach the C.
refute_marker() {
	if [[ $C == *SMUGGLED* ]]; then
		grep -n SMUGGLED <<<"$C" >&2
		return 1
	fi
}

# n copies of a string (without '%' or '\\').
rep() {
	printf -- "$1%.0s" $(seq "$2")
}

@test "comment delimiters in a query are errors where they stand, or paths kept out of the C" {
	assert_rejected 'sum(x) where x > 1 */ from f' 1:21 "expected an expression, got '/'"
	assert_rejected 'sum(x) /* SMUGGLED */ from f' 1:9 "'*' is only allowed as count(*)"
	# After 'from', words are paths (globs, several files): never in the C.
	gen_c 'count() from f */ SMUGGLED'
	refute_marker
	[[ $C != *'*/'* || $(grep -c '\*/' <<<"$C") == $(grep -c '/\*' <<<"$C") ]]
}

@test "preprocessor lines, statements and braces are errors where they stand" {
	assert_rejected 'count() where x > 1 #include <SMUGGLED.h> from f' 1:21 \
		"unexpected character '#'"
	assert_rejected 'sum(x); system(1) from f' 1:7 "unexpected character ';'"
	assert_rejected 'count() where x > 1 } int SMUGGLED; { from f' 1:21 \
		"unexpected character '}'"
	assert_rejected $'sum(x) where x > 1\n#include <SMUGGLED.h>\nfrom f' 2:1 \
		"unexpected character '#'"
}

@test "quotes outside 'from' are names or errors; backslashes are errors" {
	# "name" is a csv column: never in the C (a field is f[slot]); elsewhere unknown.
	assert_rejected 'sum("SMUGGLED") from f' 1:5-14 "unknown name '\"SMUGGLED\"'"
	assert_rejected 'sum("*/ SMUGGLED") from f' 1:5-17 "unknown name '\"*/ SMUGGLED\"'"
	assert_rejected "sum('SMUGGLED') from f" 1:5-14 "sum needs a number, got text"
	assert_rejected "sum(x) from f as csv(delim='*/SMUGGLED')" 1:28-39 \
		"delim takes one character in quotes"
	assert_rejected 'sum(x\) from f' 1:6 "unexpected character '\\x5c'"
	assert_rejected $'sum(x) where x > \\\n1 from f' 1:18 "unexpected character '\\x5c'"
}

@test "names other than x are errors, whatever follows them" {
	assert_rejected 'sum(x;system) from f' 1:6 "unexpected character ';'"
	assert_rejected 'sum(system) from f' 1:5-10 "unknown name 'system'"
	assert_rejected 'count() where SMUGGLED_x > 1 from f' 1:15-24 "unknown name 'SMUGGLED_x'"
	assert_rejected 'system(x) from f' 1:1-6 "unknown function 'system'"
	assert_rejected 'sum(X) from f' 1:5 "unknown name 'X'"
	assert_rejected 'sum(bpfq_fail) from f' 1:5-13 "unknown name 'bpfq_fail'"
}

@test "a path never reaches the C, whatever it holds" {
	local path

	gen_c 'count() from f'
	local want=$C
	for path in "'*/ #include <SMUGGLED.h> /*'" \
		$'"SMUGGLED\'; } int main(void) { return system(0); } /* \\\\"' \
		$'\'SMUGGLED\n#define x 1\n\'' \
		'SMUGGLED*/;}{#\' \
		'-'; do
		gen_c "count() from $path"
		refute_marker
		if [[ $C != "$want" ]]; then
			diff <(echo "$want") <(echo "$C") >&2
			return 1
		fi
	done
}

@test "the spelling of a query does not reach the C: only its tree does" {
	gen_c 'count(*) where not (x == 1) and x != 2 or x > 3 from f'
	local want=$EMIT
	for q in 'COUNT(*) WHERE !(x = 1) && x <> 2 || x > 3 FROM f' \
		$'count ( * )\n\twhere NoT(((x==1)))AND x!=2\r\n||\vx>003 from\f"f"'; do
		gen_c "$q"
		[[ $EMIT == "$want" ]] || { diff <(echo "$want") <(echo "$EMIT") >&2; return 1; }
	done
}

@test "literals beyond int64 are errors pointing at the literal" {
	local digits

	assert_rejected 'count() where x > 9223372036854775808 from f' 1:19-37 \
		"integer literal out of range"
	assert_rejected 'count() where x < -9223372036854775809 from f' 1:19-38 \
		"integer literal out of range"
	assert_rejected 'count() where x > 18446744073709551616 from f' 1:19-38 \
		"integer literal out of range"
	digits=$(rep 9 5000)
	assert_rejected "count() where x > $digits from f" 1:19-5018 "integer literal out of range"
	assert_rejected 'count() where x > 1.5.1 from f' 1:19-23 "invalid number '1.5.1'"
	assert_rejected 'count() where x > 1e19 from f' 1:19-22 "decimal literal out of range"
	assert_rejected 'count() where x > 0x10 from f' 1:19-22 "invalid number '0x10'"
	assert_rejected 'count() where x > 1e9x from f' 1:19-22 "invalid number '1e9x'"
	assert_rejected 'count() where x > 1e from f' 1:19-20 "invalid number '1e'"
	assert_rejected 'count() where x > 5LL from f' 1:19-21 "invalid number '5LL'"
}

@test "the int64 limits and thousands of leading zeros are printed as values" {
	gen_c "count() where x > -9223372036854775808 and x < 9223372036854775807 from f"
	# A where before count(): a mask by arithmetic (codegen/mask.c).
	[[ $FAST == *"bpfq_lt_mask(BPFQ_S64_MIN, x0)"* ]]
	[[ $FAST == *"bpfq_lt_mask(x0, 9223372036854775807LL)"* ]]
	[[ $EMIT != *9223372036854775808LL* ]]
	[[ $EMIT == *"/* where x > -9223372036854775808 and x < 9223372036854775807 */"* ]]
	# The general path has them as decimals: (hi, lo) of v * 10^18.
	[[ $EMIT == *"((struct bpfq_d){ 0ULL, -500000000000000000LL })"* ]]
	# The longest operand: both words at their widest.
	gen_c "min(x) where x > -9223372036854775807.000000000000000001 from f"
	[[ $EMIT == *"bpfq_d_lt(((struct bpfq_d){ 999999999999999999ULL, -500000000000000000LL }), d0)"* ]]
	gen_c "min(x) where x > -9223372036854775807 from f"
	[[ $EMIT == *"bpfq_d_lt(((struct bpfq_d){ 1000000000000000000ULL, -500000000000000000LL }), d0)"* ]]
	gen_c "count() where x > $(rep 0 3000)7 from f"
	[[ $FAST == *" = bpfq_lt_mask(7LL, x0);"* ]]
	# Before min(), a comparison and a branch.
	gen_c "min(x) where x > $(rep 0 3000)7 from f"
	[[ $FAST == *" = x0 > 7LL;"* ]]
	[[ $EMIT == *"((struct bpfq_d){ 7000000000000000000ULL, 0LL })"* ]]
	# None of the 3000 zeros: no number in it starts with 0 but 0 itself.
	run grep -nE '(^|[^0-9A-Za-z_])0[0-9]' <<<"$EMIT"
	assert_status 1
}

@test "every number in bpfq_emit is printed again from its value" {
	gen_c 'sum(x * 0002 + -0010), min(x % 03) where x > 007 and x <= 00 from f'
	# The literals, as C, in evaluation order (where first): the values only.
	run grep -oE -- '-?[0-9]+LL' <<<"$FAST"
	assert_output $'7LL\n0LL\n2LL\n-10LL\n3LL'
	# No number anywhere in it has a leading zero: nothing was copied.
	run grep -nE '(^|[^0-9A-Za-z_])0[0-9]' <<<"$EMIT"
	assert_status 1
	[[ $EMIT == *"/* where x > 7 and x <= 0 */"* ]]
	[[ $EMIT == *"/* sum(x * 2 + -10) */"* ]]
	[[ $EMIT == *"/* min(x % 3) */"* ]]
}

@test "nesting at PARSE_MAX_DEPTH (256) is accepted, one more is an error" {
	# In where: 256 parentheses.
	gen_c "count() where $(rep '(' 256)x > 1$(rep ')' 256) from f"
	assert_rejected "count() where $(rep '(' 257)x > 1$(rep ')' 257) from f" 1:271 \
		"expression nested too deeply (more than 256 levels)"
	# In an aggregate the call is a level too: 255 parentheses, then one more.
	gen_c "sum($(rep '(' 255)x$(rep ')' 255)) from f"
	assert_rejected "sum($(rep '(' 256)x$(rep ')' 256)) from f" 1:260 \
		"expression nested too deeply"
	gen_c "sum($(rep '- ' 255)x) from f"
	assert_rejected "sum($(rep '- ' 256)x) from f" 1:515 "expression nested too deeply"
	# The height of the tree: a chain of 256 operators, then 257.
	gen_c "sum(x$(rep ' + x' 256)) from f"
	assert_rejected "sum(x$(rep ' + x' 257)) from f" 1:1031 "expression nested too deeply"
	gen_c "count() where $(rep 'not ' 255)x > 1 from f"
	assert_rejected "count() where $(rep 'not ' 256)x > 1 from f" 1:15-17 \
		"expression nested too deeply"
}

@test "very deep nesting is an error, not a crash" {
	rep '(' 200000 >"$TMP/q.bpfq"
	printf 'x' >>"$TMP/q.bpfq"
	run bpfq --dry-run --engine=user -f "$TMP/q.bpfq"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:257: expression nested too deeply"* ]]
	for op in 'not ' '- ' '!'; do
		{ printf 'count() where '; rep "$op" 100000; printf 'x > 1 from f'; } >"$TMP/q.bpfq"
		run bpfq --dry-run --engine=user -f "$TMP/q.bpfq"
		assert_status 2
		[[ ${lines[0]} == "bpfq: error: "*"expression nested too deeply"* ]]
	done
}

@test "a csv column name never reaches the C: its comments show the position" {
	printf '"SMUGGLED */ #x",b\n1,2\n3,4\n' >"$TMP/h.csv"
	gen_c "sum(\"SMUGGLED */ #x\") where b in (2, 4) from $TMP/h.csv"
	refute_marker
	[[ $EMIT == *"/* sum(\$1) */"* ]]
	[[ $EMIT == *"/* where \$2 in (2, 4) */"* ]]
	run bpfq --engine=user "sum(\"SMUGGLED */ #x\") where b in (2, 4) from $TMP/h.csv"
	assert_status 0
	assert_output 4
}

# The attack of the report: a backslash-newline ends the comment for the
# preprocessor, and what follows it in the header's name became code
# (bpf_printk() of a stringized macro, run as root).
@test "a column name with a line splice or a control byte is an error at the byte" {
	local name=$'SMUGGLED*\\\n/\n#define S(x) #x\nbpf_printk(S(SMUGGLED));\n/*'

	printf '"%s",b\n1,2\n' "$name" >"$TMP/h.csv"
	assert_rejected "sum(\"$name\") from $TMP/h.csv" 1:15 \
		"a column name cannot hold the byte '\\x5c' (a control byte or a backslash)"
	assert_rejected $'sum("a\tb") from f.csv' 1:7 \
		"a column name cannot hold the byte '\\x09' (a control byte or a backslash)"
	assert_rejected $'sum("ab\x7f") from f.csv' 1:8 "a column name cannot hold the byte '\\x7f'"
	# The column itself is still read, by its position, and its name stays out.
	gen_c "sum(\$1), sum(b) from $TMP/h.csv"
	refute_marker
	run bpfq --engine=user "sum(\$1), sum(b) from $TMP/h.csv"
	assert_status 0
	assert_output $'sum($1): 1\nsum(b): 2'
}

# "in (...)" with n values: 1, 8, 15, ... (every 7th), comma-separated.
in_values() {
	seq -s, 1 7 $(($1 * 7))
}

# The bytes of -d c's program from its entry's banner on.
program_bytes() {
	sed -n '\|^/\* ==== bpfq.bpf.c ==== \*/$|,$p' | wc -c
}

@test "an in list's C grows with its length, not its square" {
	local small big

	# The program from its entry on: -d c shows the query's code once more above it.
	gen_c "count() where x in ($(in_values 1000)) from f"
	small=$(program_bytes <<<"$C")
	echo "count() where x in ($(in_values 10000)) from f" >"$TMP/q.bpfq"
	run bpfq -d c --dry-run --engine=user -f "$TMP/q.bpfq"
	assert_status 0
	big=$(program_bytes <<<"$output")
	((small > 0 && big > small))
	# A table: some 8 bytes a value on each path (nested tests were 1.7 MB at 1000).
	if ((big - small > 9000 * 100)); then
		printf '1000 values: %d bytes of C, 10000: %d\n' "$small" "$big" >&2
		return 1
	fi
}

@test "the in lists of a query hold at most 16384 values, 64 unless all are numbers" {
	echo "count() where x in ($(seq -s, 1 16384)) from f" >"$TMP/q.bpfq"
	run bpfq --dry-run --engine=user -f "$TMP/q.bpfq"
	assert_status 0
	echo "count() where x in (1, 2) or x in ($(seq -s, 1 16383)) from f" >"$TMP/q.bpfq"
	run bpfq --dry-run --engine=user -f "$TMP/q.bpfq"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:87222-87226: too many values in 'in' lists: at most 16384 in a query" ]]
	assert_rejected "count() where x in ($(seq -s, 64 | sed 's/[0-9]*/x + &/g'), x) from f" 1:461 \
		"an 'in' list holds at most 64 values unless all are numbers, as 1 or -2.5"
	gen_c "count() where x in ($(seq -s, 63 | sed 's/[0-9]*/x + &/g'), x) from f"
}

# The kernel's answers against the evaluator's, for lists past the some 70
# values where the tests one by one passed the BPF stack.
@test "a list of thousands of values gives the evaluator's answers in the kernel" {
	require_root
	local list q

	seq 1 30000 >"$TMP/n.txt"
	awk '{ print $1 "," ($1 % 3 ? $1 % 1000 : "") "," $1 / 4 }' "$TMP/n.txt" >"$TMP/c.csv"
	list=$(in_values 3000)
	for q in "count(), sum(x) where x in ($list) from $TMP/n.txt" \
		"min(x), max(x) where x not in ($list, -5) from $TMP/n.txt" \
		"count() where x in ($list, 2.5) or x / 2 in ($list) from $TMP/n.txt" \
		"count(), sum(\$1) where \$2 in ($list) or \$3 not in ($list, 0.25) from $TMP/c.csv"; do
		echo "$q" >"$TMP/q.bpfq"
		run bpfq --engine=user -f "$TMP/q.bpfq"
		assert_status 0
		local want=$output
		run bpfq -f "$TMP/q.bpfq"
		assert_status 0
		assert_output "$want"
	done
}

# What clang compiles: the program after clang -E (comments gone, splices
# and macros done); bpfq_emit()'s part of it in $PP.
preprocess() {
	sed -n '/^--- generated BPF C ---$/,/^--- end of BPF C ---$/p' <<<"$C" | sed '1d;$d' \
		>"$TMP/p.c"
	clang -E -target bpf -D__TARGET_ARCH_x86 \
		-idirafter "/usr/include/$(gcc -print-multiarch)" "$TMP/p.c" -o "$TMP/p.i"
	PP=$(sed -n '/^# 1 "<query>"/,/^# 1 "parse_loop.bpf.h"/p' "$TMP/p.i" | grep -v '^#')
	[[ -n $PP ]]
}

@test "hostile column names leave nothing in the C that clang compiles" {
	require_command clang
	local name names=($'SMUGGLED*\\\n/ int SMUGGLED; /*' '*/ SMUGGLED ??/' '??=define SMUGGLED'
		'SMUGGLED // "x"' "SMUGGLED'" $'\xc3\xa9 SMUGGLED')

	for name in "${names[@]}"; do
		printf '"%s",b\n1,2\n' "${name//\"/\"\"}" >"$TMP/h.csv"
		run bpfq -d c --dry-run --engine=user \
			"sum(\"$name\") where \"$name\" in (1, 2, 3, 4, 5, 6, 7, 8) from $TMP/h.csv"
		# Refused (a quote or a backslash in it), or clean.
		[[ $status == 2 && $output != *"generated BPF C"* ]] && continue
		assert_status 0
		C=$output
		preprocess
		[[ $PP != *SMUGGLED* ]] || { grep -n SMUGGLED <<<"$PP" >&2; return 1; }
		# No string but the templates' asm ones.
		run grep -oE '"[^"]*"' <<<"$PP"
		[[ -z $(grep -vxE '""|"\+r"|"memory"' <<<"$output") ]]
	done
}

@test "strings leave no byte in the C: only their offsets and lengths" {
	local lits=("'*/ SMUGGLED /*'" "'#define SMUGGLED 1'" $'\'SMUGGLED\\\n\\x00 ??/ "q"\'' \
		"'it''s SMUGGLED'" "'SMUGGLED\\\\'")

	printf 'a,b\nx,1\n' >"$TMP/s.csv"
	for lit in "${lits[@]}"; do
		gen_c "count() where a = $lit or a like $lit or contains(a, $lit) from $TMP/s.csv"
		refute_marker
		[[ $EMIT == *"bpfq_text_cmp(sv, 0, 0, "* ]]
	done
	# The loader writes them into .rodata: the kernel answers from them.
	require_root
	printf 'a,b\n"*/ SMUGGLED /*",1\n"it\x27s",2\n"q\\\\",3\nx,4\n' >"$TMP/s.csv"
	run bpfq "sum(b) where a in ('*/ SMUGGLED /*', 'it''s', 'q\\\\') from $TMP/s.csv"
	assert_status 0
	assert_output 6
}

@test "times: a date literal is its microseconds in the C, a unit its number" {
	printf 'ts\n2001-03-01\n' >"$TMP/t.csv"
	gen_c "count() by date_trunc('month', ts) where ts >= '2001-03-01T10:00:00.5+01:00' from $TMP/t.csv"
	[[ $EMIT == *983437200500000* ]]
	[[ $EMIT != *2001-03-01* && $EMIT != *"'month'"* && $EMIT != *+01:00* ]]
	assert_rejected "count() where ts > '2001-03-01*/ SMUGGLED' from $TMP/t.csv" 1:20-42 \
		"'2001-03-01*/ SMUGGLED' is not an ISO 8601 time"
	assert_rejected "count() by date_trunc('*/ SMUGGLED', ts) from $TMP/t.csv" 1:23-35 \
		"date_trunc's unit must be"
}
