/* SPDX-License-Identifier: MIT */
/*
 * text and csv: the common line at once. When the parser is between
 * records, bpfq_fast_lines() tries whole lines whose used fields are short
 * integers, one 8-byte load per field (SWAR, as parse_numbers.bpf.h):
 * each used field 1 to 7 digits (after a '-', 1 to 6), each other field up to 7 bytes with no
 * quote, one separator between fields (csv: the delimiter; text: one
 * blank, no blank first), and the rest of the line within 64 bytes and
 * without a quote. Anything else, an empty or missing field, a '+', a
 * decimal, a '\r', blanks around a number, a longer field, is left to the
 * byte parser, which then reads that line from its start: a line is taken
 * here whole or not at all, so the two never disagree.
 */

#define LINE_FIELDS (BPFQ_LAST_FIELD + 1)
/* Lines per call, and the bytes a call may look at (a line's fields, and 64 more). */
#define FAST_LINES 32
#define LINE_MAX (LINE_FIELDS * 8 + 64)

/* The field separator's flags in w: the delimiter (csv) or a blank (text). */
static __always_inline __u64 separator_mask(__u64 w)
{
	if (BPFQ_CSV)
		return bytes_eq(w, BPFQ_DELIM);
	return bytes_eq(w, ' ') | bytes_eq(w, '\t');
}

/* fast_field()'s answer for a number with a minus, when not signed (a length is 1..7). */
#define FIELD_MINUS 8
/* A line's: not taken, but signed it may be (beside the position, as FAST_STOP). */
#define FAST_MINUS (1ULL << 61)

/*
 * One field at pos: its length n (1..7) when the separator or a line end
 * follows within 8 bytes; 0 when the field is not this simple, or
 * FIELD_MINUS for a number with a minus unless signed. *end says it was
 * the line end; *v is its value when numeric.
 */
static __always_inline __u64 fast_field(struct bpfq_buf *buf, __u64 pos, int numeric,
					const int is_signed, __u64 *v, int *end)
{
	__u64 w = load8(buf, pos), nl = bytes_eq(w, '\n'), stops = separator_mask(w) | nl, n;
	__u64 t, top, neg, d;

	if (!stops)
		return 0;
	n = first_byte_predicted(stops);
	if (!n)
		return 0;
	*end = (nl >> (n * 8)) & 0x80 ? 1 : 0;
	if (!numeric) {
		/* csv: a quote may open a quoted field, whose separators are content. */
		if (BPFQ_CSV && (bytes_eq(w, '"') << ((8 - n) * 8)))
			return 0;
		return n;
	}
	/* A minus, then the digits: '0' comes off the word after the minus
	 * (off the minus itself, it would borrow from the first digit). */
	neg = is_signed && (w & 0xff) == '-';
	d = n - neg;
	if (!d)
		return 0;
	t = (w >> (neg * 8)) - 0x3030303030303030ULL;
	top = t << ((8 - d) * 8);
	if (((top + 0x7676767676767676ULL) | top) & HIGH)
		return !is_signed && (w & 0xff) == '-' ? FIELD_MINUS : 0;
	*v = digits_top(t, d);
	if (neg)
		*v = -*v;
	return n;
}

/* The rest of a line after its last used field: its length through the '\n', or 0. */
static __always_inline __u64 rest_of_line(struct bpfq_buf *buf, __u64 pos)
{
#pragma unroll
	for (int k = 0; k < 8; k++) {
		__u64 w = load8(buf, pos + k * 8), nl = bytes_eq(w, '\n'), q = 0, n;

		if (BPFQ_CSV)
			q = bytes_eq(w, '"');
		if (!nl) {
			if (q)
				return 0;
			continue;
		}
		n = first_byte_predicted(nl);
		/* A quote before the line end may hide a line end inside quotes. */
		if (n && q << ((8 - n) * 8))
			return 0;
		return k * 8 + n + 1;
	}
	return 0;
}

/*
 * One line at pos into f: its length, or 0 to leave it to the byte
 * parser, or (unless signed) FAST_MINUS for the signed parse.
 * pos is masked: below the read's end, with LINE_MAX bytes to spare.
 */
