"""Server-rendered SVG charts for the committee's dashboard: pure functions, no JavaScript.

Each function takes plain data (labels and whole numbers) and returns the markup of one
`<svg role="img" aria-labelledby="...">` with a `<title>` and a `<desc>` that says in words
what it shows. Colours are SVG presentation attributes (`fill=`), never `style=""`, so the
Content-Security-Policy (`style-src 'self'`) allows them; the bar colour has a contrast of
more than 7:1 on white and the text more than 15:1 (WCAG 1.4.3 and 1.4.11). Every chart is
shown with a data table beside it (see templates/committee/dashboard/_chart.html): the SVG is
a picture of the table, not the only way to read it.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

BAR = "#1f4e79"  # the site's brand blue: 8.9:1 on white
TEXT = "#1b1b1b"
GRID = "#6b7480"  # axis lines: 4.8:1 on white
FONT = "system-ui, sans-serif"


@dataclass(frozen=True)
class Point:
    """One bar: what it is (`label`) and how many (`value`)."""

    label: str
    value: int


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
        font_size=12,
    )
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" {head}>'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def describe(points: Sequence[Point], unit: str) -> str:
    """The chart's data in one sentence: 'Jan 2026: 3 mentorships; Feb 2026: 0 ...'."""
    if not points:
        return "No data."
    return "; ".join(f"{p.label}: {p.value:,} {unit}" for p in points) + "."


def column_chart(chart_id: str, title: str, points: Sequence[Point], unit: str) -> Markup:
    """Vertical bars, one per point, left to right (e.g. months), each with its value on top."""
    points = list(points)
    width, height = max(360, 44 * len(points) + 60), 240
    left, right, top, bottom = 40, 10, 20, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    scale_top = _nice_max(max((p.value for p in points), default=0))
    slot = plot_w / max(len(points), 1)
    bar_w = max(slot * 0.6, 4)
    base = top + plot_h
    body = [
        _tag("line", x1=left, y1=base, x2=width - right, y2=base, stroke=GRID),
        _tag("line", x1=left, y1=top, x2=left, y2=base, stroke=GRID),
        _tag("text", f"{scale_top:,}", x=left - 6, y=top + 4, text_anchor="end", fill=TEXT),
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
                f"{point.value:,}",
                x=centre,
                y=f"{y - 4:.1f}",
                text_anchor="middle",
                fill=TEXT,
            )
        )
        body.append(
            _tag(
                "text",
                point.label,
                x=centre,
                y=base + 16,
                text_anchor="end",
                fill=TEXT,
                transform=f"rotate(-40 {centre} {base + 16})",
            )
        )
    return _svg(chart_id, title, describe(points, unit), width, height, body)


def bar_chart(chart_id: str, title: str, points: Sequence[Point], unit: str) -> Markup:
    """Horizontal bars, one per point, top to bottom (e.g. objectives, sectors), labelled."""
    points = list(points)
    row, label_w, value_w = 26, 250, 50
    width = 620
    top = 6
    height = top * 2 + row * max(len(points), 1)
    plot_w = width - label_w - value_w
    scale_top = _nice_max(max((p.value for p in points), default=0))
    body = [_tag("line", x1=label_w, y1=top, x2=label_w, y2=height - top, stroke=GRID)]
    for index, point in enumerate(points):
        y = top + row * index
        middle = y + row / 2 + 4
        bar_w = plot_w * point.value / scale_top
        label = point.label if len(point.label) <= 38 else point.label[:37] + "…"
        body.append(_tag("text", label, x=label_w - 8, y=middle, text_anchor="end", fill=TEXT))
        body.append(
            _tag("rect", x=label_w, y=y + 4, width=f"{bar_w:.1f}", height=row - 8, fill=BAR)
        )
        body.append(
            _tag("text", f"{point.value:,}", x=f"{label_w + bar_w + 6:.1f}", y=middle, fill=TEXT)
        )
    return _svg(chart_id, title, describe(points, unit), width, height, body)
