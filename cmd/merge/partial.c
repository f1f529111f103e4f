// SPDX-License-Identifier: MIT
/* --partial lines: printing them, and reading them back for bpfq merge. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/merge/json_read.h"
#include "cmd/merge/partial.h"
#include "lang/engine/keytext.h"
#include "lang/front/sema.h"

/* having, order by and limit: bpfq merge applies them to the merged answer. */
static void post_select(FILE *f, const struct query *q)
{
	char label[1024];

	if (q->having) {
		ast_render(q, q->having, label, sizeof(label));
		fprintf(f, " having %s", label);
	}
	for (int i = 0; i < q->norder; i++) {
		ast_render(q, q->order[i].e, label, sizeof(label));
		fprintf(f, "%s%s%s", i ? ", " : " order by ", label, q->order[i].desc ? " desc" : "");
	}
	if (q->limit)
		fprintf(f, " limit %lld", (long long)q->limit);
}

char *partial_select(const struct query *q)
{
	char *text = NULL, label[1024];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	for (int i = 0; i < (q->post ? q->ncols : q->nitems); i++) {
		const struct node *n = q->post ? q->cols[i] : q->items[i];

		ast_render(q, n, label, sizeof(label));
		fprintf(f, "%s%s", i ? ", " : "", label);
		if (n->as.end > n->as.begin)
			fprintf(f, " as %.*s", (int)(n->as.end - n->as.begin), q->text + n->as.begin);
	}
	if (q->where) {
		ast_render(q, q->where, label, sizeof(label));
		fprintf(f, " where %s", label);
	}
	for (int i = 0; i < ast_nkeys(q); i++) {
		if (ast_key(q, i))
			ast_render(q, ast_key(q, i), label, sizeof(label));
		fprintf(f, "%s%s", i ? ", " : " by ", ast_key(q, i) ? label : "file");
	}
	post_select(f, q);
	return fclose(f) ? (free(text), NULL) : text;
}

void partial_kinds(const struct query *q, char kinds[BPFQ_MAX_SLOTS + 1])
{
	int i;

	for (i = 0; i < q->nslots && i < BPFQ_MAX_SLOTS; i++)
		kinds[i] = q->slot_time[i] ? 'T' : q->slot_text[i] ? 't' : 'n';
	kinds[i] = 0;
}

static void print_head(FILE *f)
{
	char host[256] = "";

	gethostname(host, sizeof(host) - 1);
	fprintf(f, "{\"bpfq_partial\":%d,\"host\":", PARTIAL_VERSION);
	escape_json_string(f, host);
}

/* set: a count_distinct whose values the partial carries (print_distinct()). */
static void print_desc(FILE *f, const char *name, const struct agg_desc *d, bool set)
{
	fputs("{\"name\":", f);
	escape_json_string(f, name);
	fprintf(f, ",\"kind\":\"%s\",\"words\":%d,\"buckets\":%d,\"lo\":%" PRId64 ",\"hi\":%" PRId64
		   ",\"step\":%" PRId64 ",\"q\":%" PRId64 "%s", agg_name(d->kind), d->words,
		d->nbuckets, d->lo, d->hi, d->step, d->q,
		d->time ? ",\"time\":true" : d->text ? ",\"text\":true" : "");
	if (d->clock)
		fputs(",\"clock\":true", f);
	if (d->share)
		fprintf(f, ",\"share\":%d", d->share);
	if (d->mid)
		fputs(",\"median\":true", f);
	if (set)
		fputs(",\"set\":true", f);
	fputc('}', f);
}

/*
 * count_distinct's sets: [item, group, tag, lo, hi] (bpfq_state.h struct
 * bpfq_dkey; group the state's BPFQ_DISTINCT_GROUP word), so that bpfq
 * merge counts the union of the runs' values.
 */
static void print_distinct(FILE *f, const struct distinct_set *s)
{
	const struct bpfq_dkey *k;
	size_t at = 0;
	bool first = true;

	fputs(",\"distinct\":[", f);
	while (s && (k = distinct_next(s, &at))) {
		fprintf(f, "%s[%" PRIu32 ",%" PRIu64 ",%" PRIu32 ",%" PRIu64 ",%" PRIu64 "]",
			first ? "" : ",", k->item, (uint64_t)k->group, k->tag, (uint64_t)k->lo,
			(uint64_t)k->hi);
		first = false;
	}
	fputc(']', f);
}

