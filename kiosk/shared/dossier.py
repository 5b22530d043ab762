"""The dossier code (mã hồ sơ, NĐ 118/2025 Điều 28) a rating may be linked to, when the unit
turns the link on: its format, checked alike on the kiosk (a USB scanner types it) and on the
server (the QR page's field, a pull). Standard library only.

The decree gives the parts — the receiving agency's identifier, the date, the day's sequence —
but no character-level format was found in the stored sources. The default pattern is our
assumption from receipts of that shape ("000.00.32.H56-251203-0001"): an agency code of letters,
digits and dots, then "-" yymmdd "-" a sequence of 3–6 digits. A unit whose provincial system
prints another shape sets its own pattern ([dossier] pattern on the kiosk and the server).
"""

from __future__ import annotations

import re

MAX_LEN = 64  # the width of the server's column; a scanner's code longer than this is refused
DEFAULT_PATTERN = r"[0-9A-Z][0-9A-Z.]{1,40}-[0-9]{6}-[0-9]{3,6}"


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The whole code must match (fullmatch); raises re.error for a pattern that is not one."""
    return re.compile(pattern)


def normalise(raw: str, pattern: re.Pattern[str]) -> str | None:
    """The code as stored (trimmed, upper case) if it has the unit's format, else None."""
    code = raw.strip().upper()
    if not code or len(code) > MAX_LEN or not code.isprintable() or not pattern.fullmatch(code):
        return None
    return code
