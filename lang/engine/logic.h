/* SPDX-License-Identifier: MIT */
/*
 * What the evaluator (a record's where) and the step after the scan
 * (columns over aggregates, having) compute alike: SQL's three-valued
 * logic, comparisons and arithmetic on values (lang/value/num.h).
 */
#ifndef BPFQ_LOGIC_H
#define BPFQ_LOGIC_H

#include <stdint.h>

#include "lang/front/ast.h"
#include "lang/value/num.h"

/* A condition's value: false, true, or unknown (an operand was NULL). */
enum truth { TRUTH_F = 0, TRUTH_T = 1, TRUTH_U = 2 };

int truth_and(int a, int b);
int truth_or(int a, int b);
int truth_not(int a);

/* a OP b for a comparison node's kind (NODE_EQ ... NODE_GE). */
int value_compare(enum node_kind kind, i128 a, i128 b);

/* a OP b for an arithmetic node's kind (NODE_ADD ... NODE_MOD): 0 or an enum bpfq_error. */
uint32_t value_arith(enum node_kind kind, i128 a, i128 b, i128 *v);

#endif /* BPFQ_LOGIC_H */
