#!/usr/bin/env bash
# The whole suite in lanes that run at the same time, each on a cluster of its own:
#   scripts/test-lanes.sh REPORTS
# The suites wait far more than they compute (shard moves, Citus's retry intervals, restarts), so
# independent ones overlap even on two cores. Lane 0 runs on the configured cluster and takes every
# suite no other lane names (the unit tests, the four phases, the tool); lanes 1-3 take the fault
# and benchmark suites, each on its own embedded cluster (folder `<CLUSTER_DIR>-laneN`, port
# CLUSTER_PORT + 10 N, 9700 + 10 N by default), started here and stopped at the end with its data
# kept. Against a user's own cluster (CITUS_COORDINATOR set), or with TEST_LANES=1, everything runs
# in lane 0, one suite at a time, printed as it goes, unless the caller gives further lanes
# configured clusters of their own (TEST_LANE_FILTERS, TEST_LANE_ENV_DIR, below).
#
# Each lane writes REPORTS/lanes/N/{output.log,junit-swift-testing.xml,skips.jsonl,reads.log}; the
# lane's result is printed as it ends (its failures with it), and the JUnit files, skips, read logs
# and sign-off claims are merged for the summary. Every test the bundle lists must have run in
# exactly one lane. Exit status: non-zero when any lane failed or that check did not hold.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
reports=${1:?usage: scripts/test-lanes.sh REPORTS}
mkdir -p "$reports" && reports=$(cd "$reports" && pwd)
# The built test bundle, run directly: `swift test` holds a lock on .build for its whole run, so
# lanes started through it would wait for each other. `make test` builds first.
bundle=$(swift build --show-bin-path)/citus-verifyPackageTests.xctest
[[ -x $bundle ]] || { echo "test-lanes: $bundle is missing: build the tests first (swift build --build-tests)" >&2; exit 1; }
swift_test=(env NO_COLOR=1 "$bundle" --testing-library swift-testing --no-parallel)

# The suites of lanes 1-3 (test ids read `Target.Suite/test()`), balanced by the time each took
# here (reports/timing.json shows it).
lanes=(
  ''
  '^ResilienceTests\.(ExactPhaseFaultTests|KnownIssueTests|RemovedWorkerTests|LedgerCheckTests|LoadGeneratorTests|ReplyDeadlineTests)(/|$)'
  '^(ResilienceTests\.(NetworkFaultTests|JobFaultTests|FaultAuditTests|BadInputTests|LateTwoPhaseWriteTests)|ToolTests\.PsqlWalkthroughTests)(/|$)'
  '^(BenchmarkTests\.|ToolTests\.ToolBenchScaleTests(/|$)|ResilienceTests\.(FaultTests|CitusBadInputTests)(/|$))'
)
case ${TEST_LANES:-4} in
  4) ;;
  1) lanes=('') ;;
  *) echo "test-lanes: TEST_LANES must be 1 (one lane, one suite at a time) or 4 (the default), got '$TEST_LANES'" >&2; exit 2 ;;
