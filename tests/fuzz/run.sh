#!/bin/sh
# Runs each fuzz target for SECONDS on a fresh copy of its seeds, one
# target at a time (a fuzzer keeps a core busy), as `make fuzz-run` does:
#
#   sh tests/fuzz/run.sh SECONDS build/fuzz/fuzz_NAME...
#
# The copy lives in build/fuzz/corpus/NAME, so what the fuzzer finds
# never lands in git.  The first target that fails (a crash, a sanitizer
# report, a broken contract, an input slower than 10 s) stops the run:
# its log's end and the input that did it are printed, and the status
# is 1.  Each target's executions are printed as it ends.
set -eu
secs=$1
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/fuzz
mkdir -p "$out/crashes" "$out/logs"
total=0
for bin in "$@"; do
	name=${bin##*/fuzz_}
	seeds=$top/tests/fuzz/corpus/$name
	corpus=$out/corpus/$name
	if [ ! -d "$seeds" ]; then
		echo "fuzz_$name: no seeds in tests/fuzz/corpus/$name" >&2
		exit 1
	fi
	rm -rf "$corpus"
	mkdir -p "$corpus"
	cp -R "$seeds"/. "$corpus"/
	rm -f "$out/crashes/$name-"*
	log=$out/logs/$name.log
	if ! "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$out/crashes/$name-" \
	    "$corpus" >"$log" 2>&1; then
		echo "fuzz_$name: FAILED after $secs s or less; the log ends:" >&2
		tail -n 40 "$log" >&2
		for f in "$out/crashes/$name-"*; do
			[ -f "$f" ] || continue
			echo "input: $f ($(wc -c <"$f") bytes):" >&2
			od -A d -c "$f" | head -n 20 >&2
			echo "reproduce: $bin $f" >&2
		done
		exit 1
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	echo "fuzz_$name: ${runs:-?} executions in $secs s, no finding"
	total=$((total + ${runs:-0}))
done
echo "fuzzing: $total executions, no finding"
