"""Stories: grouping articles after extraction, quantities, relations and conflicts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from claims.models import Article, Claim, Quantity, Story, StoryKey
from claims.services.extraction import claims_extract_for_article
from claims.services.review import claim_correct, claims_related
from claims.services.stories import article_assign_story, story_refresh
from claims.services.xref import Relation, quantity_figures, relate

from .factories import ArticleFactory, ClaimFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime(2016, 7, 18, tzinfo=UTC)

MANBIJ_1 = (
    "Car bomb kills 21 civilians in Manbij market",
    "A car bomb killed at least 21 civilians in a crowded market in the northern Syrian "
    "town of Manbij on Monday, the Syrian Observatory for Human Rights said. The blast "
    "near the Kurdish checkpoint also wounded 40 people, the Observatory said.",
)
MANBIJ_2 = (
    "Manbij market car bomb toll rises to 21",
    "The death toll from Monday's car bomb in a crowded market in Manbij rose to 21 "
    "civilians, the Syrian Observatory for Human Rights said. Kurdish officials said 40 "
    "people were wounded by the blast near the checkpoint.",
)
MANBIJ_3 = (
    "Manbij car bomb: 35 civilians killed",
    "A car bomb in a crowded market in Manbij killed 35 civilians on Monday, a Kurdish "
    "official told reporters, a higher toll than the Syrian Observatory for Human Rights "
    "gave. Dozens were wounded near the checkpoint.",
)
DHAKA = (
    "Floods in Dhaka leave 12 dead",
    "Floods in the Bangladeshi capital Dhaka drowned 12 people on Monday as monsoon rains "
    "swept away homes along the Buriganga river, the fire service said.",
)


def _extracted(title_body, *, when=DAY, source=None, **fields) -> Article:
    title, body = title_body
    article = ArticleFactory(
        title=title,
        body=body,
        published_at=when,
        status=Article.Status.QUEUED,
        source=source or SourceFactory(),
        **fields,
    )
    claims_extract_for_article(article_id=article.pk)
    article.refresh_from_db()
    return article


def _partition() -> set[frozenset[int]]:
    stories: dict[int, set[int]] = {}
    for pk, story_id in Article.objects.values_list("pk", "story_id"):
        stories.setdefault(story_id, set()).add(pk)
    return {frozenset(v) for v in stories.values()}


def test_assign_story_groups_reports_of_one_event_and_parts_others():
    first = _extracted(MANBIJ_1)
    second = _extracted(MANBIJ_2, when=DAY + timedelta(hours=5))
    flood = _extracted(DHAKA)
    assert first.story_id is not None
    assert second.story_id == first.story_id
    assert flood.story_id not in (None, first.story_id)


def test_assign_story_opens_a_new_story_outside_the_window():
    first = _extracted(MANBIJ_1)
    much_later = _extracted(MANBIJ_2, when=DAY + timedelta(days=12))
    assert much_later.story_id != first.story_id


def test_assign_story_is_idempotent():
    first = _extracted(MANBIJ_1)
    second = _extracted(MANBIJ_2)
    stories_before = Story.objects.count()
    keys_before = StoryKey.objects.count()
    for article in (first, second, first):
        article_assign_story(article_id=article.pk)
    assert Story.objects.count() == stories_before
    assert StoryKey.objects.count() == keys_before
    assert Article.objects.get(pk=second.pk).story_id == first.story_id


def test_assign_story_never_moves_an_article_an_editor_placed():
    editor = UserFactory(editor=True)
    first = _extracted(MANBIJ_1)
    elsewhere = Story.objects.create(title="Editor's story")
    second = _extracted(MANBIJ_2)
    Article.objects.filter(pk=second.pk).update(story=elsewhere, story_placed_by=editor)
    article_assign_story(article_id=second.pk)
    call_command("assign_stories", "--all", "--quiet")
    second.refresh_from_db()
    assert second.story_id == elsewhere.pk
    assert Article.objects.get(pk=first.pk).story_id != elsewhere.pk


def test_assign_stories_all_is_deterministic():
    for item, hours in ((MANBIJ_1, 0), (DHAKA, 1), (MANBIJ_2, 2), (MANBIJ_3, 3)):
        _extracted(item, when=DAY + timedelta(hours=hours))
    before = _partition()
    call_command("assign_stories", "--all", "--quiet")
    once = _partition()
    call_command("assign_stories", "--all", "--quiet")
    assert once == _partition() == before
    assert not Story.objects.filter(articles__isnull=True).exists()


def test_assign_story_leaves_articles_without_features_alone():
    article = ArticleFactory(published_at=DAY)
    assert article_assign_story(article_id=article.pk) is None
    assert Story.objects.count() == 0


def test_story_refresh_builds_quantities_and_conflicts():
    first = _extracted(MANBIJ_1)
    second = _extracted(MANBIJ_2)
    third = _extracted(MANBIJ_3)
    story = Story.objects.get(pk=first.story_id)
    assert {second.story_id, third.story_id} == {story.pk}
    assert story.article_count == 3
    assert story.title == MANBIJ_1[0]
    assert "Manbij" in story.places
    assert story.first_published_at == story.last_published_at == DAY

    deaths = Quantity.objects.get(
        story=story, measure="deaths", population="civilians", period="event", place=""
    )
    tolls = {c.text: c for c in deaths.claims.all()}
    assert set(tolls) == {"at least 21", "21", "35"}
    # Same publication time: 35 cannot be true with exactly 21, while "at least 21" fits.
    assert tolls["35"].in_conflict and tolls["21"].in_conflict
    assert not tolls["at least 21"].in_conflict
    assert deaths.has_conflict
    assert story.conflict_count == Quantity.objects.filter(story=story, has_conflict=True).count()
    injuries = Quantity.objects.get(story=story, measure="injuries", period="event", place="")
    assert injuries.claims.count() == 3
    assert not injuries.has_conflict


def _story_state(story_id: int):
    story = Story.objects.get(pk=story_id)
    return (
        (
            story.title,
            story.places,
            story.first_published_at,
            story.last_published_at,
            story.article_count,
            story.conflict_count,
        ),
        sorted(
            Quantity.objects.filter(story_id=story_id).values_list(
                "pk", "measure", "population", "period", "place", "has_conflict"
            )
        ),
        sorted(
            Claim.objects.filter(article__story_id=story_id).values_list(
                "pk", "quantity_id", "in_conflict"
            )
        ),
        sorted(StoryKey.objects.filter(story_id=story_id).values_list("key", "day")),
    )


def test_assign_story_adding_an_article_gives_what_a_full_refresh_gives():
    # Each article joins with only its own figures grouped; refreshing the whole story
    # afterwards must find nothing to change.
    first = _extracted(MANBIJ_1)
    for item in (MANBIJ_2, MANBIJ_3):
        added = _extracted(item)
        assert added.story_id == first.story_id
        incremental = _story_state(first.story_id)
        story_refresh(story_id=first.story_id)
        assert _story_state(first.story_id) == incremental
    assert Story.objects.get(pk=first.story_id).conflict_count == 1


def test_assign_story_opening_a_story_gives_what_a_full_refresh_gives():
    # A new story is written once, with its quantities' conflicts already counted.
    article = _extracted(
        (
            "Manbij car bomb toll disputed",
            "A car bomb killed 21 civilians in a crowded market in Manbij on Monday, the "
            "Syrian Observatory for Human Rights said. Kurdish officials said the car bomb "
            "killed 35 civilians in the market.",
        )
    )
    opened = _story_state(article.story_id)
    story_refresh(story_id=article.story_id)
    assert _story_state(article.story_id) == opened
    assert Story.objects.get(pk=article.story_id).conflict_count == 1


def _recorder(statements: list[str]):
    """An execute wrapper keeping the SQL as it is sent, prepared statements included
    (the debug log has no text for those on PostgreSQL)."""

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    return record


def test_assign_story_reads_only_the_new_article_figures():
    # A story's figures are not read again for each article that joins it.
    for n in range(3):
        article = ArticleFactory(
            title=MANBIJ_2[0],
            body=f"{MANBIJ_2[1]} Report {n}.",
            published_at=DAY + timedelta(hours=n),
            status=Article.Status.QUEUED,
            source=SourceFactory(),
        )
        claims_extract_for_article(article_id=article.pk, assign_story=False)
        statements: list[str] = []
        with connection.execute_wrapper(_recorder(statements)):
            story = article_assign_story(article_id=article.pk)
        assert story.article_count == n + 1
    claim_reads = [sql for sql in statements if sql.startswith('SELECT "claims_claim"')]
    assert claim_reads
    assert not [sql for sql in claim_reads if "story_id" in sql]


def test_story_refresh_deletes_an_empty_story():
    first = _extracted(MANBIJ_1)
    story_id = first.story_id
    Article.objects.filter(pk=first.pk).update(story=None)
    assert story_refresh(story_id=story_id) is None
    assert not Story.objects.filter(pk=story_id).exists()
    assert not Claim.objects.filter(article=first, quantity__isnull=False).exists()


def test_story_refresh_keeps_an_edited_title():
    first = _extracted(MANBIJ_1)
    Story.objects.filter(pk=first.story_id).update(title="Manbij bombing", title_edited=True)
    assert story_refresh(story_id=first.story_id).title == "Manbij bombing"


def test_claims_related_shows_only_the_same_quantity():
    first = _extracted(MANBIJ_1)
    second = _extracted(MANBIJ_2)
    flood = _extracted(DHAKA)
    toll = first.claims.get(text="at least 21")
    related = claims_related(Claim.objects.select_related("article").get(pk=toll.pk))
    assert related
    assert {r.claim.quantity_id for r in related} == {toll.quantity_id}
    assert {r.claim.article_id for r in related} <= {first.pk, second.pk}
    flood_toll = flood.claims.get(text="12")
    assert flood_toll.quantity_id not in (None, toll.quantity_id)


def test_claims_related_is_empty_without_a_quantity():
    claim = ClaimFactory()
    assert claims_related(claim) == []


def test_quantity_figures_are_in_reporting_order_with_relations():
    first = _extracted(MANBIJ_1, when=DAY)
    _extracted(MANBIJ_3, when=DAY + timedelta(days=1))
    toll = first.claims.get(text="at least 21")
    figures = quantity_figures(quantity_id=toll.quantity_id)
    assert [f.claim.text for f in figures] == ["at least 21", "35"]
    assert figures[0].relations[figures[1].claim.pk] is Relation.AGREES
    assert figures[0].published < figures[1].published


def _figure(qualifier, value, lower, upper, *, measure="deaths", days=0, **kwargs):
    article = ArticleFactory(published_at=DAY + timedelta(days=days))
    return ClaimFactory(
        article=article,
        qualifier=qualifier,
        value=value,
        lower=lower,
        upper=upper,
        measure=measure,
        **kwargs,
    )


@pytest.mark.parametrize(
    ("mine", "theirs", "measure", "relation"),
    [
        ((("exact", 21, 21, 21), 0), (("exact", 21, 21, 21), 1), "deaths", Relation.AGREES),
        ((("lower_bound", 15, 15, None), 0), (("exact", 32, 32, 32), 0), "deaths", Relation.AGREES),
        (
            (("approximate", 50, None, None), 0),
            (("exact", 54, 54, 54), 0),
            "deaths",
            Relation.AGREES,
        ),
        ((("exact", 58, 58, 58), 0), (("exact", 70, 70, 70), 1), "deaths", Relation.UPDATES),
        ((("exact", 70, 70, 70), 1), (("exact", 58, 58, 58), 0), "deaths", Relation.UPDATES),
        ((("exact", 70, 70, 70), 0), (("exact", 58, 58, 58), 1), "deaths", Relation.CONFLICTS),
        ((("exact", 58, 58, 58), 0), (("exact", 70, 70, 70), 0), "deaths", Relation.CONFLICTS),
        (
            (("exact", 9000, 9000, 9000), 0),
            (("exact", 12000, 12000, 12000), 1),
            "affected",
            Relation.CONFLICTS,
        ),
        ((("vague", None, 24, 99), 0), (("exact", 40, 40, 40), 0), "injuries", Relation.AGREES),
    ],
)
def test_relate_by_bounds_time_and_measure(mine, theirs, measure, relation):
    (q1, days1), (q2, days2) = mine, theirs
    claim = _figure(*q1, measure=measure, days=days1)
    other = _figure(*q2, measure=measure, days=days2)
    assert relate(claim, other) is relation


def test_relate_uses_created_at_without_publication_time():
    claim = _figure("exact", 58, 58, 58)
    other = _figure("exact", 70, 70, 70)
    Article.objects.filter(pk=claim.article_id).update(published_at=None)
    Article.objects.filter(pk=other.article_id).update(
        published_at=None, created_at=DAY + timedelta(days=3)
    )
    claim.article.refresh_from_db()
    other.article.refresh_from_db()
    assert relate(claim, other) is Relation.CONFLICTS  # created "now", after the other
    Article.objects.filter(pk=claim.article_id).update(created_at=DAY)
    claim.article.refresh_from_db()
    assert relate(claim, other) is Relation.UPDATES


def test_conflicts_awaiting_review_reads_the_conflict_flag(editor):
    _extracted(MANBIJ_2)
    _extracted(MANBIJ_3)
    waiting = list(Claim.objects.conflicts_awaiting_review(limit=20))
    assert waiting
    assert all(c.in_conflict and c.conflict_id for c in waiting)
    other = Claim.objects.get(pk=waiting[0].conflict_id)
    assert other.quantity_id == waiting[0].quantity_id


def test_correcting_the_measure_moves_the_figure_to_its_quantity(editor):
    first = _extracted(MANBIJ_1)
    wounded = first.claims.get(text="40")
    assert wounded.measure == "injuries"
    corrected = claim_correct(
        claim_id=wounded.pk, editor=editor, expected_version=wounded.version, measure="casualties"
    )
    assert corrected.quantity.measure == "casualties"
    assert corrected.quantity.story_id == first.story_id


def test_export_names_articles_by_external_id(capsys):
    first = _extracted(MANBIJ_1, external_id="wire-1")
    second = _extracted(MANBIJ_2)
    call_command("export_xref", "--format", "json")
    import json

    data = json.loads(capsys.readouterr().out)
    story = next(s for s in data["stories"] if "wire-1" in s["article_ids"])
    assert set(story["article_ids"]) == {"wire-1", str(second.pk)}
    claim = next(c for c in data["claims"] if c["article_id"] == "wire-1")
    assert set(claim) == {
        "article_id",
        "start",
        "end",
        "measure",
        "population",
        "period",
        "quantity",
    }
    toll = first.claims.get(text="at least 21")
    exported = next(
        c for c in data["claims"] if c["start"] == toll.start and c["article_id"] == "wire-1"
    )
    assert exported["quantity"] == toll.quantity_id
    assert exported["measure"] == "deaths"
