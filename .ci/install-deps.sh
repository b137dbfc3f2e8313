#!/usr/bin/env bash
# Debian packages and local services the test suite talks to. Idempotent: installs only what is missing and
# starts only what is down, so a newcomer and CI run the same thing.
set -euo pipefail

packages=(
  python3-jupyter-client jupyter-nbconvert python3-nbclient python3-nbformat python3-ipykernel
  python3-jupyter-kernel-test jupyter-console jupyter-notebook python3-pandas python3-sklearn python3-scipy
  chromium tmux postgresql-client mariadb-client clickhouse-server clickhouse-client curl nats-server mosquitto redis-server redis-tools
)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

wait_for() { # name, check command
  for _ in $(seq 1 60); do eval "$2" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "$1 did not come up" >&2; return 1
}
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  wait_for PostgreSQL "pg_isready -q -h 127.0.0.1 -p 5432"
fi
# Change data capture (%ingest --mode cdc) reads the WAL through logical decoding: wal_level must be logical,
# which takes a restart.
if [ "$(psql -h 127.0.0.1 -U postgres -tAc 'SHOW wal_level')" != logical ]; then
  echo "setting PostgreSQL wal_level = logical (restart)"
  psql -h 127.0.0.1 -U postgres -qc 'ALTER SYSTEM SET wal_level = logical'
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main restart
  wait_for PostgreSQL "pg_isready -q -h 127.0.0.1 -p 5432"
  [ "$(psql -h 127.0.0.1 -U postgres -tAc 'SHOW wal_level')" = logical ] || { echo "wal_level is still not logical" >&2; exit 1; }
fi
psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='test'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE test" >/dev/null
# test/faults signs in as faults_user with a password (every other user is trusted on 127.0.0.1).
hba="$(ls /etc/postgresql/*/main/pg_hba.conf | head -1)"
if ! grep -q '^host all faults_user ' "$hba"; then
  sed -i '0,/^host[[:space:]]/s//host all faults_user 127.0.0.1\/32 scram-sha-256\n&/' "$hba"
  psql -h 127.0.0.1 -U postgres -tAc 'SELECT pg_reload_conf()' >/dev/null
fi
if ! mariadb -h 127.0.0.1 -u root -e 'SELECT 1' >/dev/null 2>&1; then
  echo "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_for MariaDB "mariadb -h 127.0.0.1 -u root -e 'SELECT 1'"
fi
mariadb -h 127.0.0.1 -u root -e 'CREATE DATABASE IF NOT EXISTS test'
# Two ClickHouse shards (ports 8123/9000 and 8124/9001) and cluster `datakernel`, for the ClickHouse connector.
bash "$(dirname "${BASH_SOURCE[0]}")/clickhouse.sh"
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Event streams: NATS with JetStream (-js) and Mosquitto (MQTT) for test/streams and the streams notebook.
if ! port_open 4222; then
  echo "starting NATS (JetStream)"
  mkdir -p /var/lib/nats-server
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  wait_for NATS "port_open 4222"
fi
if ! port_open 1883; then
  echo "starting Mosquitto"
  mosquitto -d -c /etc/mosquitto/mosquitto.conf
  wait_for Mosquitto "port_open 1883"
fi
# Redis: the online feature store (test/features, test/serve feature lookup).
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis "redis-cli -h 127.0.0.1 -p 6379 ping"
fi
