// SPDX-License-Identifier: MIT
/* Links the parts of a program compiled apart (codegen/clang.c) into one object. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "codegen/link.h"
#include "runtime/libbpf_log.h"

int link_objects(const char *out, const char *const *in, int n, char **log)
{
	size_t len = 0;
	struct bpf_linker *linker;
	FILE *link_log;
	int err = 0;

	link_log = libbpf_log_start(log, &len);
	linker = bpf_linker__new(out, NULL);
	if (!linker)
		err = -errno;
	for (int i = 0; i < n && !err; i++)
		err = bpf_linker__add_file(linker, in[i], NULL);
	if (!err)
		err = bpf_linker__finalize(linker);
	bpf_linker__free(linker);
	if (err && link_log)
		fprintf(link_log, "linking the program's two parts into %s: %s\n", out,
			strerror(-err));
	libbpf_log_end();
	return err ? -1 : 0;
}
