/* SPDX-License-Identifier: MIT */
/*
 * The read-path hooks bpfq can attach to, and whether this kernel allows
 * them. A hook is a place on the read path (copy-out, the VFS, the
 * syscall); a kind is one way to attach there, with its own BPF template.
 */
#ifndef BPFQ_HOOKS_H
#define BPFQ_HOOKS_H

#include <stdbool.h>
#include <stdio.h>

#include "runtime/hook_kind.h"

struct hook_info {
	const char *name;	/* copyout, vfs, syscall: what --hook takes */
	const char *method;	/* kprobe, fexit, raw_tp, tp_btf: --hook=NAME:METHOD */
	const char *attach;	/* the attach points, as --list-hooks shows them */
};

const struct hook_info *hook_info(enum hook_kind kind);

struct hook_probe {
	bool available;
	char reason[256];	/* why not, or what was checked */
};

/*
 * Load and attach two-instruction programs where the kind attaches; close
 * them. The answers are kept for the process, and in the file set by
 * hooks_cache_file() for the boot: what a kernel allows does not change
 * while it runs, and a probe parses the kernel's BTF (milliseconds).
 */
void hooks_probe(enum hook_kind kind, struct hook_probe *p);

/* Where to keep the probes' answers between runs (NULL: nowhere); -l probes afresh. */
void hooks_cache_file(const char *path);

/* What --hook asked for: the kinds first..last, tried in order. */
struct hook_request {
	enum hook_kind first, last;
};

/* "auto", "copyout", "vfs", "vfs:fexit", "vfs:kprobe", "syscall", "syscall:raw_tp",
 * "syscall:tp_btf". Returns -1 for anything else. */
int hooks_parse_request(const char *arg, struct hook_request *req);

/*
 * Probe the requested kinds in order and return the first available, or
 * -1 when none is. *why (malloc()ed, or NULL) tells what was passed over
 * and why, one "name (method): reason" per kind, separated by "; ".
 */
int hooks_choose(const struct hook_request *req, char **why);

/* One line per kind: name, attach points, available or not and why. */
void hooks_list(FILE *f);

#endif /* BPFQ_HOOKS_H */
