// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "runtime/sysfs_mount.h"

/* The superblock magic numbers of <linux/magic.h>. */
#define TRACEFS_MAGIC 0x74726163
#define SECURITYFS_MAGIC 0x73636673

static long magic_of(const char *fstype)
{
	return !strcmp(fstype, "tracefs") ? TRACEFS_MAGIC : SECURITYFS_MAGIC;
}

/* file on a detached instance of fstype (fsopen, fsmount: no mount point). */
static int open_detached(const char *fstype, const char *file)
{
	int fs = fsopen(fstype, FSOPEN_CLOEXEC), mnt = -1, fd = -1;

	if (fs >= 0 && !fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0))
		mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					       MOUNT_ATTR_NOEXEC | MOUNT_ATTR_RDONLY);
	if (mnt >= 0)
		fd = openat(mnt, file, O_RDONLY | O_CLOEXEC);
	/* The open file keeps the instance; closing it frees both. */
	if (mnt >= 0)
		close(mnt);
	if (fs >= 0)
		close(fs);
	return fd;
}

FILE *sysfs_fopen(const char *fstype, const char *dir, const char *file)
{
	char path[256];
	struct statfs st;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (!statfs(dir, &st) && st.f_type == magic_of(fstype))
		return fopen(path, "re");
	fd = open_detached(fstype, file);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}
