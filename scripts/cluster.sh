#!/usr/bin/env bash
# The embedded local cluster: a coordinator and N workers (3 unless CLUSTER_WORKERS says), each its own PostgreSQL process on
# 127.0.0.1, started from the PostgreSQL (and Citus, when installed) that pg_config points at.
#
#   scripts/cluster.sh up       start it (creating it on first use); harmless when already running
#   scripts/cluster.sh down     stop every node; data is kept
#   scripts/cluster.sh status   one line per node
#   scripts/cluster.sh destroy  stop and delete the data folder
#   scripts/cluster.sh has-citus   exit 0 and print citus.so's path when Citus is installed
#   scripts/cluster.sh kill-node NODE    stop one node abruptly (immediate shutdown), for fault tests
#   scripts/cluster.sh start-node NODE   start one stopped node again, with its existing settings
#   scripts/cluster.sh restart-node NODE BINDIR   stop one node and start it with the server in BINDIR
#                  (same PostgreSQL major; another Citus build): the Citus upgrade's restart
#   scripts/cluster.sh pg-upgrade BINDIR   with every node stopped, pg_upgrade each one (coordinator
#                  first, copy mode) into CLUSTER_DIR/pg-upgrade/NODE for the newer major in BINDIR;
#                  the old folders are kept. Once all succeed the new folders take the old ones'
#                  place (the old ones move to NODE.pg<major>) and BINDIR is the cluster's server.
#                  When pg_upgrade fails on a node it stops there, prints "pg-upgrade: NODE:
#                  <first error of its logs>" and exits 3, leaving the old cluster as it was (start
#                  it with up); a check before pg_upgrade runs exits 1 with its own message.
#
# Settings (environment): CLUSTER_DIR (default .cluster beside this folder), CLUSTER_PORT (the
# coordinator's port, default 9700; workers take the ports after it), CLUSTER_WORKERS (how many
# workers, at least 2, default 3; fixed when the cluster is created), CITUS_DATABASE, CITUS_USER,
# CITUS_PASSWORD (generated and kept in CLUSTER_DIR when unset), CLUSTER_OS_USER (the account the
# servers run as when this script runs as root, default postgres: PostgreSQL refuses root),
# CLUSTER_CITUS (auto: load Citus when installed; off: plain PostgreSQL), PG_BINDIR (the server's
# bin folder, when pg_config does not point at it), CLUSTER_TUNING (fast: settings that make online
# shard moves quick; default: PostgreSQL's and Citus's defaults, for comparison), CLUSTER_TLS (on:
# TLS between nodes with a generated certificate; off: no TLS, as some users' clusters run),
# CLUSTER_WORKER_HOST (the host name cluster.env registers the workers under, default 127.0.0.1;
# localhost gives registered names that differ from the addresses the tests use).
# On success `up` writes CLUSTER_DIR/cluster.env, the connection settings the tests read.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CLUSTER_DIR=${CLUSTER_DIR:-$here/.cluster}
# The port the cluster last started on (CLUSTER_DIR/port), so status and down need no settings.
CLUSTER_PORT=${CLUSTER_PORT:-$( [[ -f $CLUSTER_DIR/port ]] && cat "$CLUSTER_DIR/port" || echo 9700 )}
CITUS_DATABASE=${CITUS_DATABASE:-citus_verify}
CITUS_USER=${CITUS_USER:-citus_verify}
CLUSTER_OS_USER=${CLUSTER_OS_USER:-postgres}
# How many workers: a cluster already created keeps the number it was created with (recorded in
# CLUSTER_DIR/workers); asking for another number is an error, not a silently different cluster.
# A cluster made before that file existed has its worker folders to count.
if [[ -f $CLUSTER_DIR/workers ]]; then recorded_workers=$(cat "$CLUSTER_DIR/workers")
else recorded_workers=$( { find "$CLUSTER_DIR" -maxdepth 2 -path "$CLUSTER_DIR/worker*/PG_VERSION" 2>/dev/null || true; } | wc -l)
  (( recorded_workers > 0 )) || recorded_workers=""; fi
WORKER_COUNT=${CLUSTER_WORKERS:-${recorded_workers:-3}}
# Shards per distributed table on the embedded cluster (see the settings below for why 8); with
# CLUSTER_TUNING=default, Citus's own default, 32, written out so that cluster.env says the truth.

