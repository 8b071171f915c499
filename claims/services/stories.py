"""Stories: keeping a story's summary, quantities and conflict flags up to date."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from claims.models import Article, Claim, Quantity, Story
from claims.services.xref import Relation, figures_relation


@transaction.atomic
def story_refresh(*, story_id: int) -> Story | None:
    """Recompute a story from its articles: title (unless an editor set it), times,
    counts, its quantities, each claim's quantity and conflict flag."""
    story = Story.objects.select_for_update().filter(pk=story_id).first()
    if story is None:
        return None
    articles = list(Article.objects.filter(story=story).defer("body").order_by("id"))
    times = [a.published_at or a.created_at for a in articles]
    story.article_count = len(articles)
    story.first_published_at = min(times, default=None)
    story.last_published_at = max(times, default=None)
    if not story.title_edited and articles:
        first = min(articles, key=lambda a: (a.published_at or a.created_at, a.pk))
        story.title = first.title or story.title

    groups: dict[tuple, list[Claim]] = defaultdict(list)
    claims = Claim.objects.filter(article__story=story).select_related("article")
    for claim in claims.exclude(measure=""):
        groups[(claim.measure, claim.population, claim.period, claim.place)].append(claim)
    kept = []
    conflicts = 0
    for (measure, population, period, place), members in groups.items():
        quantity, _ = Quantity.objects.get_or_create(
            story=story, measure=measure, population=population, period=period, place=place
        )
        kept.append(quantity.pk)
        in_conflict = {
            c.pk
            for c in members
            for o in members
            if o.pk != c.pk and figures_relation(c, o, measure=measure) is Relation.CONFLICTS
        }
        for claim in members:
            Claim.objects.filter(pk=claim.pk).update(
                quantity=quantity, in_conflict=claim.pk in in_conflict
            )
        Quantity.objects.filter(pk=quantity.pk).update(has_conflict=bool(in_conflict))
        conflicts += bool(in_conflict)
    Quantity.objects.filter(story=story).exclude(pk__in=kept).delete()
    claims.filter(measure="").update(quantity=None, in_conflict=False)
    story.conflict_count = conflicts
    story.save()
    return story


@transaction.atomic
def article_assign_story(*, article_id: int) -> int | None:
    """Put an article in a story; an article an editor placed stays where they put it."""
    article = Article.objects.select_for_update().get(pk=article_id)
    if article.story_placed_by_id or article.story_id:
        return article.story_id
    story = Story.objects.create(title=article.title or f"Article {article.pk}")
    Article.objects.filter(pk=article.pk).update(story=story)
    story_refresh(story_id=story.pk)
    return story.pk
