"""What a story page shows: each quantity's figures in report order, their relations,
the spread and the conflicts. A fixed number of queries, whatever the story's size."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.db.models import QuerySet
from django.db.models.functions import Coalesce

from claims.models import Claim, Quantity, Story
from claims.services.xref import Relation, published_time, quantity_relations

# What a table, its chart and the API read of a figure, its article and source: the
# article's text and features stay in the database.
FIGURE_FIELDS = (
    "quantity_id",
    "article_id",
    "start",
    "end",
    "text",
    "value",
    "lower",
    "upper",
    "qualifier",
    "kind",
    "unit",
    "measure",
    "attribution",
    "in_conflict",
    "verdict",
    "sentence",
    "sentence_start",
    "article__published_at",
    "article__created_at",
    "article__source__name",
    "article__source__slug",
)
# A story page's table lists this many figures of a quantity; a link shows them all.
FIGURES_SHOWN = 10
# A row names this many of the figures it conflicts with, then counts the rest.
CONFLICTS_NAMED = 5


@dataclass
class FigureRow:
    """One figure of a quantity as a row of its table, numbered in report order."""

    claim: Claim
    number: int
    published_at: datetime
    # Against the figures reported before it: None for the first report.
    relation: Relation | None = None
    # The numbers of the first rows it conflicts with, earlier or later, and how many
    # rows it conflicts with in all.
    conflicts_with: list[int] = field(default_factory=list)
    conflict_count: int = 0
    in_conflict: bool = False
    # The article's source as (id, name, slug), None when it has none.
    source: tuple[int, str, str] | None = None

    @property
    def source_name(self) -> str:
        return self.source[1] if self.source else ""

    @property
    def conflicts_label(self) -> str:
        """“#1, #4” or, for many, the first few and how many more."""
        shown = ", ".join(f"#{n}" for n in self.conflicts_with[:CONFLICTS_NAMED])
        more = self.conflict_count - min(len(self.conflicts_with), CONFLICTS_NAMED)
        return f"{shown} and {more} more" if more > 0 else shown


@dataclass(slots=True)
class FigurePoint:
    """A figure as the chart and the relations read it, for the rows a table does not
    list: plain values, as a thousand model instances cost more than the whole page."""

    pk: int
    article_id: int
    start: int
    qualifier: str
    value: float | None
    lower: float | None
    upper: float | None
    measure: str
    in_conflict: bool
    text: str
    attribution: str
    verdict: str

    # The model's own rule for the interval a figure commits to.
    Qualifier = Claim.Qualifier
    bounds = Claim.bounds


# The columns a FigurePoint is made of, then its article's time and source.
_POINT_COLUMNS = (
    "pk",
    "article_id",
    "start",
    "qualifier",
    "value",
    "lower",
    "upper",
    "measure",
    "in_conflict",
    "text",
    "attribution",
    "verdict",
    "quantity_id",
    "published",
    "article__source_id",
    "article__source__name",
    "article__source__slug",
)


def _source_of(claim: Claim) -> tuple[int, str, str] | None:
    source = claim.article.source
    return (source.pk, source.name, source.slug) if source else None


def _rows(
    entries: list[tuple], *, relations: bool, named: int | None, limit: int | None = None
) -> list[FigureRow]:
    """One quantity's figures, ``(figure, publication time, source)``, in the order they
    were reported, each with its strongest relation to the earlier ones and the first
    ``named`` figures it conflicts with (all of them when None); only the rows a table
    of ``limit`` rows lists name theirs. Without ``relations`` each row's conflict is
    the flag stored when the story was last refreshed."""
    entries.sort(key=lambda e: (e[1], e[0].article_id, e[0].start))
    rows = [
        FigureRow(claim=figure, number=i, published_at=moment, source=source)
        for i, (figure, moment, source) in enumerate(entries, start=1)
    ]
    if not relations:
        for row in rows:
            row.in_conflict = row.claim.in_conflict
        return rows
    found = quantity_relations(
        [r.claim for r in rows],
        named=named,
        times=[r.published_at for r in rows],
        named_rows=_listed_positions(len(rows), limit),
    )
    for row, relations_of_row in zip(rows, found, strict=True):
        row.relation = relations_of_row.relation
        row.conflicts_with = [position + 1 for position in relations_of_row.conflicts]
        row.conflict_count = relations_of_row.conflict_count
        row.in_conflict = bool(relations_of_row.conflict_count)
    return rows


