"""Articles without a title take their headline; figures show their unit once."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import Article, Claim
from claims.services import article_submit
from claims.services.articles import headline_of
from claims.services.ingestion import article_submit_upload
from claims.templatetags.claims_tags import reading_with_unit, text_with_unit

from .conftest import client_for
from .factories import ClaimFactory

BODY = "At least 75 people were killed in Idlib on Monday, the civil defence said."


@pytest.mark.parametrize(
    ("text", "headline"),
    [
        (f"Dozens dead in Idlib fighting\n\n{BODY}", "Dozens dead in Idlib fighting"),
        (f"  Is the truce over?  \n{BODY}", "Is the truce over?"),
        (
            f"Turkey pledges 2 billion lira   for   rebuilding\n{BODY}",
            "Turkey pledges 2 billion lira for rebuilding",
        ),  # noqa: E501
        # A sentence, not a headline: it ends with a full stop.
        (f"{BODY}\n\nMore followed.", ""),
        # Ends mid-sentence.
        (f"According to the monitor,\n{BODY}", ""),
        # Too long to be a headline.
        (" ".join(["word"] * 25) + f"\n{BODY}", ""),
        # Only figures.
        (f"12/03/2024\n{BODY}", ""),
        # The only line is the article itself.
        ("Dozens dead in Idlib fighting", ""),
    ],
)
def test_headline_of_takes_a_short_first_line_without_a_full_stop(text, headline):
    assert headline_of(text) == headline


@pytest.mark.django_db
def test_pasted_article_without_title_is_named_by_its_headline():
    article = article_submit(
        text=f"Dozens dead in Idlib fighting\n\n{BODY}", origin=Article.Origin.PASTE
    ).article
    assert article.title == "Dozens dead in Idlib fighting"
    assert str(article) == "Dozens dead in Idlib fighting"
    # The text itself is kept whole: the claims' offsets point into it.
    assert article.body.startswith("Dozens dead in Idlib fighting\n\n")


@pytest.mark.django_db
def test_pasted_article_keeps_the_title_it_was_given():
    article = article_submit(
        text=f"Dozens dead in Idlib fighting\n\n{BODY}",
        title="Idlib: the civil defence count",
        origin=Article.Origin.PASTE,
    ).article
    assert article.title == "Idlib: the civil defence count"


@pytest.mark.django_db
def test_pasted_article_starting_with_a_sentence_stays_untitled():
    article = article_submit(text=f"{BODY}\n\nMore followed.", origin=Article.Origin.PASTE).article
    assert article.title == ""
    assert str(article) == f"Article {article.pk}"


@pytest.mark.django_db
def test_uploaded_txt_without_title_is_named_by_its_headline():
    data = f"Flood waters reach Deir ez-Zor\r\n\r\n{BODY}".encode()
    result = article_submit_upload(uploaded_file=SimpleUploadedFile("story.txt", data))
    assert result.article.title == "Flood waters reach Deir ez-Zor"


@pytest.mark.django_db
def test_article_from_a_url_is_not_named_by_its_first_line():
    article = article_submit(
        text=f"Menu\n\n{BODY}", origin=Article.Origin.URL, url="https://example.org/a"
    ).article
    assert article.title == ""


def _claim(**fields) -> Claim:
    defaults = {"value": None, "lower": None, "upper": None, "unit": "", "kind": "count"}
    return Claim(**{**defaults, **fields})


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        (
            {
                "text": "$55 million",
                "value": 55e6,
                "kind": "money",
                "unit": "usd",
                "qualifier": "exact",
            },
            "$55 million",
        ),  # noqa: E501
        (
            {
                "text": "about £1.25bn",
                "value": 1.25e9,
                "kind": "money",
                "unit": "gbp",
                "qualifier": "approximate",
            },
            "≈ £1.25 billion",
        ),  # noqa: E501
        (
            {
                "text": "2 billion lira",
                "value": 2e9,
                "kind": "money",
                "unit": "try",
                "qualifier": "exact",
            },
            "2 billion lira",
        ),  # noqa: E501
        (
            {"text": "$500", "value": 500, "kind": "money", "unit": "usd", "qualifier": "exact"},
            "$500",
        ),  # noqa: E501
        (
            {
                "text": "5 million dong",
                "value": 5e6,
                "kind": "money",
                "unit": "vnd",
                "qualifier": "exact",
            },
            "5 million VND",
        ),  # noqa: E501
        (
            {
                "text": "35%",
                "value": 35,
                "kind": "percent",
                "unit": "percent",
                "qualifier": "exact",
            },
            "35%",
        ),  # noqa: E501
        (
            {
                "text": "30 to 35 percent",
                "lower": 30,
                "upper": 35,
                "kind": "percent",
                "unit": "percent",
                "qualifier": "range",
            },
            "30–35%",
        ),  # noqa: E501
        (
            {
                "text": "more than 80",
                "value": 80,
                "lower": 80,
                "unit": "people",
                "qualifier": "lower_bound",
            },
            "≥ 80 people",
        ),  # noqa: E501
        (
            {"text": "40 km", "value": 40, "kind": "measure", "unit": "km", "qualifier": "exact"},
            "40 km",
        ),  # noqa: E501
        ({"text": "dozens", "lower": 24, "upper": 99, "unit": "", "qualifier": "vague"}, "24–99"),
    ],
)
def test_reading_with_unit_says_the_unit_once(fields, shown):
    assert reading_with_unit(_claim(**fields)) == shown


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"text": "$55 million", "kind": "money", "unit": "usd"}, "$55 million"),
        ({"text": "35%", "kind": "percent", "unit": "percent"}, "35%"),
        ({"text": "2 billion lira", "kind": "money", "unit": "try"}, "2 billion lira"),
        ({"text": "more than 80", "unit": "people"}, "more than 80 people"),
        ({"text": "80 people", "unit": "person"}, "80 people"),
        ({"text": "dozens of civilians", "unit": "civilian"}, "dozens of civilians"),
        ({"text": "40 km", "kind": "measure", "unit": "km"}, "40 km"),
        ({"text": "1990", "unit": ""}, "1990"),
    ],
)
def test_text_with_unit_adds_the_counted_thing_only_when_unsaid(fields, shown):
    assert text_with_unit(_claim(**fields)) == shown


@pytest.mark.django_db
def test_claim_page_and_queue_show_money_and_percent_once(editor):
    money = ClaimFactory(
        text="$55 million",
        value=55e6,
        lower=55e6,
        upper=55e6,
        kind=Claim.Kind.MONEY,
        unit="usd",
        qualifier=Claim.Qualifier.EXACT,
        sentence="The fund pledged $55 million.",
        sentence_start=0,
        start=16,
        end=27,
    )
    share = ClaimFactory(
        text="35%",
        value=35,
        lower=35,
        upper=35,
        kind=Claim.Kind.PERCENT,
        unit="percent",
        qualifier=Claim.Qualifier.EXACT,
    )
    client = client_for(editor)
    page = client.get(money.get_absolute_url()).content.decode()
    heading = page[page.index("<h1>") : page.index("</h1>")]
    assert '<span class="figure-title">$55 million</span>' in heading
    assert "usd" not in heading
    assert "<dt>Figure</dt><dd><strong>$55 million</strong>" in page
    queue = client.get("/queue/").content.decode()
    assert "<strong>$55 million</strong>" in queue
    assert "<strong>35%</strong>" in queue
    assert "35% percent" not in queue and "percent</td>" not in queue
    assert share.pk
