#!/usr/bin/env bash
# hailong kiosk installer: turns Raspberry Pi OS Lite 64-bit (Bookworm) into a rating kiosk.
#
#   sudo deploy/kiosk/install.sh [options] [SOURCE]
#
# SOURCE is where hailong comes from: this source tree (default when run from a clone), a
# hailong-*.whl, or an offline bundle folder made by deploy/kiosk/bundle.sh (wheels/ + debs/).
# Re-running it is safe and is the upgrade path: it changes only what differs, never
# overwrites /etc/hailong/kiosk.toml, and restarts the kiosk only if something changed.
# Run with --help for the options. Technician's guide: docs/technician.md.
set -euo pipefail

readonly PREFIX=/opt/hailong
readonly VENV=$PREFIX/venv
readonly ETC=/etc/hailong
readonly CONFIG=$ETC/kiosk.toml
readonly ENV_FILE=$ETC/kiosk.env
readonly DATA=/var/lib/hailong
readonly USER_NAME=hailong
readonly UNIT=hailong-kiosk.service
readonly UNIT_DIR=/etc/systemd/system
readonly STAMP=$PREFIX/.installed-from
# Groups of the kiosk user: display (video), GPU (render), touch/keypad (input), buttons (gpio),
# sound (audio).
readonly GROUPS_NEEDED=(video render input gpio audio)
# What the Kivy wheel's bundled SDL2 loads on a console without a desktop (KMS/DRM + GBM +
# EGL/GLES from Mesa; libgl1 because Kivy's GL modules link libGL.so.1 even when drawing through
# SDL2: without it the window fails to open), mtdev for the touch panel, and the venv itself.
readonly PACKAGES=(python3 python3-venv ca-certificates tzdata systemd-timesyncd
    libgl1 libgl1-mesa-dri libegl1 libgles2 libgbm1 libdrm2 libmtdev1)
# Only in Raspberry Pi OS's archive: lgpio for gpiozero (seen by the venv via system site-packages).
readonly PI_PACKAGES=(python3-lgpio)
# Only when kiosk.toml turns [sound] on: the tone player and the Vietnamese voice.
readonly SOUND_PACKAGES=(alsa-utils espeak-ng)

# Test hooks (tests/deploy): a different root for the Pi files, a forced answer to "is this a Pi?".
SYSROOT=${HAILONG_SYSROOT:-}
OS_RELEASE=${HAILONG_OS_RELEASE:-/etc/os-release}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE=""
KIOSK_ID=""
HOSTNAME_NEW=""
NTP_SERVER=""
ROTATION=0
TIMEZONE=Asia/Ho_Chi_Minh
FORCE=no
START=yes
REINSTALL=no
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
Usage: sudo deploy/kiosk/install.sh [options] [SOURCE]

SOURCE   hailong source tree, hailong-*.whl, or offline bundle folder (bundle.sh); default:
         the tree or bundle this script is in.
Options (the config options apply only when /etc/hailong/kiosk.toml is first written):
  --kiosk-id ID      the kiosk's id on the server, e.g. quay-1 (default: the hostname)
  --rotation DEG     screen rotation 0, 90, 180 or 270 (default 0)
  --hostname NAME    set this machine's hostname (e.g. hailong-quay-1)
  --ntp SERVER       time server for this kiosk: the office PC's name or address
  --timezone TZ      default Asia/Ho_Chi_Minh (ratings are stamped in local time)
  --no-start         install and enable, but do not (re)start the kiosk now
  --reinstall        reinstall the Python package even if the source has not changed
  --force            continue on an OS release this script does not support (e.g. Trixie)
  -h, --help         this text
EOF
}

