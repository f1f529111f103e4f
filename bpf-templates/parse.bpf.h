/* SPDX-License-Identifier: MIT */
/*
 * The number parser every hook shares: it tokenizes one read's bytes and
 * calls the generated bpfq_emit() once per value. Tokens are separated by
 * whitespace and commas; a token is a value iff it is [+-]?[0-9]+ within
 * int64, otherwise it is counted as malformed (lang/eval.c is the plain
 * byte-at-a-time statement of the same rules).
 *
 * Speed: one bpf_loop iteration takes one token, not one byte. Each loads
 * 8 bytes and classifies them all at once (SWAR); the digits are converted
 * with three multiplies. A token longer than 8 bytes or split between reads
 * continues from the carry in struct bpfq_parse.
 */

#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL
#define LOW7 0x7f7f7f7f7f7f7f7fULL

/* High bit of each byte that is >= n (n <= 0x80). Exact: no carry crosses bytes. */
static __always_inline __u64 bytes_ge(__u64 w, __u64 n)
{
	return (((w & LOW7) + (0x80 - n) * ONES) | w) & HIGH;
}

/* High bit of each byte equal to c. */
static __always_inline __u64 bytes_eq(__u64 w, __u64 c)
{
	__u64 t = w ^ (c * ONES);

	return ~(((t & LOW7) + LOW7) | t) & HIGH;
}

static __always_inline __u64 digit_mask(__u64 w)
{
	return bytes_ge(w, '0') & ~bytes_ge(w, '9' + 1);
}

/* Space, \t \n \v \f \r, and ','. */
static __always_inline __u64 sep_mask(__u64 w)
{
	return (bytes_ge(w, '\t') & ~bytes_ge(w, '\r' + 1)) | bytes_eq(w, ' ') |
	       bytes_eq(w, ',');
}

static __always_inline int is_sep(__u64 c)
{
	return c == ' ' || c == ',' || (c >= '\t' && c <= '\r');
}

/*
 * Index of the lowest flagged byte of a nonzero mask. BPF has no ctz, and
 * clang's expansion wants a constant-pool table: isolate the lowest flag
 * (1 << 8k after the shift) and let a multiply put k + 1 in the top byte.
 */
static __always_inline __u64 first_byte(__u64 m)
{
	return ((((m & -m) >> 7) * 0x0102030405060708ULL) >> 56) - 1;
}

/* High bits of the first n (1..8) bytes: the bytes of this read. */
static __always_inline __u64 valid_mask(__u64 n)
{
	return n >= 8 ? HIGH : HIGH & ((1ULL << (n * 8)) - 1);
}

/* The value of the first n (1..8) bytes of w, all digits, first byte most significant. */
static __always_inline __u64 digits_value(__u64 w, __u64 n)
{
	/* Shift the digits to the top: the bytes after them (and any borrow
	 * the subtraction carried into them) fall out, zeros lead. */
	__u64 t = (w - 0x3030303030303030ULL) << ((8 - n) * 8);

	t = ((t & 0x0f0f0f0f0f0f0f0fULL) * 2561) >> 8;
	t = ((t & 0x00ff00ff00ff00ffULL) * 6553601) >> 16;
	return ((t & 0x0000ffff0000ffffULL) * 42949672960001ULL) >> 32;
}

/* 10^n, and the largest magnitude that can take n more digits without passing 2^64. */
static const __u64 pow10[16] = { 1, 10, 100, 1000, 10000, 100000, 1000000,
				 10000000, 100000000 };
static const __u64 max_before[16] = {
	18446744073709551615ULL, 1844674407370955160ULL, 184467440737095515ULL,
	18446744073709550ULL, 1844674407370954ULL, 184467440737094ULL,
	18446744073708ULL, 1844674407369ULL, 184467440736ULL,
};

struct parse_ctx {
	struct bpfq_state *st;
	struct bpfq_buf *buf;
	__u64 pos;		/* next byte of this read */
	__u64 len;		/* bytes in this read */
	__u64 base;		/* file offset of byte 0 of this read */
	struct bpfq_parse p;	/* the carry, loaded and stored once per read */
};

static __always_inline __u64 load8(struct bpfq_buf *buf, __u64 pos)
{
	return *(__u64 *)(buf->data + (pos & BPFQ_BUF_MASK));
}

static __always_inline void count_malformed(struct bpfq_result *r, __u64 tok_start)
{
	if (!r->malformed)
		r->malformed_off = tok_start;
	r->malformed++;
}

/* A token ended: emit it if it is an int64, else count it. Returns 1 to stop. */
static __always_inline int finish_token(struct bpfq_state *st, struct bpfq_parse *p)
{
	struct bpfq_result *r = &st->result;
	__u64 limit = (1ULL << 63) - !p->neg;

	p->mode = BPFQ_MODE_IDLE;
	if (!p->ndigits || p->ovf || p->val > limit) {
		count_malformed(r, p->tok_start);
		return 0;
	}
	r->values++;
	return bpfq_emit(r, (__s64)(p->neg ? 0 - p->val : p->val), p->tok_start);
}

/* Between tokens: skip separators, take a sign. Returns 1 when this step is over
 * (no token in these 8 bytes, or the read ended after the sign). */
