// SPDX-License-Identifier: MIT
/* The conditions over file alone, each one truth per file (file_cond.h). */
#include <string.h>

#include "lang/front/file_cond.h"

static bool is_file(const struct query *q, const struct node *n)
{
	return ast_is_file(q, n);
}

/* The first use of file below n, for the error. */
static const struct node *first_file(const struct query *q, const struct node *n)
{
	const struct node *f = NULL;

	if (!n || is_file(q, n))
		return n;
	if (!(f = first_file(q, n->lhs)))
		f = first_file(q, n->rhs);
	for (int i = 0; !f && i < n->nargs; i++)
		f = first_file(q, n->args[i]);
	return f;
}

/* n becomes the stand-in of the condition it was; the condition moves to file_expr. */
static bool stand_in(struct query *q, struct node *n, struct diag *d)
{
	struct node *cond;

	if (q->nfile_conds == BPFQ_MAX_FILE_CONDS)
		return diag_set(d, n->loc, "too many conditions over file: at most %d in a query",
				BPFQ_MAX_FILE_CONDS);
	if (!(cond = arena_alloc(&q->arena, sizeof(*cond))))
		return diag_set(d, n->loc, "out of memory");
	*cond = *n;
	*n = (struct node){ .kind = NODE_FILE_COND, .loc = cond->loc, .op_loc = cond->op_loc,
			    .type = TYPE_BOOL, .value = q->nfile_conds, .file_expr = cond };
	q->file_conds[q->nfile_conds++] = n;
	return true;
}

static bool fold(struct query *q, struct node *n, struct diag *d)
{
	const struct node *f;

	/* Checked again (a query is checked once more with a csv header): numbered again. */
	if (n && n->kind == NODE_FILE_COND) {
		if (n->value >= q->nfile_conds || q->file_conds[n->value] != n) {
			n->value = q->nfile_conds;
			q->file_conds[q->nfile_conds++] = n;
		}
		return true;
	}
	if (!n || !(f = first_file(q, n)))
		return true;
	if (n->type == TYPE_BOOL && !ast_has_field(n) && !(n->kind == NODE_CALL && n->agg))
		return stand_in(q, n, d);
	switch (n->kind) {
	case NODE_AND:
	case NODE_OR:
	case NODE_NOT:
		return fold(q, n->lhs, d) && fold(q, n->rhs, d);
	case NODE_CALL:
		if (!n->agg)
			break;
		/* min(file) and the like: user space folds the path (ast_folds_file()) */
		for (int i = ast_folds_file(q, n); i < n->nargs; i++)
			if (!fold(q, n->args[i], d))
				return false;
		return fold(q, n->rhs, d);
	default:
		break;
	}
	return diag_set(d, f->loc, "'file' is compared with strings and numbers alone, as "
			"file = 'a.log', file like '%%.gz' or length(file) > 20: a condition "
			"over file is decided once per file");
}

bool file_conds_fold(struct query *q, struct diag *d)
{
	q->nfile_conds = 0;
	for (int i = 0; i < q->nitems; i++)
		if (!fold(q, q->items[i], d))
			return false;
	return fold(q, q->where, d);
}
