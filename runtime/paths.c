// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/paths.h"
#include "runtime/privs.h"

int paths_max = PATHS_MAX;

/* A file one argument names, or the error met at that place. */
struct found {
	char *path;
	dev_t dev;
	ino_t ino;
	int err;	/* errno of the open that failed, else 0 */
};

/* What one argument expands to, unsorted. */
struct walk {
	struct found *v;
	int n, cap;
	bool recursive;
	bool over;	/* more than paths_max: the walk stopped */
	bool has_sub;	/* the folder given has subfolders */
};

/* An entry of a listed folder; mode from lstat, 0 if it vanished. */
struct entry {
	char *name;
	mode_t mode;
};

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (!p) {
		fprintf(stderr, "bpfq: error: out of memory\n");
		exit(1);
	}
	return p;
}

static char *xstrndup(const char *s, size_t len)
{
	char *d = xrealloc(NULL, len + 1);

	memcpy(d, s, len);
	d[len] = 0;
	return d;
}

static char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* dir/name, in the form the user gave dir: "" is the current folder, "/" and "a/" end in '/'. */
static char *join(const char *dir, const char *name)
{
	size_t len = strlen(dir);
	bool slash = len && dir[len - 1] != '/';
	char *s = xrealloc(NULL, len + slash + strlen(name) + 1);

	sprintf(s, "%s%s%s", dir, slash ? "/" : "", name);
	return s;
}

/* The first len bytes of s with each '\' quoting the next byte removed. */
static char *unescape(const char *s, size_t len)
{
	char *out = xrealloc(NULL, len + 1), *o = out;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len)
			i++;
		*o++ = s[i];
	}
	*o = 0;
	return out;
}

/* Whether s[0..len) holds an unquoted '*', '?' or a closed '[...]'. */
static bool has_magic(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\') {
			i++;
		} else if (s[i] == '*' || s[i] == '?') {
			return true;
		} else if (s[i] == '[') {
			size_t j = i + 1;

			if (j < len && (s[j] == '!' || s[j] == '^'))
				j++;
			if (j < len && s[j] == ']')	/* a ']' first is a member */
				j++;
			while (j < len && s[j] != ']')
				j++;
			if (j < len)
				return true;
		}
	}
	return false;
}

/* Whether a component of arg has a wildcard (a '[' and a ']' across a '/' make none). */
static bool is_pattern(const char *arg)
{
	for (const char *s = arg; *s; s += *s == '/') {
		size_t len = strcspn(s, "/");

		if (has_magic(s, len))
			return true;
		s += len;
	}
	return false;
}

/* Keep path (taken over) in w; false once there are more than paths_max. */
static bool add(struct walk *w, char *path, const struct stat *st, int err)
{
	if (w->n >= paths_max) {
		w->over = true;
		free(path);
		return false;
	}
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 16;
		w->v = xrealloc(w->v, w->cap * sizeof(*w->v));
	}
	w->v[w->n++] = (struct found){ path, st ? st->st_dev : 0, st ? st->st_ino : 0, err };
	return true;
}

/* An error at folder or file path, named without the trailing '/' of a pattern's head. */
static void add_error(struct walk *w, const char *path, int err)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		len--;
	add(w, len ? xstrndup(path, len) : xstrdup("."), NULL, err);
}

/*
 * fstat() of path opened as the caller with flags: O_PATH tells what it is
 * without reading it (and opens no device); O_RDONLY | O_NONBLOCK also
 * says it can be read (O_NONBLOCK: it may have become a FIFO). 0 or errno.
 */
static int stat_as_caller(const char *path, int flags, struct stat *st)
{
	int fd = privs_open(path, flags), err = 0;

	if (fd < 0)
		return errno;
	if (fstat(fd, st))
		err = errno;
	close(fd);
	return err;
}

static int probe(const char *path, struct stat *st)
{
	return stat_as_caller(path, O_PATH, st);
}

static int readable(const char *path, struct stat *st)
{
	return stat_as_caller(path, O_RDONLY | O_NONBLOCK, st);
}

/*
 * A file met in a folder or by a pattern (path taken over; mode from
 * lstat, 0 if unknown): kept if it is, or a symlink leads to, a regular
 * file; one the caller may not read is an error. A name gone missing or
 * a dangling symlink is no file. A regular file is opened once, others
 * are looked at first (O_PATH) so that no device is opened.
 */
