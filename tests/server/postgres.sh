#!/bin/sh
# A real PostgreSQL for the server tests, on 127.0.0.1:5432 (Debian; run as root, e.g. from
# .ci/run). Idempotent: installs the package if missing, starts the cluster, makes the role (with
# CREATEDB: each pytest-xdist worker makes a database of its own) and the database, and prints the
# URL to export as HAILONG_TEST_PG_URL.
#   export HAILONG_TEST_PG_URL="$(sh tests/server/postgres.sh)"
set -eu

ROLE=hailong
DB=${HAILONG_TEST_PG_DB:-hailong_test}
PASSWORD=${HAILONG_TEST_PG_PASSWORD:-hailong-test-only}

# Only the URL goes to stdout (callers capture it); everything the tools print goes to stderr.
# The server daemon must not inherit fd 3, or the caller's $(...) would wait for it forever.
exec 3>&1 1>&2

if [ "$(id -u)" -ne 0 ]; then
    echo "postgres.sh: run as root (it installs and starts PostgreSQL)" >&2
    exit 1
fi
if ! command -v pg_lsclusters >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
# The package makes a cluster but in containers (policy-rc.d) does not start it.
if [ -z "$(pg_lsclusters -h)" ]; then
    version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
    pg_createcluster "$version" main >/dev/null 3>&-
fi
pg_lsclusters -h | while read -r version name port status _rest; do
    [ "$status" = online ] && continue
    # A machine image saved with the server running leaves a socket lock behind; remove it
    # only when the process it names is gone.
    lock="/var/run/postgresql/.s.PGSQL.$port.lock"
    if [ -f "$lock" ] && ! kill -0 "$(head -n 1 "$lock")" 2>/dev/null; then
        rm -f "$lock"
    fi
    pg_ctlcluster "$version" "$name" start 3>&-
done
port=$(pg_lsclusters -h | awk 'NR==1 {print $3}')

psql_admin() { runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qAt "$@"; }
for _ in 1 2 3 4 5 6 7 8 9 10; do
    psql_admin -c "SELECT 1" >/dev/null 2>&1 && break
    sleep 1
done
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
    psql_admin -c "CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'"
else
    psql_admin -c "ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD'"
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
    psql_admin -c "CREATE DATABASE $DB OWNER $ROLE ENCODING 'UTF8' TEMPLATE template0"
fi
echo "postgresql://$ROLE:$PASSWORD@127.0.0.1:$port/$DB" >&3
