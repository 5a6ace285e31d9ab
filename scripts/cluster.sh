#!/usr/bin/env bash
# The whole deployment on one machine, for testing: nginx, two app processes, a PostgreSQL primary
# and a streaming replica made with pg_basebackup, all from Debian packages (make system-deps).
#
#   scripts/cluster.sh up              start everything (first time: initdb, sample county, basebackup)
#   scripts/cluster.sh status          what runs, replication state, health through nginx
#   scripts/cluster.sh down [--purge]  stop everything (--purge also deletes the databases)
#   scripts/cluster.sh stop-replica | start-replica | kill-app PORT | start-app PORT
#   scripts/cluster.sh db-up           only the primary and its replica (tests/cluster/)
#
# Everything lives in .cluster/ (git-ignored). Ports are settings, so two checkouts can run a cluster
# each: CLUSTER_HTTP_PORT (8080), CLUSTER_PRIMARY_PORT (5433), CLUSTER_REPLICA_PORT (5434),
# CLUSTER_APP_PORTS ("8601 8602"), CLUSTER_HOUSEHOLDS (20000, the sample county's size).
# CLUSTER_SIGN_IN=1 starts the app processes with the 50 bench users (.cluster/auth.toml, township
# leaders load01…load50, passwords in .cluster/bench-users.json for `python -m bench.load`); without
# it the app runs in sample mode (no sign-in), as the browser suite expects.
# The URLs the app processes get are printed by `up` and written to .cluster/env.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CL=${CLUSTER_DIR:-$ROOT/.cluster}
HTTP_PORT=${CLUSTER_HTTP_PORT:-8080}
PRIMARY_PORT=${CLUSTER_PRIMARY_PORT:-5433}
REPLICA_PORT=${CLUSTER_REPLICA_PORT:-5434}
APP_PORTS=${CLUSTER_APP_PORTS:-8601 8602}
HOUSEHOLDS=${CLUSTER_HOUSEHOLDS:-20000}
PYTHON=${VENV_PYTHON:-$ROOT/.venv/bin/python}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
PRIMARY_URL="postgresql+psycopg://postgres@127.0.0.1:${PRIMARY_PORT}/dashboard"
REPLICA_URL="postgresql+psycopg://postgres@127.0.0.1:${REPLICA_PORT}/dashboard"

say() { echo "cluster: $*"; }
die() { echo "cluster: $*" >&2; exit 1; }

