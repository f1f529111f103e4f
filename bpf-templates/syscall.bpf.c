/* SPDX-License-Identifier: MIT */
/*
 * Hook: the syscall read path. tp_btf/sys_exit sees every syscall's return
 * with its registers, so one program finds read(fd, buf, n) without pairing
 * enter and exit events; it needs kernel BTF but no tracefs. The bytes are
 * parsed where read() left them: the reader's buffer is this map value.
 */

SEC("tp_btf/sys_exit")
int BPF_PROG(bpfq_sys_exit, struct pt_regs *regs, long ret)
{
	struct bpfq_state *st = bpfq_syscall_read(regs);

	if (st)
		bpfq_read_returned(st, ret);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
