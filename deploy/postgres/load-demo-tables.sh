#!/usr/bin/env bash
# Loads the demo's site tables (deploy/demo/data/*.csv) into a PostgreSQL database and sets the node role's password.
# Usage: load-demo-tables.sh  (connection from the libpq variables PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD;
#        the node role's password from FEDSTATS_PG_PASSWORD)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="$here/../demo/data"
: "${FEDSTATS_PG_PASSWORD:?set FEDSTATS_PG_PASSWORD, the password of the node role fedstats_node}"
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }

psql -f "$here/demo-tables.sql" >/dev/null
for site in 1 2 3; do
  psql -c "\\copy colon_site$site (id, rx, sex, age, obstruct, perfor, adhere, nodes, differ, extent, surg, node4, \"time\", status) FROM pstdin WITH (FORMAT csv, HEADER true)" \
    <"$data/colon_site$site.csv"
  psql -c "\\copy infert_site$site (education, age, parity, induced, \"case\", spontaneous, stratum, \"pooled.stratum\") FROM pstdin WITH (FORMAT csv, HEADER true)" \
    <"$data/infert_site$site.csv"
done
# The password through stdin as a psql variable, written as a literal by psql itself (never on a command line).
psql >/dev/null <<SQL
\\set pw '$(printf '%s' "$FEDSTATS_PG_PASSWORD" | sed "s/'/''/g")'
ALTER ROLE fedstats_node PASSWORD :'pw';
SQL