/* The kept values (quantile, quantile_exact): [item, value * BPFQ_SCALE]. */
static void print_values(FILE *f, const struct exact_values *x)
{
	char text[48];

	fputs(",\"values\":[", f);
	for (size_t i = 0; x && i < x->n; i++) {
		num_print_i128(text, sizeof(text), num_from_words(x->v[i].lo, x->v[i].hi));
		fprintf(f, "%s[%" PRIu64 ",%s]", i ? "," : "", (uint64_t)x->v[i].item, text);
	}
	fputc(']', f);
}

/* The nonzero words: most of a quantile's 22 thousand buckets are empty. */
static void print_state(FILE *f, const uint64_t *area, int words)
{
	bool first = true;

	fputs("\"state\":[", f);
	for (int i = 0; i < words; i++) {
		if (!area[i])
			continue;
		fprintf(f, "%s[%d,%" PRIu64 "]", first ? "" : ",", i, area[i]);
		first = false;
	}
	fputc(']', f);
}

struct long_keys {
	FILE *f;
	bool *first;
};

/* Several keys: a text longer than its key holds (lang/engine/keytext.h), whole. */
static int print_long_key(const uint8_t *text, uint32_t len, uint32_t cap, void *ctx)
{
	struct long_keys *l = ctx;

	fprintf(l->f, "%s{\"cap\":%u,\"text\":\"", *l->first ? "" : ",", cap);
	for (uint32_t b = 0; b < len; b++)
		fprintf(l->f, "%02x", text[b]);
	fputs("\"}", l->f);
	*l->first = false;
	return 0;
}

static void print_groups(FILE *f, const struct answer *a, int words)
{
	fputs(",\"by\":", f);
	escape_json_string(f, a->key_name);
	if (a->key_time && a->nkeys <= 1)
		fputs(",\"by_time\":true", f);
	for (int j = 0; j < a->nkeys && a->nkeys > 1; j++) {
		fputs(j ? "," : ",\"keys\":[", f);
		escape_json_string(f, a->key_names[j]);
	}
	if (a->nkeys > 1)
		fprintf(f, "],\"key_times\":%u", a->key_time);
	if (a->key_clock)
		fprintf(f, ",\"key_clocks\":%u", a->key_clock);
	if (a->nkeys > 1) {
		bool first = true;

		fputs(",\"long_keys\":[", f);
		keytext_each(print_long_key, &(struct long_keys){ f, &first });
		fputc(']', f);
	}
	fputs(",\"groups\":[", f);
	for (long g = 0; g < a->ngroups; g++) {
		const struct bpfq_key *k = &a->groups[g].key;

		const uint8_t *bytes = k->bytes;
		uint32_t len = k->len;

		/* A single long text key, whole; several keys hold theirs in long_keys. */
		if (k->kind == BPFQ_K_EMPTY && !(bytes = keys_text(k, &len)))
			len = 0;
		fprintf(f, "%s{\"kind\":%u,\"key\":\"", g ? "," : "", k->kind);
		for (uint32_t b = 0; b < len && b < (k->kind == BPFQ_K_KEYS ? BPFQ_KEYS_BYTES :
							       BPFQ_KEY_LONG); b++)
			fprintf(f, "%02x", bytes[b]);
		fputs("\",", f);
		print_state(f, a->groups[g].area, words);
		fputc('}', f);
	}
	fputc(']', f);
}

