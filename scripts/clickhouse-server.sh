#!/usr/bin/env bash
# Runs a throwaway ClickHouse server (Debian's clickhouse-server 18.16) without
# systemd, for the store package's server-driver tests and for local hacking.
#
#   scripts/clickhouse-server.sh start DIR [PORT]   # PORT = native TCP, default 19000
#   scripts/clickhouse-server.sh stop  DIR
#   scripts/clickhouse-server.sh status DIR
#
# Everything (config, data, tmp, logs, pid file) lives under DIR; the server
# listens on 127.0.0.1 only. Data survives stop/start, so a restart looks to
# clients like a real server bounce. Tests then use:
#   TEST_CLICKHOUSE_ADDR=127.0.0.1:PORT TEST_CLICKHOUSE_DIR=DIR
set -euo pipefail

readonly START_TIMEOUT_S=30
readonly STOP_TIMEOUT_S=15

die() {
	echo "clickhouse-server.sh: $*" >&2
	exit 1
}

usage() {
	echo "usage: $0 start DIR [PORT] | stop DIR | status DIR" >&2
	exit 2
}

# port_in_use succeeds when something accepts connections on 127.0.0.1:$1.
port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_http_port() {
	local p=$(($1 + 1))
	while port_in_use "${p}"; do
		p=$((p + 1))
		((p < 65535)) || die "no free port above $1 for HTTP"
	done
	echo "${p}"
}

running_pid() {
	local pid_file="$1/clickhouse.pid" pid
	[[ -f "${pid_file}" ]] || return 1
	pid="$(cat "${pid_file}")"
	[[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null || return 1
	echo "${pid}"
}

ping() {
	clickhouse-client --host 127.0.0.1 --port "$1" -q 'SELECT 1' >/dev/null 2>&1
}

write_config() {
	local dir="$1" port="$2" http_port="$3"
	# 18.16 reads <yandex> roots; paths must end with '/'. The caches are
	# shrunk from the multi-GB defaults because this is a test server.
	cat >"${dir}/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
    <logger>
        <level>information</level>
        <log>${dir}/log/clickhouse-server.log</log>
        <errorlog>${dir}/log/clickhouse-server.err.log</errorlog>
        <size>50M</size>
        <count>2</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <tcp_port>${port}</tcp_port>
    <http_port>${http_port}</http_port>
    <path>${dir}/data/</path>
    <tmp_path>${dir}/tmp/</tmp_path>
    <user_files_path>${dir}/user_files/</user_files_path>
    <format_schema_path>${dir}/format_schemas/</format_schema_path>
    <users_config>${dir}/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <max_connections>256</max_connections>
    <keep_alive_timeout>3</keep_alive_timeout>
    <max_concurrent_queries>64</max_concurrent_queries>
    <mark_cache_size>268435456</mark_cache_size>
    <uncompressed_cache_size>268435456</uncompressed_cache_size>
</yandex>
EOF
	cat >"${dir}/users.xml" <<'EOF'
<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <max_memory_usage>4000000000</max_memory_usage>
            <!-- Idle connections notice a shutdown only every poll_interval
                 seconds (default 10): a stop with pooled clients took 11 s. -->
            <poll_interval>1</poll_interval>
        </default>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks>
                <ip>127.0.0.1</ip>
                <ip>::1</ip>
            </networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
EOF
}

cmd_start() {
	local dir="$1" port="$2" pid http_port
	command -v clickhouse-server >/dev/null ||
		die "clickhouse-server not found; install it with: apt-get install -y clickhouse-server clickhouse-client"
	command -v clickhouse-client >/dev/null ||
		die "clickhouse-client not found; install it with: apt-get install -y clickhouse-client"

	mkdir -p "${dir}"
	dir="$(cd "${dir}" && pwd)"

	if pid="$(running_pid "${dir}")"; then
		if ping "${port}"; then
			echo "clickhouse-server already running (pid ${pid}) on 127.0.0.1:${port}, dir ${dir}"
			return 0
		fi
		die "a server from ${dir} is running (pid ${pid}) but does not answer on port ${port}; run: $0 stop ${dir}"
	fi
	if port_in_use "${port}"; then
		die "port ${port} on 127.0.0.1 is already in use by another process"
	fi

	http_port="$(pick_http_port "${port}")"
	mkdir -p "${dir}/data" "${dir}/tmp" "${dir}/log" "${dir}/user_files" "${dir}/format_schemas"
	write_config "${dir}" "${port}" "${http_port}"

	# 18.16 runs fine as root (it only warns), so no user switch is needed in
	# CI. setsid detaches it from this shell's job control and signals.
	setsid clickhouse-server --config-file="${dir}/config.xml" \
		>"${dir}/log/stdout.log" 2>&1 </dev/null &
	pid=$!
	echo "${pid}" >"${dir}/clickhouse.pid"

	local deadline=$((SECONDS + START_TIMEOUT_S))
	until ping "${port}"; do
		if ! kill -0 "${pid}" 2>/dev/null; then
			echo "clickhouse-server.sh: server exited during startup; log tail:" >&2
			tail -n 40 "${dir}/log/stdout.log" "${dir}/log/clickhouse-server.err.log" 2>/dev/null >&2 || true
			rm -f "${dir}/clickhouse.pid"
			exit 1
		fi
		if ((SECONDS >= deadline)); then
			echo "clickhouse-server.sh: server did not answer on 127.0.0.1:${port} within ${START_TIMEOUT_S}s; log tail:" >&2
			tail -n 40 "${dir}/log/stdout.log" "${dir}/log/clickhouse-server.err.log" 2>/dev/null >&2 || true
			kill "${pid}" 2>/dev/null || true
			rm -f "${dir}/clickhouse.pid"
			exit 1
		fi
		sleep 0.2
	done
	echo "clickhouse-server started (pid ${pid}): native 127.0.0.1:${port}, http 127.0.0.1:${http_port}, dir ${dir}"
}

cmd_stop() {
	local dir="$1" pid
	[[ -d "${dir}" ]] || die "no such directory: ${dir}"
	dir="$(cd "${dir}" && pwd)"
	if ! pid="$(running_pid "${dir}")"; then
		rm -f "${dir}/clickhouse.pid"
		echo "clickhouse-server not running (dir ${dir})"
		return 0
	fi
	kill -TERM "${pid}"
	local deadline=$((SECONDS + STOP_TIMEOUT_S))
	while kill -0 "${pid}" 2>/dev/null; do
		if ((SECONDS >= deadline)); then
			echo "clickhouse-server.sh: pid ${pid} ignored SIGTERM for ${STOP_TIMEOUT_S}s; sending SIGKILL" >&2
			kill -KILL "${pid}" 2>/dev/null || true
			break
		fi
		sleep 0.1
	done
	rm -f "${dir}/clickhouse.pid"
	echo "clickhouse-server stopped (pid ${pid})"
}

cmd_status() {
	local dir="$1" pid
	if pid="$(running_pid "${dir}")"; then
		echo "running (pid ${pid})"
	else
		echo "not running"
		return 1
	fi
}

(($# >= 2)) || usage
case "$1" in
start) cmd_start "$2" "${3:-19000}" ;;
stop) cmd_stop "$2" ;;
status) cmd_status "$2" ;;
*) usage ;;
esac
