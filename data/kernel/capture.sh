#!/bin/bash
# capture.sh: run the differential-suite scripts against the real kernel's XFS and
# record what xfs_io prints.  This output is the specification the model is tested
# against (sim/tests/diff/run.sh); see data/kernel/README.md.
#
#   capture.sh [NAME...]        capture data/kernel/out/NAME.out for every
#                               scripts/*.xfsio (or only the NAMEs given), record
#                               xfs_io's exit status in out/exit-status ("NAME RC";
#                               xfs_io exits 1 when a command failed, e.g. ENOSPC)
#                               and the kernel it ran on in out/NAME.kernel (uname -r:
#                               sim/tests/diff/run.sh runs the model under that
#                               version's preset), and rewrite data/kernel/ENV
#   capture.sh --check [NAME...]  run each script twice more into a scratch dir
#                               and compare the normalized outputs with each other
#                               and with out/NAME.out (determinism check);
#                               writes nothing under data/kernel
#   capture.sh --geometry       rewrite data/kernel/geometry.txt (mkfs geometry and
#                               free-space figures for several filesystem sizes)
#
# Needs root, loop devices, xfsprogs (mkfs.xfs, xfs_io, xfs_info, xfs_db).
#
# A script is a list of xfs_io commands, one per line; '#' starts a comment.
# Header comments may set the filesystem:
#   # mkfs-size: 512m         image size (default 1g; mkfs.xfs refuses < 300m)
#   # mkfs-opts: -b size=1k   extra mkfs.xfs options
# Every script runs on a fresh filesystem, in its root directory, on a file called
# `file` opened with `xfs_io -f`.

# `make kernel-capture` runs us with sh: re-exec under bash.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
scripts=$here/scripts
normalize=$root/sim/tests/diff/normalize.sh

