#!/bin/sh
# Debian packages that the demo and the tests need: a virtual X display (the kiosk under
# Xvfb), Mesa GL for Kivy, xdotool for real input events, and python3-venv.
# As root: installs what is missing. Otherwise: prints the one apt command to run.
set -eu

# The deploy tests need shellcheck and systemd-analyze (package systemd) to check the scripts
# and units, debootstrap to build the throw-away Debian roots the installers are tried in, and
# systemd-nspawn (systemd-container) to boot them with systemd to run the installed units.
# The web tests drive Debian's chromium headless (Playwright, no browser download). The report
# tests render each signed DOCX to PDF with LibreOffice (without a GUI) and read the pages back
# with poppler (pdftotext, pdftoppm); Liberation fonts stand in for Times New Roman.
PKGS="xvfb xdotool x11-utils imagemagick libgl1 libgl1-mesa-dri libegl1 libmtdev1 shellcheck systemd systemd-container debootstrap chromium libreoffice-writer-nogui poppler-utils fonts-liberation"

missing=""
for pkg in $PKGS; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing="$missing $pkg"
done
if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    missing="$missing python3-venv"
fi
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "sysdeps: not a Debian system; install the equivalents of:$missing" >&2
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "sysdeps: missing Debian packages; run: sudo apt-get install -y$missing" >&2
    exit 0
fi
echo "sysdeps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
