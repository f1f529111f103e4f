// SPDX-License-Identifier: MIT
/* libbpf: open the compiled object, load it, mmap its maps, attach. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "runtime/libbpf_log.h"
#include "runtime/loader.h"

/* A hook has one or two programs (copyout: the copy and the read's end). */
#define MAX_PROGS 4

struct loader {
	struct bpf_object *obj;
	struct bpf_link *links[MAX_PROGS];
	int nlinks;
	char *state, *buf;	/* the maps' values, a slot per reader */
	size_t state_size, buf_size;	/* the mappings */
	size_t state_elem, buf_elem;	/* a slot's size */
	char *values;		/* quantile_exact: bpfq_values, or NULL */
	size_t values_size, values_elem;
};

/* libbpf's messages of the current step (libbpf_log.h), for the error report. */
static FILE *libbpf_log;

static void log_start(char **text, size_t *len)
{
	libbpf_log = libbpf_log_start(text, len);
}

static void log_end(void)
{
	libbpf_log_end();
	libbpf_log = NULL;
}

static size_t page_round(size_t size)
{
	size_t page = sysconf(_SC_PAGESIZE);

	return (size + page - 1) / page * page;
}

/* An mmapable array's values: each rounded up to 8 bytes, one after the other. */
static void *map_mmap(struct bpf_object *obj, const char *name, size_t *size, size_t *elem)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);
	void *mem;

	if (!map)
		return NULL;
	*elem = (bpf_map__value_size(map) + 7) / 8 * 8;
	*size = page_round(*elem * bpf_map__max_entries(map));
	mem = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(map), 0);
	return mem == MAP_FAILED ? NULL : mem;
}

/*
 * Level 2 logs every instruction the verifier walks: megabytes for a query
 * (tens of thousands of instructions processed). The kernel fails the load
 * with ENOSPC when the log does not fit, keeping its last part
 * (verifier->truncated; the caller loads again without it), so the
 * buffer is generous (VERIFIER_LOG_SIZE): each program of obj (at most
 * MAX_PROGS) gets an equal slice of it.
 */
static size_t log_slice(struct bpf_object *obj)
{
	struct bpf_program *prog;
	int n = 0;

	bpf_object__for_each_program(prog, obj)
		n++;
	return VERIFIER_LOG_SIZE / (n < 1 ? 1 : n > MAX_PROGS ? MAX_PROGS : n);
}

/* Each program logs into its own slice of one buffer (the kernel writes from the start). */
static int set_verifier_log(struct bpf_object *obj, struct loader_log *verifier)
{
	struct bpf_program *prog;
	size_t slice = log_slice(obj);
	int i = 0;

	verifier->text = calloc(1, VERIFIER_LOG_SIZE);
	if (!verifier->text) {
		fprintf(libbpf_log, "no memory for the verifier log\n");
		return -1;
	}
	bpf_object__for_each_program(prog, obj) {
		if (i == MAX_PROGS)
			break;
		/* 2: every instruction walked; 4: the figures, stack depth among them */
		bpf_program__set_log_level(prog, 2 | 4);
		if (bpf_program__set_log_buf(prog, verifier->text + i++ * slice, slice))
			return -1;
	}
	return 0;
}

/* The slices as one text, each under the name of its program. */
static void join_verifier_log(struct bpf_object *obj, struct loader_log *verifier)
{
	struct bpf_program *prog;
	size_t slice = log_slice(obj);
	char *joined = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&joined, &len);
	int i = 0;

	if (!f)
		return;
	bpf_object__for_each_program(prog, obj) {
		if (i == MAX_PROGS)
			break;
		fprintf(f, "--- program %s (%s) ---\n%.*s", bpf_program__name(prog),
			bpf_program__section_name(prog), (int)slice, verifier->text + i++ * slice);
	}
	if (fclose(f))
		return;
	free(verifier->text);
	verifier->text = joined;
}

/* A map's entries, set before the load; a map the object lacks is fine. */
static int size_map(struct bpf_object *obj, const char *name, long entries)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	return map ? bpf_map__set_max_entries(map, entries) : 0;
}

/*
 * A kprobe runs with interrupts off, and a map without preallocation
 * refills its free lists from irq_work, which then waits for the program
 * to end: one run (a whole read) gets only the few elements that were
 * ready, and a new group after them fails as if the map were full. With a
 * kprobe in the object, the groups' map is preallocated (max_entries
 * elements of kernel memory from the load on).
 */
