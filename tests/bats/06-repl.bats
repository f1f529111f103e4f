#!/usr/bin/env bats
# The interactive session, driven through a real terminal: tmux runs bpfq in
# a 200x50 pane, send-keys types, capture-pane reads the screen back. Every
# step waits for an exact screen, so a wrong prompt, echo or answer fails.

load test_helper

eval "helper_$(declare -f teardown)"

# The end of a session's tmux server. A bpfq still at its prompt is killed
# first: one that loses its terminal with the server exits through
# LeakSanitizer (make sanitize), whose tracer then waits on it forever while
# it spins (seen for hours, long after its test).
repl_stop() {
	local pane
	for pane in $(tmux -L "$SOCK" list-panes -a -F '#{pane_pid}' 2>/dev/null); do
		pkill -KILL -P "$pane" 2>/dev/null || true
	done
	tmux -L "$SOCK" kill-server 2>/dev/null || true
}

teardown() {
	[[ -n ${SOCK:-} ]] && repl_stop
	helper_teardown
}

require_tmux() {
	require_command tmux
}

# Start bpfq with these arguments in $TMP/data (which holds n.txt: 1..10),
# and wait for its first prompt. SCREEN is what the screen should show.
# REPL_ENV (an array of VAR=value) adds to bpfq's environment; REPL_HEAD is
# what bpfq prints before its banner.
repl_start() {
	require_tmux
	SOCK=bpfq-test-$$-$BATS_TEST_NUMBER
	# The server's socket goes with the test's folder.
	export TMUX_TMPDIR=$TMP
	HIST=$TMP/state/history
	BANNER="bpfq $("$BPFQ" --version | sed 's/^bpfq //'): type a query, \\help for help, \\q to quit."
	mkdir -p "$TMP/data"
	seq_file 10 "$TMP/data/n.txt"
	# Scrollback for long outputs (\c); no user config, no ~/.inputrc.
	echo 'set -g history-limit 50000' >"$TMP/tmux.conf"
	local cmd
	cmd=$(printf '%q ' env BPFQ_HISTORY="$HIST" BPFQ_CACHE_DIR="$BPFQ_CACHE_DIR" \
		INPUTRC=/dev/null "${REPL_ENV[@]}" "$BPFQ" "$@")
	# The pane outlives bpfq, to show how it exited.
	tmux -L "$SOCK" -f "$TMP/tmux.conf" new-session -d -x 200 -y 50 -c "$TMP/data" \
		"$cmd; echo \"[exit \$?]\"; sleep 600"
	SCREEN="${REPL_HEAD:+$REPL_HEAD$'\n'}$BANNER
bpfq>"
	repl_expect "$SCREEN"
}

# Type text literally (a final ';' would end the tmux command: escape it).
repl_type() {
	local text=$1

	[[ -z $text ]] && return 0
	[[ $text == *';' ]] && text="${text%;}\\;"
	tmux -L "$SOCK" send-keys -l -- "$text"
}

# Keys by tmux name: Enter, Tab, Up, C-c, C-d.
repl_keys() {
	tmux -L "$SOCK" send-keys "$@"
}

# The whole pane with its scrollback, blanks at line ends removed; through
# $REPL_FILTER (a sed script) when set, for what changes between runs.
repl_screen() {
	tmux -L "$SOCK" capture-pane -p -J -S - | sed -e 's/[[:space:]]*$//' -e "${REPL_FILTER:-}"
}

# Wait (up to 20 s) until the screen is exactly $1, trailing empty lines aside.
repl_expect() {
	local got i

	for ((i = 0; i < 200; i++)); do
		got=$(repl_screen)
		[[ $got == "$1" ]] && return 0
		sleep 0.1
	done
	printf 'expected screen:\n%s\nactual screen:\n%s\n' "$1" "$got" >&2
	return 1
}

# Type a line and Enter; wait for what it prints ($2) and the next prompt
# ($3, "bpfq>" unless given; "" for none). Each step waits for its prompt:
# keys typed while a query runs are echoed by the terminal and again by
# readline, as in any readline program.
repl_step() {
	local text=$1 out=${2:-} prompt=${3-bpfq>}

	repl_type "$text"
	repl_keys Enter
	[[ -n $text ]] && SCREEN+=" $text"
	[[ -n $out ]] && SCREEN+=$'\n'"$out"
	[[ -n $prompt ]] && SCREEN+=$'\n'"$prompt"
	repl_expect "$SCREEN"
}

