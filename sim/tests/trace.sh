#!/bin/sh
# End-to-end tests of `wpsim run --trace` (docs/design.md, "The trace"): every slice
# of a trace nests, in integer nanoseconds; a run that loses data under 6.1 shows the
# punch and the loss with arrows from the steps of its story; the same schedule under
# 6.13 has no loss in its trace. The checker is tracecheck.py (python3), itself tested
# first on a trace that breaks each of its rules. Ends with "trace: N passed, N failed".
wpsim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/check.sh"
check_py="python3 $(dirname "$0")/tracecheck.py"

# loses DESCRIPTION OUTPUT: the run that printed OUTPUT lost data
loses() {
	lost=$(sed -n 's/^lost_bytes=//p' "$2")
	check "$1 (lost_bytes=${lost:-?})" "$([ "${lost:-0}" -gt 0 ] 2>/dev/null && echo 0 || echo 1)"
}

# --- the checker finds what it is for: a crossing, 1/10 ns, a flow without a start, an
# async span that never ends, a span written before a longer one of the same start
cat >"$tmp/bad.json" <<'JSON'
{"traceEvents":[
{"name":"a","cat":"x","ph":"X","pid":1,"tid":1,"ts":1.000,"dur":5.000},
{"name":"b","cat":"x","ph":"X","pid":1,"tid":1,"ts":3.000,"dur":5.000},
{"name":"c","cat":"x","ph":"X","pid":1,"tid":2,"ts":1.0005,"dur":1.000},
{"name":"story","cat":"story","ph":"f","bp":"e","id":7,"pid":1,"tid":2,"ts":1.500},
{"name":"w","cat":"io","ph":"b","id":1,"pid":1,"tid":2,"ts":1.500},
{"name":"child","cat":"x","ph":"X","pid":1,"tid":3,"ts":1.000,"dur":1.000},
{"name":"parent","cat":"x","ph":"X","pid":1,"tid":3,"ts":1.000,"dur":3.000}
]}
JSON
$check_py "$tmp/bad.json" >"$tmp/bad.out"
check "tracecheck: a bad trace fails" $([ $? -eq 1 ]; echo $?)
grep -q 'b \[3000,8000) ns crosses the end of a \[1000,6000) ns' "$tmp/bad.out" &&
	grep -q '"ts":1.0005 is not integer nanoseconds' "$tmp/bad.out" &&
	grep -q 'flow end 7 has no start' "$tmp/bad.out" && grep -q 'async io 1 never ends' "$tmp/bad.out" &&
	grep -q 'parent at 1000 ns is written after child' "$tmp/bad.out"
check "tracecheck: names the crossing, the 1/10 ns, the flow, the async span, the order" $?

# --- a run whose spans mis-nested by 1 ns when ts and dur were rounded apart
"$wpsim" run scenarios/generic-346.ini -s global.file_size=256k -s pwriter.size=256k \
	-s mmapper.size=256k --trace "$tmp/g346.json" >/dev/null
$check_py "$tmp/g346.json" >"$tmp/g346.check"
check "generic-346 (256k): every slice nests, integer ns ($(tail -n 1 "$tmp/g346.check"))" $?

# --- a reader and a writer contend for the i_rwsem
"$wpsim" run scenarios/read-into-map.ini --trace "$tmp/rim.json" >/dev/null
$check_py "$tmp/rim.json" --names >"$tmp/rim.names"
check "read-into-map: every slice nests ($(tail -n 1 "$tmp/rim.names"))" $?
grep -Eq '^[0-9]+ X lock_wait wait i_rwsem$' "$tmp/rim.names" &&
	grep -Eq '^[0-9]+ X lock_hold hold i_rwsem$' "$tmp/rim.names" &&
	! grep -Eq '^[0-9]+ X [a-z_]+ (i_rwsem|invalidate_lock|ILOCK|mmap_lock|folio)$' "$tmp/rim.names"
check "read-into-map: lock waits and holds have names of their own, per class" $?

# --- a leak: every leaked range has the reservation and the short copy in its story
"$wpsim" run scenarios/no-punch-leak.ini --trace "$tmp/leak.json" >"$tmp/leak.out"
$check_py "$tmp/leak.json" --story leak xfs_bmapi_reserve_delalloc copy_folio_from_iter_atomic \
	>"$tmp/leak.check"
check "no-punch-leak: nests, a leak has arrows from its reserve and short copy" $?
$check_py "$tmp/leak.json" --names >"$tmp/leak.names"
grep -q ' i kernel xfs_check_delalloc$' "$tmp/leak.names" &&
	grep -q ' i kernel xfs_map_blocks$' "$tmp/leak.names" &&
	grep -q ' i kernel xfs_iomap_write_unwritten$' "$tmp/leak.names"
