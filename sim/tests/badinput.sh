#!/bin/sh
# The bad-input matrix: runs every case of sim/tests/badinput.tsv and checks its exit
# status, that its output names what is wrong, and that the results database it was
# pointed at is left exactly as it was. Run from the repository root.
#   sim/tests/badinput.sh BUILD_DIR [NAME...]
# With NAMEs, only those cases run. Ends with "badinput: N passed, N failed".
#
# The table: one case a line, four TAB-separated fields, `#` starts a comment line:
#   NAME<TAB>EXIT<TAB>REGEX<TAB>COMMAND
# NAME is unique ([a-z0-9-]+), EXIT the expected exit status, REGEX an extended regex
# (grep -E) stdout and stderr together must match, COMMAND is run by `sh -c` from the
# repository root under `timeout 60` with
#   $W   the wpsim binary            $IN  sim/tests/badinput (the cases' input files)
#   $T   a fresh empty directory     $DB  a results database filled once (a small sweep)
# After every case $DB's sha256 must be unchanged and no $DB-wal or $DB-shm left.
build=${1:-build}
[ $# -gt 0 ] && shift
table=sim/tests/badinput.tsv
tab=$(printf '\t')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/check.sh"

W=$(cd "$build" 2>/dev/null && pwd)/wpsim
IN=sim/tests/badinput
DB=$tmp/db/results.db
export W IN DB

if [ ! -x "$W" ]; then
	echo "  FAIL no wpsim binary in $build"
	echo "badinput: 0 passed, 1 failed"
	exit 1
fi

mkdir "$tmp/db"
if ! "$W" sweep "$IN/db.sweep" --db "$DB" --jobs 2 >"$tmp/fill.out" 2>&1; then
	cat "$tmp/fill.out"
	echo "  FAIL filling the database with $IN/db.sweep"
	echo "badinput: 0 passed, 1 failed"
	exit 1
fi
sum=$(sha256sum "$DB" | cut -d' ' -f1)

# Table problems are failures too: a malformed line would otherwise be a case that never runs.
names=$tmp/names
: >"$names"
lineno=0
while IFS= read -r line || [ -n "$line" ]; do
	lineno=$((lineno + 1))
	case $line in
	'' | '#'*) continue ;;
	esac
	IFS=$tab read -r name want regex cmd <<EOF
$line
EOF
	case $name in
	*[!a-z0-9-]* | '')
		check "$table:$lineno: a name of [a-z0-9-]+ (got '$name')" 1
		continue
		;;
	esac
	if [ -z "$cmd" ] || [ -z "$regex" ] || ! [ "$want" -ge 0 ] 2>/dev/null; then
		check "$table:$lineno: $name has four TAB-separated fields" 1
		continue
	fi
	if grep -qxF "$name" "$names"; then
		check "$table:$lineno: $name is a name given twice" 1
		continue
	fi
	echo "$name" >>"$names"
	if [ $# -gt 0 ]; then
		case " $* " in
		*" $name "*) ;;
		*) continue ;;
		esac
	fi

	T=$tmp/case/$name
	mkdir -p "$T"
	export T
	timeout -k 5 60 sh -c "$cmd" >"$tmp/out" 2>&1 </dev/null
	got=$?
	why=
	if [ "$got" -eq 124 ] || [ "$got" -eq 137 ]; then
		why="still running after 60 s"
	elif [ "$got" -ne "$want" ]; then
		why="exit status $got, expected $want"
	elif ! grep -qE -e "$regex" "$tmp/out"; then
		why="output does not match /$regex/"
	elif [ "$(sha256sum "$DB" | cut -d' ' -f1)" != "$sum" ]; then
		why="\$DB changed"
		sum=$(sha256sum "$DB" | cut -d' ' -f1)
	elif [ -e "$DB-wal" ] || [ -e "$DB-shm" ]; then
		why="\$DB-wal or \$DB-shm left behind"
		rm -f "$DB-wal" "$DB-shm"
	fi
	if [ -n "$why" ]; then
		check "$name: $why" 1
		echo "       command: $cmd"
		echo "       exit status: expected $want, got $got; output:"
		sed -n '1,20s/^/       | /p' "$tmp/out"
	else
		check "$name" 0
	fi
	rm -rf "$T"
done <"$table"

echo "badinput: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
