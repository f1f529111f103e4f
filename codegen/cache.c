// SPDX-License-Identifier: MIT
/*
 * The object cache. The key hashes the generated source, the flags and the
 * clang binary's identity (path, size, mtime: cheaper than running
 * `clang --version` on every query). An entry is one file: a header, the
 * source and the object. A hit compares the stored source byte for byte,
 * so a hash collision can only cost a compile, and the object's hash and
 * length, so a truncated or damaged entry is compiled again and replaced,
 * never loaded.
 *
 * What a cached object does runs in the kernel, so the folder must be one
 * that only this process's user (and root) can change: a planted entry
 * would be loaded as is. A folder that fails the check is not used; the
 * compile then happens in a private temporary folder, as for every
 * compile: clang never writes at a name another user can predict.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codegen/cache.h"
#include "codegen/clang.h"
#include "runtime/privs.h"
#include "runtime/slurp.h"

/* Acting for another user, the environment chooses nothing: this is the cache. */
#define SYSTEM_CACHE "/var/cache/bpfq"

/* Larger than any object a query makes; a bigger entry is not read. */
#define MAX_ENTRY (64u << 20)

static const char entry_magic[8] = "bpfqent1";

struct entry_head {
	char magic[8];
	uint64_t src_len, obj_len;
	uint64_t hash;		/* of the source and the object */
};

static char refusal[512];

const char *cache_refusal(void)
{
	return *refusal ? refusal : NULL;
}

__attribute__((format(printf, 1, 2)))
static bool refuse(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(refusal, sizeof(refusal), fmt, ap);
	va_end(ap);
	return false;
}

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

/*
 * A folder on the way to the cache: no one but root and this user may
 * change it. Group- or world-writable is allowed above the cache only
 * with the sticky bit (/tmp): there others cannot rename or remove what
 * root or this user owns, and every name below is checked to be theirs.
 * The cache itself is this user's and writable by no one else.
 */
static bool trusted(int fd, const char *path, int n, bool last)
{
	struct stat st;
	uid_t me = geteuid();

	if (fstat(fd, &st))
		return refuse("%.*s: %s", n, path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return refuse("%.*s is not a folder", n, path);
	if (last ? st.st_uid != me : st.st_uid != me && st.st_uid != 0)
		return refuse("%.*s is owned by uid %u, not %u", n, path, (unsigned)st.st_uid,
			      (unsigned)me);
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && (last || !(st.st_mode & S_ISVTX)))
		return refuse("%.*s is writable by others", n, path);
	return true;
}

/*
 * path made absolute, with the symbolic links of its folders that exist
 * resolved (realpath()); the part that does not exist yet is kept as is.
 */
static char *resolve(const char *path)
{
	char *head = strdup(path), *real = NULL, *out = NULL;
	size_t n = head ? strlen(head) : 0;

	while (head && !(real = realpath(n ? head : ".", NULL)) && errno == ENOENT && n) {
		while (n && head[n - 1] != '/')
			n--;
		while (n > 1 && head[n - 1] == '/')
			n--;
		head[n] = '\0';
	}
	if (real && asprintf(&out, "%s%s%s", real, path[n] ? "/" : "", path + n) < 0)
		out = NULL;
	free(real);
	free(head);
	return out;
}

/*
 * Walk the resolved path from / with O_NOFOLLOW, making what is missing
 * (0700) only inside a folder already found trusted, and check every
 * folder: a link swapped in after resolve() fails the walk.
 */
static bool walk(const char *path)
{
	char *copy = strdup(path), *name, *next;
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	bool ok = copy && fd >= 0 && trusted(fd, "/", 1, false);

	for (name = copy; ok && name; name = next) {
		int sub, n;

		while (*name == '/')
			name++;
		next = strchr(name, '/');
		if (next)
			*next++ = '\0';
		while (next && *next == '/')
			next++;
		if (next && !*next)
			next = NULL;
		n = (int)(name - copy + strlen(name));	/* the folders so far */
		if (!*name || !strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			ok = refuse("%s has a '..'", path);
			continue;
		}
		sub = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 && errno == ENOENT && (!mkdirat(fd, name, 0700) || errno == EEXIST))
			sub = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = sub;
		if (fd < 0)
			ok = refuse("cannot make or open %.*s: %s", n, path,
				    errno == ENOTDIR || errno == ELOOP ? "not a folder" : strerror(errno));
		else
			ok = trusted(fd, path, n, !next);
	}
	if (fd >= 0)
		close(fd);
	free(copy);
	return ok;
}

/* The folder, from the environment; NULL when caching is off or there is no home. */
static char *env_dir(void)
{
	const char *env = privs_getenv("BPFQ_CACHE_DIR"), *xdg = privs_getenv("XDG_CACHE_HOME");
	const char *home = privs_getenv("HOME");
	char *dir = NULL;
	int n = -1;

	if (env && *env)
		n = strcmp(env, "off") ? asprintf(&dir, "%s", env) : -1;
	else if (xdg && *xdg)
		n = asprintf(&dir, "%s/bpfq", xdg);
	else if (home && *home)
		n = asprintf(&dir, "%s/.cache/bpfq", home);
	return n < 0 ? NULL : dir;
}

