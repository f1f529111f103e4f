/* SPDX-License-Identifier: MIT */
/*
 * Hook: the syscall read path. tp_btf/sys_exit sees every syscall's return
 * with its registers, so one program finds read(fd, buf, n) without pairing
 * enter and exit events; it needs kernel BTF but no tracefs.
 */

/* Only the fields used; CO-RE relocates them against the running kernel. */
struct pt_regs {
	unsigned long di, si, orig_ax;
} __attribute__((preserve_access_index));

#define BPFQ_NR_READ 0		/* __NR_read on x86_64 */

SEC("tp_btf/sys_exit")
int BPF_PROG(bpfq_sys_exit, struct pt_regs *regs, long ret)
{
	struct bpfq_state *st;
	struct bpfq_buf *buf;
	__u32 zero = 0;

	if (regs->orig_ax != BPFQ_NR_READ)
		return 0;
	st = bpf_map_lookup_elem(&bpfq_state_map, &zero);
	/* Only this reader's reads into its own buffer: other processes and
	 * other bpfq runs reading the same file never reach the parser. */
	if (!st || st->target.pid_tgid != bpf_get_current_pid_tgid())
		return 0;
	if (regs->si != st->target.buf || (__s64)regs->di != st->target.fd)
		return 0;
	buf = bpf_map_lookup_elem(&bpfq_buf_map, &zero);
	if (buf)
		bpfq_parse_read(st, buf, ret, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