die() { echo "cluster: $*" >&2; exit 1; }
say() { echo "cluster: $*"; }

[[ $WORKER_COUNT =~ ^[0-9]+$ ]] && (( WORKER_COUNT >= 2 && WORKER_COUNT <= 64 )) \
  || die "CLUSTER_WORKERS must be a whole number from 2 to 64 (the lifecycle distributes onto all but the last worker, then adds it), got '$WORKER_COUNT'"
if [[ -n $recorded_workers && $WORKER_COUNT != "$recorded_workers" ]]; then
  # Stopping, listing and deleting act on the cluster as it was created.
  [[ ${1:-} == up ]] || WORKER_COUNT=$recorded_workers
  [[ ${1:-} != up ]] || die "CLUSTER_WORKERS=$WORKER_COUNT, but the cluster in $CLUSTER_DIR was created with $recorded_workers workers: run 'scripts/cluster.sh destroy' first, or set CLUSTER_DIR (and CLUSTER_PORT) for a second cluster"
fi
NODES=(coordinator)
for (( n = 1; n <= WORKER_COUNT; n++ )); do NODES+=("worker$n"); done
[[ $CLUSTER_PORT =~ ^[0-9]+$ ]] && (( CLUSTER_PORT > 0 && CLUSTER_PORT + WORKER_COUNT <= 65535 )) \
  || die "CLUSTER_PORT must be a port number with room for $WORKER_COUNT worker ports after it (at most $((65535 - WORKER_COUNT))), got '$CLUSTER_PORT'"
[[ $CITUS_DATABASE =~ ^[a-z_][a-z0-9_]*$ ]] || die "CITUS_DATABASE must be a plain lower-case identifier, got '$CITUS_DATABASE'"
[[ $CITUS_USER =~ ^[a-z_][a-z0-9_]*$ ]] || die "CITUS_USER must be a plain lower-case identifier, got '$CITUS_USER'"

# The server: PG_BINDIR, else pg_config's, else (Debian without the -dev package, where pg_config
# describes libpq only) the newest /usr/lib/postgresql/N/bin.
# A cluster already created keeps the server it was created with (recorded in CLUSTER_DIR/bindir):
# stopping or starting it needs no PG_BINDIR, and naming another server is an error, not a data
# folder of one major version handed to another's binaries.
find_bindir() {
  if [[ -f $CLUSTER_DIR/bindir ]]; then
    local recorded
    recorded=$(cat "$CLUSTER_DIR/bindir")
    [[ -z ${PG_BINDIR:-} || ${PG_BINDIR%/} == "$recorded" ]] \
      || die "the cluster in $CLUSTER_DIR was created with the server in $recorded; PG_BINDIR names $PG_BINDIR: use that server, or another CLUSTER_DIR, or scripts/cluster.sh destroy first"
    echo "$recorded"; return
  fi
  if [[ -n ${PG_BINDIR:-} ]]; then echo "${PG_BINDIR%/}"; return; fi
  local dir
  if command -v pg_config >/dev/null; then
    dir=$(pg_config --bindir)
    if [[ -x $dir/initdb ]]; then echo "$dir"; return; fi
  fi
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  echo "${dir:-$(pg_config --bindir 2>/dev/null || echo /usr/bin)}"
}
BIN=$(find_bindir) || exit 1
[[ -x $BIN/initdb && -x $BIN/pg_ctl ]] \
  || die "no initdb/pg_ctl in $BIN: install the PostgreSQL server package (Debian: postgresql-15) or set PG_BINDIR"
# Extensions live beside the server: its own pg_config knows where; Debian's layout is bin/../lib.
if [[ -x $BIN/pg_config ]]; then PKGLIB=$("$BIN/pg_config" --pkglibdir)
elif [[ -d $BIN/../lib ]]; then PKGLIB=$(cd "$BIN/../lib" && pwd)
else PKGLIB=$(pg_config --pkglibdir); fi
CLUSTER_CITUS=${CLUSTER_CITUS:-auto}
CLUSTER_TUNING=${CLUSTER_TUNING:-fast}
[[ $CLUSTER_TUNING == fast || $CLUSTER_TUNING == default ]] || die "CLUSTER_TUNING must be fast or default, got '$CLUSTER_TUNING'"
if [[ $CLUSTER_TUNING == fast ]]; then SHARD_COUNT=8; else SHARD_COUNT=32; fi
# TLS: on unless the server was built without it (the PyPI wheels of 16 and 18 are), then off, said
# once; asking for it from such a server is an error, not a server that refuses to start.
server_has_tls() {
  [[ -x $BIN/pg_config ]] || return 0  # Debian's server without its pg_config: built with OpenSSL
  "$BIN/pg_config" --configure | grep -Eq -- "--with-(ssl=openssl|openssl)"
}
if [[ -z ${CLUSTER_TLS:-} ]]; then
  if server_has_tls; then CLUSTER_TLS=on
  else
    CLUSTER_TLS=off
    [[ ${1:-} != up ]] || echo "cluster: the server in $BIN was built without TLS (pg_config --configure has no --with-ssl): no TLS between nodes or from clients (CLUSTER_TLS=off)" >&2
  fi
