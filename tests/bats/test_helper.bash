# Shared by every .bats file: the binary, a temporary folder per test,
# assertions that print expected and actual, and strict skips.

BPFQ=${BPFQ:-$BATS_TEST_DIRNAME/../../build/bpfq}

setup() {
	TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/bpfq-test.XXXXXX")
	export BPFQ_CACHE_DIR=${BPFQ_TEST_CACHE:-$BATS_RUN_TMPDIR/cache}
}

teardown() {
	rm -rf "$TMP"
}

bpfq() {
	"$BPFQ" "$@"
}

# In CI (CI=true) or with BPFQ_STRICT=1, a test that would be skipped fails:
# a green run must mean the kernel paths ran. Every skip goes through here;
# in strict mode it returns 1, so call it last or as `strict_skip ... || return 1`.
strict_skip() {
	if [[ ${CI:-} == true || -n ${BPFQ_STRICT:-} ]]; then
		echo "strict mode forbids skipping this test: $1" >&2
		return 1
	fi
	skip "$1"
}

require_root() {
	[[ $(id -u) == 0 ]] && return 0
	strict_skip "needs root"
}

# A tool a test drives (pdsh, clush, tmux): strict mode fails without it.
require_command() {
	command -v "$1" >/dev/null && return 0
	strict_skip "needs $1 (make deps installs it)"
}

assert_status() {
	if [[ $status != "$1" ]]; then
		printf 'expected status %s, got %s\noutput:\n%s\n' "$1" "$status" "$output" >&2
		return 1
	fi
}

assert_output() {
	if [[ $output != "$1" ]]; then
		printf 'expected output:\n%s\nactual output:\n%s\n' "$1" "$output" >&2
		return 1
	fi
}

assert_line_count() {
	if [[ ${#lines[@]} != "$1" ]]; then
		printf 'expected %s lines, got %s:\n%s\n' "$1" "${#lines[@]}" "$output" >&2
		return 1
	fi
}

# The user engine, then the kernel engine (root only), must both print
# $2 and exit 0 for query $1, with the files $3... after it.
both_engines() {
	local query=$1 expected=$2
	shift 2
	run bpfq --engine=user "$query" "$@"
	assert_status 0
	assert_output "$expected"
	require_root
	run bpfq "$query" "$@"
	assert_status 0
	assert_output "$expected"
}

# Both engines at every read size of $SIZES (the file's): query $1 prints
# $2 on standard output (standard error apart) and exits 0.
check_sizes() {
	local query=$1 want=$2 size
	for size in $SIZES; do
		run bash -c '"$1" --engine=user --read-size=$2 "$3" 2>/dev/null' _ "$BPFQ" "$size" "$query"
		assert_status 0
		assert_output "$want"
	done
	require_root
	for size in $SIZES; do
		run bash -c '"$1" --read-size=$2 "$3" 2>/dev/null' _ "$BPFQ" "$size" "$query"
		assert_status 0
		assert_output "$want"
	done
}

# 1..n, one per line.
seq_file() {
	seq 1 "$1" >"$2"
}

# The rows of bpfq -l output: "name:method status" (vfs:fexit available, ...).
hook_rows() {
	awk 'NR > 1 { print $1 ":" $2, $4 }' <<<"$1"
}
