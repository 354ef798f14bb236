#!/bin/sh
# The documentation against the tree, so that a reader can follow every reference:
#  (a) no tracked file outside data/ cites the design notes that lived outside this
#      repository (their sections are now headings of docs/*.md);
#  (b) every citation of a section of the docs in a tracked file, written as the
#      docs file's path, a comma and the heading in double quotes (a comment may wrap
#      it across lines; `"A" and "B"` and `"A", "B" and "C"` name several headings),
#      names a file of docs/ and a heading of it, at any level;
#  (c) every path in backquotes in docs/*.md and README.md that starts with sim/,
#      configs/, scenarios/, analysis/, data/ or docs/ exists (a glob must match), and
#      every `make TARGET` is a target of the Makefile. Paths git ignores (outputs such
#      as data/results.db) and placeholders in capitals (data/shards/shard-K-of-N.db)
#      are not repository paths.
# Prints "FILE:LINE: problem" per failure and ends with "docs: N passed, N failed".
#   sim/tests/docs.sh
set -u
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! git ls-files >"$tmp/listed" 2>/dev/null || [ ! -s "$tmp/listed" ]; then
	echo "docs: 0 passed, 0 failed, 1 skipped (not a git checkout: no list of tracked files)"
	exit 0
fi
# Text files only (grep -I), and only those present in the work tree. The fuzz corpus
# is input, not prose: the fuzzer mutates the citations it copied (its seeds are
# checked where they came from).
while IFS= read -r f; do
	case $f in sim/fuzz/corpus/*) continue ;; esac
	[ -f "$f" ] && printf '%s\n' "$f"
done <"$tmp/listed" | tr '\n' '\0' | xargs -0 grep -Il '' >"$tmp/files"

# Results: one "pass" or "fail" line per check, so that the counts need no subshell.
: >"$tmp/results"

# (a) The old notes' file names, written so that this script does not match itself.
grep -v '^data/' "$tmp/files" | tr '\n' '\0' | xargs -0 awk '
	FNR == 1 {
		if (NR > 1)
			print (bad ? "fail" : "pass") >> results
		bad = 0
	}
	/DESIGN[.]md|kernel-semantics[.]md|STYLE[.]md/ {
		match($0, /(DESIGN|kernel-semantics|STYLE)[.]md/)
		printf "%s:%d: cites %s, a file that is not in this repository\n", FILENAME, FNR,
			substr($0, RSTART, RLENGTH)
		bad = 1
	}
	END {
		if (NR > 0)
			print (bad ? "fail" : "pass") >> results
	}' results="$tmp/results"

# The headings of every docs/*.md, as "docs/NAME.md<TAB>Heading", outside code fences.
for d in docs/*.md; do
	awk -v f="$d" '
		/^```/ { fence = !fence; next }
		!fence && /^#+[ \t]/ {
			h = $0
			sub(/^#+[ \t]+/, "", h)
			sub(/[ \t#]+$/, "", h)
			gsub(/[ \t]+/, " ", h)
			print f "\t" h
		}' "$d"
done >"$tmp/headings"

# (b) Citations. Each file is joined into one line (comment leaders stripped, so that a
# citation wrapped in a comment reads as one), remembering where each line starts.
tr '\n' '\0' <"$tmp/files" | xargs -0 grep -l -E 'docs/[A-Za-z0-9_.-]+[.]md' >"$tmp/files-b"
while IFS= read -r f; do
	awk -v f="$f" -v headings="$tmp/headings" -v results="$tmp/results" '
		BEGIN {
			FS = "\t"
			while ((getline l < headings) > 0) {
				split(l, p, "\t")
				have[p[1] "\t" p[2]] = 1
				doc[p[1]] = 1
			}
			FS = " "
		}
		{
			s = $0
			sub(/^[ \t]*(\/\/|\/\*+|\*|#+|;+|--|>)?[ \t]*/, "", s)
			start[NR] = length(text) + 1
			text = text s " "
		}
		function line_of(pos,   i) {
			for (i = NR; i > 1 && start[i] > pos; i--)
				;
			return i
		}
		function check(name, h, pos) {
			gsub(/[ \t]+/, " ", h)
			if (!(name in doc)) {
				printf "%s:%d: %s, \"%s\": no such file\n", f, line_of(pos), name, h
				print "fail" >> results
			} else if (!((name "\t" h) in have)) {
				printf "%s:%d: %s, \"%s\": no such heading in %s\n", f, line_of(pos), name, h, name
				print "fail" >> results
			} else
				print "pass" >> results
		}
		END {
			rest = text
			off = 0
			while (match(rest, /docs\/[A-Za-z0-9_.-]+[.]md`?,[ \t]*"[^"]*"/)) {
				pos = off + RSTART
				m = substr(rest, RSTART, RLENGTH)
				name = m
				sub(/`?,.*/, "", name)
				h = m
				sub(/^[^"]*"/, "", h)
				sub(/"$/, "", h)
				check(name, h, pos)
				off += RSTART + RLENGTH - 1
				rest = substr(rest, RSTART + RLENGTH)
				# More headings of the same file: , "B"  and "B"  , and "B"
				while (match(rest, /^(,[ \t]*|[ \t]+and[ \t]+|,[ \t]+and[ \t]+)"[^"]*"/)) {
					h = substr(rest, RSTART, RLENGTH)
					sub(/^[^"]*"/, "", h)
					sub(/"$/, "", h)
					check(name, h, off + 1)
					off += RLENGTH
					rest = substr(rest, RLENGTH + 1)
				}
			}
		}' "$f"
done <"$tmp/files-b" >"$tmp/out-b"
cat "$tmp/out-b"

# (c) Paths and make targets in backquotes, outside code fences.
sed -n 's/^\([A-Za-z0-9_.-]*\):.*/\1/p' Makefile | sort -u >"$tmp/targets"
for f in README.md docs/*.md; do
	awk -v f="$f" '
		/^```/ { fence = !fence; next }
		fence { next }
		{
			rest = $0
			while (match(rest, /`[^`]+`/)) {
				print f "\t" NR "\t" substr(rest, RSTART + 1, RLENGTH - 2)
				rest = substr(rest, RSTART + RLENGTH)
			}
		}' "$f"
done >"$tmp/spans"
# Outputs, not repository paths: what git ignores (data/results.db, data/report/).
cut -f3 "$tmp/spans" | sed 's/ .*//; s/[,.;:)]$//' | grep -E '^(sim|configs|scenarios|analysis|data|docs)/' |
	git check-ignore --stdin >"$tmp/ignored"
tab=$(printf '\t')
while IFS=$tab read -r f n span; do
	case "$span" in
	make | make\ -*) continue ;;
	make\ *)
		t=${span#make }
		t=${t%% *}
		case "$t" in *=*) continue ;; esac
		if grep -qx -- "$t" "$tmp/targets"; then
			echo pass
		else
			echo "$f:$n: \`$span\`: no target $t in the Makefile" >&2
			echo fail
		fi
		continue
		;;
	sim/* | configs/* | scenarios/* | analysis/* | data/* | docs/*) ;;
	*) continue ;;
	esac
	p=${span%% *}
	p=${p%[,.;:)]}
	# A placeholder (LAYER, NAME, K-of-N) or a pattern of names ({}) is no path.
	case "$p" in *[A-Z]* | *\{*) continue ;; esac
	if grep -qxF -- "$p" "$tmp/ignored"; then
		continue
	fi
	found=
	for g in $p; do
		[ -e "$g" ] && found=1
	done
	if [ -n "$found" ]; then
		echo pass
	else
		echo "$f:$n: \`$span\`: $p does not exist" >&2
		echo fail
	fi
done <"$tmp/spans" 2>&1 >>"$tmp/results"

pass=$(grep -c '^pass$' "$tmp/results")
fail=$(grep -c '^fail$' "$tmp/results")
echo "docs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
