// SPDX-License-Identifier: MIT
/*
 * Hook probing: the only reliable way to know whether a kernel lets a
 * program attach somewhere is to try, so each probe loads and attaches a
 * program that returns 0 and closes it again.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "hooks.h"
#include "privs.h"

#define BTF_VMLINUX "/sys/kernel/btf/vmlinux"

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

/* r0 = 0; exit: enough for the verifier and the attach. */
static int load_return_zero(int btf_id)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_RAW_TP,
		    .attach_btf_id = btf_id);

	return bpf_prog_load(BPF_PROG_TYPE_TRACING, "bpfq_probe", "GPL", insns,
			     sizeof(insns) / sizeof(insns[0]), &opts);
}

void hooks_probe_syscall(struct hook_probe *p)
{
	libbpf_print_fn_t old = libbpf_set_print(silent);
	int btf_id, prog = -1, link = -1;

	*p = (struct hook_probe){ .name = "syscall", .attach = "tp_btf/sys_exit" };
	if (access(BTF_VMLINUX, R_OK)) {
		snprintf(p->reason, sizeof(p->reason), "no kernel BTF (%s): %s", BTF_VMLINUX,
			 strerror(errno));
		goto cleanup;
	}
	if (!privs_can_trace()) {
		snprintf(p->reason, sizeof(p->reason),
			 "not probed: needs root, or CAP_BPF and CAP_PERFMON");
		goto cleanup;
	}
	btf_id = libbpf_find_vmlinux_btf_id("sys_exit", BPF_TRACE_RAW_TP);
	if (btf_id < 0) {
		snprintf(p->reason, sizeof(p->reason), "no raw tracepoint sys_exit in BTF");
		goto cleanup;
	}
	prog = load_return_zero(btf_id);
	if (prog < 0) {
		snprintf(p->reason, sizeof(p->reason), "the kernel refused a tp_btf program: %s",
			 strerror(errno));
		goto cleanup;
	}
	link = bpf_raw_tracepoint_open(NULL, prog);
	if (link < 0) {
		snprintf(p->reason, sizeof(p->reason), "attach refused: %s", strerror(errno));
		goto cleanup;
	}
	p->available = true;
	snprintf(p->reason, sizeof(p->reason), "a tp_btf program loaded and attached");
cleanup:
	if (link >= 0)
		close(link);
	if (prog >= 0)
		close(prog);
	libbpf_set_print(old);
}

void hooks_list(FILE *f)
{
	struct hook_probe p;

	hooks_probe_syscall(&p);
	fprintf(f, "%-8s %-16s %-13s %s\n", "HOOK", "ATTACH", "STATUS", "WHY");
	fprintf(f, "%-8s %-16s %-13s %s\n", p.name, p.attach,
		p.available ? "available" : "unavailable", p.reason);
}