static __always_inline __u64 fast_line(struct bpfq_buf *buf, __u64 pos, struct bpfq_field *f,
				       const int is_signed)
{
	__u64 at = pos, n, v = 0, rest;
	int end = 0;

#pragma unroll
	for (int j = 0; j < LINE_FIELDS; j++) {
		int slot = bpfq_slot_of(j), numeric = slot >= 0 && bpfq_slot_numeric(slot);

		if (end)	/* a line end before a used field: it is missing */
			return 0;
		n = fast_field(buf, at, numeric, is_signed, &v, &end);
		if (!n)
			return 0;
		if (n == FIELD_MINUS)
			return FAST_MINUS;
		if (numeric) {
			f[slot & (BPFQ_MAX_SLOTS - 1)].lo = v;
			f[slot & (BPFQ_MAX_SLOTS - 1)].hi = (__s64)v < 0 ? -1 : 0;
			f[slot & (BPFQ_MAX_SLOTS - 1)].kind = BPFQ_K_INT;
			f[slot & (BPFQ_MAX_SLOTS - 1)].pad = 0;
		}
		/* Below the read's end (LINE_MAX to spare) the mask changes nothing,
		 * but lets the verifier forget how long each field was: else every
		 * combination of lengths is a state of its own. */
		at = (at + n + 1) & BPFQ_BUF_MASK;
	}
	if (end)
		return at - pos;
	rest = rest_of_line(buf, at);
	return rest ? at - pos + rest : 0;
}

/* One simple line at pos: the position after it, or pos when the line is
 * not simple (| FAST_MINUS: when not signed), | FAST_STOP when the query
 * ended the scan. */
static __always_inline long fast_line_at(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 pos,
					 __u64 len, const int is_signed)
{
	struct bpfq_state *st = sv ? &sv->st : NULL;
	struct bpfq_acc acc;
	__u64 n;
	int stop;

	if (!st || !buf || pos >= len || len > BPFQ_BUF_SIZE || len - pos < LINE_MAX)
		return pos;
	/* The fields go through the map, not the stack: there the verifier
	 * does not know each field's range (from its length), whose
	 * combinations over a line's fields it would walk one by one. */
	n = fast_line(buf, pos & BPFQ_BUF_MASK, st->parse.rec.f, is_signed);
	if (!n || n == FAST_MINUS)
		return pos | n;
	/* ... and clang must read them back from there, not forward them. */
	asm volatile("" ::: "memory");
	bpfq_acc_init(&acc);
	stop = bpfq_emit_acc(st, &acc, st->parse.rec.f, st->result.bytes + pos);
	bpfq_acc_flush(st, &acc);
	st->result.records++;
	return stop ? (pos + n) | FAST_STOP : pos + n;
}

/*
 * The line, as global functions, verified once, with pos unknown: every
 * line looks the same to the verifier, and bpfq_fast_lines() calls them
 * again and again. On long inputs (BPFQ_SPLIT_SIGNS) two of them: without
 * the minus, a number costs fewer instructions and registers (1.1x on csv
 * with no sign).
 */
__noinline long bpfq_fast_line(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 pos,
			       __u64 len)
{
	return fast_line_at(sv, buf, pos, len, 1);
}

__noinline long bpfq_fast_line_unsigned(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 pos,
					__u64 len)
{
	return fast_line_at(sv, buf, pos, len, 0);
}

/*
 * Up to FAST_LINES simple lines from pos: the position after them,
 * | FAST_STOP when the query ended the scan. A text group key is copied
 * byte by byte: the byte parser's, as are lines of many fields.
 */
__noinline long bpfq_fast_lines(struct bpfq_value *sv, struct bpfq_buf *buf, __u64 pos,
				__u64 len)
{
	__u64 at = pos, next;
	int is_signed = !BPFQ_SPLIT_SIGNS;	/* short inputs: the signed lines alone */

	/* Past 4 used fields, the verifier's walk of a line grows past its
	 * limit (each field's outcomes multiply): those lines go byte by byte. */
	if (BPFQ_KEY_SLOT >= 0 || LINE_FIELDS > 8 || BPFQ_NSLOTS > 4)
		return pos;
	for (int k = 0; k < FAST_LINES; k++) {
		next = is_signed ? bpfq_fast_line(sv, buf, at, len) :
				   bpfq_fast_line_unsigned(sv, buf, at, len);
		/* A minus: signed lines from here. */
		if (next & FAST_MINUS) {
			is_signed = 1;
			next = bpfq_fast_line(sv, buf, at, len);
		}
		if (next == at || next & FAST_STOP)
			return next;
		at = next;
	}
	return at;
}

/* Between records: whole simple lines at once, if these are; -1 if not. */
static __always_inline long fast_lines_step(struct parse_ctx *c, __u64 pos)
{
	if (c->p->in_record || c->p->qstate || c->p->cr)
		return -1;
	return fast_taken(c, pos, bpfq_fast_lines((struct bpfq_value *)c->st, c->buf, pos,
						  c->len));
}