void partial_print(FILE *f, const char *select, const struct answer *a)
{
	const struct bpfq_result *r = a->result;
	int words = output_offset(a, a->naggs);

	print_head(f);
	fputs(",\"select\":", f);
	escape_json_string(f, select);
	if (a->kinds) {
		fputs(",\"kinds\":", f);
		escape_json_string(f, a->kinds);
	}
	fprintf(f, ",\"records\":%" PRIu64 ",\"matched\":%" PRIu64 ",\"malformed\":%" PRIu64
		   ",\"empty\":%" PRIu64 ",\"bad\":%" PRIu64 ",\"missing\":%" PRIu64
		   ",\"rounded\":%" PRIu64, (uint64_t)r->records,
		(uint64_t)r->matched, (uint64_t)r->malformed, (uint64_t)r->empty, (uint64_t)r->bad,
		(uint64_t)r->missing, (uint64_t)r->rounded);
	if (r->badtime)
		fprintf(f, ",\"badtime\":%" PRIu64, (uint64_t)r->badtime);
	if (bpfq_nulls(r))
		fprintf(f, ",\"null_na\":%" PRIu64 ",\"null_null\":%" PRIu64 ",\"null_dash\":%" PRIu64
			   ",\"null_inf\":%" PRIu64 ",\"null_nan\":%" PRIu64,
			(uint64_t)r->nulls[0], (uint64_t)r->nulls[1], (uint64_t)r->nulls[2],
			(uint64_t)r->nulls[3], (uint64_t)r->nulls[4]);
	fputs(",\"aggregates\":[", f);
	for (int i = 0; i < a->naggs; i++) {
		if (i)
			fputc(',', f);
		print_desc(f, a->names[i], &a->descs[i], a->distinct_items >> i & 1);
	}
	fputc(']', f);
	if (a->key_name) {
		print_groups(f, a, words);
	} else {
		fputc(',', f);
		print_state(f, a->area, words);
	}
	for (int i = 0; i < a->naggs; i++)
		if (a->descs[i].keeps && !a->descs[i].share) {
			print_values(f, a->values);
			break;
		}
	if (a->distinct_items)
		print_distinct(f, a->distinct);
	fputs("}\n", f);
}

void partial_print_error(FILE *f, int status, const char *error)
{
	print_head(f);
	fprintf(f, ",\"status\":%d,\"error\":", status);
	escape_json_string(f, error);
	fputs("}\n", f);
}

/* A number as an integer, range-checked: a partial is input, not trusted. */
static int num_int(const struct json *j, i128 lo, i128 hi, i128 *v)
{
	const char *p;
	i128 n = 0;
	bool neg;

	if (!j || j->kind != JSON_NUMBER)
		return -1;
	p = j->text;
	neg = *p == '-';
	p += neg;
	if (!*p || strlen(p) > 38)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (*p - '0');
	}
	*v = neg ? -n : n;
	return *v < lo || *v > hi ? -1 : 0;
}

static int get_int(const struct json *obj, const char *key, i128 lo, i128 hi, i128 *v)
{
	return num_int(json_get(obj, key), lo, hi, v);
}

#define U64_MAX_ ((i128)UINT64_MAX)
#define S64_MIN_ ((i128)INT64_MIN)
#define S64_MAX_ ((i128)INT64_MAX)

static enum agg_kind kind_by_name(const char *name)
{
	for (int k = AGG_COUNT; k <= AGG_LAST; k++)
		if (!strcmp(agg_name(k), name))
			return k;
	return AGG_NONE;
}

