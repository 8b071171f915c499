"""How figures and highlighted text are drawn: offsets, escaping, numbers, charts."""

from __future__ import annotations

import pytest

from claims.services.dashboard import Bar
from claims.templatetags.claims_tags import (
    bar_chart,
    column_chart,
    figure,
    highlight_article,
    reading,
    sentence_with_figure,
    signed_figure,
)

from .factories import ClaimFactory

pytestmark = pytest.mark.django_db


def test_highlight_article_marks_each_claim_at_its_offsets():
    body = "A & B: 12 died, then 40 more."
    first = ClaimFactory.build(pk=1, start=7, end=9, text="12")
    second = ClaimFactory.build(pk=2, start=21, end=23, text="40", verdict="verified")
    html = str(highlight_article(body, [second, first]))
    assert html.startswith("A &amp; B: <mark ")
    assert '<a href="/claims/1/">12</a></mark> died, then <mark class="fig v-verified"' in html
    assert html.endswith("</mark> more.")


def test_highlight_article_skips_overlapping_and_out_of_range_claims():
    body = "more than 80 people"
    outer = ClaimFactory.build(pk=1, start=0, end=12)
    inner = ClaimFactory.build(pk=2, start=10, end=12)
    beyond = ClaimFactory.build(pk=3, start=15, end=40)
    html = str(highlight_article(body, [outer, inner, beyond]))
    assert html.count("<mark") == 1
    assert html.endswith("</mark> people")


def test_sentence_with_figure_escapes_and_survives_bad_offsets():
    claim = ClaimFactory.build(
        pk=1, sentence="<b>80</b> people", sentence_start=100, start=103, end=105, text="80"
    )
    html = str(sentence_with_figure(claim))
    assert html.startswith("&lt;b&gt;<mark")
    assert html.endswith("</mark>&lt;/b&gt; people")
    claim.start, claim.end = 90, 95
    assert str(sentence_with_figure(claim)) == "&lt;b&gt;80&lt;/b&gt; people"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, "—"), (80.0, "80"), (3_000_000.0, "3,000,000"), (2.5, "2.5"), (float("inf"), "∞")],
)
def test_figure_reads_like_a_newspaper(value, shown):
    assert figure(value) == shown


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"qualifier": "exact", "value": 80.0}, "80"),
        ({"qualifier": "approximate", "value": 40.0}, "≈ 40"),
        ({"qualifier": "lower_bound", "lower": 80.0}, "≥ 80"),
        ({"qualifier": "upper_bound", "upper": 10.0, "lower": None}, "≤ 10"),
        ({"qualifier": "vague", "lower": 2000.0, "upper": 9999.0, "value": None}, "2,000–9,999"),
    ],
)
def test_reading_shows_the_interval(fields, shown):
    assert reading(ClaimFactory.build(**fields)) == shown


def test_signed_figure_uses_a_real_minus():
    assert (signed_figure(-36.0), signed_figure(5.0), signed_figure(0.0)) == ("−36", "+5", "0")


def test_charts_escape_labels():
    bars = [Bar(key="x", label="<script>", value=3), Bar(key="y", label="B", value=0)]
    for svg in (str(bar_chart(bars)), str(column_chart(bars))):
        assert svg.startswith("<svg") and svg.endswith("</svg>")
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg


def test_bar_chart_links_each_bar_when_asked():
    bars = [
        Bar(key="false", label="False", value=2),
        Bar(key="verified", label="Verified", value=1),
    ]
    svg = str(bar_chart(bars, link="/queue/?verdict="))
    assert svg.count('<a href="/queue/?verdict=') == 2 == svg.count("</a>")
    assert "<a " not in str(bar_chart(bars))
