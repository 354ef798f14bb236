#!/bin/sh
# The calibration program (tools/calibrate, `make kernel-calibrate`), tested for what
# it measures, not for how fast this machine is: run in its quick mode on a loop-mounted
# XFS, its cost file must be well formed, accepted by the scenario loader, carry every
# check each measurement makes with the kernel's answer equal to the one expected
# (faults taken, pages cached, PTEs present, blocks and extents), and leave no mount,
# loop device or directory behind, on success and on failure. Where a loop mount is
# impossible (not root, no losetup or mkfs.xfs, no loop device) it says so and skips.
# Ends with "calibrate: N passed, N failed[, N skipped]".
#   sim/tests/calibrate.sh BUILD_DIR
build=${1:-build}
cal=$build/calibrate
wpsim=$build/wpsim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "$0")/check.sh"

skip() {
	echo "  skipped: $1"
	echo "calibrate: $pass passed, $fail failed, 1 skipped"
	exit 0
}

[ "$(id -u)" -eq 0 ] || skip "not root: the program mounts an XFS image"
command -v losetup >/dev/null 2>&1 || skip "no losetup"
command -v mkfs.xfs >/dev/null 2>&1 || skip "no mkfs.xfs"
[ -e /dev/loop-control ] || skip "no /dev/loop-control: no loop devices here"
grep -qw xfs /proc/filesystems || modprobe xfs 2>/dev/null || skip "no XFS in this kernel"
[ -x "$cal" ] || skip "$cal not built"

# what a run left of its working directory (named on its stderr): mounts, loop
# devices, the directory itself, one line each
leftovers() {
	dir=$(sed -n 's/^calibrate: working in //p' "$1")
	[ -n "$dir" ] || {
		echo "no working directory named"
		return
	}
	grep " $dir/" /proc/mounts
	losetup -a | grep "$dir/"
	ls -d "$dir" 2>/dev/null
}

"$cal" --quick "$tmp/quick.ini" >"$tmp/out" 2>&1
rc=$?
check "calibrate --quick exits 0 (got $rc)" "$rc"
if [ "$rc" -ne 0 ]; then
	cat "$tmp/out"
	# the checks whose observed value is not the expected one
	grep '^# check ' "$tmp/quick.ini" 2>/dev/null | awk -F', ' '$(NF - 1) != $NF'
fi
f=$tmp/quick.ini
[ -z "$(leftovers "$tmp/out")" ]
check "nothing left mounted, attached or on disk after a run" $?

grep -q "^# kernel: Linux $(uname -r) " "$f"
check "the header names the running kernel" $?
grep -q '^# cpu: ..*, [0-9][0-9]* online$' "$f" && grep -q '^# date: [0-9-]*T[0-9:]*Z$' "$f" &&
	grep -q '^# method: ' "$f" && grep -q '^# mode: quick, 40 samples' "$f"
check "the header names the CPU, the date, the method and the mode" $?

# every measurement has a median and a spread, every key is a lognormal of them
bad=$(sed -n '/^# measurement/,/^# derived/p' "$f" | sed '1d;$d' |
	awk '!($2 ~ /^[a-z0-9_]+$/ && $3 > 0 && $4 > 0 && $5 >= 0) { print }')
nmeas=$(sed -n '/^# measurement/,/^# derived/p' "$f" | sed '1d;$d' | wc -l)
check "$nmeas measurements, each with samples, a median > 0 and a sigma >= 0" \
	"$([ -z "$bad" ] && [ "$nmeas" -ge 20 ] && echo 0 || echo 1)"
keys=$(sed -n '/^\[cpu\]$/,$p' "$f" | sed '1d')
badkey=$(printf '%s\n' "$keys" | grep -Ev '^[a-z0-9_]+ = lognormal\([0-9.]+ns, [0-9.]+\)$')
check "a [cpu] section of $(printf '%s\n' "$keys" | wc -l) keys, each lognormal(MEAN, CV)" \
	"$([ -z "$badkey" ] && [ -n "$keys" ] && echo 0 || echo 1)"

# what each measurement measured: the kernel's answer, and the one expected
for name in write_cached write_absent write_mapped_src read_hole_1m fault_anon fault_wp \
	fault_absent fault_hole mprotect_empty_512 mprotect_full_512 truncate_1 truncate_64 \
	fpunch_1 fpunch_64 fsync_1 fsync_512; do
	grep -q "^# check $name: " "$f"
	check "$name: checked" $?
done
wrong=$(grep '^# check ' "$f" | awk -F', ' '$(NF) != $(NF - 1)')
check "every check found what the measurement claims ($(grep -c '^# check ' "$f") checks)" \
	"$([ -z "$wrong" ] && echo 0 || echo 1)"
[ -z "$wrong" ] || printf '%s\n' "$wrong"
grep -q '^# check fault_wp: faults, one per write touch, 40, 40$' "$f" &&
	grep -q '^# check fault_absent: PTEs present before, 0, 0$' "$f" &&
	grep -q '^# check fault_wp: PTEs present before the write touches, 40, 40$' "$f"
check "the write-protect fault found its PTEs present, the absent one none, one fault each" $?
grep -q '^# check write_absent: pages of the sparse files cached before, 0, 0$' "$f" &&
	grep -q '^# check write_cached: pages of the order-0 region cached before, 40, 40$' "$f"
check "the cached write found its pages cached, the absent one none" $?

# the scenario loader takes it, and a run under it differs from one under the defaults
mkdir "$tmp/cpu"
cp "$f" "$tmp/cpu/quick.ini"
WPSIM_CPU=$tmp/cpu "$wpsim" run scenarios/generic-346.ini -s global.cpu=quick \
	-s global.file_size=64k -s pwriter.size=64k -s mmapper.size=64k >"$tmp/run" 2>&1
check "wpsim run with global.cpu naming the file exits 0" $?
sed 's/^fault = .*/fault = lognormal(1us)/' "$f" >"$tmp/cpu/broken.ini"
WPSIM_CPU=$tmp/cpu "$wpsim" run scenarios/generic-346.ini -s global.cpu=broken >"$tmp/run" 2>&1
rc=$?
line=$(grep -n '^fault = ' "$tmp/cpu/broken.ini" | cut -d: -f1)
[ "$rc" -eq 2 ] && grep -q "broken.ini:$line: fault = lognormal(1us): " "$tmp/run"
check "a broken copy is refused, exit 2, naming its line $line (got $rc)" $?

# a run that fails (nowhere to write) still cleans up, and says why
"$cal" --quick /nonexistent/dir/x.ini >"$tmp/out" 2>&1
rc=$?
[ "$rc" -ne 0 ] && grep -q '/nonexistent/dir/x.ini' "$tmp/out"
check "a run that cannot write its file fails, naming it (got $rc)" $?
[ -z "$(leftovers "$tmp/out")" ]
check "nothing left mounted, attached or on disk after a failed run" $?
"$cal" >"$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q '^usage: ' "$tmp/out"
check "no arguments: usage, exit 2" $?

echo "calibrate: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
