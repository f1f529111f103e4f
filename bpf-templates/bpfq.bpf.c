/* SPDX-License-Identifier: MIT */
/*
 * The BPF program bpfq loads, for every query: the one entry, which
 * includes each part as its plan asks. bpfq_query.h comes first: codegen
 * writes it (codegen/codegen.c) with the plan's #defines (codegen/plan.h)
 * and the query's code, bpfq_emit(); `make` compiles this entry for every
 * format and hook with a stub of it (tests/bpf/bpfq_query.h).
 */
#include "bpfq_query.h"

/* The parser of the input format. */
#if BPFQ_FORMAT == BPFQ_FORMAT_NUMBERS
#include "parse_numbers.bpf.h"
#elif BPFQ_FORMAT == BPFQ_FORMAT_TEXT
#include "parse_text.bpf.h"
#elif BPFQ_FORMAT == BPFQ_FORMAT_CSV
#include "parse_csv.bpf.h"
#elif BPFQ_FORMAT == BPFQ_FORMAT_JSON
#include "parse_json.bpf.h"
#else
#include "parse_binary.bpf.h"
#endif

/* After the parser, which says what a stream takes (bpfq_streams_take()). */
#if BPFQ_STREAMS
#include "streams.bpf.h"
#endif

/* The hook's program and license: the first part's (prelude.bpf.h BPFQ_PART). */
#if BPFQ_PART != 2
#if BPFQ_HOOK == BPFQ_HOOK_COPYOUT
#include "copyout.bpf.c"
#elif BPFQ_HOOK == BPFQ_HOOK_VFS_FEXIT
#include "vfs_fexit.bpf.c"
#elif BPFQ_HOOK == BPFQ_HOOK_VFS_KPROBE
#include "vfs_kprobe.bpf.c"
#elif BPFQ_HOOK == BPFQ_HOOK_SYSCALL
#include "syscall.bpf.c"
#else
#include "syscall_btf.bpf.c"
#endif
#endif
