"""How the figures of one quantity relate to each other (the cross-referencing contract).

Two figures of the same quantity agree when their intervals overlap; a later, higher
figure for a count that only grows updates the earlier one; anything else conflicts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from claims.models import Claim

# Counts that only grow once counted: a later, higher figure is news, not a contradiction.
GROWING_MEASURES = frozenset(
    {
        Claim.Measure.DEATHS,
        Claim.Measure.INJURIES,
        Claim.Measure.CASUALTIES,
        Claim.Measure.MISSING,
        Claim.Measure.DISPLACED,
        Claim.Measure.REFUGEES,
        Claim.Measure.DETAINED,
        Claim.Measure.ATTACKS,
    }
)


class Relation(StrEnum):
    AGREES = "agrees"
    UPDATES = "updates"
    CONFLICTS = "conflicts"


def published_at(claim: Claim) -> datetime:
    """When the figure was reported: its article's publication time, else when it came in."""
    article = claim.article
    return article.published_at or article.created_at


def _interval(claim: Claim) -> tuple[float, float]:
    low, high = claim.bounds
    return (-math.inf if low is None else low, math.inf if high is None else high)


def figures_relation(claim: Claim, other: Claim, *, measure: str) -> Relation:
    """The relation of two figures of one quantity (symmetric)."""
    low, high = _interval(claim)
    other_low, other_high = _interval(other)
    if low <= other_high and other_low <= high:
        return Relation.AGREES
    if measure in GROWING_MEASURES:
        earlier, later = sorted((claim, other), key=published_at)
        if (
            published_at(earlier) < published_at(later)
            and _interval(later)[0] > _interval(earlier)[1]
        ):
            return Relation.UPDATES
    return Relation.CONFLICTS


@dataclass
class QuantityFigure:
    """One figure of a quantity, with how it stands against the others."""

    claim: Claim
    number: int
    published_at: datetime
    # Against the figures reported before it: None for the first report.
    relation: Relation | None = None
    conflicts_with: list[int] = field(default_factory=list)


def quantity_figures(claims: list[Claim], *, measure: str) -> list[QuantityFigure]:
    """The figures of one quantity in the order they were reported, each with its
    relation to the earlier ones (the worst of them) and the figures it conflicts with.

    ``claims`` carry their article (``select_related``).
    """
    ordered = sorted(claims, key=lambda c: (published_at(c), c.article_id, c.start))
    figures = [
        QuantityFigure(claim=c, number=i, published_at=published_at(c))
        for i, c in enumerate(ordered, start=1)
    ]
    rank = {Relation.AGREES: 0, Relation.UPDATES: 1, Relation.CONFLICTS: 2}
    for i, figure in enumerate(figures):
        for j, other in enumerate(figures):
            if i == j:
                continue
            relation = figures_relation(figure.claim, other.claim, measure=measure)
            if relation is Relation.CONFLICTS:
                figure.conflicts_with.append(other.number)
            if j < i and (figure.relation is None or rank[relation] > rank[figure.relation]):
                figure.relation = relation
    return figures
