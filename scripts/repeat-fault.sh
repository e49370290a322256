#!/usr/bin/env bash
# One exact-step fault scenario run many times on the configured embedded cluster, to tell a
# one-off from a rate:
#   scripts/repeat-fault.sh "SCENARIO" REPEAT REPORTS
# SCENARIO is text of "<fault>, <step>" (e.g. "the source worker stopped abruptly, before cutover";
# every case of ExactPhaseFaultTests whose name contains it runs). Swift Testing repeats the cases
# REPEAT times (--repetitions), each from the same distributed state the suite starts from. The
# output goes to REPORTS/repeat/<scenario>.log; the closing line counts the runs, the runs where an
# acknowledged write was lost (the ledger's "lost N"), and the failed tests, for the server and
# Citus the cluster runs; it is also appended to REPORTS/repeat/summary.jsonl. Each run is bounded
# (300 s) and the whole by the watchdog. Exit status: 1 when a test failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scenario=${1:?usage: scripts/repeat-fault.sh \"SCENARIO\" REPEAT REPORTS}
repeat=${2:?usage: scripts/repeat-fault.sh \"SCENARIO\" REPEAT REPORTS}
reports=${3:?usage: scripts/repeat-fault.sh \"SCENARIO\" REPEAT REPORTS}
[[ $repeat =~ ^[1-9][0-9]*$ ]] || { echo "repeat-fault: REPEAT must be a whole number of runs, at least 1, got '$repeat'" >&2; exit 2; }
[[ -z ${CITUS_COORDINATOR:-} ]] || { echo "repeat-fault: the fault scenarios stop nodes: embedded cluster only (unset CITUS_COORDINATOR)" >&2; exit 2; }
bundle=$(swift build --show-bin-path)/citus-verifyPackageTests.xctest
[[ -x $bundle ]] || { echo "repeat-fault: $bundle is missing: build the tests first (swift build --build-tests)" >&2; exit 1; }
mkdir -p "$reports/repeat"
slug=$(tr -c 'a-zA-Z0-9\n' '-' <<< "$scenario" | tr -s '-' | sed 's/^-//; s/-$//')
log=$reports/repeat/$slug.log

cluster_dir=${CLUSTER_DIR:-$PWD/.cluster}
bin=$(cat "$cluster_dir/bindir" 2>/dev/null || pg_config --bindir)
read -r postgres citus <<< "$(scripts/servers.sh versions "$bin")"
[[ $citus != - ]] || citus=""
echo "repeat-fault: '$scenario' $repeat times on PostgreSQL $postgres with Citus ${citus:-none} ($cluster_dir); output in $log"

CITUS_VERIFY_SCENARIO=$scenario CITUS_VERIFY_REQUIRE_CITUS=1 CITUS_VERIFY_REQUIRE_FAULTS=1 \
  scripts/watchdog.sh $((repeat * 300 + 120)) "$log" \
  env NO_COLOR=1 "$bundle" --testing-library swift-testing --no-parallel \
  --filter '^ResilienceTests\.ExactPhaseFaultTests' --repetitions "$repeat"
status=$?

if grep -q "Test run with 0 tests" "$log"; then
  echo "repeat-fault: no case matches '$scenario': name a fault and a step, e.g. 'the source worker stopped abruptly, before cutover'" >&2
  exit 2
fi
# One ledger line per run: "fault (<scenario>): writes during shard move …: … lost N, …".
runs=$(grep -c "^fault (.*): writes during " "$log")
losses=$(grep "^fault (.*): writes during " "$log" | grep -Ec "; lost [1-9]")
lost_ids=$(grep -E "^  lost: \[" "$log" | sed 's/^  lost: //' | paste -sd' ' -)
failed=$(grep -E "^✘ Test .* recorded an issue" "$log" | grep -vc "known issue")
echo "repeat-fault: '$scenario' on PostgreSQL $postgres + Citus ${citus:-none}: $runs ledger checks, $losses with an acknowledged write lost${lost_ids:+ ($lost_ids)}, $failed failed expectations; $log"
printf '{"scenario":"%s","postgres":"%s","citus":"%s","repeat":%d,"ledgerChecks":%d,"withLoss":%d,"failedExpectations":%d,"status":%d,"log":"%s"}\n' \
  "$scenario" "$postgres" "$citus" "$repeat" "$runs" "$losses" "$failed" "$status" "$log" >> "$reports/repeat/summary.jsonl"
exit $(( status != 0 ? 1 : 0 ))
