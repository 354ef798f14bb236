#!/bin/sh
# Runs that must end however long or large they ask to be: time_limit bounds every
# sleep, wait and I/O (a start delay, think times, a device that would take a day),
# and a run that reaches it stops at the limit with time_limit_hit=1 within seconds of
# host time, in a sweep too; a run that does not reach it says time_limit_hit=0.
# Memory: filling the filesystem until ENOSPC takes memory for what the model holds,
# not for the bytes asked; out of memory is "wpsim: out of memory" and exit 1, never
# an assertion or a core dump. Ends with "limits: N passed, N failed".
#   sim/tests/limits.sh build/wpsim
set -u
wpsim=$1
. "$(dirname "$0")/check.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

value() { # NAME FILE: the value of NAME=value in FILE
	sed -n "s/^$1=//p" "$2"
}

# Simulated time of FILE's run within [limit, limit + slack] (seconds)?
ends_near() { # FILE LIMIT SLACK
	awk -v t="$(value sim_time_s "$1")" -v l="$2" -v s="$3" \
		'BEGIN { exit !(t != "" && t >= l - 1e-6 && t <= l + s) }'
}

# One writer of 64 4 KiB writes under a 10 s limit, on device DEVICE (default nvme);
# each EXTRA line is added after the writer's keys (more keys, or another section).
scenario() { # FILE EXTRA...
	f=$1
	shift
	{
		printf '[global]\ntime_limit = %s\ndevice = %s\n' "${LIMIT:-10}" "${DEVICE:-nvme}"
		printf '[w]\nkind = writer\noffset = 0\n'
		for k in "$@"; do
			printf '%s\n' "$k"
		done
	} >"$f"
}

# Each runaway kind alone: ends at the limit, within 30 s of host time, nothing lost.
limit_case() { # NAME EXTRA...
	name=$1
	shift
	scenario "$tmp/$name.ini" "$@"
	timeout 30 "$wpsim" run "$tmp/$name.ini" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	[ $rc -eq 0 ]
	check "$name: the run ends by itself within 30 s of host time (exit $rc)" $?
	[ "$(value time_limit_hit "$tmp/$name.out")" = 1 ]
	check "$name: time_limit_hit=1" $?
	ends_near "$tmp/$name.out" 10 1
	check "$name: simulated time ends at the limit ($(value sim_time_s "$tmp/$name.out") s)" $?
	[ "$(value deadlocks "$tmp/$name.out")" = 0 ] &&
		[ "$(value lost_bytes "$tmp/$name.out")" = 0 ]
	check "$name: reaching the limit is neither a deadlock nor a loss" $?
}

limit_case start-1e9s 'bs = 4k' 'size = 256k' 'start = 1e9s'
[ "$(value writes "$tmp/start-1e9s.out")" = 0 ]
check "start-1e9s: no write started after the limit" $?
limit_case think-exp-1e6s 'bs = 4k' 'size = 256k' 'think = exp(1e6s)'
w=$(value writes "$tmp/think-exp-1e6s.out")
[ -n "$w" ] && [ "$w" -ge 1 ] && [ "$w" -lt 64 ]
check "think-exp-1e6s: the writes before the limit were made, not all 64 ($w)" $?

# A device that moves 1 KiB/s: a 1 MiB writeback and the syncer's fsync would take
# about 1000 s; the limit cuts the I/O in service.
mkdir "$tmp/dev"
sed -e 's/^write_bw = .*/write_bw = 1k/' -e 's/^read_bw = .*/read_bw = 1k/' \
	configs/devices/nvme.ini >"$tmp/dev/crawl.ini"
DEVICE=crawl WPSIM_DEVICES="$tmp/dev" limit_case slow-device 'bs = 1m' 'size = 1m' \
	'[s]' 'kind = syncer' 'ops = 1' 'size = 1m'
# the same without the limit in reach: the device really is that slow
DEVICE=crawl LIMIT=100000 scenario "$tmp/slow-nolimit.ini" 'bs = 1m' 'size = 1m' '[s]' \
	'kind = syncer' 'ops = 1' 'size = 1m'
WPSIM_DEVICES="$tmp/dev" timeout 30 "$wpsim" run "$tmp/slow-nolimit.ini" >"$tmp/slow-nolimit.out" 2>&1
awk -v t="$(value sim_time_s "$tmp/slow-nolimit.out")" 'BEGIN { exit !(t > 500) }' &&
	[ "$(value time_limit_hit "$tmp/slow-nolimit.out")" = 0 ]
check "slow device without the limit in reach: over 500 s, time_limit_hit=0" $?

# a run that ends before its limit is not cut
"$wpsim" run scenarios/fio-seq-write.ini >"$tmp/normal.out" 2>&1
[ "$(value time_limit_hit "$tmp/normal.out")" = 0 ]
check "fio-seq-write: time_limit_hit=0" $?
# the limit as the last thing a run reaches: ops up to it, then stop
scenario "$tmp/ops.ini" 'bs = 4k' 'size = 256k' 'ops = 100000000' 'think = const(1ms)'
timeout 60 "$wpsim" run "$tmp/ops.ini" >"$tmp/ops.out" 2>&1
[ "$(value time_limit_hit "$tmp/ops.out")" = 1 ] && ends_near "$tmp/ops.out" 10 1
check "endless ops with 1 ms think: stopped at the limit" $?

