#!/usr/bin/env bash
# Wall time of the whole verification, Phase 1 to 4, from a stopped embedded cluster to the last
# assertion: once with the cluster's tuned settings (scripts/cluster.sh's default) and once with
# PostgreSQL's and Citus's defaults (CLUSTER_TUNING=default), in one run, with their ratio.
# Each cluster is created (not timed), stopped, then started and verified (timed), then deleted.
#
#   scripts/bench-lifecycle.sh        (make bench-lifecycle)
# Settings: BENCH_PORT (first of two blocks of four ports, default 9710).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BENCH_PORT=${BENCH_PORT:-9710}

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

echo "bench-lifecycle: Phase 1 to 4 with tuned settings"
fast=$(run fast "$BENCH_PORT")
echo "bench-lifecycle: Phase 1 to 4 with default settings"
default=$(run default $((BENCH_PORT + 4)))
python3 - "$fast" "$default" <<'PY'
import sys
fast, default = map(float, sys.argv[1:])
print(f"lifecycle (start stopped cluster, Phase 1 to 4, last assertion): tuned {fast:.1f} s, defaults {default:.1f} s, "
      f"tuned/defaults {fast / default:.2f} ({default / fast:.1f}x faster)")
PY
