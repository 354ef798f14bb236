#!/bin/sh
# The help against the program it describes: every command's --help and -h (exit 0,
# each option main.c parses for it named, no option named that the command refuses);
# `wpsim help` and its topics, an unknown topic refused; `wpsim keys` against the
# loader (the keys each section's "unknown key" message accepts, a scenario of every
# key at its listed default and every listed word of a "one of" key loading and
# running); the outcome lines a run prints against `wpsim help outcomes` and the
# table of docs/design.md, "Outcomes"; --version against git describe and run.version;
# the bash completion; `make install DESTDIR=...`. Run from the repository root.
# Ends with "help: N passed, N failed".
#   sim/tests/help.sh build/wpsim
set -u
wpsim=$1
build=$(dirname "$wpsim")
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # description, status
	if [ "$2" -eq 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "  FAIL $1"
	fi
}

# The commands main() dispatches, and the options each cmd_NAME() compares argv with.
cmds=$(sed -n 's/.*strcmp(argv\[1\], "\([a-z]*\)") == 0.*/\1/p' sim/main.c | sort -u)
[ -n "$cmds" ]
check "main.c dispatches commands" $?
parsed_opts() { # command
	awk -v f="cmd_$1" '
		$0 ~ "^static int " f "\\(" { on = 1 }
		on && /^}/ { on = 0 }
		on' sim/main.c | grep -o 'strcmp([a-z]*\(\[i\]\)\?, "-[-a-z]*")' |
		sed 's/.*"\(-[-a-z]*\)")/\1/' | sort -u
}

for c in $cmds; do
	for h in --help -h; do
		"$wpsim" "$c" $h >"$tmp/out" 2>"$tmp/err"
		rc=$?
		[ $rc -eq 0 ] && [ -s "$tmp/out" ] && [ ! -s "$tmp/err" ] &&
			grep -q "^usage: wpsim $c" "$tmp/out"
		check "wpsim $c $h: exit 0 ($rc), usage on stdout" $?
	done
	"$wpsim" help "$c" >"$tmp/topic" 2>&1
	if [ "$c" = keys ]; then # the topic keys is the list of keys
		"$wpsim" keys | cmp -s - "$tmp/topic"
	else
		cmp -s "$tmp/out" "$tmp/topic"
	fi
	check "wpsim help $c is wpsim $c --help (or, for keys, wpsim keys)" $?
	for o in $(parsed_opts "$c"); do
		grep -q -- "^  $o\( \|$\)" "$tmp/out"
		check "wpsim $c --help lists $o, which main.c parses" $?
	done
	# each option listed is one the command takes (an argument of x, or a flag)
	for o in $(sed -n 's/^  \(-[-a-z]*\).*/\1/p' "$tmp/out" | grep -v -- '^-h$'); do
		case "$o" in -k) a=6.18 ;; -c) a=stat ;; *) a=$tmp/x ;; esac
		# a flag: the option alone on its line, or its text after blanks
		grep -q -- "^  $o\( *$\|   \)" "$tmp/out" && a=
		(cd "$tmp" && "$OLDPWD/$wpsim" "$c" "$o" $a </dev/null >/dev/null 2>"$tmp/err")
		! grep -q "unknown \(option\|argument\)" "$tmp/err"
		check "wpsim $c $o: an option the command takes" $?
	done
done

# wpsim help and its topics
"$wpsim" help >"$tmp/help" 2>&1
check "wpsim help exits 0" $?
for c in $cmds; do
	grep -q "^  $c " "$tmp/help"
	check "wpsim help lists $c" $?
done
for t in keys outcomes policy schedules; do
	"$wpsim" help $t >"$tmp/out" 2>&1 && [ -s "$tmp/out" ]
	check "wpsim help $t" $?
	grep -q "^  $t " "$tmp/help"
	check "wpsim help lists the topic $t" $?
done
"$wpsim" --help | cmp -s - "$tmp/help"
check "wpsim --help is wpsim help" $?
awk 'length > 80 { bad = 1 } END { exit bad }' "$tmp/help"
check "wpsim help fits 80 columns" $?
"$wpsim" help nosuch >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "unknown topic nosuch (accepted: keys outcomes policy schedules" "$tmp/err"
check "wpsim help nosuch: exit 2 ($rc) listing the topics" $?
"$wpsim" keys --bogus >/dev/null 2>&1
[ $? -eq 2 ]
check "wpsim keys --bogus: exit 2" $?

