/* SPDX-License-Identifier: MIT */
/*
 * Hook: the VFS, at the return of vfs_read(file, buf, count, pos) through a
 * BPF trampoline (fexit). Every read() of a file, FIFO or device passes
 * there; the reader's are told apart by thread and destination buffer.
 */
#ifndef BPFQ_VFS_FEXIT_BPF_C
#define BPFQ_VFS_FEXIT_BPF_C

#include "read.bpf.h"

struct file;

SEC("fexit/vfs_read")
int BPF_PROG(bpfq_vfs_read, struct file *file, char *ubuf, __u64 count, __s64 *pos, long ret)
{
	struct bpfq_state *st = bpfq_reader_state();

	if (st && (__u64)ubuf == st->target.buf)
		bpfq_read_returned(st, ret);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#endif /* BPFQ_VFS_FEXIT_BPF_C */
