"""Charts for the report pages, drawn on the server as SVG with pygal (pure Python: runs on the
Windows office PC too). Made to survive a black-and-white printer: dark single-tone bars, the
value printed on every bar, the target as a labelled dashed line, no colour carrying meaning
alone. pygal's tooltips script is off: it would be fetched from the internet, which the
office LAN may not reach. No Flask here."""

from __future__ import annotations

import re
from html import escape

import pygal
from pygal.style import Style

from sync_server.i18n import DEFAULT, number

_STYLE = Style(
    background="#ffffff", plot_background="#ffffff", foreground="#111111",
    foreground_strong="#000000", foreground_subtle="#555555", opacity="1", opacity_hover="1",
    colors=("#333333", "#888888", "#bbbbbb"), font_family="Roboto, 'Noto Sans', Arial, sans-serif",
    value_font_size=13, label_font_size=13, major_label_font_size=13, title_font_size=16,
    legend_font_size=13, value_colors=("#000000",),
)
_COMMON = dict(style=_STYLE, js=[], disable_xml_declaration=True, print_values=True, show_legend=False,
               range=(0, 100), truncate_label=-1, margin=16)
NO_DATA = "Chưa có đánh giá"
LABELLED_POINTS = 12  # a trend prints at most about this many values
LABEL_MAX = 42  # longer names are shortened on the chart (the table beside it has them in full)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX else label[:LABEL_MAX - 1].rstrip() + "…"


def _pct_label(value: float | None, locale: str = DEFAULT) -> str:
    """"92,5%" ("92.5%" in English), and "90%" without a useless decimal; no space: a label is short."""
    if value is None:
        return ""
    return number(value, "pct0" if value == round(value) else "pct", locale).replace(" %", "%")


def bars(title: str, labels: list[str], values: list[float | None], target_pct: float | None,
         below: str = "dưới chỉ tiêu", no_data: str = NO_DATA, locale: str = DEFAULT) -> str:
    """A horizontal bar per group (satisfaction %). Below the target: a light bar with a dark
    outline and "▼" after the value — told apart without colour. `below` and `no_data`: the
    words in the page's language (the caller translates); `locale`: its numbers'."""
    if target_pct is not None:  # the mark is explained where the bars are read
        title = f"{title} (▼: {below} {_pct_label(target_pct, locale)})"
    if all(v is None for v in values):
        return _empty(title, no_data)
    chart = pygal.HorizontalBar(title=title, height=max(180, 40 * len(labels) + 90), width=900,
                                **(_COMMON | {"no_data_text": no_data}))
    # pygal draws the first bar at the bottom: reversed, the table's first row is on top.
    chart.x_labels = [_short(label) for label in reversed(labels)]
    points = []
    for v in reversed(values):
        below = v is not None and target_pct is not None and v < target_pct
        mark = " ▼" if below else ""
        points.append({"value": v, "formatter": (lambda x, m=mark: _pct_label(x, locale) + m),
                       "style": "fill: #eeeeee; stroke: #000; stroke-width: 1.5" if below else
                                "fill: #9a9a9a; stroke: #000; stroke-width: 1"})
    chart.add("%", points)
    return _clean(chart.render(is_unicode=True))


def trend(title: str, labels: list[str], values: list[float | None], target_pct: float | None,
          target: str = "Chỉ tiêu", no_data: str = NO_DATA, locale: str = DEFAULT) -> str:
    """Satisfaction % over time: a line with a dot at every point, and the value at every point
    while they fit (at most LABELLED_POINTS); beyond that at every k-th point and the last, so that
    the values never print over each other (the table has every figure)."""
    if all(v is None for v in values):
        return _empty(title, no_data)
    # No horizontal guides: the one dashed line left is the target.
    # margin_right: the last point's value is printed to its right ("93,3%"), past the plot.
    chart = pygal.Line(title=title, height=320, width=900, dots_size=4, x_label_rotation=0,
                       show_y_guides=False, spacing=24, margin_right=56,
                       show_minor_x_labels=len(labels) <= 16,
                       x_labels_major_every=max(1, len(labels) // 12),
                       **(_COMMON | {"no_data_text": no_data}))
    chart.x_labels = labels
    every, last = -(-len(values) // LABELLED_POINTS), len(values) - 1  # every: 1 while all values fit
    chart.add("%", [{"value": v, "formatter": (lambda x, shown=i % every == 0 or i == last:
                                               _pct_label(x, locale) if shown else "")}
                    for i, v in enumerate(values)])
    if target_pct is not None:  # the dashed line is labelled once, mid-way (never clipped at an edge)
        name = f"{target} {_pct_label(target_pct, locale)}"
        middle = len(labels) // 2
        points = [{"value": target_pct, "formatter": (lambda _x, here=i == middle: name if here else "")}
                  for i in range(len(labels))]
        chart.add("chỉ tiêu", points, dots_size=0.01, stroke_style={"dasharray": "12,6", "width": 3})
    return _clean(chart.render(is_unicode=True))


def _empty(title: str, message: str) -> str:
    """A chart with nothing to draw: its title and the message as text in the page's own type,
    without an empty grid for the message to print over (pygal's is 64 px across the guides), and
    readable on a phone, where an SVG 900 units wide shrinks its words to 6 px."""
    return (f'<div class="chart-empty"><p class="chart-title">{escape(title)}</p>'
            f'<p class="no_data muted">{escape(message)}</p></div>')


def _clean(svg: str) -> str:
    """Drop pygal's inline config script: the pages need no script to show a chart."""
    return re.sub(r"<script[^>]*>.*?</script>", "", svg, flags=re.S)
