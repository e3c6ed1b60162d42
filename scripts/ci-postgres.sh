#!/usr/bin/env bash
# A PostgreSQL server for the tests. If one answers on 127.0.0.1:$G287_PG_PORT (default 5432) with
# trust authentication, use it; otherwise install Debian's postgresql when its binaries are missing
# (apt-get, as root or through sudo) and start a throwaway cluster on a free port: trust
# authentication, loopback only, no fsync (its data is thrown away). Prints one line for the
# caller to eval:
#   eval "$(bash scripts/ci-postgres.sh)"        # sets G287_PG_URL
#   bash scripts/ci-postgres.sh stop             # stops the cluster this script started, if any
# Progress goes to stderr.
set -euo pipefail

HOST=127.0.0.1
PORT=${G287_PG_PORT:-5432}
STATE=${TMPDIR:-/tmp}/g287-ci-postgres.dir   # where the throwaway cluster lives, for `stop`
say() { echo "ci-postgres: $*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

# The cluster runs as an unprivileged user: initdb and postgres refuse root.
as_owner() {
  if [ "$(id -u)" != 0 ]; then "$@"; return; fi
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  runuser -u postgres -- "$@"
}

stop() {
  [ -f "$STATE" ] || { say "no throwaway cluster to stop"; return 0; }
  local dir; dir=$(cat "$STATE")
  as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  rm -rf "$dir" "$STATE"
  say "stopped and removed $dir"
}

# Trust auth and a psql that can ask: a server answers if `select 1` works as postgres.
answers() {
  if command -v psql >/dev/null 2>&1; then
    psql "postgres://postgres@$HOST:$1/postgres" -Atqc 'select 1' >/dev/null 2>&1
  else
    (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
  fi
}

bindir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

free_port() {
  local p
  for p in $(seq 55432 55532); do
    (exec 3<>"/dev/tcp/$HOST/$p") 2>/dev/null || { echo "$p"; return; }
  done
  say "no free port in 55432-55532"; exit 1
}

if [ "${1:-}" = stop ]; then stop; exit 0; fi

if answers "$PORT"; then
  say "using the server on $HOST:$PORT"
  echo "export G287_PG_URL=postgres://postgres@$HOST:$PORT/postgres"
  exit 0
fi

if [ -z "$(bindir)" ]; then
  say "nothing answers on $HOST:$PORT and PostgreSQL is not installed: installing Debian's postgresql"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
BIN=$(bindir) || { say "no initdb under /usr/lib/postgresql/*/bin after installing"; exit 1; }

PORT=$(free_port)
DIR=$(mktemp -d "${TMPDIR:-/tmp}/g287-pg.XXXXXX")
chmod 755 "$DIR"
[ "$(id -u)" = 0 ] && { id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres; chown postgres "$DIR"; }
say "starting a throwaway cluster in $DIR on $HOST:$PORT"
as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -t 60 \
  -o "-h $HOST -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >&2
echo "$DIR" >"$STATE"
answers "$PORT" || { say "the cluster does not answer; its log:"; cat "$DIR/log" >&2; exit 1; }
echo "export G287_PG_URL=postgres://postgres@$HOST:$PORT/postgres"
