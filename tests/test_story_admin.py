"""Stories and quantities in the Django admin."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Quantity, Story

from .conftest import client_for
from .factories import ArticleFactory, ClaimFactory, QuantityFactory, StoryFactory

pytestmark = pytest.mark.django_db


def _story(title="Douma chemical attack", conflict_count=1):
    moment = datetime(2018, 4, 7, 20, tzinfo=UTC)
    story = StoryFactory(
        title=title,
        conflict_count=conflict_count,
        first_published_at=moment,
        last_published_at=moment,
        article_count=1,
    )
    article = ArticleFactory(story=story, title=f"{title}: first report", published_at=moment)
    ClaimFactory(article=article, quantity=QuantityFactory(story=story), measure="deaths")
    return story


def test_admin_story_list_shows_title_times_and_counts(admin):
    _story()
    html = client_for(admin).get(reverse("admin:claims_story_changelist")).content.decode()
    for column in (
        "Title",
        "First published at",
        "Last published at",
        "Article count",
        "Conflict count",
    ):
        assert column in html
    assert "Douma chemical attack" in html


def test_admin_story_search_and_conflict_filter(admin):
    _story()
    _story(title="Afrin offensive", conflict_count=0)
    client = client_for(admin)
    url = reverse("admin:claims_story_changelist")
    assert client.get(url, {"q": "afrin"}).context["cl"].result_count == 1
    found = client.get(url, {"conflict": "yes"}).context["cl"].result_list
    assert [s.title for s in found] == ["Douma chemical attack"]


def test_admin_story_page_lists_its_articles_and_quantities_read_only(admin):
    story = _story()
    response = client_for(admin).get(reverse("admin:claims_story_change", args=[story.pk]))
    html = response.content.decode()
    assert "Douma chemical attack: first report" in html
    assert "deaths" in html
    assert 'name="articles-0-title"' not in html  # shown, not editable


def test_admin_story_rename_is_kept_as_an_editor_title(admin):
    story = _story()
    response = client_for(admin).post(
        reverse("admin:claims_story_change", args=[story.pk]),
        {
            "title": "Douma, 7 April",
            "articles-TOTAL_FORMS": "1",
            "articles-INITIAL_FORMS": "1",
            "quantities-TOTAL_FORMS": "1",
            "quantities-INITIAL_FORMS": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    story.refresh_from_db()
    assert (story.title, story.title_edited) == ("Douma, 7 April", True)


def test_admin_quantity_is_read_only(admin):
    quantity = _story().quantities.get()
    client = client_for(admin)
    assert client.get(reverse("admin:claims_quantity_changelist")).status_code == 200
    url = reverse("admin:claims_quantity_change", args=[quantity.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"measure": "injuries"}).status_code == 403
    assert Quantity.objects.get(pk=quantity.pk).measure == "deaths"


@pytest.mark.parametrize("name", ["story", "quantity"])
def test_admin_story_and_quantity_refused_to_editor(editor, name):
    _story()
    response = client_for(editor).get(reverse(f"admin:claims_{name}_changelist"))
    assert response.status_code == 302


@pytest.mark.parametrize("name", ["story", "quantity"])
def test_admin_story_and_quantity_lists_queries_do_not_grow(admin, name):
    _story()
    client = client_for(admin)
    url = reverse(f"admin:claims_{name}_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(5):
        _story(title=f"Story {i}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert Story.objects.count() == 6
