/* SPDX-License-Identifier: MIT */
/*
 * What the unit tests share: checks that count, and print what they
 * expected and what they got when they fail; parsing and checking a query;
 * running one through the reference evaluator. No framework: each test
 * ends with unit_done(), whose line "N passed, N failed" make unit shows.
 *
 * Static inline, so that each test takes only what it uses and no helper
 * object has to be linked into every test (plain and ASan builds).
 */
#ifndef BPFQ_UNIT_H
#define BPFQ_UNIT_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/engine/eval.h"
#include "lang/front/diag.h"
#include "lang/front/parser.h"
#include "lang/front/sema.h"
#include "lang/value/aggs.h"
#include "lang/value/layout.h"
#include "lang/value/values.h"

static int passed, failed;

static inline void fail(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void fail(const char *what, const char *fmt, ...)
{
	va_list ap;

	failed++;
	printf("FAIL %s\n", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static inline void expect_str(const char *what, const char *expected, const char *actual)
{
	if (!strcmp(expected, actual)) {
		passed++;
		return;
	}
	fail(what, "--- expected\n%s\n--- actual\n%s\n---\n", expected, actual);
}

static inline void expect_u64(const char *what, const char *field, uint64_t expected,
			      uint64_t actual)
{
	if (expected == actual) {
		passed++;
		return;
	}
	fail(what, "  %s: expected %" PRIu64 ", actual %" PRIu64 "\n", field, expected, actual);
}

static inline void expect_s64(const char *what, const char *field, int64_t expected,
			      int64_t actual)
{
	if (expected == actual) {
		passed++;
		return;
	}
	fail(what, "  %s: expected %" PRId64 ", actual %" PRId64 "\n", field, expected, actual);
}

/* The last line of a test, and its exit status. */
static inline int unit_done(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

/* Parse and check; the printed diagnostic, or "ok". Returns malloc()ed text. */
static inline char *front(const char *text, struct query *q)
{
	struct diag d = { 0 };
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	memset(q, 0, sizeof(*q));
	if (parse_query(text, strlen(text), q, &d) && sema_check(q, NULL, &d))
		return strdup("ok");
	f = open_memstream(&out, &len);
	diag_print(f, "error", text, strlen(text), &d);
	fclose(f);
	return out;
}

/* A query that must pass the front end (a check); release() frees it. */
static inline struct query *checked(const char *text)
{
	struct query *q = calloc(1, sizeof(*q));
	char *out = front(text, q);

	expect_str(text, "ok", out);
	free(out);
	return q;
}

static inline void release(struct query *q)
{
	query_free(q);
	free(q);
}

/* A scan's counters, and each aggregate's answer as the printer writes it. */
struct outcome {
	struct bpfq_result r;
	char v[BPFQ_MAX_AGGS][VALUE_MAX];
};

static inline void answers(const struct query *q, const uint64_t *area, struct outcome *o)
{
	for (int i = 0; i < q->nitems; i++) {
		struct agg_desc d;

		agg_desc_of(q->items[i], &d);
		if (value_is_hist(&d))
			snprintf(o->v[i], VALUE_MAX, "(hist)");
		else
			value_text(&d, area + layout_offset(q, i), o->v[i], VALUE_MAX);
	}
}

/* Feed input in chunks of `chunk` bytes (0: whole), then finish. */
static inline struct outcome run(const struct query *q, const char *in, size_t len,
				 size_t chunk)
{
	struct eval *e = eval_new(q, 1000);
	struct outcome o;
	size_t step = chunk ? chunk : len;

	memset(&o, 0, sizeof(o));
	for (size_t off = 0; off < len; off += step)
		if (eval_feed(e, in + off, len - off < step ? len - off : step))
			break;
	eval_finish(e);
	o.r = *eval_result(e);
	answers(q, eval_area(e), &o);
	eval_free(e);
	return o;
}

/* The answers of a query over n bytes of input, "a;b;c". */
static inline void expect_answers_n(const char *what, const char *text, const char *in,
				    size_t n, const char *want)
{
	struct query *q = checked(text);
	struct outcome o = run(q, in, n, 0);
	char got[1024] = "";

	for (int i = 0; i < q->nitems; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? ";" : "", o.v[i]);
	expect_str(what, want, got);
	release(q);
}

static inline void expect_answers(const char *what, const char *text, const char *in,
				  const char *want)
{
	expect_answers_n(what, text, in, strlen(in), want);
}

#endif /* BPFQ_UNIT_H */
