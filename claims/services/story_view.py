"""What a story page shows: each quantity's figures in report order, their relations,
the spread and the conflicts. A fixed number of queries, whatever the story's size."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet

from claims.models import Claim, Quantity, Story
from claims.services.xref import Relation, published_time, relate

# A row names this many of the figures it conflicts with, then counts the rest.
CONFLICTS_NAMED = 5
# The strongest relation to the earlier reports is the one a row shows.
_STRENGTH = {Relation.AGREES: 0, Relation.UPDATES: 1, Relation.CONFLICTS: 2}


@dataclass
class FigureRow:
    """One figure of a quantity as a row of its table, numbered in report order."""

    claim: Claim
    number: int
    published_at: datetime
    # Against the figures reported before it: None for the first report.
    relation: Relation | None = None
    # The numbers of the rows it conflicts with, earlier or later.
    conflicts_with: list[int] = field(default_factory=list)
    in_conflict: bool = False

    @property
    def conflicts_label(self) -> str:
        """“#1, #4” or, for many, the first few and how many more."""
        shown = ", ".join(f"#{n}" for n in self.conflicts_with[:CONFLICTS_NAMED])
        more = len(self.conflicts_with) - CONFLICTS_NAMED
        return f"{shown} and {more} more" if more > 0 else shown


def figure_rows(claims: list[Claim], *, relations: bool = True) -> list[FigureRow]:
    """One quantity's figures in the order they were reported, each with its strongest
    relation to the earlier ones and the figures it conflicts with.

    ``claims`` carry their article (for the publication time). Without ``relations``
    the pairs are not compared (that grows with the square of the figures) and each
    row's conflict is the flag stored when the story was last refreshed.
    """
    ordered = sorted(claims, key=lambda c: (published_time(c), c.article_id, c.start))
    rows = [
        FigureRow(claim=c, number=i, published_at=published_time(c))
        for i, c in enumerate(ordered, start=1)
    ]
    if not relations:
        for row in rows:
            row.in_conflict = row.claim.in_conflict
        return rows
    # Relations are symmetric: each pair is worked out once.
    for i, row in enumerate(rows):
        for later in rows[i + 1 :]:
            relation = relate(row.claim, later.claim)
            if relation is Relation.CONFLICTS:
                row.conflicts_with.append(later.number)
                later.conflicts_with.append(row.number)
            if later.relation is None or _STRENGTH[relation] > _STRENGTH[later.relation]:
                later.relation = relation
    for row in rows:
        row.conflicts_with.sort()
        row.in_conflict = bool(row.conflicts_with)
    return rows


@dataclass(frozen=True)
class QuantityTable:
    quantity: Quantity
    figures: list[FigureRow]

    @property
    def label(self) -> str:
        return quantity_label(self.quantity)

    @property
    def conflict_count(self) -> int:
        return sum(1 for f in self.figures if f.in_conflict)

    @property
    def has_conflict(self) -> bool:
        return any(f.in_conflict for f in self.figures)

    @property
    def spread(self) -> tuple[float | None, float | None]:
        """The lowest and the highest number any of the figures commits to."""
        ends = [end for f in self.figures for end in finite_ends(f.claim)]
        return (min(ends), max(ends)) if ends else (None, None)


def finite_ends(claim: Claim) -> list[float]:
    """The figure's interval ends that are numbers (an open end is left out)."""
    low, high = claim.bounds
    ends = [v for v in (low, high) if v is not None and math.isfinite(v)]
    if not ends and claim.value is not None:
        ends = [claim.value]
    return ends


def quantity_label(quantity: Quantity) -> str:
    """“Deaths · civilians · one incident · in Douma”, as an editor reads it."""
    measure = (
        Claim.Measure(quantity.measure).label
        if quantity.measure in Claim.Measure.values
        else quantity.measure
    )
    parts = [measure]
    if quantity.population:
        parts.append(quantity.population)
    if quantity.period in Claim.Period.values:
        parts.append(Claim.Period(quantity.period).label.lower())
    if quantity.place:
        parts.append(f"in {quantity.place}")
    return " · ".join(parts)


def story_quantity_tables(
    story: Story,
    *,
    claims: QuerySet | None = None,
    exclude_quantity: int | None = None,
    relations: bool = True,
) -> list[QuantityTable]:
    """The story's quantities with their figures; conflicts first, then the most reported.

    ``claims`` narrows the figures shown (consumers see reviewed figures only); a
    quantity left with no figure is left out. ``relations``: see ``figure_rows``.
    Two queries.
    """
    quantities = {q.pk: q for q in Quantity.objects.filter(story=story)}
    if exclude_quantity is not None:
        quantities.pop(exclude_quantity, None)
    claims = Claim.objects.all() if claims is None else claims
    rows = (
        claims.filter(quantity_id__in=list(quantities))
        .select_related("article", "article__source")
        .defer("article__body")
        .order_by("quantity_id", "article_id", "start")
    )
    grouped: dict[int, list[Claim]] = {}
    for claim in rows:
        grouped.setdefault(claim.quantity_id, []).append(claim)
    tables = [
        QuantityTable(quantity=quantities[pk], figures=figure_rows(members, relations=relations))
        for pk, members in grouped.items()
    ]
    tables.sort(key=lambda t: (not t.has_conflict, -len(t.figures), t.quantity.pk))
    return tables
