#!/usr/bin/env bash
# A user's first run against their own cluster, reproduced: a cluster of this project's making but
# with conventions other than the embedded cluster's (another superuser name, workers registered
# as "localhost" while the tests reach them at 127.0.0.1, no TLS between nodes, ports 9900-9903,
# PostgreSQL's and Citus's default settings, 32 shards, read from the server), and a suite database that does not exist
# yet. The whole suite but its measurement suites runs once against it, configured only through the environment, as the
# README's "Your own cluster" says; it must end with 0 failed. The cluster is deleted afterwards.
#   scripts/own-cluster-check.sh     (make own-cluster-check; .ci/run runs it where Citus is installed)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/cluster.sh has-citus >/dev/null \
  || { echo "own-cluster-check: Citus is not installed here; this check is about a Citus cluster" >&2; exit 2; }
dir=$(mktemp -d /tmp/citus-verify-own.XXXXXX)
port=${OWN_CLUSTER_PORT:-9900}
cluster() {
  CLUSTER_DIR=$dir CLUSTER_PORT=$port CITUS_USER=dba_admin CITUS_DATABASE=postgres_admin_db \
    CLUSTER_TLS=off CLUSTER_WORKER_HOST=localhost CLUSTER_TUNING=default scripts/cluster.sh "$@"
}
cleanup() { cluster destroy >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
cluster up

password=$(cat "$dir/password")
# The measurement suites (the benchmark report, bench-scale) are left out here: they judge the
# report's shape, which does not depend on whose cluster it is, and the main run has them; at
# PostgreSQL's and Citus's default settings they take most of this run's time.
measurements='^(BenchmarkTests\.|ToolTests\.ToolBenchScaleTests(/|$))'
database="first_run_$(date +%s)"
# Only what a user sets: no CITUS_LOCAL_CLUSTER_DIR and no CITUS_VERIFY_REQUIRE_FAULTS (the embedded-only fault tests skip, with the
# reason), no CITUS_VERIFY_SHARD_COUNT (the server's citus.shard_count is the expectation).
env -u CITUS_VERIFY_SHARD_COUNT -u CITUS_LOCAL_CLUSTER_DIR -u CLUSTER_DIR -u CITUS_VERIFY_REQUIRE_FAULTS \
  CITUS_COORDINATOR="127.0.0.1:$port" CITUS_DATABASE="$database" CITUS_USER=dba_admin CITUS_PASSWORD="$password" \
  CITUS_WORKER1_ADDR="localhost:$((port + 1))" CITUS_WORKER1_TEST_ADDR="127.0.0.1:$((port + 1))" \
  CITUS_WORKER2_ADDR="localhost:$((port + 2))" CITUS_WORKER2_TEST_ADDR="127.0.0.1:$((port + 2))" \
  CITUS_WORKER3_ADDR="localhost:$((port + 3))" CITUS_WORKER3_TEST_ADDR="127.0.0.1:$((port + 3))" \
  CITUS_VERIFY_RESET=allow CITUS_VERIFY_START_CLUSTER=no CITUS_VERIFY_REQUIRE_CITUS=1 REPORTS=reports/own-cluster \
  TEST_SKIP="$measurements" \
  make test REPORTS=reports/own-cluster
