/* SPDX-License-Identifier: MIT */
/*
 * The ways bpfq attaches on the read path, alone: codegen picks the
 * template of each without the hooks' probing (runtime/hooks.h).
 */
#ifndef BPFQ_HOOK_KIND_H
#define BPFQ_HOOK_KIND_H

/* In the order --hook=auto tries them: closest to the data first. */
enum hook_kind {
	HOOK_COPYOUT,		/* kprobe/_copy_to_iter, with tp_btf/sys_exit */
	HOOK_VFS_FEXIT,		/* fexit/vfs_read */
	HOOK_VFS_KPROBE,	/* kprobe and kretprobe/vfs_read */
	HOOK_SYSCALL,		/* raw_tp/sys_exit: no kernel BTF to parse at load */
	HOOK_SYSCALL_BTF,	/* tp_btf/sys_exit: when lockdown forbids reading kernel memory */
	HOOK_COUNT,
};

#endif /* BPFQ_HOOK_KIND_H */
