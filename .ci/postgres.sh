#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback, for the distributed-tuning tests.
#
#   . .ci/postgres.sh          # from .ci/run: starts (or reuses) it, exports BOXOFFICE_TEST_PG_URL, and
#                              # BOXOFFICE_PG_STARTED=1 if it started it (0: reused), so the caller stops only its own
#   bash .ci/postgres.sh       # prints the URL
#   bash .ci/postgres.sh stop  # stops it and removes its data
#
# Idempotent: installs Debian's `postgresql` only if its binaries are missing, and reuses a
# server this script started earlier if it still answers. The cluster lives in a temp folder
# owned by the postgres user ($BOXOFFICE_PG_DIR, default /tmp/boxoffice-pg-<uid>), listens on
# 127.0.0.1 at a free port, and holds one database and user for the tests. The URL is also
# written to $BOXOFFICE_PG_DIR/url.

_boxoffice_pg() (
    set -euo pipefail
    local state="${BOXOFFICE_PG_DIR:-/tmp/boxoffice-pg-$(id -u)}"
    local bindir

    _bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
    # As root, the server runs as the postgres user (initdb and pg_ctl refuse root).
    _as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

    bindir="$(_bindir)"
    if [ "${1:-start}" = stop ]; then
        if [ -n "$bindir" ] && [ -d "$state/data" ]; then
            _as_pg "$bindir/pg_ctl" -D "$state/data" -m fast stop >/dev/null 2>&1 || true
        fi
        rm -rf "$state"
        return 0
    fi

    if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
        echo "postgres.sh: installing Debian's postgresql package" >&2
        if [ "$(id -u)" != 0 ]; then
            echo "postgres.sh: PostgreSQL is missing and installing it needs root" >&2
            return 1
        fi
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq -o DPkg::Lock::Timeout=600 postgresql >&2
        bindir="$(_bindir)"
    fi

    # Reuse the server from an earlier run if it still answers.
    if [ -f "$state/url" ] && [ -f "$state/port" ] &&
        "$bindir/pg_isready" -q -h 127.0.0.1 -p "$(cat "$state/port")" 2>/dev/null; then
        cat "$state/url"
        return 0
    fi

    # Start afresh: a leftover folder from a dead server is removed first.
    if [ -d "$state/data" ]; then
        _as_pg "$bindir/pg_ctl" -D "$state/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$state"
    mkdir -p "$state/sock"
    chmod 700 "$state"
    if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$state"; fi

    local port password
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    password="$(python3 -c 'import secrets; print(secrets.token_hex(12))')"

    _as_pg "$bindir/initdb" -D "$state/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        -E UTF8 --locale=C.UTF-8 >"$state/initdb.log" 2>&1 ||
        { cat "$state/initdb.log" >&2; return 1; }
    _as_pg "$bindir/pg_ctl" -D "$state/data" -l "$state/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $state/sock -c fsync=off" start >/dev/null ||
        { cat "$state/server.log" >&2; return 1; }

    _as_pg "$bindir/psql" -q -v ON_ERROR_STOP=1 -h "$state/sock" -p "$port" -U postgres -d postgres \
        -c "CREATE ROLE boxoffice LOGIN PASSWORD '$password'" \
        -c "CREATE DATABASE boxoffice_test OWNER boxoffice" >&2

    local url="postgresql://boxoffice:$password@127.0.0.1:$port/boxoffice_test"
    echo "$port" >"$state/port"
    echo "$url" >"$state/url"
    echo "$url"
)

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    _boxoffice_pg "${1:-start}"
else
    # A child bash, so that `set -e` holds inside (it is ignored in a function called before `||`).
    # A server started afresh has a new password, so a URL other than the saved one means "started here".
    _boxoffice_pg_before="$(cat "${BOXOFFICE_PG_DIR:-/tmp/boxoffice-pg-$(id -u)}/url" 2>/dev/null || true)"
    BOXOFFICE_TEST_PG_URL="$(bash "${BASH_SOURCE[0]}" start)" || return 1
    BOXOFFICE_PG_STARTED=$([ "$BOXOFFICE_TEST_PG_URL" != "$_boxoffice_pg_before" ] && echo 1 || echo 0)
    unset _boxoffice_pg_before
    export BOXOFFICE_TEST_PG_URL BOXOFFICE_PG_STARTED
    echo "PostgreSQL for the tests: ${BOXOFFICE_TEST_PG_URL%%:*}://…@${BOXOFFICE_TEST_PG_URL##*@}" >&2
fi