parse_args() {
    while [ $# -gt 0 ]; do
        case $1 in
            --kiosk-id) KIOSK_ID=${2:?--kiosk-id needs a value}; shift 2 ;;
            --rotation) ROTATION=${2:?--rotation needs a value}; shift 2 ;;
            --hostname) HOSTNAME_NEW=${2:?--hostname needs a value}; shift 2 ;;
            --ntp) NTP_SERVER=${2:?--ntp needs a value}; shift 2 ;;
            --timezone) TIMEZONE=${2:?--timezone needs a value}; shift 2 ;;
            --no-start) START=no; shift ;;
            --reinstall) REINSTALL=yes; shift ;;
            --force) FORCE=yes; shift ;;
            -h | --help) usage; exit 0 ;;
            -*) usage >&2; die "unknown option: $1" ;;
            *) [ -z "$SOURCE" ] || die "only one SOURCE, got '$SOURCE' and '$1'"; SOURCE=$1; shift ;;
        esac
    done
    case $ROTATION in 0 | 90 | 180 | 270) ;; *) die "--rotation must be 0, 90, 180 or 270, got '$ROTATION'" ;; esac
    if [ -n "$KIOSK_ID" ] && ! [[ $KIOSK_ID =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ ]]; then
        die "--kiosk-id: use letters, digits, '.', '_' or '-' (at most 64), e.g. quay-1"
    fi
    if [ -n "$HOSTNAME_NEW" ] && ! [[ $HOSTNAME_NEW =~ ^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$ ]]; then
        die "--hostname: letters, digits and '-' only (no dots, at most 63), e.g. hailong-quay-1"
    fi
}

require_root() {
    [ "$(id -u)" -eq 0 ] || die "run as root: sudo $0"
}

# --- where are we -------------------------------------------------------------------------------

# True on a Raspberry Pi. HAILONG_ASSUME_PI=yes|no overrides; HAILONG_SYSROOT moves the files read.
is_raspberry_pi() {
    case ${HAILONG_ASSUME_PI:-} in
        yes) return 0 ;;
        no) return 1 ;;
    esac
    local model=$SYSROOT/proc/device-tree/model
    [ -r "$model" ] && tr -d '\0' <"$model" | grep -q '^Raspberry Pi'
}

os_field() {
    # One field of os-release, unquoted (the file is shell syntax, but we do not source it).
    sed -n "s/^$1=//p" "$OS_RELEASE" | head -n 1 | tr -d '"'"'"
}

check_os() {
    [ -r "$OS_RELEASE" ] || die "cannot read $OS_RELEASE: is this Raspberry Pi OS / Debian?"
    local codename id
    codename=$(os_field VERSION_CODENAME)
    id=$(os_field ID)
    case $codename in
        bookworm) ;;
        trixie)
            [ "$FORCE" = yes ] || die "this is ${id:-?} Trixie (Debian 13). hailong is installed and \
tested on Raspberry Pi OS Lite 64-bit Bookworm: flash 'Raspberry Pi OS (Legacy, 64-bit) Lite' \
(Bookworm) with Raspberry Pi Imager, or re-run with --force to try Trixie anyway (untested)."
            warn "Trixie is not tested (--force)" ;;
        *)
            [ "$FORCE" = yes ] || die "unsupported OS '${id:-?} ${codename:-?}': use Raspberry Pi OS \
Lite 64-bit Bookworm (or --force to try anyway)"
            warn "unsupported OS '${id:-?} ${codename:-?}' (--force)" ;;
    esac
    local arch
    arch=$(dpkg --print-architecture)
    if is_raspberry_pi; then
        [ "$arch" = arm64 ] || [ "$FORCE" = yes ] || die "this is the $arch (32-bit) OS: flash the \
64-bit Raspberry Pi OS Lite (Kivy's wheels are for 64-bit)."
    else
        case $arch in
            arm64 | amd64) log "not a Raspberry Pi ($arch): the Pi-only steps are skipped" ;;
            *) [ "$FORCE" = yes ] || die "unsupported architecture $arch (arm64 or amd64)" ;;
        esac
    fi
}

