#!/usr/bin/env bats
# The bash completion (cmd/completion/bpfq), sourced alone: the candidates
# it leaves in COMPREPLY for a command line typed so far.

load test_helper

COMPLETION=$BATS_TEST_DIRNAME/../../cmd/completion/bpfq

# Complete the words given, the last the one being typed; the candidates
# one a line in $output.
complete_words() {
	run bash -c 'source "$1"; shift; COMP_WORDS=(bpfq "$@"); COMP_CWORD=$#
		_bpfq bpfq "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETION" "$@"
	assert_status 0
}

@test "completion: options, and the values of --hook, -o and -d" {
	complete_words --ho
	assert_output "--hook"
	complete_words --hook sy
	assert_output "syscall
syscall:raw_tp
syscall:tp_btf"
	# --hook=sy: bash splits at the '='
	complete_words --hook = v
	assert_output "vfs
vfs:fexit
vfs:kprobe"
	complete_words -o j
	assert_output "json"
	complete_words -d verifier
	assert_output "verifier
verifier=summary"
	complete_words merge --ex
	assert_output "--expect"
}

@test "completion: every long option --help lists" {
	local opt
	for opt in $("$BPFQ" --help | grep -o -E -- '^ +(-., )?--[a-z-]+' | grep -o -E -- '--[a-z-]+'); do
		complete_words "$opt"
		[[ $output == *"$opt"* ]] || { echo "missing: $opt" >&2; return 1; }
	done
}

@test "completion: aggregates, formats after 'as' and paths after 'from' in a query" {
	complete_words 'count(), co'
	assert_output "count(), count(
count(), count_distinct(
count(), corr(
count(), covar_pop(
count(), covar_samp(
count(), contains("
	complete_words 'count(), regr_'
	assert_output "count(), regr_slope(
count(), regr_intercept("
	complete_words 'count() fil'
	assert_output "count() filter"
	complete_words "count() where method il"
	assert_output "count() where method ilike"
	complete_words 'sum(x) from f as u16'
	assert_output "sum(x) from f as u16
sum(x) from f as u16be"
	mkdir "$TMP/logs"
	: >"$TMP/logs/a.log"
	: >"$TMP/logs/b.txt"
	complete_words "sum(x) from $TMP/lo"
	assert_output "sum(x) from $TMP/logs/"
	complete_words "sum(x) from $TMP/logs/a"
	assert_output "sum(x) from $TMP/logs/a.log"
	complete_words 'sum(x)' "$TMP/logs/b"
	assert_output "$TMP/logs/b.txt"
	complete_words -e 'me'
	assert_output "median(
median_exact("
}
