#!/bin/sh
# Proof that a change of structure changed no behaviour: record what a fixed set of
# commands prints with one wpsim binary, record it again with another, compare.
#
#   sim/tests/same-output.sh record WPSIM DIR   write the outputs into DIR
#   sim/tests/same-output.sh compare DIR1 DIR2  byte comparison; exit 1 on a difference
#
# The set: every scenario in scenarios/ for seeds 1-3 with --trace (run output and the
# trace's checksum), `wpsim io` over every captured script in data/kernel/scripts/, and
# a small sweep followed by `wpsim report`. Host time (wall_time_s and the like) is the
# only thing removed before comparing. Record with the old binary before the change,
# keep DIR outside the tree, and compare after: the outputs are not committed.
set -u
cd "$(dirname "$0")/../.."

# Lines that carry host time or dates: dropped before comparing.
strip_host() {
	grep -v -E '^(wall_time_s|elapsed|runs/s)=|wall|[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:' || true
}

record() {
	bin=$1
	out=$2
	mkdir -p "$out/run" "$out/io" "$out/report"
	tmp=$(mktemp -d)
	for s in scenarios/*.ini; do
		name=$(basename "$s" .ini)
		for seed in 1 2 3; do
			f="$out/run/$name-$seed"
			"$bin" run "$s" -s global.seed=$seed --trace "$tmp/t.json" >"$tmp/o" 2>&1
			echo "exit=$?" >>"$tmp/o"
			strip_host <"$tmp/o" >"$f"
			echo "trace_sha256=$(sha256sum <"$tmp/t.json" | cut -d' ' -f1)" >>"$f"
		done
	done
	for s in data/kernel/scripts/*.xfsio; do
		name=$(basename "$s" .xfsio)
		"$bin" io "$s" >"$out/io/$name" 2>&1
		echo "exit=$?" >>"$out/io/$name"
	done
	cat >"$tmp/sweep.ini" <<EOF
[sweep]
scenario = $(pwd)/scenarios/generic-346.ini
seeds = 1-4
[vary]
global.kernel = 6.1, 6.13
EOF
	"$bin" sweep "$tmp/sweep.ini" --db "$tmp/r.db" --jobs 2 >/dev/null 2>&1
	echo "sweep exit=$?" >"$out/report/sweep"
	"$bin" report --db "$tmp/r.db" --out "$tmp/rep" >"$tmp/o" 2>&1
	echo "exit=$?" >>"$tmp/o"
	strip_host <"$tmp/o" | sed -e "s|$tmp|TMP|g" -e "s|$(pwd)|REPO|g" >"$out/report/stdout"
	for c in "$tmp"/rep/*.csv; do
		[ -e "$c" ] && strip_host <"$c" | sed "s|$(pwd)|REPO|g" >"$out/report/$(basename "$c")"
	done
	rm -rf "$tmp"
}

case "${1:-}" in
record)
	[ $# -eq 3 ] || { echo "usage: $0 record WPSIM DIR" >&2; exit 2; }
	record "$2" "$3"
	echo "recorded $(find "$3" -type f | wc -l) outputs in $3"
	;;
compare)
	[ $# -eq 3 ] || { echo "usage: $0 compare DIR1 DIR2" >&2; exit 2; }
	if diff -r "$2" "$3"; then
		echo "same: $(find "$2" -type f | wc -l) outputs identical"
	else
		echo "DIFFERENT outputs" >&2
		exit 1
	fi
	;;
*)
	echo "usage: $0 record WPSIM DIR | compare DIR1 DIR2" >&2
	exit 2
	;;
esac
