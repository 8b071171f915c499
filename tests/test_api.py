"""The REST API: claims, articles, reviews and sources, for every kind of caller."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from claims.api.renderers import CLAIM_CSV_COLUMNS
from claims.api.serializers import ClaimOutputSerializer
from claims.models import Article, Claim, Review

from .conftest import api_client, api_token_for
from .factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    ReviewFactory,
    SourceFactory,
)

API = "/api/v1"


def reviewed_claim(**kwargs) -> Claim:
    defaults = {
        "verdict": Claim.Verdict.VERIFIED,
        "reviewed_at": timezone.now(),
    }
    return ClaimFactory(**{**defaults, **kwargs})


@pytest.fixture
def cast(request, anonymous, api_consumer, editor, admin):
    return {
        "anonymous": anonymous,
        "consumer": api_consumer,
        "editor": editor,
        "admin": admin,
    }


# --- Permissions: every endpoint, every tier ---------------------------------------

TIERS = ("anonymous", "consumer", "editor", "admin")


def _review_body(claim):
    return {"verdict": "false", "version": claim.version, "note": "Contradicted by the UN."}


ENDPOINTS = {
    # name: (method, url builder, body builder, expected statuses per tier)
    "claims_list": ("get", lambda c: "/claims/", None, (401, 200, 200, 200)),
    "claim_reviewed": ("get", lambda c: f"/claims/{c['reviewed'].pk}/", None, (401, 200, 200, 200)),
    "claim_unreviewed": (
        "get",
        lambda c: f"/claims/{c['unreviewed'].pk}/",
        None,
        (401, 404, 200, 200),
    ),
    "claimreview_reviewed": (
        "get",
        lambda c: f"/claims/{c['reviewed'].pk}/claimreview",
        None,
        (401, 200, 200, 200),
    ),
    "claimreview_unreviewed": (
        "get",
        lambda c: f"/claims/{c['unreviewed'].pk}/claimreview",
        None,
        (401, 404, 404, 404),
    ),
    "reviews_history": (
        "get",
        lambda c: f"/claims/{c['reviewed'].pk}/reviews/",
        None,
        (401, 403, 200, 200),
    ),
    "reviews_submit": (
        "post",
        lambda c: f"/claims/{c['unreviewed'].pk}/reviews/",
        lambda c: _review_body(c["unreviewed"]),
        (401, 403, 201, 201),
    ),
    "articles_list": ("get", lambda c: "/articles/", None, (401, 200, 200, 200)),
    "articles_submit": (
        "post",
        lambda c: "/articles/",
        lambda c: {"title": "Floods", "text": "Floods displaced more than 3,000 people."},
        (401, 403, 202, 202),
    ),
    "article_detail": (
        "get",
        lambda c: f"/articles/{c['reviewed'].article_id}/",
        None,
        (401, 200, 200, 200),
    ),
    "article_claims": (
        "get",
        lambda c: f"/articles/{c['reviewed'].article_id}/claims/",
        None,
        (401, 403, 200, 200),
    ),
    "sources_list": ("get", lambda c: "/sources/", None, (401, 200, 200, 200)),
    "health": ("get", lambda c: "/health", None, (200, 200, 200, 200)),
    "health_live": ("get", lambda c: "/health/live", None, (200, 200, 200, 200)),
}


@pytest.mark.parametrize("tier_index", range(len(TIERS)), ids=TIERS)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_api_endpoint_answers_each_tier(endpoint, tier_index, cast):
    method, url_for, body_for, expected = ENDPOINTS[endpoint]
    claims = {"reviewed": reviewed_claim(), "unreviewed": ClaimFactory()}
    client = api_client(cast[TIERS[tier_index]])
    url = API + url_for(claims)
    if method == "post":
        response = client.post(url, body_for(claims), content_type="application/json")
    else:
        response = client.get(url)
    assert response.status_code == expected[tier_index], response.content
    if response.status_code >= 400:
        assert response.json()["error"]["status"] == response.status_code


def test_api_anonymous_is_told_how_to_authenticate(anonymous):
    response = api_client(anonymous).get(f"{API}/claims/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "not_authenticated"


def test_api_session_login_works_for_the_browsable_api(editor):
    client = Client()
    client.force_login(editor)
    response = client.get(f"{API}/claims/", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert b"Claim List" in response.content


def test_api_revoked_token_is_refused(api_consumer):
    client = api_client(api_consumer)
    AuthToken.objects.filter(user=api_consumer).delete()
    response = client.get(f"{API}/claims/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


# --- Claims list and detail --------------------------------------------------------


def test_api_claims_list_hides_unreviewed_claims_from_consumers(api_consumer):
    shown = reviewed_claim()
    ClaimFactory()
    response = api_client(api_consumer).get(f"{API}/claims/")
    assert [c["id"] for c in response.json()["results"]] == [shown.pk]


def test_api_claims_list_shows_editors_every_claim(editor):
    claims = {reviewed_claim().pk, ClaimFactory().pk}
    response = api_client(editor).get(f"{API}/claims/")
    assert {c["id"] for c in response.json()["results"]} == claims


def test_api_claim_detail_shows_article_source_note_and_evidence(api_consumer):
    source = SourceFactory(name="Middle East Eye", slug="middle-east-eye")
    published = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    article = ArticleFactory(
        source=source, title="Strikes", url="https://mee.example/strikes", published_at=published
    )
    claim = reviewed_claim(article=article, attribution="Syrian Observatory for Human Rights")
    ReviewFactory(claim=claim, note="First look.", created_at=timezone.now() - timedelta(hours=1))
    ReviewFactory(claim=claim, note="Matches the monitor's report.")
    EvidenceFactory(claim=claim, url="https://monitor.example/report", quoted_figure="83")

    body = api_client(api_consumer).get(f"{API}/claims/{claim.pk}/").json()

    assert body["id"] == claim.pk
    assert body["text"] == "more than 80"
    assert body["sentence"] == claim.sentence
    assert (body["value"], body["lower"], body["upper"]) == (80.0, 80.0, None)
    assert body["qualifier"] == "lower_bound"
    assert body["verdict"] == "verified"
    assert body["verdict_label"] == "Verified"
    assert body["note"] == "Matches the monitor's report."
    assert body["reviewed_at"] is not None
    assert body["article"] == {
        "id": article.pk,
        "title": "Strikes",
        "url": "https://mee.example/strikes",
        "published_at": "2024-03-01T09:30:00Z",
    }
    assert body["source"] == {"id": source.pk, "name": "Middle East Eye", "slug": "middle-east-eye"}
    assert [(e["url"], e["quoted_figure"], e["stance"]) for e in body["evidence"]] == [
        ("https://monitor.example/report", "83", "supports")
    ]


def test_api_claim_output_matches_its_documented_fields(editor):
    claim = reviewed_claim()
    body = api_client(editor).get(f"{API}/claims/{claim.pk}/").json()
    assert set(body) == set(ClaimOutputSerializer().fields)


def test_api_claim_detail_unknown_id_is_404_in_the_error_format(editor):
    response = api_client(editor).get(f"{API}/claims/999999/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# --- Filters ----------------------------------------------------------------------


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {c["id"] for c in response.json()["results"]}


def test_api_claims_filter_by_verdict(api_consumer):
    verified = reviewed_claim()
    reviewed_claim(verdict=Claim.Verdict.FALSE)
    response = api_client(api_consumer).get(f"{API}/claims/", {"verdict": "verified"})
    assert _ids(response) == {verified.pk}


def test_api_claims_filter_by_source_id_or_slug(api_consumer):
    source = SourceFactory(slug="reuters")
    wanted = reviewed_claim(article=ArticleFactory(source=source))
    reviewed_claim()
    client = api_client(api_consumer)
    assert _ids(client.get(f"{API}/claims/", {"source": source.pk})) == {wanted.pk}
    assert _ids(client.get(f"{API}/claims/", {"source": "reuters"})) == {wanted.pk}


def test_api_claims_filter_by_article_event_unit_and_qualifier(api_consumer):
    article = ArticleFactory()
    wanted = reviewed_claim(article=article, event="flee", unit="family", qualifier="exact")
    reviewed_claim(article=article, event="kill", unit="family", qualifier="exact")
    reviewed_claim(event="flee", unit="family", qualifier="exact")
    params = {"article": article.pk, "event": "flee", "unit": "family", "qualifier": "exact"}
    assert _ids(api_client(api_consumer).get(f"{API}/claims/", params)) == {wanted.pk}


def test_api_claims_filter_value_range_intersects_the_claims_bounds(api_consumer):
    exact_50 = reviewed_claim(qualifier="exact", value=50, lower=50, upper=50)
    over_80 = reviewed_claim(qualifier="lower_bound", value=80, lower=80, upper=None)
    up_to_10 = reviewed_claim(qualifier="upper_bound", value=10, lower=None, upper=10)
    hundreds = reviewed_claim(qualifier="vague", value=None, lower=200, upper=999)
    about_100 = reviewed_claim(qualifier="approximate", value=100, lower=None, upper=None)
    client = api_client(api_consumer)

    def matching(**params):
        return _ids(client.get(f"{API}/claims/", params))

    assert matching(value_min=40, value_max=60) == {exact_50.pk}
    assert matching(value_min=500) == {over_80.pk, hundreds.pk}
    assert matching(value_max=12) == {up_to_10.pk}
    # "about 100" reaches 90..110.
    assert matching(value_min=105, value_max=150) == {over_80.pk, about_100.pk}
    assert matching(value_min=1000, value_max=2000) == {over_80.pk}


def test_api_claims_filter_value_range_reads_negative_approximate_figures(api_consumer):
    about_minus_12 = reviewed_claim(qualifier="approximate", value=-12, lower=None, upper=None)
    client = api_client(api_consumer)

    def matching(**params):
        return _ids(client.get(f"{API}/claims/", params))

    # "about -12" reaches -13.2..-10.8.
    assert matching(value_min=-11, value_max=-11) == {about_minus_12.pk}
    assert matching(value_min=-13, value_max=-13) == {about_minus_12.pk}
    assert matching(value_min=-10) == set()
    assert matching(value_max=-14) == set()


def test_api_claims_filter_reviewed_and_published_dates(api_consumer):
    day = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
    early = reviewed_claim(
        reviewed_at=day - timedelta(days=5),
        article=ArticleFactory(published_at=day - timedelta(days=30)),
    )
    late = reviewed_claim(reviewed_at=day, article=ArticleFactory(published_at=day))
    client = api_client(api_consumer)
    assert _ids(client.get(f"{API}/claims/", {"reviewed_since": "2024-05-10"})) == {late.pk}
    assert _ids(client.get(f"{API}/claims/", {"reviewed_until": "2024-05-09"})) == {early.pk}
    assert _ids(client.get(f"{API}/claims/", {"reviewed_until": "2024-05-10T12:00:00Z"})) == {
        early.pk,
        late.pk,
    }
    assert _ids(client.get(f"{API}/claims/", {"published_since": "2024-05-01"})) == {late.pk}
    assert _ids(client.get(f"{API}/claims/", {"published_until": "2024-04-30"})) == {early.pk}


def test_api_claims_filter_q_searches_the_sentence(api_consumer):
    wanted = reviewed_claim(sentence="Floods displaced 3,000 families in Sindh.")
    reviewed_claim(sentence="More than 80 people were killed.")
    response = api_client(api_consumer).get(f"{API}/claims/", {"q": "sindh"})
    assert _ids(response) == {wanted.pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"verdict": "true-ish"}, "verdict"),
        ({"value_min": "lots"}, "value_min"),
        ({"value_min": "10", "value_max": "5"}, "value_max"),
        ({"value_max": "nan"}, "value_max"),
        ({"reviewed_since": "yesterday"}, "reviewed_since"),
        ({"article": "abc"}, "article"),
        ({"ordering": "title"}, "ordering"),
        ({"page_size": "0"}, "page_size"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_api_claims_invalid_filter_is_400_naming_the_field(api_consumer, params, field):
    response = api_client(api_consumer).get(f"{API}/claims/", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (400, "invalid")
    assert field in error["details"]


# --- Ordering and pagination --------------------------------------------------------


def test_api_claims_default_order_is_newest_review_first(api_consumer):
    now = timezone.now()
    old = reviewed_claim(reviewed_at=now - timedelta(days=2))
    new = reviewed_claim(reviewed_at=now)
    middle = reviewed_claim(reviewed_at=now - timedelta(days=1))
    results = api_client(api_consumer).get(f"{API}/claims/").json()["results"]
    assert [c["id"] for c in results] == [new.pk, middle.pk, old.pk]


def test_api_claims_ordering_by_checkworthiness(api_consumer):
    low = reviewed_claim(checkworthiness=0.1)
    high = reviewed_claim(checkworthiness=0.9)
    client = api_client(api_consumer)
    results = client.get(f"{API}/claims/", {"ordering": "-checkworthiness"}).json()["results"]
    assert [c["id"] for c in results] == [high.pk, low.pk]
    results = client.get(f"{API}/claims/", {"ordering": "checkworthiness"}).json()["results"]
    assert [c["id"] for c in results] == [low.pk, high.pk]


def _walk(client, url, params, *, link="next") -> list[list[int]]:
    pages = []
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([c["id"] for c in body["results"]])
        if not body[link]:
            return pages
        response = client.get(body[link])


@pytest.mark.parametrize("ordering", ["-reviewed_at", "reviewed_at", "-checkworthiness", "id"])
def test_api_claims_cursor_pages_cover_every_claim_once_including_unreviewed(editor, ordering):
    now = timezone.now()
    claims = [
        reviewed_claim(reviewed_at=now - timedelta(hours=i % 3), checkworthiness=(i % 4) / 4)
        for i in range(7)
    ] + [ClaimFactory(checkworthiness=0.5) for _ in range(3)]
    pages = _walk(api_client(editor), f"{API}/claims/", {"page_size": 3, "ordering": ordering})
    assert [len(page) for page in pages] == [3, 3, 3, 1]
    seen = [pk for page in pages for pk in page]
    assert sorted(seen) == sorted(c.pk for c in claims)


def test_api_claims_previous_link_returns_the_page_before(editor):
    for i in range(5):
        reviewed_claim(reviewed_at=timezone.now() - timedelta(hours=i))
    ClaimFactory()
    client = api_client(editor)
    first = client.get(f"{API}/claims/", {"page_size": 2}).json()
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    back = client.get(third["previous"]).json()
    assert [c["id"] for c in back["results"]] == [c["id"] for c in second["results"]]
    back_again = client.get(back["previous"]).json()
    assert [c["id"] for c in back_again["results"]] == [c["id"] for c in first["results"]]
    assert back_again["previous"] is None


def test_api_claims_page_size_is_capped(api_consumer):
    for _ in range(3):
        reviewed_claim()
    response = api_client(api_consumer).get(f"{API}/claims/", {"page_size": 100000})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_api_claims_list_query_count_does_not_grow_with_page_size(
    editor, django_assert_num_queries, settings
):
    settings.NEWSFACTS_API_TOKEN_CACHE_SECONDS = 60
    for i in range(12):
        claim = reviewed_claim(article=ArticleFactory(source=SourceFactory()))
        ReviewFactory(claim=claim, note=f"note {i}")
        EvidenceFactory(claim=claim, source=SourceFactory())
    client = api_client(editor)
    # Warms the content-type cache, and the token's account is kept in the cache.
    client.get(f"{API}/claims/", {"page_size": 1})
    # the page of claims (one keyset query) + their evidence
    with django_assert_num_queries(2):
        small = client.get(f"{API}/claims/", {"page_size": 2})
    with django_assert_num_queries(2):
        large = client.get(f"{API}/claims/", {"page_size": 10})
    assert len(small.json()["results"]) == 2
    assert len(large.json()["results"]) == 10
    assert all(c["evidence"] and c["note"] for c in large.json()["results"])


def test_api_article_claims_query_count_does_not_grow_with_claims(
    editor, django_assert_num_queries, settings
):
    settings.NEWSFACTS_API_TOKEN_CACHE_SECONDS = 60
    small, large = ArticleFactory(), ArticleFactory()
    ClaimFactory(article=small)
    for _ in range(8):
        EvidenceFactory(claim=ClaimFactory(article=large))
    client = api_client(editor)
    client.get(f"{API}/articles/{small.pk}/claims/")
    # article exists + claims + evidence; the token's account is in the cache
    with django_assert_num_queries(3):
        client.get(f"{API}/articles/{small.pk}/claims/")
    with django_assert_num_queries(3):
        response = client.get(f"{API}/articles/{large.pk}/claims/")
    assert len(response.json()) == 8


# --- CSV ----------------------------------------------------------------------------


def test_api_claims_csv_has_flat_columns_and_same_filters(api_consumer):
    article = ArticleFactory(title="Floods", url="https://news.example/floods")
    wanted = reviewed_claim(article=article, attribution="OCHA")
    EvidenceFactory(claim=wanted, url="https://ocha.example/sitrep")
    reviewed_claim(verdict=Claim.Verdict.FALSE)
    response = api_client(api_consumer).get(
        f"{API}/claims/", {"format": "csv", "verdict": "verified"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == list(CLAIM_CSV_COLUMNS)
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == str(wanted.pk)
    assert row["article_title"] == "Floods"
    assert row["article_url"] == "https://news.example/floods"
    assert row["attribution"] == "OCHA"
    assert row["evidence_urls"] == "https://ocha.example/sitrep"


def test_api_claims_csv_pages_through_the_link_header(api_consumer):
    for _ in range(3):
        reviewed_claim()
    client = api_client(api_consumer)
    response = client.get(f"{API}/claims/", {"format": "csv", "page_size": 2})
    assert len(response.content.decode().strip().splitlines()) == 3
    next_url = response["Link"].split(";")[0].strip("<>")
    second = client.get(next_url)
    assert second["Content-Type"].startswith("text/csv")
    assert len(second.content.decode().strip().splitlines()) == 2
    assert "Link" not in second


def test_api_claims_csv_defuses_spreadsheet_formulas(api_consumer):
    reviewed_claim(attribution='=HYPERLINK("http://evil.example")')
    response = api_client(api_consumer).get(f"{API}/claims/", {"format": "csv"})
    row = next(csv.DictReader(io.StringIO(response.content.decode())))
    assert row["attribution"].startswith("'=")


def test_api_claims_csv_errors_are_still_json(api_consumer):
    response = api_client(api_consumer).get(f"{API}/claims/", {"format": "csv", "verdict": "x"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


# --- ClaimReview JSON-LD ------------------------------------------------------------


def test_api_claimreview_has_the_required_schema_org_fields(api_consumer, settings):
    settings.NEWSFACTS_ORGANISATION_NAME = "The Daily Check"
    settings.NEWSFACTS_ORGANISATION_URL = "https://check.example"
    source = SourceFactory(name="Middle East Eye", homepage="https://mee.example")
    article = ArticleFactory(
        source=source,
        title="Strikes in Idlib",
        url="https://mee.example/strikes",
        published_at=datetime(2024, 3, 1, 9, 0, tzinfo=UTC),
    )
    claim = reviewed_claim(
        article=article,
        verdict=Claim.Verdict.MISLEADING,
        reviewed_at=datetime(2024, 3, 2, 15, 0, tzinfo=UTC),
        attribution="Syrian Observatory for Human Rights",
    )
    ReviewFactory(claim=claim, note="The figure counts two days, not one.")

    response = api_client(api_consumer).get(f"{API}/claims/{claim.pk}/claimreview")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    doc = response.json()
    assert doc["@context"] == "https://schema.org"
    assert doc["@type"] == "ClaimReview"
    assert doc["claimReviewed"] == claim.sentence
    assert doc["url"] == f"http://testserver/claims/{claim.pk}/"
    assert doc["datePublished"] == "2024-03-02"
    assert doc["author"] == {
        "@type": "Organization",
        "name": "The Daily Check",
        "url": "https://check.example",
    }
    assert doc["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Misleading",
    }
    assert doc["reviewBody"] == "The figure counts two days, not one."
    item = doc["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {
        "@type": "Organization",
        "name": "Syrian Observatory for Human Rights",
    }
    appearance = {
        "@type": "CreativeWork",
        "url": "https://mee.example/strikes",
        "headline": "Strikes in Idlib",
        "datePublished": "2024-03-01",
    }
    assert item["appearance"] == [appearance]
    assert item["firstAppearance"] == appearance
    assert item["datePublished"] == "2024-03-01"


@pytest.mark.parametrize(
    ("verdict", "rating", "label"),
    [("verified", 5, "Verified"), ("false", 1, "False"), ("unverifiable", 3, "Unverifiable")],
)
def test_api_claimreview_rating_follows_the_verdict(api_consumer, verdict, rating, label):
    claim = reviewed_claim(verdict=verdict)
    doc = api_client(api_consumer).get(f"{API}/claims/{claim.pk}/claimreview").json()
    assert (doc["reviewRating"]["ratingValue"], doc["reviewRating"]["alternateName"]) == (
        rating,
        label,
    )


def test_api_claimreview_person_attribution_is_a_person(api_consumer):
    claim = reviewed_claim(attribution="Trump")
    doc = api_client(api_consumer).get(f"{API}/claims/{claim.pk}/claimreview").json()
    assert doc["itemReviewed"]["author"] == {"@type": "Person", "name": "Trump"}


def test_api_claimreview_without_attribution_credits_the_source(api_consumer):
    source = SourceFactory(name="Reuters", homepage="https://reuters.example")
    claim = reviewed_claim(article=ArticleFactory(source=source), attribution="")
    doc = api_client(api_consumer).get(f"{API}/claims/{claim.pk}/claimreview").json()
    assert doc["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "Reuters",
        "url": "https://reuters.example",
    }


# --- Articles -----------------------------------------------------------------------


def test_api_article_submit_text_is_accepted_and_queued(editor):
    response = api_client(editor).post(
        f"{API}/articles/",
        {"title": "Floods", "text": "Floods displaced more than 3,000 people on Tuesday."},
        content_type="application/json",
    )
    assert response.status_code == 202
    body = response.json()
    article = Article.objects.get(pk=body["id"])
    assert article.submitted_by == editor
    assert article.origin == Article.Origin.API
    assert body["status"] == "queued"
    assert body["progress"] == {"done": 0, "total": 0, "percent": 0}
    assert (body["claim_count"], body["reviewed_count"]) == (0, 0)
    assert response["Location"] == f"{API}/articles/{article.pk}/"


def test_api_article_submit_same_text_twice_returns_the_existing_article(editor):
    body = {"title": "Floods", "text": "Floods displaced more than 3,000 people on Tuesday."}
    client = api_client(editor)
    first = client.post(f"{API}/articles/", body, content_type="application/json")
    again = client.post(f"{API}/articles/", body, content_type="application/json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Article.objects.count() == 1


def test_api_article_submit_url_is_stored_for_fetching(editor):
    client = api_client(editor)
    response = client.post(
        f"{API}/articles/",
        {"url": "https://news.example/story?utm_source=x"},
        content_type="application/json",
    )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "fetching"
    assert body["url"] == "https://news.example/story"
    again = client.post(
        f"{API}/articles/", {"url": "https://news.example/story"}, content_type="application/json"
    )
    assert (again.status_code, again.json()["id"]) == (200, body["id"])


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": "Both", "text": "Some text.", "url": "https://news.example/a"},
        {"text": "No title here."},
        {"url": "not a url"},
        {"title": "Bad source", "text": "Text.", "source": "no-such-source"},
    ],
)
def test_api_article_submit_invalid_body_is_400(editor, body):
    response = api_client(editor).post(f"{API}/articles/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert Article.objects.count() == 0


def test_api_article_submit_refusal_of_the_service_is_a_readable_400(editor):
    response = api_client(editor).post(
        f"{API}/articles/", {"title": "Blank", "text": "   \n  "}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "empty" in str(response.json()["error"]["details"])


def test_api_article_list_and_detail_show_editors_status_progress_and_counts(editor):
    article = ArticleFactory(status=Article.Status.EXTRACTING, progress_done=1, progress_total=4)
    ClaimFactory(article=article)
    reviewed_claim(article=article)
    client = api_client(editor)
    listed = client.get(f"{API}/articles/").json()["results"]
    detail = client.get(f"{API}/articles/{article.pk}/").json()
    assert listed == [detail]
    assert detail["status"] == "extracting"
    assert detail["progress"] == {"done": 1, "total": 4, "percent": 25}
    assert (detail["claim_count"], detail["reviewed_count"]) == (2, 1)
    assert "body" not in detail


def test_api_article_list_filters_by_status_and_pages(editor):
    for _ in range(3):
        ArticleFactory(status=Article.Status.EXTRACTED)
    failed = ArticleFactory(status=Article.Status.FAILED)
    client = api_client(editor)
    assert _ids(client.get(f"{API}/articles/", {"status": "failed"})) == {failed.pk}
    pages = _walk(client, f"{API}/articles/", {"page_size": 3})
    assert [len(p) for p in pages] == [3, 1]


def test_api_article_claims_lists_every_claim_in_reading_order(editor):
    article = ArticleFactory()
    second = ClaimFactory(article=article, start=100, end=110)
    first = reviewed_claim(article=article, start=5, end=15)
    ClaimFactory()
    response = api_client(editor).get(f"{API}/articles/{article.pk}/claims/")
    assert [c["id"] for c in response.json()] == [first.pk, second.pk]


def test_api_article_unknown_is_404(editor):
    client = api_client(editor)
    assert client.get(f"{API}/articles/999999/").status_code == 404
    assert client.get(f"{API}/articles/999999/claims/").status_code == 404


# --- Reviews ------------------------------------------------------------------------


def test_api_review_submit_records_verdict_note_and_evidence(editor):
    source = SourceFactory(slug="ocha")
    claim = ClaimFactory()
    response = api_client(editor).post(
        f"{API}/claims/{claim.pk}/reviews/",
        {
            "verdict": "false",
            "version": claim.version,
            "note": "OCHA counts 40.",
            "evidence": {"stance": "contradicts", "source": "ocha", "quoted_figure": "40"},
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    claim.refresh_from_db()
    assert claim.verdict == "false"
    assert claim.reviewed_by == editor
    assert body["claim"]["version"] == claim.version == 2
    assert body["claim"]["note"] == "OCHA counts 40."
    assert body["claim"]["evidence"][0]["source"] == {"id": source.pk, "name": source.name}
    assert body["review"]["to_verdict"] == "false"
    assert body["review"]["reviewer"] == "editor"


def test_api_review_submit_with_stale_version_is_409_with_current_state(editor, other_editor):
    claim = ClaimFactory()
    body = {"verdict": "verified", "version": claim.version}
    first = api_client(other_editor).post(
        f"{API}/claims/{claim.pk}/reviews/", body, content_type="application/json"
    )
    assert first.status_code == 201
    stale = api_client(editor).post(
        f"{API}/claims/{claim.pk}/reviews/",
        {"verdict": "false", "version": claim.version},
        content_type="application/json",
    )
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "conflict"
    assert "other_editor" in error["message"]
    assert error["details"]["current"]["verdict"] == "verified"
    assert error["details"]["current"]["version"] == 2
    assert error["details"]["current"]["reviewed_by"] == "other_editor"
    claim.refresh_from_db()
    assert claim.verdict == "verified"


def test_api_review_submit_apply_to_identical_reviews_the_repeats(editor):
    article = ArticleFactory()
    claim = ClaimFactory(article=article)
    repeat = ClaimFactory(article=article)
    response = api_client(editor).post(
        f"{API}/claims/{claim.pk}/reviews/",
        {"verdict": "verified", "version": 1, "apply_to_identical": True},
        content_type="application/json",
    )
    assert response.status_code == 201
    repeat.refresh_from_db()
    assert repeat.verdict == "verified"


@pytest.mark.parametrize(
    "body",
    [
        {"verdict": "verified"},
        {"verdict": "maybe", "version": 1},
        {"verdict": "verified", "version": 0},
        {"verdict": "verified", "version": 1, "evidence": {"stance": "supports"}},
        {
            "verdict": "verified",
            "version": 1,
            "evidence": {"stance": "x", "url": "https://a.example"},
        },
        {"verdict": "verified", "version": 1, "evidence": {"stance": "supports", "source": "nope"}},
    ],
)
def test_api_review_submit_invalid_body_is_400_and_changes_nothing(editor, body):
    claim = ClaimFactory()
    response = api_client(editor).post(
        f"{API}/claims/{claim.pk}/reviews/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert not Review.objects.exists()


def test_api_review_submit_unknown_claim_is_404(editor):
    response = api_client(editor).post(
        f"{API}/claims/999999/reviews/",
        {"verdict": "verified", "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_api_review_history_is_newest_first(editor):
    claim = reviewed_claim()
    ReviewFactory(claim=claim, note="old", created_at=timezone.now() - timedelta(days=1))
    ReviewFactory(claim=claim, note="new", reviewer=editor)
    history = api_client(editor).get(f"{API}/claims/{claim.pk}/reviews/").json()
    assert [r["note"] for r in history] == ["new", "old"]
    assert history[0]["reviewer"] == "editor"


# --- Sources ------------------------------------------------------------------------


def test_api_sources_list_is_alphabetical(api_consumer):
    SourceFactory(name="Reuters", slug="reuters")
    SourceFactory(name="Al Jazeera", slug="al-jazeera")
    body = api_client(api_consumer).get(f"{API}/sources/").json()
    assert [s["slug"] for s in body] == ["al-jazeera", "reuters"]
    assert set(body[0]) == {"id", "name", "slug", "kind", "homepage", "country", "is_active"}


def test_api_sources_list_is_read_only(editor):
    response = api_client(editor).post(f"{API}/sources/", {}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_api_user_with_the_review_permission_itself_counts_as_an_editor(api_consumer):
    api_consumer.user_permissions.add(Permission.objects.get(codename="review_claim"))
    unreviewed = ClaimFactory()
    response = api_client(api_consumer).get(f"{API}/claims/{unreviewed.pk}/")
    assert response.status_code == 200


def test_api_token_of_a_deactivated_user_is_refused(api_consumer):
    client = api_client(api_consumer)
    api_consumer.is_active = False
    api_consumer.save()
    response = client.get(f"{API}/claims/")
    assert response.status_code == 401


# --- Consumers' short cache -----------------------------------------------------------


def test_api_consumer_list_is_served_from_the_cache_within_its_lifetime(
    api_consumer, editor, settings
):
    settings.NEWSFACTS_API_CACHE_SECONDS = 60
    first = reviewed_claim()
    consumer = api_client(api_consumer)
    assert _ids(consumer.get(f"{API}/claims/")) == {first.pk}
    second = reviewed_claim()
    cached = consumer.get(f"{API}/claims/")
    assert _ids(cached) == {first.pk}
    assert cached["Cache-Control"] == "private, max-age=60"
    # Editors never get the cached answer; another query string is another entry.
    assert {first.pk, second.pk} <= _ids(api_client(editor).get(f"{API}/claims/"))
    assert _ids(consumer.get(f"{API}/claims/", {"ordering": "-checkworthiness"})) == {
        first.pk,
        second.pk,
    }


def test_api_consumer_cache_switched_off_reads_fresh(api_consumer, settings):
    settings.NEWSFACTS_API_CACHE_SECONDS = 0
    consumer = api_client(api_consumer)
    first = reviewed_claim()
    assert _ids(consumer.get(f"{API}/claims/")) == {first.pk}
    second = reviewed_claim()
    response = consumer.get(f"{API}/claims/")
    assert _ids(response) == {first.pk, second.pk}
    assert not response.has_header("Cache-Control")


def test_api_consumer_cache_keeps_errors_out(api_consumer, settings):
    settings.NEWSFACTS_API_CACHE_SECONDS = 60
    consumer = api_client(api_consumer)
    claim = ClaimFactory()  # unreviewed: a consumer gets 404
    assert consumer.get(f"{API}/claims/{claim.pk}/").status_code == 404
    Claim.objects.filter(pk=claim.pk).update(verdict="verified", reviewed_at=timezone.now())
    assert consumer.get(f"{API}/claims/{claim.pk}/").status_code == 200


def test_api_consumer_cache_refuses_a_revoked_token_at_once(api_consumer, settings):
    settings.NEWSFACTS_API_CACHE_SECONDS = 60
    reviewed_claim()
    consumer = api_client(api_consumer)
    assert consumer.get(f"{API}/claims/").status_code == 200
    AuthToken.objects.filter(user=api_consumer).delete()
    assert consumer.get(f"{API}/claims/").status_code == 401


def test_api_consumer_cache_answer_is_never_given_to_an_editor(api_consumer, editor, settings):
    settings.NEWSFACTS_API_CACHE_SECONDS = 60
    reviewed_claim()
    unreviewed = ClaimFactory()
    assert unreviewed.pk not in _ids(api_client(api_consumer).get(f"{API}/claims/"))
    assert unreviewed.pk in _ids(api_client(editor).get(f"{API}/claims/"))


def test_api_consumer_cache_keeps_counting_the_rate_limit(api_consumer, settings):
    settings.NEWSFACTS_API_CACHE_SECONDS = 60
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/hour", "anon": None, "submit": None},
    }
    reviewed_claim()
    consumer = api_client(api_consumer)
    statuses = [consumer.get(f"{API}/claims/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_api_consumer_cache_does_not_keep_browsable_pages(api_consumer, settings):
    settings.NEWSFACTS_API_CACHE_SECONDS = 60
    reviewed_claim()
    key = api_token_for(api_consumer)
    html = Client(headers={"Authorization": f"Token {key}", "Accept": "text/html"})
    assert "text/html" in html.get(f"{API}/claims/")["Content-Type"]
    assert not html.get(f"{API}/claims/").has_header("Cache-Control")
