/* SPDX-License-Identifier: MIT */
/*
 * The one layout shared by the BPF program and user space: what the reader
 * tells the program (target), the parse state carried between reads, the
 * counters of the scan, and the aggregates' states. Both engines (the
 * in-kernel program and the reference evaluator in lang/engine/eval.c) fill the
 * same layout, so one printer serves both.
 *
 * Compiled by clang -target bpf (through the generated program) and by the
 * host compiler; only <linux/types.h> types.
 */
#ifndef BPFQ_STATE_H
#define BPFQ_STATE_H

#include <linux/types.h>

/* The input formats, as lang/front/ast.h enum input_kind (codegen/plan.c checks). */
#define BPFQ_FORMAT_NUMBERS 0
#define BPFQ_FORMAT_TEXT 1
#define BPFQ_FORMAT_CSV 2
#define BPFQ_FORMAT_BINARY 3
#define BPFQ_FORMAT_JSON 4

/* The hooks, as runtime/hook_kind.h enum hook_kind (codegen/plan.c checks). */
#define BPFQ_HOOK_COPYOUT 0
#define BPFQ_HOOK_VFS_FEXIT 1
#define BPFQ_HOOK_VFS_KPROBE 2
#define BPFQ_HOOK_SYSCALL 3
#define BPFQ_HOOK_SYSCALL_BTF 4

#define BPFQ_MAX_AGGS 16
#define BPFQ_MAX_SLOTS 16	/* fields one query uses */
#define BPFQ_MAX_REGEX 8	/* ~ and !~ in one query: a state byte each in the record */
#define BPFQ_MAX_FIELD 1024	/* the highest field position: $1024 */
#define BPFQ_MAX_REC_FIELDS 32	/* fields of a binary record */
#define BPFQ_MAX_RECORD 256	/* bytes of a binary record */
#define BPFQ_KEY_MAX 64		/* bytes of a group key held in the map's key */
#define BPFQ_KEY_LONG 1024	/* bytes of a text group key at most (a power of 2) */
#define BPFQ_MAX_KEYS 8		/* keys of 'by k1, k2, ...' */
#define BPFQ_KEYS_BYTES 320	/* bytes of several keys together (struct bpfq_key) */
#define BPFQ_TEXT_MAX 256	/* bytes of a field kept to compare as text (a power of 2) */
#define BPFQ_MAX_TEXTS 4	/* fields one query compares as text */
#define BPFQ_LITS_MAX 4096	/* bytes of a query's strings, all together (a power of 2) */
#define BPFQ_MAX_READERS 8
#define BPFQ_MAX_RANGES 32	/* -j: ranges of a file, each its own state (runtime/split.h) */

/* Decimals are kept as integers times 10^18: 18 fractional digits, exactly. */
#define BPFQ_SCALE 1000000000000000000ULL

/*
 * The read buffer: the reader read()s into this map value (mmap()ed), the
 * program parses it in place. A power of two, so a masked position is in
 * bounds for the verifier; BPFQ_BUF_PAD bytes past the end keep an 8-byte
 * load at any masked position inside the value, and a binary record's
 * fields (a record is at most BPFQ_MAX_RECORD bytes).
 */
#define BPFQ_BUF_SIZE (1u << 20)
#define BPFQ_BUF_PAD 512
#define BPFQ_MAX_STREAMS 4	/* a read parsed as that many interleaved streams */

/* Runtime error kinds (bpfq_result.error): the scan stops, there is no answer. */
enum bpfq_error {
	BPFQ_ERR_NONE = 0,
	BPFQ_ERR_OVERFLOW = 1,	/* a result outside -2^63 .. 2^63 */
	BPFQ_ERR_DIVZERO = 2,	/* division or modulo by zero */
	BPFQ_ERR_MISSED = 3,	/* the hook did not see every byte read (copyout) */
	BPFQ_ERR_GROUPS = 4,	/* more groups than the map holds (--max-groups) */
	BPFQ_ERR_KEY = 5,	/* a group key longer than BPFQ_KEY_LONG bytes */
	BPFQ_ERR_QUOTE = 6,	/* csv: a quoted field is not closed before the end */
	BPFQ_ERR_BEYOND = 7,	/* a number of the input past int64: it cannot be held */
	BPFQ_ERR_TEXT = 8,	/* a field matched (like, contains, ...) past BPFQ_TEXT_MAX bytes */
	BPFQ_ERR_TIME = 9,	/* to_timestamp(): a time outside the years 0000 to 9999 */
	BPFQ_ERR_VALUES = 10,	/* quantile_exact: more values than --max-values */
	BPFQ_ERR_KEYSAME = 11,	/* two long text keys alike in their first bytes, length
				 * and hash (struct bpfq_keytext): not told apart */
};