# Wait until the screen shows $1 after what it showed, and take it in.
repl_shows() {
	repl_expect "$SCREEN$1" && SCREEN+=$1
}

# Wait until the cursor is on row $1 (0 is the top): Enter has been read.
repl_wait_row() {
	local i

	for ((i = 0; i < 200; i++)); do
		[[ $(tmux -L "$SOCK" display -p '#{cursor_y}') == "$1" ]] && return 0
		sleep 0.1
	done
	echo "the cursor never reached row $1" >&2
	return 1
}

@test "a query prints its answer; \\q ends the session with status 0" {
	repl_start --engine=user
	repl_step 'sum(x) from n.txt' 55
	repl_step '\q' '[exit 0]' ''
}

@test "ctrl-D ends the session with status 0" {
	repl_start --engine=user
	repl_keys C-d
	repl_shows '
[exit 0]'
}

@test "the kernel engine answers, and \\c shows the C it generated" {
	require_root
	# A pager that shows all of it at once (cat): the screen is checked whole.
	REPL_ENV=(PAGER=cat)
	repl_start
	repl_step '\c' '(no BPF C yet: it is generated when a query runs on the kernel engine)'
	repl_step 'count() where x > 3 from n.txt' 7
	# The same C as -d c prints, to its last empty line (x keeps them); tabs
	# become spaces on the screen.
	local c
	c=$(cd "$TMP/data" && "$BPFQ" -d c --dry-run 'count() where x > 3 from n.txt' 2>&1 |
		sed -n '/^--- generated BPF C ---$/,/^--- end of BPF C ---$/p' | sed '1d;$d' |
		expand | sed 's/[[:space:]]*$//'; echo x)
	c=${c%x}
	[[ $c == *'bpfq_emit'* ]]
	repl_type '\c'
	repl_keys Enter
	repl_shows " \\c
${c}bpfq>"
}

# The pid of the pane's bpfq's child named $1, once there is one.
pager_pid() {
	local i pid

	for ((i = 0; i < 200; i++)); do
		pid=$(pgrep -x -P "$(pgrep -x -P "$(tmux -L "$SOCK" display -p '#{pane_pid}')" bpfq)" "$1")
		[[ -n $pid ]] && { echo "$pid"; return 0; }
		sleep 0.1
	done
	echo "no $1 under bpfq" >&2
	return 1
}

@test "\\c goes through \$PAGER on a terminal" {
	require_root
	REPL_ENV=(PAGER='head -n 2')
	repl_start
	repl_step 'count() from n.txt' 10
	# The pager's first lines, then the prompt: the rest went to the pager.
	repl_step '\c' '/*
 * The plan (-d plan prints it alone):'
}

@test "under sudo, \\c runs the pager found at build time as the caller, not \$PAGER" {
	require_root
	require_command less
	local pid i
	REPL_ENV=(SUDO_UID=65534 SUDO_GID=65534 SUDO_USER=nobody HOME="$TMP/home"
		PAGER="touch $TMP/ran-PAGER; cat")
	repl_start
	repl_step 'count() from /dev/null' 0
	repl_type '\c'
	repl_keys Enter
	pid=$(pager_pid less)
	run ps -o uid=,gid=,args= -p "$pid"
	[[ $output =~ ^\ *65534\ +65534\ +/[a-z/]+/less\ -FRX$ ]]
	run tr '\0' '\n' <"/proc/$pid/environ"
	[[ $output == *LESSSECURE=1* && $output != *PAGER* ]]
	repl_keys q
	for ((i = 0; i < 200; i++)); do
		[[ $(repl_screen) == *$'\n'"bpfq>" ]] && break
		sleep 0.1
	done
	[[ $(repl_screen) == *$'\n'"bpfq>" && ! -e $TMP/ran-PAGER ]]
}

