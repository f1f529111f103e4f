// SPDX-License-Identifier: MIT
/*
 * runtime/paths.c on a private tree of real files: plain paths, patterns
 * (*, ?, [...], a wildcard in a middle component, ** at the start, in the
 * middle and at the end), hidden files, folders with and without
 * recursion, duplicates by path, symlink and hard link, the order, a
 * thousand files, a symlink loop, FIFOs, the limit, and each error text
 * exactly. Run as root, a child acting for nobody (SUDO_UID) checks that
 * a folder or file root alone may read is refused, naming it.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/paths.h"
#include "tests/unit/unit.h"

/* The private tree, the current folder of the tests. */
static char dir[4096];
static FILE *err_file;	/* stderr of paths_expand, read back */

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static void make_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	close(fd);
}

static void make_dir(const char *path, mode_t mode)
{
	if (mkdir(path, mode))
		die(path);
}

static void make_link(const char *target, const char *path)
{
	if (symlink(target, path))
		die(path);
}

/* Split words at spaces into args; returns how many. */
static int words(char *s, const char *args[], int max)
{
	int n = 0;

	for (char *w = strtok(s, " "); w && n < max; w = strtok(NULL, " "))
		args[n++] = w;
	return n;
}

/*
 * Expand the space-separated args; what came out: the paths joined by
 * spaces, or the text printed on stderr. *list keeps the paths.
 */
static char *expand_into(const char *arg_text, bool recursive, struct path_list *list)
{
	char *copy = strdup(arg_text), *out = NULL;
	const char *args[16];
	int n = words(copy, args, 16), saved, rc;
	size_t len = 0;
	FILE *f;

	fflush(stderr);
	saved = dup(2);
	if (ftruncate(fileno(err_file), 0) || lseek(fileno(err_file), 0, SEEK_SET) ||
	    dup2(fileno(err_file), 2) < 0)
		die("stderr");
	rc = paths_expand(args, n, recursive, list);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = open_memstream(&out, &len);
	if (rc) {
		char buf[512];
		size_t got;

		lseek(fileno(err_file), 0, SEEK_SET);
		while ((got = read(fileno(err_file), buf, sizeof(buf))) > 0)
			fwrite(buf, 1, got, f);
		if (list->n || list->paths)
			fprintf(f, "(a partial list of %d after the error)", list->n);
	}
	for (int i = 0; !rc && i < list->n; i++)
		fprintf(f, "%s%s", i ? " " : "", list->paths[i]);
	fclose(f);
	free(copy);
	return out;
}

static void expect_paths(const char *args, bool recursive, const char *want)
{
	struct path_list list;
	char *got = expand_into(args, recursive, &list);

	expect_str(args, want, got);
	free(got);
	paths_free(&list);
}

/*
 * The tree: files at the top, folders d1 and d2 (d2 with a subfolder and a
 * hidden one), an empty folder, one with only subfolders, links, FIFOs,
 * a folder whose order needs care, and a symlink loop.
 */
static void make_tree(void)
{
	const char *files[] = { "a.txt", "b.txt", "c.txt", "ab.txt", "x.log", ".hid.txt",
				".h.log", "d1/x.txt", "d1/y.log", "d2/x.txt", "d2/sub/z.log",
				"d2/.hdir/h.log", "loop/a.log", "fifos/r.txt", "order/b.log",
				"order/a/z.log", "order/a.log", "order/a-b.log" };
	const char *dirs[] = { "d1", "d2", "d2/sub", "d2/.hdir", "empty", "only", "only/s1",
			       "only/s2", "dup", "loop", "fifos", "many", "order", "order/a" };

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		make_dir(dirs[i], 0755);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		make_file(files[i], files[i], 0644);
	if (link("b.txt", "dup/h.txt"))
		die("dup/h.txt");
	make_link("../a.txt", "dup/s.txt");
	make_link("nowhere", "dup/dead");
	make_link(".", "loop/self");
	make_link("..", "loop/up");
	if (mkfifo("fifos/p", 0644))
		die("fifos/p");
	for (int i = 0; i < 1000; i++) {
		char name[32];

		snprintf(name, sizeof(name), "many/f%04d.dat", i);
		make_file(name, "1\n", 0644);
	}
}

