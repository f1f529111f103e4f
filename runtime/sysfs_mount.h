/* SPDX-License-Identifier: MIT */
#ifndef BPFQ_SYSFS_MOUNT_H
#define BPFQ_SYSFS_MOUNT_H

#include <stdio.h>

/*
 * Open file of a kernel pseudo-filesystem (tracefs, securityfs) for
 * reading: at dir, its usual place, when it is mounted there; else (a
 * fresh boot, a container) on an instance of its own that is never
 * attached to the file tree, so bpfq leaves the mounts as it found them:
 * nobody sees that instance, and it goes when the file is closed.
 * Returns NULL when neither way opens it.
 */
FILE *sysfs_fopen(const char *fstype, const char *dir, const char *file);

#endif /* BPFQ_SYSFS_MOUNT_H */
