#!/usr/bin/env bash
# An acknowledged write that no reader sees until Citus's prepared-transaction recovery runs
# (citusdata/citus#3780), in plain SQL and shell, against any Citus cluster with two workers.
#
#   docs/repro/late-two-phase-write.sh
#
# One transaction inserts a row on each of two workers, so Citus commits it in two phases. The
# second worker answers PREPARE late (a deferred trigger on its shard sleeps), which holds the
# first worker's part prepared; the first worker is stopped abruptly in that window. The client's
# COMMIT is acknowledged (with a WARNING), yet the first worker's row is missing after it restarts,
# and recovery run while that worker was down commits nothing. Only a recovery after the restart
# (or Citus's maintenance daemon, every citus.recover_2pc_interval) makes the row appear.
#
# Settings (environment): PGHOST, PGUSER, PGPASSWORD, PGDATABASE as for psql; COORDINATOR_PORT
# (default 9700), KILL_PORT and SLOW_PORT (the two workers' ports as Citus knows them, default
# 9701 and 9702); STOP_WORKER and START_WORKER (commands that stop the KILL_PORT worker abruptly
# and start it again; default: the embedded cluster's scripts/cluster.sh kill-node / start-node
# worker1; PGDATABASE and PGUSER default to the embedded cluster's citus_verify). It creates and
# drops a table of its own (late_demo) and turns the maintenance daemon's recovery off while it
# runs (ALTER SYSTEM RESET afterwards: a value set by ALTER SYSTEM before is not kept); on any exit
# it starts the worker again if it stopped it, recovers, and drops what it made. Exit status 0
# when the behaviour is reproduced, 1 when not, 2 when the setup failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
: "${PGHOST:=127.0.0.1}" "${PGDATABASE:=citus_verify}" "${PGUSER:=citus_verify}"; export PGHOST PGDATABASE PGUSER
coordinator=${COORDINATOR_PORT:-9700} kill_port=${KILL_PORT:-9701} slow_port=${SLOW_PORT:-9702}
stop_worker=${STOP_WORKER:-scripts/cluster.sh kill-node worker1}
start_worker=${START_WORKER:-scripts/cluster.sh start-node worker1}
sql() { local port=$1; shift; psql -X -q -At -v ON_ERROR_STOP=1 -p "$port" "$@"; }
step() { printf '\n== %s\n' "$*"; }
out=$(mktemp -d) stopped=0
cleanup() {
  # The worker running, nothing left prepared (a prepared part would hold late_demo's lock), the
  # setting back, then what the script made; each statement bounded by a lock timeout.
  [[ $stopped == 1 ]] && bash -c "$start_worker" >/dev/null 2>&1
  sql "$coordinator" -c "SELECT recover_prepared_transactions()" -c "ALTER SYSTEM RESET citus.recover_2pc_interval" \
      -c "SELECT pg_reload_conf()" >/dev/null 2>&1
  sql "$slow_port" -c "BEGIN" -c "SET LOCAL citus.enable_ddl_propagation TO off" -c "SET LOCAL lock_timeout TO '10s'" \
      -c "DROP FUNCTION IF EXISTS late_demo_slow() CASCADE" -c "COMMIT" >/dev/null 2>&1
  sql "$coordinator" -c "SET lock_timeout TO '10s'" -c "DROP TABLE IF EXISTS late_demo" >/dev/null 2>&1
  rm -rf "$out"
}
trap cleanup EXIT

step "versions"
sql "$coordinator" -c "SELECT version()" -c "SELECT citus_version()"

step "a distributed table; one key on each worker"
sql "$coordinator" -c "DROP TABLE IF EXISTS late_demo" -c "CREATE TABLE late_demo (id bigint PRIMARY KEY, note text)" \
    -c "SELECT create_distributed_table('late_demo', 'id')" >/dev/null || { echo "late_demo could not be made (psql's error above)" >&2; exit 2; }