static int prealloc_map(struct bpf_object *obj, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);
	struct bpf_program *prog;

	if (!map)
		return 0;
	bpf_object__for_each_program(prog, obj)
		if (bpf_program__type(prog) == BPF_PROG_TYPE_KPROBE)
			return bpf_map__set_map_flags(map, bpf_map__map_flags(map) &
							       ~BPF_F_NO_PREALLOC);
	return 0;
}

/*
 * So too the long keys' texts and count_distinct's set: its values past
 * the ready few would read as a full set.
 */
static int prealloc_for_kprobes(struct bpf_object *obj)
{
	return prealloc_map(obj, "bpfq_groups") || prealloc_map(obj, "bpfq_keytexts") ||
	       prealloc_map(obj, "bpfq_distinct");
}

/* The long text keys' texts: as many for each text key as groups (shared by the readers). */
static int size_keytexts(struct bpf_object *obj, long max_groups)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, "bpfq_keytexts");

	return map ? bpf_map__set_max_entries(map, bpf_map__max_entries(map) * max_groups) : 0;
}

static long distinct_entries = 1;
static int distinct_fd = -1;

void loader__set_distinct(long entries, int fd)
{
	distinct_entries = entries > 0 ? entries : 1;
	distinct_fd = fd;
}

/* count_distinct: the set of an earlier load, whose values the next files' join. */
static int reuse_distinct(struct bpf_object *obj)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, "bpfq_distinct");

	return map && distinct_fd >= 0 ? bpf_map__reuse_fd(map, distinct_fd) : 0;
}

/*
 * The state a slot per range; the rest a slot per reader; by: max_groups
 * for each reader; quantile_exact: values entries, the header among them.
 */
static int size_maps(struct bpf_object *obj, int ranges, int readers, long max_groups,
		     long values)
{
	return size_map(obj, "bpfq_state_map", ranges) || size_map(obj, "bpfq_buf_map", readers) ||
	       size_map(obj, "bpfq_values", values) ||
	       size_map(obj, "bpfq_distinct", distinct_entries) ||
	       size_map(obj, "bpfq_scratch_map", readers) || size_map(obj, "bpfq_snap_map", readers) ||
	       size_map(obj, "bpfq_groups", max_groups * readers) ||
	       size_keytexts(obj, max_groups) || prealloc_for_kprobes(obj) || reuse_distinct(obj);
}

static const void *strings;
static size_t strings_len;

void loader__set_strings(const void *lits, size_t len)
{
	strings = lits;
	strings_len = len;
}

/* Where bpfq_lits is in .rodata, from the object's BTF; -1 if it has none. */
static long lits_offset(struct bpf_object *obj, size_t *size)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *v;
	const struct btf_type *sec;
	int id;

	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;
	if (id < 0)
		return -1;
	sec = btf__type_by_id(btf, id);
	v = btf_var_secinfos(sec);
	for (int i = 0; i < btf_vlen(sec); i++, v++) {
		const struct btf_type *var = btf__type_by_id(btf, v->type);

		if (var && !strcmp(btf__name_by_offset(btf, var->name_off), "bpfq_lits")) {
			*size = v->size;
			return v->offset;
		}
	}
	return -1;
}

/*
 * The strings into .rodata, which the kernel freezes at the load: the
 * program reads them as constants, and the C never held them.
 */
static int fill_strings(struct bpf_object *obj)
{
	struct bpf_map *map;
	size_t size = 0, lits_size = 0;
	long off;
	const char *data;
	char *copy;
	int err;

	if (!strings_len)
		return 0;
	off = lits_offset(obj, &lits_size);
	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);
		size_t n = strlen(name);

		if (n >= 7 && !strcmp(name + n - 7, ".rodata"))
			break;
	}
	data = map && off >= 0 ? bpf_map__initial_value(map, &size) : NULL;
	if (!data || strings_len > lits_size || (size_t)off + lits_size > size) {
		fprintf(libbpf_log, "the program has no room for the query's strings\n");
		return -1;
	}
	copy = malloc(size);
	if (!copy)
		return -1;
	memcpy(copy, data, size);
	memcpy(copy + off, strings, strings_len);
	err = bpf_map__set_initial_value(map, copy, size);
	free(copy);
	if (err)
		fprintf(libbpf_log, "cannot set the query's strings: %s\n", strerror(-err));
	return err;
}

