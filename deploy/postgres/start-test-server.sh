#!/usr/bin/env bash
# Starts a private PostgreSQL for the tests: a new cluster in a temporary folder, listening on 127.0.0.1 only (on a
# free port), with the demo's site tables loaded and a read-only node role. Installs Debian's postgresql first if no
# PostgreSQL is present (as root). Prints the settings as shell exports, for eval:
#   eval "$(deploy/postgres/start-test-server.sh)"   ...   "$FEDSTATS_PG_CTL" stop -D "$FEDSTATS_PG_DIR" -m fast
# Everything else it says goes to stderr only on failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [[ -z "$(pg_bin)" ]]; then
  if [[ $EUID -ne 0 ]]; then
    echo "PostgreSQL is not installed (apt-get install postgresql, as root)" >&2; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq postgresql >/tmp/fedstats-postgres-install.log 2>&1 \
    || { apt-get update -qq >>/tmp/fedstats-postgres-install.log 2>&1 \
         && apt-get install -y -qq postgresql >>/tmp/fedstats-postgres-install.log 2>&1; } \
    || { cat /tmp/fedstats-postgres-install.log >&2; exit 1; }
fi
bin="$(pg_bin)"

dir="$(mktemp -d /tmp/fedstats-pg.XXXXXX)"
chmod 700 "$dir"
as=()
if [[ $EUID -eq 0 ]]; then
  chown postgres: "$dir"
  as=(runuser -u postgres --)
fi
superpw="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
nodepw="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
printf '%s\n' "$superpw" | "${as[@]}" tee "$dir/.pw" >/dev/null
"${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A scram-sha-256 --pwfile="$dir/.pw" -E UTF8 --no-locale \
  >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }

# A free port: the first of 15432-15531 nobody answers on.
port=""
for p in $(seq 15432 15531); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[[ -n "$port" ]] || { echo "no free port in 15432-15531" >&2; exit 1; }
"${as[@]}" "$bin/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -w -s \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }

export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGPASSWORD="$superpw" PGDATABASE=postgres
psql -X -q -c "CREATE DATABASE fedstats" >/dev/null
PGDATABASE=fedstats FEDSTATS_PG_PASSWORD="$nodepw" "$here/load-demo-tables.sh"

cat <<ENV
export FEDSTATS_PG_URL='jdbc:postgresql://127.0.0.1:$port/fedstats'
export FEDSTATS_PG_USER='fedstats_node'
export FEDSTATS_PG_PASSWORD='$nodepw'
export FEDSTATS_PG_DIR='$dir/data'
export FEDSTATS_PG_CTL='${as[*]} $bin/pg_ctl'
ENV