esac
# A configured cluster (CITUS_COORDINATOR set) is one cluster: everything in lane 0, unless the
# caller gives each further lane a configured cluster of its own (scripts/own-cluster-check.sh):
# TEST_LANE_FILTERS holds the suites of lanes 1, 2, … (one pattern per line) and TEST_LANE_ENV_DIR
# a file laneN.env per such lane, with the variables (NAME=value, one per line) that point it at its cluster.
own_lanes=0
if [[ -n ${CITUS_COORDINATOR:-} ]]; then
  lanes=('')
  if [[ -n ${TEST_LANE_FILTERS:-} && ${TEST_LANES:-4} != 1 ]]; then
    while IFS= read -r pattern; do [[ -z $pattern ]] || lanes+=("$pattern"); done <<<"$TEST_LANE_FILTERS"
    own_lanes=1
    for (( n = 1; n < ${#lanes[@]}; n++ )); do
      file=${TEST_LANE_ENV_DIR:-TEST_LANE_ENV_DIR (unset)}/lane$n.env
      [[ -f $file ]] || { echo "test-lanes: TEST_LANE_FILTERS names lane $n but $file, its cluster, is missing" >&2; exit 2; }
      # Two lanes on one database would run two suites on it at once.
      coordinator=$(sed -n 's/^CITUS_COORDINATOR=//p' "$file")
      [[ -n $coordinator && $coordinator != "$CITUS_COORDINATOR" ]] || {
        echo "test-lanes: $file must set CITUS_COORDINATOR to a cluster other than lane 0's ($CITUS_COORDINATOR), got '${coordinator}'" >&2
        exit 2
      }
    done
  fi
fi

rm -rf "$reports/lanes"
mkdir -p "$reports/lanes"
base=${CLUSTER_DIR:-$PWD/.cluster}
# Lane clusters take the ports 10, 20 and 30 above the embedded cluster's (9710, 9720, 9730 by default).
port_base=${CLUSTER_PORT:-9700}
lane_env() {  # the environment of lane $1 into the array `lane`: its own cluster, except lane 0
  local n=$1
  lane=()
  if (( n > 0 && own_lanes )); then mapfile -t lane <"$TEST_LANE_ENV_DIR/lane$n.env"
  elif (( n > 0 )); then lane=("CLUSTER_DIR=$base-lane$n" "CLUSTER_PORT=$((port_base + 10 * n))" "CITUS_VERIFY_START_CLUSTER=no")
  fi
  # The sign-off's claims: a file per lane (appends from several processes would interleave), merged below.
  [[ -z ${CITUS_VERIFY_CLAIMS:-} ]] || lane+=("CITUS_VERIFY_CLAIMS=$reports/lanes/$n/claims.jsonl")
}

# TEST_SKIP (a pattern): tests left out of this run on purpose (own-cluster-check leaves out the
# measurement suites the main run has); they are named as left out, not counted as run.
skips=()
[[ -z ${TEST_SKIP:-} ]] || skips+=(--skip "$TEST_SKIP")
for (( n = 1; n < ${#lanes[@]}; n++ )); do skips+=(--skip "${lanes[n]}"); done

if (( ${#lanes[@]} > 1 )); then
  echo "tests: ${#lanes[@]} lanes at once, lanes 1-$(( ${#lanes[@]} - 1 )) on clusters of their own (logs in $reports/lanes/N/output.log)"
else
  echo "tests: one lane, one suite at a time (log in $reports/lanes/0/output.log)"
fi
pids=()
for (( n = 0; n < ${#lanes[@]}; n++ )); do
  dir=$reports/lanes/$n
  mkdir -p "$dir"
  (
    lane_env "$n"
    if (( n > 0 )); then
      if (( ! own_lanes )) && ! env "${lane[@]}" scripts/cluster.sh up >"$dir/cluster.log" 2>&1; then
        echo "lane $n: its cluster did not start:"; tail -5 "$dir/cluster.log" | sed "s/^/lane $n:   /"
        env "${lane[@]}" scripts/cluster.sh down >>"$dir/cluster.log" 2>&1
        exit 1
      fi
      filter=(--filter "${lanes[n]}")
    else
      filter=("${skips[@]}")
    fi
    # One lane prints as it goes; several would interleave, so each keeps to its log until it ends.
    run_lane() {
      env "${lane[@]}" CITUS_VERIFY_SKIPS="$dir/skips.jsonl" CITUS_VERIFY_READ_LOG="$dir/reads.log" \
        "${swift_test[@]}" "${filter[@]}" --xunit-output "$dir/junit-swift-testing.xml" 2>&1
    }
    if (( ${#lanes[@]} == 1 )); then run_lane | tee "$dir/output.log"; status=${PIPESTATUS[0]}
    else run_lane >"$dir/output.log"; status=$?; fi
    if (( n > 0 && ! own_lanes )); then env "${lane[@]}" scripts/cluster.sh down >>"$dir/cluster.log" 2>&1; fi
    summary=$(grep -E '^(✔|✘|━) Test run' "$dir/output.log" | tail -1)
    echo "lane $n ${summary:-ended without a closing line (status $status): see $dir/output.log}"
    if (( status != 0 && ${#lanes[@]} > 1 )); then
      grep -E '^✘|recorded an issue|Caught error|error:' "$dir/output.log" | head -40 | sed "s/^/lane $n:   /"
    fi
    exit $status
  ) &
  pids+=($!)
done

status=0
for pid in "${pids[@]}"; do wait "$pid" || status=1; done

# One JUnit file, one skips file and one read log for the summary, the sign-off and read coverage;
# and every test the bundle lists must have run in exactly one lane (a lane's pattern that misses a
# suite, or two that both take it, fail the run here instead of passing it short).
"$bundle" --testing-library swift-testing --list-tests 2>/dev/null | grep / >"$reports/lanes/listed.txt"
[[ ${PIPESTATUS[0]} == 0 && -s $reports/lanes/listed.txt ]] || { echo "test-lanes: the bundle did not list its tests"; status=1; }
if [[ -n ${TEST_SKIP:-} ]]; then
  grep -E "$TEST_SKIP" "$reports/lanes/listed.txt" >"$reports/lanes/left-out.txt"
  grep -vE "$TEST_SKIP" "$reports/lanes/listed.txt" >"$reports/lanes/listed-run.txt"
  mv "$reports/lanes/listed-run.txt" "$reports/lanes/listed.txt"
  echo "tests: $(wc -l <"$reports/lanes/left-out.txt") left out on purpose (TEST_SKIP='$TEST_SKIP')"
fi
python3 - "$reports" <<'PY' || status=1
import collections, glob, sys, xml.etree.ElementTree as ET
reports = sys.argv[1]
merged = ET.Element("testsuites")
suite = ET.SubElement(merged, "testsuite", name="citus-verify")
ran = collections.Counter()
for path in sorted(glob.glob(f"{reports}/lanes/*/junit-swift-testing.xml")):
    try:
        cases = list(ET.parse(path).getroot().iter("testcase"))
    except ET.ParseError as error:  # a lane stopped before Swift Testing finished its file
        print(f"test-lanes: {path} is incomplete ({error}): that lane's tests count as not run")
        continue
    for case in cases:
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
if [[ -n ${CITUS_VERIFY_CLAIMS:-} ]]; then cat "$reports"/lanes/*/claims.jsonl >>"$CITUS_VERIFY_CLAIMS" 2>/dev/null || true; fi
exit $status
