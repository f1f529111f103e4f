/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_SYSFS_MOUNT_H
#define BPFQ_SYSFS_MOUNT_H

/*
 * Mount a kernel pseudo-filesystem (tracefs, securityfs) at its usual
 * place if nothing is mounted there yet: a fresh boot may have neither,
 * and the hook probes read them. Returns 0 when it is mounted now.
 */
int sysfs_mount(const char *fstype, const char *path);

#endif /* BPFQ_SYSFS_MOUNT_H */
