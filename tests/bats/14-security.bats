#!/usr/bin/env bats
# bpfq run for someone else (sudo, doas, pkexec, file capabilities) as an
# attacker would run it: an unprivileged user, made for this file and
# removed after it. "As under sudo" is root with SUDO_UID/SUDO_GID (and
# the environment that `sudo -E` or env_keep would pass); file
# capabilities are a copy of the binary with setcap. Each attack must fail
# with a clear error, and nothing the user controls may be read, written,
# loaded or run with root's rights.

load test_helper

SEC_USER=bpfq-sec-$$

setup_file() {
	[[ $(id -u) == 0 ]] || return 0
	SEC_USER=bpfq-sec-$PPID
	userdel -r "$SEC_USER" 2>/dev/null || true
	useradd -m -s /bin/sh "$SEC_USER"
	echo "$SEC_USER" >"$BATS_FILE_TMPDIR/user"
}

teardown_file() {
	[[ -s $BATS_FILE_TMPDIR/user ]] && userdel -r "$(cat "$BATS_FILE_TMPDIR/user")" 2>/dev/null
	return 0
}

setup() {
	TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/bpfq-test.XXXXXX")
	chmod 755 "$TMP"
	export BPFQ_CACHE_DIR=${BPFQ_TEST_CACHE:-$BATS_RUN_TMPDIR/cache}
	require_root
	USER_NAME=$(cat "$BATS_FILE_TMPDIR/user")
	USER_UID=$(id -u "$USER_NAME")
	USER_GID=$(id -g "$USER_NAME")
	USER_HOME=$(getent passwd "$USER_NAME" | cut -d: -f6)
}

