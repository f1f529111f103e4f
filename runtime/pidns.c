// SPDX-License-Identifier: MIT
#include <errno.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "runtime/pidns.h"

/* PROC_PID_INIT_INO of <linux/proc_ns.h>: the initial namespace's inode, fixed. */
#define PIDNS_INIT_INO 0xEFFFFFFCu

/* <linux/pidfd.h> since 6.11: a pidfd's task's namespace, as an nsfs fd. */
#define PIDFD_GET_PID_NAMESPACE _IO(0xFF, 5)

/* Where /proc cannot tell (not mounted): the namespace through a pidfd. */
static int stat_through_pidfd(struct stat *st)
{
	int pidfd = syscall(SYS_pidfd_open, getpid(), 0), ns = -1, err;

	if (pidfd >= 0)
		ns = ioctl(pidfd, PIDFD_GET_PID_NAMESPACE, 0);
	err = ns < 0 || fstat(ns, st) ? -1 : 0;
	if (ns >= 0)
		close(ns);
	if (pidfd >= 0)
		close(pidfd);
	return err;
}

int pidns_self(uint64_t *dev, uint64_t *ino)
{
	struct stat st;
	int proc_err;

	*dev = *ino = 0;
	/* /proc/self is this process when /proc was mounted for its
	 * namespace or an ancestor (unshare -p without --mount-proc keeps the
	 * parent's), else missing; ns/pid is the namespace getpid() answers in. */
	if (stat("/proc/self/ns/pid", &st)) {
		proc_err = errno;
		/* A kernel without PID namespaces (CONFIG_PID_NS=n) has the
		 * folder but no ns/pid: every process is in the initial one. */
		if (proc_err == ENOENT && !stat("/proc/self/ns", &st))
			return 0;
		if (stat_through_pidfd(&st)) {
			errno = proc_err;
			return -1;
		}
	}
	if (st.st_ino == PIDNS_INIT_INO)
		return 0;
	/* The kernel's MKDEV(), not glibc's st_dev encoding: they differ for
	 * minors past 255. */
	*dev = (uint64_t)major(st.st_dev) << 20 | minor(st.st_dev);
	*ino = st.st_ino;
	return 0;
}
