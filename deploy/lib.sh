#!/usr/bin/env bash
# hailong's installer helpers, in one place: sourced by deploy/kiosk/install.sh and
# deploy/server/install.sh (and deploy/kiosk/bundle.sh, which also puts a copy next to the
# bundle's install.sh). Not run on its own; a fix here reaches both installers. What only one
# installer does stays in that installer.
#
# The sourcing script sets SCRIPT_DIR (its own folder: shipped_file and resolve_source look there)
# and, if its messages are not the installers' "hailong-install: ...", LOG_TAG. Its options then
# change the defaults below (SOURCE, START, REINSTALL, FORCE: common_option).

SCRIPT_DIR=${SCRIPT_DIR:?the script that sources lib.sh sets SCRIPT_DIR to its own folder}
LOG_TAG=${LOG_TAG:-hailong-install}

# The layout both installers share on the machine.
readonly PREFIX=/opt/hailong
readonly VENV=$PREFIX/venv
readonly STAMP=$PREFIX/.installed-from
# shellcheck disable=SC2034 # the installers' config files are under it
readonly ETC=/etc/hailong
readonly UNIT_DIR=/etc/systemd/system
# The account hailong runs as (its home, groups and data folder are the installer's to say).
readonly USER_NAME=hailong

# Test hook (tests/deploy): another os-release to judge.
OS_RELEASE=${HAILONG_OS_RELEASE:-/etc/os-release}

SOURCE=""      # where hailong comes from (the SOURCE argument), made absolute by resolve_source
SOURCE_KIND="" # tree, wheel or bundle: set by resolve_source
START=yes      # --no-start: no
REINSTALL=no   # --reinstall: yes
FORCE=no       # --force: yes
CHANGED=no     # yes once anything on the machine was changed (then the service is restarted)

# --- messages ------------------------------------------------------------------------------------

log() { printf '%s: %s\n' "$LOG_TAG" "$*"; }
warn() { printf '%s: WARNING: %s\n' "$LOG_TAG" "$*" >&2; }
die() {
    printf '%s: ERROR: %s\n' "$LOG_TAG" "$*" >&2
    exit 1
}
# changed MESSAGE: something on the machine changed; say what.
changed() {
    CHANGED=yes
    log "$*"
}

# The last line of a run: what the tests (and a technician re-running it) look for.
log_done() {
    if [ "$CHANGED" = no ]; then
        log "done: nothing to change"
    else
        log "done"
    fi
}

# --- options and checks ---------------------------------------------------------------------------

# common_option ARG: the options (and the SOURCE argument) every installer takes; each is one word.
# The caller's parse_args handles its own options first and gives the rest to this.
common_option() {
    case $1 in
        --no-start) START=no ;;
        --reinstall) REINSTALL=yes ;;
        --force) FORCE=yes ;;
        -h | --help) usage; exit 0 ;;
        -*) usage >&2; die "unknown option: $1" ;;
        *) [ -z "$SOURCE" ] || die "only one SOURCE, got '$SOURCE' and '$1'"; SOURCE=$1 ;;
    esac
}

require_root() {
    [ "$(id -u)" -eq 0 ] || die "run as root: sudo $0"
}

# unsupported REFUSAL [WARNING]: this system is not one the installer supports: stop with REFUSAL,
# unless --force, which goes on with WARNING (default: REFUSAL).
unsupported() {
    [ "$FORCE" = yes ] || die "$1"
    warn "${2:-$1} (--force)"
}

# os_field NAME: one field of os-release, unquoted (the file is shell syntax, but is not sourced).
os_field() {
    sed -n "s/^$1=//p" "$OS_RELEASE" | head -n 1 | tr -d '"'"'"
}

systemd_running() { [ -d /run/systemd/system ]; }

# --- where hailong comes from ---------------------------------------------------------------------

# resolve_source KIND...: sets SOURCE_KIND (tree, wheel or bundle: one of the KINDs this installer
# takes) and SOURCE (absolute). Without a SOURCE: the source tree this script is in, else (if
# bundle is a KIND) the bundle folder it is in. A bundle's SHA256SUMS is checked here, before
# anything is installed from it.
resolve_source() {
    local kinds=" $* "
    if [ -z "$SOURCE" ]; then
        if [ -f "$SCRIPT_DIR/../../pyproject.toml" ]; then
            SOURCE=$SCRIPT_DIR/../..
        elif [[ $kinds == *" bundle "* ]] && [ -d "$SCRIPT_DIR/wheels" ]; then
            SOURCE=$SCRIPT_DIR
        else
            die "no SOURCE given and none around this script: pass $(source_kinds "$@")"
        fi
    fi
    [ -e "$SOURCE" ] || die "SOURCE not found: $SOURCE"
    SOURCE=$(realpath "$SOURCE")
    if [ -d "$SOURCE/wheels" ]; then
        SOURCE_KIND=bundle
    elif [ -f "$SOURCE/pyproject.toml" ]; then
        SOURCE_KIND=tree
    elif [ -f "$SOURCE" ] && [[ $SOURCE == *.whl ]]; then
        SOURCE_KIND=wheel
    else
        SOURCE_KIND=""
    fi
    if [ -z "$SOURCE_KIND" ] || [[ $kinds != *" $SOURCE_KIND "* ]]; then
        die "SOURCE must be $(source_kinds "$@"): $SOURCE"
    fi
    if [ "$SOURCE_KIND" = bundle ] && [ -f "$SOURCE/SHA256SUMS" ]; then
        # A USB copy can be damaged or incomplete: check before installing anything from it.
        (cd "$SOURCE" && sha256sum --quiet --strict -c SHA256SUMS) \
            || die "the bundle in $SOURCE is damaged or incomplete (SHA256SUMS): copy it again"
    fi
    log "source: $SOURCE ($SOURCE_KIND)"
}

