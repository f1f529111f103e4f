#!/usr/bin/env bats
# A query sees only its own reader's reads.

load test_helper

@test "concurrent queries on different files, with other readers, all answer right" {
	require_root
	for i in 1 2 3 4; do
		seq 1 $((i * 200000)) >"$TMP/f$i.txt"
	done
	# Other processes reading the same files with read(2), the whole time.
	for i in 1 2; do
		(while :; do cat "$TMP"/f*.txt >/dev/null; dd if="$TMP/f4.txt" bs=4096 of=/dev/null status=none; done) &
		echo $! >>"$TMP/readers"
	done
	queries=()
	for i in 1 2 3 4; do
		for size in 4096 1048576; do
			"$BPFQ" --read-size=$size "sum(x), count() where x % 3 != 0 from $TMP/f$i.txt" \
				>"$TMP/out.$i.$size" 2>&1 &
			queries+=($!)
		done
	done
	failures=0
	for pid in "${queries[@]}"; do
		wait "$pid" || failures=$((failures + 1))
	done
	kill $(cat "$TMP/readers") 2>/dev/null || true
	[[ $failures == 0 ]]
	for i in 1 2 3 4; do
		n=$((i * 200000))
		all=$((n * (n + 1) / 2)) third=$((n / 3))
		sum=$((all - 3 * third * (third + 1) / 2)) count=$((n - third))
		for size in 4096 1048576; do
			expected="sum(x): $sum
count(): $count"
			if [[ $(cat "$TMP/out.$i.$size") != "$expected" ]]; then
				printf 'f%s size %s: expected\n%s\ngot\n%s\n' $i $size "$expected" "$(cat "$TMP/out.$i.$size")" >&2
				return 1
			fi
		done
	done
}

@test "the same file read by another process at the same time does not count twice" {
	require_root
	seq 1 300000 >"$TMP/n.txt"
	(while :; do cat "$TMP/n.txt" >/dev/null; done) &
	reader=$!
	run bpfq "sum(x) from $TMP/n.txt"
	kill $reader
	assert_status 0
	assert_output "45000150000"
}
