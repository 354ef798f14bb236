#!/bin/sh
# End-to-end tests of the wpsim command line: bad input gets a message naming the
# file, line and problem and exit status 2; the same input gives byte-identical
# output. Ends with "cli: N passed, N failed".
wpsim=$1
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

expect_exit() { # description, want, command...
	d=$1
	want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" -eq "$want" ]
	check "$d (exit $got, want $want)" $?
}

# bad input: exit 2 with FILE:LINE
printf 'pwrite 0 4k\nfrobnicate 1 2\n' >"$tmp/bad.xfsio"
expect_exit "unknown command" 2 "$wpsim" io "$tmp/bad.xfsio"
grep -q "bad.xfsio:2:" "$tmp/err"
check "unknown command message names file and line" $?

# io scripts at the byte level: refused whole with FILE[:LINE], exit 2, nothing run
# (a directory, a FIFO, a line longer than 4095 bytes, a NUL byte, an absurd mkfs-size)
expect_exit "a directory as io script" 2 "$wpsim" io "$tmp"
grep -q "a directory" "$tmp/err"
check "a directory as io script: says so" $?
mkfifo "$tmp/fifo.xfsio"
expect_exit "a FIFO as io script, refused at once" 2 timeout 10 "$wpsim" io "$tmp/fifo.xfsio"
grep -q "fifo.xfsio: not a regular file" "$tmp/err"
check "a FIFO as io script: not a regular file" $?
{ printf 'pwrite 0 4k\npwrite 0 4k '; head -c 5000 /dev/zero | tr '\0' x; printf '\n'; } >"$tmp/long.xfsio"
expect_exit "a 5000-byte io line" 2 "$wpsim" io "$tmp/long.xfsio"
grep -q "long.xfsio:2: line longer than 4095 bytes" "$tmp/err" && ! grep -q wrote "$tmp/out"
check "a 5000-byte io line: named, and no part of the script ran" $?
printf 'pwrite 0 4k\npwr\000ite 0 4k\n' >"$tmp/nul.xfsio"
expect_exit "a NUL byte in an io script" 2 "$wpsim" io "$tmp/nul.xfsio"
grep -q "nul.xfsio:2: a NUL byte" "$tmp/err"
check "a NUL byte in an io script: file and line" $?
printf '# mkfs-size: 99999999999999999999\npwrite 0 4k\n' >"$tmp/huge.xfsio"
expect_exit "an absurd mkfs-size" 2 "$wpsim" io "$tmp/huge.xfsio"
grep -q "huge.xfsio:1: mkfs-size" "$tmp/err"
check "an absurd mkfs-size: file and line" $?
printf 'pwrite 0 4k\n# no newline at the end\npwrite 4k 4k' >"$tmp/nonl.xfsio"
expect_exit "an io script whose last line has no newline" 0 "$wpsim" io "$tmp/nonl.xfsio"
[ "$(grep -c '^wrote 4096/4096' "$tmp/out")" = 2 ]
check "a last line without a newline still runs" $?

printf 'pwrite 0 4q\n' >"$tmp/badsize.xfsio"
expect_exit "malformed size" 2 "$wpsim" io "$tmp/badsize.xfsio"
grep -q "badsize.xfsio:1:" "$tmp/err"
check "malformed size message names file and line" $?

printf 'pwrite -Z 0 4k\n' >"$tmp/badopt.xfsio"
expect_exit "bad option" 2 "$wpsim" io "$tmp/badopt.xfsio"

expect_exit "missing script" 2 "$wpsim" io "$tmp/no-such-file.xfsio"
grep -q "no-such-file.xfsio" "$tmp/err"
check "missing script is named" $?

expect_exit "bad -c command" 2 "$wpsim" io -c "pwrite 0"
printf '# mkfs-size: 1k\npwrite 0 4k\n' >"$tmp/tiny.xfsio"
expect_exit "filesystem too small" 2 "$wpsim" io "$tmp/tiny.xfsio"
expect_exit "unknown subcommand" 2 "$wpsim" frob
expect_exit "no subcommand" 2 "$wpsim"

