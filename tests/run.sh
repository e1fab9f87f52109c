#!/bin/sh
# Runs every test suite and prints the total as its last line:
#   N passed, N failed
# Suites speak TAP ("ok N - name" / "not ok N - name"); unit tests are
# cmocka binaries, HTTP tests are Python scripts that start the real binary.
# One throwaway PostgreSQL cluster (tests/pg.sh) serves the whole run: the
# unit tests use it, and the HTTP suites run a second time on it
# ("pg/http/..."), each server on a database copied from one holding the
# demo.  Without PostgreSQL (make test-deps installs it) the run fails.
#
# usage: tests/run.sh MASTHEAD_BINARY UNIT_TEST_DIR
bin=$1
unitdir=$2
top=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp -d)
pgdir=""
pgpid=""
cleanup() {
	if [ -n "$pgpid" ]; then
		kill "$pgpid" 2>/dev/null
		wait "$pgpid" 2>/dev/null
	fi
	if [ -n "$pgdir" ]; then
		sh "$top/tests/pg.sh" stop "$pgdir"
	fi
	rm -rf "$log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
passed=0
failed=0
skipped=0

# Counts the TAP lines in $2 and adds them to the totals; a suite that
# exits non-zero without reporting a failure still counts as one.
tally() {
	p=$(grep -c '^ok ' "$2")
	f=$(grep '^not ok ' "$2" | grep -vc '# SKIP')
	s=$(grep -c '# SKIP' "$2")
	if [ "$3" != 0 ] && [ "$f" = 0 ]; then
		{ echo "not ok - $1 exited with status $3; its last lines:"
		    tail -n 6 "$2" | sed 's/^/#   /'; } > "$2.exit"
		cat "$2.exit" >> "$2"
		rm -f "$2.exit"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	printf '%-28s %4d passed, %d failed%s\n' "$1" "$p" "$f" \
	    "$([ "$s" != 0 ] && echo ", $s skipped")"
	if [ "$f" != 0 ]; then
		grep -B2 -A12 '^not ok ' "$2" | grep -v '# SKIP' | sed 's/^/    /'
		{ echo "$1:"; grep -A6 '^not ok ' "$2" | grep -v '# SKIP' |
		    head -n 30 | sed 's/^/    /'; } >> "$log/failures"
	fi
	grep '^# .*skipped\|# SKIP' "$2" | sed 's/^/    /'
	return 0
}

export MASTHEAD_BIN="$top/$bin"
export MASTHEAD_TOP="$top"
export CMOCKA_MESSAGE_OUTPUT=TAP
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"

# The layer table of docs/architecture.md: no include between families
# that it does not allow, except the known ones of tools/include-debt.txt.
/usr/bin/python3 "$top/tools/include-graph" --check > "$log/includes" 2>&1
tally "arch/includes" "$log/includes" $?

if ! pgwhy=$(sh "$top/tests/pg.sh" check); then
	echo "not ok - PostgreSQL is missing: $pgwhy" > "$log/pg"
	tally "pg/cluster" "$log/pg" 1
else
	pgdir=$(mktemp -u /tmp/masthead-pg.XXXXXX)
	pgt0=$(date +%s)
	if url=$(sh "$top/tests/pg.sh" start "$pgdir" 2>"$log/pg-start"); then
		export MASTHEAD_PG_URL="$url" MASTHEAD_PG_DIR="$pgdir"
	else
		echo "not ok - the cluster did not start" |
		    cat - "$log/pg-start" > "$log/pg"
		tally "pg/cluster" "$log/pg" 1
	fi
	pgstart=$(($(date +%s) - pgt0))
fi

for t in "$unitdir"/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	( cd "$top" && "$t" ) > "$log/$name" 2>&1
	tally "unit/$name" "$log/$name" $?
done

# One demo database, copied afresh by every HTTP test that needs one.
mkdir -p "$log/demo"
if "$top/$bin" demo --db "$log/demo/masthead.db" > "$log/demo.out" 2>&1; then
	export MASTHEAD_DEMO_DIR="$log/demo"
else
	echo "not ok - the demo content does not load" > "$log/demo-load"
	cat "$log/demo.out" >> "$log/demo-load"
	tally "demo" "$log/demo-load" 1
fi

# The HTTP suites run twice: on SQLite, and on PostgreSQL with every
# server on a database copied from one holding the demo (CREATE DATABASE
# ... TEMPLATE).  The two halves share nothing (each suite has its own
# ports, temporary directory and database), so they run at the same time
# unless TEST_JOBS=1; each suite's output and exit status are kept and
# counted afterwards, in order.
run_http() {	# PREFIX: runs every suite, output in $log/PREFIXNAME
	for t in "$top"/tests/http/test_*.py; do
		[ -f "$t" ] || continue
		name=$(basename "$t" .py)
		( cd "$top" && /usr/bin/python3 "$t" ) > "$log/$1$name" 2>&1
		echo $? > "$log/$1$name.rc"
	done
}
run_pg_http() {
	mkdir "$log/pg-media"
	if psql -X -q -d "${MASTHEAD_PG_URL}postgres" \
	    -c "CREATE DATABASE masthead_demo" > "$log/pg-demo" 2>&1 &&
	    "$top/$bin" demo --db "${MASTHEAD_PG_URL}masthead_demo" \
	    --media_dir "$log/pg-media" >> "$log/pg-demo" 2>&1; then
		export MASTHEAD_PG_TEMPLATE=masthead_demo
		export MASTHEAD_PG_MEDIA="$log/pg-media"
		run_http pg-
	else
		echo "not ok - the demo content does not load on PostgreSQL" |
		    cat - "$log/pg-demo" > "$log/pg-demo-load"
	fi
}
tally_http() {	# PREFIX LABEL
	for t in "$top"/tests/http/test_*.py; do
		[ -f "$t" ] || continue
		name=$(basename "$t" .py)
		# A suite whose half was killed left no exit status: it
		# failed, whatever its output says so far.
		if [ ! -s "$log/$1$name.rc" ]; then
			echo "not ok - the suite left no exit status" \
			    >> "$log/$1$name"
			echo 1 > "$log/$1$name.rc"
		fi
		tally "$2$name" "$log/$1$name" "$(cat "$log/$1$name.rc")"
	done
}

httpt0=$(date +%s)
if [ -n "${MASTHEAD_PG_URL:-}" ]; then
	if [ "${TEST_JOBS:-2}" = 1 ]; then
		( export MASTHEAD_PG_URL=; run_http "" )
		( run_pg_http )
	else
		( run_pg_http ) &
		pgpid=$!
		( export MASTHEAD_PG_URL=; run_http "" )
		wait "$pgpid"
		pgpid=""
	fi
else
	( export MASTHEAD_PG_URL=; run_http "" )
fi
tally_http "" "http/"
if [ -n "${MASTHEAD_PG_URL:-}" ]; then
	if [ -f "$log/pg-demo-load" ]; then
		tally "pg/demo" "$log/pg-demo-load" 1
	else
		tally_http "pg-" "pg/http/"
	fi
	echo "(PostgreSQL: cluster started in ${pgstart}s)"
fi
echo "(HTTP suites, both engines: $(($(date +%s) - httpt0)) s)"

[ "$skipped" != 0 ] && echo "($skipped skipped: see the notes above)"
# The failures again, last, where a reader of the log's tail sees them.
if [ -s "$log/failures" ]; then
	echo "failures:"
	cat "$log/failures"
	echo "(free space for temporary files now:" \
	    "$(df -Pm "${TMPDIR:-/tmp}" | awk 'NR == 2 { print $4 }') MB)"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