char *cache_dir(void)
{
	char *dir, *real = NULL;
	struct stat st;

	*refusal = '\0';
	dir = privs_for_other() ? strdup(SYSTEM_CACHE) : env_dir();
	if (!dir)
		return NULL;
	if (!lstat(dir, &st) && S_ISLNK(st.st_mode))
		refuse("%s is a symbolic link", dir);
	else if (!(real = resolve(dir)))
		refuse("%s: %s", dir, strerror(errno));
	else if (!walk(real)) {
		free(real);
		real = NULL;
	}
	free(dir);
	return real;
}

/* All of fd, up to MAX_ENTRY bytes; a file of root's or this user's alone. */
static void *read_entry(int fd, size_t *len)
{
	struct stat st;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) || st.st_size > MAX_ENTRY)
		return NULL;
	return slurp_fd(fd, MAX_ENTRY, len);
}

static uint64_t entry_hash(const char *src, size_t len, const void *obj, size_t obj_len)
{
	return fnv1a(fnv1a(0xcbf29ce484222325ULL, src, len), obj, obj_len);
}

/* A cached object for exactly this source, or NULL (a bad entry is a miss). */
static void *lookup(const char *path, const char *src, size_t len, size_t *obj_len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	size_t size = 0;
	char *data = fd >= 0 ? read_entry(fd, &size) : NULL;
	struct entry_head h;
	void *obj = NULL;

	if (fd >= 0)
		close(fd);
	if (!data || size < sizeof(h))
		goto out;
	memcpy(&h, data, sizeof(h));
	if (memcmp(h.magic, entry_magic, sizeof(h.magic)) || h.src_len != len ||
	    size - sizeof(h) < len || h.obj_len != size - sizeof(h) - len ||
	    memcmp(data + sizeof(h), src, len) ||
	    h.hash != entry_hash(src, len, data + sizeof(h) + len, h.obj_len))
		goto out;
	obj = malloc(h.obj_len ? h.obj_len : 1);
	if (obj) {
		memcpy(obj, data + sizeof(h) + len, h.obj_len);
		*obj_len = h.obj_len;
	}
out:
	free(data);
	return obj;
}

/* Store an entry: written under a fresh mkstemp() name, then renamed over path. */
static void store(const char *dir, const char *path, const char *src, size_t len,
		  const void *obj, size_t obj_len)
{
	struct entry_head h = { .src_len = len, .obj_len = obj_len,
				.hash = entry_hash(src, len, obj, obj_len) };
	char *tmp = NULL;
	int fd;

	memcpy(h.magic, entry_magic, sizeof(h.magic));
	if (asprintf(&tmp, "%s/.new.XXXXXX", dir) < 0)
		return;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd >= 0) {
		bool ok = write_all(fd, &h, sizeof(h)) && write_all(fd, src, len) &&
			  write_all(fd, obj, obj_len);

		if (close(fd) || !ok || rename(tmp, path))
			unlink(tmp);
	}
	free(tmp);
}

/* Whole regular file into memory; NULL if it cannot be read. */
static void *read_file(const char *path, size_t *len)
{
	struct stat st;
	void *data = NULL;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		data = slurp_fd(fd, MAX_ENTRY, len);
	close(fd);
	return data;
}

/* Empty and remove a private folder: a killed clang may leave its own temporary files. */
static void remove_private(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
	rmdir(dir);
}

static void *say(char **log, const char *what, const char *path)
{
	if (asprintf(log, "%s %s: %s", what, path, strerror(errno)) < 0)
		*log = NULL;
	return NULL;
}

/* Compile src in a private folder made for it (mkdtemp(), 0700), removed after. */
static void *compile(const char *clang, const char *src, size_t len, int parts,
		     size_t *obj_len, char **log)
{
	char dir[] = "/tmp/bpfq.XXXXXX", *c = NULL, *o = NULL;
	void *obj = NULL;
	int fd;

	if (!mkdtemp(dir))
		return say(log, "cannot make a temporary folder in", "/tmp");
	if (asprintf(&c, "%s/prog.c", dir) < 0 || asprintf(&o, "%s/prog.o", dir) < 0)
		goto cleanup;
	fd = open(c, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || !write_all(fd, src, len) || close(fd)) {
		say(log, "cannot write", c);
		goto cleanup;
	}
	if (clang_compile(clang, c, o, parts, log))
		goto cleanup;
	obj = read_file(o, obj_len);
	if (!obj)
		say(log, "cannot read", o);
cleanup:
	remove_private(dir);
	free(c);
	free(o);
	return obj;
}

int cache_object(const char *clang, const char *src, size_t len, int parts, void **obj,
		 size_t *obj_len, char **log, int *hit)
{
	char *dir = cache_dir(), *path = NULL;

	*obj = NULL;
	*log = NULL;
	*hit = 0;
	if (dir && asprintf(&path, "%s/%016" PRIx64 ".entry", dir,
			    cache_key(clang, src, len)) < 0)
		path = NULL;
	if (path && (*obj = lookup(path, src, len, obj_len))) {
		*hit = 1;
	} else {
		*obj = compile(clang, src, len, parts, obj_len, log);
		if (*obj && path)
			store(dir, path, src, len, *obj, *obj_len);
	}
	free(path);
	free(dir);
	return *obj ? 0 : -1;
}
