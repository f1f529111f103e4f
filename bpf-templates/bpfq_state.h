/* SPDX-License-Identifier: MIT */
/*
 * The one layout shared by the BPF program and user space: what the reader
 * tells the program (target), the parse state carried between reads, and the
 * result both engines fill (the in-kernel program and the reference
 * evaluator in lang/eval.c), so one printer serves both.
 *
 * Compiled by clang -target bpf (through the generated program) and by the
 * host compiler; only <linux/types.h> types.
 */
#ifndef BPFQ_STATE_H
#define BPFQ_STATE_H

#include <linux/types.h>

#define BPFQ_MAX_AGGS 16

/*
 * The read buffer: the reader read()s into this map value (mmap()ed), the
 * program parses it in place. A power of two, so a masked position is in
 * bounds for the verifier; BPFQ_BUF_PAD bytes past the end keep an 8-byte
 * load at any masked position inside the value.
 */
#define BPFQ_BUF_SIZE (1u << 17)
#define BPFQ_BUF_PAD 64

/* Runtime error kinds (bpfq_result.error). */
enum bpfq_error {
	BPFQ_ERR_NONE = 0,
	BPFQ_ERR_OVERFLOW = 1,	/* int64 overflow in an expression */
	BPFQ_ERR_DIVZERO = 2,	/* division or modulo by zero */
};

/* Which reads the program parses: this thread's read(fd, buf, ...). */
struct bpfq_target {
	__u64 pid_tgid;		/* bpf_get_current_pid_tgid() of the reader */
	__u64 buf;		/* user address of the mmap()ed buffer */
	__s64 fd;
};

/* Tokenizer modes, carried across reads. */
enum bpfq_mode {
	BPFQ_MODE_IDLE = 0,	/* between tokens */
	BPFQ_MODE_NUM = 1,	/* inside a token that is a number so far */
	BPFQ_MODE_BAD = 2,	/* inside a malformed token, already counted */
};

/* A number split between reads continues from here. */
struct bpfq_parse {
	__u64 val;		/* magnitude of the digits so far */
	__u64 tok_start;	/* file offset of the token's first byte */
	__u32 mode;		/* enum bpfq_mode */
	__u32 neg;		/* token started with '-' */
	__u32 ndigits;		/* digits seen (a lone sign is malformed) */
	__u32 ovf;		/* magnitude passed 2^63: not an int64 */
};

struct bpfq_agg {
	__u64 count;		/* values aggregated (exists: conditions true) */
	__u64 sum_lo;		/* 128-bit two's complement sum: never wraps */
	__s64 sum_hi;
	__s64 min;
	__s64 max;
};

struct bpfq_result {
	__u64 bytes;		/* bytes parsed */
	__u64 reads;		/* read() calls parsed, the final 0-byte one too */
	__u64 values;		/* integer tokens */
	__u64 matched;		/* values that passed the where clause */
	__u64 malformed;	/* tokens skipped: not an int64 integer */
	__u64 malformed_off;	/* file offset of the first skipped token */
	__u64 error_off;	/* file offset of the value that failed */
	__s64 error_value;	/* the value x that failed */
	__u32 error;		/* enum bpfq_error; the scan stops */
	__u32 error_node;	/* AST node id of the failing operator */
	__u32 eof;		/* the 0-byte read was seen: last token done */
	__u32 done;		/* answer known (all exists true) or error */
	struct bpfq_agg aggs[BPFQ_MAX_AGGS];
};

/* One map value: the program's whole state for one query. */
struct bpfq_state {
	struct bpfq_target target;
	struct bpfq_parse parse;
	struct bpfq_result result;
};

#endif /* BPFQ_STATE_H */
