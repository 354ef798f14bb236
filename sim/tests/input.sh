#!/bin/sh
# Input read byte by byte and paths checked before the work (issue 13, items 3 and 4):
# a FIFO, a directory, a NUL byte are refused at once whatever the file kind; a sweep
# file read whole keeps its bytes; duplicate sweep sections are refused; distribution
# parameters are bounded yet usable at their edges; an option missing its value says
# so; a path a run writes is refused before the run, and nothing is left behind.
# Ends with "input: N passed, N failed".
#   sim/tests/input.sh build/wpsim
wpsim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/check.sh"

base=sim/tests/badinput/inp-base.ini

run() { # command...: status in $rc, output in $tmp/out and $tmp/err
	timeout 20 "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# 1. non-regular files, refused at once (a FIFO with no writer would block a read)
mkfifo "$tmp/fifo.ini" "$tmp/fifo.sweep" "$tmp/fifo.xfsio"
for c in "run $tmp/fifo.ini" "sweep $tmp/fifo.sweep --db $tmp/f.db" "io $tmp/fifo.xfsio"; do
	# shellcheck disable=SC2086 # the command's words
	run "$wpsim" $c
	[ $rc -eq 2 ] && grep -q "fifo\.[a-z]*: not a regular file" "$tmp/err"
	check "a FIFO: wpsim ${c%% *} refuses it at once, exit 2 (got $rc)" $?
done
[ ! -e "$tmp/f.db" ]
check "a FIFO as sweep file: no database created" $?
for c in run sweep io; do
	run "$wpsim" $c "$tmp"
	[ $rc -eq 2 ] && grep -q "$tmp: a directory, not a file" "$tmp/err" &&
		! grep -qi "input/output error" "$tmp/err"
	check "a directory: wpsim $c says so, exit 2 (got $rc)" $?
done

# 2. NUL bytes: the line and "NUL byte", never "line longer than"
printf '[sweep]\nscenario = %s\n\000seeds = 1\n' "$PWD/$base" >"$tmp/nul.sweep"
run "$wpsim" sweep "$tmp/nul.sweep" --db "$tmp/n.db"
[ $rc -eq 2 ] && grep -q "nul.sweep:3: a NUL byte" "$tmp/err" && [ ! -e "$tmp/n.db" ]
check "a NUL byte in a sweep file: FILE:LINE, exit 2, no database" $?
sed 's/^bs = 4k$/bs = 4k\x00/' "$base" >"$tmp/nul.ini"
run "$wpsim" run "$tmp/nul.ini"
[ $rc -eq 2 ] && grep -q "nul.ini:7: a NUL byte" "$tmp/err" && ! grep -q "longer than" "$tmp/err"
check "a NUL byte in a scenario: FILE:LINE and NUL byte, exit 2" $?
mkdir "$tmp/dev"
sed 's/^latency = .*/&\x00/' configs/devices/nvme.ini >"$tmp/dev/nvme.ini"
line=$(grep -n '^latency = ' configs/devices/nvme.ini | cut -d: -f1)
WPSIM_DEVICES=$tmp/dev run "$wpsim" run "$base"
[ $rc -eq 2 ] && grep -q "dev/nvme.ini:$line: a NUL byte" "$tmp/err"
check "a NUL byte in a device file: FILE:LINE, exit 2" $?

# 3. a sweep file read whole keeps its bytes: the stored spec is the file, byte for byte
printf '[sweep]\r\nscenario = %s\r\nseeds = 1\r\n[vary]\r\nglobal.kernel = 6.1, 6.13' \
	"$PWD/$base" >"$tmp/crlf.sweep"
run "$wpsim" sweep "$tmp/crlf.sweep" --db "$tmp/crlf.db" --jobs 2
if [ $rc -eq 0 ] && command -v sqlite3 >/dev/null 2>&1; then
	sqlite3 "$tmp/crlf.db" "SELECT writefile('$tmp/spec', spec) FROM sweep" >/dev/null 2>&1
	cmp -s "$tmp/spec" "$tmp/crlf.sweep"
	check "a sweep file's bytes (CRLF, no final newline) stored as they are" $?
else
	check "a CRLF sweep file without final newline runs (exit $rc)" $rc
fi

# 4. duplicate [sweep] and [vary] sections, refused as scenarios refuse theirs
printf '[sweep]\nscenario = %s\n[vary]\nglobal.kernel = 6.1\n[vary]\nw.bs = 4k, 8k\n' \
	"$PWD/$base" >"$tmp/dup.sweep"
run "$wpsim" sweep "$tmp/dup.sweep" --db "$tmp/dup.db"
[ $rc -eq 2 ] && grep -q "dup.sweep:5: \[vary\]: section given twice, first at line 3" "$tmp/err" &&
	[ ! -e "$tmp/dup.db" ]
check "[vary] twice: FILE:LINE of the second, exit 2, no database" $?
printf '[sweep]\nscenario = %s\n[sweep]\nseeds = 1-2\n' "$PWD/$base" >"$tmp/dup2.sweep"
run "$wpsim" sweep "$tmp/dup2.sweep" --db "$tmp/dup.db"
[ $rc -eq 2 ] && grep -q "dup2.sweep:3: \[sweep\]: section given twice, first at line 1" "$tmp/err"
check "[sweep] twice: FILE:LINE of the second, exit 2" $?

# 5. distributions: the edges of every range run, with latencies above 0; beyond, refused
# (the time edges, 1e9 s, are sampled in test-config: a run would wait for them)
for d in "lognormal(1us, 10)" "lognormal(1us, 1e-6)" "gamma(10us, 10)" "gamma(10us, 1e-6)" \
	"exp(1ns)" "uniform(0, 1ns)" "normal(0, 1ns)"; do
	run "$wpsim" run "$base" -s "w.think=$d"
	p50=$(sed -n 's/^write_lat_p50_us=//p' "$tmp/out")
	[ $rc -eq 0 ] && awk -v p="$p50" 'BEGIN { exit !(p + 0 > 0) }'
	check "think = $d (an edge) runs, write p50 $p50 us (exit $rc)" $?
done
run "$wpsim" run "$base" -s "cpu.syscall=lognormal(1us, 10)"
p50=$(sed -n 's/^write_lat_p50_us=//p' "$tmp/out")
[ $rc -eq 0 ] && awk -v p="$p50" 'BEGIN { exit !(p + 0 > 0) }'
check "a syscall cost of lognormal(1us, 10): write p50 above 0 ($p50 us)" $?
run "$wpsim" run "$base" -s "cpu.syscall=lognormal(1us, 1e308)"
[ $rc -eq 2 ] && grep -q "lognormal CV = 1e308: out of range (1e-6..10)" "$tmp/err" &&
	[ ! -s "$tmp/out" ]
check "lognormal(1us, 1e308), the zero-latency run of the issue: refused with its range" $?
"$wpsim" keys --table | grep "^w*.*think" | grep -q "CV 1e-6..10"
check "wpsim keys --table states the distribution ranges" $?

# 6. an option given last without its value: "needs a value", never "unknown option"
for c in "run $base -s" "run $base --trace" "run $base --db" "sweep x.sweep --jobs" \
	"explore $base --depth" "report --metric" "export --db x.db --out" "io -c"; do
	# shellcheck disable=SC2086
	run "$wpsim" $c
	[ $rc -eq 2 ] && grep -q "needs a" "$tmp/err" && ! grep -q "unknown option" "$tmp/err"
	check "wpsim $c: needs a value, exit 2 (got $rc)" $?
done

# 7. paths written: refused before the work, with nothing made or left behind
run "$wpsim" run "$base" --trace /nonexistent/t.json
[ $rc -eq 2 ] && grep -q -- "--trace /nonexistent/t.json: directory /nonexistent" "$tmp/err" &&
	[ ! -s "$tmp/out" ]
check "run --trace into a missing directory: refused before the run, exit 2" $?
run "$wpsim" run "$base" --db /nonexistent/x.db
[ $rc -eq 2 ] && grep -q -- "--db /nonexistent/x.db: directory /nonexistent" "$tmp/err" &&
	[ ! -s "$tmp/out" ]
check "run --db into a missing directory: refused before the run, exit 2" $?
printf 'not a database, but long enough to be read as one by SQLite........' >"$tmp/junk.db"
cp "$tmp/junk.db" "$tmp/junk.orig"
run "$wpsim" run "$base" --db "$tmp/junk.db"
[ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && cmp -s "$tmp/junk.db" "$tmp/junk.orig" &&
	[ ! -e "$tmp/junk.db-wal" ] && [ ! -e "$tmp/junk.db-shm" ]
check "run --db on a file that is not a database: refused, unchanged, no -wal/-shm" $?
run "$wpsim" run "$base" --db "$tmp/new.db" --trace "$tmp/t.json"
[ $rc -eq 0 ] && [ -s "$tmp/t.json" ] &&
	[ "$(sqlite3 "$tmp/new.db" 'SELECT count(*) FROM run' 2>/dev/null)" = 1 ]
check "run --db NEW --trace NEW in a writable directory: both written, one run stored" $?
cp "$tmp/new.db" "$tmp/new.orig"
run "$wpsim" export --db "$tmp/new.db" --out "$tmp"
[ $rc -eq 2 ] && grep -q -- "--out $tmp: Is a directory" "$tmp/err"
check "export --out a directory: refused, exit 2" $?
run "$wpsim" sweep "$tmp/crlf.sweep" --db /nonexistent/s.db
[ $rc -eq 2 ] && grep -q -- "--db /nonexistent/s.db: directory /nonexistent" "$tmp/err"
check "sweep --db into a missing directory: exit 2 before any run" $?
run "$wpsim" explore "$base" --runs 1 --db /nonexistent/e.db
[ $rc -eq 2 ] && grep -q -- "--db /nonexistent/e.db: directory /nonexistent" "$tmp/err"
check "explore --db into a missing directory: exit 2 before any run" $?

echo "input: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
