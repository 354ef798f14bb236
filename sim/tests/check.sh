# check.sh: the pass/fail counting the shell suites share. Sourced, not run:
#   . "$(dirname "$0")/check.sh"
# then `check DESCRIPTION STATUS` counts STATUS 0 as passed, anything else as failed,
# and prints one "  ok   ..." or "  FAIL ..." line; $pass and $fail hold the counts.
pass=0
fail=0

check() { # description, exit status of the condition
	if [ "$2" -eq 0 ]; then
		pass=$((pass + 1))
		echo "  ok   $1"
	else
		fail=$((fail + 1))
		echo "  FAIL $1"
	fi
}
