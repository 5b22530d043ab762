"""The thanks screen's QR code: its module matrix, and the pixels of a texture drawing it.

Made on the UI thread between the commit and the thanks frame, so it must be quick. qrcode's
`make(fit=True)` scores all eight masks in Python to pick the best (~15 ms on a PC, more on a
Pi); the kiosk's addresses (the roster's qr_url with a version-2 ticket) are all alike, and for
them mask 2 is the best, or within a hair of it, in nearly every case: one mask made directly
costs ~3 ms. tests/core/test_qr_matrix.py decodes such codes (zxing-cpp) and checks that mask 2
is still what the full search picks for the kiosk's addresses.

No Kivy here: the widget (kivy_widgets.QrCode) uploads the pixels as one texture.
"""

from __future__ import annotations

import qrcode  # a kiosk dependency; imported by the widget only when a code is shown

MASK = 2  # qrcode's own choice for the kiosk's ticket addresses (see the test)
BORDER = 2  # modules of quiet zone around the code (white, part of the matrix)
DARK, LIGHT = b"\x00\x00\x00\xff", b"\xff\xff\xff\xff"


def matrix(text: str, mask: int | None = MASK) -> list[list[bool]]:
    """The code's modules (True = dark), rows top to bottom, the quiet zone included.
    `mask=None` is qrcode's full search (the tests compare against it)."""
    code = qrcode.QRCode(border=BORDER, error_correction=qrcode.constants.ERROR_CORRECT_M,
                         mask_pattern=mask)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def rgba_rows_bottom_up(modules: list[list[bool]]) -> bytes:
    """One RGBA pixel a module, the bottom row first (a GL texture's first row is its bottom)."""
    return b"".join(DARK if dark else LIGHT for row in reversed(modules) for dark in row)
