/* SPDX-License-Identifier: MIT */
/*
 * Hook: the VFS through kprobes, where the kernel has no BPF trampolines
 * for fexit. A kretprobe sees the return value but not the arguments, so
 * the entry probe notes whether this vfs_read() is into the reader's
 * buffer; the return probe parses what it returned.
 */
#ifndef BPFQ_VFS_KPROBE_BPF_C
#define BPFQ_VFS_KPROBE_BPF_C

#include "read.bpf.h"

SEC("kprobe/vfs_read")
int bpfq_vfs_read_entry(struct pt_regs *ctx)
{
	struct bpfq_state *st = bpfq_reader_state();

	if (st)
		st->hook.armed = ctx->si == st->target.buf;
	return 0;
}

SEC("kretprobe/vfs_read")
int bpfq_vfs_read_exit(struct pt_regs *ctx)
{
	struct bpfq_state *st = bpfq_reader_state();

	if (!st || !st->hook.armed)
		return 0;
	st->hook.armed = 0;
	bpfq_read_returned(st, (long)ctx->ax);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#endif /* BPFQ_VFS_KPROBE_BPF_C */
