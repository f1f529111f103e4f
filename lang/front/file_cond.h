/* SPDX-License-Identifier: MIT */
/*
 * The pseudo-column file in conditions. A condition over file and
 * constants alone is one truth per file: sema puts a NODE_FILE_COND in
 * its place, user space decides it for each file before the file is
 * read, and the engines read that truth (a bit) as they read a record's
 * fields. The path's bytes never reach the generated program.
 */
#ifndef BPFQ_FILE_COND_H
#define BPFQ_FILE_COND_H

#include "lang/front/ast.h"
#include "lang/front/diag.h"

/*
 * After the where clause and the aggregates are checked: each largest
 * condition over file alone becomes a NODE_FILE_COND (query.file_conds);
 * file anywhere else (compared with a field, in arithmetic) is an error.
 */
bool file_conds_fold(struct query *q, struct diag *d);

#endif /* BPFQ_FILE_COND_H */