# Where hailong comes from: sets SOURCE_KIND (tree|wheel|bundle) and SOURCE (absolute).
resolve_source() {
    if [ -z "$SOURCE" ]; then
        if [ -f "$SCRIPT_DIR/../../pyproject.toml" ]; then
            SOURCE=$SCRIPT_DIR/../..
        elif [ -d "$SCRIPT_DIR/wheels" ]; then
            SOURCE=$SCRIPT_DIR
        else
            die "no SOURCE given and none next to this script: pass a source tree, wheel or bundle"
        fi
    fi
    [ -e "$SOURCE" ] || die "SOURCE not found: $SOURCE"
    SOURCE=$(cd "$(dirname "$SOURCE")" && pwd)/$(basename "$SOURCE")
    if [ -d "$SOURCE/wheels" ]; then
        SOURCE_KIND=bundle
        if [ -f "$SOURCE/SHA256SUMS" ]; then
            # A USB copy can be damaged or incomplete: check before installing anything from it.
            (cd "$SOURCE" && sha256sum --quiet --strict -c SHA256SUMS) \
                || die "the bundle in $SOURCE is damaged or incomplete (SHA256SUMS): copy it again"
        fi
    elif [ -f "$SOURCE/pyproject.toml" ]; then
        SOURCE_KIND=tree
    elif [ -f "$SOURCE" ] && [[ $SOURCE == *.whl ]]; then
        SOURCE_KIND=wheel
    else
        die "SOURCE must be a hailong source tree, a .whl or a bundle folder: $SOURCE"
    fi
    SOURCE=$(realpath "$SOURCE")
    log "source: $SOURCE ($SOURCE_KIND)"
}

# A file that ships with the installer: next to it (bundle) or in the source tree.
shipped_file() {
    local name=$1 candidate
    for candidate in "$SCRIPT_DIR/$name" "$SCRIPT_DIR/../../systemd/$name" "$SCRIPT_DIR/../../deploy/kiosk/$name"; do
        if [ -f "$candidate" ]; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    die "missing $name next to $0 (incomplete copy of the installer?)"
}

# --- packages, user, folders ---------------------------------------------------------------------

missing_packages() {
    local pkg status
    for pkg in "$@"; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        [ "$status" = "install ok installed" ] || printf '%s\n' "$pkg"
    done
}