fi
[[ $CLUSTER_TLS == on || $CLUSTER_TLS == off ]] || die "CLUSTER_TLS must be on or off, got '$CLUSTER_TLS'"
[[ $CLUSTER_TLS == off ]] || server_has_tls \
  || die "CLUSTER_TLS=on, but the server in $BIN was built without TLS (pg_config --configure has no --with-ssl): set CLUSTER_TLS=off or use a server built with OpenSSL"
CLUSTER_WORKER_HOST=${CLUSTER_WORKER_HOST:-127.0.0.1}
[[ $CLUSTER_WORKER_HOST == 127.0.0.1 || $CLUSTER_WORKER_HOST == localhost ]] \
  || die "CLUSTER_WORKER_HOST must be 127.0.0.1 or localhost (the servers listen on loopback only), got '$CLUSTER_WORKER_HOST'"
case $CLUSTER_CITUS in
  auto) if [[ -f $PKGLIB/citus.so ]]; then HAVE_CITUS=1; else HAVE_CITUS=0; fi ;;
  off) HAVE_CITUS=0 ;;  # plain PostgreSQL even where Citus is installed: shows what a machine without it does
  *) die "CLUSTER_CITUS must be auto or off, got '$CLUSTER_CITUS'" ;;
esac

node_port() {
  local i
  for i in "${!NODES[@]}"; do if [[ ${NODES[$i]} == "$1" ]]; then echo $((CLUSTER_PORT + i)); fi; done
}
node_dir() { echo "$CLUSTER_DIR/$1"; }

# Run a command as the servers' account: PostgreSQL will not run as root.
as_server() {
  if [[ $(id -u) == 0 ]]; then runuser -u "$CLUSTER_OS_USER" -- env PGPASSFILE="$CLUSTER_DIR/pgpass" "$@"
  else env PGPASSFILE="$CLUSTER_DIR/pgpass" "$@"; fi
}

# The server a node runs: the cluster's, or the one restart-node gave it while the other nodes still
# run the cluster's (CLUSTER_DIR/bindir.NODE, until every node runs it and it becomes the cluster's).
node_bin() { if [[ -f $CLUSTER_DIR/bindir.$1 ]]; then cat "$CLUSTER_DIR/bindir.$1"; else echo "$BIN"; fi; }
is_running() { [[ -f $(node_dir "$1")/PG_VERSION ]] && as_server "$(node_bin "$1")/pg_ctl" -D "$(node_dir "$1")" status >/dev/null 2>&1; }

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Node-local SQL over the node's own unix socket (only the servers' account can reach it).
node_psql() {
  local node=$1; shift
  as_server "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$(node_dir "$node")" -p "$(node_port "$node")" -U "$CITUS_USER" "$@"
}

