/* SPDX-License-Identifier: MIT */
/*
 * -f FILE: queries separated by ';' (outside quotes); a line whose first
 * non-blank character is '#' is a comment. Blank queries are dropped.
 */
#ifndef BPFQ_QUERY_FILE_H
#define BPFQ_QUERY_FILE_H

/*
 * Read path ('-': standard input). Returns 0 with *queries (each and the
 * array malloc()ed), or after printing why an exit status: EXIT_INPUT if
 * the file cannot be opened or read, EXIT_QUERY if it holds no queries.
 */
int query_file_read(const char *path, char ***queries, int *n);
void query_file_free(char **queries, int n);

#endif /* BPFQ_QUERY_FILE_H */
