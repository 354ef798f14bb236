#!/bin/sh
# normalize.sh: reduce an xfs_io transcript (stdin) to the facts the model must
# reproduce, one per line, in order (stdout). Used on both the kernel's golden
# output (data/kernel/out/*.out) and the model's (`wpsim io`) by run.sh.
#
# Kept:
#   bmap table rows    -> "bmap EXT [start..end] TYPE TOTAL" for holes and
#                         delalloc, "bmap EXT [start..end] TYPE TOTAL at a..b [agN]"
#                         for real extents: where the allocator put them (the
#                         BLOCK-RANGE column in 512-byte units, and the AG with -v)
#                         TYPE: hole | delalloc | written | unwritten
#                         (unwritten = FLAGS column has the 0010000 bit, which
#                         needs bmap -vp; without -p/-v unwritten shows as written)
#   "FILE: no extents" -> "bmap no extents"
#   stat.size, stat.blocks, fsxattr.nextents
#   statfs.f_blocks, statfs.f_bavail
#   "wrote N/N bytes at offset X", "read N/N bytes at offset X"
#   pread -v hex dump lines ("0000fffa:  00 00 ...  ....")
#   error lines ("CMD: Errno text", e.g. "pwrite: No space left on device")
# Dropped: everything else (timing lines, bmap headers and the FLAG legend,
#   fd.*, stat.ino/type, fsxattr.* other than nextents, dioattr.*, geom.*,
#   counts.*, other statfs fields).
#
# awk and sed only (CI may have no python).
exec awk '
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
# total of a [a..b] range, in 512-byte units
function span(r,   a, b) {
	a = r; sub(/^\[/, "", a); sub(/\.\..*/, "", a)
	b = r; sub(/.*\.\./, "", b); sub(/\].*/, "", b)
	return b - a + 1
}
{ sub(/\r$/, "") }

# bmap, verbose table row: "   0: [0..2047]:  delalloc   2048" or
# "   0: [0..2047]:  192..2239  0 (192..2239)  2048 010000"
/^[ \t]*[0-9]+: \[-?[0-9]+\.\.-?[0-9]+\]: / {
	n = split(trim($0), f, /[ \t]+/)
	ext = f[1]; sub(/:$/, "", ext)
	rng = f[2]; sub(/:$/, "", rng)
	what = f[3]
	where = ""
	if (what == "hole" || what == "delalloc") {
		type = what
		# verbose: last field is TOTAL; terse (-l): "N blocks"; terse: none
		if (f[n] == "blocks") total = f[n - 1]
		else if (n >= 4 && f[n] ~ /^[0-9]+$/) total = f[n]
		else total = span(rng)
	} else if (f[n] == "blocks") {          # terse -l: "a..b N blocks"
		type = "written"; total = f[n - 1]; where = " at " what
	} else if (n == 3) {                    # terse: "a..b"
		type = "written"; total = span(rng); where = " at " what
	} else {
		# verbose: BLOCK-RANGE AG (AG-OFFSET) TOTAL [FLAGS]
		# the AG-offset column is "(a..b)"; TOTAL follows it
		for (i = 4; i <= n; i++) if (f[i] ~ /^\(/) break
		total = f[i + 1]
		type = "written"
		where = " at " what " ag" f[4]
		if (i + 2 <= n) {
			flags = f[i + 2]
			if (length(flags) >= 5 && substr(flags, length(flags) - 4, 1) == "1")
				type = "unwritten"
		}
	}
	printf "bmap %s %s %s %s%s\n", ext, rng, type, total, where
	next
}
/^[^ \t]+: no extents$/ { print "bmap no extents"; next }

/^stat\.size = /        { print; next }
/^stat\.blocks = /      { print; next }
/^fsxattr\.nextents = / { print; next }
/^statfs\.f_blocks = /  { print; next }
/^statfs\.f_bavail = /  { print; next }

/^(wrote|read) [0-9]+\/[0-9]+ bytes at offset [0-9]+$/ { print; next }

# pread -v dump: 8+ hex digits, colon, two spaces, bytes
/^[0-9a-f]+:  [0-9a-f][0-9a-f]( |$)/ { print; next }

# errors: "pwrite: No space left on device", "fallocate: Invalid argument", ...
/^[A-Za-z_][A-Za-z0-9_]*: [A-Z][A-Za-z0-9 ,\/()-]*$/ { print; next }
/: (No space left on device|Invalid argument|Operation not supported|Input\/output error|File too large|Bad address|Disk quota exceeded|Operation not permitted|Permission denied|Bad file descriptor|Read-only file system|Value too large for defined data type|No such device|Text file busy|Device or resource busy|Numerical result out of range|Resource temporarily unavailable|Interrupted system call|Cannot allocate memory)$/ { print; next }

{ next }
'
