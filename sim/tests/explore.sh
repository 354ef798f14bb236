#!/bin/sh
# End-to-end tests of `wpsim explore` and `wpsim run --schedule` (docs/explore.md) on
# tiny race scenarios written here: stored schedules replay to their stored metrics;
# the same command gives the same bytes and rows, whatever --jobs; shards split the
# schedules exactly; --compare runs every schedule under every value, and
# analysis/schedules-fail-a-not-b.sql lists the ones lost under 6.1 only; a bounded
# enumeration is complete; bad input exits 2 naming the option.
#   sim/tests/explore.sh WPSIM [quick]
# quick: bounded with 1 decision (no 6.1 loss to find there); else 2 (about a minute).
# Ends with "explore: N passed, N failed".
wpsim=$1
quick=${2:-}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # description, condition-exit-status
	if [ "$2" -eq 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "  FAIL $1"
	fi
}

if ! command -v sqlite3 >/dev/null; then
	echo "explore: sqlite3 shell missing (make deps)"
	echo "explore: 0 passed, 1 failed"
	exit 1
fi

# A writer and a faulter putting 8-byte markers into each page of a PAGES-page file.
race() { # PAGES FILE
	printf '[global]\nkernel = 6.1\nfile_size = %sk\n[pwriter]\nkind = writer\noffset = 1024\nbs = 8\nstride = 4k\nsize = %sk\n[mmapper]\nkind = faulter\noffset = 3072\nbs = 8\nstride = 4k\nsize = %sk\n' \
		$(($1 * 4)) $(($1 * 4)) $(($1 * 4)) >"$2"
}
race 1 "$tmp/p1.ini"
race 2 "$tmp/p2.ini"
race 4 "$tmp/p4.ini"

q() { # DB SQL
	sqlite3 -readonly "$1" "$2"
}

# --- --compare: every schedule under both kernels ------------------------------------
# (150 runs: on 4 pages about 2% of pct's runs hit the race's window, see docs/explore.md)
"$wpsim" explore "$tmp/p4.ini" --runs 150 --jobs 2 --db "$tmp/cmp.db" \
	--compare global.kernel=6.1,6.13 >"$tmp/cmp.out" 2>"$tmp/cmp.err"
check "explore --compare runs (exit $?)" $?
# a generated schedule (not a shrunk one: shrinking is per value) and the kernels it
# ran under
q "$tmp/cmp.db" "SELECT rs.schedule_id, group_concat(DISTINCT p.value)
	FROM run_schedule rs JOIN param p ON p.run_id = rs.run_id AND p.name = 'global.kernel'
	JOIN schedule s ON s.schedule_id = rs.schedule_id AND s.minimal_of IS NULL
	GROUP BY rs.schedule_id HAVING COUNT(DISTINCT p.value) < 2" >"$tmp/one-side"
