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
