/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_LOADER_H
#define BPFQ_LOADER_H

#include <stddef.h>
#include <stdint.h>
#include "bpf-templates/bpfq_state.h"

/* A loaded query program: its object, link, and the two maps mmap()ed. */
struct loader;

/* The level-2 log's buffer (-d verifier), shared by the object's programs. */
#define VERIFIER_LOG_SIZE (256u << 20)

/* The verifier's full log, when asked for (-d verifier); text is malloc()ed. */
struct loader_log {
	char *text;
	int truncated;	/* the log did not fit: text is its last part, and the load failed */
};

/*
 * Open and load (verify) the object, its state map with a slot for each of
 * ranges, its buffers for each of readers (-j). Returns NULL with the
 * reason and libbpf's messages, the verifier log among them, in *log
 * (malloc()ed). With verifier non-NULL the verifier logs every instruction
 * into it.
 */
struct loader *loader__load(const void *obj, size_t obj_len, int ranges, int readers,
			    long max_groups, long values, struct loader_log *verifier, char **log);

/*
 * count_distinct: the entries of its set (bpfq_distinct) for the next
 * loader__load(), 1 by default; or with fd >= 0 (a set an earlier load
 * made, loader__distinct_fd() dup()ed) that set itself.
 */
void loader__set_distinct(long entries, int fd);

/* The query's strings (query.lits), written into the program's bpfq_lits
 * (bpf-templates/text.bpf.h) before the next loader__load(); none by default. */
void loader__set_strings(const void *lits, size_t len);

/* A range's state, which the program reads and fills: shared memory with the kernel. */
struct bpfq_state *loader__state(struct loader *l, int slot);

/* A reader's buffer, BPFQ_BUF_SIZE bytes; read() into it is what the program parses. */
char *loader__buffer(struct loader *l, int reader);

/* A range's aggregates after its state (without by), and the state map's value size. */
uint64_t *loader__area(struct loader *l, int slot);
size_t loader__state_size(struct loader *l);

/*
 * quantile_exact: its map's entries (bpfq_state.h struct bpfq_xval: the
 * header, then the values) and how many; NULL without.
 */
struct bpfq_xval *loader__values(struct loader *l, size_t *entries);

/* count_distinct: its set's hash map (struct bpfq_dkey to a byte), or -1. */
int loader__distinct_fd(struct loader *l);

/* by: the groups' hash map (struct bpfq_key to an area), or -1. */
int loader__groups_fd(struct loader *l);

/* by: the map of the long text keys' texts (bpfq_state.h struct bpfq_keytext), or -1. */
int loader__keytexts_fd(struct loader *l);

/* Verifier instructions processed, from the kernel's program info (0 if unknown). */
unsigned long loader__verified_insns(struct loader *l);

/*
 * Attach every program, once: a loader already attached stays so. The
 * programs stay attached from the first file's scan to loader__free(),
 * across the files of a list: attaching at sys_exit marks every thread of
 * the system for syscall tracing and detaching waits for RCU, a cost a
 * file of a few hundred bytes would pay many times over. Between scans
 * the program finds no read of a reader's buffer and leaves at once.
 */
int loader__attach(struct loader *l, char **log);
void loader__detach(struct loader *l);
void loader__free(struct loader *l);

#endif /* BPFQ_LOADER_H */
