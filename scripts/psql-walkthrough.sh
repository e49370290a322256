#!/usr/bin/env bash
# The lifecycle with psql alone, file by file, as the README's walk-through shows it: an empty
# database to Phase 4, with the SQL files' own defaults (seed 42, scale 1, the heaviest tenant).
# Connection settings as the tests read them: CITUS_* from the environment, else the embedded
# cluster's .cluster/cluster.env. The database is WALKTHROUGH_DATABASE (default
# citus_verify_walkthrough), dropped and created on every node first: never the suite's own.
#   scripts/psql-walkthrough.sh        (make psql-walkthrough)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -z ${CITUS_COORDINATOR:-} ]]; then
  env_file=${CLUSTER_DIR:-.cluster}/cluster.env
  [[ -f $env_file ]] || { echo "psql-walkthrough: set CITUS_COORDINATOR and the other CITUS_* variables, or start the embedded cluster (make cluster-up)" >&2; exit 2; }
  set -a; . "$env_file"; set +a
fi
for variable in CITUS_COORDINATOR CITUS_USER CITUS_PASSWORD; do
  [[ -n ${!variable:-} ]] || { echo "psql-walkthrough: $variable is not set" >&2; exit 2; }
done
# The workers, in order, as the coordinator registers them and as this host reaches them:
# CITUS_WORKERS (and CITUS_WORKERS_TEST), else CITUS_WORKER1_ADDR, CITUS_WORKER2_ADDR, …
registered=() reachable=()
if [[ -n ${CITUS_WORKERS:-} ]]; then
  IFS=, read -r -a registered <<< "${CITUS_WORKERS// /}"
  IFS=, read -r -a reachable <<< "${CITUS_WORKERS_TEST:-${CITUS_WORKERS}}"
else
  for (( n = 1; ; n++ )); do
    addr_var=CITUS_WORKER${n}_ADDR test_var=CITUS_WORKER${n}_TEST_ADDR
    [[ -n ${!addr_var:-} ]] || break
    registered+=("${!addr_var}"); reachable+=("${!test_var:-${!addr_var}}")
  done
fi
(( ${#registered[@]} >= 2 )) || { echo "psql-walkthrough: set CITUS_WORKERS=host:port,host:port,… (at least 2 workers) or CITUS_WORKER1_ADDR, CITUS_WORKER2_ADDR, …" >&2; exit 2; }
last=$(( ${#registered[@]} - 1 ))
database=${WALKTHROUGH_DATABASE:-citus_verify_walkthrough}
[[ $database =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "psql-walkthrough: WALKTHROUGH_DATABASE must be a lower-case identifier, got '$database'" >&2; exit 2; }
[[ $database != "${CITUS_DATABASE:-}" ]] || { echo "psql-walkthrough: WALKTHROUGH_DATABASE must not be the suite's database ($database)" >&2; exit 2; }
host() { echo "${1%:*}"; }
port() { echo "${1##*:}"; }
export PGUSER=$CITUS_USER PGPASSWORD=$CITUS_PASSWORD PGCONNECT_TIMEOUT=5
on() { local address=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -h "$(host "$address")" -p "$(port "$address")" "$@"; }
step() { echo "psql-walkthrough: $*"; }

# 0. The database on every node, and Citus in each worker's copy (Citus needs it there before the
#    coordinator registers the worker).
for address in "$CITUS_COORDINATOR" "${reachable[@]}"; do
  on "$address" -d postgres -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database"
  [[ $address == "$CITUS_COORDINATOR" ]] || on "$address" -d "$database" -c "SET client_min_messages = warning" -c "CREATE EXTENSION citus"
done

coordinator() { on "$CITUS_COORDINATOR" -d "$database" "$@"; }
initial=$(IFS=,; echo "${registered[*]:0:last}")

step "Phase 1: base tables and seed data"
coordinator -f sql/setup/00_create_base_table.sql
coordinator -f sql/setup/01_initial_seed_data.sql
step "Phase 2: distribute"
coordinator -f sql/sharding/10_enable_citus.sql
coordinator -v workers="$initial" -f sql/sharding/11_add_workers.sql
coordinator -f sql/sharding/12_distribute_table.sql
coordinator -f sql/sharding/13_create_reference_table.sql
coordinator -f sql/sharding/14_verify_distribution.sql
tenant=$(coordinator -tA -c "SELECT user_id FROM orders GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1")
for file in sql/queries/2*.sql; do coordinator -v tenant_id="$tenant" -f "$file"; done
step "Phase 3: add the last worker, rebalance, isolate the heaviest tenant, drain the first worker"
coordinator -v new_worker_host="$(host "${registered[last]}")" -v new_worker_port="$(port "${registered[last]}")" -f sql/resharding/30_add_worker_node.sql
coordinator -f sql/resharding/31_rebalance_shards.sql
coordinator -f sql/resharding/32_isolate_tenant.sql
coordinator -v drain_host="$(host "${registered[0]}")" -v drain_port="$(port "${registered[0]}")" -f sql/resharding/33_drain_worker.sql
step "Phase 4: undistribute"
coordinator -f sql/resharding/34_undistribute_table.sql
step "done: database $database on the coordinator holds plain tables again"
