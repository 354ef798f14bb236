#!/bin/sh
# Lay the [cpu] keys of a cost file over the built-in defaults of the [cpu] section
# (the CPU(key, "...") lines of sim/config/scenario_keys.c), so that the table stays
# the file's copy; test-config checks the two agree (docs/scenarios.md, "Cost files").
#   tools/calibrate/defaults.sh configs/cpu/linux-6.18.ini
file=${1:?usage: defaults.sh COST_FILE}
keys=sim/config/scenario_keys.c
sed -n '/^\[cpu\]$/,$p' "$file" | sed -n 's/^\([a-z0-9_]*\) = \(.*\)$/\1 \2/p' |
	while read -r key value; do
		grep -q "^	CPU($key, \"" "$keys" || {
			echo "defaults.sh: no CPU($key, ...) line in $keys" >&2
			exit 1
		}
		sed -i "s|^	CPU($key, \"[^\"]*\")|	CPU($key, \"$value\")|" "$keys"
	done
