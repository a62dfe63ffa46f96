# Sourced by scripts/test and scripts/crash: starts a throwaway PostgreSQL on a free loopback port in a temporary
# directory (installing Debian's postgresql when no server binaries are found) and sets PG_URL. PostgreSQL refuses
# to run as root, so as root it runs as the postgres system user (created when missing). Call stop_postgres to end it.

start_postgres() {
    pg_bin=""
    for candidate in "$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/x)")" /usr/lib/postgresql/*/bin; do
        if [ -x "$candidate/pg_ctl" ] && [ -x "$candidate/initdb" ]; then pg_bin="$candidate"; break; fi
    done
    if [ -z "$pg_bin" ]; then
        echo "    no PostgreSQL server binaries found; installing Debian's postgresql"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    pg_dir=$(mktemp -d /tmp/finsync-pg.XXXXXX)
    as_pg=()
    if [ "$(id -u)" = "0" ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown postgres "$pg_dir"
        as_pg=(runuser -u postgres --)
    fi
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    "${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 >"$pg_dir/initdb.log" 2>&1 \
        || { cat "$pg_dir/initdb.log"; return 1; }
    mkdir -p "$pg_dir/socket" && [ ${#as_pg[@]} -eq 0 ] || chown postgres "$pg_dir/socket"
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 30 \
        -o "-p $port -k $pg_dir/socket -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=600" start >/dev/null \
        || { cat "$pg_dir/server.log"; return 1; }
    PG_URL="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
    PG_PORT=$port
    echo "    PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

stop_postgres() {
    [ -n "${pg_dir:-}" ] || return 0
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
    pg_dir=""
}

# A fresh database on the throwaway server, for a run that needs one of its own.
create_database() {
    local psql="$pg_bin/psql"
    [ -x "$psql" ] || psql=$(command -v psql)
    "$psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -c "CREATE DATABASE $1" postgres >/dev/null
    echo "postgres://postgres@127.0.0.1:$PG_PORT/$1?sslmode=disable"
}
