#!/usr/bin/env bash
# hailong sync server installer for a Linux office PC (Debian 12+, Ubuntu 24.04+: Python >= 3.11).
#
#   sudo deploy/server/install.sh [options] [SOURCE]
#
# SOURCE: this source tree (default when run from a clone) or a hailong-*.whl.
# Re-running it is safe and is the upgrade path: only what differs is changed, the config is
# never overwritten, the database schema is brought up to date, and the server is restarted
# only if something changed. Windows office PC: deploy/server/install.ps1. Guide: docs/server-install.md.
set -euo pipefail

# The helpers both installers share (lib.sh): next to this script (a copied installer),
# else deploy/lib.sh in the source tree.
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$SCRIPT_DIR/$([ -f "$SCRIPT_DIR/lib.sh" ] || echo ../)lib.sh"

readonly UNITS=(hailong-server.service hailong-server-backup.service hailong-server-backup.timer)
readonly CONFIG=$ETC/server.toml
readonly ENV_FILE=$ETC/server.env
readonly DATA=/var/lib/hailong-server
readonly PACKAGES=(python3 python3-venv ca-certificates tzdata)
# chrony: this PC becomes the kiosks' time server (a Pi 4 has no battery clock).
readonly NTP_PACKAGES=(chrony)
# pg_dump/pg_restore for the nightly backup when the database is PostgreSQL.
readonly PG_PACKAGES=(postgresql-client)

LAN=""
PORT=5000
NTP=yes

usage() {
    cat <<'EOF'
Usage: sudo deploy/server/install.sh [options] [SOURCE]

SOURCE   hailong source tree or hailong-*.whl (default: the tree this script is in)
Options:
  --lan CIDR     the office LAN allowed to take the time from this PC, e.g. 192.168.1.0/24
                 (default: the network of this PC's first global IPv4 address)
  --no-ntp       do not make this PC a time server (chrony)
  --port N       web port when the config is first written (default 5000)
  --no-start     install and enable, but do not (re)start the server now
  --reinstall    reinstall the Python package even if the source has not changed
  --force        continue on an unsupported system
  -h, --help     this text
EOF
}

parse_args() {
    while [ $# -gt 0 ]; do
        case $1 in
            --lan) LAN=${2:?--lan needs a CIDR}; shift 2 ;;
            --no-ntp) NTP=no; shift ;;
            --port) PORT=${2:?--port needs a number}; shift 2 ;;
            *) common_option "$1"; shift ;;
        esac
    done
    if ! [[ $PORT =~ ^[0-9]+$ ]] || [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
        die "--port must be 1-65535"
    fi
}

check_os() {
    [ -r "$OS_RELEASE" ] || die "cannot read $OS_RELEASE"
    command -v apt-get >/dev/null || die "this installer is for Debian/Ubuntu (apt); see docs/server-install.md"
    local version
    version=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo none)
    if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        unsupported "python3 is $version; hailong needs 3.11 or newer (Debian 12, Ubuntu 24.04)"
    fi
    log "system: $(os_field PRETTY_NAME), Python $version"
}

# The office LAN in CIDR form (normalised: 192.168.1.7/24 -> 192.168.1.0/24).
resolve_lan() {
    [ "$NTP" = yes ] || return 0
    if [ -z "$LAN" ]; then
        LAN=$(python3 - <<'EOF'
import ipaddress, json, subprocess
try:
    out = subprocess.run(["ip", "-j", "-4", "addr", "show", "scope", "global"], capture_output=True,
                         text=True, check=True).stdout
    for link in json.loads(out):
        for a in link.get("addr_info", []):
            print(ipaddress.ip_interface(f"{a['local']}/{a['prefixlen']}").network)
            raise SystemExit
except (OSError, subprocess.CalledProcessError, ValueError):
    pass
EOF
        )
        [ -n "$LAN" ] || die "cannot tell this PC's LAN: pass --lan, e.g. --lan 192.168.1.0/24 (or --no-ntp)"
        log "office LAN: $LAN (from this PC's address; --lan to change)"
    fi
    LAN=$(python3 -c 'import ipaddress, sys; print(ipaddress.ip_network(sys.argv[1], strict=False))' "$LAN" 2>/dev/null) \
        || die "--lan: not a network in CIDR form, e.g. 192.168.1.0/24"
}

# uses_postgres_in CONFIG ENV_FILE: whether either names a PostgreSQL database.
uses_postgres_in() {
    grep -qsE '^[[:space:]]*database_url[[:space:]]*=[[:space:]]*"postgres' "$1" \
        || grep -qsE '^DATABASE_URL=postgres' "$2"
}

uses_postgres() { uses_postgres_in "$CONFIG" "$ENV_FILE"; }

