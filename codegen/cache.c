// SPDX-License-Identifier: MIT
/*
 * The object cache. The key hashes the generated source, the flags and the
 * clang binary's identity (path, size, mtime: cheaper than running
 * `clang --version` on every query). A hit also compares the stored source
 * byte for byte, so a hash collision can only cost a compile, never load a
 * wrong program. Entries are written under temporary names and renamed, so
 * concurrent runs never see half an entry.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "clang.h"

static uint64_t fnv1a(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

static uint64_t cache_key(const char *clang, const char *src, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	struct stat st = { 0 };

	stat(clang, &st);
	h = fnv1a(h, clang, strlen(clang) + 1);
	h = fnv1a(h, &st.st_size, sizeof(st.st_size));
	h = fnv1a(h, &st.st_mtim, sizeof(st.st_mtim));
	for (int i = 0; clang_flags[i]; i++)
		h = fnv1a(h, clang_flags[i], strlen(clang_flags[i]) + 1);
	return fnv1a(h, src, len);
}

/* Whole file into memory; NULL if it cannot be read. */
static void *read_file(const char *path, size_t *len)
{
	struct stat st;
	void *data = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && (data = malloc(st.st_size + 1))) {
		if (read(fd, data, st.st_size) != st.st_size) {
			free(data);
			data = NULL;
		}
		*len = st.st_size;
	}
	close(fd);
	return data;
}

static int write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, data, len);
	if (close(fd) || n != (ssize_t)len)
		return -1;
	return 0;
}

static int mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
}

char *cache_dir(void)
{
	const char *env = getenv("BPFQ_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char *dir = NULL;
	int n = -1;

	if (env && *env)
		n = strcmp(env, "off") ? asprintf(&dir, "%s", env) : -1;
	else if (xdg && *xdg)
		n = asprintf(&dir, "%s/bpfq", xdg);
	else if (home && *home)
		n = asprintf(&dir, "%s/.cache/bpfq", home);
	if (n < 0)
		return NULL;
	if (mkdir_p(dir) || access(dir, W_OK)) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* A cached object for exactly this source, or NULL. */
static void *lookup(const char *base, const char *src, size_t len, size_t *obj_len)
{
	char *path, *stored;
	size_t stored_len = 0;
	void *obj = NULL;

	if (asprintf(&path, "%s.c", base) < 0)
		return NULL;
	stored = read_file(path, &stored_len);
	if (stored && stored_len == len && !memcmp(stored, src, len)) {
		path[strlen(path) - 1] = 'o';
		obj = read_file(path, obj_len);
	}
	free(stored);
	free(path);
	return obj;
}

/* Compile src in folder dir under temporary names; keep them as base.c/base.o if keep. */
static void *compile(const char *clang, const char *dir, const char *base, int keep,
		     const char *src, size_t len, int parts, size_t *obj_len, char **log)
{
	char *c_tmp = NULL, *o_tmp = NULL, *c_final = NULL, *o_final = NULL;
	void *obj = NULL;
	int pid = getpid();

	if (asprintf(&c_tmp, "%s/tmp.%d.c", dir, pid) < 0 ||
	    asprintf(&o_tmp, "%s/tmp.%d.o", dir, pid) < 0 ||
	    asprintf(&c_final, "%s.c", base) < 0 || asprintf(&o_final, "%s.o", base) < 0)
		goto cleanup;
	if (write_file(c_tmp, src, len)) {
		if (asprintf(log, "cannot write %s: %s", c_tmp, strerror(errno)) < 0)
			*log = NULL;
		goto cleanup;
	}
	if (clang_compile(clang, c_tmp, o_tmp, parts, log))
		goto cleanup;
	obj = read_file(o_tmp, obj_len);
	if (!obj && asprintf(log, "cannot read %s: %s", o_tmp, strerror(errno)) < 0)
		*log = NULL;
	/* The object first: a present .c means a complete entry. */
	if (obj && keep && rename(o_tmp, o_final) == 0)
		rename(c_tmp, c_final);
cleanup:
	if (c_tmp)
		unlink(c_tmp);
	if (o_tmp)
		unlink(o_tmp);
	free(c_tmp);
	free(o_tmp);
	free(c_final);
	free(o_final);
	return obj;
}

int cache_object(const char *clang, const char *src, size_t len, int parts, void **obj,
		 size_t *obj_len, char **log, int *hit)
{
	char *dir = cache_dir(), *base = NULL;
	char tmpdir[] = "/tmp/bpfq.XXXXXX";
	int keep = dir != NULL;

	*obj = NULL;
	*log = NULL;
	*hit = 0;
	if (!dir && !(dir = mkdtemp(tmpdir) ? strdup(tmpdir) : NULL)) {
		if (asprintf(log, "cannot make a temporary folder: %s", strerror(errno)) < 0)
			*log = NULL;
		return -1;
	}
	if (asprintf(&base, "%s/%016" PRIx64, dir, cache_key(clang, src, len)) < 0)
		goto cleanup;
	if (keep && (*obj = lookup(base, src, len, obj_len))) {
		*hit = 1;
		goto cleanup;
	}
	*obj = compile(clang, dir, base, keep, src, len, parts, obj_len, log);
cleanup:
	if (!keep)
		rmdir(dir);
	free(base);
	free(dir);
	return *obj ? 0 : -1;
}
