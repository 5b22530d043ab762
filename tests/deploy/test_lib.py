"""deploy/lib.sh, the helpers both installers share: that each installer really takes them from
lib.sh (in the tree, and from a flat copy as in the offline bundle), and what they do, the same
through either installer (no root needed: files are owned by whoever runs the tests).
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.support import DEPLOY_DIR, ROOT, sourced

LIB = DEPLOY_DIR / "lib.sh"
INSTALLERS = {"kiosk": DEPLOY_DIR / "kiosk/install.sh", "server": DEPLOY_DIR / "server/install.sh"}
ME = f"{pwd.getpwuid(os.getuid()).pw_name}:{grp.getgrgid(os.getgid()).gr_name}"


def lib_functions() -> list[str]:
    names = re.findall(r"^([a-z_]+)\(\) \{", LIB.read_text(), re.M)
    assert len(names) > 20  # the parse found them
    return names


@pytest.fixture(params=sorted(INSTALLERS), ids=lambda name: f"via-{name}")
def installer(request) -> Path:
    """Each test below runs once through each installer: lib.sh behaves the same for both."""
    return INSTALLERS[request.param]


def where_defined(script: Path, names: list[str]) -> dict[str, str]:
    """{function: the file (resolved) bash took its definition from}, after sourcing `script`."""
    out = sourced(script, f"shopt -s extdebug; declare -F {' '.join(names)}")
    assert out.returncode == 0, out.stderr
    found = {name: os.path.realpath(file) for name, _line, file in
             (line.split(" ", 2) for line in out.stdout.splitlines())}
    assert set(found) == set(names), out.stdout
    return found


# --- each installer sources lib.sh --------------------------------------------------------------

def test_each_installer_takes_every_shared_helper_from_lib_sh(installer):
    """No installer keeps (or gets back) its own copy: bash would take the later definition."""
    names = lib_functions()
    assert {"log", "die", "install_file", "write_if_differs", "ensure_dir", "resolve_source",
            "install_venv"} <= set(names)
    assert set(where_defined(installer, names).values()) == {str(LIB)}
    own = re.findall(r"^([a-z_]+)\(\) \{", installer.read_text(), re.M)
    assert own and not set(own) & set(names)


def test_the_bundle_layout_takes_lib_sh_from_next_to_install_sh(tmp_path):
    """As bundle.sh lays it out (flat), with no source tree around: lib.sh next to install.sh."""
    for name in ("kiosk/install.sh", "lib.sh", "kiosk/kiosk.toml.in"):
        shutil.copy(DEPLOY_DIR / name, tmp_path)
    shutil.copy(ROOT / "systemd/hailong-kiosk.service", tmp_path)
    (tmp_path / "wheels").mkdir()
    script = tmp_path / "install.sh"
    assert set(where_defined(script, ["install_file", "shipped_file"]).values()) == {str(tmp_path / "lib.sh")}
    out = sourced(script, "resolve_source tree wheel bundle; shipped_file hailong-kiosk.service; "
                          "shipped_file kiosk.toml.in")
    assert out.returncode == 0, out.stderr
    assert f"source: {tmp_path} (bundle)" in out.stdout
    assert out.stdout.splitlines()[-2:] == [str(tmp_path / "hailong-kiosk.service"),
                                            str(tmp_path / "kiosk.toml.in")]
    helped = subprocess.run(["bash", str(script), "--help"], capture_output=True, text=True)
    assert helped.returncode == 0 and "Usage:" in helped.stdout


@pytest.mark.parametrize("name", sorted(INSTALLERS))
def test_an_installer_copied_without_lib_sh_stops_at_once(tmp_path, name):
    shutil.copy(INSTALLERS[name], tmp_path / "install.sh")
    result = subprocess.run(["bash", str(tmp_path / "install.sh"), "--help"], capture_output=True, text=True)
    assert result.returncode == 1 and "lib.sh: No such file" in result.stderr
    assert "Usage:" not in result.stdout


# --- messages and options ---------------------------------------------------------------------------

def test_messages_carry_the_installer_prefix(installer):
    out = sourced(installer, "log hello; warn careful; echo CHANGED=$CHANGED; changed wrote x; "
                             "echo CHANGED=$CHANGED; log_done; die broken; echo never")
    assert out.returncode == 1
    assert out.stdout.splitlines() == ["hailong-install: hello", "CHANGED=no", "hailong-install: wrote x",
                                       "CHANGED=yes", "hailong-install: done"]
    assert out.stderr.splitlines() == ["hailong-install: WARNING: careful", "hailong-install: ERROR: broken"]
    assert sourced(installer, "log_done").stdout == "hailong-install: done: nothing to change\n"


def test_the_bundle_script_has_its_own_prefix():
    out = subprocess.run(["bash", str(DEPLOY_DIR / "kiosk/bundle.sh"), "--arch", "sparc"],
                         capture_output=True, text=True)
    assert out.returncode == 1 and out.stderr == "hailong-bundle: ERROR: --arch must be arm64 or amd64\n"


def test_the_common_options(installer):
    show = 'echo "$START $REINSTALL $FORCE $SOURCE"'
    assert sourced(installer, f"parse_args; {show}").stdout == "yes no no \n"
    out = sourced(installer, f"parse_args --no-start --reinstall --force /src; {show}")
    assert out.stdout == "no yes yes /src\n"
    unknown = sourced(installer, "parse_args --colour blue")
    assert unknown.returncode == 1 and "unknown option: --colour" in unknown.stderr
    assert "Usage:" in unknown.stderr
    two = sourced(installer, "parse_args a b")
    assert two.returncode == 1 and "only one SOURCE, got 'a' and 'b'" in two.stderr


def test_unsupported_stops_unless_forced(installer):
    refused = sourced(installer, "unsupported 'too old: upgrade' 'too old'; echo went on")
    assert refused.returncode == 1 and "ERROR: too old: upgrade" in refused.stderr
    assert "went on" not in refused.stdout
    forced = sourced(installer, "FORCE=yes; unsupported 'too old: upgrade' 'too old'; echo went on")
    assert forced.returncode == 0 and forced.stdout == "went on\n"
    assert forced.stderr == "hailong-install: WARNING: too old (--force)\n"


def test_os_field_unquotes(installer, tmp_path):
    release = tmp_path / "os-release"
    release.write_text('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID=\'12\'\n')
    out = sourced(installer, "os_field PRETTY_NAME; os_field ID; os_field NOPE; os_field VERSION_ID",
                  env={"HAILONG_OS_RELEASE": str(release)})
    assert out.stdout.splitlines() == ["Debian GNU/Linux 12 (bookworm)", "debian", "12"]  # NOPE: nothing


# --- files and folders -------------------------------------------------------------------------------

def state(path: Path) -> tuple[str, str, int]:
    st = path.stat()
    return oct(st.st_mode & 0o7777), path.read_text() if path.is_file() else "", st.st_mtime_ns


WROTE = ('if install_file "$SRC" "$DEST" "$MODE" "$OWNER"; then echo wrote $CHANGED; '
         'else echo same $CHANGED; fi')


def test_install_file_writes_only_what_differs(installer, tmp_path):
    src, dest = tmp_path / "src", tmp_path / "etc/deep/dest"
    src.write_text("one\n")
    env = {"SRC": str(src), "DEST": str(dest), "MODE": "0640", "OWNER": ME}
    first = sourced(installer, WROTE, env=env)
    assert first.stdout.splitlines() == [f"hailong-install: installed {dest}", "wrote yes"], first.stderr
    assert state(dest)[:2] == ("0o640", "one\n")  # and the missing folders were made
    before = state(dest)
    assert sourced(installer, WROTE, env=env).stdout == "same no\n"
    assert state(dest) == before  # not even touched
    src.write_text("two\n")
    assert sourced(installer, WROTE, env=env).stdout.endswith("wrote yes\n")
    assert state(dest)[:2] == ("0o640", "two\n")
    dest.chmod(0o666)  # same content, another mode
    assert sourced(installer, WROTE, env=env).stdout.endswith("wrote yes\n")
    assert state(dest)[:2] == ("0o640", "two\n")
    assert sourced(installer, WROTE, env={**env, "MODE": "0644"}).stdout.endswith("wrote yes\n")
    assert state(dest)[0] == "0o644"


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a file's owner needs root")
def test_install_file_gives_a_file_back_to_root(installer, tmp_path):
    """The default owner is root:root; a right file with another owner is put right."""
    src, dest = tmp_path / "src", tmp_path / "dest"
    src.write_text("x\n")
    shutil.copy(src, dest)
    dest.chmod(0o644)
    os.chown(dest, 65534, 65534)
    out = sourced(installer, f'install_file "{src}" "{dest}" 0644 && echo wrote')
    assert out.stdout.endswith("wrote\n") and (dest.stat().st_uid, dest.stat().st_gid) == (0, 0)
    again = sourced(installer, f'install_file "{src}" "{dest}" 0644 || echo same')
    assert again.stdout == "same\n"


def test_write_if_differs_and_leaves_no_temporary_file(installer, tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    dest = tmp_path / "conf.d/hailong.conf"
    code = (f'if printf "$TEXT" | write_if_differs "{dest}" 0644 {ME}; then echo wrote; else echo same; fi')

    def write(text: str) -> str:
        out = sourced(installer, code, env={"TEXT": text, "TMPDIR": str(temp)})
        assert out.returncode == 0, out.stderr
        return out.stdout.splitlines()[-1]

    assert write("[Time]\\nNTP=a\\n") == "wrote"
    assert dest.read_text() == "[Time]\nNTP=a\n" and state(dest)[0] == "0o644"
    assert write("[Time]\\nNTP=a\\n") == "same"
    assert write("[Time]\\nNTP=b\\n") == "wrote"
    assert dest.read_text() == "[Time]\nNTP=b\n"
    assert list(temp.iterdir()) == []


def test_ensure_dir_makes_and_mends_modes(installer, tmp_path):
    path = tmp_path / "data"
    code = f'ensure_dir "{path}" "$MODE" {ME}; echo CHANGED=$CHANGED'
    made = sourced(installer, code, env={"MODE": "0750"})
    assert made.stdout.splitlines() == [f"hailong-install: created {path}", "CHANGED=yes"], made.stderr
    assert path.is_dir() and oct(path.stat().st_mode & 0o7777) == "0o750"
    assert sourced(installer, code, env={"MODE": "0750"}).stdout == "CHANGED=no\n"
    path.chmod(0o777)
    fixed = sourced(installer, code, env={"MODE": "0750"})
    assert fixed.stdout.splitlines() == [f"hailong-install: fixed owner/mode of {path}", "CHANGED=yes"]
    assert oct(path.stat().st_mode & 0o7777) == "0o750"
    assert sourced(installer, code, env={"MODE": "0700"}).stdout.endswith("CHANGED=yes\n")
    assert oct(path.stat().st_mode & 0o7777) == "0o700"


# --- where hailong comes from ----------------------------------------------------------------------

def bundle(folder: Path, damaged: bool = False) -> Path:
    (folder / "wheels").mkdir(parents=True)
    wheel = folder / "wheels/hailong-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"a wheel")
    sums = subprocess.run(["sha256sum", "wheels/hailong-0.1.0-py3-none-any.whl"], cwd=folder,
                          capture_output=True, text=True, check=True).stdout
    (folder / "SHA256SUMS").write_text(sums)
    if damaged:
        wheel.write_bytes(b"a wheel, damaged on the way")
    return folder


@pytest.mark.parametrize("kinds,expected", [("tree wheel bundle", "bundle"), ("tree wheel", None)])
def test_resolve_source_takes_only_the_kinds_it_is_given(installer, tmp_path, kinds, expected):
    """The kiosk takes an offline bundle; the server (tree wheel) refuses one, naming what it takes."""
    out = sourced(installer, f'SOURCE="{bundle(tmp_path / "b")}"; resolve_source {kinds}; echo $SOURCE_KIND')
    if expected:
        assert out.returncode == 0 and out.stdout.splitlines()[-1] == expected, out.stderr
    else:
        assert out.returncode == 1
        assert "SOURCE must be a hailong source tree or a hailong-*.whl" in out.stderr


def test_resolve_source_refuses_a_damaged_bundle(installer, tmp_path):
    damaged = bundle(tmp_path / "b", damaged=True)
    out = sourced(installer, f'SOURCE="{damaged}"; resolve_source tree wheel bundle')
    assert out.returncode == 1 and "damaged or incomplete (SHA256SUMS)" in out.stderr


def test_resolve_source_tree_and_wheel(installer, tmp_path):
    wheel = tmp_path / "hailong-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"a wheel")
    (tmp_path / "dir.whl").mkdir()
    code = 'resolve_source tree wheel; echo "$SOURCE_KIND $SOURCE"'
    assert sourced(installer, code).stdout.splitlines()[-1] == f"tree {ROOT}"  # the tree it is in
    assert sourced(installer, f"SOURCE={wheel}; {code}").stdout.splitlines()[-1] == f"wheel {wheel}"
    assert sourced(installer, f"SOURCE={tmp_path}/dir.whl; {code}").returncode == 1  # not a file
    missing = sourced(installer, f"SOURCE={tmp_path}/nothing; {code}")
    assert missing.returncode == 1 and "SOURCE not found" in missing.stderr


def test_shipped_file_in_the_tree(installer):
    out = sourced(installer, "shipped_file hailong-server-backup.timer; shipped_file nothing.in")
    found = out.stdout.splitlines()
    assert [os.path.realpath(p) for p in found] == [str(ROOT / "systemd/hailong-server-backup.timer")]
    assert out.returncode == 1 and "missing nothing.in" in out.stderr


# --- packages ---------------------------------------------------------------------------------------

def test_missing_packages_and_ensure_packages_with_nothing_missing(installer):
    if not shutil.which("dpkg-query"):
        pytest.skip("dpkg-query: a Debian system")
    out = sourced(installer, "missing_packages bash no-such-package-hailong coreutils")
    assert out.stdout == "no-such-package-hailong\n"
    present = sourced(installer, "ensure_packages bash coreutils; echo CHANGED=$CHANGED")
    assert present.stdout == "hailong-install: packages: all 2 present\nCHANGED=no\n"
