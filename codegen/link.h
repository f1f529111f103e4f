/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_LINK_H
#define BPFQ_LINK_H

/*
 * Link n BPF objects into the object out, with libbpf's static linker
 * (extern maps and functions resolved across them). Returns 0, or -1 with
 * libbpf's messages in *log, malloc()ed.
 */
int link_objects(const char *out, const char *const *in, int n, char **log);

#endif /* BPFQ_LINK_H */