static void test_plain(void)
{
	expect_paths("a.txt c.txt", false, "a.txt c.txt");
	expect_paths("./a.txt", false, "./a.txt");
	expect_paths("nope.txt", false,
		     "bpfq: error: cannot open 'nope.txt': No such file or directory\n");
	/* No partial list: the good file before the missing one is not kept. */
	expect_paths("a.txt nope.txt", false,
		     "bpfq: error: cannot open 'nope.txt': No such file or directory\n");
	expect_paths("- a.txt", false, "- a.txt");
	/* A FIFO named is taken as given (and not opened: that would block). */
	expect_paths("fifos/p", false, "fifos/p");
	/* Without a wildcard, a bracket is a name: no listing, no match error. */
	expect_paths("a[1", false, "bpfq: error: cannot open 'a[1': No such file or directory\n");
	expect_paths("a[b/c]d", false,
		     "bpfq: error: cannot open 'a[b/c]d': No such file or directory\n");
	/* Nor is a backslash quoting: the shell quotes only when it expands a pattern. */
	expect_paths("\\*.txt", false,
		     "bpfq: error: cannot open '\\*.txt': No such file or directory\n");
}

static void test_patterns(void)
{
	char abs[sizeof(dir) + 64], want[2 * sizeof(dir) + 64];

	expect_paths("*.txt", false, "a.txt ab.txt b.txt c.txt");
	expect_paths("?.txt", false, "a.txt b.txt c.txt");
	expect_paths("[a-b].txt", false, "a.txt b.txt");
	expect_paths("[!a].txt", false, "b.txt c.txt");
	expect_paths("d*/x.txt", false, "d1/x.txt d2/x.txt");
	expect_paths("./d?/*.log", false, "./d1/y.log");
	expect_paths("**/*.log", false, "d1/y.log d2/sub/z.log loop/a.log order/a/z.log "
					"order/a-b.log order/a.log order/b.log x.log");
	expect_paths("d2/**/z.log", false, "d2/sub/z.log");
	expect_paths("**/x.txt", false, "d1/x.txt d2/x.txt");
	expect_paths("d2/**", false, "d2/sub/z.log d2/x.txt");
	expect_paths("d*//**//x.txt", false, "d1/x.txt d2/x.txt");
	expect_paths(".*.txt", false, ".hid.txt");
	expect_paths("*", false, "a.txt ab.txt b.txt c.txt x.log");
	expect_paths("d*/", false, "bpfq: error: no file matches 'd*/'\n");
	expect_paths("*.nope", false, "bpfq: error: no file matches '*.nope'\n");
	expect_paths("nodir/*.txt", false, "bpfq: error: no file matches 'nodir/*.txt'\n");
	snprintf(abs, sizeof(abs), "%s/d1/*.txt", dir);
	snprintf(want, sizeof(want), "%s/d1/x.txt", dir);
	expect_paths(abs, false, want);
}

static void test_folders(void)
{
	expect_paths("d2", false, "d2/x.txt");
	expect_paths("d2/", true, "d2/.hdir/h.log d2/sub/z.log d2/x.txt");
	expect_paths("./d1", false, "./d1/x.txt ./d1/y.log");
	/* Depth first, sorted at each level: a/ before a-b.log before a.log. */
	expect_paths("order", true, "order/a/z.log order/a-b.log order/a.log order/b.log");
	expect_paths("empty", false, "bpfq: error: 'empty' holds no file to read\n");
	expect_paths("empty", true, "bpfq: error: 'empty' holds no file to read\n");
	expect_paths("only", false, "bpfq: error: 'only' holds no file to read (add --recursive "
				    "to read its subfolders)\n");
	expect_paths("only", true, "bpfq: error: 'only' holds no file to read\n");
	/* The links to . and .. are not followed: no loop, no file twice. */
	expect_paths("loop", true, "loop/a.log");
	expect_paths("loop/*/a.log", false, "loop/self/a.log");
	/* A symlink named is followed, as the shell would. */
	expect_paths("loop/self", false, "loop/self/a.log");
	/* A FIFO in a folder is not a regular file. */
	expect_paths("fifos", false, "fifos/r.txt");
}

static void test_duplicates(void)
{
	expect_paths("a.txt a.txt", false, "a.txt");
	expect_paths("a.txt *.txt", false, "a.txt ab.txt b.txt c.txt");
	expect_paths("dup/h.txt b.txt", false, "dup/h.txt");
	expect_paths("dup/s.txt a.txt", false, "dup/s.txt");
	/* The dangling symlink is left out. */
	expect_paths("dup a.txt b.txt c.txt", false, "dup/h.txt dup/s.txt c.txt");
	expect_paths("- -", false, "- -");
}

