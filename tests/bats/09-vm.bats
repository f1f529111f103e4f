#!/usr/bin/env bats
# In a QEMU VM (tests/vm/run): the harness itself, and a real read error.
# The VM's disk is an ext4 image behind QEMU's blkdebug driver, which fails
# the reads of one block in the middle of nums.txt with EIO; bpfq must exit
# 3, name the error and print no answer, with either engine.
#
# The kernel: shared/kernels/vmlinuz-6.1-notrace beside the repository, or
# BPFQ_VM_KERNEL (a path, or "debian" for tests/vm/fetch-debian-kernel's).

load test_helper
bats_require_minimum_version 1.5.0

VM_RUN=$BATS_TEST_DIRNAME/../vm/run
REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

# The run options that pick the kernel.
vm_kernel() {
	local k=${BPFQ_VM_KERNEL:-$REPO/../shared/kernels/vmlinuz-6.1-notrace} m
	if [[ $k == debian || ! -f $k ]]; then
		{ read -r k && read -r m; } < <("$BATS_TEST_DIRNAME/../vm/fetch-debian-kernel") || return 1
		echo "--kernel=$k" "--modules=$m"
	else
		echo "--kernel=$k"
	fi
}

vm_requirements() {
	require_root || return 1
	require_command qemu-system-x86_64 || return 1
	require_command busybox || return 1
	require_command cpio || return 1
	require_command mkfs.ext4 || return 1
	require_command debugfs || return 1
}

setup_file() {
	vm_requirements || return 0 # each test skips or fails on its own
	local dir=$BATS_FILE_TMPDIR blk kernel
	kernel=$(vm_kernel) || { echo "no VM kernel" >"$dir/eio.out"; return 0; }

	# A stable copy of the binary, in a folder the VM is told to keep.
	cp "$BPFQ" "$dir/bpfq"

	# The image: nums.txt (3.4 MB) and small.txt, 4 KiB blocks.
	mkdir -p "$dir/fs"
	seq 1 500000 >"$dir/fs/nums.txt"
	seq 1 1000 >"$dir/fs/small.txt"
	mkfs.ext4 -q -F -b 4096 -d "$dir/fs" "$dir/nums.img" 16M >/dev/null 2>&1
	# The block in the middle of nums.txt; blkdebug counts 512-byte sectors.
	blk=$(debugfs -R 'blocks /nums.txt' "$dir/nums.img" 2>/dev/null | awk '{ print $(int(NF / 2) + 1) }')
	cat >"$dir/blkdebug.cfg" <<-EOF
	[inject-error]
	event = "read_aio"
	errno = "5"
	sector = "$((blk * 8))"
	once = "off"
	EOF

	# One boot for every EIO case: /dev/vda has the bad block, /dev/vdb not.
	cd "$REPO"
	# shellcheck disable=SC2086
	"$VM_RUN" $kernel --keep "$dir" --timeout 300 \
		--disk "$dir/nums.img,blkdebug=$dir/blkdebug.cfg,ro" --disk "$dir/nums.img,ro" \
		-- tests/vm/eio.sh "$dir/bpfq" 125000250000 500500 >"$dir/eio.out" 2>&1
	echo $? >"$dir/eio.status"
}

# The line "ok N - ..." of eio.sh's report; all of it when that fails.
eio_case() {
	vm_requirements
	local out
	out=$(cat "$BATS_FILE_TMPDIR/eio.out" 2>/dev/null)
	if ! grep -q "^ok $1 - " <<<"$out"; then
		printf 'case %s failed (tests/vm/run exited %s); the report:\n%s\n' \
			"$1" "$(cat "$BATS_FILE_TMPDIR/eio.status" 2>/dev/null)" "$out" >&2
		return 1
	fi
}

@test "vm: tests/vm/run runs the command as root, passes its output and exit status" {
	vm_requirements
	cd "$REPO"
	# shellcheck disable=SC2046
	run --separate-stderr "$VM_RUN" $(vm_kernel) --keep "$BATS_FILE_TMPDIR" -- bash -c '
		echo "uid $(id -u) in $PWD"
		echo "to stderr" >&2
		touch /tmp/w && echo "tmp writable"
		[[ -f /sys/kernel/btf/vmlinux && -d /sys/kernel/tracing/events ]] && echo "btf, tracefs"
		"$1" -l | grep -q "tp_btf/sys_exit *available" && echo "tp_btf allowed"
		exit 7' _ "$BATS_FILE_TMPDIR/bpfq"
	assert_status 7
	[[ $stderr == "to stderr" ]] || { echo "stderr: $stderr" >&2; return 1; }
	assert_output "uid 0 in $REPO
tmp writable
btf, tracefs
tp_btf allowed"
}

@test "vm: tests/vm/run stops a VM at --timeout with status 124 and the console log" {
	vm_requirements
	cd "$REPO"
	# shellcheck disable=SC2046
	run "$VM_RUN" $(vm_kernel) --timeout 1 -- true
	assert_status 124
	[[ $output == *"did not finish in 1 s"*"console log"* ]]
}

@test "vm eio: the blkdebug image fails reads in the middle of the file" {
	eio_case 1
}

@test "vm eio: kernel engine on a read error: exit 3, 'read PATH: Input/output error', no answer" {
	eio_case 2
}

@test "vm eio: kernel engine with 4 KiB reads: the same" {
	eio_case 3
}

@test "vm eio: user engine on a read error: exit 3, the same message, no answer" {
	eio_case 4
}

@test "vm eio: the errors came from the disk (the kernel logged I/O errors on vda)" {
	eio_case 5
}

@test "vm eio: a file outside the bad block on the same disk: the right answer" {
	eio_case 6
}

@test "vm eio: the image without errors: the right answer with both engines" {
	eio_case 7
	eio_case 8
}
