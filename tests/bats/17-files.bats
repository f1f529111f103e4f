#!/usr/bin/env bats
# Several inputs: paths after 'from', files after the query (as awk and
# grep take them), globs and folders bpfq expands, standard input by
# default. The answer is that of the files' concatenation.

load test_helper

@test "several paths after 'from' give the answer of their concatenation" {
	seq 1 1000 >"$TMP/a.txt"
	seq -500 2 3000 >"$TMP/b.txt"
	printf '7\n7\n' >"$TMP/c.txt"
	cat "$TMP/a.txt" "$TMP/b.txt" "$TMP/c.txt" >"$TMP/all.txt"
	local q="sum(x), count(), min(x), max(x), avg(x), var(x), median(x), count_distinct(x), hist(x)"
	run bpfq --engine=user "$q where x > 3 from $TMP/all.txt"
	assert_status 0
	local want=$output
	both_engines "$q where x > 3 from $TMP/a.txt $TMP/b.txt $TMP/c.txt" "$want"
}

@test "files after the query, as awk and grep take them; -e queries read them all" {
	seq 1 100 >"$TMP/a.txt"
	seq 101 200 >"$TMP/b.txt"
	both_engines "sum(x) where x > 5" 20085 "$TMP/a.txt" "$TMP/b.txt"
	run bpfq --engine=user -e 'sum(x)' -e 'count() where x % 2 == 0' "$TMP/a.txt" "$TMP/b.txt"
	assert_status 0
	assert_output "20100

100"
}

@test "with no 'from' and no file, standard input is read when it is not a terminal" {
	run bash -c "seq 1 10 | '$BPFQ' --engine=user 'sum(x)'"
	assert_status 0
	assert_output 55
	require_command script
	run script -qec "'$BPFQ' --engine=user 'sum(x)'" /dev/null
	assert_status 2
	[[ $output == *"bpfq: error: 1:7: missing 'from PATH': which file should be read?"* ]]
}

@test "a query that names its input and files after it is a usage error" {
	seq 1 3 >"$TMP/a.txt"
	run bpfq --engine=user "sum(x) from $TMP/a.txt" "$TMP/a.txt"
	assert_status 2
	assert_output "bpfq: error: the query reads from '$TMP/a.txt' and files follow it: name the input one way"
}

@test "by over several files joins their groups" {
	printf 'a 1\nb 2\n' >"$TMP/1.txt"
	printf 'a 10\nc 5\n' >"$TMP/2.txt"
	both_engines "sum(\$2), count() by \$1 where \$2 > 0 from $TMP/1.txt $TMP/2.txt" \
"\$1  sum(\$2)  count()
a        11        2
b         2        1
c         5        1"
}

@test "csv files share the first's header; a different header is an error" {
	printf 'city,temp\nOslo,3\nRome,18\n' >"$TMP/1.csv"
	printf 'city,temp\nLima,21\n' >"$TMP/2.csv"
	printf 'town,temp\nBern,9\n' >"$TMP/3.csv"
	both_engines "sum(temp), count() from $TMP/1.csv $TMP/2.csv" "sum(temp): 42
count(): 3"
	run bpfq --engine=user "sum(temp) from $TMP/1.csv $TMP/3.csv"
	assert_status 3
	assert_output "bpfq: error: '$TMP/3.csv' has other columns than '$TMP/1.csv'; every file of a query has the first's columns"
}

@test "a later file that cannot be read, or fails, gives no answer and names it" {
	seq 1 10 >"$TMP/a.txt"
	run bpfq --engine=user "sum(x) from $TMP/a.txt $TMP/missing.txt"
	assert_status 3
	assert_output "bpfq: error: cannot open '$TMP/missing.txt': No such file or directory"
	printf '9223372036854775807\n' >"$TMP/big.txt"
	run bpfq --engine=user "sum(x * 2) from $TMP/a.txt $TMP/big.txt"
	assert_status 3
	[[ $output == *"at $TMP/big.txt:1:1"* ]]
	require_root
	run bpfq "sum(x * 2) from $TMP/a.txt $TMP/big.txt"
	assert_status 3
	[[ $output == *"at $TMP/big.txt:1:1"* ]]
}

