"""Presentation helpers: highlighted text, figures as editors read them, SVG charts.

Everything that comes from an article or a user is escaped here piece by piece; only
the markup these functions add themselves is trusted.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

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
    return _reading(claim, figure)


def _reading(claim, number) -> str:
    q = claim.qualifier
    if q == "exact":
        return number(claim.value)
    if q == "approximate":
        return f"≈ {number(claim.value)}"
    if q == "lower_bound":
        return f"≥ {number(claim.lower if claim.lower is not None else claim.value)}"
    if q == "upper_bound":
        return f"≤ {number(claim.upper if claim.upper is not None else claim.value)}"
    if claim.lower is None and claim.upper is None:
        return "?"
    return f"{number(claim.lower)}–{number(claim.upper)}"


# Money is stored with its ISO code (CONVENTIONS.md); readers know these by symbol...
CURRENCY_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "ils": "₪"}
# ...and these by name, written after the figure ("2 billion lira").
CURRENCY_NAMES = {
    "try": "lira",
    "syp": "Syrian pounds",
    "lbp": "Lebanese pounds",
    "egp": "Egyptian pounds",
    "sar": "riyals",
    "qar": "riyals",
    "irr": "rials",
    "iqd": "dinars",
    "jod": "dinars",
    "aed": "dirhams",
    "rub": "roubles",
    "cny": "yuan",
    "inr": "rupees",
    "chf": "Swiss francs",
    "cad": "Canadian dollars",
    "aud": "Australian dollars",
}
_PERCENT_UNITS = {"percent", "%", "per cent"}
# The counted thing is a lemma; the figure's own words may use the plural.
_IRREGULAR_PLURALS = {"person": "people", "child": "children", "man": "men", "woman": "women"}
_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def _compact(value) -> str:
    """Large sums as people say them: "55 million", "2.5 billion"."""
    if value is None or value == "":
        return figure(value)
    number = float(value)
    for scale, word in _SCALES:
        if math.isfinite(number) and abs(number) >= scale:
            return f"{number / scale:,.3f}".rstrip("0").rstrip(".") + f" {word}"
    return figure(number)


def _is_percent(claim) -> bool:
    return claim.kind == "percent" or (claim.unit or "") in _PERCENT_UNITS


@register.filter
def reading_with_unit(claim) -> str:
    """The reading with what it counts, said once: "≥ 80 people", "$55 million", "35%",
    "2 billion lira"."""
    unit = (claim.unit or "").strip()
    if _is_percent(claim):
        return f"{reading(claim)}%"
    if claim.kind == "money" and unit in CURRENCY_SYMBOLS:
        symbol = CURRENCY_SYMBOLS[unit]
        return _reading(claim, lambda v: figure(v) if v is None else f"{symbol}{_compact(v)}")
    if claim.kind == "money":
        return f"{_reading(claim, _compact)} {CURRENCY_NAMES.get(unit, unit.upper())}".strip()
    return f"{reading(claim)} {unit}".strip()


@register.filter
def text_with_unit(claim) -> str:
    """The figure as the article wrote it, with the counted thing when the words do not
    already say it: "more than 80 people", but "$55 million" and "35%" as written."""
    unit = unit_after_text(claim)
    return f"{claim.text} {unit}" if unit else claim.text or ""


@register.filter
def unit_after_text(claim) -> str:
    """The counted thing, when the figure's own words do not say it; else ""."""
    text = claim.text or ""
    unit = (claim.unit or "").strip()
    if not unit or claim.kind == "money" or _is_percent(claim):
        return ""
    words = {w.strip(".,;:()\"'").lower() for w in text.split()}
    said = (unit, _IRREGULAR_PLURALS.get(unit, unit))
    if any(w.startswith(said) for w in words):
        return ""
    return unit


@register.filter
def signed_figure(value) -> str:
    if value is None:
        return "—"
    if value > 0:
        return f"+{figure(value)}"
    if value < 0:
        return f"−{figure(-value)}"
    return "0"


# Labels by value, read once: a model's get_FOO_display() builds its choices dict on
# every call, which a page of fifty rows pays hundreds of times.
_VERDICT_LABELS = {value: str(label) for value, label in Claim.Verdict.choices}
_QUALIFIER_LABELS = {value: str(label) for value, label in Claim.Qualifier.choices}
_TREND_LABELS = {value: str(label) for value, label in Claim.Trend.choices}

# A primary key no table reaches, reversed once per page and replaced by each row's.
_ANY_PK = 2**62


