#!/usr/bin/env bash
# hailong kiosk: an offline bundle, for kiosks on a LAN without internet.
#
#   deploy/kiosk/bundle.sh [--out DIR] [--arch arm64|amd64] [--wheels-only | --debs-only]
#
# Makes a folder to copy to a USB stick; on the kiosk: sudo DIR/install.sh (no internet needed).
#   wheels/   hailong and every Python dependency as wheels for the kiosk (aarch64, CPython 3.11)
#   debs/     the Debian packages a fresh card is missing (see below)
#   install.sh, lib.sh, kiosk.toml.in, kiosk.env.in, hailong-kiosk.service, SHA256SUMS
#
# Wheels: made on any PC with internet (pip download for another platform, binary wheels only).
# .debs: apt can only work out what a *fresh* card is missing on that card itself, and only for
# its own architecture (and python3-lgpio is in Raspberry Pi's archive, not Debian's). So run
#   sudo deploy/kiosk/bundle.sh --debs-only --out DIR
# once on a freshly flashed Pi with internet (same image as the kiosks: Pi OS Lite 64-bit
# Bookworm) and the wheels part on a PC into the same DIR. Without debs/, install.sh uses apt
# (a mirror or internet). Nothing here is downloaded without a checksum check by pip/apt.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOG_TAG=hailong-bundle
# The installers' helpers (log, die, copy_source_tree); the bundle carries a copy for install.sh.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$SCRIPT_DIR/../lib.sh"
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
OUT=""
WORK=""
ARCH=arm64
PYTHON_VERSION=3.11   # Bookworm's python3
DO_WHEELS=yes
DO_DEBS=yes
# Debian Bookworm has glibc 2.36: any manylinux wheel up to 2_36 runs there.
GLIBC_TAGS=(2_17 2_24 2_28 2_31 2_34 2_35 2_36)

# The comment at the top of this file.
usage() {
    sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"
}

parse_args() {
    while [ $# -gt 0 ]; do
        case $1 in
            --out) OUT=${2:?--out needs a folder}; shift 2 ;;
            --arch) ARCH=${2:?--arch needs arm64 or amd64}; shift 2 ;;
            --wheels-only) DO_DEBS=no; shift ;;
            --debs-only) DO_WHEELS=no; shift ;;
            -h | --help) usage; exit 0 ;;
            *) die "unknown argument: $1 (see --help)" ;;
        esac
    done
    case $ARCH in
        arm64) PIP_ARCH=aarch64 ;;
        amd64) PIP_ARCH=x86_64 ;; # for testing on a PC (tests/deploy)
        *) die "--arch must be arm64 or amd64" ;;
    esac
    OUT=${OUT:-$REPO/var/bundle-$ARCH}
    mkdir -p "$OUT"
    OUT=$(cd "$OUT" && pwd)
}

copy_installer() {
    install -m 0755 "$SCRIPT_DIR/install.sh" "$OUT/install.sh"
    install -m 0644 "$SCRIPT_DIR/../lib.sh" "$OUT/lib.sh"
    install -m 0644 "$SCRIPT_DIR/kiosk.toml.in" "$SCRIPT_DIR/kiosk.env.in" "$OUT/"
    install -m 0644 "$REPO/systemd/hailong-kiosk.service" "$OUT/"
}

make_wheels() {
    WORK=$(mktemp -d)
    local tmp=$WORK
    python3 -m venv "$tmp/venv" || die "python3 -m venv failed: install python3-venv"
    local pip=("$tmp/venv/bin/python" -m pip --disable-pip-version-check --no-input)
    "${pip[@]}" install --quiet --upgrade pip
    mkdir -p "$OUT/wheels"
    rm -f "$OUT"/wheels/hailong-*.whl
    # hailong itself: pure Python, built from a copy of this tree (pip writes build/ into it).
    mkdir "$tmp/src"
    copy_source_tree "$REPO" "$tmp/src"
    "${pip[@]}" wheel --quiet --no-deps --wheel-dir "$OUT/wheels" "$tmp/src"
    local platforms=() tag
    for tag in "${GLIBC_TAGS[@]}"; do platforms+=(--platform "manylinux_${tag}_${PIP_ARCH}"); done
    platforms+=(--platform "manylinux2014_${PIP_ARCH}" --platform "linux_${PIP_ARCH}")
    # Every dependency for the kiosk's Python, binary wheels only (no compiler on the Pi).
    "${pip[@]}" download --quiet --dest "$OUT/wheels" --find-links "$OUT/wheels" \
        --only-binary=:all: "${platforms[@]}" --implementation cp \
        --python-version "$PYTHON_VERSION" "hailong[kiosk]"
    log "wheels: $(find "$OUT/wheels" -name '*.whl' | wc -l) in $OUT/wheels"
}

make_debs() {
    [ "$(id -u)" -eq 0 ] || die "--debs needs root (apt-get): sudo $0 --debs-only --out $OUT"
    local here
    here=$(dpkg --print-architecture)
    if [ "$here" != "$ARCH" ]; then
        cat >&2 <<EOF
$LOG_TAG: not downloading .debs: this machine is $here, the kiosk is $ARCH.
  apt can only resolve what a fresh kiosk card is missing on such a card. Run, once, on a
  freshly flashed Pi with internet (same image as the kiosks):
    sudo deploy/kiosk/bundle.sh --debs-only --out <this bundle folder>
  Without debs/, install.sh installs the packages with apt (internet or a local mirror).
EOF
        return 0
    fi
    # The package list is the installer's own (one place to change it).
    local packages=()
    mapfile -t packages < <(bash -c 'source "$1"; printf "%s\n" "${PACKAGES[@]}"; if is_raspberry_pi; then printf "%s\n" "${PI_PACKAGES[@]}"; fi' _ "$SCRIPT_DIR/install.sh")
    mkdir -p "$OUT/debs/partial"
    apt-get update -q
    # --download-only: what this (fresh) system is missing, with dependencies, into debs/.
    apt-get install -y -q --no-install-recommends --download-only \
        -o Dir::Cache::archives="$OUT/debs" "${packages[@]}"
    rmdir "$OUT/debs/partial" 2>/dev/null || rm -rf "$OUT/debs/partial"
    log "debs: $(find "$OUT/debs" -name '*.deb' | wc -l) in $OUT/debs, for this image only:" \
        "$(sed -n 's/^PRETTY_NAME=//p' /etc/os-release | tr -d '"')"
}

checksums() {
    local sums
    sums=$(mktemp)
    (cd "$OUT" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum) >"$sums"
    install -m 0644 "$sums" "$OUT/SHA256SUMS"
    rm -f "$sums"
    log "bundle ready: $OUT (copy the whole folder; on the kiosk: sudo <folder>/install.sh)"
}

cleanup() {
    if [ -n "$WORK" ]; then rm -rf "$WORK"; fi
}

main() {
    trap cleanup EXIT
    parse_args "$@"
    copy_installer
    if [ "$DO_WHEELS" = yes ]; then make_wheels; fi
    if [ "$DO_DEBS" = yes ]; then make_debs; fi
    checksums
}

main "$@"
