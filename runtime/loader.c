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
#include <bpf/libbpf.h>

#include "loader.h"

struct loader {
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link *link;
	struct bpfq_state *state;
	char *buf;
	size_t state_size, buf_size;
};

/* libbpf's messages of the current step, kept for the error report. */
static FILE *libbpf_log;

static int collect_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (libbpf_log && level != LIBBPF_DEBUG)
		return vfprintf(libbpf_log, fmt, ap);
	return 0;
}

static void log_start(char **text, size_t *len)
{
	*text = NULL;
	libbpf_log = open_memstream(text, len);
	libbpf_set_print(collect_libbpf);
}

static void log_end(void)
{
	if (libbpf_log)
		fclose(libbpf_log);
	libbpf_log = NULL;
}

static size_t page_round(size_t size)
{
	size_t page = sysconf(_SC_PAGESIZE);

	return (size + page - 1) / page * page;
}

static void *map_mmap(struct bpf_object *obj, const char *name, size_t *size)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);
	void *mem;

	if (!map)
		return NULL;
	*size = page_round(bpf_map__value_size(map));
	mem = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(map), 0);
	return mem == MAP_FAILED ? NULL : mem;
}

/*
 * Level 2 logs every instruction the verifier walks: megabytes for a query
 * (tens of thousands of instructions processed). The kernel fails the load
 * with ENOSPC when the log does not fit, so the buffer is generous.
 */
#define VERIFIER_LOG_SIZE (256u << 20)

static int set_verifier_log(struct bpf_program *prog, struct loader_log *verifier)
{
	verifier->text = malloc(VERIFIER_LOG_SIZE);
	if (!verifier->text) {
		fprintf(libbpf_log, "no memory for the verifier log\n");
		return -1;
	}
	verifier->text[0] = 0;
	bpf_program__set_log_level(prog, 2);
	return bpf_program__set_log_buf(prog, verifier->text, VERIFIER_LOG_SIZE);
}

struct loader *loader__load(const void *obj, size_t obj_len, struct loader_log *verifier,
			    char **log)
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
	l->prog = bpf_object__next_program(l->obj, NULL);
	if (verifier && set_verifier_log(l->prog, verifier))
		goto cleanup;
	if (bpf_object__load(l->obj))
		goto cleanup;
	l->state = map_mmap(l->obj, "bpfq_state_map", &l->state_size);
	l->buf = map_mmap(l->obj, "bpfq_buf_map", &l->buf_size);
	if (!l->state || !l->buf) {
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

struct bpfq_state *loader__state(struct loader *l)
{
	return l->state;
}

char *loader__buffer(struct loader *l)
{
	return l->buf;
}

unsigned long loader__verified_insns(struct loader *l)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(bpf_program__fd(l->prog), &info, &len))
		return 0;
	return info.verified_insns;
}

int loader__attach(struct loader *l, char **log)
{
	size_t log_len;

	log_start(log, &log_len);
	l->link = bpf_program__attach(l->prog);
	if (!l->link)
		fprintf(libbpf_log, "cannot attach %s: %s\n", bpf_program__section_name(l->prog),
			strerror(errno));
	log_end();
	if (!l->link)
		return -1;
	free(*log);
	*log = NULL;
	return 0;
}

void loader__detach(struct loader *l)
{
	bpf_link__destroy(l->link);
	l->link = NULL;
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
	bpf_object__close(l->obj);
	free(l);
}
