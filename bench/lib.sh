# bench/lib.sh — shell helpers shared by bench/serve and bench/render.
# Sourced, not run.  Everything here binds to 127.0.0.1 only.

# The repository root, whatever the caller's working directory.
BENCH_ROOT=$(cd "$(dirname "$0")/.." && pwd)

# Installs the Debian packages named (as "command:package" pairs) whose
# command is missing.
bench_need() {
	missing=
	for pair in "$@"; do
		cmd=${pair%%:*}
		pkg=${pair#*:}
		command -v "$cmd" >/dev/null 2>&1 || missing="$missing $pkg"
	done
	[ -z "$missing" ] && return 0
	echo "installing:$missing" >&2
	apt-get update -qq >&2 && apt-get install -y -qq $missing >&2
}

# Builds ./masthead if it is missing or out of date (make decides).
bench_build() {
	make -C "$BENCH_ROOT" -s >&2
}

# Prints a TCP port that is free on 127.0.0.1 at the time of asking.
bench_free_port() {
	/usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# bench_wait_http URL SECONDS: waits until URL answers 200.
bench_wait_http() {
	i=0
	while [ "$i" -lt $(($2 * 20)) ]; do
		code=$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null) || true
		[ "$code" = 200 ] && return 0
		sleep 0.05
		i=$((i + 1))
	done
	echo "bench: $1 did not answer 200 within $2 s" >&2
	return 1
}

# bench_wrk ARGS... URL: runs wrk with --latency and prints one line,
# "requests/s p99_ms errors", where errors counts non-2xx/3xx answers and
# socket errors.
bench_wrk() {
	wrk --latency "$@" 2>&1 | bench_wrk_parse
}

# bench_wrk_parse: the same line from wrk --latency's output on stdin.
bench_wrk_parse() {
	awk '
	function ms(v) {
		if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
		if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
		if (v ~ /m$/) return substr(v, 1, length(v) - 1) * 60000
		if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
		return v + 0
	}
	/^ *99%/ { p99 = ms($2) }
	/^Requests\/sec:/ { rps = $2 }
	/Non-2xx or 3xx responses:/ { err += $NF }
	/Socket errors:/ {
		for (i = 1; i <= NF; i++)
			if ($i ~ /^[0-9]+,?$/) err += $i + 0
	}
	END { printf "%.0f %.3f %d\n", rps, p99, err }'
}

# Median of the numbers on standard input, one a line.
bench_median() {
	sort -g | awk '{ v[NR] = $1 }
	END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2]
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2
	}'
}

# The machine and the build, for the record.  Other work on the machine
# shows in the load average.
bench_machine() {
	printf 'machine: %s cores, %s, kernel %s, %s\n' "$(nproc)" \
	    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" \
	    "$(uname -r)" "$(date -u '+%Y-%m-%d %H:%M UTC')"
	printf 'masthead: %s; load average at the end: %s\n' \
	    "$(git -C "$BENCH_ROOT" describe --always --dirty 2>/dev/null ||
	    echo unknown)" "$(cut -d' ' -f1-3 /proc/loadavg)"
}
