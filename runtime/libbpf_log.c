// SPDX-License-Identifier: MIT
#include <stdarg.h>

#include <bpf/libbpf.h>

#include "runtime/libbpf_log.h"

static FILE *log_file;

/* fmt is libbpf's own: the attribute says so, for -Wformat-nonliteral. */
__attribute__((format(printf, 2, 0)))
static int collect(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return log_file && level != LIBBPF_DEBUG ? vfprintf(log_file, fmt, ap) : 0;
}

FILE *libbpf_log_start(char **text, size_t *len)
{
	*text = NULL;
	log_file = open_memstream(text, len);
	libbpf_set_print(collect);
	return log_file;
}

void libbpf_log_end(void)
{
	if (log_file)
		fclose(log_file);
	log_file = NULL;
}