static void test_many(void)
{
	struct path_list list;
	char *got = expand_into("many/*.dat", false, &list);

	expect_u64("many/*.dat", "files", 1000, list.n);
	if (list.n == 1000) {
		expect_str("many: first", "many/f0000.dat", list.paths[0]);
		expect_str("many: last", "many/f0999.dat", list.paths[999]);
	}
	free(got);
	paths_free(&list);
	paths_max = 8;
	expect_paths("many/*.dat", false,
		     "bpfq: error: 'many/*.dat' brings the files to read over the limit of 8\n");
	expect_paths("many", false,
		     "bpfq: error: 'many' brings the files to read over the limit of 8\n");
	expect_paths("d1 d2 *.txt", true,
		     "bpfq: error: '*.txt' brings the files to read over the limit of 8\n");
	paths_max = 9;
	expect_paths("d1 d2 *.txt", true, "d1/x.txt d1/y.log d2/.hdir/h.log d2/sub/z.log "
					  "d2/x.txt a.txt ab.txt b.txt c.txt");
	paths_max = PATHS_MAX;
}

static int remove_tree(const char *path)
{
	char cmd[sizeof(dir) + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	return system(cmd);
}

/*
 * As nobody (SUDO_UID=65534), in a child: privs decides once per process
 * whom it acts for, so the parent must not have opened anything yet. The
 * child's checks print their failures; its status counts them.
 */
static void test_caller_rights(void)
{
	pid_t pid;
	int status;

	if (geteuid() != 0) {
		printf("skip: the caller's rights need root\n");
		return;
	}
	make_dir("perm", 0755);
	make_file("perm/open.log", "1\n", 0644);
	make_file("perm/secret.log", "1\n", 0600);
	make_dir("perm/secret", 0700);
	make_file("perm/secret/x.log", "1\n", 0644);
	make_dir("perm/pub", 0755);
	make_file("perm/pub/ok.log", "1\n", 0644);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		setenv("SUDO_UID", "65534", 1);
		setenv("SUDO_GID", "65534", 1);
		expect_paths("perm/open.log perm/pub", false, "perm/open.log perm/pub/ok.log");
		expect_paths("perm/secret", false,
			     "bpfq: error: cannot open 'perm/secret': Permission denied\n");
		expect_paths("perm", false,
			     "bpfq: error: cannot open 'perm/secret.log': Permission denied\n");
		expect_paths("perm/*.log", false,
			     "bpfq: error: cannot open 'perm/secret.log': Permission denied\n");
		expect_paths("perm/open.log perm/secret/*.log", false,
			     "bpfq: error: cannot open 'perm/secret': Permission denied\n");
		expect_paths("perm/*/x.log", false,
			     "bpfq: error: cannot open 'perm/secret/x.log': Permission denied\n");
		expect_paths("perm/**/ok.log", false,
			     "bpfq: error: cannot open 'perm/secret': Permission denied\n");
		fflush(stdout);
		_exit(failed);
	}
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	expect_u64("as nobody", "failed checks", 0, WIFEXITED(status) ? WEXITSTATUS(status) : 99);
	/* As root itself, the same tree reads. */
	expect_paths("perm/*.log", false, "perm/open.log perm/secret.log");
	expect_paths("perm", true, "perm/open.log perm/pub/ok.log perm/secret/x.log "
				   "perm/secret.log");
	if (remove_tree("perm"))
		die("rm perm");
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	/* Acting for another user is the child's test alone. */
	unsetenv("SUDO_UID");
	unsetenv("PKEXEC_UID");
	unsetenv("DOAS_USER");
	snprintf(dir, sizeof(dir), "%s/bpfq-paths-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir) || chmod(dir, 0755) || chdir(dir))
		die(dir);
	err_file = tmpfile();
	if (!err_file)
		die("tmpfile");
	make_tree();
	test_caller_rights();
	test_plain();
	test_patterns();
	test_folders();
	test_duplicates();
	test_many();
	if (chdir("/") || remove_tree(dir))
		printf("could not remove %s\n", dir);
	return unit_done();
}
