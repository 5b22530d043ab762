"""Charts for the report pages, drawn on the server as SVG with pygal (pure Python: runs on the
Windows office PC too). Made to survive a black-and-white printer: dark single-tone bars, the
value printed on every bar, the target as a labelled dashed line, no colour carrying meaning
alone. pygal's tooltips script is off: it would be fetched from the internet, which the
office LAN may not reach. No Flask here."""

from __future__ import annotations

import re

import pygal
from pygal.style import Style

_STYLE = Style(
    background="#ffffff", plot_background="#ffffff", foreground="#111111",
    foreground_strong="#000000", foreground_subtle="#555555", opacity="1", opacity_hover="1",
    colors=("#333333", "#888888", "#bbbbbb"), font_family="Roboto, 'Noto Sans', Arial, sans-serif",
    value_font_size=13, label_font_size=13, major_label_font_size=13, title_font_size=16,
    legend_font_size=13, value_colors=("#000000",),
)
_COMMON = dict(style=_STYLE, js=[], disable_xml_declaration=True, print_values=True, show_legend=False,
               range=(0, 100), truncate_label=-1, margin=16, no_data_text="Chưa có đánh giá",
               no_data_font_size=16)
LABEL_MAX = 42  # longer names are shortened on the chart (the table beside it has them in full)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX else label[:LABEL_MAX - 1].rstrip() + "…"


def _pct_label(value: float | None) -> str:
    """"92,5%", and "90%" without a useless decimal."""
    if value is None:
        return ""
    return (f"{value:.0f}" if value == round(value) else f"{value:.1f}").replace(".", ",") + "%"


def bars(title: str, labels: list[str], values: list[float | None], target_pct: float | None) -> str:
    """A horizontal bar per group (satisfaction %). Below the target: a light bar with a dark
    outline and "▼" after the value — told apart without colour."""
    if target_pct is not None:  # the mark is explained where the bars are read
        title = f"{title} (▼: dưới chỉ tiêu {_pct_label(target_pct)})"
    chart = pygal.HorizontalBar(title=title, height=max(180, 40 * len(labels) + 90), width=900, **_COMMON)
    # pygal draws the first bar at the bottom: reversed, the table's first row is on top.
    chart.x_labels = [_short(label) for label in reversed(labels)]
    points = []
    for v in reversed(values):
        below = v is not None and target_pct is not None and v < target_pct
        points.append({"value": v, "formatter": (lambda x, b=below: _pct_label(x) + (" ▼" if b else "")),
                       "style": "fill: #eeeeee; stroke: #000; stroke-width: 1.5" if below else
                                "fill: #9a9a9a; stroke: #000; stroke-width: 1"})
    chart.add("%", points)
    return _clean(chart.render(is_unicode=True))


def trend(title: str, labels: list[str], values: list[float | None], target_pct: float | None) -> str:
    """Satisfaction % over time: a line with a dot and the value at every point."""
    # No horizontal guides: the one dashed line left is the target.
    chart = pygal.Line(title=title, height=320, width=900, dots_size=4, x_label_rotation=0,
                       show_y_guides=False, spacing=24,
                       show_minor_x_labels=len(labels) <= 16,
                       x_labels_major_every=max(1, len(labels) // 12), **_COMMON)
    chart.x_labels = labels
    chart.value_formatter = _pct_label
    chart.add("%", values)
    if target_pct is not None:  # the dashed line is labelled once, mid-way (never clipped at an edge)
        name = f"Chỉ tiêu {_pct_label(target_pct)}"
        middle = len(labels) // 2
        points = [{"value": target_pct, "formatter": (lambda _x, here=i == middle: name if here else "")}
                  for i in range(len(labels))]
        chart.add("chỉ tiêu", points, dots_size=0.01, stroke_style={"dasharray": "12,6", "width": 3})
    return _clean(chart.render(is_unicode=True))


def _clean(svg: str) -> str:
    """Drop pygal's inline config script: the pages need no script to show a chart."""
    return re.sub(r"<script[^>]*>.*?</script>", "", svg, flags=re.S)
