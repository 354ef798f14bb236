#!/bin/sh
# `make fuzz`: runs each libFuzzer harness of BUILD_DIR for a bounded time, from the
# repository root with its dictionary sim/fuzz/NAME.dict, its seed corpus
# sim/fuzz/corpus/NAME/ read-only and what it finds
# new kept in BUILD_DIR/corpus-NAME/. Prints per harness the executions and any crash
# file (BUILD_DIR/crash-NAME-*, to minimise with -minimize_crash=1 and add to the
# corpus once fixed). Exit status 1 when a harness found something.
#   sim/fuzz/run.sh BUILD_DIR SECONDS MAX_LEN RSS_MB NAME...
build=$1
seconds=$2
max_len=$3
rss_mb=$4
shift 4
status=0
for h in "$@"; do
	mkdir -p "$build/corpus-$h"
	log=$build/fuzz-$h.log
	dict=
	[ -f "sim/fuzz/$h.dict" ] && dict=-dict=sim/fuzz/$h.dict
	"$build/fuzz-$h" $dict -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb="$rss_mb" \
		-timeout=20 -print_final_stats=1 -artifact_prefix="$build/crash-$h-" \
		"$build/corpus-$h" "sim/fuzz/corpus/$h" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	crashes=$(grep -o "$build/crash-$h-[^ ]*" "$log" | sort -u | tr '\n' ' ')
	echo "fuzz $h: ${execs:-?} executions in ${seconds} s, exit $rc${crashes:+, found: $crashes}"
	if [ "$rc" -ne 0 ]; then
		status=1
		grep -E '^(==[0-9]+==|SUMMARY|.*runtime error)' "$log" | head -n 5
	fi
done
exit $status