static void take_file(struct walk *w, char *path, mode_t mode)
{
	struct stat st;
	int err = 0;

	if (!S_ISREG(mode)) {
		err = probe(path, &st);
		if (!err && !S_ISREG(st.st_mode))
			err = ENOENT;
	}
	if (!err)
		err = readable(path, &st);
	if (err == ENOENT || err == ENOTDIR || (!err && !S_ISREG(st.st_mode))) {
		free(path);
		return;
	}
	add(w, path, err ? NULL : &st, err);
}

static void free_entries(struct entry *e, int n)
{
	for (int i = 0; i < n; i++)
		free(e[i].name);
	free(e);
}

/*
 * The entries of folder dir but "." and "..", listed with the caller's
 * rights; each is lstat'ed with bpfq's own only to tell folders from
 * files, through the fd the caller opened. Returns 0 or an errno.
 */
static int list_dir(const char *dir, struct entry **out, int *n)
{
	int fd = privs_open(*dir ? dir : ".", O_RDONLY | O_DIRECTORY), cap = 0;
	struct dirent *d;
	DIR *dp;

	*out = NULL;
	*n = 0;
	if (fd < 0)
		return errno;
	dp = fdopendir(fd);
	if (!dp) {
		close(fd);
		return errno;
	}
	while ((errno = 0, d = readdir(dp))) {
		struct stat st;

		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		(*out)[*n].name = xstrdup(d->d_name);
		(*out)[(*n)++].mode =
			fstatat(dirfd(dp), d->d_name, &st, AT_SYMLINK_NOFOLLOW) ? 0 : st.st_mode;
	}
	if (errno) {
		int err = errno;

		closedir(dp);
		free_entries(*out, *n);
		*out = NULL;
		*n = 0;
		return err;
	}
	closedir(dp);
	return 0;
}

/* The regular files of a folder, and with recursive those of its real subfolders. */
static void walk_folder(struct walk *w, const char *dir, bool top)
{
	struct entry *e;
	int n, err = list_dir(dir, &e, &n);

	if (err) {
		add_error(w, dir, err);
		return;
	}
	for (int i = 0; i < n && !w->over; i++) {
		char *path = join(dir, e[i].name);

		if (S_ISDIR(e[i].mode)) {
			w->has_sub |= top;
			if (w->recursive)
				walk_folder(w, path, false);
			free(path);
		} else if (S_ISREG(e[i].mode) || S_ISLNK(e[i].mode)) {
			take_file(w, path, e[i].mode);
		} else {
			free(path);
		}
	}
	free_entries(e, n);
}

/* The components of a pattern after its literal head. */
struct pattern {
	char **comps;
	int n;
};

static void walk_pattern(struct walk *w, const char *dir, const struct pattern *p, int i);

/*
 * List dir for a pattern: a folder that is not there matches nothing, as
 * in the shell; one the caller may not list is an error, not a silent gap.
 */
static bool list_for_pattern(struct walk *w, const char *dir, struct entry **e, int *n)
{
	int err = list_dir(dir, e, n);

	if (err && err != ENOENT && err != ENOTDIR)
		add_error(w, dir, err);
	return !err;
}

/* "**": zero folders, then each real, visible subfolder in turn; at the end, every file below. */
static void walk_globstar(struct walk *w, const char *dir, const struct pattern *p, int i)
{
	bool last = i + 1 == p->n;
	struct entry *e;
	int n;

	if (!last)
		walk_pattern(w, dir, p, i + 1);
	if (!list_for_pattern(w, dir, &e, &n))
		return;
	for (int k = 0; k < n && !w->over; k++) {
		char *path;

		if (e[k].name[0] == '.')
			continue;
		path = join(dir, e[k].name);
		if (S_ISDIR(e[k].mode)) {
			walk_globstar(w, path, p, i);
			free(path);
		} else if (last && (S_ISREG(e[k].mode) || S_ISLNK(e[k].mode))) {
			take_file(w, path, e[k].mode);
		} else {
			free(path);
		}
	}
	free_entries(e, n);
}

