"""Editors' corrections to the automatic grouping: move, merge, split and rename.

Every article an editor touches is marked as placed by them (``story_placed_by``), so
that automatic assignment, however often it runs again, leaves it where they put it.
Each service refreshes the stories it changed; refreshing deletes a story left with no
article, as an empty story is about nothing.
"""

from __future__ import annotations

from django.db import transaction

from claims.models import Article, Story
from claims.services.stories import story_refresh

TITLE_MAX = Story._meta.get_field("title").max_length


class StoryEditError(ValueError):
    """An editing request that cannot be carried out; the message says why."""


def _locked(story_id: int) -> Story:
    story = Story.objects.select_for_update().filter(pk=story_id).first()
    if story is None:
        raise StoryEditError("That story no longer exists; it may have been merged into another.")
    return story


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if len(title) > TITLE_MAX:
        raise StoryEditError(f"A story title can be at most {TITLE_MAX} characters.")
    return title


@transaction.atomic
def article_move(*, article_id: int, story_id: int, editor) -> Article:
    """Put one article into another story, for good."""
    article = Article.objects.select_for_update().filter(pk=article_id).first()
    if article is None:
        raise StoryEditError("That article no longer exists.")
    target = _locked(story_id)
    previous = article.story_id
    if previous == target.pk:
        raise StoryEditError("The article is already in that story.")
    Article.objects.filter(pk=article.pk).update(story=target, story_placed_by=editor)
    if previous is not None:
        story_refresh(story_id=previous)
    story_refresh(story_id=target.pk)
    article.refresh_from_db()
    return article


@transaction.atomic
def stories_merge(*, story_id: int, into_story_id: int, editor) -> Story:
    """Move every article of one story into another and delete the first.

    Refreshing the story that remains gives it the keys of every article it now holds,
    so later articles about the event find it.
    """
    if story_id == into_story_id:
        raise StoryEditError("A story cannot be merged into itself.")
    # Lock in id order: two editors merging the same pair both ways cannot deadlock.
    first, second = sorted((story_id, into_story_id))
    locked = {first: _locked(first), second: _locked(second)}
    source, target = locked[story_id], locked[into_story_id]
    # The editor said these articles belong together: a re-run must keep all of them so.
    Article.objects.filter(story__in=[source, target]).update(story=target, story_placed_by=editor)
    source.delete()
    return story_refresh(story_id=target.pk)


@transaction.atomic
def story_split(*, story_id: int, article_ids: list[int], editor, title: str = "") -> Story:
    """Take some articles out of a story into a new one; returns the new story."""
    story = _locked(story_id)
    wanted = set(article_ids)
    if not wanted:
        raise StoryEditError("Tick the articles that belong to the new story.")
    members = set(Article.objects.filter(story=story).values_list("pk", flat=True))
    if not wanted <= members:
        raise StoryEditError("Some of those articles are not in this story any more.")
    if wanted == members:
        raise StoryEditError(
            "Leave at least one article in this story; to rename it, use Rename instead."
        )
    title = _clean_title(title)
    new = Story.objects.create(title=title or story.title, title_edited=bool(title))
    Article.objects.filter(pk__in=wanted).update(story=new, story_placed_by=editor)
    # Those left behind are placed too: otherwise a re-run could join them to the new
    # story again and undo the split.
    Article.objects.filter(pk__in=members - wanted).update(story_placed_by=editor)
    story_refresh(story_id=story.pk)
    return story_refresh(story_id=new.pk)


@transaction.atomic
def story_rename(*, story_id: int, title: str, editor) -> Story:
    """Give a story an editor's title; an empty title hands it back to the automatic one."""
    story = _locked(story_id)
    story.title = _clean_title(title) or story.title
    story.title_edited = bool(_clean_title(title))
    story.save(update_fields=["title", "title_edited", "updated_at"])
    return story_refresh(story_id=story.pk)