@test "each file's skipped tokens are told with its own place" {
	printf '1 x\n2\n' >"$TMP/a.txt"
	printf '3\n4 y\n' >"$TMP/b.txt"
	run bpfq --engine=user "sum(x) from $TMP/a.txt $TMP/b.txt"
	assert_status 0
	assert_output "bpfq: warning: skipped 1 token that is not a number; the first, 'x', at $TMP/a.txt:1:3
bpfq: warning: skipped 1 token that is not a number; the first, 'y', at $TMP/b.txt:2:3
10"
}

@test "-j reads each large file in ranges; the answer is the same" {
	require_root
	seq 1 2000000 >"$TMP/a.txt"
	seq 5 3000000 >"$TMP/b.txt"
	run bpfq -j 1 "sum(x), count(), max(x) from $TMP/a.txt $TMP/b.txt"
	assert_status 0
	local want=$output
	run bpfq -j 2 -s "sum(x), count(), max(x) from $TMP/a.txt $TMP/b.txt"
	assert_status 0
	[[ $output == *"$want" && $output == *"readers"* ]]
}

# 200 small files of different lengths, some with a token to skip, and
# their concatenation: the files sort as the glob does (%03d).
small_files() {
	mkdir "$TMP/parts"
	for i in $(seq 1 200); do
		seq $((i * 7 % 13 + 1)) 3 $((i * 37 % 500 + 20)) >"$TMP/parts/p$(printf %03d "$i").txt"
	done
	printf '5\nnope\n6\n' >"$TMP/parts/p077.txt"
	printf 'x1\n8\n' >"$TMP/parts/p150.txt"
	cat "$TMP/parts/"p*.txt >"$TMP/all.txt"
}

# The answer alone, standard error apart.
answer() {
	"$BPFQ" "$@" 2>/dev/null
}

@test "-j 2: a list of small files is read by both readers, as their concatenation" {
	require_root || return 1
	small_files
	local q="sum(x), avg(x), min(x), max(x), count(), count_distinct(x), median(x)"
	run answer -j 1 "$q from $TMP/all.txt"
	assert_status 0
	[[ $output == *"count(): "* ]]
	local want=$output
	run bpfq -j 2 -s "$q from '$TMP/parts/p*.txt'"
	assert_status 0
	[[ $output == *"by 2 readers"* ]] || { echo "not 2 readers: $output" >&2; return 1; }
	[[ $output == *"$want" ]] || { printf 'want:\n%s\ngot:\n%s\n' "$want" "$output" >&2; return 1; }
	for q in "sum(x), count() by x % 7" "count(), sum(x), max(x) by file"; do
		run bpfq --engine=user "$q from '$TMP/parts/p*.txt'"
		assert_status 0
		want=$output
		run bpfq -j 2 "$q from '$TMP/parts/p*.txt'"
		assert_status 0
		assert_output "$want"
	done
	# -j 1: one reader, one file after another.
	run bpfq -j 1 -s "sum(x) from '$TMP/parts/p*.txt'"
	assert_status 0
	[[ $output != *"readers"* ]]
}

@test "-j 2 over small files: each file's places, and the first error, as one reader's" {
	require_root || return 1
	small_files
	local size
	for size in 3 4096 1048576; do
		run bpfq -j 1 --read-size=$size "sum(x) from '$TMP/parts/p*.txt'"
		assert_status 0
		local want=$output
		[[ $want == *"'nope', at $TMP/parts/p077.txt:2:1"*"'x1', at $TMP/parts/p150.txt:1:1"* ]]
		run bpfq -j 2 --read-size=$size "sum(x) from '$TMP/parts/p*.txt'"
		assert_status 0
		assert_output "$want"
	done
	# An error in file 120 stops the list there, as one reader stops: the
	# files after it in the same batch of readers are not told about.
	printf '0\n' >"$TMP/parts/p120.txt"
	printf '0\nzz\n' >"$TMP/parts/p124.txt"
	run bpfq -j 2 "sum(100 / x) where x < 1 from '$TMP/parts/p1*.txt'"
	assert_status 3
	assert_output "bpfq: error: 1:9: division by zero for x = 0 at $TMP/parts/p120.txt:1:1
  sum(100 / x) where x < 1 from '$TMP/parts/p1*.txt'
          ~"
	run answer -j 2 "exists(x == 1000) from '$TMP/parts/p*.txt'"
	assert_status 0
	assert_output false
	# True in p004: the list stops there, no later file's skipped tokens told.
	run bpfq -j 2 "exists(x == 6) from '$TMP/parts/p*.txt'"
	assert_status 0
	assert_output true
}