as_postgres() {  # PostgreSQL refuses to run as root: as root, run its tools as the postgres user
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

need_tools() {
    [ -n "$PGBIN" ] && [ -x "$PGBIN/pg_basebackup" ] && [ -x /usr/sbin/nginx ] \
        || die "nginx or postgresql missing: run scripts/install_system_deps.sh (as root)"
}

pg_dir_owned() {  # pg_dir_owned DIR: an empty directory the database user may write
    mkdir -p "$1" "$CL/run"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$1" "$CL/run"; fi
    chmod 700 "$1"
}

pg_running() { as_postgres "$PGBIN/pg_ctl" -D "$1" status >/dev/null 2>&1; }

pg_start() {  # pg_start DIR LABEL
    if pg_running "$1"; then return 0; fi
    local log=$CL/run/$(basename "$1").log  # run/ belongs to the database user
    as_postgres "$PGBIN/pg_ctl" -D "$1" -l "$log" -w -t 60 start >/dev/null || die "$2 did not start (log: $log)"
    say "$2 started"
}

pg_stop() {
    if pg_running "$1"; then as_postgres "$PGBIN/pg_ctl" -D "$1" -m fast -w stop >/dev/null && say "$2 stopped"; fi
}

primary_up() {
    local data=$CL/pg-primary
    if [ ! -f "$data/PG_VERSION" ]; then
        pg_dir_owned "$data"
        as_postgres "$PGBIN/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null
        cat >>"$data/postgresql.conf" <<EOF
port = $PRIMARY_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$CL/run'
wal_level = replica
max_wal_senders = 5
wal_keep_size = 256MB
max_connections = 200
EOF
    fi
    pg_start "$data" "primary (port $PRIMARY_PORT)"
    if [ ! -f "$CL/sample.done" ]; then  # the replica streams it too, whenever it was made
        "$PGBIN/psql" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -qc "DROP DATABASE IF EXISTS dashboard" postgres
        "$PGBIN/psql" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -qc "CREATE DATABASE dashboard" postgres
        say "loading the sample county ($HOUSEHOLDS households) into the primary"
        nice "$PYTHON" -m sample_data --db "$PRIMARY_URL" --households "$HOUSEHOLDS" >"$CL/sample_data.log" 2>&1 \
            || die "sample data failed (log: $CL/sample_data.log)"
        touch "$CL/sample.done"
    fi
    if [ ! -f "$CL/bench-users.json" ]; then
        "$PYTHON" -m bench.load users --db "$PRIMARY_URL" --out "$CL" --count 50 >/dev/null
    fi
}

replica_up() {
    local data=$CL/pg-replica
    if [ ! -f "$data/PG_VERSION" ]; then
        pg_dir_owned "$data"
        # -R writes standby.signal and primary_conninfo: a hot standby streaming from the primary.
        as_postgres "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$data" -R -X stream -c fast
        echo "port = $REPLICA_PORT" >>"$data/postgresql.auto.conf"
    fi
    pg_start "$data" "replica (port $REPLICA_PORT, streaming from $PRIMARY_PORT)"
}

app_healthy() { curl -fsS --max-time 2 "http://127.0.0.1:$1/_stcore/health" >/dev/null 2>&1; }

app_start() {  # app_start PORT
    local port=$1 pidfile=$CL/app-$1.pid
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then return 0; fi
    [ -f "$CL/cookie_secret" ] || "$PYTHON" -c "import secrets; print(secrets.token_hex(32))" >"$CL/cookie_secret"
    (
        cd "$ROOT"
        export DASHBOARD_DB_URL=$PRIMARY_URL DASHBOARD_DB_READ_URL=$REPLICA_URL
        export STREAMLIT_SERVER_COOKIE_SECRET=$(cat "$CL/cookie_secret") STREAMLIT_BROWSER_GATHER_USAGE_STATS=false
        if [ "${CLUSTER_SIGN_IN:-0}" = 1 ]; then export DASHBOARD_AUTH_FILE=$CL/auth.toml; fi
        setsid "$ROOT/.venv/bin/streamlit" run serve.py --server.address 127.0.0.1 --server.port "$port" \
            --server.headless true >"$CL/app-$port.log" 2>&1 </dev/null &
        echo $! >"$pidfile"
    )
    local i
    for ((i = 0; i < 60; i++)); do
        app_healthy "$port" && { say "app process on port $port started"; return 0; }
        sleep 1
    done
    die "app process on port $port did not answer /_stcore/health (log: $CL/app-$port.log)"
}

app_stop() {  # app_stop PORT [SIGNAL]
    local pidfile=$CL/app-$1.pid
    [ -f "$pidfile" ] || return 0
    local pid
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
        kill -"${2:-TERM}" -- "-$pid" 2>/dev/null || kill -"${2:-TERM}" "$pid" 2>/dev/null || true
        say "app process on port $1 stopped (SIG${2:-TERM})"
    fi
    rm -f "$pidfile"
}

nginx_conf() {
    mkdir -p "$CL/nginx/temp"
    sed "s#/opt/dashboard#$ROOT#g" "$ROOT/deploy/nginx/dashboard-proxy.conf" >"$CL/nginx/dashboard-proxy.conf"
    local servers="" nodes="" port
    for port in $APP_PORTS; do
        servers+="        server 127.0.0.1:$port max_fails=2 fail_timeout=10s;"$'\n'
        nodes+="        \"127.0.0.1:$port\" 127.0.0.1:$port;"$'\n'
    done
    # The production maps and upstream of deploy/nginx/dashboard.conf, on plain http (no Secure cookie).
    cat >"$CL/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $CL/nginx/nginx.pid;
error_log $CL/nginx/error.log warn;
$([ "$(id -u)" -eq 0 ] && echo "user nobody nogroup;")
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    # Which process served what (tests find a browser's process by its routing cookie).
    log_format routed '\$remote_addr [\$time_local] "\$request" \$status upstream=\$upstream_addr route=\$cookie_dashboard_route';
    access_log $CL/nginx/access.log routed;
    client_body_temp_path $CL/nginx/temp/body;
    proxy_temp_path $CL/nginx/temp/proxy;
    fastcgi_temp_path $CL/nginx/temp/fastcgi;
    uwsgi_temp_path $CL/nginx/temp/uwsgi;
    scgi_temp_path $CL/nginx/temp/scgi;

    map \$http_upgrade \$dashboard_connection { default upgrade; '' ""; }
    map \$scheme \$dashboard_hsts { https "max-age=31536000"; default ""; }
    map \$cookie_dashboard_route \$dashboard_route { "" \$request_id; default \$cookie_dashboard_route; }
    map \$cookie_dashboard_route \$dashboard_route_cookie {
        "" "dashboard_route=\$request_id; Path=/; HttpOnly; SameSite=Strict";
        default "";
    }
    map \$upstream_addr \$dashboard_node_cookie {
        "~(?<node>127\\.0\\.0\\.1:\\d+)\$" "dashboard_node=\$node; Path=/; HttpOnly; SameSite=Strict";
        default "";
    }
    map \$cookie_dashboard_node \$dashboard_target {
$nodes        default dashboard_app;
    }
    upstream dashboard_app {
        hash \$dashboard_route consistent;
$servers        keepalive 16;
    }
    server {
        listen 127.0.0.1:$HTTP_PORT;
        include $CL/nginx/dashboard-proxy.conf;
    }
}
EOF
}