# in a sweep, such a run ends long before the sweep's timeout and is stored as ok
cat >"$tmp/sweep.ini" <<EOF
[sweep]
scenario = $tmp/start-1e9s.ini
seeds = 1-2
timeout = 60s
EOF
timeout 60 "$wpsim" sweep "$tmp/sweep.ini" --db "$tmp/s.db" >"$tmp/sweep.out" 2>&1
rc=$?
n=$(sqlite3 "$tmp/s.db" "SELECT count(*) FROM run r JOIN metric m ON m.run_id = r.run_id
	WHERE r.status = 'ok' AND m.name = 'time_limit_hit' AND m.value = 1" 2>/dev/null)
[ $rc -eq 0 ] && [ "$n" = 2 ]
check "sweep: both runs stored ok with time_limit_hit = 1 (exit $rc, $n runs)" $?

# Memory. A pwrite asking for 121 GiB on a 300 MiB filesystem stops at the first
# ENOSPC (as xfs_io does: data/kernel/scripts/enospc-pwrite-stops.xfsio) and holds
# what fitted: the page cache and the disk's copy of it. Measured: 485 MB of maximum
# RSS for 121g and for 1g alike (about twice the 229 MB that fit). The bounds: no
# more than 5/4 of what asking for 1g takes, and under 3 x the filesystem's size.
if [ -x /usr/bin/time ]; then
	for s in 1g 121g; do
		printf '# mkfs-size: 300m\npwrite -q -b 64k 0 %s\n' $s >"$tmp/fill-$s.xfsio"
		/usr/bin/time -f %M -o "$tmp/rss-$s" "$wpsim" io "$tmp/fill-$s.xfsio" \
			>"$tmp/fill-$s.out" 2>"$tmp/fill-$s.err"
		echo $? >"$tmp/fill-$s.rc"
	done
	[ "$(cat "$tmp/fill-121g.rc")" = 1 ] &&
		[ "$(cat "$tmp/fill-121g.err")" = "pwrite: No space left on device" ]
	check "121g on 300m: exit 1, one 'pwrite: No space left on device'" $?
	r1=$(tail -n 1 "$tmp/rss-1g")
	r121=$(tail -n 1 "$tmp/rss-121g")
	[ "$r121" -le $((r1 * 5 / 4)) ] && [ "$r121" -le $((3 * 300 * 1024)) ]
	check "121g on 300m: max RSS $r121 KiB within 5/4 of 1g's $r1 KiB and under 900 MiB" $?
else
	echo "  (no /usr/bin/time: the RSS bound is not checked; make deps installs it)"
fi

# Out of memory is a message and exit 1: no assertion, no core dump, no signal.
oom() { # NAME VM_KIB COMMAND...: run under ulimit -v VM_KIB
	name=$1
	vm=$2
	shift 2
	# AddressSanitizer reserves terabytes of shadow address space: no ulimit -v fits it
	if [ -n "${ASAN_OPTIONS:-}" ]; then
		echo "  (ASan build: $name not run under ulimit -v)"
		return
	fi
	(
		ulimit -c 0
		ulimit -v "$vm"
		"$@"
	) >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	[ $rc -eq 1 ] && grep -q '^wpsim: out of memory' "$tmp/$name.err" &&
		! grep -q -i 'assert' "$tmp/$name.err"
	check "$name: out of memory under ulimit -v $vm is exit 1 with the message (exit $rc)" $?
}
printf '# mkfs-size: 4t\npwrite -q -b 1m 0 10g\n' >"$tmp/big.xfsio"
oom io-4t-10g 250000 "$wpsim" io "$tmp/big.xfsio"
# a run whose model cannot fit (a terabyte of dirty prefill: a folio per page)
cat >"$tmp/prefill-1t.ini" <<EOF
[global]
fs_size = 4t
memory = 4t
file_size = 1t
prefill = dirty
[w]
kind = writer
bs = 4k
size = 1m
EOF
oom run-prefill-1t 350000 "$wpsim" run "$tmp/prefill-1t.ini"

# --- a write suspended after reserving past EOF when the limit stops time: the daemon's
# check at the limit sees the write in progress, whose reservation is not yet past EOF
# (invariant I6); explore --strategy delay found this schedule
cat >"$tmp/i6.ini" <<EOF
[global]
time_limit = 1
[w]
kind = writer
bs = 4k
size = 1m
think = exp(1s)
jobs = 2
[s]
kind = syncer
ops = 5
size = 1m
start = 1e9s
EOF
"$wpsim" run "$tmp/i6.ini" --schedule "w.0@2:write_copy:fail=1094,w.0@2:write_end:suspend" \
	>"$tmp/i6.out" 2>&1
grep -qx 'time_limit_hit=1' "$tmp/i6.out" && grep -qx 'invariant_violations=0' "$tmp/i6.out" &&
	grep -qx 'short_copies=1' "$tmp/i6.out"
check "a write in progress at the limit, past EOF: no invariant violation" $?

echo "limits: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
