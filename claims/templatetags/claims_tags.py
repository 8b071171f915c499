"""Presentation helpers: highlighted text, figures as editors read them, SVG charts.

Everything that comes from an article or a user is escaped here piece by piece; only
the markup these functions add themselves is trusted.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from claims.models import Claim

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


# --- Verdicts ---------------------------------------------------------------------

# The key that gives each verdict, in the queue and on the claim page; every verdict
# has one (a test holds this to Claim.Verdict), and the buttons, the claim page's
# choices and the keyboard help are all rendered from it. The CSS style of a verdict
# is the class v-<value>.
VERDICT_KEYS = {
    Claim.Verdict.VERIFIED: "v",
    Claim.Verdict.FALSE: "f",
    Claim.Verdict.MISLEADING: "m",
    Claim.Verdict.UNVERIFIABLE: "u",
    Claim.Verdict.UNREVIEWED: "r",
}


@dataclass(frozen=True)
class QuickVerdict:
    value: str
    label: str
    key: str


# The verdicts a queue row offers (going back to unreviewed takes the claim page).
QUICK_VERDICTS = tuple(
    QuickVerdict(value=value, label=str(label), key=VERDICT_KEYS[value])
    for value, label in Claim.Verdict.choices
    if value != Claim.Verdict.UNREVIEWED
)


@register.filter
def verdict_key(verdict: str) -> str:
    """The keyboard key for a verdict in the queue and on the claim page."""
    return VERDICT_KEYS.get(verdict, "")


@register.simple_tag
def quick_verdicts() -> tuple[QuickVerdict, ...]:
    """The verdicts a queue row offers, each with its label and key."""
    return QUICK_VERDICTS