# wpsim run: bad scenarios and overrides
printf '[global]\nfile_size = 1m\n[w]\nkind = writer\ncolour = red\n' >"$tmp/badkey.ini"
expect_exit "run: unknown scenario key" 2 "$wpsim" run "$tmp/badkey.ini"
grep -q "badkey.ini:5: colour = red: unknown key" "$tmp/err"
check "run: unknown key message names file, line, key and value" $?
printf '[global]\nfile_size = 1m\n[f]\nkind = faulter\noffset = 2m\n' >"$tmp/badoff.ini"
expect_exit "run: faulter offset beyond the file" 2 "$wpsim" run "$tmp/badoff.ini"
grep -q "badoff.ini:5: offset = 2m" "$tmp/err"
check "run: impossible combination is named" $?
expect_exit "run: missing scenario" 2 "$wpsim" run "$tmp/none.ini"
expect_exit "run: bad override value" 2 "$wpsim" run scenarios/generic-346.ini -s pwriter.fail_rate=2
grep -q "pwriter.fail_rate=2" "$tmp/err"
check "run: bad override is named" $?
expect_exit "run: malformed override" 2 "$wpsim" run scenarios/generic-346.ini -s nodot
printf '[global]\ndevice = floppy\nfile_size = 1m\n[w]\nkind = writer\n' >"$tmp/nodev.ini"
expect_exit "run: missing device file" 2 "$wpsim" run "$tmp/nodev.ini"
grep -q "nodev.ini:2: device = floppy" "$tmp/err"
check "run: missing device file is named" $?
mkdir -p "$tmp/dev"
sed 's/^queue_depth *=.*/queue_depth = 0/' configs/devices/nvme.ini >"$tmp/dev/nvme.ini"
WPSIM_DEVICES="$tmp/dev" "$wpsim" run scenarios/generic-346.ini >"$tmp/out" 2>"$tmp/err"
got=$?
[ "$got" -eq 2 ] && grep -q "queue_depth = 0" "$tmp/err"
check "run: a queue depth of 0 is refused with exit 2 (got $got)" $?

printf '[global]\ncpu = nosuch\nfile_size = 1m\n[w]\nkind = writer\n' >"$tmp/nocpu.ini"
expect_exit "run: missing cost file" 2 "$wpsim" run "$tmp/nocpu.ini"
grep -q "nocpu.ini:2: cpu = nosuch: no such cost file configs/cpu/nosuch.ini (accepted: .*linux-6.18" "$tmp/err"
check "run: missing cost file is named, with the files there" $?
mkdir -p "$tmp/cpu"
sed 's/^pte_zap *=.*/pte_zap = -1ns/' configs/cpu/linux-6.18.ini >"$tmp/cpu/linux-6.18.ini"
WPSIM_CPU="$tmp/cpu" "$wpsim" run scenarios/generic-346.ini >"$tmp/out" 2>"$tmp/err"
got=$?
[ "$got" -eq 2 ] && grep -q "$tmp/cpu/linux-6.18.ini:$(grep -n '^pte_zap' "$tmp/cpu/linux-6.18.ini" | cut -d: -f1): pte_zap = -1ns" "$tmp/err"
check "run: a bad default cost file is refused with exit 2, naming its line (got $got)" $?

# files a scenario or a sweep names are found from where it is, not from the current
# directory (config/paths.h): run, sweep and explore from another directory
repo=$(pwd)
wabs=$(cd "$(dirname "$wpsim")" && pwd)/$(basename "$wpsim")
mkdir -p "$tmp/elsewhere" "$tmp/tree/configs/sweeps" "$tmp/tree/scenarios"
"$wpsim" run scenarios/generic-346.ini | grep -v '^wall_time_s=' >"$tmp/here.out"
(cd "$tmp/elsewhere" && "$wabs" run "$repo/scenarios/generic-346.ini") >"$tmp/there.raw" 2>"$tmp/err"
got=$?
grep -v '^wall_time_s=' "$tmp/there.raw" >"$tmp/there.out"
[ "$got" -eq 0 ] && [ -s "$tmp/here.out" ] && cmp -s "$tmp/here.out" "$tmp/there.out"
check "run from another directory: the same outcomes as from the repository (exit $got)" $?
cp scenarios/generic-346.ini "$tmp/tree/scenarios/g.ini"
ln -s "$repo/configs/devices" "$repo/configs/cpu" "$tmp/tree/configs/"
printf '[sweep]\nscenario = scenarios/g.ini\nseeds = 1-2\n[vary]\nglobal.kernel = 6.1, 6.18\n' \
	>"$tmp/tree/configs/sweeps/tiny.ini"
(cd "$tmp/elsewhere" && "$wabs" sweep "$tmp/tree/configs/sweeps/tiny.ini" --jobs 1 \
	--db "$tmp/elsewhere/tiny.db") >"$tmp/out" 2>"$tmp/err"
