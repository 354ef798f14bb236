#!/bin/sh
# Results databases against their environment (docs/sweeps.md): a database of a newer
# wpsim refused by every command that opens one; a run whose child a signal killed is
# counted, not stored, and made again by --resume, SIGINT to a whole sweep included; a
# merge beside a sweep writing the same database prints counts that add up; a database
# on read-only media or in a directory of another user is read by report and export,
# refused by writers with the reason, and nothing is left beside it. The read-only
# cases need root (a read-only bind mount; setpriv for another user) and are skipped
# without. Needs the sqlite3 CLI. Run from the repository root.
# Ends with "dbenv: N passed, N failed".
#   sim/tests/dbenv.sh build/wpsim
wpsim=$1
tmp=$(mktemp -d /tmp/wpsim-dbenv.XXXXXX)
mnt=""
cleanup() {
	[ -n "$mnt" ] && umount "$mnt" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

. "$(dirname "$0")/check.sh"

q() { # DB SQL
	sqlite3 "$1" "$2"
}

if ! command -v sqlite3 >/dev/null 2>&1; then
	echo "  FAIL the sqlite3 CLI is missing (make deps)"
	echo "dbenv: 0 passed, 1 failed"
	exit 1
fi

# A small generic-346 (1 MiB file: ~10 ms a run).
sed -e 's/^file_size = 16m/file_size = 1m/' -e 's/^size = 16m/size = 1m/' \
	scenarios/generic-346.ini >"$tmp/g346.ini"
sweepfile() { # NAME SEEDS: a sweep of g346.ini over SEEDS
	printf '[sweep]\nscenario = %s\nseeds = %s\ntimeout = 60s\n' "$tmp/g346.ini" "$2" \
		>"$tmp/$1.sweep"
}
sweepfile s 1-4
"$wpsim" sweep "$tmp/s.sweep" --db "$tmp/s.db" >/dev/null 2>&1
check "a small sweep to start from" $?

# 1. a database of a newer schema: every command that opens one refuses it, untouched
cp "$tmp/s.db" "$tmp/v9.db"
q "$tmp/v9.db" "PRAGMA user_version = 9"
cp "$tmp/v9.db" "$tmp/v9.orig"
newer() { # description, command...
	d=$1
	shift
	"$@" >"$tmp/out" 2>&1
	rc=$?
	[ $rc -eq 2 ] &&
		grep -q "v9.db: was written by a newer wpsim (schema version 9, this one reads up to [0-9]*)" \
			"$tmp/out" && cmp -s "$tmp/v9.db" "$tmp/v9.orig" && [ ! -e "$tmp/v9.db-wal" ] &&
		[ ! -e "$tmp/v9.db-shm" ] && [ ! -e "$tmp/m9.db" ]
	check "schema 9: $d refuses it, exit 2, untouched (rc $rc: $(head -c 200 "$tmp/out"))" $?
}
newer "report" "$wpsim" report --db "$tmp/v9.db" --out "$tmp/rep9"
newer "export" "$wpsim" export --db "$tmp/v9.db"
newer "sweep --resume" "$wpsim" sweep "$tmp/s.sweep" --db "$tmp/v9.db" --resume
newer "run --db" "$wpsim" run "$tmp/g346.ini" --db "$tmp/v9.db"
newer "merge (in)" "$wpsim" merge "$tmp/m9.db" "$tmp/v9.db"
newer "merge (out)" "$wpsim" merge "$tmp/v9.db" "$tmp/s.db"
[ ! -e "$tmp/rep9" ]
check "schema 9: no report written" $?

# 2. a run whose child is killed (SIGKILL, as the OOM killer does) is counted, not stored
WPSIM_TEST_HANG_SEED=2 "$wpsim" sweep "$tmp/s.sweep" --db "$tmp/k.db" --jobs 2 \
	>"$tmp/k.out" 2>"$tmp/k.err" &
parent=$!
child=""
i=0
while [ $i -lt 600 ]; do
	# the hanging child is the one left once the three others are stored
	if [ "$(q "$tmp/k.db" "SELECT count(*) FROM run" 2>/dev/null)" = 3 ]; then
		child=$(pgrep -P "$parent")
		[ -n "$child" ] && break
	fi
	sleep 0.1
	i=$((i + 1))
done
[ -n "$child" ] && kill -KILL $child
wait $parent
rc=$?
[ $rc -eq 1 ]
check "a sweep with a killed run exits 1 (got $rc)" $?
grep -q "^sweep .*: 4 runs: 3 ok, 0 failed, 1 killed by a signal (not stored)," "$tmp/k.out"
check "the summary counts the killed run ($(head -n 1 "$tmp/k.out"))" $?
grep -q "run .*|2 killed by signal 9 (Killed): not stored" "$tmp/k.err"
check "the killed run is named with its signal" $?
[ "$(q "$tmp/k.db" "SELECT group_concat(seed, ' ') FROM (SELECT seed FROM run ORDER BY seed)")" = "1 3 4" ]
check "the killed run is not stored, the others are" $?
"$wpsim" sweep "$tmp/s.sweep" --db "$tmp/k.db" --resume >"$tmp/k.out" 2>/dev/null
rc=$?
[ $rc -eq 0 ] && grep -q ": 4 runs: 1 ok, 0 failed, 0 with loss; 3 already stored" "$tmp/k.out" &&
	[ "$(q "$tmp/k.db" "SELECT count(*), count(DISTINCT seed), sum(status = 'ok') FROM run")" = "4|4|4" ]
check "--resume makes the killed run, and only it (rc $rc: $(head -n 1 "$tmp/k.out"))" $?

# 3. SIGINT to the whole process group of a sweep: what was stored stays, --resume
#    makes the rest, nothing twice
sweepfile i 1-12
# a background job of a shell without job control ignores SIGINT: env restores it
WPSIM_TEST_HANG_SEED=7 setsid env --default-signal=INT "$wpsim" sweep "$tmp/i.sweep" \
	--db "$tmp/i.db" --jobs 2 >/dev/null 2>&1 &
leader=$!
i=0
while [ $i -lt 600 ]; do
	[ "$(q "$tmp/i.db" "SELECT count(*) FROM run" 2>/dev/null)" = 11 ] && break
	sleep 0.1
	i=$((i + 1))
done
/bin/kill -s INT -- -$leader
wait $leader
rc=$?
[ $rc -ne 0 ] && [ "$(q "$tmp/i.db" "SELECT count(*) FROM run")" = 11 ] &&
	[ "$(q "$tmp/i.db" "SELECT count(*) FROM run WHERE seed = 7")" = 0 ]
check "SIGINT to the group: 11 runs stored, the interrupted one not (rc $rc)" $?
"$wpsim" sweep "$tmp/i.sweep" --db "$tmp/i.db" --resume --jobs 2 >"$tmp/out" 2>/dev/null
rc=$?
[ $rc -eq 0 ] && grep -q ": 12 runs: 1 ok, 0 failed, 0 with loss; 11 already stored" "$tmp/out" &&
	[ "$(q "$tmp/i.db" "SELECT count(*), count(DISTINCT seed), sum(status = 'ok') FROM run")" = "12|12|12" ]
check "SIGINT to the group, then --resume: the 12 runs once each (rc $rc)" $?

# 4. a merge beside a sweep writing the same database: counts taken in the merge's
#    transaction, so they add up to what the input holds and what the target gains
cat >"$tmp/a.sweep" <<EOF
[sweep]
scenario = $tmp/g346.ini
seeds = 1-40
name = shared
[vary]
global.kernel = 6.1, 6.13
EOF
"$wpsim" sweep "$tmp/a.sweep" --db "$tmp/in.db" --jobs 1 >/dev/null 2>&1
nin=$(q "$tmp/in.db" "SELECT count(*) FROM run")
"$wpsim" sweep "$tmp/a.sweep" --db "$tmp/t.db" --jobs 1 >/dev/null 2>&1 &
sw=$!
i=0
while [ $i -lt 600 ]; do
	n=$(q "$tmp/t.db" "SELECT count(*) FROM run" 2>/dev/null)
	[ -n "$n" ] && [ "$n" -ge 10 ] && break
	sleep 0.05
	i=$((i + 1))
done
before=$(q "$tmp/t.db" "SELECT count(*) FROM run")
"$wpsim" merge "$tmp/t.db" "$tmp/in.db" >"$tmp/m.out" 2>&1
mrc=$?
during=$(q "$tmp/t.db" "SELECT count(*) FROM run")
wait $sw
src=$?
added=$(sed -n 's/^merge: \([0-9]*\) runs copied.*/\1/p' "$tmp/m.out")
there=$(sed -n 's/.* \([0-9]*\) already there.*/\1/p' "$tmp/m.out")
[ $mrc -eq 0 ] && [ -n "$added" ] && [ -n "$there" ] &&
	[ $((added + there)) -eq "$nin" ] && [ "$added" -le $((during - before)) ]
check "merge beside a sweep: added $added + already there $there = $nin input runs (target $before -> $during)" $?
[ "$(q "$tmp/t.db" "SELECT count(*), count(DISTINCT run_key) FROM run")" = "$nin|$nin" ] &&
	{ [ $src -eq 0 ] || [ $src -eq 1 ]; }
check "merge beside a sweep: the target holds each run once ($(q "$tmp/t.db" "SELECT count(*) FROM run"))" $?

# 5. read-only media and read-only directories
ro_checks() { # how, directory holding s.db read-only
	d=$2
	sum=$(sha256sum <"$d/s.db")
	"$wpsim" report --db "$d/s.db" --out "$tmp/rep-$1" >"$tmp/out" 2>&1
	check "$1: report reads it (rc $?: $(tail -n 1 "$tmp/out" | head -c 200))" $?
	"$wpsim" export --db "$d/s.db" >"$tmp/ro.csv" 2>"$tmp/out"
	rc=$?
	"$wpsim" export --db "$tmp/s.db" >"$tmp/rw.csv" 2>/dev/null
	[ $rc -eq 0 ] && cmp -s "$tmp/ro.csv" "$tmp/rw.csv"
	check "$1: export reads it, the rows of the writable copy (rc $rc)" $?
	"$wpsim" sweep "$tmp/s.sweep" --db "$d/s.db" --resume >"$tmp/out" 2>&1
	rc=$?
	[ $rc -eq 1 ] && grep -qi "s.db: cannot write: .*$3" "$tmp/out"
	check "$1: sweep --resume refused, exit 1, says why ($(head -c 200 "$tmp/out"))" $?
	"$wpsim" run "$tmp/g346.ini" --db "$d/new.db" >"$tmp/out" 2>&1
	rc=$?
	[ $rc -eq 1 ] && grep -qi "new.db: cannot write: the directory .*$3" "$tmp/out" &&
		! grep -q "^lost_bytes" "$tmp/out"
	check "$1: run --db refused before simulating, exit 1 ($(head -c 200 "$tmp/out"))" $?
	[ "$(sha256sum <"$d/s.db")" = "$sum" ] && [ "$(ls "$d")" = "s.db" ]
	check "$1: nothing changed, nothing left beside it ($(ls "$d" | tr '\n' ' '))" $?
}
if [ "$(id -u)" = 0 ] && mkdir "$tmp/ro" "$tmp/mnt" && cp "$tmp/s.db" "$tmp/ro/" &&
	mount --bind -o ro "$tmp/ro" "$tmp/mnt" 2>/dev/null; then
	mnt=$tmp/mnt
	ro_checks "read-only bind mount" "$mnt" "read-only file system"
	umount "$mnt"
	mnt=""
else
	echo "  skip a read-only bind mount needs root"
fi
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	mkdir "$tmp/other"
	cp "$tmp/s.db" "$tmp/other/"
	chmod 755 "$tmp" "$tmp/other"
	chmod 644 "$tmp/other/s.db" "$tmp/g346.ini" "$tmp/s.sweep" "$tmp/s.db"
	mkdir "$tmp/out-nobody"
	chmod 777 "$tmp/out-nobody"
	asuser() {
		setpriv --reuid=65534 --regid=65534 --clear-groups "$wpsim" "$@"
	}
	asuser report --db "$tmp/other/s.db" --out "$tmp/out-nobody/rep" >"$tmp/out" 2>&1
	rc=$?
	[ $rc -eq 0 ] && [ "$(ls "$tmp/other")" = "s.db" ]
	check "another user, a directory of root's: report reads it, leaves nothing (rc $rc: $(tail -n 1 "$tmp/out" | head -c 200))" $?
	asuser export --db "$tmp/other/s.db" >"$tmp/ro.csv" 2>/dev/null
	cmp -s "$tmp/ro.csv" "$tmp/rw.csv"
	check "another user: export reads it" $?
	asuser sweep "$tmp/s.sweep" --db "$tmp/other/s.db" --resume >"$tmp/out" 2>&1
	rc=$?
	[ $rc -eq 1 ] && grep -q "s.db: cannot write: Permission denied" "$tmp/out"
	check "another user: sweep --resume refused, exit 1 ($(head -c 200 "$tmp/out"))" $?
	asuser run "$tmp/g346.ini" --db "$tmp/other/new.db" >"$tmp/out" 2>&1
	rc=$?
	[ $rc -eq 1 ] && grep -q "new.db: cannot write: the directory .* is read-only for this user" "$tmp/out"
	check "another user: run --db refused, exit 1 ($(head -c 200 "$tmp/out"))" $?
	chmod 600 "$tmp/other/s.db"
	asuser report --db "$tmp/other/s.db" --out "$tmp/out-nobody/rep2" >"$tmp/out" 2>&1
	rc=$?
	[ $rc -eq 1 ] && grep -q "s.db: cannot read: Permission denied" "$tmp/out"
	check "another user, a file they cannot read: exit 1, permission named ($(head -c 200 "$tmp/out"))" $?
	[ "$(ls "$tmp/other")" = "s.db" ]
	check "another user: nothing left beside the database" $?
else
	echo "  skip another user needs root and setpriv"
fi

# 6. report and export in a writable directory leave no -wal or -shm behind
"$wpsim" report --db "$tmp/s.db" --out "$tmp/rep-rw" >/dev/null 2>&1 &&
	"$wpsim" export --db "$tmp/s.db" >/dev/null 2>&1 &&
	[ ! -e "$tmp/s.db-wal" ] && [ ! -e "$tmp/s.db-shm" ]
check "report and export leave no -wal or -shm beside the database" $?

echo "dbenv: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
