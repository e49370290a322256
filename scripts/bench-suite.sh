#!/usr/bin/env bash
# The verification itself at a larger data scale: wall time of Phase 1 to 4 (`swift test`, the debug
# build users run) against the configured cluster at CITUS_VERIFY_SCALE=BENCH_SUITE_SCALE (default
# 100: 100,000 users, a million orders, two million items), and the test process's peak memory.
# Measures and prints; asserts nothing (the tests assert behaviour, never time).
#
#   scripts/bench-suite.sh        (make bench-suite; BENCH_SUITE_SCALE=10 make bench-suite)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scale=${BENCH_SUITE_SCALE:-100}
[[ $scale =~ ^[1-9][0-9]*$ ]] && (( scale <= 1000 )) \
  || { echo "bench-suite: BENCH_SUITE_SCALE must be a whole number from 1 to 1000, got '$scale'" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "bench-suite: /usr/bin/time is missing (Debian: apt-get install time); it reports the peak memory" >&2; exit 2; }
echo "bench-suite: building (not timed)"
swift build --build-tests --quiet
log=$(mktemp /tmp/citus-verify-bench-suite.XXXXXX)
echo "bench-suite: Phase 1 to 4 at scale $scale (log: $log)"
status=0
CITUS_VERIFY_SCALE=$scale CITUS_VERIFY_REQUIRE_CITUS=1 /usr/bin/time -f 'wall %e s, peak memory %M KiB' -o "$log.time" \
  swift test --skip-build --no-parallel --filter '^Phase[1-4]Tests\.' >"$log" 2>&1 || status=$?
grep -E '^(✔|━|✘) (Suite|Test run)' "$log" | sed 's/^/  /' || true
python3 - "$(cat "$log.time")" "$scale" "$(nproc)" <<'PY'
import re, sys
line, scale, cores = sys.argv[1:]
wall, kib = re.search(r"wall ([\d.]+) s, peak memory (\d+) KiB", line).groups()
print(f"bench-suite: scale {scale}, {cores} cores: Phases 1-4 took {float(wall):.0f} s wall ({float(wall) / 60:.1f} min); "
      f"the test process's peak memory {int(kib) / 1024:.0f} MiB")
PY
rm -f "$log.time"
exit $status
