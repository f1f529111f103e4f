/* The BPF templates, embedded so the binary is self-contained (see templates.h). */
	.section .rodata
	.balign 8

	.macro template name, file
	.global \name
\name:
	.incbin "\file"
	.byte 0
	.endm

	template tpl_entry, "bpf-templates/bpfq.bpf.c"
	template tpl_state_h, "bpf-templates/bpfq_state.h"
	template tpl_prelude, "bpf-templates/prelude.bpf.h"
	template tpl_aggs, "bpf-templates/aggs.bpf.h"
	template tpl_groups, "bpf-templates/groups.bpf.h"
	template tpl_text, "bpf-templates/text.bpf.h"
	template tpl_swar, "bpf-templates/swar.bpf.h"
	template tpl_numtok, "bpf-templates/numtok.bpf.h"
	template tpl_timeval, "bpf-templates/timeval.bpf.h"
	template tpl_parse_time, "bpf-templates/parse_time.bpf.h"
	template tpl_parse_loop, "bpf-templates/parse_loop.bpf.h"
	template tpl_parse_numbers, "bpf-templates/parse_numbers.bpf.h"
	template tpl_parse_fields, "bpf-templates/parse_fields.bpf.h"
	template tpl_fast_lines, "bpf-templates/fast_lines.bpf.h"
	template tpl_parse_text, "bpf-templates/parse_text.bpf.h"
	template tpl_parse_csv, "bpf-templates/parse_csv.bpf.h"
	template tpl_parse_json, "bpf-templates/parse_json.bpf.h"
	template tpl_parse_binary, "bpf-templates/parse_binary.bpf.h"
	template tpl_streams, "bpf-templates/streams.bpf.h"
	template tpl_binary_field, "bpf-templates/binary_field.bpf.h"
	template tpl_read, "bpf-templates/read.bpf.h"
	template tpl_hook_syscall, "bpf-templates/syscall.bpf.c"
	template tpl_hook_syscall_btf, "bpf-templates/syscall_btf.bpf.c"
	template tpl_hook_vfs_fexit, "bpf-templates/vfs_fexit.bpf.c"
	template tpl_hook_vfs_kprobe, "bpf-templates/vfs_kprobe.bpf.c"
	template tpl_hook_copyout, "bpf-templates/copyout.bpf.c"

	.section .note.GNU-stack,"",@progbits