/*
 * How a string matches a text (like, ilike, starts_with, ends_with,
 * contains): as a pattern or as bytes, with any bytes before or after it,
 * ASCII case folded or not.
 */
#define BPFQ_MATCH_WILD 1	/* '%' is any bytes, '_' one byte: a like pattern */
#define BPFQ_MATCH_LEAD 2	/* any bytes before the string */
#define BPFQ_MATCH_TRAIL 4	/* any bytes after it */
#define BPFQ_MATCH_CI 8		/* A-Z as a-z, both sides (ilike) */

/* Words that exports write for a missing value (bpfq_result.nulls), any case, a sign before. */
enum bpfq_null_kind {
	BPFQ_NULL_NA,		/* NA, N/A */
	BPFQ_NULL_NULL,		/* NULL */
	BPFQ_NULL_DASH,		/* a lone '-' */
	BPFQ_NULL_INF,		/* inf, infinity */
	BPFQ_NULL_NAN,		/* nan */
	BPFQ_NULL_KINDS,
};

/* What reading a number's token found besides its value. */
#define BPFQ_TOK_ROUNDED 1	/* nonzero decimals past the 18th: rounded half to even */
#define BPFQ_TOK_BEYOND 2	/* a magnitude at or past 2^63 (past it, negative) */


/*
 * Times are microseconds since 1970-01-01T00:00:00Z, from 0000-01-01 to
 * 9999-12-31 (what ISO 8601's four-digit years write): [MIN, END).
 */
#define BPFQ_TIME_MIN (-62167219200000000LL)
#define BPFQ_TIME_END 253402300800000000LL

/* date_trunc()'s units (lang/value/timestamp.c, timeval.bpf.h). */
enum bpfq_unit {
	BPFQ_UNIT_YEAR, BPFQ_UNIT_MONTH, BPFQ_UNIT_DAY, BPFQ_UNIT_HOUR, BPFQ_UNIT_MINUTE,
	BPFQ_UNIT_SECOND,
};

/* Binary field types, as in 'as record(id:u32, ...)'. */
enum bpfq_bin_type {
	BPFQ_BIN_I8, BPFQ_BIN_U8, BPFQ_BIN_I16, BPFQ_BIN_U16,
	BPFQ_BIN_I32, BPFQ_BIN_U32, BPFQ_BIN_I64, BPFQ_BIN_U64,
};

/*
 * Which reads the program parses: this thread's read(fd, buf, ...). With
 * -j, every range of the file has its own slot of the state map, and every
 * reader thread its own slot of the buffer maps; a reader puts its thread
 * id in the slot of the range it reads now (only there). All are threads
 * of one process, whose tgid every state slot holds from the start (slot 0
 * first tells the program it is ours).
 *
 * The ids are getpid() and gettid(): in a PID namespace (a container) they
 * are the namespace's, which the kernel tells a program only through
 * bpf_get_ns_current_pid_tgid(dev, ino), a costlier helper. Slot 0 names
 * the namespace, and holds the tgid as bpf_get_current_pid_tgid() gives it
 * (host_tgid): set by user space in the initial namespace, where the two
 * agree; elsewhere the program notes it when it first sees one of bpfq's
 * threads, so every other process still leaves after one compare.
 */
struct bpfq_target {
	__u64 pid_tgid;		/* getpid() << 32 | gettid() of the reader */
	__u64 buf;		/* user address of the mmap()ed buffer */
	__s64 fd;
	__u32 slot;		/* the range's index in the state map */
	__u32 reader;		/* the reader's: buffer, scratch, snapshot maps; groups */
	__u64 pidns_dev;	/* slot 0: bpfq's PID namespace (nsfs device, the kernel's */
	__u64 pidns_ino;	/* dev_t encoding, and inode); 0, 0 for the initial one */
	__u32 host_tgid;	/* slot 0: bpfq's tgid outside any namespace, or 0: not known yet */
	__u32 pad;
	__u64 file_conds;	/* the file's truths of the query's conditions over file alone */
};