# wpsim keys against the loader: per section, the keys its "unknown key" message lists
"$wpsim" keys --names >"$tmp/names"
"$wpsim" keys --table >"$tmp/table"
printf '[global]\nfile_size = 64k\n[g]\nkind = writer\n' >"$tmp/min.ini"
for s in global writeback reclaim blockgc cpu g; do
	"$wpsim" run "$tmp/min.ini" -s "$s.no_such_key=1" >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] && grep -q "no_such_key=1: unknown key" "$tmp/err"
	check "loader refuses $s.no_such_key (exit $rc)" $?
	sed -n 's/.*(accepted: \(.*\))$/\1/p' "$tmp/err" | tr -d ' ' | tr ',' '\n' | sort >"$tmp/loader"
	sect=$s
	[ $s = g ] && sect=NAME
	sed -n "s/^$sect\\.//p" "$tmp/names" | sort >"$tmp/listed"
	[ -s "$tmp/loader" ] && cmp -s "$tmp/loader" "$tmp/listed"
	check "wpsim keys lists the keys the loader accepts in [$s]" $?
done
awk -F '\t' 'NF != 6 || $6 == "" { print "  no meaning: " $1; bad = 1 } END { exit bad }' "$tmp/table"
check "every key of wpsim keys --table has six fields and a meaning" $?
[ "$(wc -l <"$tmp/table")" -eq "$(wc -l <"$tmp/names")" ]
check "wpsim keys --table and --names list as many keys" $?
"$wpsim" run "$tmp/min.ini" -s writeback.jobs=1 >/dev/null 2>&1
[ $? -eq 2 ]
check "loader refuses an actor key in [writeback]" $?

# A scenario per kind of actor with every key at its listed default (file_size and
# size 64k, so that the group has a range), then every word of each "one of" key.
kinds="writer faulter reader truncator syncer mapper"
tab=$(printf '\t')
for k in $kinds; do
	awk -F '\t' -v kind="$k" '
		{ split($1, p, "."); sect[NR] = p[1]; key[NR] = p[2]; def[NR] = $3; kinds[NR] = $5 }
		END {
			n = split("global writeback reclaim blockgc cpu", secs, " ")
			for (s = 1; s <= n; s++) {
				print "[" secs[s] "]"
				if (secs[s] == "global")
					print "file_size = 64k"
				for (i = 1; i <= NR; i++)
					if (sect[i] == secs[s] && def[i] != "" && key[i] != "file_size")
						print key[i] " = " def[i]
			}
			print "[g]\nkind = " kind "\nsize = 64k"
			for (i = 1; i <= NR; i++)
				if (sect[i] == "NAME" && def[i] != "" &&
				    (kinds[i] == "" || index(", " kinds[i] ", ", ", " kind ", ")))
					print key[i] " = " def[i]
		}' "$tmp/table" >"$tmp/all-$k.ini"
	"$wpsim" run "$tmp/all-$k.ini" >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc -eq 0 ]
	check "a $k scenario with every key at its listed default runs (exit $rc: $(head -c 200 "$tmp/err"))" $?
done
# key<TAB>kind<TAB>value for every word of a "one of" key (not kind: a file per kind)
awk -F '\t' '$4 !~ /\.\./ && $4 ~ /^[a-z0-9.-]+(, [a-z0-9.-]+)+$/ && $1 != "NAME.kind" {
		k = $5 == "" ? "writer" : $5
		sub(/,.*/, "", k)
		n = split($4, v, ", ")
		for (i = 1; i <= n; i++)
			print $1 "\t" ($1 == "NAME.op" && v[i] ~ /remap|mprotect/ ? "mapper" : k) "\t" v[i]
	}' "$tmp/table" >"$tmp/words"
[ "$(wc -l <"$tmp/words")" -gt 20 ]
check "wpsim keys --table lists the words of the one-of keys" $?
while IFS=$tab read -r key k v; do
	s=${key%%.*}
	[ "$s" = NAME ] && s=g
	"$wpsim" run "$tmp/all-$k.ini" -s "$s.${key#*.}=$v" >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc -eq 0 ]
	check "$key = $v, a listed value, runs (exit $rc: $(head -c 200 "$tmp/err"))" $?
done <"$tmp/words"

# Outcomes: every name=value line a run prints is in `wpsim help outcomes`, and every
# outcome there is a row of docs/design.md, "Outcomes", with the same unit.
"$wpsim" help outcomes >"$tmp/outcomes"
locks=$(sed -n 's/.*L is one of \(.*\)\./\1/p' "$tmp/outcomes" | tr -d ',')
"$wpsim" run scenarios/generic-346.ini -s global.file_size=256k -s pwriter.size=256k \
	-s mmapper.size=256k >"$tmp/run" 2>/dev/null
grep -q '^lock_' "$tmp/run"
check "a run prints lock figures" $?
for n in $(sed -n 's/^\([a-z_A-Z0-9]*\)=.*/\1/p' "$tmp/run"); do
	found=1
	grep -q "^$n (" "$tmp/outcomes" && found=0
	for l in $locks; do
		case "$n" in lock_"$l"_*) grep -q "^lock_L_${n#lock_"$l"_} (" "$tmp/outcomes" && found=0 ;; esac
	done
	check "outcome $n is in wpsim help outcomes" $found