die() { echo "capture.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (loop mounts)"
for t in mkfs.xfs xfs_io xfs_info xfs_db losetup mount umount truncate; do
	command -v "$t" >/dev/null 2>&1 || die "$t not found (apt-get install xfsprogs)"
done

# xfs_io's stdout is block-buffered into a file while its error messages go to
# unbuffered stderr; line-buffer stdout so errors land where they happened.
if command -v stdbuf >/dev/null 2>&1; then
	linebuf="stdbuf -oL"
else
	linebuf=""
	echo "capture.sh: warning: no stdbuf, error lines may be out of order" >&2
fi

# ---- one fresh filesystem at a time -------------------------------------------

tmp=""     # unique scratch dir of this run
mnt=""     # mount point currently mounted, if any
loopdev="" # loop device currently attached, if any
last_rc=0  # exit status of the last xfs_io run

cleanup() {
	cd /
	if [ -n "$mnt" ] && mountpoint -q "$mnt" 2>/dev/null; then
		umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
	fi
	mnt=""
	if [ -n "$loopdev" ]; then
		losetup -d "$loopdev" 2>/dev/null || true
	fi
	loopdev=""
}

cleanup_all() {
	cleanup
	if type trace_end >/dev/null 2>&1; then trace_end; fi
	if [ -n "$tmp" ]; then rm -rf "$tmp"; fi
}
trap cleanup_all EXIT
trap 'exit 130' INT TERM HUP

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wpsim-capture.XXXXXX")

# fresh_fs SIZE OPTS: make $tmp/img (sparse) of SIZE with mkfs.xfs OPTS
fresh_fs() {
	rm -f "$tmp/img"
	truncate -s "$1" "$tmp/img"
	# shellcheck disable=SC2086
	mkfs.xfs -f -q $2 "$tmp/img" || die "mkfs.xfs -f -q $2 (size $1) failed"
}

# mount_fs: attach $tmp/img to a free loop device and mount it on $tmp/mnt
mount_fs() {
	mkdir -p "$tmp/mnt"
	# losetup --find --show retries internally if another process takes the
	# device it found first; we keep the name so cleanup detaches exactly it.
	loopdev=$(losetup --find --show "$tmp/img") || die "losetup failed"
	mount "$loopdev" "$tmp/mnt" || die "mount $loopdev failed"
	mnt=$tmp/mnt
}

# header VALUE-NAME FILE: value of a '# NAME: value' header line (last one wins)
header() {
	sed -n "s/^#[[:space:]]*$1:[[:space:]]*//p" "$2" | tail -n 1 | sed 's/[[:space:]]*$//'
}

# run_script FILE OUT: run one script on a fresh filesystem, transcript to OUT
run_script() {
	local f=$1 out=$2 size opts line rc
	size=$(header mkfs-size "$f")
	opts=$(header mkfs-opts "$f")
	[ -n "$size" ] || size=1g
	local -a args=()
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%%#*}
		line=$(printf '%s' "$line" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
		[ -n "$line" ] || continue
		args+=(-c "$line")
	done <"$f"
	[ ${#args[@]} -gt 0 ] || die "$f: no commands"

	fresh_fs "$size" "$opts"
	mount_fs
	cd "$mnt"
	rc=0
	$linebuf xfs_io -f "${args[@]}" file >"$out" 2>&1 || rc=$?
	cd /
	cleanup
	last_rc=$rc
}

# record_rc NAME RC: keep out/exit-status ("NAME RC" lines, sorted) up to date
record_rc() {
	local st=$here/out/exit-status
	{
		if [ -f "$st" ]; then awk -v n="$1" '$1 != n' "$st"; fi
		echo "$1 $2"
	} | LC_ALL=C sort >"$st.tmp"
	mv "$st.tmp" "$st"
}

# names ARGS: the script names to run (all of scripts/*.xfsio if none given)
names() {
	if [ $# -gt 0 ]; then
		for n in "$@"; do
			n=${n%.xfsio}
			n=${n##*/}
			[ -f "$scripts/$n.xfsio" ] || die "no such script: $scripts/$n.xfsio"
			echo "$n"
		done
	else
		for f in "$scripts"/*.xfsio; do
			[ -f "$f" ] || die "no scripts in $scripts"
			n=${f##*/}
			case $n in *[[:space:]]*) die "script name with white space: $n" ;; esac
			echo "${n%.xfsio}"
		done
	fi
}

# ---- ENV ------------------------------------------------------------------------

write_env() {
	local e=$here/ENV
	{
		echo "# Environment of the last capture (data/kernel/capture.sh)."
		echo "date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
		echo "uname -r: $(uname -r)"
		echo "uname -m: $(uname -m)"
		echo "xfs_io -V: $(xfs_io -V)"
		echo "mkfs.xfs -V: $(mkfs.xfs -V)"
		echo "dirty_background_ratio: $(cat /proc/sys/vm/dirty_background_ratio)"
		echo "dirty_ratio: $(cat /proc/sys/vm/dirty_ratio)"
		echo "dirty_expire_centisecs: $(cat /proc/sys/vm/dirty_expire_centisecs)"
		echo "dirty_writeback_centisecs: $(cat /proc/sys/vm/dirty_writeback_centisecs)"
		echo "fs.xfs.speculative_prealloc_lifetime: $(cat /proc/sys/fs/xfs/speculative_prealloc_lifetime 2>/dev/null || echo '?')"
		echo "page size: $(getconf PAGESIZE)"
		echo
		echo "# xfs_info of a fresh default 1 GiB filesystem (truncate -s 1g; mkfs.xfs -f -q):"
		fresh_fs 1g ""
		mount_fs
		xfs_info "$mnt" | sed "s|$loopdev|IMG|"
		echo
		echo "# statfs of the same, empty:"
		touch "$mnt/file"
		xfs_io -c "statfs" "$mnt/file" | grep '^statfs\.'
		cleanup
	} >"$e.tmp"
	mv "$e.tmp" "$e"
}

# ---- geometry.txt ---------------------------------------------------------------

# Per-AG metadata reservations are taken from the free-block counter at mount and
# are visible only through the xfs_ag_resv_init tracepoint. We read it through a
# private tracefs mount and trace instance (nothing global is changed); if that is
# not possible the lines are just left out.
trace_dir=""
trace_begin() {
	trace_dir=""
	mkdir -p "$tmp/tracefs"
	mountpoint -q "$tmp/tracefs" || mount -t tracefs nodev "$tmp/tracefs" 2>/dev/null || return 0
	local i=$tmp/tracefs/instances/wpsim-capture-$$
	mkdir "$i" 2>/dev/null || return 0
	if echo 1 >"$i/events/xfs/xfs_ag_resv_init/enable" 2>/dev/null; then
		trace_dir=$i
	else
		rmdir "$i" 2>/dev/null || true
	fi
}
trace_end() {
	if [ -n "$trace_dir" ]; then
		echo 0 >"$trace_dir/events/xfs/xfs_ag_resv_init/enable" 2>/dev/null || true
		rmdir "$trace_dir" 2>/dev/null || true
	fi
	trace_dir=""
	if mountpoint -q "$tmp/tracefs" 2>/dev/null; then umount "$tmp/tracefs" 2>/dev/null || true; fi
}

geometry_one() {
	local size=$1 n ag majmin bavail fdb resblks resv
	fresh_fs "$size" ""
	trace_begin
	mount_fs
	echo "== size $size"
	xfs_info "$mnt" | sed "s|$loopdev|IMG|"
	touch "$mnt/file"
	xfs_io -c statfs "$mnt/file" | grep -E '^statfs\.(f_bsize|f_blocks|f_bavail|f_files|f_ffree)'
	bavail=$(xfs_io -c statfs "$mnt/file" | sed -n 's/^statfs\.f_bavail = //p')
	resblks=$(xfs_io -x -c resblks "$mnt/file" | sed -n 's/^reserved blocks = //p')
	echo "resblks (xfs_io -x -c resblks: reserve pool) = $resblks"
	resv=""
	if [ -n "$trace_dir" ]; then
		majmin=$(printf '%d:%d' "0x$(stat -c %t "$loopdev")" "0x$(stat -c %T "$loopdev")")
		echo "-- per-AG reservations at mount (tracepoint xfs_ag_resv_init; type 2 = metadata"
		echo "   (finobt+refcountbt), 3 = rmapbt; reserved = ask - used, hidden from fdblocks):"
		# the AGs are initialised more than once during mount: keep the last of each
		grep "xfs_ag_resv_init: dev $majmin " "$trace_dir/trace" |
			sed 's/.*agno \(0x[0-9a-f]*\) resv \([0-9]*\) freeblks \([0-9]*\) flcount \([0-9]*\) resv \([0-9]*\) ask \([0-9]*\) len \([0-9]*\).*/\1 \2 \3 \4 \5 \6 \7/' |
			awk 'function hex(x,  i, r) { x = tolower(substr(x, 3)); r = 0
			         for (i = 1; i <= length(x); i++) r = r * 16 + index("0123456789abcdef", substr(x, i, 1)) - 1
			         return r }
			     { k = $1 " " $2; v[k] = $0; if (!(k in seen)) { seen[k] = 1; o[++n] = k } }
			     END { for (i = 1; i <= n; i++) { split(v[o[i]], f, " ")
			           printf "ag %d type %d: freeblks %d flcount %d reserved %d ask %d len %d\n",
			                  hex(f[1]), f[2], f[3], f[4], f[5], f[6], f[7] } }' >"$tmp/resv" 2>/dev/null ||
			: >"$tmp/resv"
		cat "$tmp/resv"
		resv=$(awk '{ s += $10 } END { print s + 0 }' "$tmp/resv")
	fi
	cleanup
	trace_end
	n=$(xfs_db -r -c "sb 0" -c "print agcount" "$tmp/img" | sed 's/.*= *//')
	echo "-- xfs_db freesp -s (after unmount):"
	xfs_db -r -c "freesp -s" "$tmp/img"
	echo "-- per AG (agf N: freeblks flcount longest btreeblks):"
	ag=0
	while [ "$ag" -lt "$n" ]; do
		printf 'ag %d: %s\n' "$ag" "$(xfs_db -r -c "agf $ag" -c "print freeblks flcount longest btreeblks" "$tmp/img" | tr '\n' ' ' | sed 's/ *$//')"
		ag=$((ag + 1))
	done
	echo "-- sb: $(xfs_db -r -c 'sb 0' -c 'print dblocks agblocks logblocks fdblocks icount ifree' "$tmp/img" | tr '\n' ' ' | sed 's/ *$//')"
	fdb=$(xfs_db -r -c 'sb 0' -c 'print fdblocks' "$tmp/img" | sed 's/.*= *//')
	if [ -n "$resv" ] && [ -n "$resblks" ]; then
		echo "-- check: fdblocks - resblks - sum(reserved) - 8*agcount = $fdb - $resblks - $resv - $((8 * n)) = $((fdb - resblks - resv - 8 * n)); statfs.f_bavail = $bavail"
	fi
	echo
}

# free-space effect of a few writes on the default 1 GiB filesystem
geometry_writes() {
	fresh_fs 1g ""
	mount_fs
	cd "$mnt"
	echo "== 1g: f_bavail and stat.blocks through a few writes (one xfs_io session)"
	xfs_io -f -c "statfs" -c "pwrite -q 0 4k" -c "bmap -elvp" -c "stat" -c "statfs" \
		-c "pwrite -q -b 4k 0 1m" -c "bmap -elvp" -c "stat" -c "statfs" \
		-c "fsync" -c "bmap -elvp" -c "stat" -c "statfs" file |
		awk 'BEGIN { l[0] = "-- fresh filesystem, empty file"
			     l[1] = "-- after pwrite 0 4k (one block into a hole)"
			     l[2] = "-- after pwrite -b 4k 0 1m (overwrites that block, appends the rest)"
			     l[3] = "-- after fsync" ; print l[0] }
		     /EXT:/ { print l[++s] }
		     /statfs.f_bavail|stat.blocks|stat.size|nextents|: \[/ { print }'
	echo "-- after close (xfs_release trims the post-EOF blocks) and reopen"
	xfs_io -c "stat" -c "statfs" file | grep -E 'statfs.f_bavail|stat.blocks|stat.size|nextents'
	cd /
	cleanup
	echo
}

write_geometry() {
	local g=$here/geometry.txt s
	{
		echo "# Fresh default XFS filesystems (mkfs.xfs -f -q on a sparse image) on"
		echo "# $(uname -r), $(mkfs.xfs -V). Written by capture.sh --geometry."
		echo "# For each size: xfs_info; statfs of the mounted, empty filesystem (one empty"
		echo "# file created); the reserve pool (resblks) and the per-AG metadata reservations"
		echo "# made at mount; after unmount, xfs_db freesp -s, each AG's AGF free-block count"
		echo "# (freeblks), free-list count (flcount), longest free extent and btreeblks, and"
		echo "# the superblock counters; last, the free-space formula checked against statfs."
		echo "# All counts in filesystem blocks (4096 bytes). 300m is the smallest size"
		echo "# mkfs.xfs $(mkfs.xfs -V | sed 's/.* //') accepts."
		echo
		for s in 300m 512m 1g 2g 4g 16g 64g; do
			geometry_one "$s"
		done
		geometry_writes
	} >"$g.tmp"
	mv "$g.tmp" "$g"
}

# ---- main -----------------------------------------------------------------------

mode=capture
case "${1:-}" in
--check) mode=check; shift ;;
--geometry) mode=geometry; shift ;;
-h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
-*) die "unknown option $1" ;;
esac

