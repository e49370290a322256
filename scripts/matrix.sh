#!/usr/bin/env bash
# The suite once per PostgreSQL server with Citus (MATRIX_JOBS at once), each on an embedded cluster of
# its own (folder .cluster-matrix-<label>, ports from 9500 + 50 n; the lanes of `make test` take
# the next 30), then `citus-verify matrix` writes REPORTS/matrix.md and .json from every pair's
# last run (a pair run again alone replaces its own row only).
#
#   scripts/matrix.sh REPORTS
#
# MATRIX_BINDIRS: the servers' bin folders, comma-separated (default: every server
#   scripts/servers.sh installed, then the system's, the one cluster.sh takes without PG_BINDIR).
# MATRIX_SCOPE: test (default: every suite, as `make test`) or lifecycle (the fixtures' unit tests,
#   which run the pair's psql, and Phases 1-4, one lane: the answer to "does the lifecycle hold on
#   this pair?" in a few minutes). The reports' and the mutants' unit tests use no server (the
#   report page's alone takes about 20 s of chromium); make test runs them once.
# MATRIX_JOBS: pairs run at once (default 1), each on its own cluster, ports and reports; each
#   pair's output then goes to REPORTS/matrix/<label>/run.log, all printed once every pair ended.
#   Worth it with cores to spare: on 2 cores (and other work beside) each lifecycle took twice as long.
# A server without Citus is listed as not run, with what is missing; it never counts as passed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
reports=${1:?usage: scripts/matrix.sh REPORTS}
mkdir -p "$reports/matrix" && reports=$(cd "$reports" && pwd)
scope=${MATRIX_SCOPE:-test}
MATRIX_JOBS=${MATRIX_JOBS:-1}
[[ $MATRIX_JOBS =~ ^[1-9][0-9]*$ ]] || { echo "matrix: MATRIX_JOBS must be a positive whole number, got '$MATRIX_JOBS'" >&2; exit 2; }
[[ $scope == test || $scope == lifecycle ]] || { echo "matrix: MATRIX_SCOPE must be test or lifecycle, got '$scope'" >&2; exit 2; }

system_bindir() {
  local dir
  if command -v pg_config >/dev/null && [[ -x $(pg_config --bindir)/initdb ]]; then pg_config --bindir; return; fi
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [[ -n $dir ]] && echo "$dir"
}
if [[ -n ${MATRIX_BINDIRS:-} ]]; then IFS=',' read -r -a bindirs <<< "$MATRIX_BINDIRS"
else mapfile -t bindirs < <(scripts/servers.sh list; system_bindir); fi
(( ${#bindirs[@]} > 0 )) || { echo "matrix: no server: install some (make servers) or set MATRIX_BINDIRS" >&2; exit 1; }

# Each pair's folder is replaced when that pair runs; pairs not named this time keep their last
# results (pair.json says when), so one pair can be run again alone.
status=0
n=0
used=()
outputs=()
clusters=()
# Stopped part-way: the pairs still running, then their clusters.
trap 'kill $(jobs -p) 2>/dev/null; wait; for c in "${clusters[@]}"; do CLUSTER_DIR=$c scripts/cluster.sh down >/dev/null 2>&1; done; exit 130' INT TERM
for bin in "${bindirs[@]}"; do
  bin=${bin%/}
  [[ -x $bin/postgres && -x $bin/pg_config ]] || { echo "matrix: $bin has no postgres and pg_config (MATRIX_BINDIRS names bin folders of PostgreSQL servers)" >&2; exit 2; }
  read -r version citus <<< "$(scripts/servers.sh versions "$bin")"
  [[ $citus != - ]] || citus=""
  label=pg${version%%.*}
  [[ " ${used[*]} " != *" $label "* ]] || label=$label-$n
  used+=("$label")
  out=$reports/matrix/$label
  rm -rf "$out" && mkdir -p "$out"
  pkglib=$("$bin/pg_config" --pkglibdir)
  record() {  # pair.json: what citus-verify matrix reads besides the JUnit file
    printf '{"label":"%s","bindir":"%s","postgres":"%s","citus":"%s","scope":"%s","status":"%s","wallSeconds":%d,"reason":"%s","finished":"%s"}\n' \
      "$label" "$bin" "$version" "$citus" "$scope" "$1" "$2" "$3" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$out/pair.json"
  }
  if [[ ! -f $pkglib/citus.so ]]; then
    echo "matrix: $label (PostgreSQL $version in $bin): not run, no Citus installed for it (citus.so not in $pkglib; build it: docs/citus.md)"
    record "not run" 0 "no Citus installed for PostgreSQL $version (citus.so not in $pkglib): build it for this server, docs/citus.md"
    n=$((n + 1)); continue
  fi
  port=$((9500 + 50 * n))
  cluster=$PWD/.cluster-matrix-$label
  clusters+=("$cluster")
  echo "matrix: $label: PostgreSQL $version with Citus $citus ($bin), scope $scope, cluster $cluster on ports $port-"
  pair=(env -u CITUS_COORDINATOR -u CLUSTER_TLS PG_BINDIR="$bin" CLUSTER_DIR="$cluster" CLUSTER_PORT="$port" CITUS_VERIFY_REQUIRE_CITUS=1)
  [[ $scope == test ]] || pair+=(TEST_LANES=1 TEST_SKIP='^(ResilienceTests|ToolTests|BenchmarkTests|ReportsTests|MutantsTests)\.')
  run_pair() {
    local started=$SECONDS result
    if "${pair[@]}" scripts/cluster.sh up; then
      "${pair[@]}" make --no-print-directory test REPORTS="$out"; result=$?
    else
      result=1; echo "matrix: $label: the cluster did not start" >&2
    fi
    "${pair[@]}" scripts/cluster.sh down >/dev/null 2>&1 || true
    if (( result == 0 )); then record passed $((SECONDS - started)) ""
    else record failed $((SECONDS - started)) "make test ended with status $result"; fi
  }
  if (( MATRIX_JOBS > 1 )); then
    # At most MATRIX_JOBS at once: wait for one to end before starting another.
    while (( $(jobs -rp | wc -l) >= MATRIX_JOBS )); do wait -n || true; done
    echo "matrix: $label: started beside the others, output in $out/run.log"
    run_pair >"$out/run.log" 2>&1 &
    outputs+=("$label:$out")
  else
    run_pair
  fi
  n=$((n + 1))
done
wait
for entry in "${outputs[@]}"; do
  echo "matrix: ${entry%%:*}: its output:"
  cat "${entry#*:}/run.log"
done
# A pair failed when its record says so (set by run_pair, in the background or not), or when it
# has none: it ended before it could write one.
for label in "${used[@]}"; do
  record_file=$reports/matrix/$label/pair.json
  if [[ ! -f $record_file ]]; then echo "matrix: $label: ended without a record of its run" >&2; status=1
  elif grep -q '"status":"failed"' "$record_file"; then status=1; fi
done
.build/debug/citus-verify matrix --reports "$reports" || status=1
exit $status
