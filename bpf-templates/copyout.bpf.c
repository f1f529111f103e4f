/* SPDX-License-Identifier: MIT */
/*
 * Hook: copy-out, where the kernel copies read data to user space:
 * _copy_to_iter(addr, bytes, iter), which the page cache (through
 * copy_page_to_iter, one page at a time), pipes and tmpfs all call. It is
 * notrace on stock kernels (lib/ is built without ftrace), so this needs a
 * kernel built with CONFIG_KPROBE_EVENTS_ON_NOTRACE=y, and is a kprobe.
 *
 * The program runs before the copy: it reads the kernel's source bytes
 * into a scratch buffer and parses them there, so the data is parsed
 * where it leaves the page cache. A copy is the reader's when the thread
 * is the reader's and the iov_iter's destination is inside its buffer; the
 * copies of one read arrive in order, and each must start where the last
 * ended. At the read's return (tp_btf/sys_exit) the copies must add up to
 * what read() returned, and a 0-byte read ends the input. A copy that was
 * missed, or a read that was not copied out this way (/dev/zero fills the
 * buffer without a copy), is an error: never a partial answer.
 */
#ifndef BPFQ_COPYOUT_BPF_C
#define BPFQ_COPYOUT_BPF_C

#include "read.bpf.h"

/* The fields used, in each kernel's layout: CO-RE finds them. */
struct iovec___bpfq {
	void *iov_base;
} __attribute__((preserve_access_index));

struct iov_iter___bpfq {
	__u8 iter_type;
	__u64 iov_offset;
	__u64 count;
	void *ubuf;
	const struct iovec___bpfq *__iov;	/* since 6.4 */
} __attribute__((preserve_access_index));

struct iov_iter___bpfq_old {
	const struct iovec___bpfq *iov;		/* before 6.4 */
} __attribute__((preserve_access_index));

/* Their values differ between kernels (ITER_UBUF is 6 in 6.1, 0 in 6.18). */
enum iter_type___bpfq {
	ITER_UBUF___bpfq,
	ITER_IOVEC___bpfq,
};

/* The copy source, one page at a time from copy_page_to_iter: a read's worth at most;
 * one per reader (user space sets max_entries). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfq_buf);
} bpfq_scratch_map SEC(".maps");

/* The user address the iterator copies to next, or 0 for kernel destinations. */
static __always_inline __u64 bpfq_iter_dest(void *iter)
{
	struct iov_iter___bpfq *it = iter;
	const struct iovec___bpfq *iov;
	__u8 type = BPF_CORE_READ(it, iter_type);
	__u64 off = BPF_CORE_READ(it, iov_offset);

	if (bpf_core_enum_value_exists(enum iter_type___bpfq, ITER_UBUF___bpfq) &&
	    type == bpf_core_enum_value(enum iter_type___bpfq, ITER_UBUF___bpfq))
		return (__u64)BPF_CORE_READ(it, ubuf) + off;
	if (type != bpf_core_enum_value(enum iter_type___bpfq, ITER_IOVEC___bpfq))
		return 0;
	if (bpf_core_field_exists(it->__iov))
		iov = BPF_CORE_READ(it, __iov);
	else
		iov = BPF_CORE_READ((struct iov_iter___bpfq_old *)iter, iov);
	return (__u64)BPF_CORE_READ(iov, iov_base) + off;
}

/* Some copy-out of a read was not seen: stop, so no answer is printed. */
static __always_inline void bpfq_missed(struct bpfq_state *st)
{
	struct bpfq_result *r = &st->result;

	r->error = BPFQ_ERR_MISSED;
	r->error_off = r->bytes;
	r->done = 1;
}

SEC("kprobe/_copy_to_iter")
int bpfq_copyout(struct pt_regs *ctx)
{
	struct bpfq_state *st = bpfq_reader_state();
	struct bpfq_buf *scratch;
	__u64 n, room, dst, off;

	if (!st || st->result.done)
		return 0;
	dst = bpfq_iter_dest((void *)ctx->dx);
	off = dst - st->target.buf;
	/* The reader's other copies (none, but a signal frame is one) go elsewhere. */
	if (dst < st->target.buf || off >= BPFQ_BUF_SIZE)
		return 0;
	/* Callers pass what their page holds (shmem: up to the page's end);
	 * _copy_to_iter copies no more than the iterator has room for. */
	n = ctx->si;
	room = BPF_CORE_READ((struct iov_iter___bpfq *)ctx->dx, count);
	if (n > room)
		n = room;
	if (off != st->hook.copied || n > BPFQ_BUF_SIZE - off) {
		bpfq_missed(st);
		return 0;
	}
	scratch = bpfq_reader_buf(&bpfq_scratch_map, st);
	/* clang knows n <= BPFQ_BUF_SIZE from the test above and would drop
	 * this one, but the verifier needs it on the register passed. */
	barrier_var(n);
	if (!scratch || n == 0 || n > BPFQ_BUF_SIZE)
		return 0;
	if (bpf_probe_read_kernel(scratch->data, n, (void *)ctx->di)) {
		bpfq_missed(st);
		return 0;
	}
	st->hook.copied += n;
	bpfq_parse_bytes((struct bpfq_value *)st, scratch, n);
	return 0;
}

/* The read returned: its copies must add up to what it returned. */
SEC("tp_btf/sys_exit")
int BPF_PROG(bpfq_copyout_read_exit, struct pt_regs *regs, long ret)
{
	struct bpfq_state *st = bpfq_syscall_read(regs);
	__u64 copied;

	if (!st || st->result.done)
		return 0;
	copied = st->hook.copied;
	st->hook.copied = 0;
	if (ret < 0)
		return 0;
	if (copied != (__u64)ret) {
		bpfq_missed(st);
		return 0;
	}
	st->result.reads++;
	if (ret == 0)
		bpfq_parse_end((struct bpfq_value *)st);
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";

#endif /* BPFQ_COPYOUT_BPF_C */