/* What a hook keeps between its programs during one read. */
struct bpfq_hook_state {
	__u64 copied;		/* copyout: bytes copied to the buffer by this read so far */
	__u32 armed;		/* vfs kprobe: this vfs_read() is into the reader's buffer */
	__u32 pad;
};

/* What a used field of the current record holds. */
enum bpfq_kind {
	BPFQ_K_MISSING = 0,	/* the record has no such field */
	BPFQ_K_EMPTY = 1,	/* csv: an empty field */
	BPFQ_K_BAD = 2,		/* not a number bpfq can hold exactly */
	BPFQ_K_INT = 3,		/* an int64: lo */
	BPFQ_K_DEC = 4,		/* a decimal: (hi, lo) is the value times 10^18 */
	BPFQ_K_TIME = 5,	/* user space, a group key only: a time (an int64), for printing */
	BPFQ_K_KEYS = 6,	/* a group key of several keys: segments, see below */
	BPFQ_K_CLOCK = 7,	/* user space, a group key only: a timestamp (its 00:00:00 shown) */
};

struct bpfq_field {
	__u64 lo;
	__s64 hi;
	__u32 kind;		/* enum bpfq_kind */
	__u32 pad;
};

/*
 * A group key: a field's text, or a value (kind BPFQ_K_INT or BPFQ_K_DEC, in
 * bytes); the map's key is its first BPFQ_KEY_BYTES_OF(BPFQ_KEY_MAX) bytes.
 * A text longer than the BPFQ_KEY_MAX bytes the key holds (up to
 * BPFQ_KEY_LONG) keeps its first BPFQ_KEY_MAX - 8 there, then the hash of
 * the rest (bpfq_key_hash()); len is all its bytes. The whole text goes to
 * a second map, once per such key (struct bpfq_keytext), where a key alike
 * in those bytes, length and hash but not in its text is found: an error,
 * never one group of two texts. Short keys, the common case, are hashed
 * and compared by the map over BPFQ_KEY_MAX bytes only.
 *
 * Several keys (kind BPFQ_K_KEYS) lie one after another in bytes, each in a
 * segment at a place fixed by the query (lang/front/sema.c place_keys()): a
 * byte of kind (BPFQ_K_*, and for a text key its size's code in bits 6-7),
 * a byte of 0, the text's length (16 bits, little-endian: BPFQ_SEG_LEN), 4
 * zeros, then 16 bytes of a value or the text's bytes, zeros past its
 * length; a text longer than its cap as a single key's is, its hash in its
 * last 8 bytes. Every key's place and length are in the bytes, so ("ab",
 * "c") and ("a", "bc") differ; segments are whole words, so a value is
 * stored in one.
 */
struct bpfq_key {
	__u32 reader;		/* each reader keeps its own groups; user space merges them */
	__u32 kind;		/* BPFQ_K_*: BPFQ_K_EMPTY for text, else the value's kind */
	__u32 len;
	__u32 pad;
	__u8 bytes[BPFQ_KEYS_BYTES] __attribute__((aligned(8)));
};
#define BPFQ_KEY_BYTES_OF(n) (16 + (n))	/* the map's key: the header and n bytes */
#define BPFQ_SEG_HEAD 8			/* a segment's kind, length and padding */
#define BPFQ_SEG_LEN 2			/* where in the head a text's length is (16 bits) */
#define BPFQ_SEG_NUM (BPFQ_SEG_HEAD + 16)	/* a value's segment */
#define BPFQ_SEG_TEXT(cap) (BPFQ_SEG_HEAD + (cap))	/* a text's: cap (16, 32, 64) bytes */
#define BPFQ_SEG_CODE(cap) ((cap) == 64 ? 0xc0 : (cap) == 32 ? 0x80 : 0x40)
#define BPFQ_SEG_CAP(b) ((b) & 0xc0 ? 8u << ((b) >> 6) : 0)	/* a text's cap, or 0 */

/* A long text key's hash: FNV-1a 64 of its bytes past the first cap - 8. */
#define BPFQ_KEY_H0 BPFQ_JSON_H1

/*
 * A text key longer than its cap, whole: the reader's scratch while the
 * record is read (struct bpfq_parse), and the value of the map of such
 * keys' texts, under their struct bpfq_keytext_id.
 */
