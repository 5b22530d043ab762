"""The kiosk's five faces as SVG for the QR page: the same colours and mouth shapes
(kiosk.ui.faces), drawn by the server so a phone needs nothing from outside the LAN."""

from __future__ import annotations

import functools
from html import escape

from kiosk.shared.faces import FACE_STYLES, INK, mouth_points


def _rgb(c: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(v * 255):02x}" for v in c)


@functools.cache
def face_svg(score: int) -> str:
    """A 100×100 face. The kiosk draws with y up (Kivy); SVG's y goes down, so y is flipped."""
    style = FACE_STYLES[score]
    cx = cy = 50.0
    r = 46.0
    ink = _rgb(INK)

    def flip(y: float) -> float:
        return 100 - y

    pts = mouth_points(cx, cy, r, style.mouth_curve)
    mouth = " ".join(f"{pts[i]:.1f},{flip(pts[i + 1]):.1f}" for i in range(0, len(pts), 2))
    # The kiosk's own proportions (kiosk.ui.kivy_app.FaceButton), y flipped.
    eye_y, eye_dx, eye_r = flip(cy + 0.22 * r), 0.35 * r, 0.11 * r
    parts = [
        f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{_rgb(style.fill)}" stroke="{ink}" stroke-width="3"/>',
        f'<circle cx="{cx - eye_dx:.1f}" cy="{eye_y:.1f}" r="{eye_r:.1f}" fill="{ink}"/>',
        f'<circle cx="{cx + eye_dx:.1f}" cy="{eye_y:.1f}" r="{eye_r:.1f}" fill="{ink}"/>',
        f'<polyline points="{mouth}" fill="none" stroke="{ink}" stroke-width="5" stroke-linecap="round"/>',
    ]
    if style.brows:
        # Inner ends raised, as on the kiosk: worried, not angry.
        base = cy + 0.45 * r
        for side in (-1, 1):
            outer, inner = cx + side * 0.55 * r, cx + side * 0.18 * r
            parts.append(f'<line x1="{outer:.1f}" y1="{flip(base):.1f}" x2="{inner:.1f}" '
                         f'y2="{flip(base + style.brows * r):.1f}" stroke="{ink}" stroke-width="4" '
                         'stroke-linecap="round"/>')
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100">'
            + "".join(parts) + "</svg>")


def initials_svg(text: str) -> str:
    """A grey disc with initials: an officer without a photo."""
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" width="100" height="100">'
            '<rect width="100" height="100" rx="12" fill="#d9dde3"/>'
            f'<text x="50" y="63" font-family="sans-serif" font-size="38" font-weight="bold" '
            f'text-anchor="middle" fill="#1a1a1a">{escape(text[:3])}</text></svg>')
