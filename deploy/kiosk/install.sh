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

# The helpers both installers share (lib.sh): next to this script (the offline bundle, a copied
# installer), else deploy/lib.sh in the source tree.
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$SCRIPT_DIR/$([ -f "$SCRIPT_DIR/lib.sh" ] || echo ../)lib.sh"

readonly UNIT=hailong-kiosk.service
readonly CONFIG=$ETC/kiosk.toml
readonly ENV_FILE=$ETC/kiosk.env
readonly DATA=/var/lib/hailong
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

# Test hooks (tests/deploy): a different root for the Pi files, a forced answer to "is this a Pi?"
# (and HAILONG_OS_RELEASE, in lib.sh).
SYSROOT=${HAILONG_SYSROOT:-}

KIOSK_ID=""
HOSTNAME_NEW=""
NTP_SERVER=""
ROTATION=0
TIMEZONE=Asia/Ho_Chi_Minh

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
            *) common_option "$1"; shift ;;
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

check_os() {
    [ -r "$OS_RELEASE" ] || die "cannot read $OS_RELEASE: is this Raspberry Pi OS / Debian?"
    local codename id
    codename=$(os_field VERSION_CODENAME)
    id=$(os_field ID)
    case $codename in
        bookworm) ;;
        trixie)
            unsupported "this is ${id:-?} Trixie (Debian 13). hailong is installed and \
tested on Raspberry Pi OS Lite 64-bit Bookworm: flash 'Raspberry Pi OS (Legacy, 64-bit) Lite' \
(Bookworm) with Raspberry Pi Imager, or re-run with --force to try Trixie anyway (untested)." \
                "Trixie is not tested" ;;
        *)
            unsupported "unsupported OS '${id:-?} ${codename:-?}': use Raspberry Pi OS \
Lite 64-bit Bookworm (or --force to try anyway)" "unsupported OS '${id:-?} ${codename:-?}'" ;;
    esac
    local arch
    arch=$(dpkg --print-architecture)
    if is_raspberry_pi; then
        [ "$arch" = arm64 ] || unsupported "this is the $arch (32-bit) OS: flash the \
64-bit Raspberry Pi OS Lite (Kivy's wheels are for 64-bit)." "the $arch (32-bit) OS is not supported"
    else
        case $arch in
            arm64 | amd64) log "not a Raspberry Pi ($arch): the Pi-only steps are skipped" ;;
            *) unsupported "unsupported architecture $arch (arm64 or amd64)" ;;
        esac
    fi
}

# --- packages ------------------------------------------------------------------------------------

# sound_enabled CONFIG: whether the config's [sound] table turns the tone or the voice on.
sound_enabled() {
    [ -f "$1" ] && awk '
        /^[[:space:]]*\[/ { in_sound = ($0 ~ /^[[:space:]]*\[sound\][[:space:]]*(#.*)?$/) }
        in_sound && /^[[:space:]]*(confirm|speak)[[:space:]]*=[[:space:]]*true/ { found = 1 }
        END { exit !found }' "$1"
}

install_packages() {
    local wanted=("${PACKAGES[@]}")
    if is_raspberry_pi; then
        wanted+=("${PI_PACKAGES[@]}")
    fi
    if sound_enabled "$CONFIG"; then
        wanted+=("${SOUND_PACKAGES[@]}")
    fi
    ensure_packages "${wanted[@]}"
}

# --- the application ------------------------------------------------------------------------------

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
    install_units "$UNIT"
    enable_units "$UNIT"
    # The kiosk owns tty1. Conflicts= in the unit stops a running getty, but at boot both would
    # be queued in one transaction and systemd would drop one of them: do not start the getty.
    if systemctl is-enabled --quiet getty@tty1.service 2>/dev/null; then
        systemctl disable --quiet getty@tty1.service
        changed "disabled getty@tty1 (a login is still on tty2: Ctrl+Alt+F2, and over SSH)"
    fi
}

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

set_ntp() {
    [ -n "$NTP_SERVER" ] || return 0
    if write_if_differs /etc/systemd/timesyncd.conf.d/hailong.conf 0644 <<EOF
# Written by hailong's deploy/kiosk/install.sh --ntp: the office PC keeps the time for the
# kiosks (a Pi 4 has no battery clock and the LAN may have no internet).
[Time]
NTP=$NTP_SERVER
EOF
    then
        restart_if_running systemd-timesyncd
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

summary() {
    log_done
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
    resolve_source tree wheel bundle
    install_packages
    # gpio exists on Raspberry Pi OS (udev gives it /dev/gpiochip*); elsewhere it is made.
    ensure_user "$DATA" "hailong kiosk" "${GROUPS_NEEDED[@]}"
    ensure_dir "$DATA" 0750 "$USER_NAME:$USER_NAME"
    # System site-packages: lgpio comes from apt (python3-lgpio), not from PyPI.
    install_venv kiosk hailong-kiosk --system-site-packages
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
    start_service "$UNIT" kiosk || true
    summary
}

# Sourcing the file (tests) defines the functions without running anything.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    main "$@"
fi
