// SPDX-License-Identifier: MIT
/* Bytes that may hold anything, escaped for JSON and for a terminal. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/escape.h"

void escape_json_bytes(FILE *f, const unsigned char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			fprintf(f, "\\%c", s[i]);
		else if (s[i] < 0x20 || s[i] == 0x7f)
			fprintf(f, "\\u%04x", s[i]);
		else
			fputc(s[i], f);
	}
	fputc('"', f);
}

void escape_json_string(FILE *f, const char *s)
{
	escape_json_bytes(f, (const unsigned char *)s, strlen(s));
}

/* Not isprint(): readline sets the locale in the REPL, and no locale may let ESC through. */
bool escape_plain_byte(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

void escape_text_bytes(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (escape_plain_byte(c))
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

void escape_text(FILE *f, const char *s)
{
	escape_text_bytes(f, s, strlen(s));
}

char *escape_text_dup(const char *s)
{
	char *t = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&t, &len);

	if (!m)
		return NULL;
	escape_text(m, s);
	return fclose(m) ? (free(t), NULL) : t;
}
