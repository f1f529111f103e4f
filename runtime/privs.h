/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_PRIVS_H
#define BPFQ_PRIVS_H

#include <stdbool.h>

/* Whether this process may load and attach tracing programs: root, CAP_SYS_ADMIN, or CAP_BPF and CAP_PERFMON. */
bool privs_can_trace(void);

#endif /* BPFQ_PRIVS_H */
