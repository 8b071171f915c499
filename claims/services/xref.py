"""How two figures of the same quantity relate: agrees, updates or conflicts.

The one place for the cross-referencing rules (the contract's section 3): the story
page, the claim page's related figures, the conflict flags and the API all read
their relations from here.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right, insort
from collections import deque
from collections.abc import Collection
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


def report_order(claim: Claim) -> tuple:
    """The order figures were reported in: publication time, then article and position."""
    return (published_time(claim), claim.article_id, claim.start)


@dataclass
class FigureRelations:
    """How one figure of a quantity stands among the others (positions in report order)."""

    # The strongest relation to the figures reported before it; None for the first.
    relation: Relation | None
    # How many figures of the quantity, earlier or later, it conflicts with.
    conflict_count: int
    # The first of those in report order (as many as were asked for).
    conflicts: list[int]


def quantity_relations(
    claims: list[Claim],
    *,
    named: int | None = 5,
    times: list[datetime] | None = None,
    named_rows: Collection[int] | None = None,
) -> list[FigureRelations]:
    """Each figure's relations within its quantity, without comparing every pair.

    ``claims`` are one quantity's figures in report order (``report_order``) with their
    article loaded, or anything with a claim's ``bounds`` and ``measure`` when
    ``times`` gives their publication times. ``named`` caps how many conflicting
    figures each one names; None names them all (which costs as much as there are such
    pairs). ``named_rows``: the positions that name theirs (None: every one).

    The result is what ``relate`` says pair by pair, found in O(n log n) from the
    figures sorted by their interval ends: two figures conflict when their intervals
    are disjoint, except that for a count that only grows an earlier lower figure is
    updated, not contradicted. So figures published at the same moment (a block) are
    compared on their intervals alone; before its block only a higher figure
    conflicts with one, after it only a lower one. Comparing every pair took seconds
    on stories of a few hundred reports.
    """
    n = len(claims)
    if not n:
        return []
    lows, highs = zip(*(interval(c) for c in claims), strict=True)
    grow_only = claims[0].measure in GROW_ONLY_MEASURES
    if times is None:
        times = [published_time(c) for c in claims]
    blocks = _blocks(times) if grow_only else [(0, n - 1)]
    cap = n if named is None else named
    # "The figures higher than x" is a prefix of ``by_low``, "lower than x" one of
    # ``by_high``; the bisections below measure those prefixes.
    by_low = sorted(range(n), key=lambda j: -lows[j])
    by_high = sorted(range(n), key=lambda j: highs[j])
    neg_lows_sorted = [-lows[j] for j in by_low]
    highs_sorted = [highs[j] for j in by_high]
    first_higher = _first_positions(by_low, cap) if named is not None and grow_only else None

    results: list[FigureRelations] = []
    earlier_lows: list[float] = []  # before the block, sorted
    through_highs: list[float] = []  # up to the end of the block, sorted
    earlier_low_max, earlier_high_min = -math.inf, math.inf
    need_later: list[int] = []
    for a, b in blocks:
        inside = range(a, b + 1)
        for j in inside:
            insort(through_highs, highs[j])
        # Most blocks are one figure: nothing inside it to compare with.
        single = a == b
        if not single:
            block_by_low = sorted(inside, key=lambda j: -lows[j])
            block_by_high = sorted(inside, key=lambda j: highs[j])
            block_neg_lows = [-lows[j] for j in block_by_low]
            block_highs = [highs[j] for j in block_by_high]
            if named is not None:
                block_first_higher = _first_positions(block_by_low, cap)
                block_first_lower = _first_positions(block_by_high, cap)
        run_low_max, run_high_min = -math.inf, math.inf
        for i in inside:
            lo, hi = lows[i], highs[i]
            before = len(earlier_lows) - bisect_right(earlier_lows, hi)
            higher_inside = 0 if single else bisect_left(block_neg_lows, -hi)
            lower_inside = 0 if single else bisect_left(block_highs, lo)
            after = bisect_left(highs_sorted, lo) - bisect_left(through_highs, lo)
            # A figure whose bounds are the wrong way round would count itself twice.
            count = before + higher_inside + lower_inside + after
            if lo > hi and not single:
                count -= 2

            if i == 0:
                relation = None
            elif earlier_low_max > hi or run_low_max > hi or run_high_min < lo:
                relation = Relation.CONFLICTS
            elif earlier_high_min < lo:
                relation = Relation.UPDATES
            else:
                relation = Relation.AGREES
            run_low_max, run_high_min = max(run_low_max, lo), min(run_high_min, hi)

            conflicts: list[int] = []
            if count and named is None:
                higher = bisect_left(neg_lows_sorted, -hi)
                lower = bisect_left(highs_sorted, lo)
                conflicts = [j for j in by_low[:higher] if j < a]
                if not single:
                    conflicts += [j for j in block_by_low[:higher_inside] if j != i]
                    conflicts += [j for j in block_by_high[:lower_inside] if j != i]
                conflicts += [j for j in by_high[:lower] if j > b]
                conflicts.sort()
            elif count and cap and (named_rows is None or i in named_rows):
                if before:
                    higher = bisect_left(neg_lows_sorted, -hi)
                    # The first few higher figures of all, cut to those before the block,
                    # are the first few of those before the block.
                    conflicts = [j for j in first_higher[higher] if j < a]
                if len(conflicts) < cap and (higher_inside or lower_inside):
                    named_inside = sorted(
                        {*block_first_higher[higher_inside], *block_first_lower[lower_inside]} - {i}
                    )
                    conflicts += named_inside[: cap - len(conflicts)]
                if len(conflicts) < cap and after:
                    need_later.append(i)
            results.append(FigureRelations(relation, count, conflicts))
        for j in inside:
            insort(earlier_lows, lows[j])
            earlier_low_max = max(earlier_low_max, lows[j])
            earlier_high_min = min(earlier_high_min, highs[j])
    if need_later:
        _name_later_conflicts(results, need_later, blocks, lows, highs, highs_sorted, cap)
    return results


def _blocks(times: list[datetime]) -> list[tuple[int, int]]:
    """The first and last position of each run of figures published at the same moment."""
    blocks, start = [], 0
    for i in range(1, len(times) + 1):
        if i == len(times) or times[i] != times[start]:
            blocks.append((start, i - 1))
            start = i
    return blocks


def _first_positions(order: list[int], cap: int) -> list[list[int]]:
    """For each prefix of ``order``, its ``cap`` lowest positions, ascending."""
    prefixes: list[list[int]] = [[]]
    current: list[int] = []
    for j in order:
        if cap and (len(current) < cap or j < current[-1]):
            current = sorted([*current, j])[:cap]
        prefixes.append(current)
    return prefixes


def _name_later_conflicts(results, rows, blocks, lows, highs, highs_sorted, cap) -> None:
    """Complete the named conflicts of ``rows`` with the first lower figures published
    after them. The blocks are walked from the last, each figure entering a Fenwick
    tree over the rank of its high end whose nodes keep their ``cap`` lowest positions,
    so "the first few later figures lower than x" is a prefix query."""
    n = len(highs)
    # Later blocks go in first, so each new position is the lowest a node has seen:
    # a node keeps the last ``cap`` that came in.
    tree = [deque(maxlen=cap) for _ in range(n + 1)]
    waiting: dict[int, list[int]] = {}
    block_of = 0
    rows = sorted(rows)
    for index, (_, b) in enumerate(blocks):
        while block_of < len(rows) and rows[block_of] <= b:
            waiting.setdefault(index, []).append(rows[block_of])
            block_of += 1
    earliest = min(waiting)
    for index in range(len(blocks) - 1, earliest - 1, -1):
        a, b = blocks[index]
        for i in waiting.get(index, ()):
            found: list[int] = []
            node = bisect_left(highs_sorted, lows[i])
            while node > 0:
                found.extend(tree[node])
                node -= node & -node
            row = results[i]
            row.conflicts.extend(sorted(found)[: cap - len(row.conflicts)])
        for j in range(b, a - 1, -1):
            node = bisect_left(highs_sorted, highs[j]) + 1
            while node <= n:
                tree[node].appendleft(j)
                node += node & -node


def conflicting_ids(claims: list[Claim]) -> set[int]:
    """The claims among one quantity's figures that some other figure conflicts with."""
    ordered = sorted(claims, key=report_order)
    return {
        claim.pk
        for claim, found in zip(ordered, quantity_relations(ordered, named=0), strict=True)
        if found.conflict_count
    }


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
