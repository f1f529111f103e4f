// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/privs.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

#define MAX_GROUPS 256

extern char **environ;

static struct {
	bool init, for_other;
	bool switch_ids;	/* open() must take the caller's fs ids */
	bool set_groups;	/* and groups (only root may; a set-gid program keeps the caller's) */
	uid_t uid;
	gid_t gid;
	gid_t groups[MAX_GROUPS];
	int ngroups;
} caller;

static bool has_cap(const struct __user_cap_data_struct data[2], int cap)
{
	return data[cap / 32].effective & (1u << (cap % 32));
}

bool privs_can_trace(void)
{
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = { 0 };

	/* No libcap: capget is one call. */
	if (syscall(SYS_capget, &header, data))
		return geteuid() == 0;
	return has_cap(data, CAP_SYS_ADMIN) ||
	       (has_cap(data, CAP_BPF) && has_cap(data, CAP_PERFMON));
}

/* A decimal id (no sign, no junk), as sudo and pkexec write them. */
static bool parse_id(const char *s, unsigned long *id)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*id = strtoul(s, &end, 10);
	return !errno && !*end && *id < (unsigned long)(uid_t)-1;
}

/* The user a root launcher ran bpfq for: sudo, doas, pkexec. False if none. */
static bool launcher_user(uid_t *uid, gid_t *gid)
{
	struct passwd *pw = NULL;
	unsigned long id, g;

	if (parse_id(getenv("SUDO_UID"), &id)) {
		pw = getpwuid(id);
		*uid = id;
		*gid = parse_id(getenv("SUDO_GID"), &g) ? g : pw ? pw->pw_gid : (gid_t)id;
		return true;
	}
	if (parse_id(getenv("PKEXEC_UID"), &id))
		pw = getpwuid(id);
	else if (getenv("DOAS_USER"))
		pw = getpwnam(getenv("DOAS_USER"));
	if (!pw)
		return false;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return true;
}

/* The caller's supplementary groups, from the group database (sudo's rule). */
static void launcher_groups(void)
{
	struct passwd *pw = getpwuid(caller.uid);

	caller.ngroups = MAX_GROUPS;
	if (!pw || getgrouplist(pw->pw_name, caller.gid, caller.groups, &caller.ngroups) < 0) {
		caller.groups[0] = caller.gid;
		caller.ngroups = 1;
	}
}

/*
 * Acting for another user, the environment is the user's (sudo -E,
 * env_keep, doas keepenv): only what says how to show text stays. The
 * rest could point root's libraries at the user's files (readline's
 * INPUTRC and ~/.inputrc, ncurses' TERMINFO, HOME for every "~").
 */
static void scrub_environment(void)
{
	static const char *const keep[] = { "TERM", "LANG", "LANGUAGE", "COLUMNS", "LINES",
					    "NO_COLOR", "TZ" };
	char **names = NULL;
	size_t n = 0;

	for (char **e = environ; e && *e; e++)
		n++;
	names = calloc(n + 1, sizeof(*names));
	if (!names) {
		clearenv();
		return;
	}
	n = 0;
	for (char **e = environ; e && *e; e++) {
		size_t len = strcspn(*e, "=");
		bool kept = !strncmp(*e, "LC_", 3);

		for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]) && !kept; i++)
			kept = strlen(keep[i]) == len && !strncmp(*e, keep[i], len);
		if (!kept)
			names[n++] = strndup(*e, len);
	}
	for (size_t i = 0; i < n; i++) {
		if (names[i])
			unsetenv(names[i]);
		free(names[i]);
	}
	free(names);
}