/* The description must be one this bpfq would make: the words follow the kind. */
static int parse_desc(const struct json *j, struct partial *p, const char **err)
{
	const struct json *name = json_get(j, "name"), *kind = json_get(j, "kind");
	const struct json *time = json_get(j, "time"), *text = json_get(j, "text");
	const struct json *median = json_get(j, "median");
	struct agg_desc *d = &p->descs[p->naggs];
	struct node call = { 0 };
	i128 words, buckets, lo, hi, step, q, share = 0;

	if (!name || name->kind != JSON_STRING || !kind || kind->kind != JSON_STRING ||
	    kind_by_name(kind->text) == AGG_NONE || get_int(j, "words", 1, 1 << 20, &words) ||
	    get_int(j, "buckets", 0, 1 << 20, &buckets) ||
	    get_int(j, "lo", S64_MIN_, S64_MAX_, &lo) || get_int(j, "hi", S64_MIN_, S64_MAX_, &hi) ||
	    get_int(j, "step", S64_MIN_, S64_MAX_, &step) ||
	    get_int(j, "q", 0, BPFQ_SCALE, &q)) {
		*err = "an aggregate lacks name, kind, words, buckets, lo, hi, step or q";
		return -1;
	}
	/* quantile(e, q1, q2): the second ranks the first's values (and state), kept before it */
	if (json_get(j, "share") &&
	    (get_int(j, "share", 1, p->naggs, &share) || !agg_is_quantile(kind_by_name(kind->text)) ||
	     p->descs[share - 1].kind != kind_by_name(kind->text) || p->descs[share - 1].share)) {
		*err = "an aggregate's share is not an earlier quantile of its kind";
		return -1;
	}
	/* median(e): one argument, the mean of the two middle values */
	if (median && (median->kind != JSON_TRUE || !agg_is_quantile(kind_by_name(kind->text)) ||
		       q != BPFQ_SCALE / 2 || share)) {
		*err = "an aggregate's median is not true of a quantile at 0.5";
		return -1;
	}
	call.agg = kind_by_name(kind->text);
	call.nbuckets = buckets;
	call.lo = lo;
	call.hi = hi;
	call.step = step;
	call.q = q;
	call.share = (int)share;
	call.nargs = median ? 1 : 2;
	/* count_distinct's registers: fewer with by (lang/value/layout.c) */
	if (call.agg == AGG_COUNT_DISTINCT && words == BPFQ_DISTINCT_HEAD + (1 << BPFQ_HLL_P_GROUP) / 8)
		call.hll_p = BPFQ_HLL_P_GROUP;
	/* and quantile's buckets (bpfq_state.h) */
	if (call.agg == AGG_QUANTILE && words == 1 + (BPFQ_Q_BUCKETS_OF(BPFQ_Q_BITS_GROUP) + 1) / 2)
		call.q_bits = BPFQ_Q_BITS_GROUP;
	/* min and max of times print as times */
	call.type = time && time->kind == JSON_TRUE && (call.agg == AGG_MIN || call.agg == AGG_MAX) ?
		    TYPE_TIME : TYPE_NUM;
	/* and of text, as text */
	if (text && text->kind == JSON_TRUE && (call.agg == AGG_MIN || call.agg == AGG_MAX))
		call.type = TYPE_TEXT;
	call.clock = call.type == TYPE_TIME && json_get(j, "clock") &&
		     json_get(j, "clock")->kind == JSON_TRUE;
	agg_desc_of(&call, d);
	if (d->words != words || (call.agg == AGG_HIST && buckets != BPFQ_HIST_BUCKETS) ||
	    (call.agg == AGG_LHIST && (step <= 0 || hi <= lo || buckets > 1002 ||
				       buckets != ((i128)hi - lo + step - 1) / step + 2))) {
		*err = "an aggregate's state does not have its kind's size";
		return -1;
	}
	if (json_get(j, "set") && (json_get(j, "set")->kind != JSON_TRUE ||
				   call.agg != AGG_COUNT_DISTINCT)) {
		*err = "an aggregate with a set is not a count_distinct";
		return -1;
	}
	if (json_get(j, "set"))
		p->distinct_items |= 1u << p->naggs;
	if (!(p->names[p->naggs++] = strdup(name->text))) {
		*err = "out of memory";
		return -1;
	}
	return 0;
}

/* [[word, value], ...] into an area of p->words words. */
static int parse_state(const struct json *state, struct partial *p, uint64_t *area,
		       const char **err)
{
	if (!state || state->kind != JSON_ARRAY) {
		*err = "a partial lacks its state";
		return -1;
	}
	for (const struct json *e = state->child; e; e = e->next) {
		i128 word, v;

		if (e->kind != JSON_ARRAY || num_int(e->child, 0, p->words - 1, &word) ||
		    num_int(e->child->next, 0, U64_MAX_, &v) || e->child->next->next) {
			*err = "a state word is not [index, value] within the state";
			return -1;
		}
		area[word] = (uint64_t)v;
	}
	return 0;
}

