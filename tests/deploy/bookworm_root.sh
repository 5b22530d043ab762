#!/usr/bin/env bash
# The install test's starting point: a plain Debian 12 (Bookworm) root made with debootstrap,
# kept as a tarball under /var/cache/hailong-test/ so that only the first run downloads it
# (~3 min). Prints the tarball's path. Run as root; needs a Debian mirror.
#   HAILONG_TEST_CACHE   cache folder (default /var/cache/hailong-test)
#   HAILONG_TEST_MIRROR  Debian mirror (default http://deb.debian.org/debian)
#   HAILONG_TEST_ARCH    amd64 (default) or arm64, the Pi's: runs under qemu-user-static
#                        (binfmt_misc), much slower
set -euo pipefail

CACHE=${HAILONG_TEST_CACHE:-/var/cache/hailong-test}
MIRROR=${HAILONG_TEST_MIRROR:-http://deb.debian.org/debian}
# Like Raspberry Pi OS Lite where it matters to the installer: systemd as init, Python 3.11.
PACKAGES=systemd,systemd-sysv,dbus,python3,ca-certificates
ARCH=${HAILONG_TEST_ARCH:-amd64}
TARBALL=$CACHE/bookworm-$ARCH-base-v1.tar

work=""

cleanup() {
    [ -n "$work" ] || return 0
    # debootstrap mounts /proc and /sys inside the target: never rm -rf through a mount.
    findmnt -rn -o TARGET | { grep -F "$work/" || true; } | sort -r | while read -r mnt; do
        umount -l "$mnt" || true
    done
    rm -rf --one-file-system "$work"
}

main() {
    if [ -s "$TARBALL" ]; then
        echo "$TARBALL"
        return 0
    fi
    mkdir -p "$CACHE"
    work=$(mktemp -d "$CACHE/build.XXXXXX")
    trap cleanup EXIT
    nice debootstrap --arch="$ARCH" --variant=minbase --include="$PACKAGES" bookworm "$work/root" "$MIRROR" >&2
    rm -f "$work/root/var/cache/apt/archives/"*.deb
    tar -C "$work/root" --numeric-owner -cf "$work/base.tar" .
    mv "$work/base.tar" "$TARBALL"  # appears only when complete
    echo "$TARBALL"
}

main "$@"
