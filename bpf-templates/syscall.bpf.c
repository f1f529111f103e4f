/* SPDX-License-Identifier: MIT */
/*
 * Hook: the syscall read path. raw_tp/sys_exit sees every syscall's return,
 * so one program finds read(fd, buf, n) without pairing enter and exit
 * events. Its arguments are plain numbers (the registers' address and the
 * return value): nothing needs the kernel's BTF, which libbpf would parse
 * at each load (a tp_btf program, syscall_btf.bpf.c). The
 * bytes are parsed where read() left them: the reader's buffer is this map
 * value.
 */
#ifndef BPFQ_SYSCALL_BPF_C
#define BPFQ_SYSCALL_BPF_C

#include "read.bpf.h"

/* x86-64's struct pt_regs from si to orig_ax: the ptrace register layout,
 * fixed by the ABI, so no CO-RE relocation (and no BTF) is needed. */
struct bpfq_read_regs {
	unsigned long si, di, orig_ax;
};
#define BPFQ_READ_REGS_OFF 104	/* offsetof(struct pt_regs, si) */

SEC("raw_tp/sys_exit")
int bpfq_sys_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct bpfq_state *st = bpfq_reader_state();
	struct bpfq_read_regs r;

	/* The thread first: every other process leaves without a helper call. */
	if (!st || bpf_probe_read_kernel(&r, sizeof(r), (void *)ctx->args[0] + BPFQ_READ_REGS_OFF))
		return 0;
	if (r.orig_ax == BPFQ_NR_READ && bpfq_is_reader_read(st, r.si, r.di))
		bpfq_read_returned(st, ctx->args[1]);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#endif /* BPFQ_SYSCALL_BPF_C */
