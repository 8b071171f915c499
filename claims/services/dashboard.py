"""The figures on the dashboard: a fixed handful of small queries, whatever the data.

Counts come from the running tallies (``claims.services.tallies``), never from
counting the claims: a page load costs the same at a thousand claims as at millions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Sum
from django.utils import timezone

from claims.models import (
    CONFLICT_ROW_FIELDS,
    Article,
    Claim,
    ClaimTally,
    ReviewDayTally,
    Source,
    Story,
)

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
    # Sources times verdicts: a few hundred rows at most.
    tallies = list(
        ClaimTally.objects.order_by()
        .values_list("source_key", "verdict")
        .annotate(n=Sum("count"))
        .values_list("source_key", "verdict", "n")
    )
    by_verdict = _by_verdict(tallies)
    return Dashboard(
        claim_total=sum(b.value for b in by_verdict),
        by_verdict=by_verdict,
        by_source=_by_source(tallies),
        reviews_per_day=_reviews_per_day(today),
        conflicts=_conflicts(),
        conflicting_stories=list(
            Story.objects.listed().with_conflicts()[:CONFLICTING_STORIES_SHOWN]
        ),
        articles_in_progress=Article.objects.filter(
            status__in=[Article.Status.QUEUED, Article.Status.EXTRACTING, Article.Status.FETCHING]
        ).count(),
    )


def _by_verdict(tallies: list[tuple[int, str, int]]) -> list[Bar]:
    counts: dict[str, int] = defaultdict(int)
    for _source_key, verdict, n in tallies:
        counts[verdict] += n
    return [
        Bar(key=value, label=label, value=counts.get(value, 0))
        for value, label in Claim.Verdict.choices
    ]


def _by_source(tallies: list[tuple[int, str, int]]) -> list[Bar]:
    total: dict[int, int] = defaultdict(int)
    reviewed: dict[int, int] = defaultdict(int)
    for source_key, verdict, n in tallies:
        total[source_key] += n
        if verdict != Claim.Verdict.UNREVIEWED:
            reviewed[source_key] += n
    top = sorted((key for key in total if total[key] > 0), key=lambda k: (-total[k], k))
    top = top[:TOP_SOURCES]
    names = dict(Source.objects.filter(pk__in=[k for k in top if k]).values_list("pk", "name"))
    return [
        Bar(
            key=str(key or ""),
            label=names.get(key, "No source"),
            value=total[key],
            secondary=reviewed[key],
        )
        for key in top
    ]


def _reviews_per_day(today: date) -> list[Bar]:
    first = today - timedelta(days=REVIEW_DAYS - 1)
    counts = dict(
        ReviewDayTally.objects.filter(day__gte=first, day__lte=today).values_list("day", "count")
    )
    days = [first + timedelta(days=i) for i in range(REVIEW_DAYS)]
    return [
        Bar(key=day.isoformat(), label=day.strftime("%-d %b"), value=counts.get(day, 0))
        for day in days
    ]


def _conflicts() -> list[Conflict]:
    claims = list(Claim.objects.conflicts_awaiting_review(limit=CONFLICTS_SHOWN))
    others = (
        Claim.objects.select_related("article", "article__source")
        .only(*CONFLICT_ROW_FIELDS)
        .in_bulk([c.conflict_id for c in claims])
    )
    return [Conflict(claim=c, other=others.get(c.conflict_id)) for c in claims]
