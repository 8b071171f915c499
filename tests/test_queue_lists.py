"""The review queue's sorts, filters and pages: the vocabulary it shares with the API."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from claims.models import Article, Claim, Story

from .conftest import client_for
from .factories import ArticleFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db


def _queue(client, **params):
    response = client.get(reverse("claims:claim_queue"), params)
    assert response.status_code == 200
    return response


def _ids(response) -> list[int]:
    return [c.pk for c in response.context["claims"]]


def _walk(client, **params) -> list[int]:
    seen = []
    response = _queue(client, **params)
    while True:
        seen.extend(_ids(response))
        if not response.context["next_url"]:
            return seen
        response = client.get(response.context["next_url"])
        assert response.status_code == 200


def _cursor(value, pk, direction="n") -> str:
    raw = json.dumps([value, pk, direction]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _articles_by_age():
    """Three articles added a day apart, published in the other order; one undated."""
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    articles = []
    for age, published in ((2, now), (1, now - timedelta(days=5)), (0, None)):
        article = ArticleFactory(published_at=published)
        Article.objects.filter(pk=article.pk).update(created_at=now - timedelta(days=age))
        articles.append(article)
    return articles


# --- Sorting ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ordering", "key"),
    [
        ("-checkworthiness", lambda c, a: (c.checkworthiness, c.pk)),
        ("-added_at", lambda c, a: (a.created_at, c.pk)),
        # Undated articles come last, newest claim first among them.
        (
            "-published_at",
            lambda c, a: (a.published_at is not None, a.published_at or 0, c.pk),
        ),
    ],
)
def test_queue_sort_pages_cover_every_row_once_in_order(ordering, key, editor):
    articles = _articles_by_age()
    claims = [
        ClaimFactory(article=articles[i % 3], checkworthiness=w)
        for i, w in enumerate((0.9, 0.5, 0.5, 0.1, 0.7, 0.5, 0.3))
    ]
    fresh = {a.pk: Article.objects.get(pk=a.pk) for a in articles}
    expected = [
        c.pk for c in sorted(claims, key=lambda c: key(c, fresh[c.article_id]), reverse=True)
    ]
    assert _walk(client_for(editor), ordering=ordering, page_size=2) == expected


def test_queue_sort_default_is_worth_and_is_shown_as_chosen(editor):
    html = _queue(client_for(editor)).content.decode()
    assert '<option value="-checkworthiness" selected>Worth</option>' in html
    assert '<label for="id_ordering">Sort by</label>' in html


def test_queue_previous_link_returns_the_page_before(editor):
    articles = _articles_by_age()
    for i in range(6):
        ClaimFactory(article=articles[i % 3])
    client = client_for(editor)
    first = _queue(client, ordering="-published_at", page_size=2)
    second = client.get(first.context["next_url"])
    third = client.get(second.context["next_url"])
    assert not first.context["previous_url"]
    back = client.get(third.context["previous_url"])
    assert _ids(back) == _ids(second)
    assert _ids(client.get(back.context["previous_url"])) == _ids(first)


@pytest.mark.parametrize("ordering", ["-checkworthiness", "-added_at", "-published_at"])
def test_queue_sort_query_count_is_fixed(ordering, editor, django_assert_num_queries):
    articles = _articles_by_age()[:2]  # both published
    for i in range(30):
        ClaimFactory(article=articles[i % 2], assigned_to=editor if i % 2 else None)
    client = client_for(editor)
    _queue(client, ordering=ordering, page_size=2)
    # session + user + sources for the select + the page of claims + the take-over
    # notices + ...
    with django_assert_num_queries(7):
        assert len(_ids(_queue(client, ordering=ordering, page_size=2))) == 2
    # (A page that reaches the end of the rows with a date asks once more for undated
    # ones: see the test below.)
    with django_assert_num_queries(7):
        assert len(_ids(_queue(client, ordering=ordering, page_size=25))) == 25


def test_queue_sort_by_publication_reads_undated_rows_only_at_their_edge(
    editor, django_assert_num_queries
):
    dated, _, undated = _articles_by_age()
    ClaimFactory.create_batch(3, article=dated)
    ClaimFactory.create_batch(3, article=undated)
    client = client_for(editor)
    _queue(client, ordering="-published_at", page_size=2)
    with django_assert_num_queries(7):
        first = _queue(client, ordering="-published_at", page_size=2)
    # The page where dated rows give way to undated ones asks for each kind.
    with django_assert_num_queries(8):
        edge = client.get(first.context["next_url"])
    with django_assert_num_queries(7):
        last = client.get(edge.context["next_url"])
    assert len(_ids(first) + _ids(edge) + _ids(last)) == 6
    assert not last.context["next_url"]


# --- Filters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("param", "typed", "stored", "other"),
    [
        ("event", "killed", "kill", "flee"),
        ("event", "Killing", "kill", "flee"),
        ("event", "fled", "flee", "kill"),
        ("unit", "persons", "person", "child"),
        ("unit", "children", "child", "person"),
        ("unit", "dollars", "usd", "eur"),
    ],
)
def test_queue_event_and_counted_thing_take_any_form_of_the_word(
    param, typed, stored, other, editor
):
    wanted = ClaimFactory(**{param: stored})
    ClaimFactory(**{param: other})
    assert _ids(_queue(client_for(editor), **{param: typed})) == [wanted.pk]


def test_queue_filters_by_story(editor):
    story = Story.objects.create(title="Shelling of Douma")
    wanted = ClaimFactory(article=ArticleFactory(story=story))
    ClaimFactory(article=ArticleFactory(story=Story.objects.create(title="Elsewhere")))
    ClaimFactory()
    response = _queue(client_for(editor), story=story.pk)
    assert _ids(response) == [wanted.pk]
    assert f"story #{story.pk}" in response.content.decode()


def test_queue_filters_by_measure(editor):
    wanted = ClaimFactory(measure=Claim.Measure.DEATHS)
    ClaimFactory(measure=Claim.Measure.INJURIES)
    ClaimFactory()
    assert _ids(_queue(client_for(editor), measure="deaths")) == [wanted.pk]


def test_queue_filters_by_in_conflict_as_the_api_does(editor):
    conflicting = ClaimFactory(in_conflict=True)
    calm = ClaimFactory(in_conflict=False)
    client = client_for(editor)
    ticked = _queue(client, in_conflict="on")
    assert _ids(ticked) == [conflicting.pk]
    assert 'name="in_conflict" id="id_in_conflict" checked' in ticked.content.decode()
    assert _ids(_queue(client, in_conflict="true")) == [conflicting.pk]
    assert _ids(_queue(client, in_conflict="false")) == [calm.pk]
    assert len(_ids(_queue(client))) == 2


def test_queue_filters_unassigned(editor, other_editor):
    free = ClaimFactory(checkworthiness=0.9)
    ClaimFactory(assigned_to=other_editor)
    mine = ClaimFactory(assigned_to=editor, checkworthiness=0.1)
    client = client_for(editor)
    assert _ids(_queue(client, assigned="none")) == [free.pk]
    assert _ids(_queue(client, assigned="me")) == [mine.pk]


def test_queue_filters_by_source_slug_as_the_api_does(editor):
    wanted = ClaimFactory(article=ArticleFactory(source=SourceFactory(slug="sohr")))
    ClaimFactory()
    assert _ids(_queue(client_for(editor), source="sohr")) == [wanted.pk]


def test_queue_filter_query_count_is_fixed(editor, django_assert_num_queries):
    story = Story.objects.create(title="A story")
    for _ in range(12):
        ClaimFactory(
            article=ArticleFactory(story=story),
            measure=Claim.Measure.DEATHS,
            in_conflict=True,
            event="kill",
        )
    client = client_for(editor)
    params = {
        "story": story.pk,
        "measure": "deaths",
        "in_conflict": "on",
        "assigned": "none",
        "event": "killed",
        "added_since": "2000-01-01",
    }
    _queue(client, **params)
    with django_assert_num_queries(7):
        assert len(_ids(_queue(client, page_size=3, **params))) == 3
    with django_assert_num_queries(7):
        assert len(_ids(_queue(client, page_size=12, **params))) == 12


# --- Dates ------------------------------------------------------------------------


def test_queue_date_fields_have_from_and_to_labels(editor):
    html = _queue(client_for(editor)).content.decode()
    for name in ("published_since", "published_until", "added_since", "added_until"):
        assert f'id="id_{name}"' in html
    assert '<label for="id_published_since">from</label>' in html
    assert '<label for="id_published_until">to</label>' in html
    assert '<label for="id_added_since">from</label>' in html
    assert '<label for="id_added_until">to</label>' in html


def test_queue_filters_by_published_and_added_dates(editor):
    old, new, undated = _articles_by_age()
    claims = {a.pk: ClaimFactory(article=a).pk for a in (old, new, undated)}
    client = client_for(editor)
    # Both days are included.
    published = _queue(client, published_since="2026-03-05", published_until="2026-03-05")
    assert _ids(published) == [claims[new.pk]]
    added = _queue(client, added_since="2026-03-09")
    assert sorted(_ids(added)) == sorted([claims[new.pk], claims[undated.pk]])


def test_queue_inverted_date_range_is_an_error_and_filters_nothing(editor):
    claims = [ClaimFactory(article=a) for a in _articles_by_age()]
    response = _queue(
        client_for(editor), published_since="2026-03-10", published_until="2026-03-01"
    )
    html = response.content.decode()
    assert '<p class="field-error" id="published-range-error">' in html
    assert "The “to” date is before the “from” date" in html
    assert sorted(_ids(response)) == sorted(c.pk for c in claims)


# --- Old names and bad parameters -------------------------------------------------


def test_queue_old_parameter_names_still_work(editor, other_editor):
    first = ClaimFactory(checkworthiness=0.9, assigned_to=editor)
    second = ClaimFactory(checkworthiness=0.8, assigned_to=editor)
    ClaimFactory(checkworthiness=0.7, assigned_to=other_editor)
    client = client_for(editor)
    response = _queue(client, n=1, mine="on", after=f"{first.checkworthiness!r}_{first.pk}")
    assert _ids(response) == [second.pk]
    # The links the page renders use the current names.
    assert response.context["first_url"] == "/queue/?page_size=1&assigned=me"


def test_queue_my_claims_button_uses_the_assigned_filter(editor):
    response = _queue(client_for(editor), event="kill")
    assert response.context["mine_url"] == "/queue/?event=kill&assigned=me"
    on = _queue(client_for(editor), assigned="me")
    assert on.context["mine"] is True
    assert on.context["mine_url"] == "/queue/?"


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"cursor": _cursor("2026-02-30T00:00:00+00:00", 1)}, "Page link"),
        ({"ordering": "-added_at", "cursor": _cursor("2026-02-30T00:00:00+00:00", 1)}, "Page link"),
        ({"cursor": _cursor(10**400, 1)}, "Page link"),
        ({"cursor": _cursor(0.5, 10**400)}, "Page link"),
        ({"cursor": "!!!"}, "Page link"),
        ({"after": "1e400_3"}, "Page link"),
        ({"page_size": "lots"}, "Page size"),
        ({"source": "²"}, "Source"),
        ({"article": "²"}, "Article"),
        ({"story": str(10**30)}, "Story"),
        ({"published_since": "2026-02-30"}, "Published from"),
    ],
)
def test_queue_unreadable_parameters_are_left_out_and_named(params, problem, editor):
    claim = ClaimFactory()
    response = _queue(client_for(editor), **params)
    assert _ids(response) == [claim.pk]
    assert problem in [label for label, _ in response.context["problems"]]


@pytest.mark.parametrize("params", [{"cursor": ""}, {"page_size": ""}, {"verdict": ""}])
def test_queue_empty_parameters_are_the_defaults(params, editor):
    claim = ClaimFactory()
    response = _queue(client_for(editor), **params)
    assert _ids(response) == [claim.pk]
    assert response.context["problems"] == []
