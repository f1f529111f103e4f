#!/usr/bin/env bats
# The man pages: every option of --help is documented, both pages render
# without warnings, every example prints what the page says, and
# `make install` puts the pages in place.
#
# The examples: in man/bpfq.8 and man/bpfq-query.7, every `.Bd -literal`
# ... `.Ed` block holding a line that starts with "$ " is a shell session.
#   - A line starting with "$ " is a command; the lines after it, up to the
#     next "$ " line or the end of the block, are what it prints: standard
#     output and standard error together, as a terminal shows them.
#   - The sessions of a page run in page order, all in one new temporary
#     folder (so a session may use the files an earlier one made), each
#     command in its own `bash -c`, with standard input from /dev/null.
#   - "sudo " is removed from commands (the kernel engine needs root, and the
#     test requires it), and `bpfq` is the binary under test.
#   - Exit statuses are not checked; a session shows one with `; echo $?`.
#   - The roff escapes \e \- \& \(aq \(dq are undone first; any other
#     escape, or a line starting with '.' or '\'', in a session is an error.
# A literal block with no "$ " line (a cluster example, a sketch of stderr)
# is not run.

load test_helper

ROOT=$BATS_TEST_DIRNAME/../..
PAGES=("$ROOT/man/bpfq.8" "$ROOT/man/bpfq-query.7" "$ROOT/man/bpfq-internals.7")

