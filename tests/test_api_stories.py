"""Stories over the API, a claim's related figures, and the claim fields that place it."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from claims.models import Claim

from .conftest import api_client
from .factories import ArticleFactory, ClaimFactory, QuantityFactory, SourceFactory, StoryFactory
from .test_api import API

pytestmark = pytest.mark.django_db

MONDAY = datetime(2018, 2, 19, 8, tzinfo=UTC)
TIERS = ("anonymous", "api_consumer", "editor", "admin")
_URLS = itertools.count()


@pytest.fixture(autouse=True)
def _fast_api_tests(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _figure(article, quantity, value, *, reviewed=False, **extra):
    return ClaimFactory(
        article=article,
        quantity=quantity,
        measure=quantity.measure,
        population=quantity.population,
        period=quantity.period,
        text=str(value),
        qualifier="exact",
        value=value,
        lower=value,
        upper=value,
        verdict=Claim.Verdict.VERIFIED if reviewed else Claim.Verdict.UNREVIEWED,
        reviewed_at=timezone.now() if reviewed else None,
        **extra,
    )


def _story(*, at=MONDAY, conflict=True, title="Air strikes on Eastern Ghouta"):
    """Three reports: 58 (reviewed), 70 the next day (reviewed, an update), 24 (unreviewed,
    in conflict with both)."""
    story = StoryFactory(
        title=title,
        places=["Douma"],
        first_published_at=at,
        last_published_at=at + timedelta(days=1),
        article_count=3,
        conflict_count=1 if conflict else 0,
    )
    articles = [
        ArticleFactory(
            story=story,
            published_at=at + timedelta(hours=12 * i),
            url=f"https://outlet.example/{next(_URLS)}",
            source=SourceFactory(name=f"Outlet {i}"),
        )
        for i in range(3)
    ]
    quantity = QuantityFactory(story=story, has_conflict=conflict)
    story.figures = [
        _figure(articles[0], quantity, 58, reviewed=True, in_conflict=conflict),
        _figure(articles[1], quantity, 70, reviewed=True, in_conflict=conflict),
        _figure(articles[2], quantity, 24 if conflict else 60, in_conflict=conflict),
    ]
    story.article_list = articles
    return story


@pytest.fixture
def story():
    return _story()


@pytest.fixture
def unreviewed_story():
    story = StoryFactory(first_published_at=MONDAY, last_published_at=MONDAY, article_count=1)
    _figure(ArticleFactory(story=story), QuantityFactory(story=story), 12)
    return story


# --- Permission tiers -------------------------------------------------------------

ENDPOINTS = {
    "stories_list": (lambda s, u: "/stories/", (401, 200, 200, 200)),
    "story_detail": (lambda s, u: f"/stories/{s.pk}/", (401, 200, 200, 200)),
    "story_detail_unreviewed": (lambda s, u: f"/stories/{u.pk}/", (401, 404, 200, 200)),
    "related_reviewed": (
        lambda s, u: f"/claims/{s.figures[0].pk}/related/",
        (401, 200, 200, 200),
    ),
    "related_unreviewed": (
        lambda s, u: f"/claims/{s.figures[2].pk}/related/",
        (401, 404, 200, 200),
    ),
}


@pytest.mark.parametrize("tier", range(len(TIERS)), ids=TIERS)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_api_story_endpoints_answer_each_tier(endpoint, tier, story, unreviewed_story, request):
    url_for, expected = ENDPOINTS[endpoint]
    user = request.getfixturevalue(TIERS[tier])
    response = api_client(user).get(API + url_for(story, unreviewed_story))
    assert response.status_code == expected[tier], response.content
    if response.status_code >= 400:
        assert response.json()["error"]["status"] == response.status_code


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_api_stories_are_read_only(method, story, editor):
    response = getattr(api_client(editor), method)(f"{API}/stories/{story.pk}/")
    assert response.status_code == 405


# --- The list ---------------------------------------------------------------------


def test_api_stories_list_newest_first_with_counts(story, editor):
    older = _story(at=MONDAY - timedelta(days=10), conflict=False, title="Older")
    body = api_client(editor).get(f"{API}/stories/").json()
    assert [s["id"] for s in body["results"]] == [story.pk, older.pk]
    first = body["results"][0]
    assert first["title"] == "Air strikes on Eastern Ghouta"
    assert first["places"] == ["Douma"]
    assert (first["article_count"], first["has_conflict"]) == (3, True)
    assert first["last_published_at"] == "2018-02-20T08:00:00Z"


def test_api_stories_list_since_filter(story, editor):
    _story(at=MONDAY - timedelta(days=10), title="Older")
    body = api_client(editor).get(f"{API}/stories/", {"since": "2018-02-15"}).json()
    assert [s["id"] for s in body["results"]] == [story.pk]


@pytest.mark.parametrize("name", ["since", "has_conflict"])
def test_api_stories_list_refuses_a_filter_given_empty(name, editor):
    response = api_client(editor).get(f"{API}/stories/", {name: ""})
    assert response.status_code == 400
    assert name in response.json()["error"]["details"]


@pytest.mark.parametrize(("value", "expected"), [("true", ["conflict"]), ("false", ["calm"])])
def test_api_stories_list_has_conflict_filter(value, expected, editor):
    made = {
        "conflict": _story(title="conflict"),
        "calm": _story(conflict=False, title="calm", at=MONDAY - timedelta(days=1)),
    }
    body = api_client(editor).get(f"{API}/stories/", {"has_conflict": value}).json()
    assert [s["id"] for s in body["results"]] == [made[name].pk for name in expected]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "yesterday"}, "since"),
        ({"has_conflict": "maybe"}, "has_conflict"),
        ({"cursor": "%%%"}, "cursor"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_api_stories_list_bad_parameters_are_clear_errors(params, field, editor):
    response = api_client(editor).get(f"{API}/stories/", params)
    assert response.status_code == 400
    assert field in response.json()["error"]["details"]


def test_api_stories_list_pages_by_cursor(editor):
    made = [_story(at=MONDAY - timedelta(days=i), title=f"S{i}") for i in range(5)]
    client = api_client(editor)
    first = client.get(f"{API}/stories/", {"page_size": 2}).json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    seen = [s["id"] for page in (first, second, third) for s in page["results"]]
    assert seen == [s.pk for s in made]
    assert third["next"] is None


def test_api_stories_list_consumers_see_stories_through_reviewed_figures(
    story, unreviewed_story, api_consumer
):
    body = api_client(api_consumer).get(f"{API}/stories/").json()
    assert [s["id"] for s in body["results"]] == [story.pk]
    # Two of the three articles hold a reviewed figure.
    assert body["results"][0]["article_count"] == 2


def test_api_stories_list_query_count_does_not_grow(
    editor, api_consumer, django_assert_num_queries, settings
):
    # The token's account is kept in the cache after the first request.
    settings.NEWSFACTS_API_TOKEN_CACHE_SECONDS = 60
    for i in range(3):
        _story(at=MONDAY - timedelta(days=i), title=f"S{i}")
    clients = [api_client(editor), api_client(api_consumer)]
    for client in clients:
        client.get(f"{API}/stories/")
        with django_assert_num_queries(1):
            client.get(f"{API}/stories/")
    for i in range(3, 10):
        _story(at=MONDAY - timedelta(days=i), title=f"S{i}")
    for client in clients:
        with django_assert_num_queries(1):
            client.get(f"{API}/stories/")


# --- One story --------------------------------------------------------------------


def test_api_story_detail_has_articles_and_quantities_with_relations(story, editor):
    body = api_client(editor).get(f"{API}/stories/{story.pk}/").json()
    assert [a["id"] for a in body["articles"]] == [a.pk for a in story.article_list]
    assert body["articles"][0]["source"]["name"] == "Outlet 0"
    (quantity,) = body["quantities"]
    assert quantity["label"] == "Deaths · people · one incident"
    assert (quantity["lowest"], quantity["highest"], quantity["has_conflict"]) == (24, 70, True)
    figures = {f["claim"]: f for f in quantity["figures"]}
    first, update, low = story.figures
    assert figures[first.pk]["relation"] is None
    assert figures[update.pk]["relation"] == "updates"
    assert figures[low.pk]["relation"] == "conflicts"
    assert sorted(figures[low.pk]["conflicts_with"]) == sorted([first.pk, update.pk])
    assert figures[low.pk]["conflict_count"] == 2
    assert figures[update.pk]["conflict_count"] == 1
    assert figures[first.pk]["source"]["name"] == "Outlet 0"


def test_api_story_detail_lists_the_first_conflicts_and_counts_them_all(story, editor, monkeypatch):
    from claims.api import stories

    monkeypatch.setattr(stories, "CONFLICTS_LISTED", 1)
    body = api_client(editor).get(f"{API}/stories/{story.pk}/").json()
    figures = {f["claim"]: f for f in body["quantities"][0]["figures"]}
    first, _, low = story.figures
    assert figures[low.pk]["conflicts_with"] == [first.pk]
    assert figures[low.pk]["conflict_count"] == 2


def test_api_story_detail_consumers_see_reviewed_figures_only(story, api_consumer):
    body = api_client(api_consumer).get(f"{API}/stories/{story.pk}/").json()
    assert [a["id"] for a in body["articles"]] == [a.pk for a in story.article_list[:2]]
    (quantity,) = body["quantities"]
    figures = {f["claim"]: f for f in quantity["figures"]}
    first, update, low = story.figures
    assert set(figures) == {first.pk, update.pk}
    # The unreviewed 24 shows nowhere, not even as what the others conflict with.
    assert figures[first.pk]["conflicts_with"] == []
    assert figures[first.pk]["conflict_count"] == 0
    assert (quantity["lowest"], quantity["highest"], quantity["has_conflict"]) == (58, 70, False)


def test_api_story_detail_missing_story_is_404(editor):
    response = api_client(editor).get(f"{API}/stories/999999/")
    assert response.status_code == 404


def test_api_story_detail_query_count_does_not_grow(
    story, editor, django_assert_num_queries, settings
):
    # The token's account is kept in the cache after the first request.
    settings.NEWSFACTS_API_TOKEN_CACHE_SECONDS = 60
    client = api_client(editor)
    client.get(f"{API}/stories/{story.pk}/")
    with django_assert_num_queries(4):
        client.get(f"{API}/stories/{story.pk}/")
    for article in story.article_list:
        _figure(article, QuantityFactory(story=story, population=f"group {article.pk}"), 100)
    with django_assert_num_queries(4):
        client.get(f"{API}/stories/{story.pk}/")


# --- Related figures and claim fields ---------------------------------------------


def test_api_claim_related_lists_the_same_quantity_with_relations(story, editor):
    first, update, low = story.figures
    ClaimFactory(measure="deaths", value=500)  # alike, but in no story
    body = api_client(editor).get(f"{API}/claims/{first.pk}/related/").json()
    assert (body["claim"], body["story"], body["quantity"]) == (
        first.pk,
        story.pk,
        first.quantity_id,
    )
    relations = {r["claim"]["id"]: r["relation"] for r in body["results"]}
    assert relations == {update.pk: "updates", low.pk: "conflicts"}
    assert body["results"][0]["claim"]["id"] == low.pk  # conflicts first


def test_api_claim_related_hides_unreviewed_figures_from_consumers(story, api_consumer):
    first, update, _ = story.figures
    body = api_client(api_consumer).get(f"{API}/claims/{first.pk}/related/").json()
    assert [r["claim"]["id"] for r in body["results"]] == [update.pk]


def test_api_claim_related_without_quantity_is_empty(editor):
    claim = ClaimFactory()
    body = api_client(editor).get(f"{API}/claims/{claim.pk}/related/").json()
    assert body == {"claim": claim.pk, "story": None, "quantity": None, "results": []}


def test_api_claims_carry_measure_population_period_story_and_quantity(story, api_consumer):
    first = story.figures[0]
    body = api_client(api_consumer).get(f"{API}/claims/{first.pk}/").json()
    assert {k: body[k] for k in ("measure", "population", "period", "story", "quantity")} == {
        "measure": "deaths",
        "population": "people",
        "period": "event",
        "story": story.pk,
        "quantity": first.quantity_id,
    }


def test_api_claim_related_query_count_does_not_grow(
    story, editor, django_assert_num_queries, settings
):
    # The token's account is kept in the cache after the first request.
    settings.NEWSFACTS_API_TOKEN_CACHE_SECONDS = 60
    first = story.figures[0]
    client = api_client(editor)
    client.get(f"{API}/claims/{first.pk}/related/")
    with django_assert_num_queries(4):
        client.get(f"{API}/claims/{first.pk}/related/")
    for article in story.article_list:
        _figure(article, first.quantity, 60, start=400)
    with django_assert_num_queries(4):
        client.get(f"{API}/claims/{first.pk}/related/")