got=$?
[ "$got" -eq 0 ] && grep -q "4 runs: 4 ok" "$tmp/out"
check "sweep from another directory: its scenario found from the sweep file (exit $got)" $?
(cd "$tmp/elsewhere" && "$wabs" explore "$tmp/tree/scenarios/g.ini" --runs 2 --jobs 1 \
	-s global.file_size=8k -s pwriter.size=8k -s mmapper.size=8k \
	--db "$tmp/elsewhere/x.db") >"$tmp/out" 2>"$tmp/err"
got=$?
[ "$got" -eq 0 ] && grep -q "^explore: " "$tmp/out"
check "explore from another directory (exit $got)" $?
# the sweep's bar on a terminal of 80 columns (a pty from script(1)): every redraw
# fits in 79 characters, whatever $COLUMNS says (the terminal's size comes first)
if command -v script >/dev/null 2>&1; then
	script -qec "stty cols 80 rows 24; COLUMNS=200 '$wabs' sweep '$tmp/tree/configs/sweeps/tiny.ini' --jobs 1 --db '$tmp/elsewhere/pty.db'" \
		/dev/null >"$tmp/pty.out" 2>&1 </dev/null
	got=$?
	# the draws: what follows each carriage return, the erase-to-end-of-line removed
	tr '\r' '\n' <"$tmp/pty.out" | sed 's/\x1b\[K//g' | grep '^sweep: .*runs' >"$tmp/draws"
	longest=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$tmp/draws")
	[ "$got" -eq 0 ] && grep -q '^sweep: \[' "$tmp/draws" && [ "$longest" -le 79 ] &&
		[ "$longest" -ge 60 ]
	check "sweep on an 80-column terminal: a bar, no draw over 79 characters (longest $longest, exit $got)" $?
fi
# the scenario's own configs/ comes before the current directory's
mkdir -p "$tmp/own/scenarios" "$tmp/own/configs/devices"
cp scenarios/generic-346.ini "$tmp/own/scenarios/"
sed 's/^queue_depth *=.*/queue_depth = 0/' configs/devices/nvme.ini >"$tmp/own/configs/devices/nvme.ini"
expect_exit "run: the device file next to the scenario is the one read" 2 \
	"$wabs" run "$tmp/own/scenarios/generic-346.ini"
grep -q "$tmp/own/configs/devices/nvme.ini:.*queue_depth = 0" "$tmp/err"
check "run: the scenario's own device file is named in the error" $?
(cd "$tmp/elsewhere" && "$wabs" run "$tmp/nodev.ini") >"$tmp/out" 2>"$tmp/err"
got=$?
[ "$got" -eq 2 ] && grep -q "nodev.ini:2: device = floppy: no such device file" "$tmp/err" &&
	grep -q "looked for: $tmp/configs/devices/floppy.ini, .*[^.]configs/devices/floppy.ini, .*/share/wpsim/configs/devices/floppy.ini)" "$tmp/err"
check "run: a missing device file names every place looked (exit $got)" $?
printf '[sweep]\nscenario = nowhere.ini\n' >"$tmp/tree/configs/sweeps/lost.ini"
expect_exit "sweep: a missing scenario" 2 "$wabs" sweep "$tmp/tree/configs/sweeps/lost.ini" \
	--db "$tmp/elsewhere/lost.db"
grep -q "lost.ini:2: scenario = nowhere.ini: No such file .*looked for: $tmp/tree/configs/sweeps/nowhere.ini, " "$tmp/err"
check "sweep: a missing scenario names the places looked" $?

# wpsim run --json: one JSON object saying what the name=value lines say, plus the
# latency per group and the parameters the database stores
if command -v python3 >/dev/null 2>&1 && command -v sqlite3 >/dev/null 2>&1; then
	s=scenarios/no-punch-leak.ini
	"$wpsim" run "$s" -s global.seed=3 >"$tmp/lines" 2>"$tmp/err"
	"$wpsim" run "$s" -s global.seed=3 --json --db "$tmp/json.db" >"$tmp/run.json" 2>"$tmp/err"
	got=$?
	sqlite3 "$tmp/json.db" "SELECT name || '=' || value FROM param ORDER BY name" >"$tmp/params"
	python3 - "$tmp/run.json" "$tmp/lines" "$tmp/params" >"$tmp/jsoncheck" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().splitlines()
vals = dict(l.split("=", 1) for l in lines if not l.startswith("anomaly "))
anomalies = [l for l in lines if l.startswith("anomaly ")]
bad = []
o = d["outcomes"]
if sorted(o) != sorted(vals):
    bad.append("outcome names differ")
