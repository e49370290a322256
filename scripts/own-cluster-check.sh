#!/usr/bin/env bash
# A user's first run against their own cluster, reproduced: clusters of this project's making but
# with conventions other than the embedded cluster's (another superuser name, workers registered
# as "localhost" while the tests reach them at 127.0.0.1, no TLS between nodes, PostgreSQL's and
# Citus's default settings, 32 shards, read from the server), and a suite database that does not
# exist yet. The whole suite but its measurement suites runs once against them, configured only
# through the environment, as the README's "Your own cluster" says; it must end with 0 failed.
#   scripts/own-cluster-check.sh     (make own-cluster-check; .ci/run runs it where Citus is installed)
#
# At default settings a shard move waits on PostgreSQL's 10 s status intervals, so the suites that
# move shards spend minutes waiting, not computing. They run at the same time, each in a lane
# (scripts/test-lanes.sh) with a cluster of its own, all set up alike: lane N on ports
# OWN_CLUSTER_PORT + 10 N (9900 by default) to + 3. OWN_CLUSTER_LANES=1 runs everything on one cluster.
# The clusters are deleted afterwards.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/cluster.sh has-citus >/dev/null \
  || { echo "own-cluster-check: Citus is not installed here; this check is about a Citus cluster" >&2; exit 2; }
port=${OWN_CLUSTER_PORT:-9900}
# The suites of lanes 1, 2 and 3 (the longest at default settings); lane 0 takes the rest, the phases in order.
filters=(
  '^ToolTests\.ToolReshardTests(/|$)'
  '^ToolTests\.PsqlWalkthroughTests(/|$)'
  '^ResilienceTests\.(RemovedWorkerTests|KnownIssueTests)(/|$)'
)
case ${OWN_CLUSTER_LANES:-4} in
  4) ;;
  1) filters=() ;;
  *) echo "own-cluster-check: OWN_CLUSTER_LANES must be 1 or 4, got '$OWN_CLUSTER_LANES'" >&2; exit 2 ;;
esac
# make test's one-lane switch means one cluster here too.
[[ ${TEST_LANES:-4} != 1 ]] || filters=()
dir=$(mktemp -d /tmp/citus-verify-own.XXXXXX)
# The servers' account reaches each cluster's folder inside; the lanes' settings (passwords) stay closed.
chmod 755 "$dir"
cluster() {  # cluster N COMMAND: the cluster of lane N
  local n=$1
  shift
  CLUSTER_DIR=$dir/lane$n CLUSTER_PORT=$((port + 10 * n)) CITUS_USER=dba_admin CITUS_DATABASE=postgres_admin_db \
    CLUSTER_TLS=off CLUSTER_WORKER_HOST=localhost CLUSTER_TUNING=default scripts/cluster.sh "$@"
}
cleanup() {
  for (( n = 0; n <= ${#filters[@]}; n++ )); do cluster "$n" destroy >/dev/null 2>&1 || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
database="first_run_$(date +%s)"
# What a user sets to reach cluster N: no CITUS_LOCAL_CLUSTER_DIR and no CITUS_VERIFY_REQUIRE_FAULTS
# (the embedded-only fault tests skip, with the reason), no CITUS_VERIFY_SHARD_COUNT (the server's
# citus.shard_count is the expectation).
settings() {
  local n=$1 p=$((port + 10 * $1))
  echo "CITUS_COORDINATOR=127.0.0.1:$p"
  echo "CITUS_DATABASE=$database"
  echo "CITUS_USER=dba_admin"
  echo "CITUS_PASSWORD=$(cat "$dir/lane$n/password")"
  for w in 1 2 3; do
    echo "CITUS_WORKER${w}_ADDR=localhost:$((p + w))"
    echo "CITUS_WORKER${w}_TEST_ADDR=127.0.0.1:$((p + w))"
  done
}
mkdir -m 700 "$dir/lanes"
# The clusters start at the same time (initdb and server starts mostly wait on the disk), each
# printing to a log of its own; the first that fails stops the check with its log.
starting=()
for (( n = 0; n <= ${#filters[@]}; n++ )); do
  cluster "$n" up >"$dir/lane$n.log" 2>&1 &
  starting+=($!)
done
for (( n = 0; n < ${#starting[@]}; n++ )); do
  wait "${starting[n]}" || { echo "own-cluster-check: lane $n's cluster did not start:"; cat "$dir/lane$n.log"; exit 1; }
  tail -1 "$dir/lane$n.log"
  settings "$n" >"$dir/lanes/lane$n.env"
done
# Left out here, since they do not depend on whose cluster is configured and the main run has
# them: the measurement suites (the benchmark report, bench-scale), which judge the report's shape
# and at PostgreSQL's and Citus's default settings take most of this run's time; the suites that
# reach no cluster (the unit tests, the mutation machinery's, the reports' with their browser);
# and the tests that start an embedded cluster or a listener of their own (preflight on a cluster
# set up wrong, a unit run that connects to nothing). Left in this run's CPU they slowed the steps
# CI runs beside it.
measurements='^(BenchmarkTests\.|ToolTests\.ToolBenchScaleTests(/|$))'
clusterless='^(ClusterFixturesTests|MutantsTests|ReportsTests)\.'
own_embedded='^ToolTests\.(PreflightTests/wrongClusterFails|TestSupportIsolationTests/unitRunConnectsToNothing)\('
mapfile -t lane0 <"$dir/lanes/lane0.env"
env -u CITUS_VERIFY_SHARD_COUNT -u CITUS_LOCAL_CLUSTER_DIR -u CLUSTER_DIR -u CITUS_VERIFY_REQUIRE_FAULTS "${lane0[@]}" \
  CITUS_VERIFY_RESET=allow CITUS_VERIFY_START_CLUSTER=no CITUS_VERIFY_REQUIRE_CITUS=1 REPORTS=reports/own-cluster \
  TEST_SKIP="$measurements|$clusterless|$own_embedded" TEST_LANE_ENV_DIR="$dir/lanes" TEST_LANE_FILTERS="$(printf '%s\n' "${filters[@]}")" \
  make test REPORTS=reports/own-cluster
