#!/bin/sh
# `wpsim explore` figures on the 4 MiB instance of generic-346 (its jobs,
# offsets and markers over a 4 MiB sparse file; the scenario has no think times):
#   (a) explored runs per second: host time of a whole `wpsim explore --runs 100
#       --jobs 1` command (8 reference runs, 100 pct runs and the shrink of whatever
#       fails, process start included) divided by its 100 runs: a lower bound on the
#       throughput of the runs alone;
#   (b) host time to the first 6.1 loss (goal: under 1 s), for seeds 1-10 of pct: the
#       runs in generation order up to the first that loses data and their own host
#       time (the wall_time_s each run stores: no process start, reference runs or
#       shrinking), median and max over the seeds; and, as an upper bound, the whole
#       `explore --runs R` command for the median seed (it also runs the 8 reference
#       runs first and shrinks what it found);
#   (c) for faulter CPU costs cpu.fault = lognormal(MEAN, 0.3) (the default's CV),
#       MEAN 100 ns, 250 ns, 1 us (the default) and 5 us, so the faulter is faster and
#       slower than the writer: whether explore (pct, default depth, seed 1) finds a
#       6.1 loss within 200 runs, and whether its minimal schedule, replayed with
#       `wpsim run --schedule` on its minimal workload, loses data under 6.1 and not
#       under 6.13.
# Run from the repository root.
#   sim/bench/explore-bench.sh build/wpsim
wpsim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scn=scenarios/generic-346.ini
shape="-s global.file_size=4m -s pwriter.size=4m -s mmapper.size=4m -s global.kernel=6.1"

now() { date +%s.%N; }

# (a)
t0=$(now)
"$wpsim" explore $scn $shape --runs 100 --jobs 1 >"$tmp/a.out" 2>&1
t1=$(now)
runs=$(sed -n 's/^runs=//p' "$tmp/a.out")
awk -v r="$runs" -v a="$t0" -v b="$t1" 'BEGIN {
	t = b - a
	if (r > 0 && t > 0)
		printf "wpsim explore, generic-346 4 MiB, 6.1, pct, --jobs 1: %d runs in %.2f s (whole command): %.1f explored runs/s\n", r, t, r / t
	else
		print "wpsim explore (a): no runs counted"
}'

# (b) per seed 1-10: the runs of `explore --runs 100 --jobs 1` in the order they were
# drawn (run_id: with --jobs 1 runs are stored in that order, with more jobs in the
# order they end) up to the first that loses data, and the sum of their own host time
# (wall_time_s); then, for the seed with the median count R, the host time of the
# whole `explore --runs R` command.
: >"$tmp/b.txt"
for seed in 1 2 3 4 5 6 7 8 9 10; do
	rm -f "$tmp/b.db"
	"$wpsim" explore $scn $shape --runs 100 --seed $seed --jobs 1 --db "$tmp/b.db" >/dev/null 2>&1
	sqlite3 "$tmp/b.db" "SELECT $seed, COUNT(*), printf('%.4f', SUM(r.wall_time_s)) FROM run r
		WHERE r.run_id <= (SELECT MIN(r2.run_id) FROM run r2
			JOIN run_schedule rs ON rs.run_id = r2.run_id
			JOIN schedule s ON s.schedule_id = rs.schedule_id AND s.minimal_of IS NULL
			JOIN metric m ON m.run_id = r2.run_id AND m.name = 'lost_bytes' AND m.value > 0)
		HAVING COUNT(*) > 0" 2>/dev/null | tr '|' ' ' >>"$tmp/b.txt"
done
found=$(wc -l <"$tmp/b.txt")
if [ "$found" -gt 0 ]; then
	set -- $(sort -n -k2 "$tmp/b.txt" | sed -n "$(((found + 1) / 2))p")
	mseed=$1 mruns=$2
	t0=$(now)
	"$wpsim" explore $scn $shape --runs "$mruns" --seed "$mseed" --jobs 1 >/dev/null 2>&1
	t1=$(now)
	sort -n -k2 "$tmp/b.txt" | awk -v found="$found" -v ms="$mseed" -v mr="$mruns" -v a="$t0" -v b="$t1" '
		{ r[NR] = $2; t[NR] = $3; tot += $3; rs = rs (NR > 1 ? " " : "") $2 }
		END {
			m = int((NR + 1) / 2)
			printf "wpsim explore, first 6.1 loss on generic-346 4 MiB (no think times), seeds 1-10: found by %d of 10 within 100 runs; runs to the first loss: %s (median %d); their own host time: median %.3f s, max %.3f s (goal < 1 s); whole `explore --runs %d --seed %d --jobs 1` (8 reference runs, the runs, the shrink and the story): %.2f s\n", found, rs, r[m], t[m], t[NR], mr, ms, b - a
		}'
else
	echo "wpsim explore, first 6.1 loss on generic-346 4 MiB: none within 100 runs for seeds 1-10"
fi

# (c)
printf '%-10s %-22s %-14s %-14s %s\n' cpu.fault "6.1 loss in 200 runs" "replay on 6.1" "replay on 6.13" "minimal schedule"
for mean in 100ns 250ns 1us 5us; do
	cost="cpu.fault=lognormal($mean, 0.3)"
	"$wpsim" explore $scn $shape -s "$cost" --runs 200 --jobs 2 >"$tmp/c.out" 2>&1
	failing=$(sed -n 's/^failing=//p' "$tmp/c.out")
	min=$(sed -n 's/^minimal_schedule=//p' "$tmp/c.out")
	work=$(sed -n 's/^  workload: //p' "$tmp/c.out")
	r61=- r613=-
	if [ -n "$min" ]; then
		for k in 6.1 6.13; do
			lost=$("$wpsim" run $scn $shape $work -s "$cost" -s global.kernel=$k \
				--schedule "$min" 2>&1 | sed -n 's/^lost_bytes=//p')
			if [ "${lost:-x}" = 0 ]; then
				v="no loss"
			elif [ "${lost:-0}" -gt 0 ] 2>/dev/null; then
				v="loses $lost B"
			else
				v="error"
			fi
			[ $k = 6.1 ] && r61=$v || r613=$v
		done
	fi
	printf '%-10s %-22s %-14s %-14s %s\n' "$mean" "${failing:-?} of $(sed -n 's/^runs=//p' "$tmp/c.out") fail" \
		"$r61" "$r613" "${min:--}"
done
