#!/bin/sh
# The layer table on #include lines: a file in sim/L/ includes project headers only from
# L and from the layers L may use; SimGrid headers only in actors/ (and tests, bench);
# sqlite3.h only in store/. The Makefile passes the table it links by:
#   sim/tests/layers.sh core: io:core config:core outcome: pool: actors:config+outcome+core ...
# Prints one line per offending include and "layers: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
pass=0
fail=0

for spec in "$@"; do
	layer=${spec%%:*}
	allowed="$layer $(echo "${spec#*:}" | tr '+' ' ')"
	for f in sim/"$layer"/*.[ch]; do
		[ -e "$f" ] || continue
		bad=0
		for inc in $(sed -n 's|^#include "\([a-z_]*\)/.*|\1|p' "$f" | sort -u); do
			case " $allowed " in
			*" $inc "*) ;;
			*)
				echo "$f: includes a header of layer $inc (layer $layer may use: $allowed)"
				bad=1
				;;
			esac
		done
		if [ "$layer" != actors ] && grep -q '^#include <\(simgrid\|xbt\)/' "$f"; then
			echo "$f: SimGrid header outside sim/actors/"
			bad=1
		fi
		if [ "$layer" != store ] && grep -q '^#include <sqlite3.h>' "$f"; then
			echo "$f: sqlite3.h outside sim/store/"
			bad=1
		fi
		if [ $bad -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
	done
done
for f in sim/*.c sim/*.h; do
	if grep -q '^#include <\(simgrid\|xbt\)/\|^#include <sqlite3.h>' "$f"; then
		echo "$f: includes SimGrid or SQLite directly"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done
echo "layers: $pass passed, $fail failed"
[ $fail -eq 0 ]
