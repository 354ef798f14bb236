#!/bin/sh
# Scenario outcomes that must hold, from the modelled logic (issue 3). Each scenario
# file's header states them. Ends with "scenarios: N passed, N failed".
#   sim/tests/scenarios.sh build/wpsim [quick]
# "quick" runs 20 seeds where the full suite runs 200.
wpsim=$1
many=200
[ "${2:-}" = quick ] && many=20
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jobs=$(nproc 2>/dev/null || echo 2)

check() { # description, exit status of the condition
	if [ "$2" -eq 0 ]; then
		pass=$((pass + 1))
		echo "  ok   $1"
	else
		fail=$((fail + 1))
		echo "  FAIL $1"
	fi
}

# runs TAG SEEDS SCENARIO [-s k=v]...: one output file per seed in $tmp/TAG.SEED
runs() {
	tag=$1
	seeds=$2
	shift 2
	printf '%s\n' $(seq 1 "$seeds") |
		xargs -P "$jobs" -I{} sh -c '"$0" run "$@" -s global.seed={} >"'"$tmp/$tag"'.{}" 2>&1 ||
			echo "exit $?" >>"'"$tmp/$tag"'.{}"' "$wpsim" "$@"
}

# metric TAG NAME: one value per run
metric() {
	cat "$tmp/$1".* | sed -n "s/^$2=//p"
}

# count of runs of TAG where NAME is not 0
nonzero() {
	metric "$1" "$2" | grep -cv '^0$'
}

crashed() {
	grep -l '^exit' "$tmp/$1".* 2>/dev/null | wc -l
}

# --- generic-346: the race, and its fix
runs g346_61 20 scenarios/generic-346.ini -s global.kernel=6.1
check "generic-346 6.1: some of 20 seeds lose data ($(nonzero g346_61 lost_bytes) do)" \
	"$([ "$(nonzero g346_61 lost_bytes)" -gt 0 ] && echo 0 || echo 1)"
grep -h '^anomaly lost' "$tmp"/g346_61.* | head -n 1 >"$tmp/story"
grep -q 'short copy-in' "$tmp/story" && grep -q 'dirtied by a fault' "$tmp/story" &&
	grep -Eq 'truncated page cache|punched delalloc' "$tmp/story"
check "generic-346 6.1: the loss names the short copy, the fault and the cleanup" $?

runs g346_ltp 20 scenarios/generic-346.ini -s global.kernel=6.1 \
	-s global.punch=locked-truncate-punch
check "generic-346 locked-truncate-punch: some of 20 seeds lose data" \
	"$([ "$(nonzero g346_ltp lost_bytes)" -gt 0 ] && echo 0 || echo 1)"

for k in 6.2 6.6 6.13; do
	runs "g346_$k" "$many" scenarios/generic-346.ini -s global.kernel=$k
	for m in lost_bytes leaked_delalloc_blocks delalloc_at_unmount invariant_violations; do
		check "generic-346 $k: $m = 0 in all $many seeds" \
			"$([ "$(nonzero "g346_$k" $m)" -eq 0 ] && [ "$(metric "g346_$k" $m | wc -l)" -eq "$many" ] && echo 0 || echo 1)"
	done
	check "generic-346 $k: short copies were injected" \
		"$([ "$(nonzero "g346_$k" short_copies)" -eq "$many" ] && echo 0 || echo 1)"
done

# --- without injected failures nothing is lost or leaked under any preset
for k in 6.1 6.2 6.6 6.13; do
	runs "nofail_$k" 10 scenarios/generic-346.ini -s global.kernel=$k -s pwriter.fail_rate=0
	check "generic-346 $k, fail_rate 0: no loss, no leak" \
		"$([ "$(nonzero "nofail_$k" lost_bytes)" -eq 0 ] && [ "$(nonzero "nofail_$k" leaked_delalloc_blocks)" -eq 0 ] && [ "$(crashed "nofail_$k")" -eq 0 ] && echo 0 || echo 1)"
done

# --- generic-344: prefaulted (clean, cached) pages
runs g344_61 20 scenarios/generic-344.ini -s global.kernel=6.1
check "generic-344 6.1: some of 20 seeds lose data" \
	"$([ "$(nonzero g344_61 lost_bytes)" -gt 0 ] && echo 0 || echo 1)"
runs g344_613 50 scenarios/generic-344.ini -s global.kernel=6.13
check "generic-344 6.13: no loss or leak in 50 seeds" \
	"$([ "$(nonzero g344_613 lost_bytes)" -eq 0 ] && [ "$(nonzero g344_613 leaked_delalloc_blocks)" -eq 0 ] && echo 0 || echo 1)"

# --- generic-340: fault against fault never loses
runs g340 5 scenarios/generic-340.ini -s global.kernel=6.1
check "generic-340 6.1: no loss" "$([ "$(nonzero g340 lost_bytes)" -eq 0 ] && echo 0 || echo 1)"

