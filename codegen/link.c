// SPDX-License-Identifier: MIT
/* Links the parts of a program compiled apart (codegen/clang.c) into one object. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "codegen/link.h"

/* libbpf's messages while linking; the linker says why it refused there. */
static FILE *link_log;

static int collect(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return link_log && level != LIBBPF_DEBUG ? vfprintf(link_log, fmt, ap) : 0;
}

int link_objects(const char *out, const char *const *in, int n, char **log)
{
	size_t len = 0;
	libbpf_print_fn_t old;
	struct bpf_linker *linker;
	int err = 0;

	*log = NULL;
	link_log = open_memstream(log, &len);
	old = libbpf_set_print(collect);
	linker = bpf_linker__new(out, NULL);
	if (!linker)
		err = -errno;
	for (int i = 0; i < n && !err; i++)
		err = bpf_linker__add_file(linker, in[i], NULL);
	if (!err)
		err = bpf_linker__finalize(linker);
	bpf_linker__free(linker);
	libbpf_set_print(old);
	if (err && link_log)
		fprintf(link_log, "linking the program's two parts into %s: %s\n", out,
			strerror(-err));
	if (link_log)
		fclose(link_log);
	link_log = NULL;
	return err ? -1 : 0;
}
