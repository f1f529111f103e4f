/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_PIDNS_H
#define BPFQ_PIDNS_H

#include <stdint.h>

/*
 * The PID namespace bpfq's threads are in, as bpf_get_ns_current_pid_tgid()
 * takes it: the nsfs device in the kernel's dev_t encoding, and the inode.
 * Both 0 for the initial namespace, where getpid() and gettid() are the
 * ids the kernel gives BPF programs. Returns -1 with errno when /proc
 * cannot tell.
 */
int pidns_self(uint64_t *dev, uint64_t *ino);

#endif /* BPFQ_PIDNS_H */
