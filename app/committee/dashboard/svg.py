"""Server-rendered SVG charts for the committee's dashboard: pure functions, no JavaScript.

Each function takes plain data (labels and whole numbers), the sentence that says in words what
the chart shows and the way to write a number (the caller's language: 12,345 or 12 345), and
returns the markup of one `<svg role="img" aria-labelledby="...">` with that `<title>` and
`<desc>`. Colours are SVG presentation attributes (`fill=`), never `style=""`, so the
Content-Security-Policy (`style-src 'self'`) allows them; the bar colour has a contrast of
more than 7:1 on white and the text more than 15:1 (WCAG 1.4.3 and 1.4.11). Every chart is
shown with a data table beside it (see templates/committee/dashboard/_chart.html): the SVG is
a picture of the table, not the only way to read it.
"""

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

BAR = "#1f4e79"  # the site's brand blue: 8.9:1 on white
TEXT = "#1b1b1b"
GRID = "#6b7480"  # axis lines: 4.8:1 on white
FONT = "system-ui, sans-serif"
# Text is drawn at FONT_SIZE user units and the charts are drawn at their own size (never
# scaled down to fit: a phone scrolls a wide chart sideways), so a label is 13 px on screen.
FONT_SIZE = 13
LINE = 16  # the height of a line of text
BAR_CHART_WIDTH = 320  # fits a phone's width (390 px less the page's and the box's margins)
LABEL_CHARACTERS = 40  # a longer label wraps onto more lines


@dataclass(frozen=True)
class Point:
    """One bar: what it is (`label`, as the data table and the description say it), how many
    (`value`), and a shorter label for under a column when there is one ("Mar 2026" for
    "March 2026")."""

    label: str
    value: int
    short: str | None = None

    @property
    def axis_label(self) -> str:
        return self.short or self.label


def _thousands(value: int) -> str:
    return f"{value:,}"


def _attrs(**values) -> str:
    """`name="value"` pairs, escaped; a trailing underscore is dropped (class_ -> class)."""
    return " ".join(
        f'{name.rstrip("_").replace("_", "-")}="{escape(value)}"' for name, value in values.items()
    )


def _tag(name: str, text: str | None = None, **values) -> str:
    """One SVG element: `<name attrs/>`, or `<name attrs>text</name>` (text escaped)."""
    if text is None:
        return f"<{name} {_attrs(**values)}/>"
    return f"<{name} {_attrs(**values)}>{escape(text)}</{name}>"


def _nice_max(value: int) -> int:
    """A round number at or above `value` for the top of the scale (at least 1)."""
    if value <= 5:
        return max(value, 1)
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value:
            return top
    return value


def _svg(chart_id: str, title: str, desc: str, width: int, height: int, body: list[str]) -> Markup:
    head = _attrs(
        id=chart_id,
        class_="chart",
        role="img",
        aria_labelledby=f"{chart_id}-title {chart_id}-desc",
        viewBox=f"0 0 {width} {height}",
        width=width,
        height=height,
        preserveAspectRatio="xMinYMin meet",
        font_family=FONT,
        font_size=FONT_SIZE,
    )
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" {head}>'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _lines(text: str, x, y, **values) -> str:
    """A `<text>` of one or more lines (each a `<tspan>` below the one before)."""
    parts = "".join(
        f"<tspan {_attrs(x=x, dy=0 if index == 0 else LINE)}>{escape(line)}</tspan>"
        for index, line in enumerate(text)
    )
    return f"<text {_attrs(x=x, y=y, **values)}>{parts}</text>"


def column_chart(
    chart_id: str,
    title: str,
    points: Sequence[Point],
    desc: str,
    number: Callable[[int], str] = _thousands,
) -> Markup:
    """Vertical bars, one per point, left to right (e.g. months), each with its value on top
    and its (short) label below, on two lines when it has two words ("Jan" over "2026")."""
    points = list(points)
    slot_w = 46
    left, right, top, bottom = 40, 10, 22, 2 * LINE + 12
    width = max(BAR_CHART_WIDTH, slot_w * len(points) + left + right)
    height = 240
    plot_w, plot_h = width - left - right, height - top - bottom
    scale_top = _nice_max(max((p.value for p in points), default=0))
    slot = plot_w / max(len(points), 1)
    bar_w = max(slot * 0.6, 4)
    base = top + plot_h
    body = [
        _tag("line", x1=left, y1=base, x2=width - right, y2=base, stroke=GRID),
        _tag("line", x1=left, y1=top, x2=left, y2=base, stroke=GRID),
        _tag("text", number(scale_top), x=left - 6, y=top + 4, text_anchor="end", fill=TEXT),
        _tag("text", "0", x=left - 6, y=base + 4, text_anchor="end", fill=TEXT),
    ]
    for index, point in enumerate(points):
        bar_h = plot_h * point.value / scale_top
        x = left + slot * index + (slot - bar_w) / 2
        y = base - bar_h
        centre = f"{x + bar_w / 2:.1f}"
        body.append(
            _tag(
                "rect",
                x=f"{x:.1f}",
                y=f"{y:.1f}",
                width=f"{bar_w:.1f}",
                height=f"{bar_h:.1f}",
                fill=BAR,
            )
        )
        body.append(
            _tag(
                "text",
                number(point.value),
                x=centre,
                y=f"{y - 5:.1f}",
                text_anchor="middle",
                fill=TEXT,
            )
        )
        body.append(
            _lines(
                point.axis_label.split(" ", 1), centre, base + LINE, text_anchor="middle", fill=TEXT
            )
        )
    return _svg(chart_id, title, desc, width, height, body)


def bar_chart(
    chart_id: str,
    title: str,
    points: Sequence[Point],
    desc: str,
    number: Callable[[int], str] = _thousands,
) -> Markup:
    """Horizontal bars, one per point, top to bottom (e.g. objectives, sectors): each label on
    its own line(s) above its bar, in full, the value after the bar."""
    points = list(points)
    width, value_w, bar_h, gap = BAR_CHART_WIDTH, 48, 14, 10
    plot_w = width - value_w
    scale_top = _nice_max(max((p.value for p in points), default=0))
    body, y = [], 4
    for point in points:
        lines = textwrap.wrap(point.label, LABEL_CHARACTERS) or [""]
        body.append(_lines(lines, 2, y + FONT_SIZE, fill=TEXT))
        y += LINE * len(lines) + 2
        bar_w = plot_w * point.value / scale_top
        body.append(_tag("rect", x=0, y=y, width=f"{bar_w:.1f}", height=bar_h, fill=BAR))
        body.append(_tag("text", number(point.value), x=f"{bar_w + 6:.1f}", y=y + 12, fill=TEXT))
        y += bar_h + gap
    height = max(y, LINE + 8)
    return _svg(chart_id, title, desc, width, height, body)
