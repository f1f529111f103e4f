/* SPDX-License-Identifier: MIT */
/* The read-path hooks bpfq can attach to, and whether this kernel allows them. */
#ifndef BPFQ_HOOKS_H
#define BPFQ_HOOKS_H

#include <stdbool.h>
#include <stdio.h>

struct hook_probe {
	const char *name;	/* as --list-hooks and the stats name it */
	const char *attach;	/* the attach point */
	bool available;
	char reason[160];	/* why not, or what was checked */
};

/* Probe the syscall hook: load and attach a two-instruction program there. */
void hooks_probe_syscall(struct hook_probe *p);

/* One line per hook: name, attach point, available or not and why. */
void hooks_list(FILE *f);

#endif /* BPFQ_HOOKS_H */
