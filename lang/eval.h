/* SPDX-License-Identifier: MIT */
/*
 * The reference evaluator: runs a checked query over bytes in user space.
 * It is --engine=user and the oracle the in-kernel answers are tested
 * against, so it is written for plainness, byte by byte, independently of
 * the BPF parser.
 */
#ifndef BPFQ_EVAL_H
#define BPFQ_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include "ast.h"
#include "../bpf-templates/bpfq_state.h"

struct eval;

struct eval *eval_new(const struct query *q);
/* Feed the next bytes of the input; returns true when the scan may stop (answer known or error). */
bool eval_feed(struct eval *e, const char *buf, size_t n);
/* End of input: finish a last token that had no separator after it. */
void eval_finish(struct eval *e);
const struct bpfq_result *eval_result(const struct eval *e);
void eval_free(struct eval *e);

/* Set min/max to their identities; both engines start from this. */
void result_init(struct bpfq_result *r);

#endif /* BPFQ_EVAL_H */
