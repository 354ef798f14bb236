#!/bin/sh
# End-to-end tests of `wpsim sweep`, `wpsim merge` and `wpsim run --db` (docs/sweeps.md):
# row counts, resume after kill -9, failed runs, bad input that changes nothing, two
# sweeps on one database, shards merged = the whole sweep (by hand, with GNU parallel,
# with the Slurm array script). Needs the sqlite3 CLI. Run from the repository root.
# Ends with "sweep: N passed, N failed".
#   sim/tests/sweep.sh build/wpsim
wpsim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/check.sh"

q() { # DB SQL: one value
	sqlite3 "$1" "$2"
}

# (run key, metric, value) of every run, wall time excluded: what must be equal
dump() {
	sqlite3 "$1" "SELECT r.run_key, m.name, m.value FROM run r JOIN metric m USING (run_id)
		WHERE m.name <> 'wall_time_s' ORDER BY 1, 2;
		SELECT r.run_key, p.name, p.value FROM run r JOIN param p USING (run_id) ORDER BY 1, 2;
		SELECT r.run_key, l.op, l.count, l.p99_us FROM run r JOIN latency l USING (run_id)
		ORDER BY 1, 2;
		SELECT r.run_key, a.kind, a.\"offset\", a.length, a.detail FROM run r
		JOIN anomaly a USING (run_id) ORDER BY 1, 2, 3, 4, 5;
		SELECT run_key, seed, status, sim_time_s, scenario FROM run ORDER BY 1"
}

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "  FAIL the sqlite3 CLI is missing (make deps)"
	echo "sweep: 0 passed, 1 failed"
	exit 1
fi

# A small generic-346 (1 MiB file: ~10 ms a run) and sweeps over it.
sed -e 's/^file_size = 16m/file_size = 1m/' -e 's/^size = 16m/size = 1m/' \
	scenarios/generic-346.ini >"$tmp/g346.ini"
cat >"$tmp/small.sweep" <<EOF
[sweep]
scenario = $tmp/g346.ini
seeds = 1-3
[vary]
global.kernel = 6.1, 6.13
EOF
cat >"$tmp/wide.sweep" <<EOF
[sweep]
scenario = $tmp/g346.ini
seeds = 1-12
[vary]
global.kernel = 6.1, 6.2, 6.13
pwriter.fail_rate = 0, 0.05
EOF

# 1. row counts of a small sweep: 2 presets x 3 seeds
"$wpsim" sweep "$tmp/small.sweep" --db "$tmp/small.db" --jobs 2 >"$tmp/out" 2>"$tmp/err"
check "small sweep exits 0" $?
"$wpsim" run "$tmp/g346.ini" >"$tmp/one"
nmetric=$(grep -cE '^[A-Za-z0-9_]+=' "$tmp/one")
[ "$(q "$tmp/small.db" "SELECT count(*), count(DISTINCT run_key), sum(status = 'ok') FROM run")" = "6|6|6" ]
check "6 runs, 6 keys, all ok" $?
[ "$(q "$tmp/small.db" "SELECT count(*) FROM metric")" -eq $((6 * nmetric)) ]
check "every outcome line of wpsim run is a metric of every run ($nmetric each)" $?
[ "$(q "$tmp/small.db" "SELECT count(DISTINCT n) FROM (SELECT count(*) n FROM param GROUP BY run_id)")" = 1 ] &&
	[ "$(q "$tmp/small.db" "SELECT count(*) FROM param WHERE name = 'global.kernel'")" = 6 ]
check "every run has the same resolved params" $?
[ "$(q "$tmp/small.db" "SELECT count(DISTINCT run_id) FROM latency")" = 6 ]
check "every run has latency rows" $?
[ "$(q "$tmp/small.db" "SELECT count(*) FROM sweep")" = 1 ] &&
	[ "$(q "$tmp/small.db" "PRAGMA user_version")" = 3 ] &&
	[ "$(q "$tmp/small.db" "PRAGMA journal_mode")" = wal ]
check "one sweep row, schema version 3, WAL" $?
[ "$(q "$tmp/small.db" "SELECT count(*) FROM run r JOIN param p USING (run_id)
	WHERE p.name = 'global.seed' AND p.value = CAST(r.seed AS TEXT)")" = 6 ]
