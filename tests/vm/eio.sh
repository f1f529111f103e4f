#!/usr/bin/env bash
# Run inside the VM by tests/bats/09-vm.bats (through tests/vm/run):
#
#   eio.sh BPFQ SUM SMALL_SUM
#
# /dev/vda: an ext4 image behind QEMU's blkdebug, whose reads of a block in
# the middle of nums.txt fail with EIO; /dev/vdb: the same image, no errors.
# nums.txt sums to SUM, small.txt (outside the bad block) to SMALL_SUM.
# Prints one TAP line per case ("ok N - ..." / "not ok N - ..." with what
# was seen), and exits with the number of failed cases.
set -u
bpfq=$1 sum=$2 small=$3
n=0 failed=0

# check NAME WANT_STATUS WANT_STDOUT WANT_STDERR -- BPFQ_ARGS...
check() {
	local name=$1 want_status=$2 want_out=$3 want_err=$4 out err status
	shift 5
	echo 3 >/proc/sys/vm/drop_caches
	out=$("$bpfq" "$@" 2>/tmp/eio.err)
	status=$?
	err=$(</tmp/eio.err)
	n=$((n + 1))
	if [[ $status == "$want_status" && $out == "$want_out" && $err == "$want_err" ]]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		failed=$((failed + 1))
	fi
	printf '#   status %s (want %s)\n#   stdout: %q (want %q)\n#   stderr: %q (want %q)\n' \
		"$status" "$want_status" "$out" "$want_out" "$err" "$want_err"
}

mount -o ro /dev/vda /mnt || { echo "not ok - mount /dev/vda"; exit 99; }
eio='bpfq: error: read /mnt/nums.txt: Input/output error'
dmesg -C
# The setup itself: the bad block is in the middle of nums.txt.
n=$((n + 1))
size=$(stat -c %s /mnt/nums.txt)
got=$(cat /mnt/nums.txt 2>/dev/null | wc -c)
if ! cat /mnt/nums.txt >/dev/null 2>&1 && ((got > 0 && got < size)); then
	echo "ok $n - cat reads $got of $size bytes of /mnt/nums.txt, then fails"
else
	echo "not ok $n - cat read $got of $size bytes of /mnt/nums.txt: not a failure in the middle"
	failed=$((failed + 1))
fi
echo 3 >/proc/sys/vm/drop_caches
check "kernel engine, bad block: exit 3, names the read error, no answer" 3 '' "$eio" -- \
	'sum(x) from /mnt/nums.txt'
check "kernel engine, 4 KiB reads, bad block: same" 3 '' "$eio" -- \
	--read-size=4096 'sum(x) from /mnt/nums.txt'
check "user engine, bad block: exit 3, names the read error, no answer" 3 '' "$eio" -- \
	--engine=user 'sum(x) from /mnt/nums.txt'
n=$((n + 1))
if dmesg | grep -q 'I/O error, dev vda'; then
	echo "ok $n - the errors came from the disk (kernel log: I/O error, dev vda)"
else
	echo "not ok $n - no 'I/O error, dev vda' in the kernel log"
	failed=$((failed + 1))
	dmesg | tail -20 | sed 's/^/#   /'
fi
check "kernel engine, a file outside the bad block on the same disk: the answer" 0 "$small" '' -- \
	'sum(x) from /mnt/small.txt'
umount /mnt

mount -o ro /dev/vdb /mnt || { echo "not ok - mount /dev/vdb"; exit 99; }
check "kernel engine, the image without errors: the answer" 0 "$sum" '' -- \
	'sum(x) from /mnt/nums.txt'
check "user engine, the image without errors: the answer" 0 "$sum" '' -- \
	--engine=user 'sum(x) from /mnt/nums.txt'
umount /mnt
exit $((failed > 99 ? 99 : failed))
