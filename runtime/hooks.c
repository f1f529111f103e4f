// SPDX-License-Identifier: MIT
/*
 * Hook probing: the only reliable way to know whether a kernel lets a
 * program attach somewhere is to try, so each probe loads and attaches a
 * program that returns 0 and closes it again. The reasons it gives are the
 * ones a user can act on: no BTF, no kprobes, a notrace function, fexit
 * refused (and the lockdown mode, when the kernel said EPERM).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>

#include "runtime/btf_find.h"
#include "runtime/hooks.h"
#include "runtime/privs.h"
#include "runtime/sysfs_mount.h"

#define BTF_VMLINUX "/sys/kernel/btf/vmlinux"
#define KPROBE_PMU "/sys/bus/event_source/devices/kprobe"

static const struct hook_info infos[HOOK_COUNT] = {
	[HOOK_COPYOUT] = { "copyout", "kprobe", "kprobe/_copy_to_iter+tp_btf/sys_exit" },
	[HOOK_VFS_FEXIT] = { "vfs", "fexit", "fexit/vfs_read" },
	[HOOK_VFS_KPROBE] = { "vfs", "kprobe", "kprobe+kretprobe/vfs_read" },
	[HOOK_SYSCALL] = { "syscall", "raw_tp", "raw_tp/sys_exit" },
	[HOOK_SYSCALL_BTF] = { "syscall", "tp_btf", "tp_btf/sys_exit" },
};

const struct hook_info *hook_info(enum hook_kind kind)
{
	return &infos[kind];
}

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

#define say(p, ...) snprintf((p)->reason, sizeof((p)->reason), __VA_ARGS__)

/* The kernel's lockdown mode, "none" when it has none (or it cannot be read). */
static void lockdown_mode(char *mode, size_t size)
{
	char line[256], *open, *close;
	FILE *f;

	snprintf(mode, size, "none");
	f = sysfs_fopen("securityfs", "/sys/kernel/security", "lockdown");
	if (!f)
		return;
	/* "none integrity [confidentiality]": the bracketed one is in force. */
	if (fgets(line, sizeof(line), f) && (open = strchr(line, '[')) &&
	    (close = strchr(open, ']'))) {
		*close = 0;
		snprintf(mode, size, "%s", open + 1);
	}
	fclose(f);
}

static bool lockdown_is(const char *mode)
{
	char now[32];

	lockdown_mode(now, sizeof(now));
	return !strcmp(now, mode);
}

/* strerror(err), with the lockdown mode when the kernel said EPERM. */
static void refusal(struct hook_probe *p, const char *what, int err)
{
	char mode[32];

	lockdown_mode(mode, sizeof(mode));
	if (err == EPERM && strcmp(mode, "none"))
		say(p, "%s: %s (lockdown: %s)", what, strerror(err), mode);
	else
		say(p, "%s: %s", what, strerror(err));
}

