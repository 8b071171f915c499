"""Stories: keeping a story's summary, quantities and conflict flags up to date."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import F

from claims.models import Article, Claim, Quantity, Story
from claims.services import xref


@transaction.atomic
def story_refresh(*, story_id: int) -> Story | None:
    """Recompute a story from its articles: title (unless an editor set it), times,
    counts, its quantities, each claim's quantity and conflict flag. A story left
    with no article is deleted (None is returned)."""
    story = Story.objects.select_for_update().filter(pk=story_id).first()
    if story is None:
        return None
    articles = list(
        Article.objects.filter(story=story)
        .order_by(F("published_at").asc(nulls_last=True), "created_at", "id")
        .only("pk", "title", "published_at", "created_at")
    )
    if not articles:
        Claim.objects.filter(quantity__story=story).update(quantity=None, in_conflict=False)
        story.delete()
        return None
    times = [a.published_at or a.created_at for a in articles]
    story.article_count = len(articles)
    story.first_published_at = min(times)
    story.last_published_at = max(times)
    if not story.title_edited:
        story.title = next((a.title for a in articles if a.title), "") or "Untitled story"

    groups: dict[tuple, list[Claim]] = defaultdict(list)
    claims = list(
        Claim.objects.filter(article__story=story).select_related("article").defer("article__body")
    )
    for claim in claims:
        if claim.measure and claim.measure != Claim.Measure.OTHER:
            key = (claim.measure, claim.population, claim.period, claim.place)
            groups[key].append(claim)
    kept, conflicts = [], 0
    for (measure, population, period, place), members in groups.items():
        quantity, _ = Quantity.objects.get_or_create(
            story=story, measure=measure, population=population, period=period, place=place
        )
        kept.append(quantity.pk)
        in_conflict = xref.conflicting_ids(members)
        for claim in members:
            claim.quantity_id, claim.in_conflict = quantity.pk, claim.pk in in_conflict
        Quantity.objects.filter(pk=quantity.pk).update(has_conflict=bool(in_conflict))
        conflicts += bool(in_conflict)
    grouped = {c.pk for members in groups.values() for c in members}
    for claim in claims:
        if claim.pk not in grouped:
            claim.quantity_id, claim.in_conflict = None, False
    Claim.objects.bulk_update(claims, ["quantity", "in_conflict"])
    Quantity.objects.filter(story=story).exclude(pk__in=kept).delete()
    story.conflict_count = conflicts
    story.save()
    return story


@transaction.atomic
def article_assign_story(*, article_id: int) -> Story | None:
    """Put an article in a story; an article an editor placed stays where they put it."""
    article = Article.objects.select_for_update().get(pk=article_id)
    if article.story_placed_by_id is not None or article.story_id is not None:
        return article.story
    story = Story.objects.create(title=article.title or "Untitled story")
    Article.objects.filter(pk=article.pk).update(story=story)
    return story_refresh(story_id=story.pk)
