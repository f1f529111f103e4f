/* SPDX-License-Identifier: MIT */
/*
 * Hook: the syscall read path, BTF-typed. tp_btf/sys_exit sees every
 * syscall's return with its registers, read directly (no helper), so it
 * works where lockdown=confidentiality forbids bpf_probe_read_kernel; but
 * libbpf parses the kernel's BTF to attach it, milliseconds a query
 * (syscall.bpf.c, the raw tracepoint, needs none). The bytes are parsed
 * where read() left them: the reader's buffer is this map value.
 */
#ifndef BPFQ_SYSCALL_BTF_BPF_C
#define BPFQ_SYSCALL_BTF_BPF_C

#include "read.bpf.h"

SEC("tp_btf/sys_exit")
int BPF_PROG(bpfq_sys_exit, struct pt_regs *regs, long ret)
{
	struct bpfq_state *st = bpfq_syscall_read(regs);

	if (st)
		bpfq_read_returned(st, ret);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#endif /* BPFQ_SYSCALL_BTF_BPF_C */
