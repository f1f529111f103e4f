// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>

#include "sysfs_mount.h"

/* The superblock magic numbers of <linux/magic.h>. */
#define TRACEFS_MAGIC 0x74726163
#define SECURITYFS_MAGIC 0x73636673

static long magic_of(const char *fstype)
{
	return !strcmp(fstype, "tracefs") ? TRACEFS_MAGIC : SECURITYFS_MAGIC;
}

int sysfs_mount(const char *fstype, const char *path)
{
	struct statfs st;

	if (!statfs(path, &st) && st.f_type == magic_of(fstype))
		return 0;
	/* EBUSY: mounted meanwhile (another bpfq); either way it is there now. */
	if (mount(fstype, path, fstype, MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) && errno != EBUSY)
		return -1;
	return 0;
}