/* The kept values: each of an item that keeps them, a value an engine can hold. */
static int parse_values(const struct json *values, struct partial *p, const char **err)
{
	const i128 most = ((i128)1 << 63) * (i128)BPFQ_SCALE;

	if (!values || values->kind != JSON_ARRAY) {
		*err = "a partial of quantile_exact lacks its values";
		return -1;
	}
	for (const struct json *e = values->child; e; e = e->next) {
		i128 item, v;

		if (e->kind != JSON_ARRAY || num_int(e->child, 0, p->naggs - 1, &item) ||
		    !p->descs[item].keeps || p->descs[item].share ||
		    num_int(e->child->next, -most, most - 1, &v) ||
		    e->child->next->next) {
			*err = "a value is not [item, value] of a quantile that keeps them";
			return -1;
		}
		if (exact_add(&p->values, v, (int)item)) {
			*err = "out of memory";
			return -1;
		}
	}
	return 0;
}

/* A producer's group hash and the merge's for the same key (distinct_group_hash()). */
struct group_hash {
	uint64_t theirs, ours;
};

static int by_theirs(const void *pa, const void *pb)
{
	const struct group_hash *a = pa, *b = pb;

	return a->theirs < b->theirs ? -1 : a->theirs > b->theirs;
}

/* Each group's hash in a set item's state, with by: what its values name. */
static struct group_hash *group_hashes(const struct partial *p, size_t *n)
{
	long ng;
	struct group *g = groups_sorted(p->groups, &ng);
	struct group_hash *h = calloc((size_t)ng * BPFQ_MAX_AGGS + 1, sizeof(*h));
	int off = 0;

	*n = 0;
	for (int i = 0; g && h && i < p->naggs; off += p->descs[i++].words)
		for (long k = 0; p->distinct_items >> i & 1 && k < ng; k++)
			if (g[k].area[off + BPFQ_DISTINCT_GROUP])
				h[(*n)++] = (struct group_hash){ g[k].area[off + BPFQ_DISTINCT_GROUP],
								distinct_group_hash(&g[k].key) };
	if (!g) {
		free(h);
		return NULL;
	}
	qsort(h, *n, sizeof(*h), by_theirs);
	return h;
}

/* One value of a set: its group's hash made the merge's. */
static int parse_dkey(const struct json *e, struct partial *p, const struct group_hash *h,
		      size_t nh, struct bpfq_dkey *k)
{
	i128 item, group, tag, lo, hi;
	const struct json *c = e->kind == JSON_ARRAY ? e->child : NULL;
	struct group_hash want, *found;

	if (!c || num_int(c, 0, p->naggs - 1, &item) || !(p->distinct_items >> item & 1) ||
	    !(c = c->next) || num_int(c, 0, U64_MAX_, &group) || !(c = c->next) ||
	    num_int(c, 0, 1, &tag) || !(c = c->next) || num_int(c, 0, U64_MAX_, &lo) ||
	    !(c = c->next) || num_int(c, 0, U64_MAX_, &hi) || c->next)
		return -1;
	*k = (struct bpfq_dkey){ .item = (uint32_t)item, .tag = (uint32_t)tag, .lo = (uint64_t)lo,
				 .hi = (uint64_t)hi };
	if (!p->groups)
		return group ? -1 : 0;
	want.theirs = (uint64_t)group;
	found = nh ? bsearch(&want, h, nh, sizeof(*h), by_theirs) : NULL;
	if (!found)
		return -1;
	k->group = found->ours;
	return 0;
}

/* count_distinct's sets (print_distinct()), into p->distinct. */
static int parse_distinct(const struct json *values, struct partial *p, const char **err)
{
	struct group_hash *h = NULL;
	size_t nh = 0;
	int rc = -1;

	distinct_init(&p->distinct, DISTINCT_LIMIT);
	if (!p->distinct_items)
		return 0;
	if (!values || values->kind != JSON_ARRAY) {
		*err = "a partial of count_distinct lacks its values";
		return -1;
	}
	if (p->groups && !(h = group_hashes(p, &nh))) {
		*err = "out of memory";
		return -1;
	}
	for (const struct json *e = values->child; e; e = e->next) {
		struct bpfq_dkey k;

		if (parse_dkey(e, p, h, nh, &k)) {
			*err = "a value is not [item, group, tag, lo, hi] of a count_distinct";
			goto out;
		}
		if (distinct_add(&p->distinct, &k) < 0) {
			*err = "count_distinct's values are too many to merge";
			goto out;
		}
	}
	rc = 0;
out:
	free(h);
	return rc;
}

