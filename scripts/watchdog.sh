#!/usr/bin/env bash
# Runs a command under a bound on its whole run, its output shown and kept in LOG:
#   scripts/watchdog.sh SECONDS LOG command [argument ...]
# WATCHDOG_LOGS (a glob, default LOG) names the files the command's tests print to, when not LOG.
# When the command has not ended after SECONDS, the watchdog prints what is stuck (the tests that
# started and never ended, from LOG, and every node's sessions that are not idle, from
# `citus-verify activity`), then stops the command and exits 124. Otherwise it exits with the
# command's status. Used by `make test` (TEST_WATCHDOG) so that a run never outlives CI's limit
# silently.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ $# -ge 3 && $1 =~ ^[0-9]+$ ]] || { echo "usage: scripts/watchdog.sh SECONDS LOG command [argument ...]" >&2; exit 2; }
limit=$1 log=$2
shift 2
mkdir -p "$(dirname "$log")"
: >"$log"

set -m  # the command in a process group of its own, stopped whole
"$@" > >(tee -a "$log") 2>&1 &
pid=$!
set +m
# Stopped itself (Ctrl-C, CI cancelling the job): the command's group goes with it.
stop_command() {
  kill -TERM -- "-$pid" 2>/dev/null
  for _ in 1 2 3 4 5; do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -KILL -- "-$pid" 2>/dev/null
}
trap 'stop_command; exit 130' INT TERM HUP
started=$SECONDS
while kill -0 "$pid" 2>/dev/null; do
  if (( SECONDS - started >= limit )); then
    echo "watchdog: '$*' still running after $limit s; stopping it. Tests started and not ended:"
    # Swift Testing prints `◇ Test "name" started.` and, at the end, `✔`/`✘`/`➜ Test "name" …`
    # (`… with N test cases passed` for a parameterized test; its cases' own lines are left out).
    # shellcheck disable=SC2086
    logs=$(ls ${WATCHDOG_LOGS:-$log} 2>/dev/null || true)
    [[ -n $logs ]] || logs=$log
    # shellcheck disable=SC2086
    cat $logs | sed -n 's/^◇ Test \(".*"\) started\.$/\1/p' | sort >"$log.started"
    # shellcheck disable=SC2086
    cat $logs | sed -n 's/^\(✔\|✘\|➜\) Test \(".*"\)\( with [0-9]* test cases\)\{0,1\} \(passed\|failed\|skipped\).*/\2/p' | sort -u >"$log.ended"
    comm -23 "$log.started" "$log.ended" | sed 's/^/watchdog:   /'
    rm -f "$log.started" "$log.ended"
    echo "watchdog: what every node is doing:"
    if [[ -x .build/debug/citus-verify ]]; then
      # The configured cluster, then make test's lane clusters (scripts/test-lanes.sh), if any: the
      # configured clusters of TEST_LANE_ENV_DIR, else the embedded ones.
      if [[ -n ${CITUS_COORDINATOR:-} ]]; then
        timeout 30 .build/debug/citus-verify activity --deadline 5 2>&1 | sed 's/^/watchdog:   /'
        for file in "${TEST_LANE_ENV_DIR:-/nonexistent}"/lane*.env; do
          [[ -f $file && $file != */lane0.env ]] || continue
          echo "watchdog: $(basename "$file" .env):"
          mapfile -t settings <"$file"
          env "${settings[@]}" timeout 30 .build/debug/citus-verify activity --deadline 5 2>&1 | sed 's/^/watchdog:   /'
        done
      else
        for cluster in "" "${CLUSTER_DIR:-$PWD/.cluster}"-lane*; do
          [[ -z $cluster || -f $cluster/cluster.env ]] || continue
          [[ -z $cluster ]] || echo "watchdog: $cluster:"
          env ${cluster:+CLUSTER_DIR=$cluster} timeout 30 .build/debug/citus-verify activity --deadline 5 2>&1 | sed 's/^/watchdog:   /'
        done
      fi
    fi
    stop_command
    wait "$pid" 2>/dev/null
    exit 124
  fi
  sleep 2
done
wait "$pid"
