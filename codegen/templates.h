/* SPDX-License-Identifier: MIT */
/* The files of bpf-templates/, NUL-terminated, embedded by templates.S. */
#ifndef BPFQ_TEMPLATES_H
#define BPFQ_TEMPLATES_H

extern const char tpl_state_h[];
extern const char tpl_prelude[];
extern const char tpl_parse[];
extern const char tpl_hook_syscall[];

#endif /* BPFQ_TEMPLATES_H */
