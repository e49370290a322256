#!/usr/bin/env bash
# Wall time of the whole verification, Phase 1 to 4, from a stopped embedded cluster to the last
# assertion: with the cluster's tuned settings (scripts/cluster.sh's default) and with PostgreSQL's
# and Citus's defaults (CLUSTER_TUNING=default), in one run, each side BENCH_REPEATS times taking
# turns (so a slow minute of the machine falls on both), reported as median, min and max, with the
# ratio of the medians. Each cluster is created (not timed), stopped, then started and verified
# (timed), then deleted.
#
# The harness's overhead, from the tuned runs: the wall time divided by the time the database spent
# in Citus's own operations (the files of sql/sharding/ and sql/resharding/, each run timed by the
# suite into CITUS_VERIFY_SCRIPT_LOG), with the largest of the other costs named: the cluster's
# start, the seed file, the other SQL files, the longest tests (their JUnit times).
#
#   scripts/bench-lifecycle.sh        (make bench-lifecycle)
# Settings: BENCH_PORT (first of two blocks of ports, one per node, default 9710), BENCH_REPEATS (default 3),
# CLUSTER_WORKERS (workers per cluster, default 3).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BENCH_PORT=${BENCH_PORT:-9710}
BENCH_REPEATS=${BENCH_REPEATS:-3}
[[ $BENCH_REPEATS =~ ^[1-9][0-9]*$ ]] || { echo "bench-lifecycle: BENCH_REPEATS must be a positive whole number, got '$BENCH_REPEATS'" >&2; exit 2; }

echo "bench-lifecycle: building (not timed)"
swift build --build-tests --quiet
# The suite's test bundle is run directly, as `swift test --skip-build` runs it: what swift test
# adds before it (its package and build-plan check, 0.6 s to 4 s here) is not the lifecycle's.
tests_bundle="$(swift build --show-bin-path)/citus-verifyPackageTests.xctest"
[[ -x $tests_bundle ]] || { echo "bench-lifecycle: no test bundle at $tests_bundle after the build" >&2; exit 1; }

elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }

run() {
  local tuning=$1 port=$2 dir
  dir=$(mktemp -d "/tmp/citus-verify-lifecycle-$tuning.XXXXXX")
  chmod 755 "$dir"
  export CLUSTER_DIR=$dir CLUSTER_PORT=$port CLUSTER_TUNING=$tuning
  scripts/cluster.sh up >/dev/null && scripts/cluster.sh down >/dev/null
  local start=$EPOCHREALTIME status=0
  scripts/cluster.sh up >/dev/null
  local up=$EPOCHREALTIME
  (set -a; . "$dir/cluster.env"; set +a
   CITUS_VERIFY_REQUIRE_CITUS=1 CITUS_VERIFY_START_CLUSTER=no CITUS_VERIFY_SCRIPT_LOG=$dir.scripts.jsonl \
     "$tests_bundle" --testing-library swift-testing --no-parallel --filter '^Phase[1-4]Tests\.' \
       --xunit-output "$dir-swift-testing.xml" >"$dir.log" 2>&1) || status=$?
  local end=$EPOCHREALTIME
  scripts/cluster.sh destroy >/dev/null
  if (( status != 0 )); then echo "bench-lifecycle: the $tuning run failed, see $dir.log" >&2; exit 1; fi
  # The run's figures for the overhead: wall, cluster start, each SQL file's time, each test's time.
  python3 - "$(elapsed "$start" "$end")" "$(elapsed "$start" "$up")" "$dir.scripts.jsonl" "$dir"-swift-testing.xml "$tuning" \
    >>"$figures" <<'PY'
import json, sys, xml.etree.ElementTree as ET
wall, start, scripts, junit, tuning = sys.argv[1:]
tests = [(float(t.get("time", 0)), t.get("classname", "") + "." + t.get("name", "")) for t in ET.parse(junit).iter("testcase")]
files = [json.loads(line) for line in open(scripts)] if tuning == "fast" else []
print(json.dumps({"tuning": tuning, "wall": float(wall), "start": float(start), "scripts": files, "tests": tests}))
PY
  rm -f "$dir.log" "$dir.scripts.jsonl" "$dir"-swift-testing.xml
}

figures=$(mktemp /tmp/citus-verify-lifecycle-figures.XXXXXX)
trap 'rm -f "$figures"' EXIT
for ((i = 1; i <= BENCH_REPEATS; i++)); do
  echo "bench-lifecycle: run $i of $BENCH_REPEATS, tuned settings"
  run fast "$BENCH_PORT"
  echo "bench-lifecycle: run $i of $BENCH_REPEATS, default settings"
  run default $((BENCH_PORT + 1 + ${CLUSTER_WORKERS:-3}))
done
mkdir -p reports/bench
python3 - "$figures" reports/bench/lifecycle.json <<'PY'
import datetime, json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
fast = [r["wall"] for r in runs if r["tuning"] == "fast"]
default = [r["wall"] for r in runs if r["tuning"] == "default"]
def line(name, xs):
    return f"{name}: median {statistics.median(xs):.1f} s, min {min(xs):.1f} s, max {max(xs):.1f} s over {len(xs)} runs ({', '.join(f'{x:.1f}' for x in xs)})"
print("lifecycle (start stopped cluster, Phase 1 to 4, last assertion)")
print("  " + line("tuned", fast))
print("  " + line("defaults", default))
m_fast, m_default = statistics.median(fast), statistics.median(default)
print(f"  tuned/defaults (medians) {m_fast / m_default:.2f} ({m_default / m_fast:.1f}x faster)")

# The overhead, from the tuned run of median wall time (with an even number of runs, the slower of
# the two middle ones: a run that happened): what the database spent in Citus's own operations
# against everything else.
median_run = sorted((r for r in runs if r["tuning"] == "fast"), key=lambda r: r["wall"])[len(fast) // 2]
def spent(prefixes):
    return sum(f["seconds"] for f in median_run["scripts"] if f["script"].startswith(prefixes))
citus = spent(("sql/sharding/", "sql/resharding/"))
seed = spent(("sql/setup/01_",))
other_sql = sum(f["seconds"] for f in median_run["scripts"]) - citus - seed
runs_of = lambda prefix: sum(1 for f in median_run["scripts"] if f["script"].startswith(prefix))
print(f"harness overhead (tuned run of {median_run['wall']:.1f} s): wall / Citus's operations "
      f"{median_run['wall'] / citus:.2f} (Citus's operations, sql/sharding/ and sql/resharding/: {citus:.1f} s)" if citus > 0
      else "harness overhead: no Citus operation was timed (CITUS_VERIFY_SCRIPT_LOG empty)")
costs = [("cluster start (cluster.sh up)", median_run["start"]),
         (f"seed file, {runs_of('sql/setup/01_')} runs", seed),
         ("other SQL files (schema, queries)", other_sql)]
costs += [(f"test {name}", seconds) for seconds, name in sorted(median_run["tests"], reverse=True)[:3]]
print("  largest other costs: " + "; ".join(f"{name} {seconds:.1f} s" for name, seconds in sorted(costs, key=lambda c: -c[1])))
# The same figures for the docs (make docs renders them: LifecycleBenchReport).
with open(sys.argv[2], "w") as out:
    json.dump({"finished": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
               "tuned": fast, "defaults": default, "overheadRunWall": median_run["wall"], "citusSeconds": citus,
               "otherCosts": [{"name": name, "seconds": seconds} for name, seconds in costs]}, out, indent=2)
print(f"bench-lifecycle: figures in {sys.argv[2]} (make docs puts them in docs/performance.md)")
PY
