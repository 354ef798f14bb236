#!/bin/sh
# `wpsim sweep` throughput: 40 runs of generic-346 (2 presets x 20 seeds) at --jobs 1
# and --jobs 2 (target: a speed-up of at least 1.7x on 2 or more CPUs), the database
# ingest of the --jobs 1 sweep (one transaction per run; rows per second of the time
# spent storing, as the sweep's "db ingest" line reports it), and the bulk ingest of
# `wpsim merge`. Run from the repository root.
#   sim/bench/sweep-bench.sh build/wpsim
wpsim=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/bench.sweep" <<EOS
[sweep]
scenario = scenarios/generic-346.ini
seeds = 1-20
[vary]
global.kernel = 6.1, 6.13
EOS
for j in 1 2; do
	"$wpsim" sweep "$tmp/bench.sweep" --jobs $j --db "$tmp/j$j.db" >"$tmp/out$j" 2>/dev/null ||
		echo "sweep --jobs $j failed"
done
cpus=$(nproc 2>/dev/null || echo '?')
rows=$(sqlite3 "$tmp/j1.db" "SELECT (SELECT count(*) FROM run) + (SELECT count(*) FROM param) +
	(SELECT count(*) FROM metric) + (SELECT count(*) FROM latency) +
	(SELECT count(*) FROM anomaly)" 2>/dev/null)
start=$(date +%s.%N)
"$wpsim" merge "$tmp/merged.db" "$tmp/j1.db" >/dev/null
end=$(date +%s.%N)
awk -v cpus="$cpus" -v rows="$rows" -v s="$start" -v e="$end" '
	FILENAME ~ /out1$/ && /^sweep / { for (i = 1; i <= NF; i++) if ($i == "runs/s") r1 = $(i - 1); n = $3 }
	FILENAME ~ /out2$/ && /^sweep / { for (i = 1; i <= NF; i++) if ($i == "runs/s") r2 = $(i - 1) }
	FILENAME ~ /out1$/ && /^db ingest/ { mrows = $5; arows = $8; secs = $11 }
	END {
		sp = r1 > 0 ? r2 / r1 : 0
		printf "wpsim sweep %s runs of generic-346: --jobs 1 %.2f runs/s, --jobs 2 %.2f runs/s: speed-up %.2fx (target >= 1.7x; %s CPUs)\n", n, r1, r2, sp, cpus
		if (secs > 0)
			printf "wpsim sweep db ingest (--jobs 1): %d metric rows (%d rows) in %.4f s: %.0f metric rows/s, %.0f rows/s (one transaction per run)\n", mrows, arows, secs, mrows / secs, arows / secs
		t = e - s
		if (t > 0)
			printf "wpsim merge: %d rows in %.3f s: %.0f rows/s\n", rows, t, rows / t
	}' "$tmp/out1" "$tmp/out2"