@test "-j 2 over csv files: each file's header read, by key and by file as one reader's" {
	require_root || return 1
	mkdir "$TMP/csv"
	for i in $(seq 1 40); do
		{
			echo 'region,qty,price'
			for n in $(seq 1 $((i * 3))); do echo "r$((n % 5)),$((n * i % 17)),$n.25"; done
		} >"$TMP/csv/c$(printf %02d "$i").csv"
	done
	local q="sum(qty), avg(price), min(qty), max(price), count() by region"
	run bpfq -j 1 "$q from '$TMP/csv/*.csv'"
	assert_status 0
	local want=$output
	run bpfq -j 2 -s "$q from '$TMP/csv/*.csv'"
	assert_status 0
	[[ $output == *"by 2 readers"* && $output == *"$want" ]]
	run bpfq -j 1 "sum(qty), count() by file from '$TMP/csv/*.csv'"
	want=$output
	[[ ${#want} -gt 100 ]]
	run bpfq -j 2 "sum(qty), count() by file from '$TMP/csv/*.csv'"
	assert_status 0
	assert_output "$want"
	printf 'region,qty\nr1,1\n' >"$TMP/csv/c30.csv"
	run bpfq -j 2 "sum(qty) from '$TMP/csv/*.csv'"
	assert_status 3
	assert_output "bpfq: error: '$TMP/csv/c30.csv' has other columns than '$TMP/csv/c01.csv'; every file of a query has the first's columns"
}

@test "-j 2: a pipe, a compressed file and a large file in a list of small ones" {
	require_root || return 1
	require_command gzip || return 1
	small_files
	seq 1 3000000 >"$TMP/parts/p100.txt"
	gzip -c "$TMP/parts/p050.txt" >"$TMP/parts/p050.txt.gz"
	rm "$TMP/parts/p050.txt"
	{ zcat "$TMP/parts/p050.txt.gz"; cat "$TMP/parts/p0"*.txt; seq 1 10; cat "$TMP/parts/p"[12]*; } \
		>"$TMP/want.txt"
	run bpfq -j 1 "sum(x), count(), max(x), count_distinct(x) from $TMP/want.txt"
	local want=$output
	[[ $want == *"max(x): 3000000"* ]]
	run answer -j 1 "sum(x), count(), max(x), count_distinct(x) from $TMP/want.txt"
	want=$output
	run bash -c 'seq 1 10 | "$1" -j 2 "sum(x), count(), max(x), count_distinct(x) from $2/parts/p0* - $2/parts/p[12]*" 2>/dev/null' _ "$BPFQ" "$TMP"
	assert_status 0
	assert_output "$want"
}

@test "without -j, a list whose bytes would gain is read by a reader per CPU" {
	require_root || return 1
	[[ $(nproc) -ge 2 ]] || { strict_skip "needs 2 CPUs"; return; }
	mkdir "$TMP/many"
	for i in $(seq 1 64); do seq $((i * 40000)) $((i * 40000 + 39999)) >"$TMP/many/m$i.txt"; done
	run bpfq -s "sum(x) from '$TMP/many/*.txt'"
	assert_status 0
	[[ $output == *"readers"* && $output == *3379198720000 ]] || { echo "$output" >&2; return 1; }
	rm "$TMP"/many/m{2..64}.txt
	seq 1 10 >"$TMP/many/m2.txt"
	run bpfq -s "sum(x) from '$TMP/many/*.txt'"
	assert_status 0
	[[ $output != *"readers"* ]]
}

@test "a quoted glob over 1,000 small files is the answer of all of them" {
	mkdir "$TMP/logs"
	for i in $(seq 1 1000); do echo "$i" >"$TMP/logs/part-$i.txt"; done
	echo 1000000 >"$TMP/logs/other.dat"
	both_engines "sum(x), count() from '$TMP/logs/part-*.txt'" "sum(x): 500500
count(): 1000"
	both_engines "sum(x), count()" "sum(x): 500500
count(): 1000" "$TMP/logs/part-*.txt"
}

@test "the program is attached once for a list of files, at both syscall hooks" {
	require_root
	require_command strace
	for i in 1 2 3 4 5 6; do seq "$i" 10 >"$TMP/f$i.txt"; done
	# raw_tp attaches by BPF_RAW_TRACEPOINT_OPEN, tp_btf by BPF_LINK_CREATE;
	# the hooks' probes may attach too, so six files count as one does.
	attaches() {
		strace -f -e trace=bpf -o "$TMP/log" "$BPFQ" --hook="$1" "$2" >"$TMP/out"
		grep -cE 'BPF_RAW_TRACEPOINT_OPEN|BPF_LINK_CREATE' "$TMP/log"
	}
	for hook in syscall:raw_tp syscall:tp_btf; do
		"$BPFQ" --hook="$hook" "sum(x) from $TMP/f1.txt" >/dev/null
		one=$(attaches "$hook" "sum(x) from $TMP/f1.txt")
		[[ $(cat "$TMP/out") == 55 ]]
		six=$(attaches "$hook" "sum(x), count() from '$TMP/f*.txt'")
		[[ $(cat "$TMP/out") == "sum(x): 295
count(): 45" ]]
		echo "$hook: $one attaches for one file, $six for six" >&3
		((one >= 1 && six == one))
	done
}

@test "a folder is its files; -r and ** reach its subfolders; hidden files count in a folder" {
	mkdir -p "$TMP/d/sub/deeper"
	echo 1 >"$TMP/d/a.txt"
	echo 2 >"$TMP/d/.hidden"
	echo 10 >"$TMP/d/sub/b.txt"
	echo 100 >"$TMP/d/sub/deeper/c.txt"
	both_engines "sum(x) from $TMP/d" 3
	run bpfq --engine=user -r "sum(x) from $TMP/d"
	assert_status 0
	assert_output 113
	both_engines "sum(x) from '$TMP/d/**/*.txt'" 111
	both_engines "sum(x) from '$TMP/d/*'" 1
}

@test "an empty folder, a pattern matching nothing: clear errors, nothing read" {
	mkdir -p "$TMP/empty" "$TMP/only/sub"
	echo 5 >"$TMP/only/sub/x.txt"
	run bpfq --engine=user "sum(x) from $TMP/empty"
	assert_status 3
	assert_output "bpfq: error: '$TMP/empty' holds no file to read"
	run bpfq --engine=user "sum(x) from $TMP/only"
	assert_status 3
	assert_output "bpfq: error: '$TMP/only' holds no file to read (add --recursive to read its subfolders)"
	run bpfq --engine=user "sum(x) from '$TMP/nothing-*.log'"
	assert_status 3
	assert_output "bpfq: error: no file matches '$TMP/nothing-*.log'"
}

@test "a file named twice, or matched by a list and a glob, is read once" {
	seq 1 10 >"$TMP/a.txt"
	ln "$TMP/a.txt" "$TMP/hard.txt"
	both_engines "sum(x) from $TMP/a.txt '$TMP/*.txt' $TMP/a.txt" 55
}

@test "the progress line on a terminal says which file of how many is read" {
	require_command script
	seq 1 1000 >"$TMP/a.txt"
	mkfifo "$TMP/slow"
	# The second file's writer pauses: the scan lasts past the line's first second.
	(seq 1 1000; sleep 2; seq 1 1000) >"$TMP/slow" &
	run script -qec "'$BPFQ' --engine=user 'sum(x) from $TMP/a.txt $TMP/slow'" /dev/null
	wait
	assert_status 0
	[[ $output =~ "bpfq: file 2 of 2, "[0-9.]+" MB, "[0-9]+" MB/s" ]]
	[[ $output == *1501500* ]]
}