check "param global.seed is the run's seed" $?
# the policy comparison of docs/design.md, "Results database": one join of param and metric per side
[ "$(q "$tmp/small.db" "SELECT count(*) FROM run a JOIN param pa ON pa.run_id = a.run_id
	AND pa.name = 'global.kernel' AND pa.value = '6.1' JOIN run b ON b.seed = a.seed
	JOIN param pb ON pb.run_id = b.run_id AND pb.name = 'global.kernel' AND pb.value = '6.13'")" = 3 ]
check "6.1 vs 6.13 on the same seed: 3 pairs" $?

# determinism: the same sweep again gives the same rows
"$wpsim" sweep "$tmp/small.sweep" --db "$tmp/small2.db" --jobs 1 >/dev/null 2>&1
dump "$tmp/small.db" >"$tmp/d1"
dump "$tmp/small2.db" >"$tmp/d2"
cmp -s "$tmp/d1" "$tmp/d2"
check "same sweep, --jobs 1 or 2: identical rows" $?

# wpsim run --db is the same run, under the same key
"$wpsim" run "$tmp/g346.ini" -s global.kernel=6.13 -s global.seed=2 --db "$tmp/one.db" >/dev/null
check "wpsim run --db exits 0" $?
[ "$(q "$tmp/one.db" "SELECT run_key FROM run")" = \
	"$(q "$tmp/small.db" "SELECT r.run_key FROM run r JOIN param p USING (run_id)
	WHERE r.seed = 2 AND p.name = 'global.kernel' AND p.value = '6.13'")" ]
check "wpsim run --db: the run key of the sweep's run" $?
"$wpsim" run "$tmp/g346.ini" -s global.kernel=6.13 -s global.seed=2 --db "$tmp/one.db" \
	>/dev/null 2>"$tmp/err"
[ $? -eq 0 ] && grep -q "stored there already" "$tmp/err" && [ "$(q "$tmp/one.db" "SELECT count(*) FROM run")" = 1 ]
check "the same run again: a note, not stored twice" $?
"$wpsim" merge "$tmp/small.db" "$tmp/one.db" >"$tmp/out" 2>&1 && grep -q "0 runs copied, 1 already" "$tmp/out"
check "merging it into the sweep's database copies nothing" $?

# 2. resume after kill -9: the runs of seed 5 hang (both workers stop there after the
# 24 runs of seeds 1-4), so the sweep is surely mid-way
WPSIM_TEST_HANG_SEED=5 "$wpsim" sweep "$tmp/wide.sweep" --db "$tmp/kill.db" --jobs 2 \
	>/dev/null 2>&1 &
pid=$!
i=0
while [ $i -lt 300 ]; do
	n=$(q "$tmp/kill.db" "SELECT count(*) FROM run" 2>/dev/null || echo 0)
	[ "${n:-0}" -ge 24 ] && break
	sleep 0.1
	i=$((i + 1))
done
children=$(ps -o pid= --ppid "$pid" 2>/dev/null)
kill -9 "$pid"
wait "$pid" 2>/dev/null
sleep 0.3
stored=$(q "$tmp/kill.db" "SELECT count(*) FROM run")
[ "$stored" -eq 24 ]
check "killed mid-way ($stored of 72 runs stored)" $?
alive=0
for c in $children; do # a zombie is dead, only waiting for a reaper
	case $(ps -o stat= -p "$c" 2>/dev/null) in
	"" | Z*) ;;
	*) alive=$((alive + 1)) ;;
	esac
done
[ -n "$children" ] && [ "$alive" -eq 0 ]
check "its runs in flight died with it" $?
[ "$(q "$tmp/kill.db" "PRAGMA integrity_check")" = ok ] &&
	[ "$(q "$tmp/kill.db" "SELECT count(*) FROM run r WHERE (SELECT count(*) FROM metric m
		WHERE m.run_id = r.run_id) <> $nmetric")" = 0 ]
