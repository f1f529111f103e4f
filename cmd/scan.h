/* SPDX-License-Identifier: MIT */
/*
 * The scan of a loaded program: its readers read the ranges of the input,
 * then the answer is taken from every range's slot of the state map.
 */
#ifndef BPFQ_SCAN_H
#define BPFQ_SCAN_H

#include <stdint.h>

#include "cmd/run_internal.h"
#include "runtime/loader.h"

/*
 * A csv range cut inside a quoted field: the answer of the ranges is not
 * the file's, so the scan must be done again by one reader.
 */
#define SCAN_AGAIN_ALONE (-100)

/*
 * Attach, read the nranges ranges (range k is [starts[k], starts[k+1]) of
 * the input from its base, parsed into state slot k) with readers threads,
 * detach, and join the answer into r. Returns EXIT_OK, an exit status, or
 * SCAN_AGAIN_ALONE.
 */
int scan_run(struct run *r, struct loader *l, int readers, int nranges, const uint64_t *starts);

#endif /* BPFQ_SCAN_H */
