"""A quantity's figures over time, as a small SVG chart built on the server.

Everything that comes from an article is escaped piece by piece; only the markup
built here is trusted.
"""

from __future__ import annotations

import html

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from claims.templatetags.claims_tags import _n, _nice_max, figure, reading

register = template.Library()


@register.simple_tag
def quantity_chart(table, *, width: int = 560, height: int = 190) -> SafeString:
    """The figures of one quantity over time: a dot for each figure's number and a bar
    for its bounds (an open bound runs to the chart's edge, dashed); the shaded band is
    the spread, lowest to highest; figures in conflict are drawn red.

    Built here, escaped piece by piece, with no links inside: the table beside it
    carries them. ``table`` is a ``QuantityTable``.
    """
    figures = table.figures
    left, right, top_pad, bottom = 52, 14, 14, 30
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = _nice_max((table.spread[1] or 0) * 1.08)
    times = [f.published_at.timestamp() for f in figures]
    first, last = min(times, default=0), max(times, default=0)
    span = last - first

    def x_of(moment: float) -> float:
        if not span:
            return left + plot_w / 2
        return left + 10 + (plot_w - 20) * (moment - first) / span

    def y_of(number: float) -> float:
        number = min(max(number, 0), top)
        return top_pad + plot_h * (1 - number / top)

    chart_id = f"quantity-{table.quantity.pk}-chart"
    low, high = table.spread
    summary = f"{table.label}: {len(figures)} figure{'s' if len(figures) != 1 else ''}"
    if low is not None:
        summary += f", from {figure(low)} to {figure(high)}"
    if table.conflict_count:
        summary += f"; {table.conflict_count} in conflict"
    parts = [
        format_html(
            '<svg class="chart chart-quantity" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
            'role="img" aria-labelledby="{id}-title">'
            '<title id="{id}-title">{summary}</title>',
            w=width,
            h=height,
            id=chart_id,
            summary=summary,
        )
    ]
    if low is not None and top:
        parts.append(
            format_html(
                '<rect class="spread" x="{}" y="{}" width="{}" height="{}"/>',
                left,
                _n(y_of(high)),
                plot_w,
                _n(max(y_of(low) - y_of(high), 1.5)),
            )
        )
    for fraction in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - fraction)
        parts.append(
            format_html(
                '<line class="chart-grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="chart-axis" x="{}" y="{}" text-anchor="end">{}</text>',
                left,
                width - right,
                _n(y),
                _n(y),
                left - 6,
                _n(y + 4),
                figure(top * fraction),
            )
        )
    labelled = (
        {figures[0].published_at.date(), figures[-1].published_at.date()} if figures else set()
    )
    for day in sorted(labelled):
        moment = min(t for t, f in zip(times, figures, strict=True) if f.published_at.date() == day)
        parts.append(
            format_html(
                '<text class="chart-axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                _n(x_of(moment)),
                height - 8,
                day.strftime("%-d %b %Y"),
            )
        )
    placed: dict[int, int] = {}
    for f, moment in zip(figures, times, strict=True):
        x = x_of(moment)
        # Figures reported at (nearly) the same moment are set side by side, not on top.
        slot = round(x / 8)
        x += 9 * placed.get(slot, 0)
        placed[slot] = placed.get(slot, 0) + 1
        parts.append(_figure_mark(f, x, y_of, top_pad, top_pad + plot_h))
    parts.append(mark_safe("</svg>"))  # noqa: S308 - constant markup
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - pieces built with format_html


def _figure_mark(f, x: float, y_of, y_top: float, y_bottom: float) -> str:
    # A chart may draw a thousand figures: its marks are joined as plain strings, with
    # the one piece that comes from an article (the label) escaped; the rest is numbers
    # and constant markup.
    claim = f.claim
    low, high = claim.bounds
    css = "mark-fig conflict" if f.in_conflict else "mark-fig"
    source = f.source_name or "no source"
    label = html.escape(
        f"#{f.number}: {reading(claim)} · {source} · {f.published_at:%-d %b %Y %H:%M}"
    )
    pieces = [f'<g class="{css}"><title>{label}</title>']
    if low != high:
        bar_top = y_top if high is None else y_of(high)
        bar_bottom = y_bottom if low is None else y_of(low)
        open_css = " open" if low is None or high is None else ""
        pieces.append(
            f'<rect class="bounds{open_css}" x="{_n(x - 3)}" y="{_n(bar_top)}" width="6" '
            f'height="{_n(max(bar_bottom - bar_top, 1))}" rx="2"/>'
        )
    # A range with both ends is its bar; a dot marks a stated number, or the one end known.
    point = claim.value
    if point is None and (low is None or high is None or low == high):
        point = low if low is not None else high
    if point is not None:
        pieces.append(f'<circle cx="{_n(x)}" cy="{_n(y_of(point))}" r="4.5"/>')
    pieces.append("</g>")
    return "".join(pieces)