@dataclass(frozen=True)
class QuantityTable:
    quantity: Quantity
    # Every figure, for the chart, the spread and the counts.
    figures: list[FigureRow]
    # The rows the table lists: all of them, or the first report and the latest ones.
    shown: list[FigureRow]

    @property
    def label(self) -> str:
        return quantity_label(self.quantity)

    @property
    def hidden_count(self) -> int:
        return len(self.figures) - len(self.shown)

    @cached_property
    def conflict_count(self) -> int:
        return sum(1 for f in self.figures if f.in_conflict)

    @property
    def has_conflict(self) -> bool:
        return self.conflict_count > 0

    @cached_property
    def spread(self) -> tuple[float | None, float | None]:
        """The lowest and the highest number any of the figures commits to."""
        ends = [end for f in self.figures for end in finite_ends(f.claim)]
        return (min(ends), max(ends)) if ends else (None, None)


def shown_rows(rows: list[FigureRow], limit: int | None) -> list[FigureRow]:
    """The first report and the latest ones, ``limit`` rows in all (None: every row)."""
    positions = _listed_positions(len(rows), limit)
    return list(rows) if positions is None else [rows[i] for i in sorted(positions)]


def _listed_positions(count: int, limit: int | None) -> set[int] | None:
    if limit is None or count <= limit:
        return None
    return {0, *range(count - limit + 1, count)} if limit > 1 else set(range(limit))


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
    named: int | None = CONFLICTS_NAMED,
    limit: int | None = None,
    expand: int | None = None,
    plain: bool = False,
) -> list[QuantityTable]:
    """The story's quantities with their figures; conflicts first, then the most reported.

    ``claims`` narrows the figures shown (consumers see reviewed figures only); a
    quantity left with no figure is left out. ``relations`` and ``named``: see
    ``_rows``. ``limit`` caps the rows each table lists, except the quantity
    ``expand``; with a limit the figures are read as plain values (``FigurePoint``),
    and only the listed ones as claims (a third query). ``plain``: every figure stays
    plain values (two queries).
    """
    quantities = {q.pk: q for q in Quantity.objects.filter(story=story)}
    if exclude_quantity is not None:
        quantities.pop(exclude_quantity, None)
    claims = Claim.objects.all() if claims is None else claims
    figures = claims.filter(quantity_id__in=list(quantities))
    grouped: dict[int, list[tuple]] = {}
    if limit is None and not plain:
        for claim in (
            figures.select_related("article", "article__source").only(*FIGURE_FIELDS).order_by()
        ):
            grouped.setdefault(claim.quantity_id, []).append(
                (claim, published_time(claim), _source_of(claim))
            )
    else:
        # One time a figure, not two: reading datetimes is a good part of the cost.
        points = figures.annotate(
            published=Coalesce("article__published_at", "article__created_at")
        )
        for *point, quantity_id, published, source_id, name, slug in points.order_by().values_list(
            *_POINT_COLUMNS
        ):
            source = (source_id, name, slug) if source_id else None
            grouped.setdefault(quantity_id, []).append((FigurePoint(*point), published, source))
    tables = []
    for pk, entries in grouped.items():
        listed = None if pk == expand else limit
        rows = _rows(entries, relations=relations, named=named, limit=listed)
        shown = shown_rows(rows, listed)
        tables.append(QuantityTable(quantity=quantities[pk], figures=rows, shown=shown))
    if limit is not None and not plain:
        _load_listed(tables, figures)
    tables.sort(key=lambda t: (not t.has_conflict, -len(t.figures), t.quantity.pk))
    return tables


def _load_listed(tables: list[QuantityTable], figures: QuerySet) -> None:
    """Give the rows the tables list their claim, article and source (one query)."""
    listed = [row for table in tables for row in table.shown]
    claims = figures.filter(pk__in=[row.claim.pk for row in listed]).select_related(
        "article", "article__source"
    )
    by_pk = {claim.pk: claim for claim in claims.only(*FIGURE_FIELDS)}
    for table in tables:
        # A figure deleted in between is left out of the list (the chart still has it).
        table.shown[:] = [row for row in table.shown if row.claim.pk in by_pk]
        for row in table.shown:
            row.claim = by_pk[row.claim.pk]
