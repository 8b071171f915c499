"""The API's list parameters: the vocabulary it shares with the queue, and bad values."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict
from django.utils import timezone

from claims.api.filters import claim_filters
from claims.models import Article, Claim, Story

from .factories import ArticleFactory, ClaimFactory, SourceFactory
from .test_api import API, api_client, reviewed_claim

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_api_tests(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _cursor(value, pk, direction="n") -> str:
    raw = json.dumps([value, pk, direction]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [c["id"] for c in response.json()["results"]]


def _walk(client, url, params, *, link="next") -> list[list[int]]:
    pages = []
    response = client.get(url, params)
    while True:
        pages.append(_ids(response))
        body = response.json()
        if not body[link]:
            return pages
        response = client.get(body[link])


# --- Bad list parameters answer 400 in the error format -----------------------------


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        # A cursor holding a date that does not exist, for each date ordering.
        ("claims", {"cursor": _cursor("2026-02-30T10:00:00+00:00", 1)}, "cursor"),
        (
            "claims",
            {"ordering": "-added_at", "cursor": _cursor("2026-13-01T10:00:00+00:00", 1)},
            "cursor",
        ),
        ("articles", {"cursor": _cursor("2026-02-30T10:00:00+00:00", 1)}, "cursor"),
        # A cursor holding a number no column holds.
        ("claims", {"ordering": "-checkworthiness", "cursor": _cursor(10**400, 1)}, "cursor"),
        ("claims", {"ordering": "-checkworthiness", "cursor": _cursor(0.5, 10**400)}, "cursor"),
        ("claims", {"ordering": "id", "cursor": _cursor(10**400, 10**400)}, "cursor"),
        ("claims", {"ordering": "-checkworthiness", "cursor": _cursor(None, 1)}, "cursor"),
        ("claims", {"cursor": _cursor("2026-03-01T10:00:00", 1)}, "cursor"),  # no zone
        ("claims", {"cursor": base64.urlsafe_b64encode(b"[" * 5000).decode()}, "cursor"),
        # Present but empty.
        ("claims", {"cursor": ""}, "cursor"),
        ("articles", {"cursor": ""}, "cursor"),
        ("claims", {"page_size": ""}, "page_size"),
        ("claims", {"verdict": ""}, "verdict"),
        ("articles", {"status": ""}, "status"),
        ("claims", {"source": ""}, "source"),
        # "²" passes str.isdigit() and fails int().
        ("claims", {"source": "²"}, "source"),
        ("claims", {"source": "9" * 30}, "source"),
        ("claims", {"article": "²"}, "article"),
        ("claims", {"story": str(10**30)}, "story"),
        ("claims", {"measure": "joy"}, "measure"),
        ("claims", {"in_conflict": "perhaps"}, "in_conflict"),
        ("claims", {"assigned": "someone"}, "assigned"),
        ("claims", {"added_since": "2026-03-02", "added_until": "2026-03-01"}, "added_until"),
        ("claims", {"published_since": "2026-02-30"}, "published_since"),
    ],
)
def test_api_bad_list_parameter_is_400_naming_it(path, params, field, editor):
    ClaimFactory()
    response = api_client(editor).get(f"{API}/{path}/", params)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (400, "invalid")
    assert field in error["details"]


# --- Filters ------------------------------------------------------------------------


def test_api_claims_filter_by_story(api_consumer):
    story = Story.objects.create(title="Shelling of Douma")
    wanted = reviewed_claim(article=ArticleFactory(story=story))
    reviewed_claim()
    assert _ids(api_client(api_consumer).get(f"{API}/claims/", {"story": story.pk})) == [wanted.pk]


def test_api_claims_filter_by_measure(api_consumer):
    wanted = reviewed_claim(measure=Claim.Measure.DEATHS)
    reviewed_claim(measure=Claim.Measure.DISPLACED)
    response = api_client(api_consumer).get(f"{API}/claims/", {"measure": "deaths"})
    assert _ids(response) == [wanted.pk]


def test_api_claims_filter_by_in_conflict_either_way(api_consumer):
    conflicting = reviewed_claim(in_conflict=True)
    calm = reviewed_claim(in_conflict=False)
    client = api_client(api_consumer)
    assert _ids(client.get(f"{API}/claims/", {"in_conflict": "true"})) == [conflicting.pk]
    assert _ids(client.get(f"{API}/claims/", {"in_conflict": "false"})) == [calm.pk]
    assert len(_ids(client.get(f"{API}/claims/"))) == 2


def test_api_claims_filter_by_assignment(editor, other_editor):
    free = ClaimFactory()
    mine = ClaimFactory(assigned_to=editor)
    ClaimFactory(assigned_to=other_editor)
    client = api_client(editor)
    assert _ids(client.get(f"{API}/claims/", {"assigned": "none"})) == [free.pk]
    assert _ids(client.get(f"{API}/claims/", {"assigned": "me"})) == [mine.pk]


@pytest.mark.parametrize(
    ("param", "typed", "stored"), [("event", "killed", "kill"), ("unit", "persons", "person")]
)
def test_api_claims_event_and_unit_take_any_form_of_the_word(param, typed, stored, api_consumer):
    wanted = reviewed_claim(**{param: stored})
    reviewed_claim(**{param: "flee"})
    assert _ids(api_client(api_consumer).get(f"{API}/claims/", {param: typed})) == [wanted.pk]


def test_api_claims_filter_by_added_dates(api_consumer):
    old, new = reviewed_claim(), reviewed_claim()
    Article.objects.filter(pk=old.article_id).update(created_at=datetime(2026, 1, 5, tzinfo=UTC))
    Article.objects.filter(pk=new.article_id).update(created_at=datetime(2026, 2, 5, tzinfo=UTC))
    client = api_client(api_consumer)
    response = client.get(f"{API}/claims/", {"added_since": "2026-02-05"})
    assert _ids(response) == [new.pk]
    response = client.get(f"{API}/claims/", {"added_until": "2026-01-05"})
    assert _ids(response) == [old.pk]


def test_api_claims_filter_by_source_slug_or_id_the_same(api_consumer):
    source = SourceFactory(slug="sohr")
    wanted = reviewed_claim(article=ArticleFactory(source=source))
    reviewed_claim()
    client = api_client(api_consumer)
    assert _ids(client.get(f"{API}/claims/", {"source": "sohr"})) == [wanted.pk]
    assert _ids(client.get(f"{API}/claims/", {"source": source.pk})) == [wanted.pk]


# --- Orderings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "ordering", ["-added_at", "added_at", "-published_at", "published_at", "-reviewed_at"]
)
def test_api_claims_cursor_pages_cover_every_claim_once_forwards_and_back(editor, ordering):
    now = timezone.now()
    claims = []
    for i in range(9):
        published = None if i % 4 == 0 else now - timedelta(days=i % 3)
        article = ArticleFactory(published_at=published)
        Article.objects.filter(pk=article.pk).update(created_at=now - timedelta(hours=i % 2))
        if i % 3:
            claims.append(reviewed_claim(article=article, reviewed_at=now - timedelta(hours=i)))
        else:
            claims.append(ClaimFactory(article=article))
    client = api_client(editor)
    pages = _walk(client, f"{API}/claims/", {"page_size": 2, "ordering": ordering})
    seen = [pk for page in pages for pk in page]
    assert sorted(seen) == sorted(c.pk for c in claims)
    assert len(seen) == len(set(seen))
    # Back from the last page, page by page, to the first.
    last = client.get(f"{API}/claims/", {"page_size": 2, "ordering": ordering})
    while last.json()["next"]:
        last = client.get(last.json()["next"])
    back = [_ids(last)]
    while last.json()["previous"]:
        last = client.get(last.json()["previous"])
        back.append(_ids(last))
    assert list(reversed(back)) == pages


def test_api_claims_order_by_publication_puts_undated_last(api_consumer):
    undated = reviewed_claim(article=ArticleFactory(published_at=None))
    old = reviewed_claim(article=ArticleFactory(published_at=datetime(2026, 1, 1, tzinfo=UTC)))
    new = reviewed_claim(article=ArticleFactory(published_at=datetime(2026, 2, 1, tzinfo=UTC)))
    client = api_client(api_consumer)
    assert _ids(client.get(f"{API}/claims/", {"ordering": "-published_at"})) == [
        new.pk,
        old.pk,
        undated.pk,
    ]
    assert _ids(client.get(f"{API}/claims/", {"ordering": "published_at"})) == [
        old.pk,
        new.pk,
        undated.pk,
    ]


@pytest.mark.parametrize("ordering", ["-added_at", "-published_at", "-checkworthiness"])
def test_api_claims_filtered_list_query_count_does_not_grow_with_page_size(
    ordering, editor, django_assert_num_queries, settings
):
    settings.NEWSFACTS_API_TOKEN_CACHE_SECONDS = 60
    story = Story.objects.create(title="A story")
    for day in range(12):
        published = datetime(2026, 3, 1 + day, tzinfo=UTC)
        reviewed_claim(
            article=ArticleFactory(story=story, published_at=published),
            measure=Claim.Measure.DEATHS,
            in_conflict=True,
        )
    client = api_client(editor)
    params = {
        "story": story.pk,
        "measure": "deaths",
        "in_conflict": "true",
        "event": "killed",
        "ordering": ordering,
    }
    client.get(f"{API}/claims/", {**params, "page_size": 1})
    # the page of claims + their evidence; the token's account is kept in the cache
    with django_assert_num_queries(2):
        assert len(_ids(client.get(f"{API}/claims/", {**params, "page_size": 2}))) == 2
    with django_assert_num_queries(2):
        assert len(_ids(client.get(f"{API}/claims/", {**params, "page_size": 10}))) == 10


def test_api_claim_filters_are_kept_per_query_string_and_time_zone():
    params = QueryDict("published_since=2024-05-01&verdict=verified&cursor=abc")
    first = claim_filters(params)
    first["verdict"] = "changed by a caller"
    again = claim_filters(QueryDict("verdict=verified&published_since=2024-05-01"))
    assert again["verdict"] == "verified"
    assert again["published_since"].isoformat() == "2024-05-01T00:00:00+00:00"
    with timezone.override(ZoneInfo("Asia/Kathmandu")):
        local = claim_filters(params)
    assert local["published_since"].isoformat() == "2024-05-01T00:00:00+05:45"
    assert claim_filters(QueryDict("verdict=verified&verdict=false"))["verdict"] == "false"
