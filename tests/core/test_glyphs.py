"""Every text the kiosk shows has its letters in the font it is drawn in (Kivy's Roboto): a
missing glyph draws an empty box ("tofu"), as the field test found on the admin screen (K13),
and the pairing hint's arrow "→" drew one too. The font file is read with Pillow; Kivy is not
imported."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PIL import ImageFont

from kiosk.ui.strings import STRINGS, pin_mask

ROBOTO = Path(importlib.util.find_spec("kivy").origin).parent / "data" / "fonts" / "Roboto-Regular.ttf"


def _mask(font: ImageFont.FreeTypeFont, ch: str) -> tuple:
    m = font.getmask(ch)
    return m.size, bytes(m)


@pytest.fixture(scope="module")
def missing():
    font = ImageFont.truetype(str(ROBOTO), 40)
    notdef = _mask(font, "\uffff")  # what a missing glyph draws
    return lambda text: sorted({ch for ch in text if not ch.isspace() and _mask(font, ch) == notdef})


def test_the_check_sees_a_missing_glyph(missing):
    assert missing("Đã lưu → ✔") == ["→", "✔"] and missing("Thêm ki-ốt › “Mã”") == []


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_kiosk_string_is_drawn_in_its_font(missing, key):
    for language, text in STRINGS[key].items():
        assert missing(text) == [], (key, language, text)


def test_the_pin_pads_dots_are_drawn(missing):
    """K13: the PIN pad masked each digit with "●", which Roboto lacks: the digits showed as boxes."""
    assert missing(pin_mask(4)) == [] and len(pin_mask(4).split()) == 4
