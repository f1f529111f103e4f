/* SPDX-License-Identifier: MIT */
/*
 * -f FILE: queries separated by ';' (outside quotes); a line whose first
 * non-blank character is '#' is a comment. Blank queries are dropped.
 */
#ifndef BPFQ_QUERY_FILE_H
#define BPFQ_QUERY_FILE_H

/* Read path ('-': standard input). Returns 0 with *queries (each and the array malloc()ed), or -1 after printing why. */
int query_file_read(const char *path, char ***queries, int *n);
void query_file_free(char **queries, int n);

#endif /* BPFQ_QUERY_FILE_H */
