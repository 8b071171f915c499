"""Presentation helpers: highlighted text, figures as editors read them, SVG charts.

Everything that comes from an article or a user is escaped here piece by piece; only
the markup these functions add themselves is trusted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def figure(value) -> str:
    """A number as a reader writes it: 80, 2.5, 3,000,000; an em dash for none."""
    if value is None or value == "":
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return "∞" if number > 0 else "−∞"
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.6g}" if abs(number) < 1e6 else f"{number:,.0f}"


@register.filter
def reading(claim) -> str:
    """The figure as an interval an editor can check at a glance: "≥ 80", "50–60"."""
    q = claim.qualifier
    if q == "exact":
        return figure(claim.value)
    if q == "approximate":
        return f"≈ {figure(claim.value)}"
    if q == "lower_bound":
        return f"≥ {figure(claim.lower if claim.lower is not None else claim.value)}"
    if q == "upper_bound":
        return f"≤ {figure(claim.upper if claim.upper is not None else claim.value)}"
    if claim.lower is None and claim.upper is None:
        return "?"
    return f"{figure(claim.lower)}–{figure(claim.upper)}"


@register.filter
def signed_figure(value) -> str:
    if value is None:
        return "—"
    if value > 0:
        return f"+{figure(value)}"
    if value < 0:
        return f"−{figure(-value)}"
    return "0"


def _marked(claim, text: str, *, link: bool, anchor: bool) -> SafeString:
    attrs = format_html(
        ' class="fig v-{}" title="{} · {}"',
        claim.verdict,
        claim.get_verdict_display(),
        claim.get_qualifier_display(),
    )
    if anchor:
        attrs = format_html('{} id="claim-{}"', attrs, claim.pk)
    inner = escape(text)
    if link:
        inner = format_html(
            '<a href="{}">{}</a>', reverse("claims:claim_detail", args=[claim.pk]), inner
        )
    return format_html("<mark{}>{}</mark>", attrs, inner)


@register.simple_tag
def highlight_article(body: str, claims: Iterable) -> SafeString:
    """The article text with each claim marked in place, from the claims' offsets.

    Claims that overlap one already marked are left unmarked rather than nesting
    marks; the list beside the text still shows them.
    """
    pieces: list[str] = []
    position = 0
    for claim in sorted(claims, key=lambda c: (c.start, c.end)):
        if claim.start < position or claim.end > len(body):
            continue
        pieces.append(escape(body[position : claim.start]))
        pieces.append(_marked(claim, body[claim.start : claim.end], link=True, anchor=True))
        position = claim.end
    pieces.append(escape(body[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above


@register.simple_tag
def sentence_with_figure(claim) -> SafeString:
    """The claim's sentence with its own figure marked."""
    sentence = claim.sentence or ""
    start = claim.start - claim.sentence_start
    end = claim.end - claim.sentence_start
    if not (0 <= start < end <= len(sentence)):
        return escape(sentence)
    return format_html(
        "{}{}{}",
        sentence[:start],
        _marked(claim, sentence[start:end], link=False, anchor=False),
        sentence[end:],
    )


# --- Charts -----------------------------------------------------------------------


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


@register.simple_tag
def bar_chart(
    bars,
    *,
    css_prefix: str = "",
    width: int = 600,
    show_secondary: bool = False,
    link: str = "",
):
    """Horizontal bars, one a row, label on the left and the count on the right.

    With ``show_secondary`` each bar carries a darker inner bar (e.g. reviewed of total);
    with ``link`` each bar links to ``link`` followed by its key (a filtered queue).
    """
    bars = list(bars)
    row, label_w, value_w = 28, 190, 70
    plot_w = width - label_w - value_w
    top = max((b.value for b in bars), default=0) or 1
    height = row * len(bars) + 4
    parts = [
        format_html(
            '<svg class="chart chart-bars" viewBox="0 0 {} {}" width="{}" height="{}" '
            'role="img" aria-label="Bar chart">',
            width,
            height,
            width,
            height,
        )
    ]
    for i, bar in enumerate(bars):
        y = i * row + 2
        w = max(0.0, plot_w * bar.value / top)
        css = f"{css_prefix}{bar.key}" if css_prefix else "bar"
        if link:
            parts.append(format_html('<a href="{}{}">', link, bar.key))
        parts.append(
            format_html(
                "<g><title>{}: {}</title>"
                '<text class="chart-label" x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect class="chart-track" x="{}" y="{}" width="{}" height="16" rx="3"/>'
                '<rect class="{}" x="{}" y="{}" width="{}" height="16" rx="3"/>',
                bar.label,
                figure(bar.value),
                label_w - 8,
                y + 13,
                _truncate(bar.label, 25),
                label_w,
                y,
                plot_w,
                css,
                label_w,
                y,
                _n(w),
            )
        )
        if show_secondary and bar.value:
            parts.append(
                format_html(
                    '<rect class="bar-secondary" x="{}" y="{}" width="{}" height="16" rx="3">'
                    "<title>{} reviewed</title></rect>",
                    label_w,
                    y,
                    _n(plot_w * bar.secondary / top),
                    figure(bar.secondary),
                )
            )
        parts.append(
            format_html(
                '<text class="chart-value" x="{}" y="{}">{}</text></g>',
                label_w + plot_w + 6,
                y + 13,
                figure(bar.value),
            )
        )
        if link:
            parts.append(mark_safe("</a>"))  # noqa: S308 - constant markup
    parts.append(mark_safe("</svg>"))  # noqa: S308 - constant markup
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - pieces built with format_html