/* A wildcard component: the matching entries of dir, files at the end, folders before. */
static void walk_magic(struct walk *w, const char *dir, const struct pattern *p, int i)
{
	bool last = i + 1 == p->n;
	struct entry *e;
	int n;

	if (!list_for_pattern(w, dir, &e, &n))
		return;
	for (int k = 0; k < n && !w->over; k++) {
		mode_t m = e[k].mode;
		char *path;

		if (fnmatch(p->comps[i], e[k].name, FNM_PERIOD))
			continue;
		path = join(dir, e[k].name);
		if (last && (S_ISREG(m) || S_ISLNK(m))) {
			take_file(w, path, m);
			continue;
		}
		/* A symlink on the way is followed, as the shell does; it may lead nowhere. */
		if (!last && (S_ISDIR(m) || S_ISLNK(m)))
			walk_pattern(w, path, p, i + 1);
		free(path);
	}
	free_entries(e, n);
}

static void walk_pattern(struct walk *w, const char *dir, const struct pattern *p, int i)
{
	const char *c = p->comps[i];
	char *name, *path;

	if (!strcmp(c, "**")) {
		walk_globstar(w, dir, p, i);
		return;
	}
	if (has_magic(c, strlen(c))) {
		walk_magic(w, dir, p, i);
		return;
	}
	/* Joined, not listed: a folder the caller may search but not list still works. */
	name = unescape(c, strlen(c));
	path = join(dir, name);
	free(name);
	if (i + 1 == p->n) {
		take_file(w, path, 0);
		return;
	}
	walk_pattern(w, path, p, i + 1);
	free(path);
}

/* Whether component s[0..len) adds nothing: empty (from "//"), or a "**" after a "**". */
static bool redundant(const struct pattern *p, const char *s, size_t len)
{
	bool after_globstar = p->n && !strcmp(p->comps[p->n - 1], "**");

	return !len || (after_globstar && len == 2 && !strncmp(s, "**", 2));
}

/* Split arg at its first wildcard component: the literal head, as given, and the rest. */
static char *split_pattern(const char *arg, struct pattern *p)
{
	const char *s = arg, *start = NULL;

	p->comps = NULL;
	p->n = 0;
	while (*s) {
		size_t len = strcspn(s, "/");

		if (!start && has_magic(s, len))
			start = s;
		if (start && !redundant(p, s, len)) {
			p->comps = xrealloc(p->comps, (p->n + 1) * sizeof(*p->comps));
			p->comps[p->n++] = xstrndup(s, len);
		}
		s += len + (s[len] == '/');
	}
	return unescape(arg, start - arg);
}

static void free_pattern(struct pattern *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->comps[i]);
	free(p->comps);
}

/* A pattern's files; one that ends in '/' names folders only, so no file. */
static void expand_pattern(struct walk *w, const char *arg)
{
	struct pattern p;
	char *head = split_pattern(arg, &p);

	if (p.n && arg[strlen(arg) - 1] != '/')
		walk_pattern(w, head, &p, 0);
	free(head);
	free_pattern(&p);
}

/* A path as given: a folder stands for its files, anything else for itself. */
static void expand_plain(struct walk *w, const char *arg)
{
	struct stat st;
	int err = probe(arg, &st);

	if (!err && S_ISDIR(st.st_mode)) {
		walk_folder(w, arg, true);
		return;
	}
	/* A FIFO or a device is not opened here: that could block or act. */
	if (!err && S_ISREG(st.st_mode))
		err = readable(arg, &st);
	add(w, xstrdup(arg), err ? NULL : &st, err);
}

/* Byte order by component: '/' sorts before any other byte, so "a/z" < "a-b" < "a.c". */
static int path_cmp(const void *a, const void *b)
{
	const unsigned char *x = (const unsigned char *)((const struct found *)a)->path;
	const unsigned char *y = (const unsigned char *)((const struct found *)b)->path;

	while (*x && *x == *y)
		x++, y++;
	return (*x == '/' ? 1 : *x ? *x + 1 : 0) - (*y == '/' ? 1 : *y ? *y + 1 : 0);
}

