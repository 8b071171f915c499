"""Queries compiled once and run again with other values (``claims.prepared``)."""

from __future__ import annotations

import pytest

from claims.models import Claim
from claims.prepared import prepared_rows

from .factories import ClaimFactory

pytestmark = pytest.mark.django_db


def _by_ids(*, ids: list[int]):
    return Claim.objects.filter(pk__in=ids).order_by("id").values("id", "text")


def _by_text(*, text: str):
    return Claim.objects.filter(text__icontains=text).order_by("id").values("id")


def _by_verdict(*, verdict: str | None, above: float):
    claims = Claim.objects.filter(value__gt=above)
    if verdict is not None:
        claims = claims.filter(verdict=verdict)
    return claims.order_by("id").values("id", "value")


def test_prepared_rows_are_those_of_the_orm_for_each_value(django_assert_num_queries):
    claims = [ClaimFactory(text=f"figure {i}") for i in range(4)]
    for pair in ([claims[0].pk, claims[1].pk], [claims[2].pk, claims[3].pk]):
        with django_assert_num_queries(1):
            rows = prepared_rows("test-ids", _by_ids, ids=pair)
        assert rows == list(_by_ids(ids=pair))


def test_prepared_rows_reuse_the_sql_of_the_same_shape():
    claims = [ClaimFactory() for _ in range(3)]
    prepared_rows("test-reuse", _by_ids, ids=[claims[0].pk])
    built = []

    def counting(**values):
        built.append(values)
        return _by_ids(**values)

    rows = prepared_rows("test-reuse", counting, ids=[claims[1].pk])
    assert built == []
    assert rows == [{"id": claims[1].pk, "text": claims[1].text}]
    # Another length of list is another shape: built once, with stand-ins.
    rows = prepared_rows("test-reuse", counting, ids=[claims[1].pk, claims[2].pk])
    assert len(built) == 1 and built[0]["ids"] != [claims[1].pk, claims[2].pk]
    assert [row["id"] for row in rows] == [claims[1].pk, claims[2].pk]


def test_prepared_rows_of_a_changed_value_are_built_by_the_orm_each_time():
    match = ClaimFactory(text="more than 80")
    ClaimFactory(text="fewer than 9")
    for text in ("than 80", "fewer"):
        assert prepared_rows("test-text", _by_text, text=text) == list(_by_text(text=text))
    assert prepared_rows("test-text", _by_text, text="80") == [{"id": match.pk}]


def test_prepared_rows_of_a_none_or_bool_value_keep_it_in_the_shape():
    high = ClaimFactory(value=500.0, verdict=Claim.Verdict.VERIFIED)
    other = ClaimFactory(value=600.0, verdict=Claim.Verdict.UNREVIEWED)
    ClaimFactory(value=5.0)
    assert [
        r["id"] for r in prepared_rows("test-none", _by_verdict, verdict=None, above=100.0)
    ] == [
        high.pk,
        other.pk,
    ]
    rows = prepared_rows("test-none", _by_verdict, verdict=Claim.Verdict.VERIFIED, above=100.0)
    assert [r["id"] for r in rows] == [high.pk]
    rows = prepared_rows("test-none", _by_verdict, verdict=None, above=550.0)
    assert rows == [{"id": other.pk, "value": 600.0}]


def _by_id(*, pk: int):
    return Claim.objects.filter(pk=pk).values("id")


def test_prepared_rows_of_a_number_no_column_holds_are_none(django_assert_num_queries):
    claim = ClaimFactory()
    assert prepared_rows("test-huge", _by_id, pk=claim.pk) == [{"id": claim.pk}]
    with django_assert_num_queries(0):
        assert prepared_rows("test-huge", _by_id, pk=2**70) == []