struct loader *loader__load(const void *obj, size_t obj_len, int ranges, int readers,
			    long max_groups, long values, struct loader_log *verifier, char **log)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = "bpfq");
	struct loader *l = calloc(1, sizeof(*l));
	size_t log_len;
	int err = -1;

	log_start(log, &log_len);
	if (!l)
		goto cleanup;
	l->obj = bpf_object__open_mem(obj, obj_len, &opts);
	if (!l->obj) {
		fprintf(libbpf_log, "cannot open the BPF object: %s\n", strerror(errno));
		goto cleanup;
	}
	if (verifier && set_verifier_log(l->obj, verifier))
		goto cleanup;
	if (size_maps(l->obj, ranges, readers, max_groups, values)) {
		fprintf(libbpf_log, "cannot size the maps for %d ranges, %d readers and %ld groups\n",
			ranges, readers, max_groups);
		goto cleanup;
	}
	if (fill_strings(l->obj))
		goto cleanup;
	err = bpf_object__load(l->obj);
	if (verifier) {
		join_verifier_log(l->obj, verifier);
		verifier->truncated = err == -ENOSPC;
	}
	if (err)
		goto cleanup;
	err = -1;
	l->state = map_mmap(l->obj, "bpfq_state_map", &l->state_size, &l->state_elem);
	l->buf = map_mmap(l->obj, "bpfq_buf_map", &l->buf_size, &l->buf_elem);
	if (bpf_object__find_map_by_name(l->obj, "bpfq_values"))
		l->values = map_mmap(l->obj, "bpfq_values", &l->values_size, &l->values_elem);
	if (!l->state || !l->buf ||
	    (!l->values && bpf_object__find_map_by_name(l->obj, "bpfq_values"))) {
		fprintf(libbpf_log, "cannot mmap the BPF maps: %s\n", strerror(errno));
		goto cleanup;
	}
	err = 0;
cleanup:
	log_end();
	if (err) {
		loader__free(l);
		return NULL;
	}
	free(*log);
	*log = NULL;
	return l;
}

struct bpfq_state *loader__state(struct loader *l, int slot)
{
	return (struct bpfq_state *)(l->state + slot * l->state_elem);
}

char *loader__buffer(struct loader *l, int reader)
{
	return l->buf + reader * l->buf_elem;
}

uint64_t *loader__area(struct loader *l, int slot)
{
	return (uint64_t *)((char *)loader__state(l, slot) + sizeof(struct bpfq_state));
}

size_t loader__state_size(struct loader *l)
{
	return bpf_map__value_size(bpf_object__find_map_by_name(l->obj, "bpfq_state_map"));
}

struct bpfq_xval *loader__values(struct loader *l, size_t *entries)
{
	struct bpf_map *map = bpf_object__find_map_by_name(l->obj, "bpfq_values");

	*entries = map && l->values ? bpf_map__max_entries(map) : 0;
	return (struct bpfq_xval *)l->values;
}

int loader__keytexts_fd(struct loader *l)
{
	struct bpf_map *map = bpf_object__find_map_by_name(l->obj, "bpfq_keytexts");

	return map ? bpf_map__fd(map) : -1;
}

int loader__distinct_fd(struct loader *l)
{
	struct bpf_map *map = bpf_object__find_map_by_name(l->obj, "bpfq_distinct");

	return map ? bpf_map__fd(map) : -1;
}

int loader__groups_fd(struct loader *l)
{
	struct bpf_map *map = bpf_object__find_map_by_name(l->obj, "bpfq_groups");

	return map ? bpf_map__fd(map) : -1;
}

unsigned long loader__verified_insns(struct loader *l)
{
	struct bpf_program *prog;
	unsigned long total = 0;

	bpf_object__for_each_program(prog, l->obj) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);

		if (!bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
			total += info.verified_insns;
	}
	return total;
}

/* Every program, by its section name (kprobe/..., tp_btf/..., fexit/...). */
int loader__attach(struct loader *l, char **log)
{
	struct bpf_program *prog;
	size_t log_len;
	int err = 0;

	if (l->nlinks)
		return 0;
	log_start(log, &log_len);
	bpf_object__for_each_program(prog, l->obj) {
		struct bpf_link *link = l->nlinks < MAX_PROGS ? bpf_program__attach(prog) : NULL;

		if (!link) {
			fprintf(libbpf_log, "cannot attach %s: %s\n",
				bpf_program__section_name(prog), strerror(errno));
			err = -1;
			break;
		}
		l->links[l->nlinks++] = link;
	}
	log_end();
	if (err) {
		loader__detach(l);
		return -1;
	}
	free(*log);
	*log = NULL;
	return 0;
}

void loader__detach(struct loader *l)
{
	while (l->nlinks > 0)
		bpf_link__destroy(l->links[--l->nlinks]);
}

void loader__free(struct loader *l)
{
	if (!l)
		return;
	loader__detach(l);
	if (l->state)
		munmap(l->state, l->state_size);
	if (l->buf)
		munmap(l->buf, l->buf_size);
	if (l->values)
		munmap(l->values, l->values_size);
	bpf_object__close(l->obj);
	free(l);
}