static int hex_nibble(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int parse_hex(const char *hex, uint8_t *out, size_t n, const char **err)
{
	for (size_t i = 0; i < n; i++) {
		int h = hex_nibble(hex[2 * i]), l = hex_nibble(hex[2 * i + 1]);

		if (h < 0 || l < 0) {
			*err = "a group's key is not hex";
			return -1;
		}
		out[i] = h << 4 | l;
	}
	return 0;
}

#define KEYSAME_TEXT "two group keys of the same length, alike in their first bytes and in the " \
		     "hash of the rest, differ: bpfq cannot tell them apart"

static int parse_key(const struct json *g, struct bpfq_key *k, const char **err)
{
	const struct json *hex = json_get(g, "key");
	i128 kind;
	size_t n;

	memset(k, 0, sizeof(*k));
	uint8_t text[BPFQ_KEY_LONG];
	int put;

	if (get_int(g, "kind", BPFQ_K_MISSING, BPFQ_K_KEYS, &kind) || kind == BPFQ_K_BAD ||
	    kind == BPFQ_K_TIME || kind == BPFQ_K_CLOCK || !hex || hex->kind != JSON_STRING ||
	    (n = strlen(hex->text)) % 2 ||
	    n / 2 > (kind == BPFQ_K_KEYS ? BPFQ_KEYS_BYTES :
		     kind == BPFQ_K_EMPTY ? BPFQ_KEY_LONG : BPFQ_KEY_MAX)) {
		*err = "a group lacks its kind or key";
		return -1;
	}
	k->kind = kind;
	k->len = n / 2;
	if (parse_hex(hex->text, text, n / 2, err))
		return -1;
	/* A text longer than the key holds: its first bytes and hash, as the kernel's. */
	if (kind == BPFQ_K_EMPTY && n / 2 > BPFQ_KEY_MAX) {
		if ((put = keytext_put(text, n / 2, BPFQ_KEY_MAX))) {
			*err = put < 0 ? "out of memory" : KEYSAME_TEXT;
			return -1;
		}
		keytext_id(text, n / 2, BPFQ_KEY_MAX, k->bytes);
	} else {
		memcpy(k->bytes, text, n / 2);
	}
	return 0;
}

/* Several keys: the texts longer than their key holds. */
static int parse_long_keys(const struct json *j, const char **err)
{
	const struct json *list = json_get(j, "long_keys");
	uint8_t text[BPFQ_KEY_LONG];
	int put;

	if (list && list->kind != JSON_ARRAY) {
		*err = "a partial's long_keys are not a list";
		return -1;
	}
	for (const struct json *l = list ? list->child : NULL; l; l = l->next) {
		const struct json *hex = json_get(l, "text");
		size_t n = hex && hex->kind == JSON_STRING ? strlen(hex->text) : 0;
		i128 cap;

		if (get_int(l, "cap", 16, BPFQ_KEY_MAX, &cap) || (cap & (cap - 1)) || n % 2 ||
		    n / 2 <= (size_t)cap || n / 2 > BPFQ_KEY_LONG) {
			*err = "a partial's long key lacks its cap or text";
			return -1;
		}
		if (parse_hex(hex->text, text, n / 2, err))
			return -1;
		if ((put = keytext_put(text, n / 2, cap))) {
			*err = put < 0 ? "out of memory" : KEYSAME_TEXT;
			return -1;
		}
	}
	return 0;
}

/* Several keys: their labels, and which are times. */
static int parse_key_names(const struct json *j, struct partial *p, const char **err)
{
	const struct json *keys = json_get(j, "keys");
	i128 times;

	if (!keys)
		return 0;
	if (keys->kind != JSON_ARRAY ||
	    get_int(j, "key_times", 0, (1 << BPFQ_MAX_KEYS) - 1, &times)) {
		*err = "a partial's keys are not a list of names";
		return -1;
	}
	p->key_time = (unsigned)times;
	for (const struct json *k = keys->child; k; k = k->next) {
		if (k->kind != JSON_STRING || p->nkeys == BPFQ_MAX_KEYS) {
			*err = "a partial's keys are not a list of names";
			return -1;
		}
		if (!(p->key_names[p->nkeys++] = strdup(k->text))) {
			*err = "out of memory";
			return -1;
		}
	}
	return 0;
}

/* The time keys that are timestamps: bits of key_times (or by_time's key). */
static int parse_key_clocks(const struct json *j, struct partial *p, const char **err)
{
	i128 clocks = 0;

	if (json_get(j, "key_clocks") &&
	    (get_int(j, "key_clocks", 0, (1 << BPFQ_MAX_KEYS) - 1, &clocks) ||
	     ((unsigned)clocks & ~p->key_time))) {
		*err = "a partial's key_clocks are not among its time keys";
		return -1;
	}
	p->key_clock = (unsigned)clocks;
	return 0;
}

static int parse_groups(const struct json *j, struct partial *p, const char **err)
{
	const struct json *by = json_get(j, "by"), *groups = json_get(j, "groups");
	const struct json *by_time = json_get(j, "by_time");

	if (!by || by->kind != JSON_STRING || !groups || groups->kind != JSON_ARRAY) {
		*err = "a partial of a by query lacks by or groups";
		return -1;
	}
	p->key_name = strdup(by->text);
	p->key_time = by_time && by_time->kind == JSON_TRUE;
	if (parse_key_names(j, p, err) || parse_key_clocks(j, p, err) || parse_long_keys(j, err))
		return -1;
	p->groups = groups_new(p->words);
	if (!p->key_name || !p->groups) {
		*err = "out of memory";
		return -1;
	}
	for (const struct json *g = groups->child; g; g = g->next) {
		struct bpfq_key key;
		uint64_t *area;
		bool added;

		if (parse_key(g, &key, err))
			return -1;
		area = groups_get(p->groups, &key, &added);
		if (!area || !added) {
			*err = area ? "a group appears twice" : "out of memory";
			return -1;
		}
		if (parse_state(json_get(g, "state"), p, area, err))
			return -1;
	}
	return 0;
}

static int parse_error_partial(const struct json *j, struct partial *p, const char **err)
{
	const struct json *e = json_get(j, "error");
	i128 status;

	if (get_int(j, "status", 1, 255, &status) || !e || e->kind != JSON_STRING) {
		*err = "a failed run's partial lacks its status or error";
		return -1;
	}
	p->status = status;
	snprintf(p->error, sizeof(p->error), "%s", e->text);
	return 0;
}

/* The NULL words' counters, in partials that have them (older ones have none). */
static int parse_null_words(const struct json *j, struct bpfq_result *r, const char **err)
{
	static const char *const names[BPFQ_NULL_KINDS] = { "null_na", "null_null", "null_dash",
							    "null_inf", "null_nan" };

	for (int i = 0; i < BPFQ_NULL_KINDS; i++) {
		i128 v;

		if (!json_get(j, names[i]))
			continue;
		if (get_int(j, names[i], 0, U64_MAX_, &v)) {
			*err = "a partial's count of NULL words is not a count";
			return -1;
		}
		r->nulls[i] = v;
	}
	return 0;
}

static int parse_counters(const struct json *j, struct bpfq_result *r, const char **err)
{
	static const char *const names[] = { "records", "matched", "malformed", "empty", "bad",
					     "missing" };
	__u64 *to[] = { &r->records, &r->matched, &r->malformed, &r->empty, &r->bad,
			&r->missing };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		i128 v;

		if (get_int(j, names[i], 0, U64_MAX_, &v)) {
			*err = "a partial lacks its counters (records, matched, ...)";
			return -1;
		}
		*to[i] = v;
	}
	if (parse_null_words(j, r, err))
		return -1;
	/* Partials made before bpfq rounded numbers have no such counter: none were. */
	if (json_get(j, "rounded")) {
		i128 v;

		if (get_int(j, "rounded", 0, U64_MAX_, &v)) {
			*err = "a partial's count of rounded numbers is not a count";
			return -1;
		}
		r->rounded = v;
	}
	/* Only when some field was no ISO 8601 time. */
	if (json_get(j, "badtime")) {
		i128 v;

		if (get_int(j, "badtime", 0, U64_MAX_, &v)) {
			*err = "a partial's count of fields that are no times is not a count";
			return -1;
		}
		r->badtime = v;
	}
	return 0;
}