void privs_init(void)
{
	if (caller.init)
		return;
	caller.init = true;
	caller.uid = getuid();
	caller.gid = getgid();
	if (getauxval(AT_SECURE)) {
		/* set-id or file capabilities: the real ids and groups are the caller's. */
		caller.for_other = true;
		caller.switch_ids = geteuid() != caller.uid || getegid() != caller.gid;
		caller.set_groups = geteuid() == 0;
		caller.ngroups = getgroups(MAX_GROUPS, caller.groups);
		if (caller.ngroups < 0)
			caller.ngroups = 0;
		scrub_environment();
		return;
	}
	if (getuid() != 0 || !launcher_user(&caller.uid, &caller.gid) || caller.uid == 0) {
		caller.uid = getuid();
		caller.gid = getgid();
		return;
	}
	caller.for_other = caller.switch_ids = caller.set_groups = true;
	launcher_groups();
	scrub_environment();
}

bool privs_for_other(void)
{
	privs_init();
	return caller.for_other;
}

uid_t privs_caller_uid(void)
{
	privs_init();
	return caller.uid;
}

gid_t privs_caller_gid(void)
{
	privs_init();
	return caller.gid;
}

const char *privs_getenv(const char *name)
{
	return privs_for_other() ? NULL : getenv(name);
}

/*
 * The raw system calls change this thread's credentials alone (glibc's
 * wrappers of setgroups would change every thread's); a reader thread
 * running meanwhile keeps root's. An fsuid other than 0 drops only the
 * file capabilities (CAP_DAC_OVERRIDE, ...); others still open files:
 * CAP_SYS_PTRACE opens another user's /proc/PID/maps, and a file
 * capability such as cap_dac_read_search comes with no change of ids at
 * all. So the effective set is emptied too, for the open alone (the
 * permitted set keeps them to take back).
 */
struct saved_ids {
	int fsuid, fsgid, ngroups;
	gid_t groups[MAX_GROUPS];
	struct __user_cap_data_struct caps[2];
};

static int set_caps(struct __user_cap_data_struct caps[2])
{
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return syscall(SYS_capset, &header, caps);
}

static void become_self(struct saved_ids *s)
{
	/* Capabilities first: setgroups needs CAP_SETGID. */
	if (set_caps(s->caps))
		abort();	/* the permitted set holds them: cannot happen */
	if (caller.switch_ids) {
		syscall(SYS_setfsuid, s->fsuid);
		syscall(SYS_setfsgid, s->fsgid);
	}
	if (caller.set_groups && syscall(SYS_setgroups, s->ngroups, s->groups))
		abort();	/* cannot happen as root; never go on with the caller's groups */
}

/* Take the caller's fs ids and groups, and no capabilities; on failure nothing is changed. */
static int become_caller(struct saved_ids *s)
{
	struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct none[2];

	if (syscall(SYS_capget, &header, s->caps))
		return -1;
	s->ngroups = getgroups(MAX_GROUPS, s->groups);
	if (s->ngroups < 0)
		return -1;
	if (caller.set_groups && syscall(SYS_setgroups, caller.ngroups, caller.groups))
		return -1;
	s->fsgid = syscall(SYS_setfsgid, caller.switch_ids ? caller.gid : (gid_t)-1);
	s->fsuid = syscall(SYS_setfsuid, caller.switch_ids ? caller.uid : (uid_t)-1);
	/* setfsuid() reports no error: asking again with an invalid id tells the id in force. */
	if (caller.switch_ids && (syscall(SYS_setfsuid, -1) != (long)caller.uid ||
				  syscall(SYS_setfsgid, -1) != (long)caller.gid))
		goto undo;
	memcpy(none, s->caps, sizeof(none));
	none[0].effective = none[1].effective = 0;
	if (set_caps(none))
		goto undo;
	return 0;
undo:
	become_self(s);
	errno = EPERM;
	return -1;
}

int privs_open(const char *path, int flags)
{
	struct saved_ids saved;
	int fd, err;

	privs_init();
	if (!caller.for_other)
		return open(path, flags | O_CLOEXEC);
	if (become_caller(&saved))
		return -1;
	fd = open(path, flags | O_CLOEXEC);
	err = errno;
	become_self(&saved);
	errno = err;
	return fd;
}

FILE *privs_fopen(const char *path)
{
	int fd = privs_open(path, O_RDONLY);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

char *const *privs_child_env(void)
{
	static char *const fixed[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };

	return privs_for_other() ? fixed : environ;
}