for k, v in vals.items():
    if k != "wall_time_s" and float(o.get(k, "nan")) != float(v):
        bad.append("%s: %s in JSON, %s in the lines" % (k, o.get(k), v))
if len(d["anomalies"]) != len(anomalies) or not anomalies:
    bad.append("%d anomalies in JSON, %d lines" % (len(d["anomalies"]), len(anomalies)))
for a, l in zip(d["anomalies"], anomalies):
    if "anomaly %s offset=%d length=%d " % (a["kind"], a["offset"], a["length"]) not in l + " ":
        bad.append("anomaly differs: " + l)
w = d["latency"]["write"]
if w["count"] != int(vals["writes"]) or abs(w["p99_us"] - float(vals["write_lat_p99_us"])) > 5e-4:
    bad.append("write latency differs from the lines")
groups = d["latency_by_group"]
if sum(g.get("write", {"count": 0})["count"] for g in groups.values()) != w["count"]:
    bad.append("the groups' writes do not add up to the run's")
for g in groups.values():
    for l in g.values():
        if not (0 <= l["p50_us"] <= l["p90_us"] <= l["p99_us"] <= l["max_us"]):
            bad.append("a group's percentiles out of order")
params = dict(l.split("=", 1) for l in open(sys.argv[3]).read().splitlines())
if d["params"] != params:
    bad.append("params differ from the param table")
if d["seed"] != 3 or d["scenario"] != "scenarios/no-punch-leak.ini":
    bad.append("seed or scenario")
print("\n".join(bad) if bad else "ok")
PY
	[ "$got" -eq 0 ] && [ "$(cat "$tmp/jsoncheck")" = ok ]
	check "run --json: valid JSON, the same figures as the name=value lines ($(head -c 300 "$tmp/jsoncheck"))" $?
	n=$(sqlite3 "$tmp/json.db" "SELECT count(*) FROM latency_group WHERE grp = 'pwriter' AND op = 'write'")
	[ "$n" = 1 ]
	check "run --db: the latency of each group in latency_group ($n rows)" $?
fi

# wpsim export: one row per run, the cells as the database holds them (the sweep
# above, plus a run whose scenario's name needs CSV quoting)
if command -v python3 >/dev/null 2>&1 && command -v sqlite3 >/dev/null 2>&1; then
	q='we"ird, name.ini'
	cp scenarios/generic-346.ini "$tmp/$q"
	"$wpsim" run "$tmp/$q" --db "$tmp/elsewhere/tiny.db" >/dev/null 2>"$tmp/err"
	"$wpsim" export --db "$tmp/elsewhere/tiny.db" --out "$tmp/export.csv" 2>"$tmp/err"
	got=$?
	"$wpsim" export --db "$tmp/elsewhere/tiny.db" --format json >"$tmp/export.json" 2>>"$tmp/err"
	got=$((got + $?))
	sqlite3 -separator '|' "$tmp/elsewhere/tiny.db" \
		"SELECT 'm', run_id, name, value FROM metric; SELECT 'p', run_id, name, value FROM param;
		 SELECT 'r', r.run_id, s.name, r.scenario || '|' || r.seed || '|' || r.status
		 FROM run r JOIN sweep s USING (sweep_id)" >"$tmp/rows"
	python3 - "$tmp/export.csv" "$tmp/export.json" "$tmp/rows" >"$tmp/exportcheck" 2>&1 <<'PY'
import csv, json, sys
raw = open(sys.argv[1], newline="").read()
rows = list(csv.DictReader(raw.splitlines(True)))
js = json.load(open(sys.argv[2]))
bad = []
if not raw.endswith("\r\n") or "\n" in raw.replace("\r\n", ""):
    bad.append("lines not ended by CRLF")
want = {}
for line in open(sys.argv[3]).read().splitlines():
    kind, run, rest = line.split("|", 2)
    if kind == "r":
        sweep, scen, seed, status = [rest.split("|", 1)[0]] + rest.split("|", 1)[1].rsplit("|", 2)
        want.setdefault(run, {}).update(sweep=sweep, scenario=scen, seed=seed, status=status)
    else:
        name, value = rest.split("|", 1)
        want.setdefault(run, {})[(kind, name)] = value
if len(rows) != len(want) or len(js) != len(want) or len(want) < 5:
    bad.append("%d CSV rows, %d JSON rows, %d runs" % (len(rows), len(js), len(want)))