/* Why one argument gives no file to read, or 0 when it gives some. */
static int check_walk(const struct walk *w, const char *arg, bool pattern)
{
	if (w->over) {
		fprintf(stderr, "bpfq: error: '%s' brings the files to read over the limit of %d\n",
			arg, paths_max);
		return -1;
	}
	for (int i = 0; i < w->n; i++)
		if (w->v[i].err) {
			fprintf(stderr, "bpfq: error: cannot open '%s': %s\n", w->v[i].path,
				strerror(w->v[i].err));
			return -1;
		}
	if (w->n)
		return 0;
	if (pattern)
		fprintf(stderr, "bpfq: error: no file matches '%s'\n", arg);
	else
		fprintf(stderr, "bpfq: error: '%s' holds no file to read%s\n", arg,
			w->has_sub && !w->recursive ?
				" (add --recursive to read its subfolders)" : "");
	return -1;
}

/* The (st_dev, st_ino) already in the list: open addressing, at most half full. */
struct seen {
	struct found *slots;	/* path NULL: free */
	size_t cap, n;
};

static size_t seen_slot(const struct seen *s, dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)dev * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ino * 0xc2b2ae3d27d4eb4fULL;
	size_t i = (h ^ h >> 32) & (s->cap - 1);

	while (s->slots[i].path && (s->slots[i].dev != dev || s->slots[i].ino != ino))
		i = (i + 1) & (s->cap - 1);
	return i;
}

/* Note f's file; false if it was there already. */
static bool seen_add(struct seen *s, const struct found *f)
{
	size_t i;

	if (2 * (s->n + 1) > s->cap) {
		struct seen bigger = { NULL, s->cap ? 2 * s->cap : 64, 0 };

		bigger.slots = xrealloc(NULL, bigger.cap * sizeof(*bigger.slots));
		memset(bigger.slots, 0, bigger.cap * sizeof(*bigger.slots));
		for (size_t k = 0; k < s->cap; k++)
			if (s->slots[k].path)
				seen_add(&bigger, &s->slots[k]);
		free(s->slots);
		*s = bigger;
	}
	i = seen_slot(s, f->dev, f->ino);
	if (s->slots[i].path)
		return false;
	s->slots[i] = *f;
	s->n++;
	return true;
}

/* Append w's files, sorted, to list, those already there left out. */
static int append(struct path_list *list, struct walk *w, struct seen *seen, const char *arg)
{
	list->paths = xrealloc(list->paths, (list->n + w->n) * sizeof(*list->paths));
	for (int i = 0; i < w->n; i++) {
		if (!seen_add(seen, &w->v[i])) {
			free(w->v[i].path);
			continue;
		}
		if (list->n >= paths_max) {
			fprintf(stderr, "bpfq: error: '%s' brings the files to read over the limit "
					"of %d\n", arg, paths_max);
			for (; i < w->n; i++)
				free(w->v[i].path);
			return -1;
		}
		list->paths[list->n++] = w->v[i].path;
	}
	return 0;
}

static void free_walk(struct walk *w)
{
	for (int i = 0; i < w->n; i++)
		free(w->v[i].path);
	free(w->v);
}

/* One argument's files into list; -1 after the message. */
static int expand_one(const char *arg, bool recursive, struct seen *seen, struct path_list *list)
{
	struct walk w = { .recursive = recursive };
	bool pattern = is_pattern(arg);

	if (!strcmp(arg, "-")) {
		list->paths = xrealloc(list->paths, (list->n + 1) * sizeof(*list->paths));
		list->paths[list->n++] = xstrdup(arg);
		return 0;
	}
	if (pattern)
		expand_pattern(&w, arg);
	else
		expand_plain(&w, arg);
	/* Sorted first, so that an error names the first place, whatever the listing order. */
	if (w.n)
		qsort(w.v, w.n, sizeof(*w.v), path_cmp);
	if (check_walk(&w, arg, pattern)) {
		free_walk(&w);
		return -1;
	}
	if (append(list, &w, seen, arg)) {
		free(w.v);
		return -1;
	}
	free(w.v);
	return 0;
}

int paths_expand(const char *const *args, int n, bool recursive, struct path_list *list)
{
	struct seen seen = { 0 };
	int ret = 0;

	list->paths = NULL;
	list->n = 0;
	for (int i = 0; i < n && !ret; i++)
		ret = expand_one(args[i], recursive, &seen, list);
	free(seen.slots);
	if (ret)
		paths_free(list);
	return ret;
}

void paths_free(struct path_list *list)
{
	for (int i = 0; i < list->n; i++)
		free(list->paths[i]);
	free(list->paths);
	list->paths = NULL;
	list->n = 0;
}
