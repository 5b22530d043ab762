"""The thanks screen's QR code read back from a screenshot: decoded (zxing-cpp, as a phone's
scanner would) and compared module by module with the code kiosk.ui.qr_matrix makes of the text
read, so a code drawn upside down, mirrored or shifted fails even if a scanner would forgive it."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from kiosk.ui import qr_matrix


def read_code(shot: Path, rect: list[int]) -> str:
    """The text of the code drawn in `rect` ([x, y from the top, w, h] in the screenshot)."""
    import zxingcpp  # a dev dependency, like the screenshot itself

    picture = Image.open(shot).convert("L")
    found = zxingcpp.read_barcodes(picture, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1 and found[0].orientation == 0, f"no upright QR code read in {shot}"
    text = found[0].text
    modules = qr_matrix.matrix(text)
    x, y, w, h = rect
    side = min(w, h)
    cell = side / len(modules)
    x0, y0 = x + (w - side) / 2, y + (h - side) / 2
    drawn = [[picture.getpixel((int(x0 + (col + 0.5) * cell), int(y0 + (row + 0.5) * cell))) < 128
              for col in range(len(modules))] for row in range(len(modules))]
    assert drawn == modules, "the code on screen is not the one kiosk.ui.qr_matrix makes of its text"
    return text
