// SPDX-License-Identifier: MIT
/* The embedded templates by name (templates.S holds their bytes; templates.h). */
#include <stddef.h>
#include <string.h>

#include "codegen/templates.h"

extern const char tpl_entry[], tpl_state_h[], tpl_prelude[], tpl_aggs[], tpl_groups[], tpl_text[],
	tpl_swar[], tpl_numtok[], tpl_timeval[], tpl_parse_time[], tpl_parse_loop[],
	tpl_parse_numbers[], tpl_parse_fields[], tpl_fast_lines[], tpl_parse_text[],
	tpl_parse_csv[], tpl_parse_json[], tpl_parse_binary[], tpl_streams[],
	tpl_binary_field[], tpl_read[], tpl_hook_syscall[], tpl_hook_syscall_btf[],
	tpl_hook_vfs_fexit[], tpl_hook_vfs_kprobe[], tpl_hook_copyout[];

const struct template templates[] = {
	{ TEMPLATE_ENTRY, tpl_entry },
	{ "bpfq_state.h", tpl_state_h },
	{ "prelude.bpf.h", tpl_prelude },
	{ "aggs.bpf.h", tpl_aggs },
	{ "groups.bpf.h", tpl_groups },
	{ "text.bpf.h", tpl_text },
	{ "swar.bpf.h", tpl_swar },
	{ "numtok.bpf.h", tpl_numtok },
	{ "timeval.bpf.h", tpl_timeval },
	{ "parse_time.bpf.h", tpl_parse_time },
	{ "parse_loop.bpf.h", tpl_parse_loop },
	{ "parse_numbers.bpf.h", tpl_parse_numbers },
	{ "parse_fields.bpf.h", tpl_parse_fields },
	{ "fast_lines.bpf.h", tpl_fast_lines },
	{ "parse_text.bpf.h", tpl_parse_text },
	{ "parse_csv.bpf.h", tpl_parse_csv },
	{ "parse_json.bpf.h", tpl_parse_json },
	{ "parse_binary.bpf.h", tpl_parse_binary },
	{ "streams.bpf.h", tpl_streams },
	{ "binary_field.bpf.h", tpl_binary_field },
	{ "read.bpf.h", tpl_read },
	{ "syscall.bpf.c", tpl_hook_syscall },
	{ "syscall_btf.bpf.c", tpl_hook_syscall_btf },
	{ "vfs_fexit.bpf.c", tpl_hook_vfs_fexit },
	{ "vfs_kprobe.bpf.c", tpl_hook_vfs_kprobe },
	{ "copyout.bpf.c", tpl_hook_copyout },
	{ NULL, NULL },
};

const struct template *template_find(const char *name)
{
	for (const struct template *t = templates; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

const char *template_text(const char *name)
{
	const struct template *t = template_find(name);

	return t ? t->text : NULL;
}