@register.simple_tag
def column_chart(bars, *, width: int = 1240, height: int = 200):
    """Vertical columns over time, with a light scale and every seventh day labelled."""
    bars = list(bars)
    left, bottom, top_pad = 40, 24, 10
    plot_w, plot_h = width - left - 4, height - bottom - top_pad
    top = _nice_max(max((b.value for b in bars), default=0))
    slot = plot_w / max(len(bars), 1)
    parts = [
        format_html(
            '<svg class="chart chart-columns" viewBox="0 0 {} {}" width="{}" height="{}" '
            'role="img" aria-label="Column chart">',
            width,
            height,
            width,
            height,
        )
    ]
    for fraction in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - fraction)
        parts.append(
            format_html(
                '<line class="chart-grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="chart-axis" x="{}" y="{}" text-anchor="end">{}</text>',
                left,
                width - 4,
                _n(y),
                _n(y),
                left - 6,
                _n(y + 4),
                figure(top * fraction),
            )
        )
    for i, bar in enumerate(bars):
        h = plot_h * bar.value / top
        x = left + i * slot + slot * 0.15
        parts.append(
            format_html(
                '<rect class="column" x="{}" y="{}" width="{}" height="{}" rx="2">'
                "<title>{}: {}</title></rect>",
                _n(x),
                _n(top_pad + plot_h - h),
                _n(slot * 0.7),
                _n(h),
                bar.label,
                figure(bar.value),
            )
        )
        # Every seventh day, counted back from the last, so that today is labelled.
        if (len(bars) - 1 - i) % 7 == 0:
            parts.append(
                format_html(
                    '<text class="chart-axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _n(x + slot * 0.35),
                    height - 6,
                    bar.label,
                )
            )
    parts.append(mark_safe("</svg>"))  # noqa: S308 - constant markup
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - pieces built with format_html


def _n(number: float) -> str:
    return f"{number:.1f}"


def _truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


@register.filter
def verdict_key(verdict: str) -> str:
    """The keyboard key for a verdict in the queue and on the claim page."""
    return VERDICT_KEYS.get(verdict, "")


VERDICT_KEYS = {
    "verified": "v",
    "false": "f",
    "misleading": "m",
    "unverifiable": "u",
    "unreviewed": "r",
}


@register.simple_tag
def verdict_badge(verdict: str, label: str) -> SafeString:
    return format_html('<span class="badge v-{}">{}</span>', verdict, label)


# --- A quantity's figures over time -------------------------------------------------


@register.simple_tag
def quantity_chart(table, *, width: int = 560, height: int = 190) -> SafeString:
    """The figures of one quantity over time: a dot for each figure's number and a bar
    for its bounds (an open bound runs to the chart's edge, dashed); the shaded band is
    the spread, lowest to highest; figures in conflict are drawn red.

    Built here, escaped piece by piece, with no links inside: the table beside it
    carries them. ``table`` is a ``QuantityTable``.
    """
    from claims.services.story_view import finite_ends

    figures = table.figures
    left, right, top_pad, bottom = 52, 14, 14, 30
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    ends = [end for f in figures for end in finite_ends(f.claim)]
    top = _nice_max(max(ends, default=0) * 1.08)
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


def _figure_mark(f, x: float, y_of, y_top: float, y_bottom: float) -> SafeString:
    claim = f.claim
    low, high = claim.bounds
    css = "mark-fig conflict" if f.conflicts_with else "mark-fig"
    source = claim.article.source.name if claim.article.source else "no source"
    label = f"#{f.number}: {reading(claim)} · {source} · {f.published_at:%-d %b %Y %H:%M}"
    pieces = [format_html('<g class="{}"><title>{}</title>', css, label)]
    if low != high:
        bar_top = y_top if high is None else y_of(high)
        bar_bottom = y_bottom if low is None else y_of(low)
        open_css = " open" if low is None or high is None else ""
        pieces.append(
            format_html(
                '<rect class="bounds{}" x="{}" y="{}" width="6" height="{}" rx="2"/>',
                open_css,
                _n(x - 3),
                _n(bar_top),
                _n(max(bar_bottom - bar_top, 1)),
            )
        )
    # A range with both ends is its bar; a dot marks a stated number, or the one end known.
    point = claim.value
    if point is None and (low is None or high is None or low == high):
        point = low if low is not None else high
    if point is not None:
        pieces.append(format_html('<circle cx="{}" cy="{}" r="4.5"/>', _n(x), _n(y_of(point))))
    pieces.append(mark_safe("</g>"))  # noqa: S308 - constant markup
    return mark_safe("".join(str(p) for p in pieces))  # noqa: S308 - pieces built with format_html
