/* SPDX-License-Identifier: MIT */
/* The files of bpf-templates/, NUL-terminated, embedded by templates.S. */
#ifndef BPFQ_TEMPLATES_H
#define BPFQ_TEMPLATES_H

extern const char tpl_state_h[];
extern const char tpl_prelude[];
extern const char tpl_aggs[];
extern const char tpl_groups[];
extern const char tpl_swar[];
extern const char tpl_numtok[];
extern const char tpl_parse_loop[];
extern const char tpl_parse_numbers[];
extern const char tpl_parse_fields[];
extern const char tpl_fast_lines[];
extern const char tpl_parse_text[];
extern const char tpl_parse_csv[];
extern const char tpl_parse_binary[];
extern const char tpl_streams[];
extern const char tpl_binary_field[];
extern const char tpl_read[];
extern const char tpl_hook_syscall[];
extern const char tpl_hook_syscall_btf[];
extern const char tpl_hook_vfs_fexit[];
extern const char tpl_hook_vfs_kprobe[];
extern const char tpl_hook_copyout[];

#endif /* BPFQ_TEMPLATES_H */