check "no-punch-leak: the canary, writeback's mapping and the conversion at completion" $?

# --- generic-346 under 6.1 on a schedule explore finds: the loss and its story
small="-s global.file_size=8k -s pwriter.size=8k -s mmapper.size=8k"
"$wpsim" explore scenarios/generic-346.ini -s global.kernel=6.1 $small --runs 200 --jobs 1 \
	>"$tmp/x.out" 2>&1
spec=$(sed -n 's/^minimal_schedule=//p' "$tmp/x.out")
work=$(sed -n 's/^  workload: //p' "$tmp/x.out")
for k in 6.1 6.13; do
	"$wpsim" run scenarios/generic-346.ini $small $work -s global.kernel=$k \
		--schedule "${spec:-none}" --trace "$tmp/r$k.json" >"$tmp/r$k.out" 2>&1
done
loses "generic-346 6.1: the explored schedule loses data" "$tmp/r6.1.out"
$check_py "$tmp/r6.1.json" --story lost xfs_bmap_punch_delalloc_range iomap_page_mkwrite \
	>"$tmp/r6.1.check"
check "generic-346 6.1: nests; the loss has arrows from the punch and the fault ($(tail -n 1 "$tmp/r6.1.check"))" $?
grep -q '"name":"xfs_bmap_punch_delalloc_range","cat":"kernel","ph":"i"' "$tmp/r6.1.json"
check "generic-346 6.1: the punch is in the trace" $?
n=$(grep -c '"cat":"anomaly","ph":"i"' "$tmp/r6.1.json")
a=$(grep -c '^anomaly ' "$tmp/r6.1.out")
check "generic-346 6.1: one anomaly event per anomaly printed ($n, $a)" \
	"$([ "$n" -eq "$a" ] && [ "$n" -gt 0 ] && echo 0 || echo 1)"
$check_py "$tmp/r6.13.json" >"$tmp/r6.13.check"
check "generic-346 6.13: the same schedule's trace nests" $?
grep -q '^lost_bytes=0$' "$tmp/r6.13.out" && ! grep -q '"name":"lost","cat":"anomaly"' "$tmp/r6.13.json"
check "generic-346 6.13: no loss, no loss event" $?

# --- interleaving B (docs/kernel.md, "Interleaving B: a fault between truncate and
# punch"): the writer's copy fails and it yields at its punch; the fault comes between
spec_b="pwriter.0@0:write_copy:fail=0,pwriter.0@0:punch:lower"
"$wpsim" run scenarios/generic-346.ini $small -s pwriter.ops=1 -s mmapper.ops=1 \
	-s global.kernel=6.1 --schedule "$spec_b" --trace "$tmp/b.json" >"$tmp/b.out" 2>&1
loses "generic-346 6.1, interleaving B: loses data" "$tmp/b.out"
$check_py "$tmp/b.json" --story lost iomap_page_mkwrite xfs_bmap_punch_delalloc_range \
	xfs_map_blocks >"$tmp/b.check"
check "interleaving B: the loss has arrows from the fault, the punch and writeback's hole" $?

# --- xfs-559 with the syncer at 200 us (its header): under 6.1 the stale iomap zeroes
# the small write's block after sync_file_range wrote and converted it; 6.2 revalidates
for k in 6.1 6.2; do
	"$wpsim" run scenarios/xfs-559.ini -s global.kernel=$k -s rangesync.start=200us \
		--trace "$tmp/x559_$k.json" >"$tmp/x559_$k.out" 2>&1
done
loses "xfs-559 6.1: loses data" "$tmp/x559_6.1.out"
$check_py "$tmp/x559_6.1.json" --story lost xfs_map_blocks xfs_iomap_write_unwritten \
	__iomap_write_begin >"$tmp/x559.check"
check "xfs-559 6.1: the loss has arrows from writeback's mapping, the conversion, the zeroing" $?
$check_py "$tmp/x559_6.2.json" --names >"$tmp/x559_6.2.names"
grep -q ' i kernel xfs_buffered_write_iomap_valid$' "$tmp/x559_6.2.names" &&
	! grep -q ' i anomaly lost$' "$tmp/x559_6.2.names" && grep -q '^lost_bytes=0$' "$tmp/x559_6.2.out"
check "xfs-559 6.2: the validity check fails in the trace, and nothing is lost" $?

# --- same input, same bytes
"$wpsim" run scenarios/generic-346.ini $small $work -s global.kernel=6.1 \
	--schedule "${spec:-none}" --trace "$tmp/again.json" >/dev/null 2>&1
cmp -s "$tmp/r6.1.json" "$tmp/again.json"
check "the trace is the same bytes on a second run" $?

echo "trace: $pass passed, $fail failed"
