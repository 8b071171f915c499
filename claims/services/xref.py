"""How two figures of the same quantity relate: agrees, updates or conflicts.

The one place for the cross-referencing rules (the contract's section 3): the story
page, the claim page's related figures, the conflict flags and the API all read
their relations from here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from claims.models import Claim

# Counts that only grow once counted: a later, higher toll is news, not a contradiction.
GROW_ONLY_MEASURES = frozenset(
    {"deaths", "injuries", "casualties", "missing", "displaced", "refugees", "detained", "attacks"}
)


class Relation(StrEnum):
    AGREES = "agrees"
    UPDATES = "updates"
    CONFLICTS = "conflicts"


def published_time(claim: Claim) -> datetime:
    """When the figure was reported: its article's publication time, else when it came in."""
    article = claim.article
    return article.published_at or article.created_at


def interval(claim: Claim) -> tuple[float, float]:
    """The figure's bounds with open ends as infinities ("more than 80" is 80..∞)."""
    low, high = claim.bounds
    return (-math.inf if low is None else low, math.inf if high is None else high)


def relate(claim: Claim, other: Claim) -> Relation:
    """How ``other`` relates to ``claim``, two figures of the same quantity.

    ``agrees`` when their intervals overlap; ``updates`` when the measure only grows
    and the figure published later is the higher one; ``conflicts`` otherwise. Both
    claims need their article loaded (for the publication time).
    """
    lo, hi = interval(claim)
    other_lo, other_hi = interval(other)
    if lo <= other_hi and other_lo <= hi:
        return Relation.AGREES
    if claim.measure in GROW_ONLY_MEASURES:
        mine, theirs = published_time(claim), published_time(other)
        if mine != theirs:
            later_is_other = theirs > mine
            other_is_higher = other_lo > hi
            if later_is_other == other_is_higher:
                return Relation.UPDATES
    return Relation.CONFLICTS


def difference(claim: Claim, other: Claim) -> tuple[float, float | None]:
    """How far apart two figures' intervals are: 0 when they overlap, else the gap
    (signed, + when ``other`` is higher), and the gap relative to ``claim``."""
    lo, hi = interval(claim)
    other_lo, other_hi = interval(other)
    if other_lo > hi:
        gap = other_lo - hi
    elif other_hi < lo:
        gap = other_hi - lo
    else:
        return 0.0, 0.0
    reference = hi if gap > 0 else lo
    percent = (
        round(100 * gap / abs(reference), 1) if math.isfinite(reference) and reference else None
    )
    return gap, percent


def conflicting_ids(claims: list[Claim]) -> set[int]:
    """The claims among one quantity's figures that some other figure conflicts with."""
    found: set[int] = set()
    for i, claim in enumerate(claims):
        for other in claims[i + 1 :]:
            if relate(claim, other) is Relation.CONFLICTS:
                found.update((claim.pk, other.pk))
    return found


@dataclass(frozen=True)
class QuantityFigure:
    """One reported figure of a quantity, with how every other figure relates to it."""

    claim: Claim
    published: datetime
    relations: dict[int, Relation] = field(default_factory=dict)

    @property
    def in_conflict(self) -> bool:
        return any(r is Relation.CONFLICTS for r in self.relations.values())


def quantity_figures(*, quantity_id: int) -> list[QuantityFigure]:
    """A quantity's figures in the order they were reported, each with its relations."""
    claims = list(
        Claim.objects.filter(quantity_id=quantity_id)
        .with_article()
        .defer("article__body", "article__story_features")
    )
    claims.sort(key=lambda c: (published_time(c), c.article_id, c.start))
    return [
        QuantityFigure(
            claim=claim,
            published=published_time(claim),
            relations={o.pk: relate(claim, o) for o in claims if o.pk != claim.pk},
        )
        for claim in claims
    ]
