#!/usr/bin/env bash
# Run in a QEMU guest by tests/bats/11-hooks.bats (through tests/vm/run):
# what this kernel's hooks do, section by section, for the host to check.
#
#   tests/vm/hooks.sh BPFQ
#
#   == list          bpfq -l
#   == auto          the hook --hook=auto chose, and its answer
#   == HOOK pipe     each available hook on a pipe ('from -')
#   == HOOK jobs     each available hook with -j 2 on a 3.9 MB file
#   == HOOK pidns    the same, and the pipe, inside PID namespaces (if the kernel has them)
#   == HOOK speed    each available hook's scan rate on a 21 MB file (and user's)
#   == copyout zero  copyout on /dev/zero, which is not copied out: an error
#   == tracefs       bpfq -l where tracefs is not mounted, and whether it is after
#   == diff          tests/diff/run's vm suite on every available hook
#   == diff status N
set -u
bpfq=$1
here=$(cd "$(dirname "$0")" && pwd)

echo "== list"
"$bpfq" -l
hooks=$("$bpfq" -l | awk '$4 == "available" { h = ($1 == "vfs" ? "vfs:" $2 : $1); if (!seen[h]++) print h }' | tr '\n' ' ')

echo "== auto"
seq 1 1000 >/tmp/auto.txt
"$bpfq" -s 'sum(x) from /tmp/auto.txt' 2>&1 | sed -n 's/^  hook: *//p; /^[0-9]/p'

seq 1 600000 >/tmp/jobs.txt
for h in $hooks; do
	echo "== $h pipe"
	seq 1 100000 | "$bpfq" --hook="$h" --read-size=4093 'sum(x), count() from -' 2>&1
	echo "status $?"
	# Two readers, each through its own slot of the maps.
	echo "== $h jobs"
	"$bpfq" --hook="$h" -j 2 -s 'sum(x), count() from /tmp/jobs.txt' 2>&1 |
		sed -n 's/.* reads by \([0-9]*\) readers$/readers \1/p; /^[a-z]*([x]*): /p'
	echo "status ${PIPESTATUS[0]}"
	# The ids the program compares are the namespace's; /proc is the
	# namespace's with --mount-proc, the parent's without.
	[[ -e /proc/self/ns/pid ]] || continue	# no PID namespaces (CONFIG_PID_NS=n)
	echo "== $h pidns"
	unshare -p -f --mount-proc "$bpfq" --hook="$h" -j 2 -s 'sum(x), count() from /tmp/jobs.txt' 2>&1 |
		sed -n 's/.* reads by \([0-9]*\) readers$/readers \1/p; /^[a-z]*([x]*): /p'
	echo "status ${PIPESTATUS[0]}"
	seq 1 100000 | unshare -p -f "$bpfq" --hook="$h" --read-size=4093 'sum(x), count() from -' 2>&1
	echo "status ${PIPESTATUS[1]}"
done
# The scan's rate from -s (under TCG: a comparison of the hooks, not a speed).
seq 1 3000000 >/tmp/speed.txt
for h in $hooks user; do
	echo "== $h speed"
	engine=(--engine=kernel --hook="$h")
	[[ $h == user ]] && engine=(--engine=user)
	"$bpfq" "${engine[@]}" -s 'sum(x) where x > 5 from /tmp/speed.txt' 2>&1 |
		sed -n 's/^  scan: *//p; t; /^[0-9]/p'
done
rm -f /tmp/speed.txt
if [[ " $hooks " == *" copyout "* ]]; then
	echo "== copyout zero"
	timeout 60 "$bpfq" --hook=copyout 'count() from /dev/zero' 2>&1
	echo "status $?"
fi

# Without tracefs mounted, -l still finds a notrace function in its list
# (on an instance of its own), and leaves tracefs unmounted.
echo "== tracefs"
unshare -m sh -c 'umount /sys/kernel/tracing || exit
	"$0" -l | sed -n "s/^copyout .* unavailable *//p"
	mountpoint /sys/kernel/tracing' "$bpfq" 2>&1
echo "status $?"

echo "== diff"
DIFF_SUITE=vm DIFF_DATA=/tmp/diff-data BPFQ=$bpfq "$here/../diff/run" 2>&1
echo "== diff status $?"
