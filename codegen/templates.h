/* SPDX-License-Identifier: MIT */
/*
 * The files of bpf-templates/, NUL-terminated, embedded by templates.S:
 * the program is made from these copies alone, never from files found
 * at run time.
 */
#ifndef BPFQ_TEMPLATES_H
#define BPFQ_TEMPLATES_H

/* The program's one entry: it includes the generated header and the parts. */
#define TEMPLATE_ENTRY "bpfq.bpf.c"

struct template {
	const char *name;	/* as the templates #include it */
	const char *text;
};

/* Every embedded file, ended by { NULL, NULL }. */
extern const struct template templates[];

/* The embedded file name, or NULL. */
const struct template *template_find(const char *name);

/* Its text, or NULL. */
const char *template_text(const char *name);

#endif /* BPFQ_TEMPLATES_H */
