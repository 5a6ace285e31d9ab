#!/usr/bin/env bash
# Start PostgreSQL and MariaDB for the cross-engine query tests and make sure database `test`
# exists in both. Never fails the run: a server that is absent or will not start only means the
# `engines` tests skip, so every problem is a warning and the exit status is always 0.
set -uo pipefail

WAIT_SECONDS=30

wait_for() {  # wait_for LABEL COMMAND... : poll until COMMAND succeeds or WAIT_SECONDS pass
    local label=$1 i
    shift
    for ((i = 0; i < WAIT_SECONDS; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 1
    done
    echo "services: WARNING: $label not accepting connections after ${WAIT_SECONDS}s" >&2
    return 1
}

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432; }
maria_up() { mariadb-admin -h 127.0.0.1 -u root ping; }

start_postgres() {
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
        echo "services: WARNING: PostgreSQL is not installed; PostgreSQL tests will skip" >&2
        return 1
    fi
    if ! pg_up >/dev/null 2>&1; then
        echo "services: starting PostgreSQL"
        pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start \
            || echo "services: WARNING: pg_ctlcluster failed" >&2
    fi
    wait_for PostgreSQL pg_up || return 1
    if [ "$(psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'")" != 1 ]; then
        createdb -h 127.0.0.1 -U postgres test || { echo "services: WARNING: createdb test failed" >&2; return 1; }
    fi
    echo "services: PostgreSQL ready (database test)"
}

start_mariadb() {
    if [ ! -x /usr/sbin/mariadbd ]; then
        echo "services: WARNING: MariaDB is not installed; MariaDB tests will skip" >&2
        return 1
    fi
    if ! maria_up >/dev/null 2>&1; then
        echo "services: starting MariaDB"
        # The socket directory lives on tmpfs; systemd would create it, containers do not.
        [ -d /run/mysqld ] || install -d -o mysql -g mysql /run/mysqld 2>/dev/null || true
        start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd \
            || echo "services: WARNING: start-stop-daemon mariadbd failed" >&2
    fi
    wait_for MariaDB maria_up || return 1
    mariadb -h 127.0.0.1 -u root -e "CREATE DATABASE IF NOT EXISTS test CHARACTER SET utf8mb4" \
        || { echo "services: WARNING: CREATE DATABASE test failed" >&2; return 1; }
    echo "services: MariaDB ready (database test)"
}

start_postgres || true
start_mariadb || true
exit 0
