#!/usr/bin/env bats
# The release: make dist's tarball builds alone and answers; make deb's
# package holds bpfq, its pages and its completion, and the bpfq it
# installs answers. Each builds bpfq once more (some 15 and 40 seconds).

load test_helper

ROOT=$BATS_TEST_DIRNAME/../..

@test "make dist: the tarball builds alone, and says its version without git" {
	require_command git
	git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1 || strict_skip "not a git checkout" || return 1
	run make -s -C "$ROOT" dist BUILD="$TMP/build"
	assert_status 0
	mkdir "$TMP/src"
	tar -xzf "$TMP/build/bpfq-"*.tar.gz -C "$TMP/src"
	local dir=("$TMP/src"/bpfq-*)
	[[ -f ${dir[0]}/VERSION && -f ${dir[0]}/cmd/debian/control ]]
	run make -s -C "${dir[0]}" -j2
	assert_status 0
	run "${dir[0]}/build/bpfq" --version
	assert_status 0
	assert_output "bpfq $(cat "${dir[0]}/VERSION")"
	[[ $output == "bpfq $(sed -n 's/^RELEASE *:= *//p' "$ROOT/Makefile")"* ]]
	seq 1 100 >"$TMP/n.txt"
	run "${dir[0]}/build/bpfq" --engine=user "sum(x) where x > 5 from $TMP/n.txt"
	assert_output 5035
}

@test "make deb: the package installs bpfq, its pages and completion, and it answers" {
	require_command dpkg-buildpackage
	require_command dh
	git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1 || strict_skip "not a git checkout" || return 1
	run make -s -C "$ROOT" deb BUILD="$TMP/build" DEB_MAINTAINER='Ann Packer <ann@example.org>'
	assert_status 0
	local deb=("$TMP/build/deb/bpfq_"*.deb)
	[[ -f ${deb[0]} ]]
	run dpkg-deb -f "${deb[0]}" Depends
	[[ $output == *clang* && $output == *libbpf1* ]]
	run dpkg-deb -f "${deb[0]}" Maintainer
	assert_output 'Ann Packer <ann@example.org>'
	dpkg -x "${deb[0]}" "$TMP/root"
	[[ -x $TMP/root/usr/sbin/bpfq ]]
	[[ -f $TMP/root/usr/share/man/man8/bpfq.8.gz && -f $TMP/root/usr/share/man/man7/bpfq-query.7.gz &&
		-f $TMP/root/usr/share/man/man7/bpfq-internals.7.gz ]]
	cmp "$ROOT/cmd/completion/bpfq" "$TMP/root/usr/share/bash-completion/completions/bpfq"
	run "$TMP/root/usr/sbin/bpfq" --version
	assert_status 0
	[[ $output == "bpfq $(sed -n 's/^RELEASE *:= *//p' "$ROOT/Makefile")"* ]]
	seq 1 100 >"$TMP/n.txt"
	run "$TMP/root/usr/sbin/bpfq" --engine=user "sum(x) where x > 5 from $TMP/n.txt"
	assert_output 5035
	[[ $(id -u) == 0 ]] || return 0
	run "$TMP/root/usr/sbin/bpfq" "sum(x) where x > 5 from $TMP/n.txt"
	assert_status 0
	assert_output 5035
}
