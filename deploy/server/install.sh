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

readonly PREFIX=/opt/hailong
readonly VENV=$PREFIX/venv
readonly ETC=/etc/hailong
readonly CONFIG=$ETC/server.toml
readonly ENV_FILE=$ETC/server.env
readonly DATA=/var/lib/hailong-server
readonly USER_NAME=hailong
readonly UNIT_DIR=/etc/systemd/system
readonly UNITS=(hailong-server.service hailong-server-backup.service hailong-server-backup.timer)
readonly STAMP=$PREFIX/.installed-from
readonly PACKAGES=(python3 python3-venv ca-certificates tzdata)
# chrony: this PC becomes the kiosks' time server (a Pi 4 has no battery clock).
readonly NTP_PACKAGES=(chrony)
# pg_dump/pg_restore for the nightly backup when the database is PostgreSQL.
readonly PG_PACKAGES=(postgresql-client)

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OS_RELEASE=${HAILONG_OS_RELEASE:-/etc/os-release}
SOURCE=""
SOURCE_KIND=""
LAN=""
PORT=5000
NTP=yes
START=yes
REINSTALL=no
FORCE=no
CHANGED=no

log() { printf 'hailong-install: %s\n' "$*"; }
warn() { printf 'hailong-install: WARNING: %s\n' "$*" >&2; }
die() {
    printf 'hailong-install: ERROR: %s\n' "$*" >&2
    exit 1
}
changed() {
    CHANGED=yes
    log "$*"
}

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
            --no-start) START=no; shift ;;
            --reinstall) REINSTALL=yes; shift ;;
            --force) FORCE=yes; shift ;;
            -h | --help) usage; exit 0 ;;
            -*) usage >&2; die "unknown option: $1" ;;
            *) [ -z "$SOURCE" ] || die "only one SOURCE, got '$SOURCE' and '$1'"; SOURCE=$1; shift ;;
        esac
    done
    if ! [[ $PORT =~ ^[0-9]+$ ]] || [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
        die "--port must be 1-65535"
    fi
}

require_root() {
    [ "$(id -u)" -eq 0 ] || die "run as root: sudo $0"
}

check_os() {
    [ -r "$OS_RELEASE" ] || die "cannot read $OS_RELEASE"
    command -v apt-get >/dev/null || die "this installer is for Debian/Ubuntu (apt); see docs/server-install.md"
    local version
    version=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo none)
    if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        [ "$FORCE" = yes ] || die "python3 is $version; hailong needs 3.11 or newer (Debian 12, Ubuntu 24.04)"
    fi
    log "system: $(sed -n 's/^PRETTY_NAME=//p' "$OS_RELEASE" | tr -d '"'), Python $version"
}

resolve_source() {
    if [ -z "$SOURCE" ]; then
        [ -f "$SCRIPT_DIR/../../pyproject.toml" ] || die "no SOURCE given and this script is not in a source tree"
        SOURCE=$SCRIPT_DIR/../..
    fi
    [ -e "$SOURCE" ] || die "SOURCE not found: $SOURCE"
    SOURCE=$(realpath "$SOURCE")
    if [ -f "$SOURCE/pyproject.toml" ]; then
        SOURCE_KIND=tree
    elif [[ $SOURCE == *.whl ]]; then
        SOURCE_KIND=wheel
    else
        die "SOURCE must be a hailong source tree or a .whl: $SOURCE"
    fi
    log "source: $SOURCE ($SOURCE_KIND)"
}

