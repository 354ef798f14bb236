#!/bin/sh
# run.sh: the differential suite. Runs every data/kernel/scripts/NAME.xfsio through
# the model (`WPSIM io -k VERSION SCRIPT`, VERSION the kernel the capture ran on, from
# data/kernel/out/NAME.kernel: the model runs under that version's preset), normalizes
# the model's output and the kernel's golden transcript (data/kernel/out/NAME.out)
# with normalize.sh, and diffs them.
#
#   run.sh [-v] WPSIM [NAME...]
#
#   -v      show the whole diff of a failing script (default: first 20 lines)
#   NAME    run only these scripts (NAME or NAME.xfsio or a path to one)
#
# Prints "ok NAME", "FAIL NAME" (plus the diff, "-" kernel, "+" model), or
# "known NAME" for scripts listed in data/kernel/KNOWN-DIFFERENCES (counted as
# skipped; they are still run and a diff shown with -v), then exactly one line
# "diff: N passed, N failed, N skipped". Exit status 1 if any failed, 2 on bad usage.
# A script also fails when the model cannot run it: missing binary, no recorded
# kernel version, or an exit status other than the one xfs_io had on the kernel
# (data/kernel/out/exit-status).

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
kdir=$root/data/kernel
normalize=$here/normalize.sh

verbose=0
wpsim=""
names=""
for a in "$@"; do
	case $a in
	-v) verbose=1 ;;
	-h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
	-*) echo "run.sh: unknown option $a" >&2; exit 2 ;;
	*)
		if [ -z "$wpsim" ]; then
			wpsim=$a
		else
			n=${a##*/}
			names="$names ${n%.xfsio}"
		fi
		;;
	esac
done
if [ -z "$wpsim" ]; then
	echo "usage: run.sh [-v] WPSIM [NAME...]" >&2
	exit 2
fi
case $wpsim in
/*) ;;
*/*) wpsim=$(pwd)/$wpsim ;; # relative to the current directory
*) wpsim=$(command -v "$wpsim" 2>/dev/null || echo "$wpsim") ;;
esac
if [ -z "$names" ]; then
	for f in "$kdir"/scripts/*.xfsio; do
		[ -f "$f" ] || continue
		n=${f##*/}
		names="$names ${n%.xfsio}"
	done
fi
# (script names contain no white space: capture.sh refuses such names)
set -f # no globbing of the names
# shellcheck disable=SC2086
set -- $names
set +f

linebuf=""
if command -v stdbuf >/dev/null 2>&1; then linebuf="stdbuf -oL"; fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wpsim-diff.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP

known_reason() { # NAME: the reason if NAME is listed in KNOWN-DIFFERENCES
	[ -f "$kdir/KNOWN-DIFFERENCES" ] || return 1
	awk -v n="$1" '
		/^[ \t]*#/ || index($0, ":") == 0 { next }
		{ k = $0; sub(/:.*/, "", k); gsub(/^[ \t]+|[ \t]+$/, "", k) }
		k == n {
			r = substr($0, index($0, ":") + 1); gsub(/^[ \t]+|[ \t]+$/, "", r)
			print r; found = 1; exit
		}
		END { exit !found }' "$kdir/KNOWN-DIFFERENCES"
}

pass=0 fail=0 skip=0
for n in "$@"; do
	script=$kdir/scripts/$n.xfsio
	golden=$kdir/out/$n.out
	why=""
	if [ ! -f "$script" ]; then
		why="no script $script"
	elif [ ! -f "$golden" ]; then
		why="no golden output $golden (run make kernel-capture)"
	elif ! kver=$(head -n 1 "$kdir/out/$n.kernel" 2>/dev/null) || [ -z "$kver" ]; then
		why="no kernel version in $kdir/out/$n.kernel (capture.sh writes it: uname -r)"
	elif [ ! -x "$wpsim" ]; then
		why="model binary $wpsim not found or not executable"
	fi
	if [ -n "$why" ]; then
		echo "FAIL $n"
		echo "    $why"
		fail=$((fail + 1))
		continue
	fi

	rc=0
	# stdout line-buffered, as in the capture, so that error lines (stderr) keep
	# their place; the inner sh reports a crash ("Segmentation fault") on its
	# stderr, which is discarded
	(cd "$tmp" && sh -c '$3 "$0" io -k "$4" "$1" >"$2" 2>&1 </dev/null; s=$?; exit $s' \
		"$wpsim" "$script" "$tmp/model.raw" "$linebuf" "$kver" 2>/dev/null) || rc=$?
	sh "$normalize" <"$golden" >"$tmp/kernel"
	sh "$normalize" <"$tmp/model.raw" >"$tmp/model"
	diff -u "$tmp/kernel" "$tmp/model" >"$tmp/diff.full" 2>&1
	same=$?
	sed "1,2d" "$tmp/diff.full" >"$tmp/diff" # drop the ---/+++ header of diff -u

	if reason=$(known_reason "$n"); then
		echo "known $n${reason:+ ($reason)}"
		if [ "$verbose" = 1 ] && [ "$same" != 0 ]; then sed 's/^/    /' "$tmp/diff"; fi
		skip=$((skip + 1))
		continue
	fi
	# xfs_io exits 1 when a command failed (e.g. ENOSPC): the model must exit as
	# the kernel run did (data/kernel/out/exit-status); without a record, 0 or 1.
	want=$(awk -v n="$n" '$1 == n { print $2 }' "$kdir/out/exit-status" 2>/dev/null)
	rcok=0
	if [ -n "$want" ]; then
		[ "$rc" = "$want" ] || rcok=1
	else
		[ "$rc" = 0 ] || [ "$rc" = 1 ] || rcok=1
	fi
	if [ "$rcok" = 0 ] && [ "$same" = 0 ]; then
		echo "ok $n"
		pass=$((pass + 1))
		continue
	fi
	echo "FAIL $n"
	if [ "$rcok" != 0 ]; then
		if [ "$rc" -gt 128 ]; then how="was killed by signal $((rc - 128))"; else how="exited with status $rc"; fi
		echo "    $wpsim io -k $kver $how (kernel's xfs_io: exit ${want:-0 or 1}); last lines of its output:"
		tail -n 5 "$tmp/model.raw" | sed 's/^/    | /'
	fi
	if [ "$same" != 0 ]; then
		if [ "$verbose" = 1 ]; then
			sed 's/^/    /' "$tmp/diff"
		else
			head -n 20 "$tmp/diff" | sed 's/^/    /'
			lines=$(wc -l <"$tmp/diff")
			if [ "$lines" -gt 20 ]; then echo "    ... ($lines diff lines; -v shows all)"; fi
		fi
	fi
	fail=$((fail + 1))
done

echo "diff: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