for row, obj in zip(rows, js):
    w = want.get(row["run_id"], {})
    for k in ("sweep", "scenario", "seed", "status"):
        if row[k] != w.get(k) or str(obj[k]) != w.get(k):
            bad.append("run %s: %s %r / %r, want %r" % (row["run_id"], k, row[k], obj[k], w.get(k)))
    for (kind, name), value in ((k, v) for k, v in w.items() if isinstance(k, tuple)):
        if kind == "p" and (row[name] != value or obj[name] != value):
            bad.append("run %s: param %s" % (row["run_id"], name))
        if kind == "m" and (float(row[name]) != float(value) or float(obj[name]) != float(value)):
            bad.append("run %s: metric %s %s, want %s" % (row["run_id"], name, row[name], value))
if not any('"' in r["scenario"] and "," in r["scenario"] for r in rows):
    bad.append("the quoted scenario did not come back")
print("\n".join(bad[:5]) if bad else "ok")
PY
	[ "$got" -eq 0 ] && [ "$(cat "$tmp/exportcheck")" = ok ]
	check "export: one row per run, CSV and JSON cells equal to the database's ($(head -c 300 "$tmp/exportcheck"))" $?
	expect_exit "export: unknown format" 2 "$wpsim" export --db "$tmp/elsewhere/tiny.db" --format xml
	grep -q -- "--format xml: unknown format (accepted: csv, json)" "$tmp/err"
	check "export: the bad format is named" $?
	expect_exit "export: no such database" 2 "$wpsim" export --db "$tmp/none.db"
	expect_exit "export: not a database" 2 "$wpsim" export --db "$tmp/lines"
	expect_exit "export: no --db" 2 "$wpsim" export --format csv
fi

# a good script runs and is deterministic
expect_exit "good script" 0 "$wpsim" io data/kernel/scripts/mmap-hole.xfsio
"$wpsim" io data/kernel/scripts/extents-append-gaps.xfsio >"$tmp/a" 2>&1
"$wpsim" io data/kernel/scripts/extents-append-gaps.xfsio >"$tmp/b" 2>&1
cmp -s "$tmp/a" "$tmp/b"
check "same script, byte-identical output" $?

# wpsim io -k VERSION: the preset of a kernel version (docs/design.md, "wpsim io")
z=data/kernel/scripts/zero-eof-dirty-unwritten.xfsio
expect_exit "io -k: a version older than every preset" 2 "$wpsim" io -k 5.15 "$z"
grep -q -- "-k 5.15: no preset" "$tmp/err" && grep -q "6.1, 6.2, 6.6, 6.13, 6.18" "$tmp/err"
check "io -k: the bad version and the presets are named" $?
expect_exit "io -k: not a version" 2 "$wpsim" io -k six "$z"
expect_exit "io -k: no version" 2 "$wpsim" io -k
grep -q -- "-k needs a kernel version" "$tmp/err"
check "io -k: a missing version is named" $?
"$wpsim" io "$z" >"$tmp/k-default" 2>&1
"$wpsim" io -k "$(uname -r | sed 's/^[^0-9]*//')" "$z" >"$tmp/k-running" 2>&1
"$wpsim" io -k 6.18.44-fc-v1272 "$z" >"$tmp/k-618" 2>&1
cmp -s "$tmp/k-default" "$tmp/k-618"
check "io: the default is 6.18's preset" $?
case $(uname -r) in
6.1[8-9]* | 6.[2-9][0-9]* | [7-9].*) cmp -s "$tmp/k-default" "$tmp/k-running" ;;
*) true ;;
esac
check "io: on a 6.18 or later kernel, -k \$(uname -r) runs as the default" $?
"$wpsim" io -k 6.12.9 "$z" >"$tmp/k-612" 2>&1
"$wpsim" io -k 6.6 "$z" >"$tmp/k-66" 2>&1
"$wpsim" io -k 6.17.1 "$z" >"$tmp/k-617" 2>&1
"$wpsim" io -k 6.13 "$z" >"$tmp/k-613" 2>&1
cmp -s "$tmp/k-612" "$tmp/k-66" && cmp -s "$tmp/k-617" "$tmp/k-613"
check "io -k: 6.12.9 runs as 6.6, 6.17.1 as 6.13 (newest preset at or below)" $?
! cmp -s "$tmp/k-66" "$tmp/k-618"
check "io -k: the zeroing at EOF differs between 6.6 and 6.18" $?

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
