#!/usr/bin/env bash
# The whole suite in lanes that run at the same time, each on an embedded cluster of its own:
#   scripts/test-lanes.sh REPORTS
# The suites wait far more than they compute (shard moves, Citus's retry intervals, restarts), so
# independent ones overlap well even on two cores. Lane 0 runs on the configured cluster and takes
# every suite no other lane names (the unit tests, the four phases, the tool); lanes 1-3 take the
# fault and benchmark suites, each on its own embedded cluster (folder `<CLUSTER_DIR>-laneN`, port
# 9700 + 10 N), started here and stopped at the end with its data kept. Against a user's own
# cluster (CITUS_COORDINATOR set), or with TEST_LANES=1, everything runs in lane 0, one suite at a
# time, as before.
#
# Each lane writes reports/lanes/N/{output.log,junit-swift-testing.xml,skips.jsonl,reads.log}; the
# lane's result is printed as it ends (its failures with it), and the JUnit files, skips and read
# logs are merged into REPORTS for the summary. Exit status: non-zero when any lane failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
reports=${1:?usage: scripts/test-lanes.sh REPORTS}
# The built test bundle, run directly: `swift test` holds a lock on .build for its whole run, so
# lanes started through it would wait for each other. `make test` builds first.
bundle=$(swift build --show-bin-path)/citus-verifyPackageTests.xctest
[[ -x $bundle ]] || { echo "test-lanes: $bundle is missing: build the tests first (swift build --build-tests)" >&2; exit 1; }
swift_test=(env NO_COLOR=1 "$bundle" --testing-library swift-testing --no-parallel)

# The suites of lanes 1-3 (test ids read `Target.Suite/test()`), balanced by the time each took
# here (reports/timing.json shows it).
lanes=(
  ''
  '^ResilienceTests\.(ExactPhaseFaultTests|KnownIssueTests|RemovedWorkerTests|LedgerCheckTests|LoadGeneratorTests)(/|$)'
  '^ResilienceTests\.(NetworkFaultTests|JobFaultTests|FaultAuditTests|BadInputTests|ReplyDeadlineTests)(/|$)'
  '^(BenchmarkTests\.|ToolTests\.ToolBenchScaleTests(/|$)|ResilienceTests\.(FaultTests|CitusBadInputTests)(/|$))'
)
if [[ -n ${CITUS_COORDINATOR:-} || ${TEST_LANES:-4} == 1 ]]; then lanes=(''); fi

rm -rf "$reports/lanes"
mkdir -p "$reports/lanes"
base=${CLUSTER_DIR:-$PWD/.cluster}
lane_env() {  # the environment of lane $1: its own embedded cluster, except lane 0
  local n=$1
  (( n == 0 )) && return
  echo "CLUSTER_DIR=$base-lane$n" "CLUSTER_PORT=$((9700 + 10 * n))" "CITUS_VERIFY_START_CLUSTER=no"
}

skips=()
for (( n = 1; n < ${#lanes[@]}; n++ )); do skips+=(--skip "${lanes[n]}"); done

pids=()
for (( n = 0; n < ${#lanes[@]}; n++ )); do
  dir=$reports/lanes/$n
  mkdir -p "$dir"
  (
    if (( n > 0 )); then
      # shellcheck disable=SC2046
      env $(lane_env "$n") scripts/cluster.sh up >"$dir/cluster.log" 2>&1 \
        || { echo "lane $n: its cluster did not start:"; tail -5 "$dir/cluster.log"; exit 1; }
      filter=(--filter "${lanes[n]}")
    else
      filter=("${skips[@]}")
    fi
    # shellcheck disable=SC2046
    env $(lane_env "$n") CITUS_VERIFY_SKIPS="$PWD/$dir/skips.jsonl" CITUS_VERIFY_READ_LOG="$PWD/$dir/reads.log" \
      "${swift_test[@]}" "${filter[@]}" --xunit-output "$dir/junit-swift-testing.xml" >"$dir/output.log" 2>&1
    status=$?
    if (( n > 0 )); then env $(lane_env "$n") scripts/cluster.sh down >>"$dir/cluster.log" 2>&1; fi
    summary=$(grep -E '^(✔|✘|━) Test run' "$dir/output.log" | tail -1)
    echo "lane $n ${summary:-ended without a closing line (status $status): see $dir/output.log}"
    if (( status != 0 )); then
      grep -E '^✘|recorded an issue|Caught error|error:' "$dir/output.log" | head -40 | sed "s/^/lane $n:   /"
    fi
    exit $status
  ) &
  pids+=($!)
done
echo "tests: ${#lanes[@]} lane(s) at once, each on a cluster of its own (logs in $reports/lanes/N/output.log)"

status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done

# One JUnit file, one skips file and one read log for the summary, the sign-off and read coverage;
# and every test the bundle lists must have run in exactly one lane (a lane's pattern that misses a
# suite, or two that both take it, fail the run here instead of passing it short).
"$bundle" --testing-library swift-testing --list-tests 2>/dev/null | grep / >"$reports/lanes/listed.txt"
python3 - "$reports" <<'PY' || status=1
import collections, glob, sys, xml.etree.ElementTree as ET
reports = sys.argv[1]
merged = ET.Element("testsuites")
suite = ET.SubElement(merged, "testsuite", name="citus-verify")
ran = collections.Counter()
for path in sorted(glob.glob(f"{reports}/lanes/*/junit-swift-testing.xml")):
    for case in ET.parse(path).getroot().iter("testcase"):
        suite.append(case)
        ran[f"{case.get('classname')}/{case.get('name')}"] += 1
suite.set("tests", str(sum(ran.values())))
ET.ElementTree(merged).write(f"{reports}/junit-swift-testing.xml", encoding="UTF-8", xml_declaration=True)
listed = {line.strip() for line in open(f"{reports}/lanes/listed.txt") if line.strip()}
missing = sorted(listed - set(ran))
twice = sorted(test for test, count in ran.items() if count > 1)
for test in missing: print(f"test-lanes: {test} ran in no lane")
for test in twice: print(f"test-lanes: {test} ran in more than one lane")
sys.exit(1 if missing or twice else 0)
PY
cat "$reports"/lanes/*/skips.jsonl >"$reports/skips.jsonl" 2>/dev/null || : >"$reports/skips.jsonl"
cat "$reports"/lanes/*/reads.log >"$reports/reads.log" 2>/dev/null || : >"$reports/reads.log"
cat "$reports"/lanes/*/output.log >"$reports/test-output-lanes.log" 2>/dev/null || true
exit $status