check "consistent after kill -9: every stored run complete" $?
cp "$tmp/kill.db" "$tmp/kill.before"
"$wpsim" sweep "$tmp/wide.sweep" --db "$tmp/kill.db" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- "--resume" "$tmp/err" && cmp -s "$tmp/kill.db" "$tmp/kill.before"
check "without --resume: refused (exit 2), database unchanged" $?
"$wpsim" sweep "$tmp/wide.sweep" --db "$tmp/kill.db" --resume --jobs 2 >"$tmp/out" 2>/dev/null
check "--resume exits 0" $?
grep -q "already stored" "$tmp/out" &&
	[ "$(q "$tmp/kill.db" "SELECT count(*), count(DISTINCT run_key), sum(status = 'ok') FROM run")" = "72|72|72" ]
check "after --resume every run exactly once" $?
"$wpsim" sweep "$tmp/wide.sweep" --db "$tmp/kill.db" --jobs 2 >/dev/null 2>&1
"$wpsim" sweep "$tmp/wide.sweep" --db "$tmp/whole.db" --jobs 2 >/dev/null 2>&1
dump "$tmp/kill.db" >"$tmp/d1"
dump "$tmp/whole.db" >"$tmp/d2"
cmp -s "$tmp/d1" "$tmp/d2"
check "killed and resumed = one uninterrupted sweep" $?
"$wpsim" sweep "$tmp/wide.sweep" --db "$tmp/kill.db" --resume >"$tmp/out" 2>&1
[ $? -eq 0 ] && [ "$(q "$tmp/kill.db" "SELECT count(*) FROM run")" = 72 ]
check "--resume of a complete sweep: nothing to do" $?

# a kill at an arbitrary moment, then resume
"$wpsim" sweep "$tmp/wide.sweep" --db "$tmp/kill2.db" --jobs 2 >/dev/null 2>&1 &
pid=$!
sleep 0.4
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
"$wpsim" sweep "$tmp/wide.sweep" --db "$tmp/kill2.db" --resume --jobs 2 >/dev/null 2>&1
dump "$tmp/kill2.db" >"$tmp/d1"
cmp -s "$tmp/d1" "$tmp/d2"
check "killed at 0.4 s and resumed = the whole sweep" $?

# 3. a crashing run and a hanging run are stored as failed; the sweep goes on
cat >"$tmp/fail.sweep" <<EOF
[sweep]
scenario = $tmp/g346.ini
seeds = 1-4
timeout = 1s
EOF
WPSIM_TEST_CRASH_SEED=2 WPSIM_TEST_HANG_SEED=3 "$wpsim" sweep "$tmp/fail.sweep" \
	--db "$tmp/fail.db" --jobs 2 >/dev/null 2>&1
rc=$?
[ $rc -eq 1 ]
check "a sweep with failed runs exits 1 (got $rc)" $?
[ "$(q "$tmp/fail.db" "SELECT group_concat(seed || ':' || status, ' ') FROM
	(SELECT * FROM run ORDER BY seed)")" = "1:ok 2:failed 3:failed 4:ok" ]
check "crashed and timed-out runs stored as failed, the others ok" $?
q "$tmp/fail.db" "SELECT error FROM run WHERE seed = 2" | grep -q "signal 6.*WPSIM_TEST_CRASH_SEED"
check "the crash's error: signal and stderr" $?
q "$tmp/fail.db" "SELECT error FROM run WHERE seed = 3" | grep -q "timed out"
check "the hang's error: timed out" $?

# 4. bad sweep files: FILE:LINE, exit 2, the database byte-identical
cp "$tmp/small.db" "$tmp/keep.db"
bad() { # description, expected message, sweep file text
	printf '%s' "$3" >"$tmp/bad.sweep"
	"$wpsim" sweep "$tmp/bad.sweep" --db "$tmp/small.db" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] && grep -qF "$2" "$tmp/err" && cmp -s "$tmp/small.db" "$tmp/keep.db" &&
		[ ! -e "$tmp/small.db-wal" ]
	check "$1: exit 2, FILE:LINE, database unchanged" $?
}
bad "unknown key" "bad.sweep:3: frob = 1: unknown key in [sweep]" \
	"[sweep]
scenario = $tmp/g346.ini
frob = 1
"
bad "bad value in [vary]" "bad.sweep:4: global.kernel = 5.4: unknown value" \
	"[sweep]
scenario = $tmp/g346.ini
[vary]
global.kernel = 6.1, 5.4
"
bad "unknown key in [vary]" "bad.sweep:4: pwriter.frob = 1: unknown key in actor section" \
	"[sweep]