# Run bpfq as root for the user, as sudo would: SUDO_* set, the user's
# HOME and PATH kept (env_keep, sudo -E). Extra VAR=value words may come
# before the arguments: as_sudo VAR=x -- ARGS...
as_sudo() {
	local vars=()

	while [[ $# -gt 0 && $1 != -- ]]; do
		vars+=("$1")
		shift
	done
	[[ ${1:-} == -- ]] && shift
	env SUDO_UID="$USER_UID" SUDO_GID="$USER_GID" SUDO_USER="$USER_NAME" \
		HOME="$USER_HOME" "${vars[@]}" "$BPFQ" "$@"
}

# Run a shell command as the user (setpriv: no sudo here).
as_user() {
	setpriv --reuid="$USER_UID" --regid="$USER_GID" --init-groups -- sh -c "$1"
}

# ---- Files read with the caller's rights ----

# A root-only file (0600 root) holding what an attacker wants: a line of
# /etc/shadow. No test may see its words on stdout or stderr.
root_only() {
	printf 'alice$6$salt$SECRETHASH:19000:0:99999:7:::\n' >"$TMP/shadow"
	chmod 600 "$TMP/shadow"
}

# Status 3, the refusal as cat would say it, and none of the file.
assert_refused() {
	assert_status 3
	[[ $output == *"bpfq: error: cannot open '$1': Permission denied"* ]] || {
		echo "no refusal: $output" >&2
		return 1
	}
	[[ $output != *SECRETHASH* && $output != *alice* ]] || {
		echo "the file leaked: $output" >&2
		return 1
	}
}

@test "under sudo, a root-only input is refused as cat would refuse it" {
	root_only
	run as_sudo -- "count() by \$1 from $TMP/shadow"
	assert_refused "$TMP/shadow"
	run as_sudo -- --engine=user "count() by \$1 from $TMP/shadow"
	assert_refused "$TMP/shadow"
	# cat says so too: the test's user is truly shut out.
	run as_user "cat '$TMP/shadow'"
	[[ $status != 0 && $output == *"Permission denied"* ]]
}

@test "under sudo, csv with a chosen delimiter does not split a root-only file" {
	root_only
	run as_sudo -- "count() by \$1 from $TMP/shadow as csv(noheader, delim='\$')"
	assert_refused "$TMP/shadow"
}

@test "under sudo, -f and -e do not read a root-only file" {
	root_only
	run as_sudo -- -f "$TMP/shadow"
	assert_refused "$TMP/shadow"
	run as_sudo -- -e "sum(x) from $TMP/shadow"
	assert_refused "$TMP/shadow"
}

@test "under sudo, the first bad token of a root-only file is not quoted" {
	root_only
	# Read, this would warn: skipped 1 tokens ..., the first, 'alice$6$...'.
	run as_sudo -- "sum(x) from $TMP/shadow"
	assert_refused "$TMP/shadow"
	run as_sudo -- -j 2 "sum(x) from $TMP/shadow"
	assert_refused "$TMP/shadow"
}

@test "under sudo, a file in a folder the user cannot search is refused" {
	mkdir -m 700 "$TMP/private"
	seq_file 10 "$TMP/private/n.txt"
	chmod 644 "$TMP/private/n.txt"
	run as_sudo -- "sum(x) from $TMP/private/n.txt"
	assert_status 3
	assert_output "bpfq: error: cannot open '$TMP/private/n.txt': Permission denied"
}

@test "under sudo, the user's supplementary groups open a group-readable file" {
	local group=bpfq-sg-$$

	groupadd "$group"
	usermod -aG "$group" "$USER_NAME"
	seq_file 10 "$TMP/team.txt"
	chgrp "$group" "$TMP/team.txt"
	chmod 640 "$TMP/team.txt"
	run as_sudo -- -j 2 "sum(x) from $TMP/team.txt"
	local kernel_status=$status kernel_output=$output
	run as_sudo -- --engine=user "sum(x) from $TMP/team.txt"
	groupdel "$group"
	[[ $kernel_status == 0 && $kernel_output == 55 ]] || {
		echo "kernel engine: status $kernel_status, $kernel_output" >&2
		return 1
	}
	assert_status 0
	assert_output 55
}

@test "under sudo, the user's own files and standard input are read" {
	seq_file 10 "$TMP/mine.txt"
	chown "$USER_NAME" "$TMP/mine.txt"
	chmod 600 "$TMP/mine.txt"
	run as_sudo -- -j 2 "sum(x) from $TMP/mine.txt"
	assert_status 0
	assert_output 55
	# Standard input is opened by the user's shell, not by bpfq.
	run as_sudo -- 'sum(x) from -' <"$TMP/mine.txt"
	assert_status 0
	assert_output 55
}

@test "root itself, and SUDO_UID=0, keep root's rights" {
	# Another user's private file: only root's capabilities read it.
	seq_file 10 "$TMP/root.txt"
	chown "$USER_NAME" "$TMP/root.txt"
	chmod 600 "$TMP/root.txt"
	run env -u SUDO_UID -u SUDO_GID -u SUDO_USER -u DOAS_USER -u PKEXEC_UID \
		"$BPFQ" "sum(x) from $TMP/root.txt"
	assert_status 0
	assert_output 55
	run as_sudo SUDO_UID=0 SUDO_GID=0 -- "sum(x) from $TMP/root.txt"
	assert_status 0
	assert_output 55
}

@test "under doas and pkexec, a root-only input is refused too" {
	root_only
	run env -u SUDO_UID -u SUDO_GID -u SUDO_USER DOAS_USER="$USER_NAME" HOME="$USER_HOME" \
		"$BPFQ" "count() by \$1 from $TMP/shadow"
	assert_refused "$TMP/shadow"
	run env -u SUDO_UID -u SUDO_GID -u SUDO_USER PKEXEC_UID="$USER_UID" HOME="$USER_HOME" \
		"$BPFQ" "count() by \$1 from $TMP/shadow"
	assert_refused "$TMP/shadow"
}

@test "with file capabilities, the user reads their own files and no root-only one" {
	require_command setcap
	root_only
	cp "$BPFQ" "$TMP/bpfq-caps"
	seq_file 10 "$TMP/mine.txt"
	chown "$USER_NAME" "$TMP/mine.txt"
	# What BPF needs on this kernel: the kernel engine runs.
	setcap cap_bpf,cap_perfmon+ep "$TMP/bpfq-caps"
	run as_user "'$TMP/bpfq-caps' 'sum(x) from $TMP/mine.txt'"
	assert_status 0
	assert_output 55
	# A capability that reads any file must not read for the user.
	setcap cap_bpf,cap_perfmon,cap_dac_read_search+ep "$TMP/bpfq-caps"
	run as_user "'$TMP/bpfq-caps' 'count() by \$1 from $TMP/shadow'"
	assert_refused "$TMP/shadow"
	run as_user "'$TMP/bpfq-caps' -f '$TMP/shadow'"
	assert_refused "$TMP/shadow"
}

@test "under sudo, BPFQ_LONG_INPUT does not choose the program" {
	seq_file 10 "$TMP/n.txt"
	run as_sudo -- -d c "sum(x) from $TMP/n.txt"
	assert_status 0
	local plain=$output
	run as_sudo BPFQ_LONG_INPUT=1 -- -d c "sum(x) from $TMP/n.txt"
	assert_status 0
	assert_output "$plain"
}

@test "under sudo, a socket is told as one only where the user can see it" {
	mkdir -m 700 "$TMP/private"
	python3 -c 'import socket, sys
for p in sys.argv[1:]:
    socket.socket(socket.AF_UNIX).bind(p)' "$TMP/private/sock" "$TMP/sock"
	run as_sudo -- "count() from $TMP/private/sock"
	assert_status 3
	assert_output "bpfq: error: cannot open '$TMP/private/sock': Permission denied"
	run as_sudo -- "count() from $TMP/sock"
	assert_status 3
	assert_output "bpfq: error: '$TMP/sock' is a socket; bpfq reads files, pipes and devices"
}

# ---- bpfq merge: its inputs ----

@test "merge under sudo opens its files with the caller's rights (status 3, nothing quoted)" {
	printf 'topsecret: {"bpfq_partial":2}\n' >"$TMP/root.part"
	chmod 600 "$TMP/root.part"
	run as_sudo -- merge "$TMP/root.part"
	assert_status 3
	assert_output "bpfq merge: error: cannot open '$TMP/root.part': Permission denied"
	run as_sudo -- merge /etc/shadow
	assert_status 3
	assert_output "bpfq merge: error: cannot open '/etc/shadow': Permission denied"
	# The caller's own partial merges as before.
	seq 3 >"$TMP/n.txt"
	bpfq --engine=user --partial "count() from $TMP/n.txt" >"$TMP/own.part"
	chown "$USER_UID:$USER_GID" "$TMP/own.part"
	chmod 600 "$TMP/own.part"
	run as_sudo -- merge "$TMP/own.part"
	assert_status 0
	assert_output 3
}

# --- The object cache, temporary files, clang and its environment ---------
# What the cache holds runs in the kernel: under sudo only /var/cache/bpfq
# is used, and anywhere only a folder no one but the user (and root) can
# change. Every compile happens in a private mkdtemp() folder; entries and
# the hooks' probe file are written under mkstemp() names and renamed.

# A query whose source no run before compiled: a miss in any cache.
fresh_query() {
	echo "sum(x) where x > 5 and x != $(od -An -N4 -tu4 /dev/urandom | tr -d ' ')999 from $TMP/n.txt"
}

# The user compiles q into cache folder $1 (--dry-run=compile, every hook),
# then spoils what it made: every entry but a .c source becomes junk, and
# the hooks' probe file says that no hook is available.
user_plants() {
	local dir=$1 q=$2

	as_user "env -u XDG_CACHE_HOME HOME='$USER_HOME' BPFQ_CACHE_DIR='$dir' \
		'$BPFQ' --dry-run=compile '$q' 2>/dev/null &&
		for f in '$dir'/*; do case \$f in *.c) ;; *) echo junk >\"\$f\" ;; esac; done &&
		for k in 0 1 2 3 4 5 6 7; do echo \"\$k 0 planted\"; done \
			>'$dir'/hooks2-\$(cat /proc/sys/kernel/random/boot_id)"
	[[ -n $(ls "$dir") ]]
}

# What a folder holds, with each file's owner and sum.
listing() {
	(cd "$1" && find . -printf '%p %u %s\n' | sort && find . -type f -exec md5sum {} + | sort)
}

@test "cache: under sudo the user's ~/.cache/bpfq is neither read nor written" {
	seq 1 100 >"$TMP/n.txt"
	local q="sum(x) where x > 5 from $TMP/n.txt" before
	user_plants "$USER_HOME/.cache/bpfq" "$q"
	before=$(listing "$USER_HOME")
	unset BPFQ_CACHE_DIR XDG_CACHE_HOME
	run as_sudo -- "$q"
	assert_status 0
	assert_output 5035
	[[ $(listing "$USER_HOME") == "$before" ]]
}

@test "cache: root itself does not use a cache folder the user can change" {
	seq 1 100 >"$TMP/n.txt"
	local q="sum(x) where x > 5 from $TMP/n.txt" before
	as_user "mkdir '$USER_HOME/cache'"
	user_plants "$USER_HOME/cache" "$q"
	user_plants "$USER_HOME/.cache/bpfq" "$q"
	before=$(listing "$USER_HOME")
	BPFQ_CACHE_DIR=$USER_HOME/cache run "$BPFQ" -v "$q"
	assert_status 0
	[[ ${lines[-1]} == 5035 ]]
	[[ $output == *"bpfq: not using the object cache: $USER_HOME is owned by uid $USER_UID, not 0; compiled in a private temporary folder"* ]]
	unset BPFQ_CACHE_DIR XDG_CACHE_HOME
	HOME=$USER_HOME run "$BPFQ" "$q"
	assert_status 0
	assert_output 5035
	[[ $(listing "$USER_HOME") == "$before" ]]
}

# In a new pid namespace bpfq is pid 1: the names it used to make of its
# pid (tmp.1.c, tmp.1.o and its parts, hooks2-BOOT.1) are known.
@test "cache: nothing is written through a link at a name bpfq could be expected to use" {
	local boot name
	boot=$(cat /proc/sys/kernel/random/boot_id)
	seq 1 100 >"$TMP/n.txt"
	echo precious >"$TMP/victim"
	export BPFQ_CACHE_DIR=$TMP/cache
	mkdir -m 700 "$TMP/cache"
	for name in tmp.1.c tmp.1.o tmp.1.o.1 tmp.1.o.2 "hooks2-$boot.1"; do
		ln -s "$TMP/victim" "$TMP/cache/$name"
	done
	run unshare --pid --fork "$BPFQ" --dry-run=compile "$(fresh_query)"
	assert_status 0
	run unshare --pid --fork "$BPFQ" -l
	assert_status 0
	[[ $(cat "$TMP/victim") == precious ]]
	[[ -s $TMP/cache/hooks2-$boot ]]
	for name in tmp.1.c tmp.1.o tmp.1.o.1 tmp.1.o.2 "hooks2-$boot.1"; do
		[[ -L $TMP/cache/$name ]]
	done
}

@test "cache: a truncated entry is compiled again and replaced" {
	local q f
	q=$(fresh_query)
	seq 1 100 >"$TMP/n.txt"
	export BPFQ_CACHE_DIR=$TMP/cache
	run "$BPFQ" "$q"
	assert_output 5035
	for f in "$TMP"/cache/*; do
		case $f in *.c | */hooks2-*) ;; *) truncate -s $(($(stat -c %s "$f") / 2)) "$f" ;; esac
	done
	run "$BPFQ" -v "$q"
	assert_status 0
	[[ ${lines[-1]} == 5035 && $output == *"bpfq: compiled the BPF object"* ]]
	run "$BPFQ" -v "$q"
	[[ ${lines[-1]} == 5035 && $output == *"bpfq: cache has the BPF object"* ]]
}

