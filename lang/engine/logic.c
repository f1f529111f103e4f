/* SPDX-License-Identifier: MIT */
#include "lang/engine/logic.h"

int truth_and(int a, int b)
{
	return a == TRUTH_F || b == TRUTH_F ? TRUTH_F
	       : a == TRUTH_U || b == TRUTH_U ? TRUTH_U : TRUTH_T;
}

int truth_or(int a, int b)
{
	return a == TRUTH_T || b == TRUTH_T ? TRUTH_T
	       : a == TRUTH_U || b == TRUTH_U ? TRUTH_U : TRUTH_F;
}

int truth_not(int a)
{
	return a == TRUTH_U ? TRUTH_U : !a;
}

int value_compare(enum node_kind kind, i128 a, i128 b)
{
	switch (kind) {
	case NODE_EQ: return a == b;
	case NODE_NE: return a != b;
	case NODE_LT: return a < b;
	case NODE_LE: return a <= b;
	case NODE_GT: return a > b;
	default: return a >= b;	/* NODE_GE */
	}
}

uint32_t value_arith(enum node_kind kind, i128 a, i128 b, i128 *v)
{
	switch (kind) {
	case NODE_ADD: return num_add(a, b, v);
	case NODE_SUB: return num_sub(a, b, v);
	case NODE_MUL: return num_mul(a, b, v);
	case NODE_DIV: return num_div(a, b, v);
	default: return num_mod(a, b, v);
	}
}