@test "errors do not end the session" {
	repl_start --engine=user
	repl_step 'sum(x) wher x > 5 from n.txt' \
		"bpfq: error: 1:8-11: expected 'where', 'from', 'by' or ',' after aggregate
  sum(x) wher x > 5 from n.txt
         ~~~~"
	repl_step 'count() from nope.txt' \
		"bpfq: error: cannot open 'nope.txt': No such file or directory"
	repl_step 'sum(x) from n.txt' 55
}

@test "a query can span lines; an empty line or a final ';' runs it as it is" {
	repl_start --engine=user
	repl_step 'sum(x)' '' '  ...>'
	repl_step 'where x > 5' '' '  ...>'
	repl_step 'from n.txt' 40
	repl_step 'count()' '' '  ...>'
	repl_step '' "bpfq: error: 1:8: missing 'from PATH': which file should be read?
  count()
         ~"
	repl_step 'sum(x) from n.txt where x >;' \
		"bpfq: error: 1:28: expected an expression, got end of query
  sum(x) from n.txt where x >
                             ~"
	repl_step 'sum(x) from n.txt;' 55
	# An empty line, or a lone ';', with nothing typed does nothing.
	repl_step '' '' 'bpfq>'
	repl_step ';' '' 'bpfq>'
}

@test "\\help lists the commands and the language" {
	repl_start --engine=user
	repl_step '\help' "Commands:
  \\help   this text (also \\h and \\?)
  \\hooks  the read-path hooks, and whether this kernel allows them
  \\c      the BPF C generated for the last query run on the kernel
  \\stats  the statistics of the last query run
  \\q      quit (also ctrl-D)

A query runs when it is complete; a line ending in ';' runs what is typed so far.
ctrl-C drops the query being typed, or stops the one running.
exit, quit and help at the start of a line do what they say.

  aggregate [as NAME], ... [where CONDITION] [[group] by EXPR, ...]
      [having CONDITION] [order by KEY [asc|desc], ...] [limit N]
      from PATH... [as FORMAT]
  aggregates: count sum min max avg exists var variance var_samp var_pop stddev
              stddev_samp stddev_pop hist lhist quantile median quantile_exact
              median_exact count_distinct covar_pop covar_samp corr regr_slope
              regr_intercept
  keywords: where from and or not as by group between in
  arguments: count() or count(distinct e), exists(CONDITION),
             quantile(e, 0.9, ...), quantile_exact(e, 0.9, ...),
             lhist(e, min, max, step), corr(y, x) and the other two-column ones;
             the others (e)
  aggregate filter (where CONDITION): only the records that make it true;
     count sum avg min max var stddev take a CONDITION as 1 (true) or 0 (false)
  e: x (numbers), \$1 \$2 ... (text fields), a csv column's name, numbers with
     decimals, + - * / %, abs(e), length(e), parentheses; 'text' in single quotes
  times: year(t) month(t) day(t) hour(t) minute(t) second(t) epoch(t)
         date_trunc('month', t) to_timestamp(seconds); dates as '2001-03-01'
  conditions: = != <> < <= > >=, between, in (...), and, or, not, is [not] null,
              like '%_', ilike, ~ and !~ (regex), starts_with(e, 's'),
              ends_with(e, 's'), contains(e, 's')
  PATH: files, folders, quoted globs ('logs/*.log', '**'); - is standard input;
        gzip, zstd, xz, bzip2 and lz4 are read as they are compressed
  FORMAT: numbers, text, csv[(header|noheader, delim=';')], i8 ... u64 [le|be],
          record(name:type, ...)
  example: sum(x) where x > 5 from nums.txt
  all of it: man bpfq-query"
}

@test "\\help names every aggregate of bpfq-query(7)'s grammar" {
	local i name screen
	repl_start --engine=user
	repl_type '\help'
	repl_keys Enter
	for ((i = 0; i < 200; i++)); do
		screen=$(repl_screen)
		[[ $screen == *"  all of it: man bpfq-query"$'\n'"bpfq>" ]] && break
		sleep 0.1
	done
	for name in $(sed -n '/^aggregate = /,/^condition = /p' \
		"$BATS_TEST_DIRNAME/../../man/bpfq-query.7" | grep -o '"[a-z_]*"' | tr -d '"'); do
		[[ $screen =~ (^|[^a-z_])$name([^a-z_]|$) ]] || { echo "\\help lacks $name" >&2; return 1; }
	done
	[[ $screen == *" exists "* ]]
}