# $TMP/fake/clang notes that it ran in $TMP/marker, then runs clang.
fake_clang() {
	mkdir -p "$TMP/fake"
	printf '#!/bin/sh\ntouch %s/marker\nexec %s "$@"\n' "$TMP" "$(command -v clang)" \
		>"$TMP/fake/clang"
	chmod 755 "$TMP/fake/clang"
}

@test "clang: under sudo neither BPFQ_CLANG, PATH nor clang's variables choose what runs" {
	seq 1 100 >"$TMP/n.txt"
	fake_clang
	run as_sudo BPFQ_CLANG="$TMP/fake/clang" -- "$(fresh_query)"
	assert_status 0
	assert_output 5035
	run as_sudo PATH="$TMP/fake:$PATH" -- "$(fresh_query)"
	assert_status 0
	assert_output 5035
	[[ ! -e $TMP/marker ]]
	# Were it passed on, clang would link instead of compiling (no -c), and fail.
	run as_sudo CCC_OVERRIDE_OPTIONS='#x-c' -- "$(fresh_query)"
	assert_status 0
	assert_output 5035
}

@test "clang: a copy with file capabilities ignores BPFQ_CLANG, PATH and BPFQ_CACHE_DIR" {
	require_command setcap
	seq 1 100 >"$TMP/n.txt"
	fake_clang
	cp "$BPFQ" "$TMP/bpfq-cap"
	setcap cap_bpf,cap_perfmon+ep "$TMP/bpfq-cap"
	mkdir "$TMP/ucache" && chown "$USER_UID:$USER_GID" "$TMP/ucache"
	run as_user "BPFQ_CLANG='$TMP/fake/clang' PATH='$TMP/fake':\$PATH \
		BPFQ_CACHE_DIR='$TMP/ucache' '$TMP/bpfq-cap' '$(fresh_query)'"
	assert_status 0
	assert_output 5035
	[[ ! -e $TMP/marker && -z $(ls -A "$TMP/ucache") ]]
	run as_user "PATH='$TMP/fake':\$PATH BPFQ_CACHE_DIR='$TMP/ucache' \
		'$TMP/bpfq-cap' --dry-run=compile '$(fresh_query)'"
	assert_status 0
	[[ ! -e $TMP/marker && -z $(ls -A "$TMP/ucache") ]]
}