key_on() {
  sql "$coordinator" -c "SELECT k FROM generate_series(1, 1000) k JOIN pg_dist_shard_placement p
      ON p.shardid = get_shard_id_for_distribution_column('late_demo', k) WHERE p.nodeport = $1 ORDER BY k LIMIT 1"
}
a=$(key_on "$kill_port"); b=$(key_on "$slow_port")
[[ -n $a && -n $b ]] || { echo "no shard of late_demo on port $kill_port or $slow_port: set KILL_PORT and SLOW_PORT" >&2; exit 2; }
shard_b=$(sql "$coordinator" -c "SELECT shard_name('late_demo', get_shard_id_for_distribution_column('late_demo', $b))")
echo "key $a on port $kill_port (stopped), key $b on port $slow_port in $shard_b (answers PREPARE 3 s late)"

step "the maintenance daemon's recovery off; the slow worker's PREPARE delayed by a deferred trigger"
sql "$coordinator" -c "ALTER SYSTEM SET citus.recover_2pc_interval = -1" -c "SELECT pg_reload_conf()" >/dev/null || exit 2
sql "$slow_port" <<SQL || exit 2
BEGIN;
SET LOCAL citus.enable_ddl_propagation TO off;
CREATE OR REPLACE FUNCTION late_demo_slow() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN PERFORM pg_sleep(3); RETURN NULL; END \$\$;
CREATE CONSTRAINT TRIGGER late_demo_slow AFTER INSERT ON $shard_b DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION late_demo_slow();
COMMIT;
SQL

step "BEGIN; INSERT $a; INSERT $b; COMMIT (in the background)"
psql -X -p "$coordinator" -c "BEGIN" -c "INSERT INTO late_demo VALUES ($a, 'on the stopped worker')" \
     -c "INSERT INTO late_demo VALUES ($b, 'on the slow worker')" -c "COMMIT" >"$out/commit" 2>&1 &
writer=$!
prepared=0
for _ in $(seq 100); do
  prepared=$(sql "$kill_port" -c "SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()" 2>/dev/null)
  [[ ${prepared:-0} -gt 0 ]] && break
  sleep 0.05
done
[[ ${prepared:-0} -gt 0 ]] || { echo "no prepared transaction on port $kill_port within 5 s: the write did not reach PREPARE" >&2; exit 2; }
echo "prepared on port $kill_port: $(sql "$kill_port" -c "SELECT string_agg(gid, ', ') FROM pg_prepared_xacts WHERE database = current_database()")"
step "stop that worker abruptly: $stop_worker"
stopped=1
bash -c "$stop_worker" || exit 2
for _ in $(seq 300); do kill -0 "$writer" 2>/dev/null || break; sleep 0.1; done
kill -0 "$writer" 2>/dev/null && { kill "$writer"; echo "the COMMIT did not answer within 30 s" >&2; exit 2; }
wait "$writer"
cat "$out/commit"
acknowledged=$(grep -c '^COMMIT$' "$out/commit")

step "recovery while that worker is down"
sql "$coordinator" -c "SELECT recover_prepared_transactions()" 2>&1
step "start it again: $start_worker"
bash -c "$start_worker" || exit 2
stopped=0
step "rows after the restart, before recovery"
before=$(sql "$coordinator" -c "SELECT coalesce(string_agg(id::text, ' ' ORDER BY id), '') FROM late_demo")
echo "${before:-none}"
step "recovery after the restart"
recovered=$(sql "$coordinator" -c "SELECT recover_prepared_transactions()")
echo "$recovered"
after=$(sql "$coordinator" -c "SELECT string_agg(id::text, ' ' ORDER BY id) FROM late_demo")
echo "rows: $after"

expected_after=$(printf '%s\n' "$a" "$b" | sort -n | paste -sd' ')
if [[ $acknowledged == 1 && $before == "$b" && $recovered -ge 1 && $after == "$expected_after" ]]; then
  echo; echo "REPRODUCED: COMMIT acknowledged; key $a invisible after the restart until recover_prepared_transactions() committed it"
  exit 0
fi
echo; echo "NOT REPRODUCED: acknowledged=$acknowledged, before recovery '$before', recovered $recovered, after '$after'"
exit 1