prepare_shared() {
  mkdir -p "$CLUSTER_DIR"
  if [[ -z ${CITUS_PASSWORD:-} ]]; then
    [[ -f $CLUSTER_DIR/password ]] || (umask 077; openssl rand -hex 16 > "$CLUSTER_DIR/password")
    CITUS_PASSWORD=$(cat "$CLUSTER_DIR/password")
  else
    (umask 077; printf '%s\n' "$CITUS_PASSWORD" > "$CLUSTER_DIR/password")
  fi
  # Citus connects node to node with libpq; node_conninfo cannot carry a password, so the servers
  # read it from this passfile (PGPASSFILE is set in their environment).
  (umask 077; printf '127.0.0.1:*:*:%s:%s\nlocalhost:*:*:%s:%s\n' \
     "$CITUS_USER" "$CITUS_PASSWORD" "$CITUS_USER" "$CITUS_PASSWORD" > "$CLUSTER_DIR/pgpass")
  # Citus requires TLS between nodes by default (citus.node_conninfo = 'sslmode=require'): every
  # node gets this self-signed certificate instead of TLS being turned off.
  if [[ ! -f $CLUSTER_DIR/tls/server.crt ]]; then
    mkdir -p "$CLUSTER_DIR/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=127.0.0.1" \
      -keyout "$CLUSTER_DIR/tls/server.key" -out "$CLUSTER_DIR/tls/server.crt" >/dev/null 2>&1 \
      || die "openssl could not create the nodes' TLS certificate in $CLUSTER_DIR/tls"
    chmod 600 "$CLUSTER_DIR/tls/server.key"
  fi
  mkdir -p "$CLUSTER_DIR/logs"
  [[ $(id -u) == 0 ]] && chown -R "$CLUSTER_OS_USER" "$CLUSTER_DIR"
  # Started by root, the servers run as CLUSTER_OS_USER, which must be able to walk into the folder
  # (a clone under /root, say, is closed to it).
  as_server test -w "$CLUSTER_DIR/logs" \
    || die "the account '$(as_server id -un)' cannot write to $CLUSTER_DIR (a parent folder is closed to it): set CLUSTER_DIR to a folder it can reach, e.g. /tmp/citus-verify-cluster"
  return 0
}

init_node() {
  local node=$1 dir port; dir=$(node_dir "$node"); port=$(node_port "$node")
  [[ -f $dir/PG_VERSION ]] && return 0
  say "initialising $node in $dir"
  local pwfile="$CLUSTER_DIR/password"
  as_server "$BIN/initdb" -D "$dir" -U "$CITUS_USER" --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$CLUSTER_DIR/logs/initdb-$node.log" 2>&1 \
    || die "initdb failed for $node: see $CLUSTER_DIR/logs/initdb-$node.log"
  cp "$CLUSTER_DIR/tls/server.crt" "$CLUSTER_DIR/tls/server.key" "$dir/"
  [[ $(id -u) == 0 ]] && chown "$CLUSTER_OS_USER" "$dir/server.crt" "$dir/server.key"
  chmod 600 "$dir/server.key"
  # Unix socket: trusted, but the socket lives in the data folder with mode 0700, so only the
  # servers' account reaches it. TCP: loopback only, passwords (scram) only.
  cat > "$dir/pg_hba.conf" <<HBA
local all all trust
host  all all 127.0.0.1/32 scram-sha-256
HBA
  write_settings "$node" "$dir" "$port"
}

