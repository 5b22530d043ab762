"""How the five faces look: colour and mouth shape per score. Pure data, no Kivy import.

The faces differ by shape as well as colour (a citizen with colour-blindness still tells them
apart): the mouth bends from a wide smile (5) through a straight line (3) to a deep frown (1),
and the two sad faces get slanted brows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FaceStyle:
    fill: tuple[float, float, float]  # the face disc
    mouth_curve: float  # + smiles, - frowns, 0 straight; in units of the face radius
    brows: float  # 0: none; >0: brows slanted down towards the nose (worried)


FACE_STYLES: dict[int, FaceStyle] = {
    5: FaceStyle(fill=(0.10, 0.55, 0.24), mouth_curve=0.34, brows=0.0),  # dark green
    4: FaceStyle(fill=(0.45, 0.70, 0.20), mouth_curve=0.18, brows=0.0),  # light green
    3: FaceStyle(fill=(0.98, 0.78, 0.18), mouth_curve=0.0, brows=0.0),  # amber
    2: FaceStyle(fill=(0.96, 0.50, 0.13), mouth_curve=-0.18, brows=0.12),  # orange
    1: FaceStyle(fill=(0.84, 0.15, 0.15), mouth_curve=-0.32, brows=0.22),  # red
}

# Ink for everything drawn on the faces and for text on the white background: near-black.
INK = (0.10, 0.10, 0.10)
BACKGROUND = (1.0, 1.0, 1.0)
TILE = (0.95, 0.95, 0.95)  # behind each face's number and label
BUTTON = (0.25, 0.25, 0.25)  # white text on it
BUTTON_CHOSEN = (0.05, 0.30, 0.60)  # a chosen chip, "Xong": white text on it
ERROR = (0.70, 0.0, 0.0)  # the "could not record" line on white
PROGRESS = BUTTON_CHOSEN  # "Câu 2/5" in large print on white
# Text/background pairs on the screens; tests/core/test_contrast.py checks each is >= 7:1
# (WCAG 2 AAA) with the WCAG relative-luminance formula.
TEXT_PAIRS = {
    "text on white": (INK, BACKGROUND),
    "face label on its tile": (INK, TILE),
    "button text": ((1.0, 1.0, 1.0), BUTTON),
    "chosen / Xong button text": ((1.0, 1.0, 1.0), BUTTON_CHOSEN),
    "error line on white": (ERROR, BACKGROUND),
    "question number on white": (PROGRESS, BACKGROUND),
}


def contrast_ratio(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours (components 0..1)."""

    def luminance(c: tuple[float, float, float]) -> float:
        lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def mouth_points(cx: float, cy: float, r: float, curve: float, steps: int = 16) -> list[float]:
    """A parabola under the face centre: flat for curve 0, a smile for curve > 0."""
    half = 0.45 * r
    base_y = cy - 0.38 * r + curve * r * 0.5  # smiles sit lower at the corners, frowns higher
    points: list[float] = []
    for i in range(steps + 1):
        t = -1 + 2 * i / steps  # -1 .. 1 across the mouth
        points += [cx + t * half, base_y - curve * r * (1 - t * t)]
    return points