class _LinkPattern:
    """A URL with one ``<int:pk>``, reversed and escaped once, filled in for each row."""

    def __init__(self, name: str):
        head, tail = reverse(name, args=[_ANY_PK]).split(str(_ANY_PK))
        self.head, self.tail = html.escape(head), html.escape(tail)

    def __call__(self, pk: int) -> SafeString:
        return SafeString(f"{self.head}{pk}{self.tail}")


def _html(text: str) -> SafeString:
    """``text`` escaped for HTML, as autoescaping would, but once per value in Python."""
    return SafeString(html.escape(text))


def _marked(claim, text: str, *, href: str = "", anchor: bool) -> SafeString:
    attrs = format_html(
        ' class="fig v-{}" title="{} · {}"',
        claim.verdict,
        _VERDICT_LABELS.get(claim.verdict, claim.verdict),
        _QUALIFIER_LABELS.get(claim.qualifier, claim.qualifier),
    )
    if anchor:
        attrs = format_html('{} id="claim-{}"', attrs, claim.pk)
    inner = escape(text)
    if href:
        inner = format_html('<a href="{}">{}</a>', href, inner)
    return format_html("<mark{}>{}</mark>", attrs, inner)


@register.simple_tag
def highlight_article(body: str, claims: Iterable) -> SafeString:
    """The article text with each claim marked in place, from the claims' offsets.

    Claims that overlap one already marked are left unmarked rather than nesting
    marks; the list beside the text still shows them.
    """
    pieces: list[str] = []
    position = 0
    claim_url = _LinkPattern("claims:claim_detail")
    for claim in sorted(claims, key=lambda c: (c.start, c.end)):
        if claim.start < position or claim.end > len(body):
            continue
        pieces.append(escape(body[position : claim.start]))
        text = body[claim.start : claim.end]
        pieces.append(_marked(claim, text, href=claim_url(claim.pk), anchor=True))
        position = claim.end
    pieces.append(escape(body[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece is escaped above


@register.simple_tag
def sentence_with_figure(claim) -> SafeString:
    """The claim's sentence with its own figure marked."""
    return SafeString(_sentence_html(claim))


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
    # A picture with links in it is not an image to a screen reader (which would hide
    # the links): then it is a group of links, each named by its label and count.
    parts = [
        format_html(
            '<svg class="chart chart-bars" viewBox="0 0 {} {}" width="{}" height="{}" '
            'role="{}" aria-label="Bar chart">',
            width,
            height,
            width,
            height,
            "group" if link else "img",
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


# --- Queue rows -------------------------------------------------------------------

_TITLE_CHARS = 60


@register.simple_tag(takes_context=True)
def queue_rows(context, claims: Iterable) -> SafeString:
    """The queue's rows of ``claims`` for the signed-in editor, as HTML."""
    user = context.get("user")
    csrf = _csrf_input(context)
    return SafeString(
        "".join(
            claim_row_html(row, csrf_input=csrf)
            for row in claim_rows(claims, user_id=getattr(user, "pk", None))
        )
    )


@register.simple_tag(takes_context=True)
def queue_row(context, row: dict) -> SafeString:
    """One queue row as a view sends it back alone, with what just happened to it."""
    return claim_row_html(
        row,
        csrf_input=_csrf_input(context),
        just_reviewed=bool(context.get("just_reviewed")),
        stale=context.get("stale") or "",
        error=context.get("error") or "",
        confirm_verdict=context.get("confirm_verdict"),
        confirm_takeover=bool(context.get("confirm_takeover")),
    )


def _csrf_input(context) -> str:
    # What {% csrf_token %} writes, read once per page instead of three times a row.
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # noqa: S105 - Django's "no token" marker
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{html.escape(str(token))}">'


def claim_rows(claims: Iterable, *, user_id: int | None) -> list[dict]:
    """Each queue row's words and links, worked out in Python once per page.

    Every value is escaped here (or is a number made text here); ``claim_row_html``
    places them. The links share one reverse() each per page.
    """
    claim_url = _LinkPattern("claims:claim_detail")
    verdict_url = _LinkPattern("claims:claim_quick_verdict")
    article_url = _LinkPattern("claims:article_detail")
    assign_url = _html(reverse("claims:claim_assignment"))
    rows = []
    for claim in claims:
        pk = claim.pk
        article = claim.article
        source = article.source
        title = str(article)
        if len(title) > _TITLE_CHARS:
            title = Truncator(title).chars(_TITLE_CHARS)
        assignee = claim.assigned_to
        if claim.assigned_to_id == user_id:
            assign_action = "unassign"
        elif not claim.is_reviewed:
            assign_action = "assign"
        else:
            assign_action = ""
        verdict = claim.verdict
        rows.append(
            {
                "claim": claim,
                "pk": pk,
                "verdict": html.escape(verdict),
                "verdict_label": html.escape(_VERDICT_LABELS.get(verdict, verdict)),
                "version": claim.version,
                "url": claim_url(pk),
                "verdict_url": verdict_url(pk),
                "assign_url": assign_url,
                "assign_action": assign_action,
                "assignee": html.escape(assignee.get_username()) if assignee is not None else "",
                "sentence": _sentence_html(claim),
                "reading": html.escape(reading_with_unit(claim)),
                "event": html.escape(claim.event),
                "trend": html.escape(_TREND_LABELS.get(claim.trend, claim.trend).lower()),
                "attribution": html.escape(claim.attribution),
                "source": html.escape((source.name if source is not None else "") or "—"),
                "article_url": article_url(article.pk),
                "title": html.escape(title),
                "worth": _two_places(claim.checkworthiness),
            }
        )
    return rows


def _places(number: float, places: int) -> str:
    """``floatformat:<places>`` (half up, from the shortest repr, no thousands
    separator) without its localisation machinery, a tenth of a millisecond a call."""
    rounded = Decimal(repr(number)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return str(rounded.copy_abs() if rounded.is_zero() else rounded)


def _two_places(number: float) -> str:
    return _places(number, 2)


def _sentence_html(claim) -> str:
    """The sentence with the figure marked as ``_marked`` marks it, built with plain
    escaping: without format_html's per-argument work, which a queue page would pay a
    thousand times."""
    sentence = claim.sentence or ""
    start = claim.start - claim.sentence_start
    end = claim.end - claim.sentence_start
    if not (0 <= start < end <= len(sentence)):
        return html.escape(sentence)
    verdict = claim.verdict
    label = html.escape(_VERDICT_LABELS.get(verdict, verdict))
    qualifier = html.escape(_QUALIFIER_LABELS.get(claim.qualifier, claim.qualifier))
    return (
        f'{html.escape(sentence[:start])}<mark class="fig v-{html.escape(verdict)}" '
        f'title="{label} · {qualifier}">{html.escape(sentence[start:end])}</mark>'
        f"{html.escape(sentence[end:])}"
    )


@register.simple_tag
def related_rows(claim, related: Iterable) -> SafeString:
    """The claim page's "Related figures" rows, written in Python like the queue's:
    a story's quantity holds dozens of figures, and through the template language
    each row cost about half a millisecond."""
    claim_url = _LinkPattern("claims:claim_detail")
    article_url = _LinkPattern("claims:article_detail")
    this = f'<td class="this"><strong>{html.escape(reading_with_unit(claim))}</strong></td>'
    rows = []
    for r in related:
        other = r.claim
        article = other.article
        relation = html.escape(str(r.relation))
        attribution = (
            f'<span class="small">per {html.escape(other.attribution)}</span>'
            if other.attribution
            else ""
        )
        if r.same_article:
            where = '<span class="pill">same article</span>'
        else:
            source = article.source.name if article.source_id else ""
            where = html.escape(source or "no source")
        if r.agrees:
            difference = '<span class="muted">overlaps</span>'
        else:
            difference = html.escape(signed_figure(r.difference))
            if r.difference_percent is not None:
                percent = _places(r.difference_percent, 1)
                difference += f'<div class="small muted">{percent}%</div>'
        verdict = other.verdict
        rows.append(
            f'<tr class="rel-{relation}">{this}'
            f'<td><span class="relation r-{relation}">{relation}</span></td>'
            f'<td class="other"><a href="{claim_url(other.pk)}"><strong>'
            f"{html.escape(reading_with_unit(other))}</strong></a>{attribution}"
            f'<div class="small sentence">{_sentence_html(other)}</div></td>'
            f'<td class="where small">{where}<div class="muted">'
            f'<a href="{article_url(article.pk)}#claim-{other.pk}">'
            f"{html.escape(Truncator(str(article)).chars(50))}</a></div>"
            f'<span class="badge v-{html.escape(verdict)}">'
            f"{html.escape(_VERDICT_LABELS.get(verdict, verdict))}</span></td>"
            f'<td class="num">{difference}</td></tr>\n'
        )
    return SafeString("".join(rows))


# The buttons of every row's quick verdict form, the same on each.
_VERDICT_BUTTONS = "".join(
    f'<button type="submit" name="verdict" value="{v.value}" data-key="{v.key}" '
    f'class="qv v-{v.value}" title="{html.escape(v.label)} ({v.key})">{v.key}</button>'
    for v in QUICK_VERDICTS
)


def claim_row_html(  # noqa: PLR0913 - what a row may carry after an action on it
    row: dict,
    *,
    csrf_input: str,
    just_reviewed: bool = False,
    stale: str = "",
    error: str = "",
    confirm_verdict=None,
    confirm_takeover: bool = False,
) -> SafeString:
    """One ``<tr>`` of the queue from a ``claim_rows`` row.

    Written in Python: through the template language a row cost about 0.4 ms of CPU
    (three csrf_token tags, a dozen conditions, a hundred variable lookups), most of a
    two-hundred-row page. Every value in ``row`` is already escaped; ``stale``,
    ``error`` and the verdict's label are escaped here.
    """
    pk, verdict_url, assign_url = row["pk"], row["verdict_url"], row["assign_url"]
    classes = f"qrow v-edge v-{row['verdict']}"
    if just_reviewed:
        classes += " just-reviewed"
    if stale:
        classes += " is-stale"
    hx = f'hx-target="#row-{pk}" hx-swap="outerHTML"'
    version = f'<input type="hidden" name="version" value="{row["version"]}">'
    notes = []
    if stale:
        notes.append(f'<p class="stale-inline" role="alert">{conditional_escape(stale)}</p>')
    if error:
        notes.append(f'<p class="field-error">{conditional_escape(error)}</p>')
    if confirm_verdict is not None:
        notes.append(
            f'<form method="post" action="{verdict_url}" class="confirm-inline" role="alert" '
            f'hx-post="{verdict_url}" {hx}>{csrf_input}{version}'
            f'<input type="hidden" name="verdict" value="{html.escape(confirm_verdict.value)}">'
            '<input type="hidden" name="confirm_other_assignee" value="on">'
            f"Assigned to {row['assignee']}. "
            '<button type="submit" class="btn small" autofocus>'
            f"Mark it “{html.escape(str(confirm_verdict.label))}” anyway</button></form>"
        )
    if confirm_takeover:
        notes.append(
            f'<form method="post" action="{assign_url}" class="confirm-inline" role="alert" '
            f'hx-post="{assign_url}" {hx}>{csrf_input}'
            f'<input type="hidden" name="claim" value="{pk}">'
            '<input type="hidden" name="action" value="assign">'
            '<input type="hidden" name="confirm" value="yes">'
            f"Assigned to {row['assignee']}; they will be told. "
            '<button type="submit" class="btn small" autofocus>Take it over</button></form>'
        )
    reading = f"<strong>{row['reading']}</strong>"
    if row["event"]:
        trend = f" · {row['trend']}" if row["trend"] else ""
        reading += f'<div class="muted small">{row["event"]}{trend}</div>'
    if row["attribution"]:
        reading += f'<div class="small">per {row["attribution"]}</div>'
    assignee = (
        f'<div class="small muted assignee">→ {row["assignee"]}</div>' if row["assignee"] else ""
    )
    action = row["assign_action"]
    if action == "unassign":
        assign_button = (
            '<button type="submit" name="action" value="unassign" data-key="a" '
            'class="linkish small">give back</button>'
        )
    elif action == "assign":
        assign_button = (
            '<button type="submit" name="action" value="assign" data-key="a" '
            f'class="linkish small">{"take over" if row["assignee"] else "assign to me"}</button>'
        )
    else:
        assign_button = ""
    return SafeString(
        f'<tr id="row-{pk}" class="{classes}" data-url="{row["url"]}" tabindex="-1">'
        f'<td class="tick"><input type="checkbox" name="claim" value="{pk}" form="bulk" '
        f'aria-label="Tick claim {pk}"><input type="hidden" name="version-{pk}" '
        f'value="{row["version"]}" form="bulk"></td>'
        f'<td class="sentence"><a href="{row["url"]}" class="rowlink">{row["sentence"]}</a>'
        f"{''.join(notes)}</td>"
        f'<td class="reading">{reading}</td>'
        f'<td class="where"><span class="small">{row["source"]}</span>'
        f'<div class="muted small"><a href="{row["article_url"]}#claim-{pk}">{row["title"]}'
        "</a></div></td>"
        f'<td class="num">{row["worth"]}</td>'
        f'<td class="verdict-cell"><span class="badge v-{row["verdict"]}">'
        f"{row['verdict_label']}</span>{assignee}"
        f'<form method="post" action="{verdict_url}" class="quick" hx-post="{verdict_url}" '
        f"{hx}>{csrf_input}{version}{_VERDICT_BUTTONS}</form>"
        f'<form method="post" action="{assign_url}" class="quick" hx-post="{assign_url}" '
        f'{hx}>{csrf_input}<input type="hidden" name="claim" value="{pk}">{assign_button}'
        "</form></td></tr>\n"
    )