install_packages() {
    local wanted=("${PACKAGES[@]}")
    if [ "$NTP" = yes ]; then wanted+=("${NTP_PACKAGES[@]}"); fi
    if uses_postgres; then wanted+=("${PG_PACKAGES[@]}"); fi
    ensure_packages "${wanted[@]}"
}

install_config() {
    ensure_dir "$ETC" 0750 "root:$USER_NAME"
    if [ ! -f "$CONFIG" ]; then
        local tmp
        tmp=$(mktemp "$ETC/.server.toml.XXXXXX")
        sed -e "s|@DATA_DIR@|$DATA|" -e "s|@PORT@|$PORT|" "$(shipped_file server.toml.in)" >"$tmp"
        chown "root:$USER_NAME" "$tmp"
        chmod 0640 "$tmp"
        mv "$tmp" "$CONFIG"
        changed "wrote $CONFIG"
    else
        log "config: keeping $CONFIG"
    fi
    if [ ! -f "$ENV_FILE" ]; then
        install -m 0640 -o root -g "$USER_NAME" "$(shipped_file server.env.in)" "$ENV_FILE"
        changed "wrote $ENV_FILE"
    fi
    # The session key, random and kept (the app would make one at first start; made here so
    # that it exists with the right owner and mode before anything runs).
    if [ ! -f "$DATA/secret_key" ]; then
        python3 -c 'import secrets; print(secrets.token_hex(32))' \
            | install -m 0600 -o "$USER_NAME" -g "$USER_NAME" /dev/stdin "$DATA/secret_key"
        changed "made a random session key in $DATA/secret_key"
    fi
}

# The schema up to date (the migrations also run at every start); also proves the config loads.
init_database() {
    local url env=()
    url=$(sed -n 's/^DATABASE_URL=//p' "$ENV_FILE" | tail -n 1)
    if [ -n "$url" ]; then env=(DATABASE_URL="$url"); fi
    runuser -u "$USER_NAME" -- env "${env[@]}" "$VENV/bin/hailong-server" init-db --config "$CONFIG" >/dev/null \
        || die "the database could not be prepared with $CONFIG (message above): fix it and re-run"
    log "database: schema up to date"
}

setup_ntp() {
    [ "$NTP" = yes ] || return 0
    if write_if_differs /etc/chrony/conf.d/hailong.conf 0644 <<EOF
# Written by hailong's deploy/server/install.sh: this PC gives the time to the kiosks.
allow $LAN
# Keep serving the time when the internet (and so the upstream servers) is unreachable.
local stratum 10
EOF
    then
        restart_if_running chrony
    fi
    if ! grep -qsE '^[[:space:]]*confdir[[:space:]]+/etc/chrony/conf.d' /etc/chrony/chrony.conf; then
        warn "/etc/chrony/chrony.conf has no 'confdir /etc/chrony/conf.d': add the two lines of /etc/chrony/conf.d/hailong.conf to it"
    fi
}

open_firewall() {
    command -v ufw >/dev/null || return 0
    ufw status 2>/dev/null | grep -q '^Status: active' || return 0
    ufw allow "$(sed -n 's/^port *= *\([0-9]*\).*/\1/p' "$CONFIG" | head -n 1)/tcp" >/dev/null
    if [ "$NTP" = yes ]; then ufw allow from "$LAN" to any port 123 proto udp >/dev/null; fi
    log "ufw: web port and NTP opened"
}

start_server() {
    if start_service hailong-server.service server; then
        systemctl start hailong-server-backup.timer
    fi
}

summary() {
    log_done
    cat <<EOF
Next:
  - the first staff login (asks for a password; no default password exists):
      sudo -u $USER_NAME $VENV/bin/hailong-server create-admin --config $CONFIG --username admin
  - add each kiosk to $CONFIG ([[kiosks]]: id, url, token): docs/technician.md, "Pairing"
  - staff open http://$(hostname):$(sed -n 's/^port *= *\([0-9]*\).*/\1/p' "$CONFIG" | head -n 1)/
  - backups: $DATA/backups (nightly); restore: docs/server-install.md
EOF
}

main() {
    parse_args "$@"
    require_root
    check_os
    resolve_source tree wheel
    resolve_lan
    install_packages
    ensure_user "$DATA" "hailong server"
    ensure_dir "$DATA" 0750 "$USER_NAME:$USER_NAME"
    install_venv server hailong-server
    install_config
    init_database
    install_units "${UNITS[@]}"
    # The backup service is started by its timer.
    enable_units hailong-server.service hailong-server-backup.timer
    setup_ntp
    open_firewall
    start_server
    summary
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    main "$@"
fi