static int parse_fields(const struct json *j, struct partial *p, const char **err)
{
	const struct json *v = json_get(j, "bpfq_partial"), *host = json_get(j, "host");
	const struct json *select = json_get(j, "select"), *aggs = json_get(j, "aggregates");
	const struct json *kinds = json_get(j, "kinds");

	/* Version 2's decimals were held to 9 places: its states are not this build's. */
	if (v && v->kind == JSON_NUMBER && !strcmp(v->text, "2")) {
		*err = "a partial of version 2 (decimals to 9 places): rerun it with this bpfq";
		return -1;
	}
	if (!v || v->kind != JSON_NUMBER || strcmp(v->text, "3")) {
		*err = "not a bpfq partial of version 3";
		return -1;
	}
	if (host && host->kind == JSON_STRING)
		snprintf(p->host, sizeof(p->host), "%s", host->text);
	if (json_get(j, "error"))
		return parse_error_partial(j, p, err);
	if (!select || select->kind != JSON_STRING || !aggs || aggs->kind != JSON_ARRAY) {
		*err = "a partial lacks select or aggregates";
		return -1;
	}
	if (parse_counters(j, &p->result, err))
		return -1;
	if (!(p->select = strdup(select->text))) {
		*err = "out of memory";
		return -1;
	}
	if (kinds && (kinds->kind != JSON_STRING || strlen(kinds->text) > BPFQ_MAX_SLOTS ||
		      strspn(kinds->text, "ntT") != strlen(kinds->text))) {
		*err = "a partial's kinds are not letters n, t, T, one a field";
		return -1;
	}
	snprintf(p->kinds, sizeof(p->kinds), "%s", kinds ? kinds->text : "");
	for (const struct json *a = aggs->child; a; a = a->next) {
		if (p->naggs == BPFQ_MAX_AGGS) {
			*err = "too many aggregates";
			return -1;
		}
		if (parse_desc(a, p, err))
			return -1;
		p->words += p->descs[p->naggs - 1].words;
	}
	if (!p->naggs) {
		*err = "a partial with no aggregates";
		return -1;
	}
	if (json_get(j, "groups"))
		return parse_groups(j, p, err) || parse_distinct(json_get(j, "distinct"), p, err);
	p->area = calloc(p->words, sizeof(uint64_t));
	if (!p->area) {
		*err = "out of memory";
		return -1;
	}
	if (parse_state(json_get(j, "state"), p, p->area, err) ||
	    parse_distinct(json_get(j, "distinct"), p, err))
		return -1;
	for (int i = 0; i < p->naggs; i++)
		if (p->descs[i].keeps)
			return parse_values(json_get(j, "values"), p, err);
	return 0;
}

int partial_parse(const char *text, size_t len, struct partial *p, char *err, size_t size)
{
	struct json *j = json_parse(text, len, err, size);
	const char *why = NULL;
	int rc = -1;

	memset(p, 0, sizeof(*p));
	if (j && (rc = parse_fields(j, p, &why)))
		snprintf(err, size, "%s", why);
	json_free(j);
	if (rc)
		partial_free(p);
	return rc;
}

void partial_free(struct partial *p)
{
	free(p->select);
	free(p->key_name);
	for (int j = 0; j < p->nkeys; j++)
		free(p->key_names[j]);
	free(p->area);
	exact_free(&p->values);
	distinct_free(&p->distinct);
	groups_free(p->groups);
	for (int i = 0; i < p->naggs; i++)
		free(p->names[i]);
	memset(p, 0, sizeof(*p));
}
