#!/bin/sh
# Runs every test of `make test` and ends with one "N passed, N failed" line
# summing them. Exit status 1 if anything failed.
#   sim/tests/run-all.sh BUILD_DIR
build=${1:-build}
total_pass=0
total_fail=0
status=0

# Each suite prints a closing "label: N passed, N failed[, N skipped]" line.
run_suite() {
	name=$1
	shift
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	line=$(printf '%s\n' "$out" | grep -E '^[a-z-]+: [0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -z "$line" ]; then
		echo "$name: no summary line (exit $rc)"
		total_fail=$((total_fail + 1))
		status=1
		return
	fi
	p=$(printf '%s\n' "$line" | sed -E 's/^[^:]*: ([0-9]+) passed.*/\1/')
	f=$(printf '%s\n' "$line" | sed -E 's/^[^:]*: [0-9]+ passed, ([0-9]+) failed.*/\1/')
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
		status=1
	fi
}

run_suite unit "$build/unit"
run_suite iotest "$build/iotest"
run_suite simtest "$build/simtest"
run_suite diff sh sim/tests/diff/run.sh "$build/wpsim"
run_suite cli sh sim/tests/cli.sh "$build/wpsim"
run_suite scenarios sh sim/tests/scenarios.sh "$build/wpsim"
run_suite analysis sh sim/tests/analysis.sh "$build/wpsim"
run_suite sweep sh sim/tests/sweep.sh "$build/wpsim"

echo "total: $total_pass passed, $total_fail failed"
exit $status
