#!/usr/bin/env bats
# Faults mid-scan, odd inputs, tenants and kernel resources: each case has a
# defined behaviour (README "Inputs and faults") and these tests hold it.
# Read errors (EIO) need a faulty disk: tests/bats/09-vm.bats.

load test_helper

# Start bpfq in the background on a big file read 1 byte at a time, and wait
# until it has read part of it, so that a change lands mid-scan.
start_slow_scan() {
	local engine=$1 query=$2
	"$BPFQ" --engine="$engine" --read-size=1 "$query" >"$TMP/out" 2>"$TMP/err" &
	SCAN=$!
	local fd pos
	for _ in $(seq 200); do
		for fd in /proc/$SCAN/fd/*; do
			[[ $(readlink "$fd") == "$TMP/big.txt"* ]] || continue
			pos=$(awk '/^pos:/ { print $2 }' "/proc/$SCAN/fdinfo/${fd##*/}" 2>/dev/null)
			[[ ${pos:-0} -gt 1000 ]] && return 0
		done
		sleep 0.05
	done
	echo "the scan did not start" >&2
	return 1
}

finish_scan() {
	local status=0
	wait "$SCAN" || status=$?
	echo "$status" >"$TMP/status"
}

@test "a file that grows during the scan: the answer covers its size at the start, with a warning" {
	require_root
	for engine in kernel user; do
		seq 1 100000 >"$TMP/big.txt"
		start_slow_scan $engine "count(), max(x) from $TMP/big.txt"
		seq 1 1000000 >>"$TMP/big.txt"
		finish_scan
		[[ $(cat "$TMP/status") == 0 ]]
		[[ $(cat "$TMP/out") == $'count(): 100000\nmax(x): 100000' ]]
		grep -q "^bpfq: warning: '$TMP/big.txt' grew during the scan; the answer covers its first 588895 bytes, its size at the start$" "$TMP/err"
	done
}

@test "a file truncated during the scan is an error, not an answer over part of it" {
	require_root
	for engine in kernel user; do
		seq 1 100000 >"$TMP/big.txt"
		start_slow_scan $engine "sum(x) from $TMP/big.txt"
		truncate -s 5000 "$TMP/big.txt"
		finish_scan
		[[ $(cat "$TMP/status") == 3 ]]
		[[ ! -s $TMP/out ]]
		grep -q "^bpfq: error: '$TMP/big.txt' shrank during the scan, from 588895 to 5000 bytes; no answer$" "$TMP/err"
	done
}

@test "a file removed during the scan is read whole: the open file stays" {
	require_root
	for engine in kernel user; do
		seq 1 100000 >"$TMP/big.txt"
		start_slow_scan $engine "sum(x) from $TMP/big.txt"
		rm "$TMP/big.txt"
		finish_scan
		[[ $(cat "$TMP/status") == 0 ]]
		[[ $(cat "$TMP/out") == 5000050000 ]]
	done
}

@test "a FIFO is read to its end" {
	require_root
	mkfifo "$TMP/fifo"
	seq 1 1000 >"$TMP/fifo" &
	run bpfq "sum(x) from $TMP/fifo"
	assert_status 0
	assert_output 500500
}

@test "a socket is refused with a clear message (status 3)" {
	python3 -c "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])" "$TMP/sock"
	run bpfq --engine=user "count() from $TMP/sock"
	assert_status 3
	assert_output "bpfq: error: '$TMP/sock' is a socket; bpfq reads files, pipes and devices"
}

@test "a block device is read like a file" {
	require_root
	require_command losetup
	head -c 4096 /dev/zero | tr '\0' ' ' >"$TMP/disk.img"
	printf '1 2 3\n40\n' | dd of="$TMP/disk.img" conv=notrunc status=none
	local dev
	if ! dev=$(losetup -f --show "$TMP/disk.img"); then
		strict_skip "no loop device"
		return 1
	fi
	run bpfq "sum(x), count() from $dev"
	losetup -d "$dev"
	assert_status 0
	assert_output "sum(x): 46
count(): 4"
}

@test "character devices: /dev/null is empty; /dev/zero never ends, so SIGINT ends it (130)" {
	require_root
	run bpfq "count(), sum(x) from /dev/null"
	assert_status 0
	assert_output "count(): 0
sum(x): null"
	"$BPFQ" "count() from /dev/zero" >"$TMP/out" 2>"$TMP/err" &
	local pid=$!
	sleep 1
	kill -INT $pid
	local status=0
	wait $pid || status=$?
	[[ $status == 130 ]]
	[[ ! -s $TMP/out ]]
	[[ $(cat "$TMP/err") == "bpfq: interrupted; no answer" ]]
}