case $mode in
geometry)
	write_geometry
	echo "wrote $here/geometry.txt"
	;;
capture)
	mkdir -p "$here/out"
	list=$(names "$@")
	for n in $list; do
		printf 'capture %s\n' "$n"
		run_script "$scripts/$n.xfsio" "$here/out/$n.out.tmp"
		mv "$here/out/$n.out.tmp" "$here/out/$n.out"
		record_rc "$n" "$last_rc"
		uname -r >"$here/out/$n.kernel"
	done
	write_env
	echo "wrote $(echo "$list" | wc -w) transcripts in $here/out and $here/ENV"
	;;
check)
	[ -x "$normalize" ] || [ -f "$normalize" ] || die "$normalize missing"
	list=$(names "$@")
	bad=0
	for n in $list; do
		run_script "$scripts/$n.xfsio" "$tmp/$n.1"
		rc1=$last_rc
		run_script "$scripts/$n.xfsio" "$tmp/$n.2"
		rc2=$last_rc
		rc0=$(awk -v n="$n" '$1 == n { print $2 }' "$here/out/exit-status" 2>/dev/null || true)
		if [ "$rc1" != "$rc2" ] || { [ -n "$rc0" ] && [ "$rc0" != "$rc1" ]; }; then
			echo "exit status: recorded ${rc0:-none}, runs $rc1 $rc2"
			bad=1
		fi
		sh "$normalize" <"$tmp/$n.1" >"$tmp/$n.1n"
		sh "$normalize" <"$tmp/$n.2" >"$tmp/$n.2n"
		st="same"
		if ! cmp -s "$tmp/$n.1n" "$tmp/$n.2n"; then
			st="NONDETERMINISTIC"
			bad=1
			diff "$tmp/$n.1n" "$tmp/$n.2n" | head -20
		elif [ -f "$here/out/$n.out" ]; then
			sh "$normalize" <"$here/out/$n.out" >"$tmp/$n.0n"
			if ! cmp -s "$tmp/$n.0n" "$tmp/$n.1n"; then
				st="DIFFERS-FROM-out/$n.out"
				bad=1
				diff "$tmp/$n.0n" "$tmp/$n.1n" | head -20
			fi
		fi
		printf '%-8s %s\n' "$st" "$n"
	done
	exit $bad
	;;
esac
