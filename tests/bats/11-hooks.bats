#!/usr/bin/env bats
# The hooks on this machine's kernel: --hook, --list-hooks, the stats, and
# --dry-run=compile. Other kernels: 12-vm-hooks.bats. The differential
# tests (make diff) run on every hook this kernel allows.

load test_helper
bats_require_minimum_version 1.5.0

# The --hook argument for a row.
hook_arg() {
	case $1 in
	vfs:* | syscall:*) echo "$1" ;;
	*) echo "${1%%:*}" ;;
	esac
}

@test "--list-hooks: each kind with its attach points, status and reason" {
	require_root
	run bpfq -l
	assert_status 0
	[[ ${lines[0]} == "HOOK     METHOD  ATTACH"*"STATUS"*"WHY" ]]
	assert_line_count 6
	[[ ${lines[1]} == "copyout  kprobe  kprobe/_copy_to_iter+tp_btf/sys_exit "* ]]
	[[ ${lines[2]} == "vfs      fexit   fexit/vfs_read "* ]]
	[[ ${lines[3]} == "vfs      kprobe  kprobe+kretprobe/vfs_read "* ]]
	[[ ${lines[4]} == "syscall  raw_tp  raw_tp/sys_exit "* ]]
	[[ ${lines[5]} == "syscall  tp_btf  tp_btf/sys_exit "* ]]
}

@test "this kernel: every available hook answers; every other fails with the reason -l gives" {
	require_root
	seq 1 1000 >"$TMP/n.txt"
	local list row state reason
	list=$(bpfq -l)
	while read -r row state; do
		run bpfq --hook="$(hook_arg "$row")" 'sum(x) from '"$TMP/n.txt"
		if [[ $state == available ]]; then
			assert_status 0
			assert_output 500500
		else
			assert_status 4
			reason=$(grep "^${row%%:*} *${row#*:} " <<<"$list" | sed 's/.*unavailable *//')
			[[ $output == *"no hook of --hook=$(hook_arg "$row") is available here"*"$reason"* ]] ||
				{ echo "for $row: $output (reason: $reason)" >&2; return 1; }
		fi
	done < <(hook_rows "$list")
}

@test "--hook=auto takes the first available hook; -s names it and what it passed over" {
	require_root
	seq 1 1000 >"$TMP/n.txt"
	local first
	first=$(bpfq -l | awk '$4 == "available" { print $1 " (" $3; exit }')
	run bpfq -s 'sum(x) from '"$TMP/n.txt"
	assert_status 0
	[[ $output == *"  hook:          $first"* ]] || { echo "$output" >&2; return 1; }
	if [[ $(bpfq -l | sed -n 2p) == *unavailable* ]]; then
		[[ $output == *"  passed over:   copyout (kprobe): "* ]] || { echo "$output" >&2; return 1; }
	fi
	run bpfq -s -o json 'sum(x) from '"$TMP/n.txt"
	[[ $(jq -r '.stats.hook' <<<"$output") == "$first"* ]]
}

@test "--hook: a bad name is a usage error; the user engine takes none" {
	run bpfq --hook=pagecache 'count() from f'
	assert_status 2
	[[ $output == *"--hook takes auto, copyout, vfs, vfs:fexit, vfs:kprobe, syscall, syscall:raw_tp or syscall:tp_btf, not 'pagecache'"* ]]
	run bpfq --engine=user --hook=syscall 'count() from f'
	assert_status 2
	[[ $output == *"--hook is where the kernel engine runs"* ]]
}

@test "--dry-run=compile compiles for every hook, without privileges or a file" {
	require_command setpriv
	# A cache is used only by its owner (codegen/cache.c): nobody's own.
	export BPFQ_CACHE_DIR=$TMP/cache
	mkdir -p "$TMP/cache" && chmod 711 "$TMP" && chown 65534:65534 "$TMP/cache"
	run setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$BPFQ" --dry-run=compile 'count() where x > 1 from /nonexistent'
	assert_status 0
	[[ ${lines[0]} == "bpfq: dry run: compiled for hook copyout (kprobe/_copy_to_iter+tp_btf/sys_exit): "*" bytes" ]]
	[[ ${lines[3]} == "bpfq: dry run: compiled for hook syscall (raw_tp/sys_exit): "*" bytes" ]]
	[[ ${lines[4]} == "bpfq: dry run: compiled for hook syscall (tp_btf/sys_exit): "*" bytes" ]]
	run setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$BPFQ" --dry-run=compile --hook=vfs 'count() where x > 1 from /nonexistent'
	assert_line_count 2
	[[ ${lines[0]} == *"vfs (fexit/vfs_read): "*", from the cache" ]]
	[[ ${lines[1]} == *"vfs (kprobe+kretprobe/vfs_read): "*", from the cache" ]]
}

