"""The figures on the dashboard: a fixed handful of aggregate queries, whatever the data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from claims.models import Article, Claim, Review, Story

REVIEW_DAYS = 30
TOP_SOURCES = 10
CONFLICTS_SHOWN = 10
CONFLICTING_STORIES_SHOWN = 10


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    value: int
    secondary: int = 0


@dataclass(frozen=True)
class Conflict:
    claim: Claim
    other: Claim | None


@dataclass(frozen=True)
class Dashboard:
    claim_total: int
    by_verdict: list[Bar]
    by_source: list[Bar]
    reviews_per_day: list[Bar]
    conflicts: list[Conflict]
    conflicting_stories: list[Story]
    articles_in_progress: int

    @property
    def reviewed_total(self) -> int:
        return sum(b.value for b in self.by_verdict if b.key != Claim.Verdict.UNREVIEWED)

    @property
    def reviews_last_days(self) -> int:
        return sum(b.value for b in self.reviews_per_day)


def dashboard_figures(*, today: date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    by_verdict = _by_verdict()
    return Dashboard(
        claim_total=sum(b.value for b in by_verdict),
        by_verdict=by_verdict,
        by_source=_by_source(),
        reviews_per_day=_reviews_per_day(today),
        conflicts=_conflicts(),
        conflicting_stories=list(
            Story.objects.listed().with_conflicts()[:CONFLICTING_STORIES_SHOWN]
        ),
        articles_in_progress=Article.objects.filter(
            status__in=[Article.Status.QUEUED, Article.Status.EXTRACTING, Article.Status.FETCHING]
        ).count(),
    )


def _by_verdict() -> list[Bar]:
    counts = dict(
        # COUNT(*), not COUNT(id): PostgreSQL can then answer from an index alone.
        Claim.objects.order_by()
        .values_list("verdict")
        .annotate(n=Count("*"))
        .values_list("verdict", "n")
    )
    return [
        Bar(key=value, label=label, value=counts.get(value, 0))
        for value, label in Claim.Verdict.choices
    ]


def _by_source() -> list[Bar]:
    rows = (
        Claim.objects.order_by()
        .values("article__source_id", "article__source__name")
        .annotate(total=Count("*"), reviewed=Count("id", filter=~Q(verdict="unreviewed")))
        .order_by("-total")[:TOP_SOURCES]
    )
    return [
        Bar(
            key=str(row["article__source_id"] or ""),
            label=row["article__source__name"] or "No source",
            value=row["total"],
            secondary=row["reviewed"],
        )
        for row in rows
    ]


def _reviews_per_day(today: date) -> list[Bar]:
    first = today - timedelta(days=REVIEW_DAYS - 1)
    start = timezone.make_aware(datetime.combine(first, time.min))
    counts = dict(
        Review.objects.filter(created_at__gte=start)
        # A correction of the reading keeps the verdict (from == to): not a review.
        .exclude(from_verdict=F("to_verdict"))
        .annotate(day=TruncDate("created_at"))
        .order_by()
        .values_list("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    days = [first + timedelta(days=i) for i in range(REVIEW_DAYS)]
    return [
        Bar(key=day.isoformat(), label=day.strftime("%-d %b"), value=counts.get(day, 0))
        for day in days
    ]


def _conflicts() -> list[Conflict]:
    claims = list(Claim.objects.conflicts_awaiting_review(limit=CONFLICTS_SHOWN))
    others = (
        Claim.objects.with_article().defer("article__body").in_bulk([c.conflict_id for c in claims])
    )
    return [Conflict(claim=c, other=others.get(c.conflict_id)) for c in claims]
