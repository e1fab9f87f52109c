#!/bin/sh
# Runs every test suite and prints the total as its last line:
#   N passed, N failed
# Suites speak TAP ("ok N - name" / "not ok N - name"); unit tests are
# cmocka binaries, HTTP tests are Python scripts that start the real binary.
#
# usage: tests/run.sh MASTHEAD_BINARY UNIT_TEST_DIR
bin=$1
unitdir=$2
top=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT INT TERM
passed=0
failed=0

# Counts the TAP lines in $2 and adds them to the totals; a suite that
# exits non-zero without reporting a failure still counts as one.
tally() {
	p=$(grep -c '^ok ' "$2")
	f=$(grep -c '^not ok ' "$2")
	if [ "$3" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $1 exited with status $3" >> "$2"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	printf '%-28s %4d passed, %d failed\n' "$1" "$p" "$f"
	if [ "$f" != 0 ]; then
		grep -B2 -A12 '^not ok ' "$2" | sed 's/^/    /'
	fi
}

export MASTHEAD_BIN="$top/$bin"
export MASTHEAD_TOP="$top"
export CMOCKA_MESSAGE_OUTPUT=TAP

for t in "$unitdir"/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	( cd "$top" && "$t" ) > "$log/$name" 2>&1
	tally "unit/$name" "$log/$name" $?
done

for t in "$top"/tests/http/test_*.py; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .py)
	( cd "$top" && /usr/bin/python3 "$t" ) > "$log/$name" 2>&1
	tally "http/$name" "$log/$name" $?
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