@test "clang: SIGTERM kills clang and ends bpfq with 143, leaving no temporary file" {
	local bp pid i
	seq 1 100 >"$TMP/n.txt"
	export BPFQ_CACHE_DIR=$TMP/cache
	# A clang that says where it writes and which pid it is, then waits.
	printf '#!/bin/sh\necho "$@" >%s/args\necho $$ >%s/pid.new && mv %s/pid.new %s/pid\nexec sleep 600\n' \
		"$TMP" "$TMP" "$TMP" "$TMP" >"$TMP/slow-clang"
	chmod 755 "$TMP/slow-clang"
	BPFQ_CLANG=$TMP/slow-clang "$BPFQ" "$(fresh_query)" >"$TMP/out" 2>"$TMP/err" 3>&- &
	bp=$!
	for ((i = 0; i < 600; i++)); do [[ -s $TMP/pid ]] && break; sleep 0.1; done
	pid=$(cat "$TMP/pid")
	kill -TERM "$bp"
	# Waits for bpfq however long it takes; a bpfq that waited for
	# clang would be stopped after 60 s, and fail.
	for ((i = 0; i < 600; i++)); do kill -0 "$bp" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$bp" 2>/dev/null && kill -KILL "$bp" "$pid"
	wait "$bp" && status=0 || status=$?
	assert_status 143
	[[ $(cat "$TMP/err") == "bpfq: interrupted; no answer" && ! -s $TMP/out ]]
	! kill -0 "$pid" 2>/dev/null
	# The source and object were in a private folder, gone with them.
	local src
	src=$(tr ' ' '\n' <"$TMP/args" | grep '\.c$')
	[[ -n $src && ! -e $src && ! -e $(dirname "$src") ]]
	[[ -z $(find "$TMP/cache" -type f ! -name 'hooks2-*') ]]
}