struct bpfq_keytext {
	__u32 len;
	__u32 pad;
	__u64 hash;		/* bpfq_key_hash() of the bytes past the first cap - 8 */
	__u8 bytes[BPFQ_KEY_LONG] __attribute__((aligned(8)));
};

/* What the group key holds of a long text: its cap's bytes (the first cap - 8
 * and the hash), its length and cap. */
struct bpfq_keytext_id {
	__u32 len;
	__u32 cap;
	__u8 bytes[BPFQ_KEY_MAX] __attribute__((aligned(8)));
};

/* The record being read: what bpfq_emit() gets. */
struct bpfq_rec {
	struct bpfq_field f[BPFQ_MAX_SLOTS];
	__u64 off;		/* file offset of the record's first byte */
	struct bpfq_key key;	/* a text key, filled while the key field is read */
	__u32 key_long;		/* the key field was longer than BPFQ_KEY_LONG; of several
				 * keys, 1 + the slot of the first too long */
	__u32 pad;
	/* Each regex's DFA state over its field's bytes so far (lang/value/regex.h);
	 * 0 until a byte comes: the field is missing or empty, NULL. */
	__u8 rx[BPFQ_MAX_REGEX];
};

/*
 * A field compared as text: its first BPFQ_TEXT_MAX bytes and its length.
 * A string is at most BPFQ_TEXT_MAX bytes, so the prefix and the length
 * order the field against it exactly, however long the field is.
 */
struct bpfq_text {
	__u32 len;		/* the field's bytes, all of them */
	__u32 present;		/* the record has the field (0: missing, NULL) */
	__u64 tail;		/* bpfq_json_fold1() over the bytes past BPFQ_TEXT_MAX, from 0 */
	__u8 bytes[BPFQ_TEXT_MAX] __attribute__((aligned(8)));	/* a word at a time too */
};

/* A text match's positions (text.bpf.h), in the map: see struct bpfq_parse. */
struct bpfq_match {
	__u32 i, j;		/* the next byte of the text, and of the pattern */
	__u32 star, mark;	/* the last star's position, and where the text was then */
	__u32 n, m;		/* the text's and the pattern's lengths */
	__u32 off, flags;	/* the string in bpfq_lits, and BPFQ_MATCH_* */
	__s32 result;
	__u32 pad;
};

/* Tokenizer modes, carried across reads. */
enum bpfq_mode {
	BPFQ_MODE_IDLE = 0,	/* between tokens (fields) */
	BPFQ_MODE_NUM = 1,	/* inside a token that is a number so far */
	BPFQ_MODE_BAD = 2,	/* inside a token that is not a number, already counted */
	BPFQ_MODE_FRAC = 3,	/* inside a number, after its '.' */
	BPFQ_MODE_SKIP = 4,	/* text, csv: inside a field the query does not use */
	BPFQ_MODE_QUOTED = 5,	/* csv: inside a quoted field */
	BPFQ_MODE_QUOTE = 6,	/* csv: just after a quote inside a quoted field */
	BPFQ_MODE_TRAIL = 7,	/* text, csv: a number ended; only blanks may follow */
	BPFQ_MODE_EXP = 8,	/* inside a number, just after its 'e' or 'E' */
	BPFQ_MODE_EXPS = 9,	/* after the exponent's sign */
	BPFQ_MODE_EXPD = 10,	/* among the exponent's digits */
};

/* bpfq_tok.forms */
#define BPFQ_FORM_DOT 1		/* a '.': a decimal, even "5." */
#define BPFQ_FORM_LONG 2	/* the significand below holds the number (numtok.bpf.h) */

/*
 * The token (or used field) being read: small, so a parser keeps it in
 * registers and on the stack during a read and stores it once at the end.
 */
