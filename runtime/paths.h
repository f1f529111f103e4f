/* SPDX-License-Identifier: MIT */
/*
 * The files a query reads, from the paths after 'from': plain paths,
 * shell-style patterns that bpfq expands itself (quoted, so that the shell
 * does not), and folders.
 *
 * - A path without a wildcard is taken as it is: a file, a FIFO or a
 *   device as given, "-" (standard input) kept as "-"; a folder stands for
 *   its regular files. Backslashes in it are literal, as in the shell when
 *   no pattern is expanded.
 * - A pattern is matched one component at a time with fnmatch(3): '*',
 *   '?' and '[...]' ('\' quotes the next character); a leading '.' is
 *   matched only by a '.' in the pattern; "." and ".." never match.
 *   A component "**" matches zero or more folders, not hidden ones and not
 *   symlinks to folders; "**" at the end stands for every file below.
 *   Components without a wildcard are joined, not looked up in a listing.
 *   A pattern picks files: the folders it matches are not read (name a
 *   folder to read its files), and a pattern ending in '/' picks none.
 * - A folder: its regular files, hidden ones too; with recursive, those
 *   of its subfolders too. Symlinks in it to files are followed, symlinks
 *   to folders are not (no loops), dangling symlinks, FIFOs, sockets and
 *   devices are left out.
 * - Symlinks given or matched are followed as the shell would.
 *
 * Order: the arguments in turn; the files of one argument sorted by
 * component in byte order (not the locale's), so a folder's files and its
 * subfolders' come depth first, sorted at each level. A file named twice
 * (the same st_dev and st_ino, through another path, a symlink or a hard
 * link) is kept once, at its first place; "-" is always kept.
 *
 * Rights: bpfq often runs as root for another user (sudo, file
 * capabilities). Every folder is listed and every file checked through
 * privs_open(), with the caller's rights, so that the answer is what ls
 * and cat would give the user: a folder or file the user may not read is
 * an error naming it, never skipped and never read with root's rights.
 * glob(3) and nftw(3) would list with bpfq's own rights, so they are not
 * used. fstatat() on an entry of a folder the user could list only tells
 * folders from files; the file itself is then opened as the user.
 *
 * Errors leave no partial list: a path that cannot be opened, a pattern
 * that matches no file, a folder that holds none, an unreadable file or
 * folder met on the way, more than paths_max files.
 */
#ifndef BPFQ_PATHS_H
#define BPFQ_PATHS_H

#include <stdbool.h>

/* The most files one query reads, so that a stray "**" from / fails early. */
#define PATHS_MAX 100000

/* PATHS_MAX; tests lower it to reach the limit with a few files. */
extern int paths_max;

struct path_list {
	char **paths;	/* malloc()ed, in the order they are read */
	int n;
};

/*
 * The files that args[0..n) name, in order, as above. Paths keep the form
 * the user gave (logs/a.log, ./x, /abs/y), since messages print them.
 * Returns 0, or -1 after printing why on stderr (then list is empty).
 */
int paths_expand(const char *const *args, int n, bool recursive, struct path_list *list);
void paths_free(struct path_list *list);

#endif /* BPFQ_PATHS_H */
