#!/usr/bin/env bash
# Independence of the test targets: each target runs alone, in its own `swift test` process, in a
# shuffled order (TARGETS_SEED picks it; the same seed gives the same order), and with
# TARGETS_FRESH=1 on a destroyed embedded cluster each time. No verdict may depend on which target
# ran before: a target that passes in `make test` and fails here needs a stage it does not build.
#
#   scripts/targets-alone.sh                     (make targets-alone)
#   TARGETS_SEED=7 TARGETS_FRESH=1 scripts/targets-alone.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seed=${TARGETS_SEED:-$RANDOM}
[[ $seed =~ ^[0-9]+$ ]] || { echo "targets-alone: TARGETS_SEED must be a whole number, got '$seed'" >&2; exit 2; }
fresh=${TARGETS_FRESH:-0}
[[ $fresh == 0 || $fresh == 1 ]] || { echo "targets-alone: TARGETS_FRESH must be 0 or 1, got '$fresh'" >&2; exit 2; }
if [[ $fresh == 1 && -n ${CITUS_COORDINATOR:-} ]]; then
  echo "targets-alone: TARGETS_FRESH=1 destroys the embedded cluster; CITUS_COORDINATOR is set ($CITUS_COORDINATOR): unset it" >&2
  exit 2
fi
swift build --build-tests --quiet
mapfile -t targets < <(ls Tests | python3 -c "import random, sys; t = sys.stdin.read().split(); random.Random($seed).shuffle(t); print('\n'.join(t))")
echo "targets-alone: seed $seed, order: ${targets[*]}"
failed=()
for target in "${targets[@]}"; do
  if [[ $fresh == 1 ]]; then scripts/cluster.sh destroy >/dev/null; scripts/cluster.sh up >/dev/null; fi
  log=$(mktemp "/tmp/citus-verify-$target.XXXXXX")
  if swift test --skip-build --no-parallel --filter "^$target\\." >"$log" 2>&1; then
    echo "targets-alone: $target passed alone ($(grep -E '^(✔|━) Test run' "$log" | tail -1))"
  else
    echo "targets-alone: $target FAILED alone (log: $log)"; grep -E '^✘ Test .* recorded' "$log" | head -3 | sed 's/^/  /'
    failed+=("$target")
  fi
done
if (( ${#failed[@]} )); then echo "targets-alone: ${#failed[@]} of ${#targets[@]} targets failed alone: ${failed[*]}"; exit 1; fi
echo "targets-alone: all ${#targets[@]} targets passed alone, in the order of seed $seed"