# The two methods of the syscall hook find the reader's read() differently
# (the registers through bpf_probe_read_kernel, or BTF-typed) and share the
# rest: the same answers, from whole files, pipes and two readers.
@test "syscall: raw_tp and tp_btf give the same answers" {
	require_root
	[[ $(hook_rows "$(bpfq -l)") == *"syscall:raw_tp available"*"syscall:tp_btf available"* ]] ||
		strict_skip "needs both methods of the syscall hook" || return 1
	seq 1 300000 | awk '{ print $1 % 1000 - 300 }' >"$TMP/n.txt"
	awk '{ print NR % 7 "," $1 "," NR % 3 }' "$TMP/n.txt" >"$TMP/r.csv"
	# An option (split at blanks), a query; each reads n.txt on its stdin too.
	local rows=("" "sum(x), count() where x > 5 from $TMP/n.txt"
		"-j 2" "avg(x), min(x) from $TMP/n.txt"
		"--read-size=4093" "sum(\$2) by \$1 where \$3 != 1 from $TMP/r.csv as csv"
		"--read-size=1M" "count(x) from -")
	local i raw out
	for ((i = 0; i < ${#rows[@]}; i += 2)); do
		# shellcheck disable=SC2086
		raw=$("$BPFQ" --hook=syscall:raw_tp ${rows[i]} "${rows[i + 1]}" <"$TMP/n.txt") || return 1
		# shellcheck disable=SC2086
		out=$("$BPFQ" --hook=syscall:tp_btf ${rows[i]} "${rows[i + 1]}" <"$TMP/n.txt") || return 1
		[[ $out == "$raw" && -n $raw ]] ||
			{ printf '%s\nraw_tp: %s\ntp_btf: %s\n' "${rows[i + 1]}" "$raw" "$out" >&2; return 1; }
	done
}

# The point of raw_tp: libbpf parses the kernel's BTF, at a cost on every load,
# only for programs that need it, and this one does not.
@test "syscall:raw_tp loads without reading the kernel's BTF; tp_btf reads it" {
	require_root
	require_command strace
	seq 1 1000 >"$TMP/n.txt"
	bpfq --hook=syscall:tp_btf 'sum(x) from '"$TMP/n.txt" >/dev/null	# probes, then cached
	# Under make sanitize: LeakSanitizer cannot run under ptrace (it reports that, not a leak).
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	[[ $(strace -f -e trace=openat -o "$TMP/raw.log" "$BPFQ" --hook=syscall:raw_tp \
		"sum(x) from $TMP/n.txt") == 500500 ]]
	[[ $(strace -f -e trace=openat -o "$TMP/btf.log" "$BPFQ" --hook=syscall:tp_btf \
		"sum(x) from $TMP/n.txt") == 500500 ]]
	! grep -q /sys/kernel/btf/vmlinux "$TMP/raw.log"
	grep -q /sys/kernel/btf/vmlinux "$TMP/btf.log"
}

@test "a query too big for the verifier: status 4, the log's end, and what to do" {
	require_root
	printf '1,2,3,4,5,6,7\n' >"$TMP/w.csv"
	run bpfq 'sum($1), sum($2), sum($3), sum($4), sum($5), sum($6), sum($7), min($1), min($2), min($3), max($4), max($5), max($6), avg($7), avg($1), count($2) where $1 + $2 * $3 > $4 - $5 and $6 > $7 or $1 < 0 and $2 < $3 from '"$TMP/w.csv"' as csv'
	assert_status 4
	[[ ${lines[0]} == "bpfq: error: the kernel did not load the BPF program:" ]]
	[[ ${lines[1]} == "  ("*" lines of the log left out; -d verifier shows all of it)" ]]
	[[ ${#lines[@]} -le 20 ]]
	[[ ${lines[-1]} == "bpfq: the verifier walked its limit of a million instructions: this query is too big for the kernel; split it into queries of fewer aggregates, or use --engine=user" ]]
}