# ---- codegen: no byte of the query in the generated C ----

# The report's attack: a header name (and the query naming it) whose
# backslash-newline ended the comment it was pasted in, so that the rest
# ran as code in the program loaded as root (bpf_printk of a kernel
# pointer, or an #include of a root-only file shown by clang's error).
@test "codegen: a csv header made to inject C is refused under sudo; its column still reads" {
	local name=$'PWNED*\\\n/\n#define S(x) #x\nbpf_printk(S(PWNED));\n#include </root/x>\n/*'

	printf '"%s",b\n1,2\n3,4\n' "$name" >"$TMP/h.csv"
	as_user "cp $TMP/h.csv $USER_HOME/h.csv"
	run as_sudo -- -d c "sum(\"$name\") from $USER_HOME/h.csv"
	assert_status 2
	[[ ${lines[0]} == "bpfq: error: 1:12: a column name cannot hold the byte '\\x5c'"* ]]
	[[ $output != *"generated BPF C"* ]]
	run as_sudo -- -d c "sum(\$1), sum(b) from $USER_HOME/h.csv"
	assert_status 0
	[[ $output == *"generated BPF C"* && $output != *PWNED* && $output != *root/x* ]]
	[[ $output == *$'sum($1): 4\nsum(b): 6'* ]]
}