# sound_enabled CONFIG: whether the config's [sound] table turns the tone or the voice on.
sound_enabled() {
    [ -f "$1" ] && awk '
        /^[[:space:]]*\[/ { in_sound = ($0 ~ /^[[:space:]]*\[sound\][[:space:]]*(#.*)?$/) }
        in_sound && /^[[:space:]]*(confirm|speak)[[:space:]]*=[[:space:]]*true/ { found = 1 }
        END { exit !found }' "$1"
}

install_packages() {
    local wanted=("${PACKAGES[@]}") missing
    if is_raspberry_pi; then
        wanted+=("${PI_PACKAGES[@]}")
    fi
    if sound_enabled "$CONFIG"; then
        wanted+=("${SOUND_PACKAGES[@]}")
    fi
    mapfile -t missing < <(missing_packages "${wanted[@]}")
    if [ ${#missing[@]} -eq 0 ]; then
        log "packages: all ${#wanted[@]} present"
        return 0
    fi
    export DEBIAN_FRONTEND=noninteractive
    if [ "$SOURCE_KIND" = bundle ] && compgen -G "$SOURCE/debs/*.deb" >/dev/null; then
        # Offline: the bundle's .debs (apt resolves the order among them).
        changed "packages: installing ${missing[*]} from $SOURCE/debs"
        apt-get install -y -q --no-install-recommends "$SOURCE"/debs/*.deb
    else
        changed "packages: installing ${missing[*]}"
        apt-get update -q
        apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
    mapfile -t missing < <(missing_packages "${wanted[@]}")
    [ ${#missing[@]} -eq 0 ] || die "packages still missing after apt-get: ${missing[*]}"
}

ensure_user() {
    local group
    for group in "${GROUPS_NEEDED[@]}"; do
        # gpio exists on Raspberry Pi OS (udev gives it /dev/gpiochip*); elsewhere make it.
        getent group "$group" >/dev/null || { groupadd --system "$group"; changed "group $group created"; }
    done
    if ! getent passwd "$USER_NAME" >/dev/null; then
        useradd --system --user-group --home-dir "$DATA" --no-create-home \
            --shell /usr/sbin/nologin --comment "hailong kiosk" "$USER_NAME"
        changed "user $USER_NAME created"
    fi
    local have missing=()
    have=" $(id -nG "$USER_NAME") "
    for group in "${GROUPS_NEEDED[@]}"; do
        [[ $have == *" $group "* ]] || missing+=("$group")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        usermod -a -G "$(IFS=,; echo "${missing[*]}")" "$USER_NAME"
        changed "user $USER_NAME added to ${missing[*]}"
    fi
}

# ensure_dir PATH MODE OWNER:GROUP
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

# install_file SRC DEST MODE: copy only when the content or mode differs (re-runs change nothing).
install_file() {
    local src=$1 dest=$2 mode=$3
    if [ -f "$dest" ] && cmp -s "$src" "$dest" && [ "$(stat -c '%a' "$dest")" = "${mode#0}" ]; then
        return 1
    fi
    install -D -m "$mode" -o root -g root "$src" "$dest"
    changed "installed $dest"
}

# --- the application ------------------------------------------------------------------------------

# A fingerprint of what would be installed: same fingerprint = nothing to reinstall.
source_fingerprint() {
    {
        "$VENV/bin/python" -c 'import sys; print(sys.version)'
        echo "kind=$SOURCE_KIND extras=kiosk"
        case $SOURCE_KIND in
            tree)
                (cd "$SOURCE" && find pyproject.toml kiosk sync_server -type f \
                    ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) ;;
            wheel) sha256sum "$SOURCE" ;;
            bundle) (cd "$SOURCE/wheels" && find . -name '*.whl' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) ;;
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
        # Missing, broken, or made by another Python (an OS upgrade): start a fresh one.
        rm -rf "$VENV"
        # System site-packages: lgpio comes from apt (python3-lgpio), not from PyPI.
        python3 -m venv --system-site-packages "$VENV"
        changed "venv created at $VENV (Python $py_sys)"
    fi
    local fingerprint
    fingerprint=$(source_fingerprint)
    if [ "$REINSTALL" = no ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$fingerprint" ] \
        && "$VENV/bin/hailong-kiosk" --version >/dev/null 2>&1; then
        log "hailong: up to date ($("$VENV/bin/hailong-kiosk" --version))"
        return 0
    fi
    local pip=("$VENV/bin/python" -m pip install --no-input --disable-pip-version-check --quiet)
    case $SOURCE_KIND in
        tree)
            # Build from a copy: pip would otherwise write build/ and *.egg-info into the tree.
            local build
            build=$(mktemp -d)
            tar -C "$SOURCE" --exclude=./.git --exclude=./.venv --exclude=./var --exclude=./build \
                --exclude='*.egg-info' --exclude=./test-output -cf - . | tar -C "$build" -xf -
            "${pip[@]}" "${build}[kiosk]"
            rm -rf "$build" ;;
        wheel) "${pip[@]}" "${SOURCE}[kiosk]" ;;
        bundle) "${pip[@]}" --no-index --find-links "$SOURCE/wheels" "hailong[kiosk]" ;;
    esac
    "$VENV/bin/hailong-kiosk" --version >/dev/null || die "hailong-kiosk does not run after pip install"
    printf '%s\n' "$fingerprint" >"$STAMP"
    changed "hailong installed: $("$VENV/bin/hailong-kiosk" --version)"
}

random_token() { python3 -c 'import secrets; print(secrets.token_urlsafe(32))'; }

# 6 random digits, never all one digit or a run (the kiosk refuses such PINs).
random_pin() {
    python3 - <<'EOF'
import secrets
while True:
    pin = "".join(secrets.choice("0123456789") for _ in range(6))
    if len(set(pin)) > 1 and pin not in "0123456789012" and pin not in "9876543210":
        print(pin)
        break
EOF
}

install_config() {
    ensure_dir "$ETC" 0750 "root:$USER_NAME"
    if [ ! -f "$CONFIG" ]; then
        local template id tmp
        template=$(shipped_file kiosk.toml.in)
        id=${KIOSK_ID:-$(hostname)}
        [[ $id =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ ]] || die "hostname '$id' is not a valid kiosk id: pass --kiosk-id"
        tmp=$(mktemp "$ETC/.kiosk.toml.XXXXXX")
        # The secrets go from python to the file, never through the command line or the log.
        ID=$id ROTATION=$ROTATION TOKEN=$(random_token) PIN=$(random_pin) python3 - "$template" "$tmp" <<'EOF'
import os, sys
text = open(sys.argv[1], encoding="utf-8").read()
for key, env in (("@KIOSK_ID@", "ID"), ("@ROTATION@", "ROTATION"), ("@API_TOKEN@", "TOKEN"), ("@ADMIN_PIN@", "PIN")):
    text = text.replace(key, os.environ[env])
open(sys.argv[2], "w", encoding="utf-8").write(text)
EOF
        chown "root:$USER_NAME" "$tmp"
        chmod 0640 "$tmp"
        mv "$tmp" "$CONFIG"
        changed "wrote $CONFIG (kiosk id '$id', a random API token and admin PIN)"
        [ "$id" != raspberrypi ] || warn "kiosk id is 'raspberrypi': set [kiosk] id in $CONFIG (e.g. quay-1)"
    else
        log "config: keeping $CONFIG"
    fi
    if [ ! -f "$ENV_FILE" ]; then
        install -m 0644 -o root -g root "$(shipped_file kiosk.env.in)" "$ENV_FILE"
        changed "wrote $ENV_FILE"
    fi
    # The config must load as the kiosk user will load it (exit 2 names the bad key).
    runuser -u "$USER_NAME" -- "$VENV/bin/hailong-kiosk" verify --config "$CONFIG" >/dev/null \
        || die "$CONFIG does not load (message above): fix it and re-run"
}

install_unit() {
    local unit_changed=no
    install_file "$(shipped_file "$UNIT")" "$UNIT_DIR/$UNIT" 0644 && unit_changed=yes
    if [ "$unit_changed" = yes ] && systemd_running; then
        systemctl daemon-reload
    fi
    if ! systemctl is-enabled --quiet "$UNIT" 2>/dev/null; then
        systemctl enable --quiet "$UNIT"
        changed "enabled $UNIT"
    fi
    # The kiosk owns tty1. Conflicts= in the unit stops a running getty, but at boot both would
    # be queued in one transaction and systemd would drop one of them: do not start the getty.
    if systemctl is-enabled --quiet getty@tty1.service 2>/dev/null; then
        systemctl disable --quiet getty@tty1.service
        changed "disabled getty@tty1 (a login is still on tty2: Ctrl+Alt+F2, and over SSH)"
    fi
}

systemd_running() { [ -d /run/systemd/system ]; }

# --- system settings -----------------------------------------------------------------------------

set_hostname() {
    [ -n "$HOSTNAME_NEW" ] || return 0
    if [ "$(cat /etc/hostname 2>/dev/null)" != "$HOSTNAME_NEW" ]; then
        printf '%s\n' "$HOSTNAME_NEW" >/etc/hostname
        if systemd_running; then hostname "$HOSTNAME_NEW"; fi
        changed "hostname set to $HOSTNAME_NEW (reachable as $HOSTNAME_NEW.local with mDNS)"
    fi
    if [ ! -f /etc/hosts ]; then
        printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >/etc/hosts
    fi
    if ! grep -qE "^127\.0\.1\.1[[:space:]]+$HOSTNAME_NEW\$" /etc/hosts; then
        sed -i '/^127\.0\.1\.1[[:space:]]/d' /etc/hosts
        printf '127.0.1.1\t%s\n' "$HOSTNAME_NEW" >>/etc/hosts
        changed "/etc/hosts: 127.0.1.1 $HOSTNAME_NEW"
    fi
}

set_timezone() {
    local zone=/usr/share/zoneinfo/$TIMEZONE
    [ -f "$zone" ] || die "--timezone: unknown zone $TIMEZONE"
    if [ "$(readlink /etc/localtime 2>/dev/null)" != "$zone" ]; then
        ln -sfn "$zone" /etc/localtime
        printf '%s\n' "$TIMEZONE" >/etc/timezone
        changed "time zone set to $TIMEZONE"
    fi
}

# Pi only: the console must never blank (the kiosk draws on it; a blanked panel looks dead).
set_consoleblank() {
    local cmdline=$SYSROOT/boot/firmware/cmdline.txt line new
    if [ ! -f "$cmdline" ]; then
        warn "no $cmdline (not Bookworm's layout?): add consoleblank=0 to the kernel command line by hand"
        return 0
    fi
    line=$(head -n 1 "$cmdline")
    if [[ " $line " == *" consoleblank=0 "* ]]; then
        return 0
    fi
    [ -f "$cmdline.hailong-orig" ] || cp -p "$cmdline" "$cmdline.hailong-orig"
    if [[ " $line " =~ [[:space:]]consoleblank=[^[:space:]]* ]]; then
        new=$(printf '%s\n' "$line" | sed -E 's/(^|[[:space:]])consoleblank=[^[:space:]]*/\1consoleblank=0/')
    else
        new="$line consoleblank=0"
    fi
    # One line, written then renamed (the boot partition is FAT: no half-written cmdline.txt).
    printf '%s\n' "$new" >"$cmdline.tmp"
    mv "$cmdline.tmp" "$cmdline"
    changed "consoleblank=0 added to $cmdline (takes effect at the next boot)"
}

# Pi only: a hint, not a change; Bookworm's default config.txt already has the KMS driver.
check_kms_overlay() {
    local config=$SYSROOT/boot/firmware/config.txt
    if [ -f "$config" ] && ! grep -qE '^[[:space:]]*dtoverlay=vc4-(f)?kms-v3d' "$config"; then
        warn "$config has no dtoverlay=vc4-kms-v3d: the kiosk needs the KMS display driver"
    fi
}

# write_if_differs DEST MODE: stdin becomes DEST when it differs.
write_if_differs() {
    local dest=$1 mode=$2 tmp
    tmp=$(mktemp)
    cat >"$tmp"
    if install_file "$tmp" "$dest" "$mode"; then
        rm -f "$tmp"
        return 0
    fi
    rm -f "$tmp"
    return 1
}

set_ntp() {
    [ -n "$NTP_SERVER" ] || return 0
    if write_if_differs /etc/systemd/timesyncd.conf.d/hailong.conf 0644 <<EOF
# Written by hailong's deploy/kiosk/install.sh --ntp: the office PC keeps the time for the
# kiosks (a Pi 4 has no battery clock and the LAN may have no internet).
[Time]
NTP=$NTP_SERVER
EOF
    then
        if systemd_running; then systemctl restart systemd-timesyncd || warn "could not restart systemd-timesyncd"; fi
    fi
    if systemd_running; then systemctl enable --quiet systemd-timesyncd 2>/dev/null || true; fi
}

set_journald() {
    write_if_differs /etc/systemd/journald.conf.d/hailong.conf 0644 <<'EOF' || true
# Written by hailong's deploy/kiosk/install.sh: logs stay small on the SD card.
[Journal]
SystemMaxUse=50M
EOF
}

start_kiosk() {
    if ! systemd_running; then
        log "systemd is not running here (image build or chroot): the kiosk starts at the next boot"
        return 0
    fi
    if [ "$START" = no ]; then
        log "--no-start: not starting the kiosk now"
        return 0
    fi
    if [ "$CHANGED" = yes ] || ! systemctl is-active --quiet "$UNIT"; then
        systemctl restart "$UNIT"
        log "kiosk (re)started: journalctl -u hailong-kiosk -f"
    fi
}

summary() {
    if [ "$CHANGED" = no ]; then
        log "done: nothing to change"
    else
        log "done"
    fi
    cat <<EOF
Next:
  - pair with the server: copy [api] token from $CONFIG (sudo grep token $CONFIG) into the
    server's [[kiosks]] entry for this kiosk id (docs/technician.md, "Pairing").
  - check: sudo -u $USER_NAME $VENV/bin/hailong-kiosk status --config $CONFIG
EOF
}

main() {
    parse_args "$@"
    require_root
    check_os
    resolve_source
    install_packages
    ensure_user
    ensure_dir "$DATA" 0750 "$USER_NAME:$USER_NAME"
    install_venv
    install_config
    install_unit
    set_hostname
    set_timezone
    set_ntp
    set_journald
    if is_raspberry_pi; then
        set_consoleblank
        check_kms_overlay
    fi
    start_kiosk
    summary
}

# Sourcing the file (tests) defines the functions without running anything.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    main "$@"
fi
