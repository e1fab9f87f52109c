#!/bin/sh
# Installs what masthead needs on Debian 12, when any of it is missing.
#
#   tools/deps.sh        the packages masthead builds and runs with
#   tools/deps.sh test   those, plus everything the tests use: PostgreSQL,
#                        Python's modules, Chromium, Node.js and npm, Java,
#                        clang with libFuzzer (make fuzz), and the npm
#                        tools pinned in tests/node (a browser driver,
#                        the OpenAPI linter, the Nu HTML checker, axe-core)
#
# make run calls the first, make test the second.  Installing packages
# needs root; without it the script names what is missing and fails.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
pkgs="build-essential pkg-config libh2o-evloop-dev libssl-dev libsqlite3-dev
libjansson-dev libmd4c-dev libmd4c-html0-dev libsodium-dev libvips-dev
libcurl4-openssl-dev libbrotli-dev zlib1g-dev libpq-dev libexpat1-dev
libgeoip-dev libmaxminddb-dev geoip-database ca-certificates"
# What only the tests use comes without Debian's recommendations (which
# would add a desktop's worth of services to Chromium).
tpkgs="libcmocka-dev python3 python3-brotli python3-icalendar python3-yaml
python3-jsonschema python3-lxml python3-cryptography curl openssl postgresql
libvips-tools sqlite3 geoip-bin
chromium fonts-liberation nodejs npm default-jre-headless clang
libclang-rt-14-dev"
[ "${1:-}" = test ] || tpkgs=""
missing=""
tmissing=""
for p in $pkgs $tpkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" &&
		continue
	# A Node.js from elsewhere (NodeSource's carries its own npm, which
	# conflicts with Debian's) does as well as Debian's.
	case $p in
	nodejs) command -v node >/dev/null && continue ;;
	npm) command -v npm >/dev/null && continue ;;
	esac
	case " $(echo $tpkgs) " in
	*" $p "*) tmissing="$tmissing $p" ;;
	*) missing="$missing $p" ;;
	esac
done
if [ -n "$missing$tmissing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "masthead needs these Debian packages:$missing$tmissing" >&2
		echo "run as root: apt-get install$missing$tmissing" >&2
		exit 1
	fi
	echo "installing:$missing$tmissing"
	before=$(pg_lsclusters -h 2>/dev/null |
	    awk '{printf "%s/%s ", $1, $2}')
	apt-get update -qq
	export DEBIAN_FRONTEND=noninteractive
	if [ -n "$missing" ]; then
		apt-get install -y -qq $missing >/dev/null
	fi
	if [ -n "$tmissing" ]; then
		apt-get install -y -qq --no-install-recommends $tmissing \
		    >/dev/null
	fi
	# The tests start a throwaway cluster of their own (tests/pg.sh);
	# the "main" cluster Debian's package makes and may start is not
	# needed, so a cluster that installing made and started is stopped
	# again.
	pg_lsclusters -h 2>/dev/null |
	while read -r ver name port status rest; do
		case " $before " in *" $ver/$name "*) continue ;; esac
		if [ "$status" = online ]; then
			pg_ctlcluster "$ver" "$name" stop
		fi
	done
fi
[ "${1:-}" = test ] || exit 0

# The npm tools, exactly as tests/node/package-lock.json pins them; the
# stamp holds the checksum of the lock they were installed from.
node=$top/tests/node
sum=$(sha256sum "$node/package-lock.json" | cut -d' ' -f1)
stamp=$node/node_modules/.masthead-lock
if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
	echo "installing the npm test tools (tests/node)"
	(cd "$node" && npm ci --no-audit --no-fund --loglevel=error \
	    --no-update-notifier) >&2
	echo "$sum" > "$stamp"
fi
exit 0