nsched=$(q "$tmp/cmp.db" "SELECT COUNT(*) FROM schedule WHERE minimal_of IS NULL")
[ "$nsched" -gt 10 ] && [ ! -s "$tmp/one-side" ]
check "every one of the $nsched schedules ran under both 6.1 and 6.13" $?
lost61=$(q "$tmp/cmp.db" "SELECT COUNT(*) FROM metric m JOIN param p ON p.run_id = m.run_id
	AND p.name = 'global.kernel' WHERE m.name = 'lost_bytes' AND m.value > 0 AND p.value = '6.1'")
lost613=$(q "$tmp/cmp.db" "SELECT COUNT(*) FROM metric m JOIN param p ON p.run_id = m.run_id
	AND p.name = 'global.kernel' WHERE m.name = 'lost_bytes' AND m.value > 0 AND p.value <> '6.1'")
[ "$lost61" -gt 0 ] && [ "$lost613" -eq 0 ]
check "runs lose data under 6.1 ($lost61) and none under 6.13 ($lost613)" $?
grep -q "^failing\[global.kernel=6.1\]=[1-9]" "$tmp/cmp.out" &&
	grep -q "^failing\[global.kernel=6.13\]=0$" "$tmp/cmp.out"
check "the summary lines say so" $?
sqlite3 -readonly -csv -cmd ".parameter set :a 6.1" -cmd ".parameter set :b 6.13" \
	"$tmp/cmp.db" <analysis/schedules-fail-a-not-b.sql | cut -d, -f1 | sort -n >"$tmp/a-not-b"
q "$tmp/cmp.db" "SELECT DISTINCT rs.schedule_id FROM run_schedule rs
	JOIN metric m ON m.run_id = rs.run_id AND m.name = 'lost_bytes' AND m.value > 0
	JOIN schedule s ON s.schedule_id = rs.schedule_id AND s.minimal_of IS NULL
	ORDER BY 1" >"$tmp/lost-sched"
[ -s "$tmp/a-not-b" ] && cmp -s "$tmp/a-not-b" "$tmp/lost-sched"
check "schedules-fail-a-not-b.sql lists exactly the generated schedules that lose data" $?
sqlite3 -readonly -csv -cmd ".parameter set :a 6.13" -cmd ".parameter set :b 6.1" \
	"$tmp/cmp.db" <analysis/schedules-fail-a-not-b.sql >"$tmp/b-not-a"
[ ! -s "$tmp/b-not-a" ]
check "... and none the other way round" $?
grep -q "^interleaving [AB]: " "$tmp/cmp.out" && grep -q "^minimal_schedule\[global.kernel=6.1\]=" "$tmp/cmp.out"
check "6.1's minimal story names interleaving A or B" $?

# --- wpsim run --schedule replays stored runs ----------------------------------------
metrics="lost_bytes lost_stores leaked_delalloc_blocks invariant_violations short_copies writes faults events"
q "$tmp/cmp.db" "SELECT r.run_id, p.value, m.value > 0 FROM run r
	JOIN param p ON p.run_id = r.run_id AND p.name = 'global.kernel'
	JOIN metric m ON m.run_id = r.run_id AND m.name = 'lost_bytes'
	WHERE r.run_id IN (SELECT run_id FROM metric WHERE name = 'lost_bytes' AND value > 0
		ORDER BY run_id LIMIT 3)
	   OR r.run_id IN (SELECT run_id FROM metric WHERE name = 'lost_bytes' AND value = 0
		ORDER BY run_id LIMIT 3)" >"$tmp/picked"
nfailing=$(grep -c '|1$' "$tmp/picked")
[ "$nfailing" -gt 0 ] && [ "$(wc -l <"$tmp/picked")" -gt "$nfailing" ]
check "failing and passing runs picked for replay ($nfailing failing)" $?
while IFS='|' read -r id kernel failing; do
	spec=$(q "$tmp/cmp.db" "SELECT s.spec FROM run_schedule rs JOIN schedule s USING (schedule_id)
		WHERE rs.run_id = $id")
	# a shrunk run was made on a shrunk workload: its ops are in its params
	wops=$(q "$tmp/cmp.db" "SELECT value FROM param WHERE run_id = $id AND name = 'pwriter.ops'")
	mops=$(q "$tmp/cmp.db" "SELECT value FROM param WHERE run_id = $id AND name = 'mmapper.ops'")
	"$wpsim" run "$tmp/p4.ini" -s global.kernel="$kernel" -s pwriter.ops="$wops" \
		-s mmapper.ops="$mops" --schedule "$spec" >"$tmp/replay" 2>&1
	ok=$?
	for m in $metrics; do
		want=$(q "$tmp/cmp.db" "SELECT value FROM metric WHERE run_id = $id AND name = '$m'")
		got=$(sed -n "s/^$m=//p" "$tmp/replay")
		[ -n "$want" ] && [ "$got" = "$want" ] || ok=1
	done
	check "run $id (kernel $kernel, failing $failing) replays to its stored metrics" $ok
done <"$tmp/picked"

# --- determinism ---------------------------------------------------------------------
ex() { # OUT DB ARGS...: explore p2.ini with ARGS
	o=$1
	d=$2
	shift 2
	"$wpsim" explore "$tmp/p2.ini" --runs 12 --seed 7 --db "$d" "$@" >"$o" 2>&1
}
rows() { # DB: the stored rows, without timestamps, wall times and host
	sqlite3 -readonly "$1" \
		"SELECT run_id, sweep_id, scenario, seed, status, sim_time_s, version, error, run_key
		 FROM run ORDER BY run_id;
		 SELECT * FROM param ORDER BY run_id, name;
		 SELECT * FROM metric WHERE name <> 'wall_time_s' ORDER BY run_id, name;
		 SELECT * FROM anomaly ORDER BY anomaly_id;
		 SELECT * FROM schedule ORDER BY schedule_id;
		 SELECT * FROM run_schedule ORDER BY run_id;
		 SELECT name, spec, sweep_key, spec_hash FROM sweep ORDER BY sweep_id"
}
ex "$tmp/d1.out" "$tmp/d1.db" --strategy delay --jobs 2
ex "$tmp/d2.out" "$tmp/d2.db" --strategy delay --jobs 2
ex "$tmp/d3.out" "$tmp/d3.db" --strategy delay --jobs 1
cmp -s "$tmp/d1.out" "$tmp/d2.out"
check "delay: the same command twice, byte-identical stdout" $?
rows "$tmp/d1.db" >"$tmp/d1.rows"
rows "$tmp/d2.db" >"$tmp/d2.rows"
[ -s "$tmp/d1.rows" ] && cmp -s "$tmp/d1.rows" "$tmp/d2.rows"
check "... and the same rows in the database" $?
cmp -s "$tmp/d1.out" "$tmp/d3.out"
check "--jobs 1 and --jobs 2: identical stdout" $?
ex "$tmp/e1.out" "$tmp/e1.db" --seed 8
cmp -s "$tmp/d1.out" "$tmp/e1.out"
[ $? -ne 0 ]
check "another seed, other schedules (the seed is used)" $?

# --- shards --------------------------------------------------------------------------
specs() { # DB: the schedules that generated runs, sorted
	q "$1" "SELECT s.spec FROM schedule s WHERE s.minimal_of IS NULL
		AND s.schedule_id IN (SELECT schedule_id FROM run_schedule)" | sort
}
ex "$tmp/s0.out" "$tmp/s0.db" --jobs 2
ex "$tmp/s1.out" "$tmp/s1.db" --jobs 2 --shard 1/2
ex "$tmp/s2.out" "$tmp/s2.db" --jobs 2 --shard 2/2
specs "$tmp/s0.db" >"$tmp/s0.specs"
specs "$tmp/s1.db" >"$tmp/s1.specs"
specs "$tmp/s2.db" >"$tmp/s2.specs"
sort "$tmp/s1.specs" "$tmp/s2.specs" >"$tmp/s12.specs"
[ -s "$tmp/s1.specs" ] && [ -s "$tmp/s2.specs" ] && cmp -s "$tmp/s0.specs" "$tmp/s12.specs"
check "--shard 1/2 and 2/2 together run exactly the unsharded schedules" $?
[ -z "$(comm -12 "$tmp/s1.specs" "$tmp/s2.specs")" ]
check "... and no schedule in both shards" $?

# --- bounded -------------------------------------------------------------------------
depth=2
[ "$quick" = quick ] && depth=1
"$wpsim" explore "$tmp/p1.ini" --strategy bounded --depth $depth --jobs 2 \
	--compare global.kernel=6.1,6.13 >"$tmp/bd.out" 2>&1
check "bounded --depth $depth runs (exit $?)" $?
grep -q "^complete\[global.kernel=6.1\]=1$" "$tmp/bd.out" &&
	grep -q "^complete\[global.kernel=6.13\]=1$" "$tmp/bd.out"
check "bounded: the enumeration is complete under both kernels" $?
grep -q "^failing\[global.kernel=6.13\]=0$" "$tmp/bd.out" &&
	grep -q "^confidence\[global.kernel=6.13\]: all [0-9]* schedules with at most $depth decisions: none fails" "$tmp/bd.out"
check "bounded: no 6.13 failure, and the confidence says so" $?
if [ $depth -ge 2 ]; then
	grep -q "^failing\[global.kernel=6.1\]=[1-9]" "$tmp/bd.out"
	check "bounded: 6.1 fails in some of the schedules with 2 decisions" $?
fi

# --- bad input: exit 2, the option named ---------------------------------------------
bad() { # description, text the message must hold, wpsim arguments...
	d=$1
	want=$2
	shift 2
	"$wpsim" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" -eq 2 ] && grep -qF -- "$want" "$tmp/err"
	check "$d (exit $got, want 2; message: $(head -c 160 "$tmp/err"))" $?
}
bad "unknown strategy" "--strategy frob" explore "$tmp/p1.ini" --strategy frob
bad "--depth 0" "--depth 0" explore "$tmp/p1.ini" --depth 0
bad "--depth 99" "--depth 99" explore "$tmp/p1.ini" --depth 99
bad "--runs 0" "--runs 0" explore "$tmp/p1.ini" --runs 0
bad "--compare without values" "--compare global.kernel=" explore "$tmp/p1.ini" --compare global.kernel=
bad "--compare without a key" "--compare 6.1" explore "$tmp/p1.ini" --compare 6.1
bad "--shard 3/2" "--shard 3/2" explore "$tmp/p1.ini" --shard 3/2
bad "a bad -s key" "colour" explore "$tmp/p1.ini" -s pwriter.colour=red
bad "a scenario that does not exist" "$tmp/nosuch.ini" explore "$tmp/nosuch.ini"
bad "--schedule: an unknown actor" "'nosuch.0' is not an actor" \
	run "$tmp/p1.ini" --schedule "nosuch.0@0:fault:suspend"
bad "--schedule: a malformed spec" "--schedule: schedule: at character" \
	run "$tmp/p1.ini" --schedule "pwriter.0@x:fault:suspend"
bad "--schedule: an unknown point" "--schedule: schedule: at character" \
	run "$tmp/p1.ini" --schedule "pwriter.0@0:frob:suspend"
bad "--schedule: fail on a faulter" "'mmapper.0' fails a copy-in but is not a writer" \
	run "$tmp/p1.ini" --schedule "mmapper.0@0:write_copy:fail=0"

echo "explore: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
