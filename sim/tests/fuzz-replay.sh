#!/bin/sh
# Every file of the fuzz corpus (sim/fuzz/corpus/*/) through every fuzz harness, built
# without libFuzzer (BUILD_DIR/fuzz-replay-NAME, sim/fuzz/replay.c): a crash, a
# sanitizer report (under make asan) or a broken parser contract fails. Run from the
# repository root (the scenario harness finds configs/ there).
#   sim/tests/fuzz-replay.sh BUILD_DIR
# Ends with "fuzz-replay: N passed, N failed": one case per harness and corpus file.
build=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ls sim/fuzz/corpus/*/* >"$tmp/files"
nfiles=$(wc -l <"$tmp/files")
for h in scenario sweep io schedule; do
	bin=$build/fuzz-replay-$h
	if [ ! -x "$bin" ]; then
		echo "  FAIL $bin is missing"
		fail=$((fail + nfiles))
		continue
	fi
	# all files in one process; only when it fails, one process a file to name them all
	if xargs "$bin" <"$tmp/files" >"$tmp/out" 2>&1; then
		pass=$((pass + nfiles))
		echo "  ok   $h: $nfiles corpus files"
		continue
	fi
	while IFS= read -r f; do
		if "$bin" "$f" >"$tmp/one" 2>&1; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			echo "  FAIL $h: $f"
			sed -n '1,30s/^/       | /p' "$tmp/one"
		fi
	done <"$tmp/files"
done
echo "fuzz-replay: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