static __always_inline int start_token(struct parse_ctx *c, __u64 *pos)
{
	__u64 lim = c->len - *pos, w = load8(c->buf, *pos), ns, ch;

	ns = ~sep_mask(w) & valid_mask(lim);
	if (!ns) {
		*pos += lim < 8 ? lim : 8;
		return 1;
	}
	*pos += first_byte(ns);
	ch = (w >> (first_byte(ns) * 8)) & 0xff;
	c->p.tok_start = c->base + *pos;
	c->p.neg = ch == '-';
	c->p.val = 0;
	c->p.ndigits = 0;
	c->p.ovf = 0;
	c->p.mode = BPFQ_MODE_NUM;
	*pos += ch == '-' || ch == '+';
	return *pos >= c->len;
}

/* Inside a number: take up to 8 digits, then end or spoil the token. Returns 1 to stop. */
static __always_inline int continue_number(struct parse_ctx *c, __u64 *pos)
{
	__u64 lim = c->len - *pos, w = load8(c->buf, *pos), nd, n, ch;

	if (lim > 8)
		lim = 8;
	nd = ~(digit_mask(w) & valid_mask(lim)) & HIGH;
	n = nd ? first_byte(nd) : 8;
	if (n) {
		c->p.ovf |= c->p.val > max_before[n & 15];
		c->p.val = c->p.val * pow10[n & 15] + digits_value(w, n);
		c->p.ovf |= c->p.val > (1ULL << 63);
		c->p.ndigits += n;
		*pos += n;
	}
	if (n == lim)		/* 8 digits, or the read ended inside the number */
		return 0;
	ch = (w >> (n * 8)) & 0xff;
	*pos += 1;
	if (is_sep(ch))
		return finish_token(c->st, &c->p);
	count_malformed(&c->st->result, c->p.tok_start);
	c->p.mode = BPFQ_MODE_BAD;
	return 0;
}

/* Inside a malformed token: skip to the separator after it. */
static __always_inline void skip_bad(struct parse_ctx *c, __u64 *pos)
{
	__u64 lim = c->len - *pos, w = load8(c->buf, *pos), s;

	s = sep_mask(w) & valid_mask(lim);
	if (!s) {
		*pos += lim < 8 ? lim : 8;
		return;
	}
	*pos += first_byte(s) + 1;
	c->p.mode = BPFQ_MODE_IDLE;
}

/*
 * The common case, between tokens: 1 to 7 digits and a separator in the
 * next 8 bytes. No sign, no carry, no overflow possible: convert and emit.
 * Returns 1 if it took a number (*stop says whether to end the scan).
 */
static __always_inline int fast_number(struct parse_ctx *c, __u64 pos, int *stop)
{
	__u64 w = load8(c->buf, pos), nd, n;

	nd = ~digit_mask(w) & HIGH;
	if (!nd)		/* 8 digits or more: the general path */
		return 0;
	n = first_byte(nd);
	if (!n || !is_sep((w >> (n * 8)) & 0xff))
		return 0;
	c->pos = pos + n + 1;
	c->st->result.values++;
	*stop = bpfq_emit(&c->st->result, (__s64)digits_value(w, n), c->base + pos);
	return 1;
}

#define FAST_PER_STEP 4

/* One bpf_loop iteration: one token (or 8 bytes of a long one). */
static long parse_step(__u64 i, void *data)
{
	struct parse_ctx *c = data;
	__u64 pos = c->pos;
	int stop = 0;

	if (pos >= c->len)
		return 1;
	/* The verifier needs the bound on pos itself, not only pos < len. */
	pos &= BPFQ_BUF_MASK;
	/* Bytes past this read are stale: the fast path needs 8 of this one.
	 * A few numbers per iteration spread the cost of the callback. */
	if (c->p.mode == BPFQ_MODE_IDLE) {
#pragma unroll
		for (int k = 0; k < FAST_PER_STEP; k++) {
			if (c->len - pos < 8 || !fast_number(c, pos, &stop))
				break;
			if (stop)
				return 1;
			pos = c->pos & BPFQ_BUF_MASK;
			if (k == FAST_PER_STEP - 1)
				return 0;
		}
	}
	if (c->p.mode == BPFQ_MODE_IDLE && start_token(c, &pos)) {
		c->pos = pos;
		return 0;
	}
	pos &= BPFQ_BUF_MASK;
	if (c->p.mode == BPFQ_MODE_NUM)
		stop = continue_number(c, &pos);
	else
		skip_bad(c, &pos);
	c->pos = pos;
	return stop;
}

/*
 * Parse one read of len bytes (0: end of file). A global function, so the
 * verifier checks it once, with unknown arguments: `start` is always 0 but
 * comes in unknown, which lets the loop state converge (from a known 0 the
 * verifier tracks exact positions and gives up: "too complex").
 */
__noinline int bpfq_parse_read(struct bpfq_state *st, struct bpfq_buf *buf, __s64 len,
			       __u64 start)
{
	struct parse_ctx c = {};
	struct bpfq_result *r;

	if (!st || !buf)
		return 0;
	r = &st->result;
	if (r->done || len < 0 || len > BPFQ_BUF_SIZE)
		return 0;
	r->reads++;
	if (len == 0) {
		if (st->parse.mode == BPFQ_MODE_NUM)
			finish_token(st, &st->parse);
		r->eof = 1;
		return 0;
	}
	c.st = st;
	c.buf = buf;
	c.pos = start;
	c.len = len;
	c.base = r->bytes;
	c.p = st->parse;
	/* Each iteration consumes at least one byte. */
	bpf_loop(len, parse_step, &c, 0);
	st->parse = c.p;
	r->bytes += len;
	return 0;
}