struct bpfq_tok {
	__u64 val;		/* magnitude of the integer digits so far */
	__u64 frac;		/* the fraction so far, in units of 10^-18 */
	__u64 start;		/* file offset of the token's (field's) first byte */
	__u32 mode;		/* enum bpfq_mode */
	__u32 neg;		/* it started with '-' */
	__u32 ndigits;		/* digits seen (a lone sign is malformed) */
	__u32 fdigits;		/* digits after the '.' */
	__u32 ovf;		/* the integer digits passed 2^63 */
	__u32 seen;		/* csv: bytes of the field so far, but leading blanks */
	__u32 forms;		/* BPFQ_FORM_* */
	/* BPFQ_FORM_LONG (more than 18 decimals, or an exponent): the value
	 * times 10^18 is sig * 10^scale, then digits that did not fit. */
	__s32 scale;
	__u64 sig_hi, sig_lo;
	__u32 lost;		/* a decimal dropped past the significand was not 0 */
	__u32 exp;		/* the exponent's magnitude, at most BPFQ_EXP_MAX */
	__u32 eneg;		/* the exponent's sign was '-' */
	/* BPFQ_MODE_BAD from its first byte on: up to 8 bytes of a word that
	 * may be a NULL (NA, inf, ...), lower case; wlen past 8: none. */
	__u32 wlen;
	__u64 word;
	__u32 tpos;		/* a time field: where in its ISO 8601 form (parse_time.bpf.h) */
	__u32 tpad;
};
#define BPFQ_EXP_MAX 100000

/*
 * JSON lines: a key path is known by two hashes of its keys' bytes, each
 * key's length folded in after them (so "a.b" as one key is not a, then
 * b). User space (sema, the evaluator) and the kernel fold the same way;
 * bpfq writes the wanted paths' hashes into the program as numbers, never
 * their text. Two independent 64-bit hashes agreeing by chance on a key
 * that is not wanted is the only way a wrong field is taken.
 */
#define BPFQ_JSON_DEPTH 8	/* objects and arrays open at once */
#define BPFQ_JSON_H1 0xcbf29ce484222325ULL	/* FNV-1a 64 offset basis */
#define BPFQ_JSON_H2 0x9e3779b97f4a7c15ULL

static inline __u64 bpfq_json_fold1(__u64 h, __u64 b)
{
	return (h ^ b) * 0x100000001b3ULL;	/* FNV-1a 64 */
}

static inline __u64 bpfq_json_fold2(__u64 h, __u64 b)
{
	h = (h + b + 1) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 29);
}

/*
 * count_distinct() of text: the hash of a field's bytes, the first
 * BPFQ_TEXT_MAX kept (bpfq_text) folded 8 at a time (little-endian words,
 * the last one's bytes past the text zero: bpfq_text_word()), then its
 * length and the fold of the bytes past them (tail), so a long text is
 * known by all its bytes; bpfq_fmix64() of that is the HyperLogLog's hash.
 */
static inline __u64 bpfq_text_word(__u64 w, __u32 left)
{
	return left >= 8 ? w : w & ((1ULL << (left * 8)) - 1);
}

static inline __u64 bpfq_text_hash_end(__u64 h, __u32 len, __u64 tail)
{
	h = bpfq_json_fold2(h, len);
	return len > BPFQ_TEXT_MAX ? bpfq_json_fold2(h, tail) : h;
}

