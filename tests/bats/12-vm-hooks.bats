#!/usr/bin/env bats
# Every hook on other kernels under QEMU (tests/vm/hooks.sh): the
# test kernel of ../shared/kernels (built with
# CONFIG_KPROBE_EVENTS_ON_NOTRACE=y, so copyout attaches) and Debian's
# stock kernel. On each, --list-hooks must say what that kernel allows,
# --hook=auto must take the first of them, and the differential tests' vm
# suite must pass on every available hook.

load test_helper
bats_require_minimum_version 1.5.0

VM_RUN=$BATS_TEST_DIRNAME/../vm/run
REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
NOTRACE=${BPFQ_NOTRACE_KERNEL:-$REPO/../shared/kernels/vmlinuz-6.1-notrace}

vm_requirements() {
	require_root || return 1
	require_command qemu-system-x86_64 || return 1
	require_command busybox || return 1
	require_command cpio || return 1
}

# Boot one kernel with tests/vm/hooks.sh; its report in $dir/NAME.out.
boot() {
	local name=$1 dir=$BATS_FILE_TMPDIR
	shift
	# shellcheck disable=SC2068
	"$VM_RUN" $@ --keep "$dir" --timeout 2400 -- tests/vm/hooks.sh "$dir/bpfq" \
		>"$dir/$name.out" 2>&1
	echo $? >"$dir/$name.status"
	# Kept for people: each kernel's -l, and its hooks' speed.
	mkdir -p "$REPO/build/vm/reports" && cp "$dir/$name.out" "$REPO/build/vm/reports/$name.out"
}

setup_file() {
	vm_requirements || return 0
	local dir=$BATS_FILE_TMPDIR k m
	cd "$REPO"
	cp "$BPFQ" "$dir/bpfq"
	# Compile on the host what the guests will run (clang under TCG is
	# slow); tests/vm/run copies the cache into the guest. The data in a
	# folder of its own: the host's differential tests may be writing
	# tests/diff/data at the same time (make check). A shard per CPU:
	# the guests wait for this.
	export BPFQ_CACHE_DIR=$dir/cache
	DIFF_SUITE=vm DIFF_PREPARE=1 DIFF_JOBS=$(nproc) DIFF_DATA=$dir/diff-data BPFQ="$dir/bpfq" \
		tests/diff/run >"$dir/prepare.out" 2>&1
	# Both programs of each query tests/vm/hooks.sh runs: a pipe's and the
	# 21 MB file's are the long input's, the small files' the short one
	# (the path is not in the program: 'from -' compiles to what a file does).
	for q in 'sum(x) from -' 'sum(x), count() from -' 'count() from -' 'sum(x) where x > 5 from -'; do
		for long in 0 1; do
			BPFQ_LONG_INPUT=$long "$dir/bpfq" --dry-run=compile "$q" 2>>"$dir/prepare.out"
		done
	done
	# The two guests at once: each keeps about one CPU busy (TCG), and
	# one after the other they were most of make check's time.
	[[ -f $NOTRACE ]] && boot notrace --kernel="$NOTRACE" &
	if { read -r k && read -r m; } < <(tests/vm/fetch-debian-kernel 2>"$dir/fetch.err"); then
		boot debian --kernel="$k" --modules="$m" &
	fi
	wait
}

# The section "== NAME" of a kernel's report (up to the next section).
section() {
	awk -v want="== $2" '/^== / { on = ($0 == want); next } on' "$BATS_FILE_TMPDIR/$1.out"
}

# A kernel's report, checked to be there; all of it on failure.
report() {
	vm_requirements || return 1
	if [[ ! -s $BATS_FILE_TMPDIR/$1.out ]]; then
		echo "no report from the $1 kernel" >&2
		cat "$BATS_FILE_TMPDIR/fetch.err" "$BATS_FILE_TMPDIR/prepare.out" 2>/dev/null >&2
		return 1
	fi
}

need_notrace() {
	[[ -f $NOTRACE ]] ||
		strict_skip "no test kernel at $NOTRACE (see ../shared/kernels/README.md)" || return 1
	report notrace
}

show_report() {
	printf -- '--- report of the %s kernel (tests/vm/run exited %s) ---\n' "$1" \
		"$(cat "$BATS_FILE_TMPDIR/$1.status")" >&2
	cat "$BATS_FILE_TMPDIR/$1.out" >&2
}

# Each available hook answered the pipe right (seq 1 100000).
check_pipes() {
	local h
	for h in $2; do
		if [[ $(section "$1" "$h pipe") != $'sum(x): 5000050000\ncount(): 100000\nstatus 0' ]]; then
			echo "hook $h on a pipe:" >&2
			section "$1" "$h pipe" >&2
			return 1
		fi
	done
}

