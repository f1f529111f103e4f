/* SPDX-License-Identifier: MIT */
/* bpfq merge [--expect=N] [-o FORMAT] [FILE...|-]: partials to the exact answer. */
#ifndef BPFQ_MERGE_H
#define BPFQ_MERGE_H

/* argv[0] is "merge". Returns the exit status. */
int merge_main(int argc, char **argv);

#endif /* BPFQ_MERGE_H */
