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

# Ink for everything drawn on the faces and for text on the white background: near-black, so
# text contrast on white is about 17:1 (WCAG asks 7:1 for AAA).
INK = (0.10, 0.10, 0.10)
BACKGROUND = (1.0, 1.0, 1.0)


def mouth_points(cx: float, cy: float, r: float, curve: float, steps: int = 16) -> list[float]:
    """A parabola under the face centre: flat for curve 0, a smile for curve > 0."""
    half = 0.45 * r
    base_y = cy - 0.38 * r + curve * r * 0.5  # smiles sit lower at the corners, frowns higher
    points: list[float] = []
    for i in range(steps + 1):
        t = -1 + 2 * i / steps  # -1 .. 1 across the mouth
        points += [cx + t * half, base_y - curve * r * (1 - t * t)]
    return points
