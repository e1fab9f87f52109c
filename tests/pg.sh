#!/bin/sh
# A throwaway PostgreSQL cluster for the tests: made in a temporary
# directory, listening on 127.0.0.1 on a free port, trusting local
# connections, gone after the run.
#
#   tests/pg.sh check        exit 0 when PostgreSQL's programs are here,
#                            else print why not and exit 1
#   tests/pg.sh start DIR    make and start a cluster in DIR (which must
#                            not exist); print its URL,
#                            postgres://postgres@127.0.0.1:PORT/
#   tests/pg.sh stop DIR     stop it and delete DIR
#   tests/pg.sh pause DIR    stop the server, keeping its data (tests of
#   tests/pg.sh resume DIR   a lost connection), and start it again
#   tests/pg.sh run CMD ...  run CMD with MASTHEAD_PG_URL and
#                            MASTHEAD_PG_DIR set to a cluster of its own
#
# initdb refuses to run as root, so as root the cluster belongs to the
# system user masthead-pg (made when missing).
set -eu

PGUSER_SYS=masthead-pg

bindir() {
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return 0
		fi
	done
	d=$(pg_config --bindir 2>/dev/null || true)
	if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
		echo "$d"
		return 0
	fi
	return 1
}

# Runs a command as the cluster's owner.
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$PGUSER_SYS" -- "$@"
	else
		"$@"
	fi
}

owner_exists() {
	id "$PGUSER_SYS" >/dev/null 2>&1
}

make_owner() {
	[ "$(id -u)" = 0 ] || return 0
	owner_exists && return 0
	# Two runs may race to make it: the loser finds it made.
	useradd -r -M -d /nonexistent -s /usr/sbin/nologin "$PGUSER_SYS" \
	    2>/dev/null || owner_exists
}

free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

pg_ctl_start() {
	dir=$1
	port=$(cat "$dir/port")
	as_owner "$BIN/pg_ctl" start -w -t 60 -D "$dir/data" -l "$dir/log" \
	    -o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1" >/dev/null
}

cmd_check() {
	if ! BIN=$(bindir); then
		echo "PostgreSQL's initdb and pg_ctl are not installed" \
		    "(Debian package postgresql)"
		return 1
	fi
	if ! command -v psql >/dev/null 2>&1; then
		echo "psql is not installed (Debian package postgresql-client)"
		return 1
	fi
	if [ "$(id -u)" = 0 ] && ! command -v runuser >/dev/null 2>&1; then
		echo "runuser is missing, and initdb does not run as root"
		return 1
	fi
	return 0
}

cmd_start() {
	dir=$1
	BIN=$(bindir)
	make_owner
	mkdir -m 700 "$dir"
	mkdir "$dir/sock"
	[ "$(id -u)" = 0 ] && chown -R "$PGUSER_SYS" "$dir"
	as_owner "$BIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 \
	    --locale=C >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		return 1
	}
	# A cluster that lives for one test run needs no durability.
	cat >> "$dir/data/postgresql.conf" <<-EOF
	fsync = off
	synchronous_commit = off
	full_page_writes = off
	max_connections = 200
	shared_buffers = 64MB
	EOF
	# A port found free may be taken before the server binds it: retry.
	for try in 1 2 3 4 5; do
		free_port > "$dir/port"
		if pg_ctl_start "$dir" 2>>"$dir/start.err"; then
			echo "postgres://postgres@127.0.0.1:$(cat "$dir/port")/"
			return 0
		fi
	done
	cat "$dir/start.err" "$dir/log" >&2 2>/dev/null
	return 1
}

cmd_pause() {
	BIN=$(bindir)
	as_owner "$BIN/pg_ctl" stop -w -m fast -D "$1/data" >/dev/null
}

cmd_resume() {
	BIN=$(bindir)
	pg_ctl_start "$1"
}

cmd_stop() {
	dir=$1
	BIN=$(bindir)
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_owner "$BIN/pg_ctl" stop -w -m immediate -D "$dir/data" \
		    >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}

cmd_run() {
	dir=$(mktemp -u /tmp/masthead-pg.XXXXXX)
	url=$(cmd_start "$dir") || exit 1
	trap 'cmd_stop "$dir"' EXIT
	trap 'exit 130' INT TERM
	MASTHEAD_PG_URL=$url MASTHEAD_PG_DIR=$dir
	export MASTHEAD_PG_URL MASTHEAD_PG_DIR
	"$@"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
check)	cmd_check ;;
start)	cmd_start "$1" ;;
stop)	cmd_stop "$1" ;;
pause)	cmd_pause "$1" ;;
resume)	cmd_resume "$1" ;;
run)	set +e; cmd_run "$@" ;;
*)	echo "usage: tests/pg.sh check|start DIR|stop DIR|pause DIR|resume DIR|run CMD..." >&2
	exit 2 ;;
esac