done
sed -n 's/^\([a-zA-Z_0-9]*\) (\(.*\))$/\1\t\2/p' "$tmp/outcomes" >"$tmp/units"
[ -s "$tmp/units" ]
check "wpsim help outcomes lists names and units" $?
while IFS=$tab read -r n u; do
	grep -qF "| \`$n\` | $u |" docs/design.md
	check "docs/design.md lists outcome $n in $u" $?
done <"$tmp/units"

# --version: git describe of the build, stored in run.version
v=$("$wpsim" --version | sed -n 's/^wpsim //p')
if git describe --always --dirty >"$tmp/describe" 2>/dev/null; then
	[ "$v" = "$(cat "$tmp/describe")" ]
	check "wpsim --version ($v) is git describe ($(cat "$tmp/describe"))" $?
fi
if command -v sqlite3 >/dev/null; then
	"$wpsim" run "$tmp/min.ini" --db "$tmp/v.db" >/dev/null 2>&1
	[ "$(sqlite3 "$tmp/v.db" 'SELECT DISTINCT version FROM run')" = "$v" ]
	check "run.version is wpsim --version" $?
fi

# Bash completion, as generated by the program (make test builds it: not a skip)
[ -f "$build/wpsim.bash" ]
check "the build made the completion ($build/wpsim.bash)" $?
if command -v bash >/dev/null && [ -f "$build/wpsim.bash" ]; then
	complete_line() { # the line typed so far; prints the replies, one a line
		bash -c '. "$1"; COMP_LINE=$2; COMP_POINT=${#2}; _wpsim; printf "%s\n" "${COMPREPLY[@]}"' \
			sh "$build/wpsim.bash" "$1" 2>/dev/null
	}
	bash -c ". '$build/wpsim.bash'; complete -p wpsim" >/dev/null 2>&1
	check "the completion registers for wpsim" $?
	complete_line "wpsim " >"$tmp/c"
	for c in $cmds; do
		grep -qx "$c" "$tmp/c"
		check "completion offers the command $c" $?
	done
	for c in $cmds; do
		complete_line "wpsim $c --" >"$tmp/c"
		for o in $("$wpsim" "$c" --help | sed -n 's/^  \(--[-a-z]*\).*/\1/p'); do
			grep -qx -- "$o" "$tmp/c"
			check "completion offers $c $o" $?
		done
	done
	complete_line "wpsim run scenarios/generic-346.ini -s " >"$tmp/c"
	grep -v '^NAME\.' "$tmp/names" | sed 's/$/=/' | sort >"$tmp/want"
	sed -n 's/^NAME\.\(.*\)/pwriter.\1=/p' "$tmp/names" >>"$tmp/want"
	sort -o "$tmp/want" "$tmp/want"
	sort "$tmp/c" | comm -23 "$tmp/want" - | head -3 >"$tmp/missing"
	[ ! -s "$tmp/missing" ]
	check "completion of -s offers every key ($(tr '\n' ' ' <"$tmp/missing"))" $?
	complete_line "wpsim run x.ini -s global.punch=p" | grep -qx punch-clean
	check "completion of -s global.punch=p offers punch-clean" $?
fi

# make install into a scratch root: the binary runs, the man page renders, the
# completion loads, the data files are there. VERSION as built, so nothing is rebuilt.
root=$tmp/root
if make -s install BUILD="$build" DESTDIR="$root" VERSION="$v" >"$tmp/install" 2>&1; then
	check "make install DESTDIR=..." 0
	"$root/usr/local/bin/wpsim" --version | grep -qxF "wpsim $v"
	check "the installed wpsim runs" $?
	[ -f "$root/usr/local/share/wpsim/configs/devices/nvme.ini" ] &&
		[ -f "$root/usr/local/share/wpsim/scenarios/generic-346.ini" ]
	check "the data files are installed under share/wpsim" $?
	if command -v groff >/dev/null; then
		groff -man -Tutf8 -ww -z "$root/usr/local/share/man/man1/wpsim.1" >"$tmp/groff" 2>&1 &&
			[ ! -s "$tmp/groff" ]
		check "groff renders the man page without warnings ($(head -c 200 "$tmp/groff"))" $?
	fi
	if command -v man >/dev/null; then
		MANWIDTH=80 man -l "$root/usr/local/share/man/man1/wpsim.1" 2>/dev/null >"$tmp/man"
		grep -q "leaked_delalloc_blocks" "$tmp/man" && grep -q "SCENARIO KEYS" "$tmp/man"
		check "man -l shows the keys and outcomes" $?
	fi
	bash -c ". '$root/usr/local/share/bash-completion/completions/wpsim'; complete -p wpsim" \
		>/dev/null 2>&1
	check "the installed completion loads in bash" $?
else
	cat "$tmp/install"
	check "make install DESTDIR=..." 1
fi

echo "help: $pass passed, $fail failed"
[ $fail -eq 0 ]