static const struct bpf_insn return_zero[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

#define RETURN_ZERO_LEN (sizeof(return_zero) / sizeof(return_zero[0]))

/* What the kinds need: the privileges to trace, and all but raw_tp BTF (CO-RE, tp_btf, fexit). */
static bool common_needs(enum hook_kind kind, struct hook_probe *p)
{
	if (kind != HOOK_SYSCALL && access(BTF_VMLINUX, R_OK)) {
		say(p, "no kernel BTF (%s): %s", BTF_VMLINUX, strerror(errno));
		return false;
	}
	if (!privs_can_trace()) {
		say(p, "not probed: needs root, or CAP_BPF and CAP_PERFMON");
		return false;
	}
	return true;
}

/*
 * func's id in the kernel's BTF: the mapped file walked (btf_find.h), or
 * where it cannot be, libbpf's parse, once for every probe of the process.
 */
static int vmlinux_btf_id(const char *func, enum bpf_attach_type type)
{
	static struct btf *vmlinux;
	int kind = type == BPF_TRACE_RAW_TP ? BTF_KIND_TYPEDEF : BTF_KIND_FUNC;
	int id = btf_find(BTF_VMLINUX, func, kind);

	if (id > 0 || id == -ENOENT)
		return id > 0 ? id : -1;
	if (!vmlinux)
		vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return -1;
	return btf__find_by_name_kind(vmlinux, func, kind);
}

/*
 * Attach a loaded prog through bpf_raw_tracepoint_open() (at raw
 * tracepoint tp, or at its BTF target when tp is NULL), then close both:
 * whether it attached, and why not.
 */
static bool attach_and_close(struct hook_probe *p, int prog, const char *tp, const char *kind,
			     const char *where)
{
	int link = bpf_raw_tracepoint_open(tp, prog);
	char what[96];

	if (link < 0) {
		snprintf(what, sizeof(what), "%s attach to %s refused", kind, where);
		refusal(p, what, errno);
	} else {
		say(p, "a %s program loaded and attached to %s", kind, where);
		close(link);
	}
	close(prog);
	return link >= 0;
}

/* A BTF-typed tracing program (tp_btf or fexit) at func: load, attach, close. */
static bool probe_tracing(struct hook_probe *p, const char *func, enum bpf_attach_type type,
			  const char *kind)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = type);
	char what[96], name[128];
	int prog, id;

	/* A raw tracepoint's BTF name is its btf_trace_ typedef, as libbpf looks it up. */
	snprintf(name, sizeof(name), "%s%s", type == BPF_TRACE_RAW_TP ? "btf_trace_" : "", func);
	id = vmlinux_btf_id(name, type);
	if (id < 0) {
		say(p, "no %s %s in the kernel's BTF", type == BPF_TRACE_RAW_TP ? "raw tracepoint" :
			"function", func);
		return false;
	}
	opts.attach_btf_id = id;
	prog = bpf_prog_load(BPF_PROG_TYPE_TRACING, "bpfq_probe", "GPL", return_zero,
			     RETURN_ZERO_LEN, &opts);
	if (prog < 0) {
		snprintf(what, sizeof(what), "the kernel refused a %s program", kind);
		refusal(p, what, errno);
		return false;
	}
	return attach_and_close(p, prog, NULL, kind, func);
}

/* A raw tracepoint program at tp (no BTF: its arguments are plain numbers): load, attach, close. */
static bool probe_raw_tracepoint(struct hook_probe *p, const char *tp)
{
	int prog = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "bpfq_probe", "GPL", return_zero,
				 RETURN_ZERO_LEN, NULL);

	if (prog < 0) {
		refusal(p, "the kernel refused a raw_tp program", errno);
		return false;
	}
	return attach_and_close(p, prog, tp, "raw_tp", tp);
}

/* A number from a sysfs file of the kprobe PMU ("6\n", or "config:0\n" for a bit). */
static int pmu_number(const char *file, const char *prefix)
{
	char path[128], text[64];
	FILE *f;
	int n = -1;

	snprintf(path, sizeof(path), KPROBE_PMU "/%s", file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(text, sizeof(text), f) && !strncmp(text, prefix, strlen(prefix)))
		n = atoi(text + strlen(prefix));
	fclose(f);
	return n;
}

/* Whether ftrace could trace func: notrace functions are not in this list. */
static bool in_filter_functions(const char *func)
{
	size_t n = strlen(func);
	char line[256];
	bool found = false;
	FILE *f = sysfs_fopen("tracefs", "/sys/kernel/tracing", "available_filter_functions");

	if (!f)
		f = fopen("/sys/kernel/debug/tracing/available_filter_functions", "re");
	if (!f)
		return true;	/* no list to look in: say nothing about notrace */
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, func, n) && (line[n] == '\n' || line[n] == ' ');
	fclose(f);
	return found;
}

/* perf_event_open's failure at func, told as what it means for kprobes. */
static void kprobe_refused(struct hook_probe *p, const char *func, int err)
{
	if (err == ENOENT)
		say(p, "no function %s in this kernel", func);
	else if (err == EINVAL && !in_filter_functions(func))
		say(p, "%s is notrace here (lib/ is built without ftrace): it needs a kernel "
		       "with CONFIG_KPROBE_EVENTS_ON_NOTRACE=y", func);
	else {
		char what[96];

		snprintf(what, sizeof(what), "kprobe on %s refused", func);
		refusal(p, what, err);
	}
}

