#!/usr/bin/env bash
# Wall time of the whole verification, Phase 1 to 4, from a stopped embedded cluster to the last
# assertion: with the cluster's tuned settings (scripts/cluster.sh's default) and with PostgreSQL's
# and Citus's defaults (CLUSTER_TUNING=default), in one run, each side BENCH_REPEATS times taking
# turns (so a slow minute of the machine falls on both), reported as median, min and max, with the
# ratio of the medians. Each cluster is created (not timed), stopped, then started and verified
# (timed), then deleted.
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

elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }

run() {
  local tuning=$1 port=$2 dir
  dir=$(mktemp -d "/tmp/citus-verify-lifecycle-$tuning.XXXXXX")
  chmod 755 "$dir"
  export CLUSTER_DIR=$dir CLUSTER_PORT=$port CLUSTER_TUNING=$tuning
  scripts/cluster.sh up >/dev/null && scripts/cluster.sh down >/dev/null
  local start=$EPOCHREALTIME status=0
  scripts/cluster.sh up >/dev/null
  (set -a; . "$dir/cluster.env"; set +a
   CITUS_VERIFY_REQUIRE_CITUS=1 CITUS_VERIFY_START_CLUSTER=no \
     swift test --skip-build --no-parallel --filter '^Phase[1-4]Tests\.' >"$dir.log" 2>&1) || status=$?
  local end=$EPOCHREALTIME
  scripts/cluster.sh destroy >/dev/null
  if (( status != 0 )); then echo "bench-lifecycle: the $tuning run failed, see $dir.log" >&2; exit 1; fi
  rm -f "$dir.log"
  elapsed "$start" "$end"
}

fast=() default=()
for ((i = 1; i <= BENCH_REPEATS; i++)); do
  echo "bench-lifecycle: run $i of $BENCH_REPEATS, tuned settings"
  fast+=("$(run fast "$BENCH_PORT")")
  echo "bench-lifecycle: run $i of $BENCH_REPEATS, default settings"
  default+=("$(run default $((BENCH_PORT + 1 + ${CLUSTER_WORKERS:-3})))")
done
python3 - "${fast[*]}" "${default[*]}" <<'PY'
import statistics, sys
fast, default = ([float(x) for x in arg.split()] for arg in sys.argv[1:])
def line(name, xs):
    return f"{name}: median {statistics.median(xs):.1f} s, min {min(xs):.1f} s, max {max(xs):.1f} s over {len(xs)} runs ({', '.join(f'{x:.1f}' for x in xs)})"
print("lifecycle (start stopped cluster, Phase 1 to 4, last assertion)")
print("  " + line("tuned", fast))
print("  " + line("defaults", default))
m_fast, m_default = statistics.median(fast), statistics.median(default)
print(f"  tuned/defaults (medians) {m_fast / m_default:.2f} ({m_default / m_fast:.1f}x faster)")
PY
