/* SPDX-License-Identifier: MIT */
/*
 * What every hook shares: finding this run's state from the current
 * thread, and taking a whole read that returned into the reader's buffer.
 * A hook template (one per attach point) follows this file.
 */
#ifndef BPFQ_READ_H
#define BPFQ_READ_H

#include "parse_loop.bpf.h"

#include <bpf/bpf_core_read.h>

/* Only the registers used; CO-RE relocates them against the running kernel. */
struct pt_regs {
	unsigned long di, si, dx, ax, orig_ax;
} __attribute__((preserve_access_index));

#define BPFQ_NR_READ 0		/* __NR_read on x86_64 */

/*
 * The current thread's ids as the reader set them (getpid() << 32 |
 * gettid()), given its kernel ids: the same in the initial PID namespace;
 * in bpfq's own namespace, the helper's answer; 0 for a thread of any
 * other namespace (no reader's, whose tgid is never 0).
 */
static __always_inline __u64 bpfq_ns_id(struct bpfq_state *st0, __u64 id)
{
	struct bpf_pidns_info ns;

	if (!st0->target.pidns_ino)
		return id;
	if (bpf_get_ns_current_pid_tgid(st0->target.pidns_dev, st0->target.pidns_ino, &ns,
					sizeof(ns)))
		return 0;
	return (__u64)ns.tgid << 32 | ns.pid;
}

/*
 * In a PID namespace, before bpfq's tgid outside it is known: whether the
 * current thread is bpfq's, noting its tgid if so. Every process asks the
 * helper until one of bpfq's threads passes here, its next syscall after
 * the attach.
 */
static __always_inline int bpfq_learn_tgid(struct bpfq_state *st0, __u64 id)
{
	if (st0->target.host_tgid || !st0->target.pidns_ino)
		return 0;
	if (bpfq_ns_id(st0, id) >> 32 != st0->target.pid_tgid >> 32)
		return 0;
	st0->target.host_tgid = id >> 32;
	return 1;
}

/*
 * The state, when the current thread is one of this run's readers: every
 * other process of the system leaves here after one array lookup and a
 * compare of its tgid; bpfq's own threads look through the slots.
 */
static __always_inline struct bpfq_state *bpfq_reader_state(void)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct bpfq_state *st, *st0;
	__u32 slot = 0;

	st0 = bpf_map_lookup_elem(&bpfq_state_map, &slot);
	if (!st0)
		return NULL;
	if (st0->target.host_tgid != id >> 32 && !bpfq_learn_tgid(st0, id))
		return NULL;
	id = bpfq_ns_id(st0, id);
	if (st0->target.pid_tgid == id)
		return st0;
	/* A loop, not unrolled: the verifier rewrites each lookup's call
	 * into its inline code, and each rewrite copies the whole program
	 * and its data per instruction. Unrolled, the 31 lookups would be
	 * a large part of the load. */
#pragma clang loop unroll(disable)
	for (__u32 i = 1; i < BPFQ_MAX_RANGES; i++) {
		__u32 key = i;

		st = bpf_map_lookup_elem(&bpfq_state_map, &key);
		/* Past the last range (the map has a slot per range): not ours. */
		if (!st)
			return NULL;
		if (st->target.pid_tgid == id)
			return st;
	}
	return NULL;
}

/* The reader's own buffer (or scratch) slot of a per-reader array map. */
static __always_inline struct bpfq_buf *bpfq_reader_buf(void *map, struct bpfq_state *st)
{
	__u32 slot = st->target.reader;

	return bpf_map_lookup_elem(map, &slot);
}

/* Whether a read(di, si, ...) is into the reader's buffer, on its fd: other
 * processes and other bpfq runs reading the same file never reach the parser. */
static __always_inline int bpfq_is_reader_read(struct bpfq_state *st, __u64 si, __u64 di)
{
	return si == st->target.buf && (__s64)di == st->target.fd;
}

/* The state, when this sys_exit (BTF-typed) ends a read(fd, buf, ...) of the reader. */
static __always_inline struct bpfq_state *bpfq_syscall_read(struct pt_regs *regs)
{
	struct bpfq_state *st;

	/* The syscall first: a load, cheaper than the state's lookup. */
	if (regs->orig_ax != BPFQ_NR_READ)
		return NULL;
	st = bpfq_reader_state();
	if (!st || !bpfq_is_reader_read(st, regs->si, regs->di))
		return NULL;
	return st;
}

/*
 * A read into the reader's buffer returned ret: parse its bytes, or at 0
 * finish the input. The reader counts on result.reads moving: a run that
 * did not happen (a recursion miss) makes it read the same bytes again.
 */
static __always_inline void bpfq_read_returned(struct bpfq_state *st, long ret)
{
	struct bpfq_buf *buf;

	if (st->result.done || ret < 0 || ret > BPFQ_BUF_SIZE)
		return;
	st->result.reads++;
	if (ret == 0) {
		bpfq_parse_end((struct bpfq_value *)st);
		return;
	}
	buf = bpfq_reader_buf(&bpfq_buf_map, st);
	if (buf)
		bpfq_parse_bytes((struct bpfq_value *)st, buf, ret);
}

#endif /* BPFQ_READ_H */