write_settings() {
  local node=$1 dir=$2 port=$3
  {
    echo "# Written by scripts/cluster.sh; rewritten on every 'up'."
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $port"
    echo "unix_socket_directories = '$dir'"
    echo "unix_socket_permissions = 0700"
    if [[ $CLUSTER_TLS == on ]]; then
      echo "ssl = on"
      echo "ssl_cert_file = 'server.crt'"
      echo "ssl_key_file = 'server.key'"
    else
      echo "# CLUSTER_TLS=off: no TLS, between nodes or from clients."
      echo "ssl = off"
    fi
    echo "password_encryption = 'scram-sha-256'"
    echo "max_connections = 200"
    echo "shared_buffers = 128MB"
    echo "# A throwaway test cluster: durability against an OS crash is not needed (a killed server"
    echo "# still finds its data in the OS cache), commit acknowledgement stays synchronous."
    echo "fsync = off"
    echo "full_page_writes = off"
    echo "log_line_prefix = '%m [%p] $node '"
    echo "# Online shard moves and splits use logical replication."
    echo "wal_level = logical"
    echo "max_replication_slots = 32"
    echo "max_wal_senders = 32"
    echo "max_worker_processes = 32"
    echo "max_logical_replication_workers = 16"
    echo "max_sync_workers_per_subscription = 4"
    if [[ $CLUSTER_TUNING == fast ]]; then
      echo "# The suite's statements run once each and briefly: JIT compiled the seed file's for longer"
      echo "# than they ran (more than half of the file's time at scale 1)."
      echo "jit = off"
    fi
    if [[ $HAVE_CITUS == 1 ]]; then
      echo "shared_preload_libraries = 'citus'"
      echo "# The coordinator reaches itself here during rebalance and drain; 'localhost' may resolve"
      echo "# to ::1, where nothing listens."
      echo "citus.local_hostname = '127.0.0.1'"
      if [[ $CLUSTER_TLS == off ]]; then
        echo "# Citus asks for TLS between nodes by default (sslmode=require); this cluster has none."
        echo "citus.node_conninfo = 'sslmode=disable'"
      fi
      if [[ $CLUSTER_TUNING == fast ]]; then
        echo "# Speed of online shard moves (still logical replication, never blocking): the subscriber's"
        echo "# apply worker starts after wal_retrieve_retry_interval (default 5 s) and reports its"
        echo "# position every wal_receiver_status_interval (default 10 s); Citus waits on both per move."
        echo "wal_retrieve_retry_interval = '200ms'"
        echo "wal_receiver_status_interval = '1s'"
        echo "# Background rebalances: pick the job up quickly; moves of different colocation groups on"
        echo "# different nodes may run at once (one group's moves run one after another)."
        echo "citus.background_task_queue_interval = '200ms'"
        echo "citus.max_background_task_executors = 4"
        echo "citus.max_background_task_executors_per_node = 2"
        echo "# Every shard group move costs about 1.4 s here whatever its size (logical replication"
        echo "# set-up, catch-up and switch-over waits), so the lifecycle's time follows the number of"
        echo "# shard groups moved. The suite's 10,000 orders on two or three workers need no more"
        echo "# than 8 shards per table (Citus's default is 32)."
        echo "citus.shard_count = $SHARD_COUNT"
        echo "# A repartition join sends every map task's output to every bucket, one fetch (a fresh"
        echo "# node-to-node connection) each: with 4 buckets per node (the default) the demo's join over"
        echo "# 30,000 rows took 1.6 s here, almost all of it connection set-up; with 1, 0.4 s."
        echo "citus.repartition_join_bucket_count_per_node = 1"
        echo "# A multi-shard query's task over this suite's few thousand rows per shard takes about a"
        echo "# millisecond; a new connection to a worker takes tens (a server process, SCRAM, Citus's"
        echo "# caches). While tasks wait, Citus opens more connections to a worker every interval, one"
        echo "# more each time (10 ms by default, like TCP's slow start), so at scale 1 the queries mostly"
        echo "# wait on connections: with 1 s they run on the connections already open (the query files"
        echo "# of Phases 2 and 3: 2.3-2.8 s here instead of 3.6-3.8 s). At larger scales a query runs"
        echo "# one task at a time per worker for its first second; on 2 cores more would add little."
        echo "citus.executor_slow_start_interval = 1000"
      else
        echo "# CLUSTER_TUNING=default: PostgreSQL's and Citus's own settings for shard moves (for comparison)."
        echo "citus.shard_count = $SHARD_COUNT  # Citus's default, written out: cluster.env's CITUS_VERIFY_SHARD_COUNT"
      fi
      if [[ $("$BIN/postgres" --describe-config 2>/dev/null) == *$'\n'output_plugin_libraries$'\t'* ]]; then
        echo "# PostgreSQL 15.19+ only lets listed libraries decode WAL; tenant isolation's non-blocking"
        echo "# split decodes through Citus's own plugin, named citus."
        echo "output_plugin_libraries = 'pgoutput, test_decoding, citus'"
      fi
    fi
  } > "$dir/citus-verify.conf"
  grep -q "^include_if_exists = 'citus-verify.conf'" "$dir/postgresql.conf" \
    || echo "include_if_exists = 'citus-verify.conf'" >> "$dir/postgresql.conf"
  [[ $(id -u) == 0 ]] && chown "$CLUSTER_OS_USER" "$dir/citus-verify.conf"
  return 0
}

start_node() {
  local node=$1 dir port; dir=$(node_dir "$node"); port=$(node_port "$node")
  if is_running "$node"; then say "$node already running on 127.0.0.1:$port"; return 0; fi
  port_taken "$port" && die "port $port (for $node) is already in use by another process: stop it or set CLUSTER_PORT"
  write_settings "$node" "$dir" "$port"
  as_server "$(node_bin "$node")/pg_ctl" -D "$dir" -l "$CLUSTER_DIR/logs/$node.log" -w -t 60 start >/dev/null \
    || die "$node did not start: see $CLUSTER_DIR/logs/$node.log"
  say "$node listening on 127.0.0.1:$port"
}

