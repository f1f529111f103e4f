#!/usr/bin/env bats
# Answers from both engines on small files whose answers are known by hand.

load test_helper

@test "sum with a where clause" {
	seq_file 100000 "$TMP/n.txt"
	both_engines "sum(x) where x > 5 from $TMP/n.txt" "5000049985"
}

@test "several aggregates in one pass, labelled" {
	seq_file 100000 "$TMP/n.txt"
	both_engines "min(x), max(x), avg(x), count() where x >= 100 and x < 200 from $TMP/n.txt" \
"min(x): 100
max(x): 199
avg(x): 149.5
count(): 100"
}

@test "where may come after from" {
	seq_file 1000 "$TMP/n.txt"
	both_engines "count() from $TMP/n.txt where x % 10 == 0" "100"
}

@test "exists" {
	seq_file 1000 "$TMP/n.txt"
	both_engines "exists(x == 18) from $TMP/n.txt" "true"
	both_engines "exists(x == 0) from $TMP/n.txt" "false"
}

@test "exists stops reading as soon as it is true" {
	require_root
	mkfifo "$TMP/fifo"
	# The writer keeps the pipe open for 60 s: only an early stop ends the query sooner.
	(printf '5\n18\n'; sleep 60) >"$TMP/fifo" &
	writer=$!
	run timeout 20 "$BPFQ" "exists(x == 18) from $TMP/fifo"
	kill "$writer" 2>/dev/null || true
	assert_status 0
	assert_output "true"
}

@test "aggregates of no values are null, count is 0, exists is false" {
	: >"$TMP/empty.txt"
	both_engines "sum(x), count(), min(x), max(x), avg(x), exists(x > 0) from $TMP/empty.txt" \
"sum(x): null
count(): 0
min(x): null
max(x): null
avg(x): null
exists(x > 0): false"
}

@test "a sum past int64 is carried wider, never wrapped" {
	printf '9223372036854775807\n%.0s' 1 2 3 4 >"$TMP/n.txt"
	both_engines "sum(x), avg(x) from $TMP/n.txt" \
"sum(x): 36893488147419103228
avg(x): 9223372036854775807"
	printf -- '-9223372036854775808\n%.0s' 1 2 3 >"$TMP/m.txt"
	both_engines "sum(x) from $TMP/m.txt" "-27670116110564327424"
}

@test "avg: exact when it ends, else the nearest double as Python prints it" {
	printf '1\n2\n2\n' >"$TMP/a.txt"
	both_engines "avg(x) from $TMP/a.txt" "1.6666666666666667"
	printf -- '-1\n-2\n-2\n' >"$TMP/b.txt"
	both_engines "avg(x) from $TMP/b.txt" "-1.6666666666666667"
	printf '1\n%.0s' $(seq 1999999) >"$TMP/c.txt"
	printf '2\n' >>"$TMP/c.txt"
	both_engines "avg(x) from $TMP/c.txt" "1.0000005"
}

@test "numbers separated by spaces, tabs, commas, CRLF; signs; no final newline" {
	printf '01 02,03\t04\r\n-5 +6\v7\f8 ,, 9' >"$TMP/n.txt"
	both_engines "sum(x), count() from $TMP/n.txt" "sum(x): 35
count(): 9"
}

@test "a number split across reads is parsed once" {
	printf '123456789012 -98765\n' >"$TMP/n.txt"
	for size in 1 2 3 5 7 11; do
		run bpfq --engine=user --read-size=$size "sum(x) from $TMP/n.txt"
		assert_output "123456690247"
	done
	require_root
	for size in 1 2 3 5 7 11; do
		run bpfq --read-size=$size "sum(x) from $TMP/n.txt"
		assert_output "123456690247"
	done
}


# A full read is 1048576 bytes. The fast parser takes numbers in unrolled
# steps; one whose separator is the read's last byte, at every place in a
# step (p short numbers first shift it), must be counted once (a masked
# position once wrapped to byte 0 and parsed the read again).
@test "a number that ends at the last byte of a full read is counted once" {
	require_root
	for p in $(seq 0 40); do
		awk -v p="$p" 'BEGIN {
			r = 1048576 - 2 * p - 8; b = (6 * r) % 7; a = (r - 6 * b) / 7
			for (i = 0; i < p; i++) print 1
			for (i = 0; i < a; i++) print 123456
			for (i = 0; i < b; i++) print 12345
			print 1234567
			for (i = 0; i < 10; i++) print 99
		}' >"$TMP/n.txt"
		[[ $(head -c 1048576 "$TMP/n.txt" | tail -c 8) == 1234567 ]]
		run bpfq "sum(x), count() from $TMP/n.txt"
		assert_output "$(awk '{ s += $1 } END { printf "sum(x): %d\ncount(): %d", s, NR }' "$TMP/n.txt")"
	done
}
# A long input's program reads a read of 64 KiB or more in streams
# (streams.bpf.h) when its records only add: the answers and the count
# of records are the ones reading in order gives.
@test "streams: the same answers and records as one, at every read size" {
	require_root
	awk 'BEGIN { for (i = 0; i < 300000; i++) print (i > 200000 && i % 3 ? -i % 9999 : i % 99999) }' >"$TMP/n.txt"
	want=$(bpfq --engine=user "count(), sum(x), avg(x) where x > 5 from $TMP/n.txt")
	for size in 65536 100000 1048576; do
		run env BPFQ_LONG_INPUT=1 "$BPFQ" -s --read-size=$size "count(), sum(x), avg(x) where x > 5 from $TMP/n.txt"
		assert_status 0
		[[ $output == *"records:       300000 (0 malformed, skipped)"* ]]
		[[ $output == *"$want" ]]
	done
}

@test "a run-time error names its own line when whole lines are parsed at once" {
	require_root
	seq 1 100 >"$TMP/s.txt"
	for e in user kernel; do
		run bpfq --engine=$e "count() where 1 / (\$1 - 50) > 0 from $TMP/s.txt as text"
		assert_status 3
		[[ ${lines[0]} == "bpfq: error: 1:17: division by zero at $TMP/s.txt:50:1" ]]
	done
}
@test "a short text key after a longer one is the same group" {
	require_root
	printf 'aaa\nb\ncc\nb\n' >"$TMP/k.txt"
	for e in user kernel; do
		run bpfq --engine=$e --max-groups=3 "count() by \$1 from $TMP/k.txt as text"
		assert_status 0
		[[ ${lines[2]} == "b          2" ]]
	done
}
@test "a quoted path with spaces" {
	seq_file 10 "$TMP/my nums.txt"
	both_engines "sum(x) from '$TMP/my nums.txt'" "55"
}
