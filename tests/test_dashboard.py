"""The dashboard's figures and the conflict search behind them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from claims.models import Claim, Story
from claims.services import xref
from claims.services.dashboard import REVIEW_DAYS, dashboard_figures
from claims.services.review import claim_correct, review_submit
from claims.services.stories import story_refresh
from claims.services.tallies import tallies_recount

from .factories import ArticleFactory, ClaimFactory, ReviewFactory, SourceFactory

pytestmark = pytest.mark.django_db


STORY_DAY = datetime(2016, 7, 18, tzinfo=UTC)


def _figure(qualifier: str, value=None, lower=None, upper=None, **extra) -> Claim:
    """A death toll in the one story of the test (published the same day as the others)."""
    story = Story.objects.first() or Story.objects.create(title="Market bombing")
    fields = {"measure": "deaths", "population": "people", "period": "event", **extra}
    claim = ClaimFactory(
        qualifier=qualifier,
        value=value,
        lower=lower,
        upper=upper,
        article=ArticleFactory(story=story, published_at=STORY_DAY),
        **fields,
    )
    story_refresh(story_id=story.pk)
    return claim


@pytest.mark.parametrize(
    ("mine", "theirs", "conflicts"),
    [
        (("lower_bound", 80, 80, None), ("exact", 40, 40, 40), True),
        (("lower_bound", 80, 80, None), ("lower_bound", 75, 75, None), False),
        (("approximate", 100, None, None), ("exact", 108, 108, 108), False),
        (("approximate", 100, None, None), ("exact", 115, 115, 115), True),
        (("range", None, 50, 60), ("upper_bound", 45, None, 45), True),
        (("vague", None, 200, 999), ("exact", 500, 500, 500), False),
        (("upper_bound", 10, None, 10), ("vague", None, 24, 99), True),
        # "about -12" reaches -13.2..-10.8: it agrees with exactly -12, not with -14.
        (("approximate", -12, None, None), ("exact", -12, -12, -12), False),
        (("approximate", -12, None, None), ("exact", -14, -14, -14), True),
    ],
)
def test_with_conflict_agrees_with_the_interval_gap(mine, theirs, conflicts):
    claim = _figure(*mine)
    other = _figure(*theirs)
    gap, _ = xref.difference(claim, other)
    assert (gap != 0) is conflicts
    found = Claim.objects.with_conflict().get(pk=claim.pk)
    assert found.in_conflict is conflicts
    assert found.conflict_id == (other.pk if conflicts else None)


def test_with_conflict_only_compares_the_same_quantity():
    claim = _figure("exact", 80, 80, 80)
    _figure("exact", 10, 10, 10, measure="injuries")
    _figure("exact", 10, 10, 10, population="children")
    _figure("exact", 10, 10, 10, period="cumulative")
    _figure("exact", 10, 10, 10, place="a village", measure="deaths")
    elsewhere = ClaimFactory(qualifier="exact", value=10, lower=10, upper=10, measure="deaths")
    assert elsewhere.quantity_id is None
    found = Claim.objects.with_conflict().get(pk=claim.pk)
    assert (found.in_conflict, found.conflict_id) == (False, None)


def test_conflicts_awaiting_review_leaves_out_reviewed_and_unquantified_claims(editor):
    waiting = _figure("exact", 80, 80, 80, checkworthiness=0.7)
    reviewed = _figure("exact", 10, 10, 10)
    review_submit(claim_id=reviewed.pk, reviewer=editor, verdict="false", expected_version=1)
    _figure("exact", 5, 5, 5, measure="other")
    _figure("exact", 7, 7, 7, measure="other")
    assert [c.pk for c in Claim.objects.conflicts_awaiting_review()] == [waiting.pk]


def test_conflicts_awaiting_review_is_limited_and_most_checkworthy_first():
    claims = [_figure("exact", 10 * i, 10 * i, 10 * i, checkworthiness=i / 10) for i in range(1, 6)]
    found = list(Claim.objects.conflicts_awaiting_review(limit=3))
    assert [c.pk for c in found] == [claims[4].pk, claims[3].pk, claims[2].pk]


def test_dashboard_counts_claims_by_verdict_and_source(editor):
    wire, paper = SourceFactory(name="Wire"), SourceFactory(name="Paper")
    for _ in range(3):
        ClaimFactory(article=ArticleFactory(source=wire))
    checked = ClaimFactory(article=ArticleFactory(source=paper))
    tallies_recount()  # the factories write claims directly, past the services' tallies
    review_submit(claim_id=checked.pk, reviewer=editor, verdict="verified", expected_version=1)
    figures = dashboard_figures()
    counts = {bar.key: bar.value for bar in figures.by_verdict}
    assert counts == {
        "unreviewed": 3,
        "verified": 1,
        "false": 0,
        "misleading": 0,
        "unverifiable": 0,
    }
    assert [(b.label, b.value, b.secondary) for b in figures.by_source] == [
        ("Wire", 3, 0),
        ("Paper", 1, 1),
    ]
    assert (figures.claim_total, figures.reviewed_total) == (4, 1)


def test_dashboard_reviews_per_day_cover_thirty_days_and_skip_corrections(editor):
    claim = ClaimFactory()
    review_submit(claim_id=claim.pk, reviewer=editor, verdict="verified", expected_version=1)
    claim_correct(claim_id=claim.pk, editor=editor, expected_version=2, unit="civilian")
    # Reviews are append-only (a trigger on PostgreSQL): an old one is written as old.
    ReviewFactory(to_verdict="false", created_at=timezone.now() - timedelta(days=45))
    tallies_recount()  # the factory writes past the services that count
    today = timezone.localdate()
    days = dashboard_figures(today=today).reviews_per_day
    assert len(days) == REVIEW_DAYS
    assert days[-1].key == today.isoformat()
    assert days[-1].value == 1
    assert sum(d.value for d in days) == 1


def test_dashboard_reviews_per_day_places_each_review_on_its_day(editor):
    ReviewFactory(created_at=timezone.make_aware(datetime(2026, 3, 10, 12, 0)))
    tallies_recount()
    days = dashboard_figures(today=date(2026, 3, 20)).reviews_per_day
    assert {d.key: d.value for d in days if d.value} == {"2026-03-10": 1}