scenario = $tmp/g346.ini
[vary]
pwriter.frob = 1
"
bad "missing scenario" "bad.sweep:2: scenario = $tmp/none.ini: No such file" \
	"[sweep]
scenario = $tmp/none.ini
"
bad "bad seeds" "bad.sweep:3: seeds = 1-2-3: bad seed" \
	"[sweep]
scenario = $tmp/g346.ini
seeds = 1-2-3
"
bad "overlong line" "bad.sweep:3: line longer than" \
	"[sweep]
scenario = $tmp/g346.ini
seeds = $(printf '1,%.0s' $(seq 1 400))1
"
# a UTF-8 byte order mark before [sweep] is dropped: the header counts, line 2 errs
bad "byte order mark, then an unknown key" "bad.sweep:2: frob = 1: unknown key in [sweep]" \
	"$(printf '\357\273\277')[sweep]
frob = 1
"
"$wpsim" sweep "$tmp/nosuch.sweep" --db "$tmp/small.db" >/dev/null 2>&1
[ $? -eq 2 ] && cmp -s "$tmp/small.db" "$tmp/keep.db"
check "missing sweep file: exit 2, database unchanged" $?

# 5. files that are not wpsim databases are refused and left untouched
sqlite3 "$tmp/other.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1); PRAGMA journal_mode = WAL" >/dev/null
head -c 8192 /dev/urandom >"$tmp/garbage.db"
cp "$tmp/small.db" "$tmp/v9.db"
sqlite3 "$tmp/v9.db" "PRAGMA user_version = 9"
for f in other garbage v9; do
	cp "$tmp/$f.db" "$tmp/$f.orig"
	"$wpsim" sweep "$tmp/small.sweep" --db "$tmp/$f.db" >/dev/null 2>"$tmp/err"
	r1=$?
	"$wpsim" run "$tmp/g346.ini" --db "$tmp/$f.db" >/dev/null 2>>"$tmp/err"
	r2=$?
	"$wpsim" merge "$tmp/$f.db" "$tmp/small.db" >/dev/null 2>>"$tmp/err"
	r3=$?
	"$wpsim" merge "$tmp/m-$f.db" "$tmp/$f.db" >/dev/null 2>>"$tmp/err"
	r4=$?
	[ "$r1$r2$r3$r4" = 2222 ] && [ "$(grep -c "$tmp/$f.db: .*left untouched" "$tmp/err")" = 4 ] &&
		cmp -s "$tmp/$f.db" "$tmp/$f.orig" && [ ! -e "$tmp/$f.db-shm" ] && [ ! -e "$tmp/m-$f.db" ]
	check "$f.db refused by sweep, run --db, merge (out and in); untouched" $?
done

# 6. two sweeps writing one (new) database at once
cat >"$tmp/other.sweep" <<EOF
[sweep]
scenario = $tmp/g346.ini
seeds = 1-12
name = other
[vary]
pwriter.fail_rate = 0, 0.1, 0.2
EOF
"$wpsim" sweep "$tmp/wide.sweep" --db "$tmp/two.db" --jobs 2 >/dev/null 2>&1 &
p1=$!
"$wpsim" sweep "$tmp/other.sweep" --db "$tmp/two.db" --jobs 2 >/dev/null 2>&1 &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
[ $r1 -eq 0 ] && [ $r2 -eq 0 ] &&
	[ "$(q "$tmp/two.db" "SELECT count(*), count(DISTINCT run_key) FROM run")" = "108|108" ] &&
	[ "$(q "$tmp/two.db" "SELECT count(*) FROM metric")" -eq $((108 * nmetric)) ]
check "two sweeps at once: both exit 0, all 72 + 36 runs stored once" $?

# 7. shards merged = the whole sweep
"$wpsim" sweep "$tmp/wide.sweep" --db "$tmp/s1.db" --shard 1/2 >/dev/null 2>&1 &&
	"$wpsim" sweep "$tmp/wide.sweep" --db "$tmp/s2.db" --shard 2/2 >/dev/null 2>&1
