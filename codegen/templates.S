/* The BPF templates, embedded so the binary is self-contained (see templates.h). */
	.section .rodata
	.balign 8

	.global tpl_state_h
tpl_state_h:
	.incbin "bpf-templates/bpfq_state.h"
	.byte 0

	.global tpl_prelude
tpl_prelude:
	.incbin "bpf-templates/prelude.bpf.h"
	.byte 0

	.global tpl_parse
tpl_parse:
	.incbin "bpf-templates/parse.bpf.h"
	.byte 0

	.global tpl_hook_syscall
tpl_hook_syscall:
	.incbin "bpf-templates/syscall.bpf.c"
	.byte 0

	.section .note.GNU-stack,"",@progbits
