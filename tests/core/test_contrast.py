"""Every text colour on the kiosk's screens against its background: at least 7:1 (WCAG AAA)."""

from __future__ import annotations

import pytest

from kiosk.shared.faces import TEXT_PAIRS, contrast_ratio


def test_the_formula_on_known_pairs():
    assert contrast_ratio((0, 0, 0), (1, 1, 1)) == pytest.approx(21.0)
    assert contrast_ratio((1, 1, 1), (1, 1, 1)) == pytest.approx(1.0)
    # WCAG's own example: #767676 on white is the 4.5:1 boundary (4.54).
    assert contrast_ratio((0x76 / 255,) * 3, (1, 1, 1)) == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("name", sorted(TEXT_PAIRS))
def test_text_contrast_is_at_least_7_to_1(name):
    text, background = TEXT_PAIRS[name]
    assert contrast_ratio(text, background) >= 7.0, f"{name}: {contrast_ratio(text, background):.2f}:1"