/* A kprobe (or kretprobe) program at func through the kprobe PMU: create, attach, close. */
static bool probe_kprobe(struct hook_probe *p, const char *func, bool retprobe)
{
	struct perf_event_attr attr = { .size = sizeof(attr) };
	int type = pmu_number("type", ""), bit = pmu_number("format/retprobe", "config:");
	int event = -1, prog = -1, ok = 0;

	if (type < 0) {
		say(p, "no kprobes in this kernel (no %s: CONFIG_KPROBES or "
		       "CONFIG_KPROBE_EVENTS is off)", KPROBE_PMU);
		return false;
	}
	attr.type = type;
	attr.config = retprobe && bit >= 0 ? 1ULL << bit : 0;
	attr.config1 = (__u64)(unsigned long)func;	/* kprobe_func */
	event = syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (event < 0) {
		kprobe_refused(p, func, errno);
		goto cleanup;
	}
	prog = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "bpfq_probe", "GPL", return_zero,
			     RETURN_ZERO_LEN, NULL);
	if (prog < 0) {
		refusal(p, "the kernel refused a kprobe program", errno);
		goto cleanup;
	}
	if (ioctl(event, PERF_EVENT_IOC_SET_BPF, prog)) {
		refusal(p, "attaching a kprobe program refused", errno);
		goto cleanup;
	}
	say(p, "a %s program loaded and attached to %s", retprobe ? "kretprobe" : "kprobe", func);
	ok = 1;
cleanup:
	if (prog >= 0)
		close(prog);
	if (event >= 0)
		close(event);
	return ok;
}

static bool probe_kind(enum hook_kind kind, struct hook_probe *p)
{
	switch (kind) {
	case HOOK_COPYOUT:
		if (lockdown_is("confidentiality")) {
			say(p, "lockdown=confidentiality forbids reading kernel memory "
			       "(bpf_probe_read_kernel), which copy-out parses");
			return false;
		}
		/* The read's end comes from sys_exit; its reason matters only if it fails. */
		if (!probe_tracing(p, "sys_exit", BPF_TRACE_RAW_TP, "tp_btf"))
			return false;
		if (!probe_kprobe(p, "_copy_to_iter", false))
			return false;
		say(p, "kprobe on _copy_to_iter and tp_btf on sys_exit attached");
		return true;
	case HOOK_VFS_FEXIT:
		return probe_tracing(p, "vfs_read", BPF_TRACE_FEXIT, "fexit");
	case HOOK_VFS_KPROBE:
		if (!probe_kprobe(p, "vfs_read", false) || !probe_kprobe(p, "vfs_read", true))
			return false;
		say(p, "kprobe and kretprobe on vfs_read attached");
		return true;
	case HOOK_SYSCALL:
		if (lockdown_is("confidentiality")) {
			say(p, "lockdown=confidentiality forbids reading kernel memory "
			       "(bpf_probe_read_kernel), which a raw tracepoint needs for the registers");
			return false;
		}
		return probe_raw_tracepoint(p, "sys_exit");
	default:
		return probe_tracing(p, "sys_exit", BPF_TRACE_RAW_TP, "tp_btf");
	}
}

/* Once per process (-e and -f queries, and the REPL's, ask again), and once per boot on disk. */
static struct hook_probe known[HOOK_COUNT];
static bool probed[HOOK_COUNT];
static char *cache_path;

void hooks_cache_file(const char *path)
{
	free(cache_path);
	cache_path = path ? strdup(path) : NULL;
}

/*
 * The file holds a line per kind: "KIND AVAILABLE REASON". It is read only
 * if it is a regular file of this user's, not through a link.
 */
static void load_cache(void)
{
	char line[sizeof(known[0].reason) + 16];
	int fd = cache_path ? open(cache_path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) : -1;
	FILE *f = NULL;
	struct stat st;
	int kind, available, n;

	if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_uid == geteuid())
		f = fdopen(fd, "r");
	if (!f && fd >= 0)
		close(fd);
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%d %d %n", &kind, &available, &n) != 2 || kind < 0 ||
		    kind >= HOOK_COUNT)
			continue;
		line[strcspn(line, "\n")] = 0;
		known[kind].available = available;
		snprintf(known[kind].reason, sizeof(known[kind].reason), "%s", line + n);
		probed[kind] = true;
	}
	if (f)
		fclose(f);
}