check "shards 1/2 and 2/2 exit 0" $?
n1=$(q "$tmp/s1.db" "SELECT count(*) FROM run")
n2=$(q "$tmp/s2.db" "SELECT count(*) FROM run")
[ $((n1 + n2)) -eq 72 ] && [ "$n1" -gt 0 ] && [ "$n2" -gt 0 ]
check "the shards split the 72 runs ($n1 + $n2)" $?
"$wpsim" merge "$tmp/merged.db" "$tmp/s1.db" "$tmp/s2.db" >/dev/null 2>&1
check "merge exits 0" $?
dump "$tmp/merged.db" >"$tmp/d1"
cmp -s "$tmp/d1" "$tmp/d2"
check "shards merged = the whole sweep" $?
"$wpsim" merge "$tmp/merged.db" "$tmp/s2.db" "$tmp/whole.db" >"$tmp/out" 2>&1 &&
	grep -q "0 runs copied" "$tmp/out" && [ "$(q "$tmp/merged.db" "SELECT count(*) FROM run")" = 72 ]
check "merging again copies nothing" $?
cp "$tmp/merged.db" "$tmp/merged.orig"
"$wpsim" merge "$tmp/merged.db" "$tmp/s1.db" "$tmp/garbage.db" >/dev/null 2>&1
[ $? -eq 2 ] && cmp -s "$tmp/merged.db" "$tmp/merged.orig"
check "merge with a bad input: exit 2, output unchanged" $?
"$wpsim" sweep "$tmp/wide.sweep" --db "$tmp/x.db" --shard 3/2 >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && [ ! -e "$tmp/x.db" ]
check "--shard 3/2 refused" $?

# 8. the same with GNU parallel (as across hosts with --sshlogin)
if command -v parallel >/dev/null 2>&1; then
	parallel --will-cite -j 2 "$wpsim" sweep "$tmp/wide.sweep" --jobs 1 \
		--db "$tmp/p{}.db" --shard {}/3 ::: 1 2 3 >/dev/null 2>&1
	check "GNU parallel: 3 shards exit 0" $?
	"$wpsim" merge "$tmp/pmerged.db" "$tmp/p1.db" "$tmp/p2.db" "$tmp/p3.db" >/dev/null 2>&1
	dump "$tmp/pmerged.db" >"$tmp/d1"
	cmp -s "$tmp/d1" "$tmp/d2"
	check "GNU parallel: shards merged = the whole sweep" $?
else
	echo "  skip GNU parallel is not installed (make deps installs it)"
fi

# 9. the Slurm array script, its tasks run here one after the other
mkdir -p "$tmp/slurm"
for t in 1 2; do
	SLURM_ARRAY_TASK_ID=$t SLURM_ARRAY_TASK_COUNT=2 SLURM_CPUS_PER_TASK=1 \
		WPSIM="$wpsim" SWEEP="$tmp/wide.sweep" OUTDIR="$tmp/slurm" \
		sh configs/sweeps/slurm-array.sh >/dev/null 2>&1 || echo "task $t failed"
done >"$tmp/out"
[ ! -s "$tmp/out" ]
check "Slurm array script: 2 tasks exit 0" $?
"$wpsim" merge "$tmp/smerged.db" "$tmp/slurm"/shard-*.db >/dev/null 2>&1
dump "$tmp/smerged.db" >"$tmp/d1"
cmp -s "$tmp/d1" "$tmp/d2"
check "Slurm array shards merged = the whole sweep" $?

# 10. the progress bar on a terminal, plain lines otherwise
"$wpsim" sweep "$tmp/small.sweep" --db "$tmp/plain.db" 2>"$tmp/err.small" >/dev/null
grep -q "^sweep: 6/6 runs, .* runs/s, ETA .*, with loss: " "$tmp/err.small"
check "plain progress lines when stderr is not a terminal" $?
if command -v script >/dev/null 2>&1; then
	script -qec "\"$wpsim\" sweep \"$tmp/small.sweep\" --db \"$tmp/tty.db\"" /dev/null \
		>"$tmp/tty" 2>&1
	grep -q "\[==.*\] 6/6 runs, .* runs/s, ETA .*, with loss: " "$tmp/tty"
	check "a progress bar on a terminal" $?
else
	echo "  skip no script(1) to make a terminal"
fi

echo "sweep: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
