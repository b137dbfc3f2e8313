#!/usr/bin/env bash
# Two ClickHouse shards on this machine, for the ClickHouse connector's tests, notebook and bench: each its own
# server (ports below, data under $CLICKHOUSE_ROOT/shardN), both knowing cluster `datakernel` (shard 1 and 2) so a
# Distributed table really fans out. Idempotent: writes the configs, starts only a shard that is down, and waits
# until each answers SELECT 1. The servers run as the `clickhouse` user when it exists (as Debian's package makes).
set -euo pipefail

root=${CLICKHOUSE_ROOT:-/var/lib/datakernel-clickhouse}
server=$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)
[[ -x $server ]] || { echo "clickhouse-server is not installed (apt-get install clickhouse-server)" >&2; exit 1; }
owner=root
id clickhouse >/dev/null 2>&1 && owner=clickhouse

# shard number -> "http tcp interserver" ports
declare -A ports=([1]="8123 9000 9009" [2]="8124 9001 9010")

cluster() {
  echo "<datakernel>"
  for n in 1 2; do
    read -r _ tcp _ <<<"${ports[$n]}"
    echo "<shard><replica><host>127.0.0.1</host><port>$tcp</port></replica></shard>"
  done
  echo "</datakernel>"
}

write_config() { # shard number
  local n=$1 dir=$root/shard$1 http tcp inter
  read -r http tcp inter <<<"${ports[$n]}"
  mkdir -p "$dir"/{data,tmp,user_files,log}
  cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/error.log</errorlog><size>50M</size><count>2</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$http</http_port>
  <tcp_port>$tcp</tcp_port>
  <interserver_http_port>$inter</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <user_files_path>$dir/user_files/</user_files_path>
  <format_schema_path>$dir/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <max_concurrent_queries>100</max_concurrent_queries>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <mlock_executable>false</mlock_executable>
  <remote_servers>$(cluster)</remote_servers>
  <macros><shard>$n</shard></macros>
  <query_log><database>system</database><table>query_log</table><flush_interval_milliseconds>1000</flush_interval_milliseconds></query_log>
</yandex>
XML
  # log_queries: pushdown tests read what reached each server from system.query_log. dk_user has a password, so
  # tests can check it never shows.
  cat >"$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage><log_queries>1</log_queries></default></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default>
    <dk_user><password>dk-secret-pw</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></dk_user>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
  chown -R "$owner:" "$dir"
}

answers() { curl -sf "http://127.0.0.1:$1/?query=SELECT%201" 2>/dev/null | grep -q '^1$'; }
knows_cluster() { curl -sf "http://127.0.0.1:$1/" --data-binary "SELECT count() FROM system.clusters WHERE cluster = 'datakernel'" | grep -q '^2$'; }

for n in 1 2; do
  read -r http _ _ <<<"${ports[$n]}"
  answers "$http" && continue
  write_config "$n"
  echo "starting ClickHouse shard $n (http $http)"
  start-stop-daemon --start --oknodo --background --chuid "$owner" --chdir "$root/shard$n" \
    --pidfile "$root/shard$n/server.pid" --make-pidfile --exec "$server" -- --config-file="$root/shard$n/config.xml"
done
for n in 1 2; do
  read -r http _ _ <<<"${ports[$n]}"
  for _ in $(seq 1 120); do answers "$http" && break; sleep 0.5; done
  answers "$http" || { echo "ClickHouse shard $n did not come up; see $root/shard$n/log/error.log" >&2; exit 1; }
  knows_cluster "$http" || { echo "the ClickHouse server on port $http is not one of these shards (another server holds the port?)" >&2; exit 1; }
done
