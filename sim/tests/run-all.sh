#!/bin/sh
# Runs every test of `make test` (or, with --quick, of `make test-quick`) and ends with
# one "total: N passed, N failed" line summing them. Exit status 1 if anything failed.
#   sim/tests/run-all.sh [--quick] BUILD_DIR
# Run from the repository root. Layer tests first: one binary per folder of sim/tests/
# that holds C files (BUILD_DIR/test-LAYER); then the end-to-end suites, which run
# build/wpsim. scenarios.sh runs beside the others: it is the longest, and leaves a
# core idle in its serial part. --quick runs it with 200 explored schedules where the
# full suite explores 2000, explore.sh bounded with 1 decision where it runs 2, and
# leaves out sweep.sh.
quick=
if [ "${1:-}" = --quick ]; then
	quick=quick
	shift
fi
build=${1:-build}
total_pass=0
total_fail=0
status=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Adds a suite's closing "label: N passed, N failed[, N skipped]" line to the totals:
#   count NAME EXIT_STATUS OUTPUT_FILE
count() {
	line=$(grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed' "$3" | tail -n 1)
	if [ -z "$line" ]; then
		echo "$1: no summary line (exit $2)"
		total_fail=$((total_fail + 1))
		status=1
		return
	fi
	p=$(printf '%s\n' "$line" | sed -E 's/^[^:]*: ([0-9]+) passed.*/\1/')
	f=$(printf '%s\n' "$line" | sed -E 's/^[^:]*: [0-9]+ passed, ([0-9]+) failed.*/\1/')
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	if [ "$2" -ne 0 ] || [ "$f" -ne 0 ]; then
		status=1
	fi
}

run_suite() { # NAME COMMAND...
	name=$1
	shift
	"$@" >"$tmp/$name.out" 2>&1
	rc=$?
	cat "$tmp/$name.out"
	count "$name" "$rc" "$tmp/$name.out"
}

# A shell suite that no line below runs would never be noticed: list them all here.
suites="badinput.sh fuzz-replay.sh cli.sh input.sh limits.sh help.sh scenarios.sh sweep.sh dbenv.sh analysis.sh docs.sh explore.sh diff/run.sh calibrate.sh trace.sh"
tools="run-all.sh check.sh layers.sh same-output.sh diff/normalize.sh tracecheck.py"
for f in sim/tests/*.sh sim/tests/*/*.sh; do
	case " $suites $tools " in
	*" ${f#sim/tests/} "*) ;;
	*)
		echo "orphan: $f is neither a suite run-all.sh runs nor a known tool"
		total_fail=$((total_fail + 1))
		status=1
		;;
	esac
done

(
	sh sim/tests/scenarios.sh "$build/wpsim" $quick >"$tmp/scenarios.out" 2>&1
	echo $? >"$tmp/scenarios.rc"
) &
scenarios_pid=$!

for d in sim/tests/*/; do
	layer=$(basename "$d")
	ls "$d"*.c >/dev/null 2>&1 || continue
	run_suite "test-$layer" "$build/test-$layer"
done
run_suite diff sh sim/tests/diff/run.sh "$build/wpsim"
run_suite cli sh sim/tests/cli.sh "$build/wpsim"
run_suite input sh sim/tests/input.sh "$build/wpsim"
run_suite limits sh sim/tests/limits.sh "$build/wpsim"
run_suite badinput sh sim/tests/badinput.sh "$build"
run_suite fuzz-replay sh sim/tests/fuzz-replay.sh "$build"
run_suite help sh sim/tests/help.sh "$build/wpsim"
run_suite analysis sh sim/tests/analysis.sh "$build/wpsim"
run_suite dbenv sh sim/tests/dbenv.sh "$build/wpsim"
run_suite explore sh sim/tests/explore.sh "$build/wpsim" $quick
run_suite trace sh sim/tests/trace.sh "$build/wpsim"
run_suite docs sh sim/tests/docs.sh
run_suite calibrate sh sim/tests/calibrate.sh "$build"
if [ -z "$quick" ]; then
	run_suite sweep sh sim/tests/sweep.sh "$build/wpsim"
fi

wait "$scenarios_pid"
cat "$tmp/scenarios.out"
count scenarios "$(cat "$tmp/scenarios.rc" 2>/dev/null || echo 1)" "$tmp/scenarios.out"

[ -n "$quick" ] && echo "quick: sweep.sh left out, scenarios.sh on 200 explored schedules"
echo "total: $total_pass passed, $total_fail failed"
exit $status