/* Written under a fresh mkstemp() name beside it, then renamed into place. */
static void save_cache(void)
{
	char *tmp = NULL;
	FILE *f = NULL;
	int fd;

	if (!cache_path || asprintf(&tmp, "%s.XXXXXX", cache_path) < 0)
		return;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd >= 0 && !(f = fdopen(fd, "w")))
		close(fd);
	for (int k = 0; f && k < HOOK_COUNT; k++)
		if (probed[k])
			fprintf(f, "%d %d %s\n", k, known[k].available, known[k].reason);
	if (f && !fclose(f))
		rename(tmp, cache_path);
	else if (fd >= 0)
		unlink(tmp);
	free(tmp);
}

static void probe_afresh(enum hook_kind kind, struct hook_probe *p)
{
	libbpf_print_fn_t old = libbpf_set_print(silent);
	bool privileged;

	memset(p, 0, sizeof(*p));
	privileged = common_needs(kind, p);
	if (privileged)
		p->available = probe_kind(kind, p);
	libbpf_set_print(old);
	known[kind] = *p;
	probed[kind] = true;
	/* Without privileges nothing was learned about the kernel. */
	if (privileged)
		save_cache();
}

void hooks_probe(enum hook_kind kind, struct hook_probe *p)
{
	if (!probed[kind])
		load_cache();
	if (probed[kind]) {
		*p = known[kind];
		return;
	}
	probe_afresh(kind, p);
}

int hooks_parse_request(const char *arg, struct hook_request *req)
{
	static const struct {
		const char *name;
		struct hook_request req;
	} names[] = {
		{ "auto", { HOOK_COPYOUT, HOOK_SYSCALL_BTF } },
		{ "copyout", { HOOK_COPYOUT, HOOK_COPYOUT } },
		{ "copyout:kprobe", { HOOK_COPYOUT, HOOK_COPYOUT } },
		{ "vfs", { HOOK_VFS_FEXIT, HOOK_VFS_KPROBE } },
		{ "vfs:fexit", { HOOK_VFS_FEXIT, HOOK_VFS_FEXIT } },
		{ "vfs:kprobe", { HOOK_VFS_KPROBE, HOOK_VFS_KPROBE } },
		{ "syscall", { HOOK_SYSCALL, HOOK_SYSCALL_BTF } },
		{ "syscall:raw_tp", { HOOK_SYSCALL, HOOK_SYSCALL } },
		{ "syscall:tp_btf", { HOOK_SYSCALL_BTF, HOOK_SYSCALL_BTF } },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(arg, names[i].name)) {
			*req = names[i].req;
			return 0;
		}
	}
	return -1;
}

int hooks_choose(const struct hook_request *req, char **why)
{
	struct hook_probe p;
	size_t len = 0;
	FILE *f = open_memstream(why, &len);
	int chosen = -1;

	for (int k = req->first; k <= (int)req->last && chosen < 0; k++) {
		hooks_probe(k, &p);
		if (p.available)
			chosen = k;
		else if (f)
			fprintf(f, "%s%s (%s): %s", len ? "; " : "", infos[k].name, infos[k].method,
				p.reason);
		if (f)
			fflush(f);
	}
	if (f)
		fclose(f);
	if (*why && !**why) {
		free(*why);
		*why = NULL;
	}
	return chosen;
}

void hooks_list(FILE *f)
{
	struct hook_probe p;

	fprintf(f, "%-8s %-7s %-39s %-11s %s\n", "HOOK", "METHOD", "ATTACH", "STATUS", "WHY");
	for (int k = 0; k < HOOK_COUNT; k++) {
		probe_afresh(k, &p);
		fprintf(f, "%-8s %-7s %-39s %-11s %s\n", infos[k].name, infos[k].method,
			infos[k].attach, p.available ? "available" : "unavailable", p.reason);
	}
}