nginx_running() { [ -f "$CL/nginx/nginx.pid" ] && kill -0 "$(cat "$CL/nginx/nginx.pid")" 2>/dev/null; }

nginx_up() {
    nginx_conf
    /usr/sbin/nginx -t -q -p "$CL/nginx" -c "$CL/nginx/nginx.conf" || die "nginx configuration refused"
    if nginx_running; then
        /usr/sbin/nginx -p "$CL/nginx" -c "$CL/nginx/nginx.conf" -s reload
    else
        /usr/sbin/nginx -p "$CL/nginx" -c "$CL/nginx/nginx.conf"
    fi
    say "nginx on http://127.0.0.1:$HTTP_PORT/ -> app processes $APP_PORTS"
}

nginx_down() {
    if nginx_running; then /usr/sbin/nginx -p "$CL/nginx" -c "$CL/nginx/nginx.conf" -s quit && say "nginx stopped"; fi
    return 0
}

status() {
    local port state=0
    for spec in "primary:$PRIMARY_PORT:pg-primary" "replica:$REPLICA_PORT:pg-replica"; do
        IFS=: read -r label port dir <<<"$spec"
        if pg_running "$CL/$dir"; then say "$label up on $port"; else say "$label DOWN ($port)"; state=1; fi
    done
    "$PGBIN/psql" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -tAc \
        "SELECT 'replication: ' || application_name || ' ' || state || ', replay lag ' || coalesce(replay_lag::text, '0')
         FROM pg_stat_replication" postgres 2>/dev/null | sed 's/^/cluster: /' || true
    for port in $APP_PORTS; do
        if app_healthy "$port"; then say "app $port healthy"; else say "app $port DOWN"; state=1; fi
    done
    if curl -fsS --max-time 3 "http://127.0.0.1:$HTTP_PORT/_stcore/health" >/dev/null 2>&1; then
        say "nginx $HTTP_PORT healthy"
    else
        say "nginx $HTTP_PORT DOWN"; state=1
    fi
    echo "DASHBOARD_DB_URL=$PRIMARY_URL"
    echo "DASHBOARD_DB_READ_URL=$REPLICA_URL"
    return $state
}

case ${1:-} in
    up | db-up)
        need_tools
        mkdir -p "$CL"
        primary_up
        replica_up
        [ "$1" = db-up ] && exit 0
        printf 'DASHBOARD_DB_URL=%s\nDASHBOARD_DB_READ_URL=%s\nCLUSTER_URL=http://127.0.0.1:%s\n' \
            "$PRIMARY_URL" "$REPLICA_URL" "$HTTP_PORT" >"$CL/env"
        for port in $APP_PORTS; do app_start "$port"; done
        nginx_up
        ;;
    down)
        nginx_down
        for port in $APP_PORTS; do app_stop "$port"; done
        pg_stop "$CL/pg-replica" replica
        pg_stop "$CL/pg-primary" primary
        if [ "${2:-}" = --purge ]; then rm -rf "$CL" && say "removed $CL"; fi
        ;;
    status) status ;;
    stop-replica) pg_stop "$CL/pg-replica" replica ;;
    start-replica) pg_start "$CL/pg-replica" "replica (port $REPLICA_PORT)" ;;
    kill-app) app_stop "${2:?port}" KILL ;;
    start-app) app_start "${2:?port}" ;;
    *) sed -n '2,17p' "$0" >&2; exit 2 ;;
esac