/* murmur3's finalizer: every bit of k moves every bit of the hash. */
static inline __u64 bpfq_fmix64(__u64 k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

/* Where a JSON line is. */
enum bpfq_json_state {
	BPFQ_J_LINE,		/* before the line's first byte that is not a blank */
	BPFQ_J_KEY_OR_END,	/* after '{': a key or '}' */
	BPFQ_J_KEY_NEXT,	/* after an object's ',': a key */
	BPFQ_J_KEY,		/* inside a key */
	BPFQ_J_COLON,		/* after a key */
	BPFQ_J_VALUE,		/* after ':', or an array's ',' */
	BPFQ_J_VALUE_OR_END,	/* after '[': a value or ']' */
	BPFQ_J_STRING,		/* inside a string value */
	BPFQ_J_BARE,		/* inside a bare value: a number, true, false, null */
	BPFQ_J_AFTER,		/* after a value: ',' or the container's end */
	BPFQ_J_DONE,		/* after the line's object: blanks only */
	BPFQ_J_SKIP,		/* the line is no JSON object: skipped up to its end */
};

/* Inside a string: the escape being read. */
enum bpfq_json_esc {
	BPFQ_JE_NONE,
	BPFQ_JE_BACKSLASH,	/* after a backslash */
	BPFQ_JE_HEX,		/* BPFQ_JE_HEX + n: n hex digits of a u escape read (0..3) */
	BPFQ_JE_PAIR = BPFQ_JE_HEX + 4,	/* after a high surrogate: its low one's backslash */
	BPFQ_JE_PAIR_U,		/* and its 'u' */
};

/*
 * What a used value's end found (bpfq_json.note): counted when its record
 * ends, so that a line found malformed later counts for nothing but that.
 */
enum bpfq_json_note {
	BPFQ_JN_EMPTY = 1,	/* "" or blanks */
	BPFQ_JN_BAD = 2,	/* no number */
	BPFQ_JN_NULL = 3,	/* BPFQ_JN_NULL + enum bpfq_null_kind: a NULL word */
	BPFQ_JN_KIND = 0xf,	/* the bits above */
	BPFQ_JN_ROUNDED = 0x10,	/* more than 18 decimals */
	BPFQ_JN_BEYOND = 0x20,	/* past int64: an error */
};

/* The JSON parser's carry (parse_json.bpf.h, lang/engine/records.c json_byte()). */
struct bpfq_json {
	__u64 h1, h2;		/* the key being read: its path's hashes so far */
	__u64 klen;		/* its bytes so far */
	__u64 ph1[BPFQ_JSON_DEPTH], ph2[BPFQ_JSON_DEPTH];	/* each open object's path */
	__u32 state;		/* enum bpfq_json_state */
	__u32 depth;		/* objects and arrays open */
	__u32 arrays;		/* bit d: the container at depth d + 1 is an array */
	__u32 esc;		/* in a string: enum bpfq_json_esc */
	__u32 cp;		/* a u escape's code point so far */
	__u32 hi;		/* a high surrogate waiting for its low one */
	__u32 seen;		/* bit s: slot s has its value in this record */
	__u32 bare;		/* the value is a bare word (a number, true, null), not a string */
	__s32 field;		/* the key just read: its field, or -1 */
	__u32 bword;		/* a bare value's first 4 bytes, the first lowest */
	__u32 blen;		/* and its length: a bare null is NULL as text too */
	__u32 pad;
	__u64 voff[BPFQ_MAX_SLOTS];	/* each used value's first byte */
	__u8 note[BPFQ_MAX_SLOTS];	/* and what its end found: enum bpfq_json_note */
};

/* A token or record split between reads continues from here. */
struct bpfq_div {
	__u64 nh, nl;		/* the dividend; then the quotient */
	__u64 dh, dl;		/* the divisor */
	__u64 rh, rl;		/* the remainder */
	__u64 n2;		/* bpfq_udiv192(): the dividend's and quotient's top word */
};

struct bpfq_parse {
	struct bpfq_tok tok;
	__u32 field;		/* text, csv: the 0-based position of the current field */
	__u32 in_record;	/* text, csv: the current record has begun */
	__u32 in_field;		/* text: inside a field */
	__u32 quoted;		/* csv: the current field began with a quote */
	__u32 cr;		/* text, csv: a '\r' waits for a '\n' */
	__u32 qstate;		/* csv: 1 inside quotes, 2 just after a quote inside them */
	__s32 slot;		/* text, csv: the current field's slot, or -1 */
	__u32 partial;		/* binary: bytes of the current record so far */
	__u32 pad;
	__u64 streams[2];	/* text, csv: a batch's positions so far (fast_lines.bpf.h) */
	__u64 stream_at[BPFQ_MAX_STREAMS];	/* where each stream of a read is (streams.bpf.h) */
	__u64 stream_end[BPFQ_MAX_STREAMS];	/* and where it ends */
	struct bpfq_json json;	/* json: where in the line */
	__u8 bytes[BPFQ_MAX_RECORD];	/* binary: those bytes */
	struct bpfq_rec rec;	/* the record's fields so far */
	struct bpfq_text texts[BPFQ_MAX_TEXTS];	/* text, csv: the fields compared as text */
	struct bpfq_match match;	/* a like's positions while it runs (text.bpf.h) */
	/* A decimal / and %'s working values (prelude.bpf.h bpfq_d_div()): here,
	 * not on the stack, which the general path's chain of calls fills. */
	struct bpfq_div div;
	/* by: each text key longer than its cap, whole (the single key's is the
	 * first), and the id the map of their texts takes it by. */
	struct bpfq_keytext keytext[BPFQ_MAX_KEYS];
	struct bpfq_keytext_id keyid;
};

/* The scan's counters; the aggregates' states follow in struct bpfq_state's area. */
struct bpfq_result {
	__u64 bytes;		/* bytes parsed */
	__u64 reads;		/* read() calls parsed, the final 0-byte one too */
	__u64 records;		/* numbers: values; others: records */
	__u64 matched;		/* records that passed the where clause */
	__u64 malformed;	/* numbers: tokens skipped; binary: values past int64 */
	__u64 malformed_off;	/* file offset of the first */
	__u64 empty;		/* used fields that were empty (csv): NULL */
	__u64 empty_off;
	__u64 bad;		/* used fields that were not numbers: NULL */
	__u64 bad_off;
	__u64 badtime;		/* used as a time, not an ISO 8601 time: NULL */
	__u64 badtime_off;
	__u64 missing;		/* records that lacked a used field: NULL */
	__u64 missing_off;
	__u64 nulls[BPFQ_NULL_KINDS];	/* text, csv: fields that were such words: NULL */
	__u64 nulls_off;	/* the first of them */
	__u64 rounded;		/* numbers with nonzero decimals past the 18th: rounded */
	__u64 rounded_off;
	__u64 partial;		/* binary: bytes of a last, incomplete record (not read) */
	__u64 error_off;	/* file offset of the record that failed */
	struct bpfq_field error_x;	/* numbers, binary streams: the value x that failed */
	__u32 error;		/* enum bpfq_error; the scan stops */
	__u32 error_node;	/* AST node id of the failing operator */
	__u32 eof;		/* the 0-byte read was seen: last record done */
	__u32 done;		/* answer known (all exists true) or error */
};

/* The fields read as NULL for a word (NA, inf, ...), all kinds together. */
static inline __u64 bpfq_nulls(const struct bpfq_result *r)
{
	__u64 n = 0;

	for (int i = 0; i < BPFQ_NULL_KINDS; i++)
		n += r->nulls[i];
	return n;
}

/*
 * The states of the aggregates, in 64-bit words of the area. Every state
 * starts all zero: min and max look at the counts, not at identities, so
 * a new group needs no initialization. Sums of integers (the fast path,
 * when every used field of a record is an integer) and of decimals are
 * kept apart, and joined in user space: the fast path never scales.
 */
struct bpfq_agg {
	__u64 count;		/* values folded; exists, count(): conditions true, records */
	__u64 icount;		/* of them, integers (the fast path) */
	__u64 isum_lo;		/* 128-bit two's complement sum of those: never wraps */
	__s64 isum_hi;
	__u64 dsum[3];		/* of the others, times 10^18, 192-bit: never wraps */
	__s64 imin, imax;	/* of the integers */
	__u64 dmin_lo;		/* of the others, times 10^18 */
	__s64 dmin_hi;
	__u64 dmax_lo;
	__s64 dmax_hi;
};

/*
 * min(), max() of text: the least (greatest) field so far, in byte order,
 * then the shorter first; its first BPFQ_TEXT_MAX bytes and its length.
 * Two fields are ordered exactly unless both are longer and their kept
 * bytes agree: either is kept then, and whatever orders before (after)
 * one does the other. The answer is printed only when it is no longer
 * (cmd/output.c output_check_text()), so it is never a cut value.
 */
struct bpfq_textagg {
	__u64 count;		/* values folded */
	__u32 len;		/* the kept one's bytes, all of them */
	__u32 pad;
	__u8 bytes[BPFQ_TEXT_MAX];
};

/*
 * var(), stddev(): exact moments of the values times 10^18. Each
 * |v * 10^18| is below 2^123: the sum of 2^64 of them is below 2^187,
 * their squares below 2^246 each and 2^310 in all.
 */
struct bpfq_moments {
	__u64 count;
	__u64 sum[3];		/* 192-bit two's complement: sum of v * 10^18 */
	__u64 sumsq[5];		/* 320-bit: sum of (v * 10^18)^2 */
};

/*
 * corr(y, x), covar_pop, covar_samp, regr_slope, regr_intercept: each
 * column's moments, over the pairs where neither is NULL, and the sum of
 * the products y * x * 10^36, its positive and negative terms apart (each
 * term is below 2^246, 2^64 of them below 2^310: 320 bits never wrap).
 */
struct bpfq_comoments {
	struct bpfq_moments y, x;
	__u64 sumxy_pos[5];
	__u64 sumxy_neg[5];
};

/* hist(): (..., 0), [0, 1), [1, 2), [2, 4), ..., [2^62, 2^63). */
#define BPFQ_HIST_BUCKETS 65

/*
 * quantile(): log-linear buckets of |v| * 2^30 (n, below 2^93): n < 2^b
 * exactly, then 2^b buckets per power of two, so a bucket's lower bound
 * is within 2^-b of every value in it. A bucket per sign, and one for
 * |n| < 1. The whole input's has b = 7 (1/128, 0.78%) and 64-bit counts;
 * with by, each group's has b = 5 (1/32, 3.1%) and 32-bit counts, 22 KB
 * and not 178, as the groups map holds up to --max-groups of them.
 */
#define BPFQ_Q_BITS 7
#define BPFQ_Q_BITS_GROUP 5
#define BPFQ_Q_SUB_OF(b) (1 << (b))
#define BPFQ_Q_PER_SIGN_OF(b) ((94 - (b)) << (b))
#define BPFQ_Q_BUCKETS_OF(b) (1 + 2 * BPFQ_Q_PER_SIGN_OF(b))
#define BPFQ_Q_SUB BPFQ_Q_SUB_OF(BPFQ_Q_BITS)
#define BPFQ_Q_PER_SIGN BPFQ_Q_PER_SIGN_OF(BPFQ_Q_BITS)
#define BPFQ_Q_BUCKETS BPFQ_Q_BUCKETS_OF(BPFQ_Q_BITS)

/*
 * quantile_exact(), and quantile() without by: every value, kept in a
 * map of these (bpfq_values) that user space sorts. Entry 0 is the
 * header: lo counts the values put so far (by every reader at once: an
 * atomic add reserves an entry), hi is how many this scan may put (what
 * is left of --max-values), item is 1 once a value found none; the
 * values follow from entry 1, each with the item that folded it.
 */
struct bpfq_xval {
	__u64 lo;
	__s64 hi;
	__u64 item;
};

/*
 * count_distinct(): exact while its values fit the set (the bpfq_distinct
 * hash map, --max-distinct entries), HyperLogLog's estimate after. The
 * state is BPFQ_DISTINCT_HEAD words, then the registers: 2^14, standard
 * error 0.81%; with by, 2^10 (3.25%): a group's state is then 1 KB, not
 * 16, as the groups map holds up to --max-groups of them for each reader.
 */
#define BPFQ_HLL_P 14
#define BPFQ_HLL_REGS (1u << BPFQ_HLL_P)
#define BPFQ_HLL_P_GROUP 10

/*
 * The state's head: the values folded; the group's hash (with by,
 * bpfq_group_hash() | 1 once the group folds a value; 0 without by); 1 if
 * a value found the set full (the answer is then the estimate); the values
 * this state put into the set first. Readers share the set, so their
 * states' counts add up to the number of distinct values.
 */
enum {
	BPFQ_DISTINCT_N = 0,
	BPFQ_DISTINCT_GROUP = 1,
	BPFQ_DISTINCT_FULL = 2,
	BPFQ_DISTINCT_NEW = 3,
	BPFQ_DISTINCT_HEAD = 4,
};

/*
 * A key of the set: the item that folds the value, the group's hash, and
 * the value as the value model holds it (times 10^18: 1 and 1.0 are one
 * value), or for text (tag 1) a 64-bit hash of its bytes and its length.
 */
struct bpfq_dkey {
	__u32 item;
	__u32 tag;
	__u64 group;
	__u64 lo;
	__u64 hi;
};

/*
 * A group key's hash, the same in the kernel and user space: its words
 * past the reader, each with its place, zero words left out (so bytes
 * past the map's key size, zero in user space, do not change it).
 */
static inline __u64 bpfq_group_word_hash(__u64 h, __u64 w, __u32 i)
{
	return w ? h + bpfq_fmix64(w ^ ((__u64)(i + 1) * 0x9e3779b97f4a7c15ULL)) : h;
}

/*
 * One map value starts with this: the program's whole state for one query
 * and one reader. The aggregates' area follows it, sizeof(struct
 * bpfq_state) bytes from the start (a multiple of 8): the generated
 * program knows its size, user space reads it from the map's value size.
 */
struct bpfq_state {
	struct bpfq_target target;
	struct bpfq_hook_state hook;
	struct bpfq_parse parse;
	struct bpfq_result result;
};

#endif /* BPFQ_STATE_H */
