#!/bin/sh
# Installs the Debian packages masthead builds, runs and tests with, when
# any is missing.  Run as root on Debian 12 (make run and make test call it).
set -e
pkgs="build-essential pkg-config libh2o-evloop-dev libssl-dev libsqlite3-dev
libjansson-dev libmd4c-dev libmd4c-html0-dev libsodium-dev libvips-dev
libcurl4-openssl-dev libbrotli-dev zlib1g-dev libcmocka-dev libpq-dev
python3 python3-brotli python3-icalendar python3-yaml python3-jsonschema curl
openssl postgresql libvips-tools"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "masthead needs these Debian packages:$missing" >&2
	echo "run as root: apt-get install$missing" >&2
	exit 1
fi
echo "installing:$missing"
before=$(pg_lsclusters -h 2>/dev/null | awk '{printf "%s/%s ", $1, $2}')
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
# The tests start a throwaway cluster of their own (tests/pg.sh); the
# "main" cluster Debian's package makes and may start is not needed, so
# a cluster that installing made and started is stopped again.
pg_lsclusters -h 2>/dev/null | while read -r ver name port status rest; do
	case " $before " in *" $ver/$name "*) continue ;; esac
	if [ "$status" = online ]; then
		pg_ctlcluster "$ver" "$name" stop
	fi
done
exit 0