# Each available hook read seq 1 600000 with two readers, and right.
check_jobs() {
	local h
	for h in $2; do
		if [[ $(section "$1" "$h jobs") != $'readers 2
sum(x): 180000300000
count(): 600000
status 0' ]]; then
			echo "hook $h with -j 2:" >&2
			section "$1" "$h jobs" >&2
			return 1
		fi
	done
}

# Each available hook read the file with two readers and the pipe right inside PID namespaces.
check_pidns() {
	local h
	for h in $2; do
		if [[ $(section "$1" "$h pidns") != $'readers 2
sum(x): 180000300000
count(): 600000
status 0
sum(x): 5000050000
count(): 100000
status 0' ]]; then
			echo "hook $h in a PID namespace:" >&2
			section "$1" "$h pidns" >&2
			return 1
		fi
	done
}

# Each available hook and the user engine scanned the 21 MB file, with the same answer and a rate.
check_speed() {
	local h out
	for h in $2 user; do
		out=$(section "$1" "$h speed")
		if [[ ! $out =~ ^[0-9.]+\ s\ \([0-9.]+\ MB/s\)$'\n'4500001499985$ ]]; then
			echo "hook $h's scan of /tmp/speed.txt:" >&2
			echo "$out" >&2
			return 1
		fi
	done
}

# The vm suite passed on exactly these engines.
check_diff() {
	local out
	out=$(section "$1" diff)
	if [[ $out != *"diff: engines: $2"* ]] ||
		! grep -q "^== diff status 0$" "$BATS_FILE_TMPDIR/$1.out" ||
		! grep -Eq '^[1-9][0-9]* passed, 0 failed$' <<<"$out"; then
		show_report "$1"
		return 1
	fi
}

@test "vm notrace kernel: every hook is available, copyout included" {
	need_notrace
	run section notrace list
	[[ $(hook_rows "$output") == "copyout:kprobe available
vfs:fexit available
vfs:kprobe available
syscall:raw_tp available
syscall:tp_btf available" ]] || { show_report notrace; return 1; }
}

@test "vm notrace kernel: --hook=auto takes copyout" {
	need_notrace
	run section notrace auto
	assert_output "copyout (kprobe/_copy_to_iter+tp_btf/sys_exit)
500500"
}

@test "vm notrace kernel: every hook reads a pipe right" {
	need_notrace
	check_pipes notrace "copyout vfs:fexit vfs:kprobe syscall"
}

@test "vm notrace kernel: every hook reads a file with -j 2 right" {
	need_notrace
	check_jobs notrace "copyout vfs:fexit vfs:kprobe syscall"
}

@test "vm notrace kernel: every hook and the user engine scan a 21 MB file, and say how fast" {
	need_notrace
	check_speed notrace "copyout vfs:fexit vfs:kprobe syscall"
}

@test "vm notrace kernel: copyout on /dev/zero (filled, not copied out) is an error, not an answer" {
	need_notrace
	run section notrace "copyout zero"
	[[ $output == "bpfq: error: the hook did not see every byte of the read at byte 0 of /dev/zero"*"no answer"$'\n'"status 4" ]] ||
		{ echo "$output" >&2; return 1; }
}

@test "vm notrace kernel: the differential tests pass on all four hooks" {
	need_notrace
	check_diff notrace "user kernel:copyout kernel:vfs:fexit kernel:vfs:kprobe kernel:syscall"
}

@test "vm debian kernel: copyout is notrace; vfs (both methods) and syscall are available" {
	report debian
	run section debian list
	[[ $(hook_rows "$output") == "copyout:kprobe unavailable
vfs:fexit available
vfs:kprobe available
syscall:raw_tp available
syscall:tp_btf available" ]] || { show_report debian; return 1; }
	[[ ${lines[1]} == *"_copy_to_iter is notrace here (lib/ is built without ftrace): it needs a kernel with CONFIG_KPROBE_EVENTS_ON_NOTRACE=y" ]]
}

@test "vm debian kernel: --hook=auto takes vfs, by fexit" {
	report debian
	run section debian auto
	assert_output "vfs (fexit/vfs_read)
500500"
}

@test "vm debian kernel: every available hook reads a pipe right" {
	report debian
	check_pipes debian "vfs:fexit vfs:kprobe syscall"
}

@test "vm debian kernel: every available hook reads a file with -j 2 right" {
	report debian
	check_jobs debian "vfs:fexit vfs:kprobe syscall"
}

@test "vm debian kernel: every available hook reads right inside PID namespaces" {
	report debian
	check_pidns debian "vfs:fexit vfs:kprobe syscall"
}

@test "vm debian kernel: without tracefs mounted, -l still says notrace, and leaves tracefs unmounted" {
	report debian
	run section debian tracefs
	assert_output "_copy_to_iter is notrace here (lib/ is built without ftrace): it needs a kernel with CONFIG_KPROBE_EVENTS_ON_NOTRACE=y
/sys/kernel/tracing is not a mountpoint
status 32"
}

@test "vm debian kernel: every available hook and the user engine scan a 21 MB file, and say how fast" {
	report debian
	check_speed debian "vfs:fexit vfs:kprobe syscall"
}

@test "vm debian kernel: the differential tests pass on the three available hooks" {
	report debian
	check_diff debian "user kernel:vfs:fexit kernel:vfs:kprobe kernel:syscall"
}