# --- PID and mount namespaces (containers); securityfs left as found ---

# sum(x) where x > 5 over 1..600000 (3.9 MB, which -j 2 splits), by each
# method of the syscall hook at 4 KiB and 1 MiB reads and with two
# readers, bpfq run through the words given (unshare ...): a line a run.
ns_sums() {
	local m o out

	seq 1 600000 >"$TMP/n.txt"
	for m in raw_tp tp_btf; do
		for o in --read-size=4096 --read-size=1048576 --jobs=2; do
			out=$("$@" "$BPFQ" --hook=syscall:$m $o -s \
				"sum(x) where x > 5 from $TMP/n.txt" 2>&1)
			echo "$m $o: status $? $(sed -n 's/.* by \([0-9]*\) readers$/readers \1/p; /^[0-9-]/p; /error/p' <<<"$out" | tr '\n' ' ')"
		done
	done
}

ns_expected() {
	local m

	for m in raw_tp tp_btf; do
		echo "$m --read-size=4096: status 0 180000299985 "
		echo "$m --read-size=1048576: status 0 180000299985 "
		echo "$m --jobs=2: status 0 readers 2 180000299985 "
	done
}

@test "pid namespace: unshare -p -f --mount-proc: the right sum, at 4 KiB and 1 MiB reads and with -j 2" {
	run ns_sums unshare -p -f --mount-proc
	assert_output "$(ns_expected)"
}

@test "pid namespace: unshare -p -f, /proc still the parent's: the right sum" {
	run ns_sums unshare -p -f
	assert_output "$(ns_expected)"
}

@test "pid namespace: one inside another: the right sum" {
	run ns_sums unshare -p -f --mount-proc unshare -p -f --mount-proc
	assert_output "$(ns_expected)"
}

@test "pid namespace without /proc: the namespace through a pidfd, the right sum" {
	# The sanitizers read their options from /proc/self/environ at start,
	# and LeakSanitizer lists threads through /proc: without /proc the
	# sanitized build fails at every exit. make sanitize names the plain
	# build in BPFQ_PLAIN for this run.
	BPFQ=${BPFQ_PLAIN:-$BPFQ} run ns_sums unshare -m -p -f sh -c 'umount -l /proc && exec "$0" "$@"'
	assert_output "$(ns_expected)"
}

@test "mount namespace, alone and with a pid namespace (a container's): the right sum" {
	run ns_sums unshare -m
	assert_output "$(ns_expected)"
	run ns_sums unshare -m -p -f --mount-proc
	assert_output "$(ns_expected)"
}

@test "securityfs: bpfq -l reads the lockdown mode where it is not mounted, and leaves it unmounted" {
	# In a private mount namespace: mounted first, then not.
	run unshare -m sh -c '
		mountpoint -q /sys/kernel/security ||
			mount -t securityfs securityfs /sys/kernel/security || exit 9
		"$0" -l >"$1/mounted.txt" || exit 8
		umount /sys/kernel/security || exit 7
		"$0" -l >"$1/unmounted.txt" || exit 6
		mountpoint /sys/kernel/security' "$BPFQ" "$TMP"
	assert_status 32	# mountpoint's "not a mount point"
	assert_output "/sys/kernel/security is not a mountpoint"
	diff "$TMP/mounted.txt" "$TMP/unmounted.txt"
}

@test "under sudo, a folder or glob input holding a root-only file is refused, naming it" {
	mkdir "$TMP/logs"
	echo 1 >"$TMP/logs/a.log"
	root_only
	mv "$TMP/shadow" "$TMP/logs/shadow"
	run as_sudo -- --engine=user "count() from $TMP/logs"
	assert_refused "$TMP/logs/shadow"
	run as_sudo -- "count() from '$TMP/logs/*'"
	assert_refused "$TMP/logs/shadow"
	# A root-only folder is not listed for the user, as ls would not list it.
	mkdir -m 700 "$TMP/private"
	echo 7 >"$TMP/private/x.log"
	run as_sudo -- --engine=user "sum(x) from '$TMP/private/*.log'"
	assert_refused "$TMP/private"
	[[ $output != *x.log* ]]
	# Root itself reads both.
	run bpfq --engine=user "count() from '$TMP/private/*.log'"
	assert_status 0
	assert_output 1
}
