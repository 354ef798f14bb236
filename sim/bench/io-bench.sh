#!/bin/sh
# `wpsim io` throughput: 10^5 4 KiB pwrites (one pwrite command with -b 4k over
# 400 MiB), timed on the host.
wpsim=$1
start=$(date +%s.%N)
"$wpsim" io -c "pwrite -q -b 4k 0 400m" -c "fsync" >/dev/null
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN {
	t = e - s
	printf "wpsim io 100000 x 4 KiB pwrite + fsync: %.3f s (%.0f writes/s)\n", t, 100000 / t
}'
