"""Editors' corrections to story grouping, called as services."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from claims.models import Article, Claim, Story
from claims.services.stories import article_assign_story, story_refresh
from claims.services.story_editing import (
    StoryEditError,
    article_move,
    stories_merge,
    story_rename,
    story_split,
)

from .factories import ArticleFactory, ClaimFactory, StoryFactory

pytestmark = pytest.mark.django_db


def _story_with(*days: int, title: str = "Strike on Douma market") -> tuple[Story, list[Article]]:
    story = StoryFactory(title=title)
    articles = [
        ArticleFactory(story=story, published_at=datetime(2018, 2, day, 9, tzinfo=UTC))
        for day in days
    ]
    story_refresh(story_id=story.pk)
    story.refresh_from_db()
    return story, articles


def test_article_move_puts_the_article_in_the_other_story_and_marks_it_placed(editor):
    source, (first, moved) = _story_with(1, 2)
    target, _ = _story_with(5)
    article_move(article_id=moved.pk, story_id=target.pk, editor=editor)
    moved.refresh_from_db()
    assert (moved.story_id, moved.story_placed_by) == (target.pk, editor)
    source.refresh_from_db()
    target.refresh_from_db()
    assert (source.article_count, target.article_count) == (1, 2)
    assert target.first_published_at == datetime(2018, 2, 2, 9, tzinfo=UTC)


def test_article_move_deletes_the_story_it_leaves_empty(editor):
    source, (only,) = _story_with(1)
    target, _ = _story_with(3)
    article_move(article_id=only.pk, story_id=target.pk, editor=editor)
    assert not Story.objects.filter(pk=source.pk).exists()


def test_article_move_to_its_own_story_is_refused(editor):
    story, (article,) = _story_with(1)
    with pytest.raises(StoryEditError, match="already in that story"):
        article_move(article_id=article.pk, story_id=story.pk, editor=editor)


def test_article_move_to_a_missing_story_is_refused_and_changes_nothing(editor):
    story, (article,) = _story_with(1)
    with pytest.raises(StoryEditError, match="no longer exists"):
        article_move(article_id=article.pk, story_id=story.pk + 1000, editor=editor)
    article.refresh_from_db()
    assert (article.story_id, article.story_placed_by) == (story.pk, None)


def test_article_move_regroups_the_figures_into_the_new_story_quantities(editor):
    source, (article,) = _story_with(1)
    target, (other,) = _story_with(2)
    claim = ClaimFactory(article=article, measure="deaths", population="people", period="event")
    ClaimFactory(article=other, measure="deaths", population="people", period="event")
    story_refresh(story_id=source.pk)
    article_move(article_id=article.pk, story_id=target.pk, editor=editor)
    claim.refresh_from_db()
    assert claim.quantity.story_id == target.pk
    assert target.quantities.get().claims.count() == 2


def test_assignment_rerun_leaves_a_moved_article_where_the_editor_put_it(editor):
    _, (_, moved) = _story_with(1, 2)
    target, _ = _story_with(5)
    article_move(article_id=moved.pk, story_id=target.pk, editor=editor)
    article_assign_story(article_id=moved.pk)
    moved.refresh_from_db()
    assert moved.story_id == target.pk


def test_stories_merge_moves_articles_and_deletes_the_merged_story(editor):
    source, source_articles = _story_with(1, 2)
    target, target_articles = _story_with(3)
    merged = stories_merge(story_id=source.pk, into_story_id=target.pk, editor=editor)
    assert merged.pk == target.pk
    assert not Story.objects.filter(pk=source.pk).exists()
    assert merged.article_count == 3
    assert set(Article.objects.filter(story=target).values_list("story_placed_by", flat=True)) == {
        editor.pk
    }
    assert merged.first_published_at == datetime(2018, 2, 1, 9, tzinfo=UTC)
    for article in source_articles + target_articles:
        article_assign_story(article_id=article.pk)
    assert Article.objects.filter(story=target).count() == 3


def test_stories_merge_into_itself_is_refused(editor):
    story, _ = _story_with(1)
    with pytest.raises(StoryEditError, match="into itself"):
        stories_merge(story_id=story.pk, into_story_id=story.pk, editor=editor)


def test_story_split_takes_the_ticked_articles_into_a_new_story(editor):
    story, (first, second, third) = _story_with(1, 2, 3)
    new = story_split(
        story_id=story.pk, article_ids=[second.pk, third.pk], editor=editor, title="Second raid"
    )
    story.refresh_from_db()
    assert (story.article_count, new.article_count) == (1, 2)
    assert (new.title, new.title_edited) == ("Second raid", True)
    assert set(new.articles.values_list("story_placed_by", flat=True)) == {editor.pk}
    first.refresh_from_db()
    # The one left behind is placed too, so that a re-run cannot join the two again.
    assert first.story_placed_by == editor
    for article in (first, second, third):
        article_assign_story(article_id=article.pk)
    assert Article.objects.filter(story=story).count() == 1


def test_story_split_of_every_article_is_refused(editor):
    story, articles = _story_with(1, 2)
    with pytest.raises(StoryEditError, match="at least one article"):
        story_split(story_id=story.pk, article_ids=[a.pk for a in articles], editor=editor)
    assert Story.objects.count() == 1


def test_story_split_of_an_article_from_elsewhere_is_refused(editor):
    story, _ = _story_with(1, 2)
    _, (stranger,) = _story_with(4)
    with pytest.raises(StoryEditError, match="not in this story"):
        story_split(story_id=story.pk, article_ids=[stranger.pk], editor=editor)


def test_story_split_with_nothing_ticked_is_refused(editor):
    story, _ = _story_with(1, 2)
    with pytest.raises(StoryEditError, match="Tick the articles"):
        story_split(story_id=story.pk, article_ids=[], editor=editor)


def test_story_rename_keeps_the_editor_title_through_a_refresh(editor):
    story, _ = _story_with(1)
    story_rename(story_id=story.pk, title="  Douma   market strike ", editor=editor)
    story_refresh(story_id=story.pk)
    story.refresh_from_db()
    assert (story.title, story.title_edited) == ("Douma market strike", True)


def test_story_rename_to_nothing_gives_the_title_back_to_the_automatic_one(editor):
    story, _ = _story_with(1)
    story_rename(story_id=story.pk, title="Mine", editor=editor)
    story = story_rename(story_id=story.pk, title=" ", editor=editor)
    assert story.title_edited is False


def test_story_rename_too_long_is_refused(editor):
    story, _ = _story_with(1)
    before = story.title
    with pytest.raises(StoryEditError, match="at most 500"):
        story_rename(story_id=story.pk, title="x" * 501, editor=editor)
    story.refresh_from_db()
    assert (story.title, story.title_edited) == (before, False)


def test_story_refresh_flags_conflicting_figures_of_one_quantity():
    story, (monday, tuesday) = _story_with(1, 2)
    low = ClaimFactory(
        article=monday,
        measure="deaths",
        population="people",
        period="event",
        qualifier="exact",
        value=58,
        lower=58,
        upper=58,
    )
    high = ClaimFactory(
        article=tuesday,
        measure="deaths",
        population="people",
        period="event",
        qualifier="exact",
        value=70,
        lower=70,
        upper=70,
    )
    lower_later = ClaimFactory(
        article=tuesday,
        measure="deaths",
        population="people",
        period="event",
        qualifier="exact",
        value=24,
        lower=24,
        upper=24,
    )
    story_refresh(story_id=story.pk)
    story.refresh_from_db()
    flags = dict(Claim.objects.values_list("pk", "in_conflict"))
    assert flags == {low.pk: True, high.pk: True, lower_later.pk: True}
    assert story.conflict_count == 1
