"""What sync_server may import: the one door between the kiosk and the server.

The kiosk owns the protocol it serves, so what both sides share lives here, inside `kiosk/`,
and the server imports the kiosk through this package and nothing else. Pure standard library:
the office PC never installs Kivy, gpiozero or peewee's kiosk store to use it, and anyone can
re-verify a store or an export with these modules alone. Both rules are contracts in
pyproject.toml (`lint-imports`, run by tests/core/test_layout.py).

- `protocol`: the wire format, the hash chain, the roster schema and its codes (`CODE_RE`).
- `qrticket`: the single-use tickets of the QR page (the kiosk signs, the server checks).
- `pairing`: the pairing code that carries kiosk id, address and token to the fleet page.
- `presets`: the questionnaires shipped with hailong.
- `privacy`: the privacy notice's default words (kiosk screen and QR page) and its [privacy] table.
- `portal`: the optional line inviting a citizen to rate the dossier on the national portal too.
- `clock`: boot id, uptime and wall clock, the three readings each response keeps.
- `configfile`: reading a machine's TOML config into one-line errors (exit status 2).
- `faces`: the five faces' colours and mouth geometry (the kiosk draws them with Kivy, the QR
  page as SVG), and the contrast rule of every text colour.
- `exc`: one base, `HailongError` with its `exit_status`, and every error the kiosk raises on
  purpose (the server derives its own errors from the base).
"""