shipped_file() {
    local name=$1 candidate
    for candidate in "$SCRIPT_DIR/$name" "$SCRIPT_DIR/../../systemd/$name"; do
        if [ -f "$candidate" ]; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    die "missing $name next to $0 (incomplete copy of the installer?)"
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

missing_packages() {
    local pkg status
    for pkg in "$@"; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        [ "$status" = "install ok installed" ] || printf '%s\n' "$pkg"
    done
}

install_packages() {
    local wanted=("${PACKAGES[@]}") missing
    if [ "$NTP" = yes ]; then wanted+=("${NTP_PACKAGES[@]}"); fi
    if uses_postgres; then wanted+=("${PG_PACKAGES[@]}"); fi
    mapfile -t missing < <(missing_packages "${wanted[@]}")
    if [ ${#missing[@]} -eq 0 ]; then
        log "packages: all ${#wanted[@]} present"
        return 0
    fi
    export DEBIAN_FRONTEND=noninteractive
    changed "packages: installing ${missing[*]}"
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

ensure_user() {
    if ! getent passwd "$USER_NAME" >/dev/null; then
        useradd --system --user-group --home-dir "$DATA" --no-create-home \
            --shell /usr/sbin/nologin --comment "hailong server" "$USER_NAME"
        changed "user $USER_NAME created"
    fi
}

ensure_dir() {
    local path=$1 mode=$2 owner=$3
    if [ ! -d "$path" ]; then
        install -d -m "$mode" -o "${owner%%:*}" -g "${owner##*:}" "$path"
        changed "created $path"
        return 0
    fi
    if [ "$(stat -c '%a %U:%G' "$path")" != "${mode#0} $owner" ]; then
        chmod "$mode" "$path"
        chown "$owner" "$path"
        changed "fixed owner/mode of $path"
    fi
}

install_file() {
    local src=$1 dest=$2 mode=$3
    if [ -f "$dest" ] && cmp -s "$src" "$dest" && [ "$(stat -c '%a' "$dest")" = "${mode#0}" ]; then
        return 1
    fi
    install -D -m "$mode" -o root -g root "$src" "$dest"
    changed "installed $dest"
}

write_if_differs() {
    local dest=$1 mode=$2 tmp rc=1
    tmp=$(mktemp)
    cat >"$tmp"
    if install_file "$tmp" "$dest" "$mode"; then rc=0; fi
    rm -f "$tmp"
    return "$rc"
}

source_fingerprint() {
    {
        "$VENV/bin/python" -c 'import sys; print(sys.version)'
        echo "kind=$SOURCE_KIND extras=server"
        case $SOURCE_KIND in
            tree)
                (cd "$SOURCE" && find pyproject.toml kiosk sync_server -type f \
                    ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) ;;
            wheel) sha256sum "$SOURCE" ;;
        esac
    } | sha256sum | cut -d' ' -f1
}

install_venv() {
    ensure_dir "$PREFIX" 0755 root:root
    local py_now="" py_sys
    py_sys=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    if [ -x "$VENV/bin/python" ]; then
        py_now=$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true)
    fi
    if [ "$py_now" != "$py_sys" ]; then
        rm -rf "$VENV"
        python3 -m venv "$VENV"
        changed "venv created at $VENV (Python $py_sys)"
    fi
    local fingerprint
    fingerprint=$(source_fingerprint)
    if [ "$REINSTALL" = no ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$fingerprint" ] \
        && "$VENV/bin/hailong-server" --version >/dev/null 2>&1; then
        log "hailong: up to date ($("$VENV/bin/hailong-server" --version))"
        return 0
    fi
    local pip=("$VENV/bin/python" -m pip install --no-input --disable-pip-version-check --quiet)
    local extras=server
    case $SOURCE_KIND in
        tree)
            local build
            build=$(mktemp -d)
            tar -C "$SOURCE" --exclude=./.git --exclude=./.venv --exclude=./var --exclude=./build \
                --exclude='*.egg-info' --exclude=./test-output -cf - . | tar -C "$build" -xf -
            "${pip[@]}" "${build}[$extras]"
            rm -rf "$build" ;;
        wheel) "${pip[@]}" "${SOURCE}[$extras]" ;;
    esac
    "$VENV/bin/hailong-server" --version >/dev/null || die "hailong-server does not run after pip install"
    printf '%s\n' "$fingerprint" >"$STAMP"
    changed "hailong installed: $("$VENV/bin/hailong-server" --version)"
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

systemd_running() { [ -d /run/systemd/system ]; }

install_units() {
    local unit units_changed=no
    for unit in "${UNITS[@]}"; do
        if install_file "$(shipped_file "$unit")" "$UNIT_DIR/$unit" 0644; then units_changed=yes; fi
    done
    if [ "$units_changed" = yes ] && systemd_running; then systemctl daemon-reload; fi
    for unit in hailong-server.service hailong-server-backup.timer; do
        if ! systemctl is-enabled --quiet "$unit" 2>/dev/null; then
            systemctl enable --quiet "$unit"
            changed "enabled $unit"
        fi
    done
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
        if systemd_running; then systemctl restart chrony || warn "could not restart chrony"; fi
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
    if ! systemd_running; then
        log "systemd is not running here (chroot/container): the server starts at the next boot"
        return 0
    fi
    [ "$START" = yes ] || { log "--no-start: not starting the server now"; return 0; }
    if [ "$CHANGED" = yes ] || ! systemctl is-active --quiet hailong-server.service; then
        systemctl restart hailong-server.service
        log "server (re)started: journalctl -u hailong-server -f"
    fi
    systemctl start hailong-server-backup.timer
}

summary() {
    if [ "$CHANGED" = no ]; then log "done: nothing to change"; else log "done"; fi
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
    resolve_source
    resolve_lan
    install_packages
    ensure_user
    ensure_dir "$DATA" 0750 "$USER_NAME:$USER_NAME"
    install_venv
    install_config
    init_database
    install_units
    setup_ntp
    open_firewall
    start_server
    summary
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    main "$@"
fi