@test "exit, quit and help work as in other REPLs; ctrl-D on a query says it was not run" {
	local i
	repl_start --engine=user
	repl_type '\help'
	repl_keys Enter
	for ((i = 0; i < 200; i++)); do
		SCREEN=$(repl_screen)
		[[ $SCREEN == *"  all of it: man bpfq-query"$'\n'"bpfq>" ]] && break
		sleep 0.1
	done
	local help=${SCREEN#*"bpfq> \\help"$'\n'}
	repl_step 'help' "${help%$'\n'bpfq>}"
	repl_stop
	repl_start --engine=user
	repl_step 'quit' '[exit 0]' ''
	repl_stop
	repl_start --engine=user
	repl_step 'EXIT' '[exit 0]' ''
	repl_stop
	repl_start --engine=user
	repl_step 'sum(x) where x > 3' '' '  ...>'
	repl_keys C-d
	repl_shows '
bpfq: the unfinished query was not run: sum(x) where x > 3
[exit 0]'
}

@test "\\stats shows the statistics of the last query" {
	REPL_FILTER='s/^  scan: .*/  scan: (time)/'
	repl_start --engine=user
	repl_step '\stats' '(no stats yet: run a query first)'
	repl_step 'sum(x) where x > 7 from n.txt' 27
	repl_step '\stats' 'bpfq: stats
  engine:        user
  hook:          none
  format:        numbers (no format named, no $N): 10 of the first 10 tokens are numbers
  scanned:       21 bytes in 2 reads
  records:       10 (0 malformed, skipped)
  matched:       3
  copied:        21 bytes by read() into the reader'\''s buffer
  parsed:        in user space by bpfq, from the buffer
  touched:       21 bytes by bpfq'\''s own code (all of it: user engine)
  reduction:     1.0:1 (scanned : touched)
  scan: (time)'
}

@test "\\hooks lists the hooks as --list-hooks does" {
	local hooks

	hooks=$("$BPFQ" --list-hooks | sed 's/[[:space:]]*$//')
	[[ $hooks == "HOOK "* ]]
	repl_start --engine=user
	repl_step '\hooks' "$hooks"
}

@test "an unknown command is an error, and the session goes on" {
	repl_start --engine=user
	repl_step '\frob' "bpfq: error: unknown command '\\frob'; \\help lists the commands"
	repl_step 'count() from n.txt' 10
}

@test "options from the command line apply to every query" {
	repl_start --engine=user -o csv
	repl_step 'sum(x), count() from n.txt' 'sum(x),count()
55,10'
	repl_step 'max(x) where x < 4 from n.txt' 'max(x)
3'
}

@test "tab completes aggregate names, keywords and commands" {
	repl_start --engine=user
	repl_type 'su'
	repl_keys Tab
	repl_shows ' sum('
	repl_type 'x) WH'
	repl_keys Tab
	repl_type 'x > 5 fr'
	repl_keys Tab
	repl_shows 'x) where x > 5 from'
	repl_step 'n.txt' 40
	repl_type '\ho'
	repl_keys Tab
	repl_shows ' \hooks'
}

@test "tab completes filter (where after an aggregate" {
	repl_start --engine=user
	repl_type 'count() fil'
	repl_keys Tab
	repl_shows ' count() filter (where'
	repl_step 'x > 5) from n.txt' 5
}

@test "tab completes a file path after from, quoting one with spaces" {
	repl_start --engine=user
	mkdir "$TMP/data/sub dir"
	seq_file 3 "$TMP/data/sub dir/a b.txt"
	seq_file 4 "$TMP/data/numbers.txt"
	repl_type 'count() from num'
	repl_keys Tab
	repl_shows ' count() from numbers.txt'
	repl_step '' 4
	repl_type 'count() from su'
	repl_keys Tab
	repl_shows " count() from 'sub dir/"
	repl_keys Tab
	repl_shows "a b.txt'"
	repl_step '' 3
}

@test "history is saved between sessions, and up-arrow recalls it" {
	repl_start --engine=user
	repl_step 'sum(x) from n.txt' 55
	repl_step 'sum(x)' '' '  ...>'
	repl_step 'where x > 5 from n.txt' 40
	repl_step '\q' '[exit 0]' ''
	run cat "$HIST"
	assert_output "sum(x) from n.txt
sum(x) where x > 5 from n.txt"
	repl_stop

	repl_start --engine=user
	repl_keys Up
	repl_expect "$SCREEN sum(x) where x > 5 from n.txt"
	repl_keys Up
	repl_shows ' sum(x) from n.txt'
	repl_step '' 55
	repl_keys C-d
	repl_shows '
[exit 0]'
	run cat "$HIST"
	assert_output "sum(x) from n.txt
sum(x) where x > 5 from n.txt
sum(x) from n.txt"
}

@test "ctrl-C at the prompt drops what is typed, and the session goes on" {
	repl_start --engine=user
	# The terminal drops keys not yet read when ctrl-C comes: wait for them.
	repl_type 'sum(x'
	repl_shows ' sum(x'
	repl_keys C-c
	repl_shows '^C
bpfq>'
	repl_step 'sum(x)' '' '  ...>'
	repl_keys C-c
	repl_shows ' ^C
bpfq>'
	# Had sum(x) stayed, this would be an error.
	repl_step 'count() from n.txt' 10
}

@test "ctrl-C stops a running query only" {
	# The terminal echoes ^C before the message, unless the progress line was up.
	REPL_FILTER='s/^\^C//'
	repl_start --engine=user
	# NUL bytes without end: the scan runs until interrupted.
	repl_type 'count() from /dev/zero'
	repl_keys Enter
	repl_wait_row 2
	repl_keys C-c
	repl_shows ' count() from /dev/zero
bpfq: interrupted; no answer
bpfq>'
	repl_step 'count() from n.txt' 10
}

# A history path that is a symlink to a file root owns (here a stand-in
# for /etc/cron.d/x); the target must stay as it is.
history_trap() {
	mkdir -p "$TMP/state" "$TMP/home/.local/state/bpfq"
	echo 'unchanged' >"$TMP/target"
	ln -s "$TMP/target" "$TMP/state/history"
	ln -s "$TMP/target" "$TMP/home/.local/state/bpfq/history"
}

@test "under sudo, no history file is read or written, whatever HOME and BPFQ_HISTORY say" {
	history_trap
	REPL_ENV=(SUDO_UID=65534 SUDO_GID=65534 SUDO_USER=nobody HOME="$TMP/home"
		XDG_STATE_HOME="$TMP/home/.local/state")
	repl_start --engine=user
	repl_step 'count() from /dev/null' 0
	# Nor are paths completed: readline would list folders as root.
	mkdir "$TMP/data/secret-folder"
	repl_type 'count() from sec'
	repl_keys Tab
	repl_type 'X'
	repl_shows ' count() from secX'
	repl_keys C-c
	repl_shows '^C
bpfq>'
	repl_step '\q' '[exit 0]' ''
	run cat "$TMP/target"
	assert_output unchanged
	# No file beside the links either.
	run ls -A "$TMP/state" "$TMP/home/.local/state/bpfq"
	assert_output "$TMP/home/.local/state/bpfq:
history

$TMP/state:
history"
}

@test "root's history file is not followed through a symlink" {
	history_trap
	REPL_HEAD="bpfq: warning: cannot read the history file '$TMP/state/history': Too many levels of symbolic links"
	repl_start --engine=user
	repl_step 'count() from n.txt' 10
	repl_step '\q' '[exit 0]' ''
	run cat "$TMP/target"
	assert_output unchanged
}

@test "root's history is kept only in a folder of root's, in a file of mode 600" {
	mkdir -p "$TMP/state"
	chown nobody "$TMP/state"
	REPL_HEAD="bpfq: warning: no history kept: the folder of '$TMP/state/history' belongs to another user"
	repl_start --engine=user
	repl_step 'count() from n.txt' 10
	repl_step '\q' '[exit 0]' ''
	[[ ! -e $HIST ]]
	repl_stop

	chown root "$TMP/state"
	REPL_HEAD=
	repl_start --engine=user
	repl_step 'count() from n.txt' 10
	repl_step '\q' '[exit 0]' ''
	run stat -c '%a %U' "$HIST"
	assert_output '600 root'
	run cat "$HIST"
	assert_output 'count() from n.txt'
}
