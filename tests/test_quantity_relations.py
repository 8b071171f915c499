"""The relations of a quantity's figures, found from sorted intervals, match the
pairwise rule of the contract (``relate``) on every pair, whatever the figures."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from claims.models import Article, Claim
from claims.services.xref import (
    Relation,
    conflicting_ids,
    quantity_relations,
    relate,
    report_order,
)

MONDAY = datetime(2018, 2, 19, 8, tzinfo=UTC)
STRENGTH = {Relation.AGREES: 0, Relation.UPDATES: 1, Relation.CONFLICTS: 2}


def _random_figures(rng: random.Random, measure: str, count: int) -> list[Claim]:
    """Figures of one quantity: exact, approximate, ranges and open bounds, several to
    an article, articles often published at the same moment."""
    articles = [
        Article(pk=k, published_at=MONDAY + timedelta(hours=rng.choice([0, 0, 1, 2, 5, 9])))
        for k in range(1, 1 + max(1, count // 3))
    ]
    claims = []
    for pk in range(1, count + 1):
        value = float(rng.choice([8, 10, 21, 24, 58, 60, 70, 2000]))
        qualifier = rng.choice(
            ["exact", "exact", "approximate", "lower_bound", "upper_bound", "range"]
        )
        lower = upper = None
        if qualifier == "lower_bound":
            lower = value
        elif qualifier == "upper_bound":
            upper = value
        elif qualifier == "range":
            lower, upper = value, value + rng.choice([1, 15, 100])
        claims.append(
            Claim(
                pk=pk,
                article=rng.choice(articles),
                start=pk * 10,
                measure=measure,
                qualifier=qualifier,
                value=value,
                lower=lower,
                upper=upper,
            )
        )
    return sorted(claims, key=report_order)


def _pairwise(claims: list[Claim]):
    """What the contract says, pair by pair: the strongest relation to the earlier
    figures and every conflicting figure's position."""
    relations, conflicts = [None] * len(claims), [[] for _ in claims]
    for i, claim in enumerate(claims):
        for j in range(i + 1, len(claims)):
            relation = relate(claim, claims[j])
            if relation is Relation.CONFLICTS:
                conflicts[i].append(j)
                conflicts[j].append(i)
            if relations[j] is None or STRENGTH[relation] > STRENGTH[relations[j]]:
                relations[j] = relation
    return relations, [sorted(c) for c in conflicts]


@pytest.mark.parametrize("measure", ["deaths", "other"])
@pytest.mark.parametrize("seed", range(40))
def test_relations_match_the_pairwise_rule(measure, seed):
    rng = random.Random(seed)
    claims = _random_figures(rng, measure, rng.randrange(1, 60))
    relations, conflicts = _pairwise(claims)

    everything = quantity_relations(claims, named=None)
    assert [r.relation for r in everything] == relations
    assert [r.conflicts for r in everything] == conflicts
    assert [r.conflict_count for r in everything] == [len(c) for c in conflicts]

    few = quantity_relations(claims, named=3)
    assert [r.relation for r in few] == relations
    assert [r.conflicts for r in few] == [c[:3] for c in conflicts]
    assert [r.conflict_count for r in few] == [len(c) for c in conflicts]

    listed = {0, len(claims) - 1}
    some = quantity_relations(claims, named=2, named_rows=listed)
    assert [r.conflict_count for r in some] == [len(c) for c in conflicts]
    assert [r.conflicts for r in some] == [
        c[:2] if i in listed else [] for i, c in enumerate(conflicts)
    ]

    assert conflicting_ids(list(reversed(claims))) == {
        claims[i].pk for i, c in enumerate(conflicts) if c
    }


def test_a_rising_toll_updates_and_a_later_lower_one_conflicts():
    article = [Article(pk=k, published_at=MONDAY + timedelta(hours=k)) for k in range(1, 4)]
    claims = [
        Claim(pk=k, article=a, start=0, measure="deaths", qualifier="exact", value=v)
        for k, (a, v) in enumerate(zip(article, [58, 70, 24], strict=True), start=1)
    ]
    rows = quantity_relations(claims)
    assert [r.relation for r in rows] == [None, Relation.UPDATES, Relation.CONFLICTS]
    assert [r.conflicts for r in rows] == [[2], [2], [0, 1]]