@test "an unreadable file is an input error (status 3)" {
	require_root
	require_command setpriv
	seq 1 10 >"$TMP/secret.txt"
	chmod 600 "$TMP/secret.txt"
	chmod 755 "$TMP"
	run setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$BPFQ" --engine=user "sum(x) from $TMP/secret.txt"
	assert_status 3
	assert_output "bpfq: error: cannot open '$TMP/secret.txt': Permission denied"
}

@test "SIGTERM during a scan: status 143 and no answer" {
	require_root
	mkfifo "$TMP/fifo"
	"$BPFQ" "sum(x) from $TMP/fifo" >"$TMP/out" 2>"$TMP/err" &
	local pid=$!
	exec 7>"$TMP/fifo"
	echo 5 >&7
	sleep 0.5
	kill -TERM $pid
	local status=0
	wait $pid || status=$?
	exec 7>&-
	[[ $status == 143 ]]
	[[ ! -s $TMP/out ]]
	[[ $(cat "$TMP/err") == "bpfq: interrupted; no answer" ]]
}

# The BPF objects a running bpfq holds, from its file descriptors.
bpf_ids_of() {
	local pid=$1 f
	for f in /proc/$pid/fdinfo/*; do
		awk '/^(prog_id|map_id|link_id):/ { sub(":", "", $1); print $1, $2 }' "$f" 2>/dev/null
	done | sort -u
}

# None of the objects listed in $TMP/ids exists any more (freeing is asynchronous: wait up to 5 s).
assert_released() {
	local kind id left
	for _ in $(seq 50); do
		left=
		while read -r kind id; do
			case $kind in
			prog_id) bpftool prog show id "$id" >/dev/null 2>&1 && left+=" prog $id" ;;
			map_id) bpftool map show id "$id" >/dev/null 2>&1 && left+=" map $id" ;;
			link_id) bpftool link show id "$id" >/dev/null 2>&1 && left+=" link $id" ;;
			esac
		done <"$TMP/ids"
		[[ -z $left ]] && return 0
		sleep 0.1
	done
	echo "still in the kernel:$left" >&2
	return 1
}

# Run bpfq on a FIFO, note its BPF objects while it waits, end it with $1.
scan_and_end() {
	local how=$1 query=${2:-sum(x) from $TMP/fifo}
	rm -f "$TMP/fifo"
	mkfifo "$TMP/fifo"
	"$BPFQ" "$query" >"$TMP/out" 2>"$TMP/err" &
	local pid=$!
	exec 7>"$TMP/fifo"
	# A pipe's first bytes come before the attach (bpfq looks at them for a
	# compression); the token stays open until the end.
	case $how in
	eof) printf 7 >&7 ;;
	error) printf 9223372036854775807 >&7 ;;
	*) printf 1 >&7 ;;
	esac
	for _ in $(seq 100); do
		bpf_ids_of $pid >"$TMP/ids"
		grep -q '^link_id' "$TMP/ids" && break
		sleep 0.05
	done
	grep -q '^prog_id' "$TMP/ids"
	grep -q '^map_id' "$TMP/ids"
	grep -q '^link_id' "$TMP/ids"
	case $how in
	eof | error) echo >&7 ;;
	INT | TERM) kill -$how $pid ;;
	esac
	exec 7>&-
	wait $pid || true
}

@test "no program, map or link of bpfq stays after exit, error, SIGINT or SIGTERM" {
	require_root
	require_command bpftool
	scan_and_end eof
	[[ $(cat "$TMP/out") == 7 ]]
	assert_released
	scan_and_end error "sum(x * 2) from $TMP/fifo"
	grep -q "overflow" "$TMP/err"
	assert_released
	scan_and_end INT
	grep -q "interrupted" "$TMP/err"
	assert_released
	scan_and_end TERM
	grep -q "interrupted" "$TMP/err"
	assert_released
}

@test "another process reading other data through the same syscalls changes nothing" {
	require_root
	seq 1 200000 >"$TMP/mine.txt"
	# Values that would overflow or shift every aggregate if one leaked in.
	yes 9223372036854775807 | head -n 200000 >"$TMP/theirs.txt"
	for i in 1 2; do
		(while :; do dd if="$TMP/theirs.txt" bs=131072 of=/dev/null status=none; done) &
		echo $! >>"$TMP/readers"
	done
	local fails=0
	for size in 1K 4096 1M; do
		run bpfq --read-size=$size "sum(x), max(x), count() from $TMP/mine.txt"
		[[ $status == 0 && $output == $'sum(x): 20000100000\nmax(x): 200000\ncount(): 200000' ]] || fails=$((fails + 1))
	done
	kill $(cat "$TMP/readers")
	[[ $fails == 0 ]]
}