# source_kinds KIND...: the KINDs in words, for a message.
source_kinds() {
    local kind word text=""
    for kind in "$@"; do
        case $kind in
            tree) word="a hailong source tree" ;;
            wheel) word="a hailong-*.whl" ;;
            bundle) word="an offline bundle folder (bundle.sh)" ;;
        esac
        text+="${text:+ or }$word"
    done
    printf '%s\n' "$text"
}

# shipped_file NAME: a file that ships with the installer: next to it (a bundle, a copied
# installer) or in the source tree (units under systemd/).
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

# copy_source_tree FROM TO: the source tree without what a checkout or a build leaves in it, for
# pip to build from (pip would otherwise write build/ and *.egg-info into FROM).
copy_source_tree() {
    tar -C "$1" --exclude=./.git --exclude=./.venv --exclude=./var --exclude=./build \
        --exclude='*.egg-info' --exclude=./test-output -cf - . | tar -C "$2" -xf -
}

# --- packages, users, folders, files --------------------------------------------------------------

# missing_packages PACKAGE...: those not installed, one a line.
missing_packages() {
    local pkg status
    for pkg in "$@"; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        [ "$status" = "install ok installed" ] || printf '%s\n' "$pkg"
    done
}

# ensure_packages PACKAGE...: installs the missing ones, from a bundle's debs/ when the source is
# a bundle that has them (offline), else with apt; fails if any is still missing afterwards.
ensure_packages() {
    local missing
    mapfile -t missing < <(missing_packages "$@")
    if [ ${#missing[@]} -eq 0 ]; then
        log "packages: all $# present"
        return 0
    fi
    export DEBIAN_FRONTEND=noninteractive
    if [ "$SOURCE_KIND" = bundle ] && compgen -G "$SOURCE/debs/*.deb" >/dev/null; then
        # Offline: the bundle's .debs (apt resolves the order among them), checked against
        # SHA256SUMS already. apt reads them as root: its unprivileged _apt user cannot reach a
        # bundle in a folder only root may enter (/root, a 0700 home), and apt then fails.
        changed "packages: installing ${missing[*]} from $SOURCE/debs"
        apt-get install -y -q --no-install-recommends -o APT::Sandbox::User=root "$SOURCE"/debs/*.deb
    else
        changed "packages: installing ${missing[*]}"
        apt-get update -q
        apt-get install -y -q --no-install-recommends "${missing[@]}"
    fi
    mapfile -t missing < <(missing_packages "$@")
    [ ${#missing[@]} -eq 0 ] || die "packages still missing after apt-get: ${missing[*]}"
}

# ensure_user HOME COMMENT [GROUP...]: USER_NAME as a system user (its own group, no login, HOME
# not made here) that is also in each GROUP; a missing GROUP is made a system group.
ensure_user() {
    local home=$1 comment=$2 group
    shift 2
    for group in "$@"; do
        getent group "$group" >/dev/null || { groupadd --system "$group"; changed "group $group created"; }
    done
    if ! getent passwd "$USER_NAME" >/dev/null; then
        useradd --system --user-group --home-dir "$home" --no-create-home \
            --shell /usr/sbin/nologin --comment "$comment" "$USER_NAME"
        changed "user $USER_NAME created"
    fi
    local have missing=()
    have=" $(id -nG "$USER_NAME") "
    for group in "$@"; do
        [[ $have == *" $group "* ]] || missing+=("$group")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        usermod -a -G "$(IFS=,; echo "${missing[*]}")" "$USER_NAME"
        changed "user $USER_NAME added to ${missing[*]}"
    fi
}

# ensure_dir PATH MODE OWNER:GROUP: the folder exists with that mode and owner.
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

# install_file SRC DEST MODE [OWNER:GROUP]: copy only when the content, mode or owner (default
# root:root) differs, so that a re-run changes nothing. True when it wrote DEST.
install_file() {
    local src=$1 dest=$2 mode=$3 owner=${4:-root:root}
    if [ -f "$dest" ] && cmp -s "$src" "$dest" \
        && [ "$(stat -c '%a %U:%G' "$dest")" = "${mode#0} $owner" ]; then
        return 1
    fi
    install -D -m "$mode" -o "${owner%%:*}" -g "${owner##*:}" "$src" "$dest"
    changed "installed $dest"
}

# write_if_differs DEST MODE [OWNER:GROUP]: stdin becomes DEST when it differs (as install_file).
write_if_differs() {
    local tmp rc=1
    tmp=$(mktemp)
    cat >"$tmp"
    if install_file "$tmp" "$@"; then rc=0; fi
    rm -f "$tmp"
    return "$rc"
}

# --- the application -------------------------------------------------------------------------------

# source_fingerprint EXTRAS: a fingerprint of what would be installed (same = nothing to reinstall).
source_fingerprint() {
    {
        "$VENV/bin/python" -c 'import sys; print(sys.version)'
        echo "kind=$SOURCE_KIND extras=$1"
        case $SOURCE_KIND in
            tree)
                (cd "$SOURCE" && find pyproject.toml kiosk sync_server -type f \
                    ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) ;;
            wheel) sha256sum "$SOURCE" ;;
            bundle) (cd "$SOURCE/wheels" && find . -name '*.whl' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) ;;
        esac
    } | sha256sum | cut -d' ' -f1
}

# install_venv EXTRAS COMMAND [VENV_OPTION...]: hailong[EXTRAS] from SOURCE into VENV (made with
# `python3 -m venv VENV_OPTION...`), unless the same source is already installed and COMMAND
# (the installed entry point, e.g. hailong-kiosk) runs.
install_venv() {
    local extras=$1 command=$2
    shift 2
    ensure_dir "$PREFIX" 0755 root:root
    local py_now="" py_sys
    py_sys=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    if [ -x "$VENV/bin/python" ]; then
        py_now=$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true)
    fi
    if [ "$py_now" != "$py_sys" ]; then
        # Missing, broken, or made by another Python (an OS upgrade): start a fresh one.
        rm -rf "$VENV"
        python3 -m venv "$@" "$VENV"
        changed "venv created at $VENV (Python $py_sys)"
    fi
    local fingerprint
    fingerprint=$(source_fingerprint "$extras")
    if [ "$REINSTALL" = no ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$fingerprint" ] \
        && "$VENV/bin/$command" --version >/dev/null 2>&1; then
        log "hailong: up to date ($("$VENV/bin/$command" --version))"
        return 0
    fi
    local pip=("$VENV/bin/python" -m pip install --no-input --disable-pip-version-check --quiet)
    case $SOURCE_KIND in
        tree)
            local build
            build=$(mktemp -d)
            copy_source_tree "$SOURCE" "$build"
            "${pip[@]}" "${build}[$extras]"
            rm -rf "$build" ;;
        wheel) "${pip[@]}" "${SOURCE}[$extras]" ;;
        bundle) "${pip[@]}" --no-index --find-links "$SOURCE/wheels" "hailong[$extras]" ;;
    esac
    "$VENV/bin/$command" --version >/dev/null || die "$command does not run after pip install"
    printf '%s\n' "$fingerprint" >"$STAMP"
    changed "hailong installed: $("$VENV/bin/$command" --version)"
}

# --- systemd ---------------------------------------------------------------------------------------

# install_units UNIT...: the shipped unit files into UNIT_DIR (systemd told when one changed).
install_units() {
    local unit units_changed=no
    for unit in "$@"; do
        if install_file "$(shipped_file "$unit")" "$UNIT_DIR/$unit" 0644; then units_changed=yes; fi
    done
    if [ "$units_changed" = yes ] && systemd_running; then systemctl daemon-reload; fi
}

# enable_units UNIT...: each enabled (started at boot), if it is not already.
enable_units() {
    local unit
    for unit in "$@"; do
        if ! systemctl is-enabled --quiet "$unit" 2>/dev/null; then
            systemctl enable --quiet "$unit"
            changed "enabled $unit"
        fi
    done
}

# restart_if_running SERVICE: after its config changed; a failure is a warning, not the end.
restart_if_running() {
    if systemd_running; then systemctl restart "$1" || warn "could not restart $1"; fi
}

# start_service UNIT NAME: (re)start UNIT now if anything changed or it is not running. False when
# it is not started now: no systemd here (an image build, a chroot) or --no-start.
start_service() {
    local unit=$1 name=$2
    if ! systemd_running; then
        log "systemd is not running here (image build, chroot or container): the $name starts at the next boot"
        return 1
    fi
    if [ "$START" = no ]; then
        log "--no-start: not starting the $name now"
        return 1
    fi
    if [ "$CHANGED" = yes ] || ! systemctl is-active --quiet "$unit"; then
        systemctl restart "$unit"
        log "$name (re)started: journalctl -u ${unit%.service} -f"
    fi
}
