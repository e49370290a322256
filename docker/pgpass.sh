#!/usr/bin/env bash
# Runs once, when the container's database is first initialised (docker-entrypoint-initdb.d).
# Citus connects node to node with libpq, and citus.node_conninfo cannot carry a password: the
# servers read it from the postgres account's ~/.pgpass.
set -euo pipefail
umask 077
printf '*:*:*:%s:%s\n' "$POSTGRES_USER" "$POSTGRES_PASSWORD" > "$HOME/.pgpass"
# Password (scram) authentication for every TCP client, nodes included; no trust on TCP.
cat > "$PGDATA/pg_hba.conf" <<HBA
local all all trust
host  all all all scram-sha-256
HBA