create_database() {
  local node=$1
  if [[ -z $(node_psql "$node" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$CITUS_DATABASE'") ]]; then
    node_psql "$node" -d postgres -c "CREATE DATABASE $CITUS_DATABASE"
  fi
  # Workers carry the extension before the coordinator registers them (Citus's images do the same);
  # the coordinator's CREATE EXTENSION is Phase 2's own step.
  if [[ $HAVE_CITUS == 1 && $node != coordinator ]]; then
    node_psql "$node" -d "$CITUS_DATABASE" -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS citus"
  fi
}

write_env() {
  {
    echo "# Written by scripts/cluster.sh up: the embedded cluster's connection settings."
    echo "CITUS_COORDINATOR=127.0.0.1:$(node_port coordinator)"
    echo "CITUS_DATABASE=$CITUS_DATABASE"
    echo "CITUS_USER=$CITUS_USER"
    echo "CITUS_PASSWORD=$CITUS_PASSWORD"
    local n
    for (( n = 1; n <= WORKER_COUNT; n++ )); do
      echo "CITUS_WORKER${n}_ADDR=$CLUSTER_WORKER_HOST:$(node_port worker$n)"
      echo "CITUS_WORKER${n}_TEST_ADDR=127.0.0.1:$(node_port worker$n)"
    done
    echo "CITUS_VERIFY_RESET=allow"
    # The shard count set in postgresql.conf above: what Phase 2 expects each table to get.
    echo "CITUS_VERIFY_SHARD_COUNT=$SHARD_COUNT"
    echo "CITUS_LOCAL_CLUSTER_DIR=$CLUSTER_DIR"
  } > "$CLUSTER_DIR/cluster.env.tmp"
  chmod 600 "$CLUSTER_DIR/cluster.env.tmp"
  mv "$CLUSTER_DIR/cluster.env.tmp" "$CLUSTER_DIR/cluster.env"
}

cmd_up() {
  if [[ $HAVE_CITUS == 0 && $CLUSTER_CITUS == off ]]; then
    say "CLUSTER_CITUS=off: starting plain PostgreSQL; only Phase 1 can run."
  elif [[ $HAVE_CITUS == 0 ]]; then
    say "Citus is not installed for $("$BIN/postgres" --version) ($PKGLIB/citus.so is missing; build it for this server: docs/citus.md): starting plain PostgreSQL; only Phase 1 can run."
  fi
  if [[ $(id -u) == 0 ]] && ! id "$CLUSTER_OS_USER" >/dev/null 2>&1; then
    die "running as root, but the account CLUSTER_OS_USER=$CLUSTER_OS_USER does not exist (PostgreSQL refuses to run as root)"
  fi
  as_server test -x "$BIN/initdb" \
    || die "the servers' account ($CLUSTER_OS_USER) cannot run $BIN/initdb: a folder on that path is not open to it (a server installed under root's home?)"
  prepare_shared
  [[ -f $CLUSTER_DIR/workers ]] || echo "$WORKER_COUNT" > "$CLUSTER_DIR/workers"
  echo "$CLUSTER_PORT" > "$CLUSTER_DIR/port"
  [[ -f $CLUSTER_DIR/bindir ]] || echo "$BIN" > "$CLUSTER_DIR/bindir"
  local node
  for node in "${NODES[@]}"; do init_node "$node"; done
  # The nodes start at once (each pg_ctl waits for its own server); a node that fails says so itself.
  local pids=() pid failed=0
  for node in "${NODES[@]}"; do start_node "$node" & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  (( failed == 0 )) || die "not every node started (see the message above)"
  for node in "${NODES[@]}"; do create_database "$node"; done
  write_env
  say "ready: settings in $CLUSTER_DIR/cluster.env ($("$BIN/postgres" --version), Citus $([[ $HAVE_CITUS == 1 ]] && echo loaded || echo 'not loaded'))"
}

cmd_down() {
  local node
  for node in "${NODES[@]}"; do
    if is_running "$node"; then
      as_server "$(node_bin "$node")/pg_ctl" -D "$(node_dir "$node")" -m fast -w -t 60 stop >/dev/null && say "$node stopped"
    fi
  done
}

cmd_status() {
  local node
  for node in "${NODES[@]}"; do
    if is_running "$node"; then echo "$node: running on 127.0.0.1:$(node_port "$node")"
    elif [[ -f $(node_dir "$node")/PG_VERSION ]]; then echo "$node: stopped"
    else echo "$node: not created"; fi
  done
}

# Citus's upgrade, one node: stop it (fast), start it with the server in $2, which must be the
# data folder's PostgreSQL major (a major upgrade is pg_upgrade's, not a restart's). Once every node
# runs that server it is the cluster's (CLUSTER_DIR/bindir).
cmd_restart_node() {
  local node=$1 new=${2%/} data_major new_major n all=1
  [[ -x $new/postgres && -x $new/pg_ctl ]] || die "restart-node: no postgres and pg_ctl in '$new' (the new server's bin folder)"
  data_major=$(cat "$(node_dir "$node")/PG_VERSION" 2>/dev/null) || die "restart-node: $node has no data folder in $CLUSTER_DIR"
  new_major=$("$new/postgres" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')
  [[ $new_major == "$data_major" ]] \
    || die "restart-node: $node's data folder is PostgreSQL $data_major, $new/postgres is $("$new/postgres" --version): a major version needs pg_upgrade, not a restart"
  if is_running "$node"; then
    as_server "$(node_bin "$node")/pg_ctl" -D "$(node_dir "$node")" -m fast -w -t 60 stop >/dev/null || die "$node did not stop"
  fi
  echo "$new" > "$CLUSTER_DIR/bindir.$node"
  # The node's settings as the new server needs them (write_settings asks the server it names).
  BIN=$new write_settings "$node" "$(node_dir "$node")" "$(node_port "$node")"
  as_server "$new/pg_ctl" -D "$(node_dir "$node")" -l "$CLUSTER_DIR/logs/$node.log" -w -t 60 start >/dev/null \
    || die "$node did not start with $new: see $CLUSTER_DIR/logs/$node.log"
  for n in "${NODES[@]}"; do [[ $(node_bin "$n") == "$new" ]] || all=0; done
  if (( all )); then echo "$new" > "$CLUSTER_DIR/bindir"; rm -f "$CLUSTER_DIR"/bindir.*; fi
  say "$node restarted with $("$new/postgres" --version) from $new"
}

# pg_upgrade of every node (see the usage above). Each node's new folder is made by the new server's
# initdb with the same account, encoding and locale, and gets the node's settings and pg_hba.
cmd_pg_upgrade() {
  local new=${1%/} node old_major new_major work log cause
  [[ -x $new/pg_upgrade && -x $new/initdb && -x $new/postgres ]] \
    || die "pg-upgrade: no postgres, initdb and pg_upgrade in '$new' (the new server's bin folder)"
  old_major=$(cat "$(node_dir coordinator)/PG_VERSION" 2>/dev/null) || die "pg-upgrade: no cluster in $CLUSTER_DIR"
  new_major=$("$new/postgres" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')
  (( new_major > old_major )) || die "pg-upgrade: $new/postgres is PostgreSQL $new_major, not newer than the cluster's $old_major"
  for node in "${NODES[@]}"; do
    is_running "$node" && die "pg-upgrade: $node is running; stop the cluster first (down)"
    [[ ! -e $(node_dir "$node").pg$old_major ]] || die "pg-upgrade: $(node_dir "$node").pg$old_major exists (an earlier upgrade's old folder): move it away first"
  done
  # TLS as the new server allows: a server built without it refuses to start with ssl = on.
  local new_tls=$CLUSTER_TLS
  BIN=$new server_has_tls || new_tls=off
  rm -rf "$CLUSTER_DIR/pg-upgrade"
  mkdir -p "$CLUSTER_DIR/pg-upgrade"
  [[ $(id -u) == 0 ]] && chown "$CLUSTER_OS_USER" "$CLUSTER_DIR/pg-upgrade"
  for node in "${NODES[@]}"; do
    work=$CLUSTER_DIR/pg-upgrade/work-$node
    log=$CLUSTER_DIR/logs/pg-upgrade-$node.log
    as_server mkdir -p "$work"
    as_server "$new/initdb" -D "$CLUSTER_DIR/pg-upgrade/$node" -U "$CITUS_USER" --pwfile="$CLUSTER_DIR/password" -E UTF8 \
      --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >"$log" 2>&1 \
      || die "pg-upgrade: initdb of $node's new folder failed: see $log"
    cp "$(node_dir "$node")/pg_hba.conf" "$CLUSTER_DIR/pg-upgrade/$node/pg_hba.conf"
    cp "$(node_dir "$node")/server.crt" "$(node_dir "$node")/server.key" "$CLUSTER_DIR/pg-upgrade/$node/" 2>/dev/null || true
    BIN=$new CLUSTER_TLS=$new_tls write_settings "$node" "$CLUSTER_DIR/pg-upgrade/$node" "$(node_port "$node")"
    [[ $(id -u) == 0 ]] && chown -R "$CLUSTER_OS_USER" "$CLUSTER_DIR/pg-upgrade/$node"
    say "$node: pg_upgrade from PostgreSQL $old_major to $new_major (copy mode; log: $log)"
    # Copy mode, pg_upgrade's default (16 names it --copy; 15 does not know that option).
    if ! (cd "$work" && as_server "$new/pg_upgrade" -U "$CITUS_USER" -b "$(node_bin "$node")" -B "$new" \
            -d "$(node_dir "$node")" -D "$CLUSTER_DIR/pg-upgrade/$node" -p "$(node_port "$node")" -P "$(node_port "$node")") >>"$log" 2>&1; then
      # The first error of pg_upgrade's own logs (pg_restore's or pg_dump's, say), else the line of
      # its output that says what failed (it prints "*failure*" under the step's name).
      cause=$( { find "$CLUSTER_DIR/pg-upgrade" -path '*pg_upgrade_output.d*' -name '*.log' -exec cat {} + 2>/dev/null; } \
        | grep -m1 -E '^(pg_restore|pg_dump|pg_dumpall|psql|pg_ctl): error|^ERROR:|^FATAL:' | sed -E 's/^[[:space:]]+//') || true
      [[ -n $cause ]] || cause=$(grep -m1 -B1 -F '*failure*' "$log" | head -1 | sed -E 's/[[:space:].]+$//') || true
      echo "pg-upgrade: $node: ${cause:-pg_upgrade failed without an error line: see $log}"
      exit 3
    fi
  done
  for node in "${NODES[@]}"; do
    mv -T "$(node_dir "$node")" "$(node_dir "$node").pg$old_major"
    mv -T "$CLUSTER_DIR/pg-upgrade/$node" "$(node_dir "$node")"
    # Its settings name its own folder now (start-node does not rewrite them; up does).
    BIN=$new CLUSTER_TLS=$new_tls write_settings "$node" "$(node_dir "$node")" "$(node_port "$node")"
  done
  echo "$new" > "$CLUSTER_DIR/bindir"
  rm -f "$CLUSTER_DIR"/bindir.*
  say "every node upgraded to PostgreSQL $new_major; the old folders are NODE.pg$old_major"
}

require_node() { [[ " ${NODES[*]} " == *" $2 "* ]] || die "$1 needs a node name, one of: ${NODES[*]} (got '$2')"; }

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  destroy) cmd_down; rm -rf "$CLUSTER_DIR"; say "removed $CLUSTER_DIR" ;;
  kill-node) require_node kill-node "${2:-}"
    as_server "$(node_bin "$2")/pg_ctl" -D "$(node_dir "$2")" -m immediate -w -t 30 stop >/dev/null && say "$2 stopped abruptly (immediate)" ;;
  start-node) require_node start-node "${2:-}"
    is_running "$2" && { say "$2 already running"; exit 0; }
    as_server "$(node_bin "$2")/pg_ctl" -D "$(node_dir "$2")" -l "$CLUSTER_DIR/logs/$2.log" -w -t 60 start >/dev/null \
      || die "$2 did not start: see $CLUSTER_DIR/logs/$2.log"
    say "$2 started" ;;
  restart-node) require_node restart-node "${2:-}"
    [[ -n ${3:-} ]] || die "restart-node needs the new server's bin folder after the node name"
    cmd_restart_node "$2" "$3" ;;
  pg-upgrade) [[ -n ${2:-} ]] || die "pg-upgrade needs the new server's bin folder"
    cmd_pg_upgrade "$2" ;;
  has-citus) [[ -f $PKGLIB/citus.so ]] && echo "$PKGLIB/citus.so" || { echo "no citus.so in $PKGLIB" >&2; exit 1; } ;;
  *) echo "usage: $0 up|down|status|destroy|has-citus|kill-node NODE|start-node NODE|restart-node NODE BINDIR|pg-upgrade BINDIR" >&2; exit 2 ;;
esac
