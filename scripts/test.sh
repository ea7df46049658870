#!/usr/bin/env bash
# Runs earshot's whole test suite the way CI does: installs libchdb (the
# embedded engine), starts a throwaway ClickHouse server on loopback for the
# server-driver tests, runs `go test -race` over every package, and stops
# the server. Any missing piece fails the run: no test skips itself.
#
#   scripts/test.sh [go test flags…]      e.g. scripts/test.sh -run Sink ./rollup/
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
	echo "test.sh: $*" >&2
	exit 1
}

# need CMD PACKAGE: install a Debian package when its command is missing
# and we may (root); otherwise say what to install.
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
		echo "test.sh: installing $2 for $1" >&2
		if [[ ! -f /tmp/.earshot-apt-updated ]]; then
			apt-get update -qq && touch /tmp/.earshot-apt-updated
		fi
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
		command -v "$1" >/dev/null 2>&1 && return 0
	fi
	die "$1 is missing: install the Debian package $2 (sudo apt-get install $2)"
}

need clickhouse-server clickhouse-server
need clickhouse-client clickhouse-client
need docker-compose docker-compose
need promtool prometheus
need pdftoppm poppler-utils
need pdftotext poppler-utils
bash scripts/install-libchdb.sh

ch_dir=$(mktemp -d "${TMPDIR:-/tmp}/earshot-ch.XXXXXX")
# The first free port from 19000 (native) — its HTTP port is the next free
# one — so a developer's own server on 19000 does not get in the way.
ch_port=${TEST_CLICKHOUSE_PORT:-19000}
while (exec 3<>"/dev/tcp/127.0.0.1/$ch_port") 2>/dev/null; do
	ch_port=$((ch_port + 2))
done
bash scripts/clickhouse-server.sh start "$ch_dir" "$ch_port" || die "the ClickHouse server for the server-driver tests did not start"
trap 'bash scripts/clickhouse-server.sh stop "$ch_dir" >/dev/null 2>&1 || true; rm -rf "$ch_dir"' EXIT

export TEST_CLICKHOUSE_ADDR="127.0.0.1:${ch_port}"
export TEST_CLICKHOUSE_DIR="$ch_dir"
export CHDB_LIB_PATH="${CHDB_LIB_PATH:-$PWD/.libchdb/libchdb.so}"

if [[ $# -eq 0 ]]; then
	set -- ./...
fi
go test -race -count=1 -timeout 30m "$@"
