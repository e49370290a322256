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
for variable in CITUS_COORDINATOR CITUS_USER CITUS_PASSWORD CITUS_WORKER1_ADDR CITUS_WORKER2_ADDR CITUS_WORKER3_ADDR; do
  [[ -n ${!variable:-} ]] || { echo "psql-walkthrough: $variable is not set" >&2; exit 2; }
done
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
for n in 0 1 2 3; do
  if (( n == 0 )); then address=$CITUS_COORDINATOR; else
    test_var=CITUS_WORKER${n}_TEST_ADDR addr_var=CITUS_WORKER${n}_ADDR; address=${!test_var:-${!addr_var}}; fi
  on "$address" -d postgres -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database"
  (( n == 0 )) || on "$address" -d "$database" -c "SET client_min_messages = warning" -c "CREATE EXTENSION citus"
done

coordinator() { on "$CITUS_COORDINATOR" -d "$database" "$@"; }
w() { local var=CITUS_WORKER${1}_ADDR; echo "-v worker${1}_host=$(host "${!var}") -v worker${1}_port=$(port "${!var}")"; }

step "Phase 1: base tables and seed data"
coordinator -f sql/setup/00_create_base_table.sql
coordinator -f sql/setup/01_initial_seed_data.sql
step "Phase 2: distribute"
coordinator -f sql/sharding/10_enable_citus.sql
# shellcheck disable=SC2046
coordinator $(w 1) $(w 2) -f sql/sharding/11_add_workers.sql
coordinator -f sql/sharding/12_distribute_table.sql
coordinator -f sql/sharding/13_create_reference_table.sql
coordinator -f sql/sharding/14_verify_distribution.sql
tenant=$(coordinator -tA -c "SELECT user_id FROM orders GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1")
for file in sql/queries/2*.sql; do coordinator -v tenant_id="$tenant" -f "$file"; done
step "Phase 3: add a worker, rebalance, isolate the heaviest tenant, drain worker 1"
# shellcheck disable=SC2046
coordinator $(w 3) -f sql/resharding/30_add_worker_node.sql
coordinator -f sql/resharding/31_rebalance_shards.sql
coordinator -f sql/resharding/32_isolate_tenant.sql
coordinator -v drain_host="$(host "$CITUS_WORKER1_ADDR")" -v drain_port="$(port "$CITUS_WORKER1_ADDR")" -f sql/resharding/33_drain_worker.sql
step "Phase 4: undistribute"
coordinator -f sql/resharding/34_undistribute_table.sql
step "done: database $database on the coordinator holds plain tables again"