# --- no-punch leaks and loses nothing; punch-clean does not leak
runs nopunch 5 scenarios/no-punch-leak.ini
check "no-punch: the canary fires in every seed" \
	"$([ "$(nonzero nopunch leaked_delalloc_blocks)" -eq 5 ] && echo 0 || echo 1)"
check "no-punch: delalloc left at unmount in every seed" \
	"$([ "$(nonzero nopunch delalloc_at_unmount)" -eq 5 ] && echo 0 || echo 1)"
check "no-punch: nothing lost" "$([ "$(nonzero nopunch lost_bytes)" -eq 0 ] && echo 0 || echo 1)"
runs punchclean 5 scenarios/no-punch-leak.ini -s global.punch=punch-clean
check "punch-clean: no leak" \
	"$([ "$(nonzero punchclean leaked_delalloc_blocks)" -eq 0 ] && echo 0 || echo 1)"

# --- xfs-559: the stale iomap, caught by the validity cookie
runs x559_off 5 scenarios/xfs-559.ini -s global.kernel=6.1
check "xfs-559 validity off: loses data ($(nonzero x559_off lost_bytes)/5 seeds)" \
	"$([ "$(nonzero x559_off lost_bytes)" -gt 0 ] && echo 0 || echo 1)"
grep -h '^anomaly lost' "$tmp"/x559_off.* | head -n 1 | grep -q 'zeroed the block'
check "xfs-559 validity off: the loss names the zeroing over the stale mapping" $?
for k in 6.2 6.13; do
	runs "x559_$k" 20 scenarios/xfs-559.ini -s global.kernel=$k
	check "xfs-559 $k (validity on): no loss in 20 seeds" \
		"$([ "$(nonzero "x559_$k" lost_bytes)" -eq 0 ] && [ "$(crashed "x559_$k")" -eq 0 ] && echo 0 || echo 1)"
done
runs x559_v 5 scenarios/xfs-559.ini -s global.kernel=6.1 -s global.validity=on
check "xfs-559 6.1 with validity = on alone: no loss" \
	"$([ "$(nonzero x559_v lost_bytes)" -eq 0 ] && echo 0 || echo 1)"

# --- ENOSPC under faults: SIGBUS, not loss
runs enospc 1 scenarios/enospc-faults.ini
check "enospc-faults: stores get SIGBUS ($(metric enospc sigbus))" \
	"$([ "$(nonzero enospc sigbus)" -eq 1 ] && [ "$(nonzero enospc lost_bytes)" -eq 0 ] && echo 0 || echo 1)"

# --- determinism: the same scenario and seed give the same output
"$wpsim" run scenarios/generic-346.ini -s global.seed=4 | grep -v '^wall_time_s=' >"$tmp/d1"
"$wpsim" run scenarios/generic-346.ini -s global.seed=4 | grep -v '^wall_time_s=' >"$tmp/d2"
cmp -s "$tmp/d1" "$tmp/d2"
check "same scenario and seed: identical output (wall_time_s aside)" $?

# --- deferring CPU time nobody can notice (actors/sched.h) changes nothing: the same
# outputs as sleeping at every preemption point (WPSIM_NO_DEFER=1), for the races
# (I/O during the workload can move by a nanosecond where SimGrid shares bandwidth,
# so the fio scenarios are left out)
for sc in generic-340 generic-344 generic-346 no-punch-leak enospc-faults bench-append; do
	for seed in 1 2 3; do
		"$wpsim" run scenarios/$sc.ini -s global.seed=$seed -s global.kernel=6.1 |
			grep -v '^wall_time_s=' >"$tmp/e1"
		WPSIM_NO_DEFER=1 "$wpsim" run scenarios/$sc.ini -s global.seed=$seed \
			-s global.kernel=6.1 | grep -v '^wall_time_s=' >"$tmp/e2"
		cmp -s "$tmp/e1" "$tmp/e2" || break
	done
	cmp -s "$tmp/e1" "$tmp/e2"
	check "$sc: deferred CPU time gives the output of sleeping at every point (seeds 1-3)" $?
done

# --- the trace is a Chrome trace-event file
"$wpsim" run scenarios/generic-346.ini -s global.file_size=256k -s pwriter.size=256k \
	-s mmapper.size=256k --trace "$tmp/trace.json" >/dev/null
head -c 40 "$tmp/trace.json" | grep -q '"traceEvents"' && tail -n 1 "$tmp/trace.json" | grep -q '^]}$' &&
	grep -q '"name":"pwrite"' "$tmp/trace.json" && grep -q '"ph":"X"' "$tmp/trace.json"
check "--trace writes trace events" $?

echo "scenarios: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