# What varies in bpfq-internals.7's outputs between runs, clang and kernel
# versions: the digits of the verifier's counts and of the times, a
# compile's "(cached)", the registers' states in the verifier's log. The
# rest (the tree, the plan, the query's C, the source lines) is exact.
INTERNALS_MASK='/instructions processed|^  (compile|load\+verify|scan): /s/[0-9]+/N/g
/^  compile: /s/ \(cached\)//
/^[0-9]+: \(/s/ +; R.*//'

# The sessions of a page as records, one per line: "C<TAB>line<TAB>command"
# or "O<TAB>line<TAB>output line". Fails on a malformed session.
sessions() {
	perl -e '
		my ($page) = @ARGV;
		open(my $f, "<", $page) or die "$page: $!\n";
		my (@block, $in, $bad);
		my %esc = ("e" => "\\", "-" => "-", "&" => "", "(aq" => "\x27", "(dq" => "\"");
		sub unescape {
			my ($s, $n) = @_;
			$s =~ s/\\(e|-|&|\(aq|\(dq|.)/exists $esc{$1} ? $esc{$1} :
				do { warn "$page:$n: unknown roff escape \\$1\n"; $bad = 1; "" }/ge;
			return $s;
		}
		while (my $l = <$f>) {
			chomp $l;
			if ($l =~ /^\.Bd\s+-literal/) { $in = 1; @block = (); next; }
			if ($in && $l =~ /^\.Ed\b/) {
				$in = 0;
				next unless grep { $_->[1] =~ /^\$ / } @block;
				my $seen;
				for (@block) {
					my ($n, $t) = @$_;
					if ($t =~ /^[.\x27]/) {
						warn "$page:$n: a roff request inside a session\n";
						$bad = 1;
					} elsif ($t =~ /^\$ (.*)/) {
						my $cmd = unescape($1, $n);
						$cmd =~ s/(?<![\w-])sudo //g;
						print "C\t$n\t$cmd\n";
						$seen = 1;
					} elsif (!$seen) {
						warn "$page:$n: output before the first command\n";
						$bad = 1;
					} else {
						print "O\t$n\t", unescape($t, $n), "\n";
					}
				}
				next;
			}
			push @block, [$., $l] if $in;
		}
		exit($bad ? 1 : 0);
	' "$1"
}

# Run every session of a page; report each command whose output differs,
# both outputs passed through the sed script $2 when there is one.
run_sessions() {
	local page=$1 name=${1##*/} dir=$TMP/${1##*/}.d bin=$TMP/bin mask=${2:-}
	local -a kind=() where=() text=()
	local k n t i j cmd expected actual ran=0 failed=0

	mkdir -p "$dir" "$bin"
	ln -sf "$(realpath "$BPFQ")" "$bin/bpfq"
	sessions "$page" >"$TMP/records"
	while IFS=$'\t' read -r k n t; do
		kind+=("$k") where+=("$n") text+=("$t")
	done <"$TMP/records"
	for ((i = 0; i < ${#kind[@]}; i++)); do
		[[ ${kind[i]} == C ]] || continue
		cmd=${text[i]} expected=
		for ((j = i + 1; j < ${#kind[@]}; j++)); do
			[[ ${kind[j]} == O ]] || break
			expected+=${text[j]}$'\n'
		done
		actual=$(cd "$dir" && PATH=$bin:$PATH timeout 120 bash -c "$cmd" 2>&1 </dev/null) || true
		expected=${expected%$'\n'}
		if [[ -n $mask ]]; then
			expected=$(sed -E "$mask" <<<"$expected")
			actual=$(sed -E "$mask" <<<"$actual")
		fi
		ran=$((ran + 1))
		if [[ $actual != "$expected" ]]; then
			failed=$((failed + 1))
			printf '%s:%s: $ %s\n' "$name" "${where[i]}" "$cmd" >&2
			diff -u --label expected --label actual <(printf '%s\n' "$expected") \
				<(printf '%s\n' "$actual") | sed 1,2d >&2 || true
		fi
	done
	echo "$name: $((ran - failed)) of $ran example commands print what the page says" >&2
	((ran > 0)) && ((failed == 0))
}

# The page as plain text, on lines long enough never to break an option.
render() {
	if command -v groff >/dev/null; then
		groff -mdoc -Tascii -P-cbou -rLL=1000n "$1"
	else
		mandoc -T ascii -O width=1000 "$1"
	fi
}

# "-x" and "--long" options at the start of --help lines, one per line.
help_options() {
	sed -nE 's/^ {2,6}(-[^ ,=[]+)(, (--[^ ,=[]+))?.*/\1\n\3/p' | grep -v '^$' | sort -u
}

@test "bpfq.8 documents every option of bpfq --help" {
	local opt missing=() text

	run bpfq --help
	assert_status 0
	mapfile -t opts < <(help_options <<<"$output")
	((${#opts[@]} >= 10))
	text=$(render "$ROOT/man/bpfq.8")
	for opt in "${opts[@]}"; do
		# Not part of a longer word or option.
		grep -qE -- "(^|[^[:alnum:]-])$(sed 's/[?]/[?]/g' <<<"$opt")([^[:alnum:]-]|$)" \
			<<<"$text" || missing+=("$opt")
	done
	if ((${#missing[@]})); then
		echo "bpfq --help has options bpfq.8 does not show: ${missing[*]}" >&2
		return 1
	fi
}

@test "bpfq.8 documents every option of bpfq merge --help" {
	local opt missing=() text

	run bpfq merge --help
	assert_status 0
	[[ $output == "Usage: bpfq merge"* ]]
	mapfile -t opts < <(help_options <<<"$output")
	((${#opts[@]} >= 2))
	text=$(render "$ROOT/man/bpfq.8")
	for opt in "${opts[@]}"; do
		grep -qE -- "(^|[^[:alnum:]-])$(sed 's/[?]/[?]/g' <<<"$opt")([^[:alnum:]-]|$)" \
			<<<"$text" || missing+=("$opt")
	done
	if ((${#missing[@]})); then
		echo "bpfq merge --help has options bpfq.8 does not show: ${missing[*]}" >&2
		return 1
	fi
}

@test "the man pages render without warnings" {
	local page

	for page in "${PAGES[@]}"; do
		if command -v mandoc >/dev/null; then
			run mandoc -T lint -W warning "$page"
			assert_output ""
			assert_status 0
		fi
		if command -v groff >/dev/null; then
			# Not -z: groff -z drops the warnings of literal displays.
			run bash -c 'groff -mdoc -ww -Tutf8 "$1" 2>&1 >/dev/null' _ "$page"
			assert_output ""
			assert_status 0
		fi
		run env MANPAGER=cat MANWIDTH=80 man -l "$page"
		assert_status 0
		[[ $output == *NAME* && $output == *DESCRIPTION* ]]
	done
}

@test "bpfq.8 has the sections the issue asks for" {
	local section text

	text=$(grep '^\.Sh ' "$ROOT/man/bpfq.8")
	for section in NAME SYNOPSIS DESCRIPTION OPTIONS HOOKS REQUIREMENTS OVERHEAD \
		ENVIRONMENT FILES "EXIT STATUS" EXAMPLES; do
		[[ $text == *".Sh $section"* ]] || { echo "no section $section" >&2; return 1; }
	done
}

@test "every example in bpfq.8 prints what the page says" {
	require_root
	require_command pdsh
	require_command clush
	run_sessions "$ROOT/man/bpfq.8"
}

@test "every example in bpfq-query.7 prints what the page says" {
	require_root
	run_sessions "$ROOT/man/bpfq-query.7"
}

@test "every stage in bpfq-internals.7 is what bpfq -d prints now" {
	require_root
	run_sessions "$ROOT/man/bpfq-internals.7" "$INTERNALS_MASK"
}

@test "bpfq-internals.7 shows every stage of -d and the stats" {
	local stage

	sessions "$ROOT/man/bpfq-internals.7" >"$TMP/records"
	for stage in '-d ast' '-d plan' '-d c' '-d verifier=summary' '-d verifier ' ' -s '; do
		grep -qF -- "$stage" <(grep '^C' "$TMP/records") ||
			{ echo "no example of $stage" >&2; return 1; }
	done
}

@test "the examples cover every aggregate" {
	local agg

	sessions "$ROOT/man/bpfq-query.7" >"$TMP/records"
	for agg in 'count()' 'count(*)' 'count($' 'sum(' 'min(' 'max(' 'avg(' 'exists(' 'var(' \
		'var_samp(' 'var_pop(' 'stddev(' 'stddev_pop(' 'hist(' 'lhist(' 'quantile(' \
		'median(' 'count_distinct(' ' by ' ' between ' ' in (' 'abs(' ' as csv' ' as text' \
		' as record(' ' as i64' ' as u64'; do
		grep -qF "$agg" <(grep '^C' "$TMP/records") ||
			{ echo "no example of $agg" >&2; return 1; }
	done
}

@test "make install puts the binary, the pages and the completion under DESTDIR and PREFIX" {
	[[ -x $ROOT/build/bpfq ]] || strict_skip "not built" || return 1
	run make -s -C "$ROOT" install DESTDIR="$TMP/dest" PREFIX=/opt/bpfq
	assert_status 0
	[[ -x $TMP/dest/opt/bpfq/sbin/bpfq ]]
	cmp "$ROOT/man/bpfq.8" "$TMP/dest/opt/bpfq/share/man/man8/bpfq.8"
	cmp "$ROOT/man/bpfq-query.7" "$TMP/dest/opt/bpfq/share/man/man7/bpfq-query.7"
	cmp "$ROOT/man/bpfq-internals.7" "$TMP/dest/opt/bpfq/share/man/man7/bpfq-internals.7"
	cmp "$ROOT/cmd/completion/bpfq" "$TMP/dest/opt/bpfq/share/bash-completion/completions/bpfq"
	run make -s -C "$ROOT" uninstall DESTDIR="$TMP/dest" PREFIX=/opt/bpfq
	assert_status 0
	[[ -z $(find "$TMP/dest" -type f) ]]
}
