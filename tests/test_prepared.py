"""Queries compiled once and run again with other values (``claims.prepared``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.utils import timezone

from claims.models import Claim, Story
from claims.prepared import prepared_rows

from .conftest import services_required
from .factories import ClaimFactory, StoryFactory

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


# --- On PostgreSQL: prepared statements, rows read in binary -----------------------


def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        message = "prepared statements are PostgreSQL's"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)


def _server_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def _with_dates(*, pk: int):
    return Claim.objects.filter(pk=pk).values(
        "id", "value", "reviewed_at", "article__published_at", "quantity_id", "is_quote"
    )


def test_prepared_rows_run_as_server_prepared_statements_in_binary_alike():
    _postgresql_only()
    claim = ClaimFactory(value=1234.5, verdict=Claim.Verdict.VERIFIED, reviewed_at=timezone.now())
    Claim.objects.filter(pk=claim.pk).update(
        reviewed_at=datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)
    )
    rows = prepared_rows("test-binary", _with_dates, pk=claim.pk)
    assert rows == list(_with_dates(pk=claim.pk))
    assert rows[0]["reviewed_at"] == datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)
    assert any('"claims_claim"."reviewed_at"' in s for s in _server_statements())


def test_prepared_rows_of_json_columns_read_text_as_django_does():
    _postgresql_only()
    story = StoryFactory(places=["Douma", "Ghouta"])

    def places(*, pk: int):
        return Story.objects.filter(pk=pk).values("id", "places")

    assert prepared_rows("test-json", places, pk=story.pk) == [
        {"id": story.pk, "places": ["Douma", "Ghouta"]}
    ]


def test_prepared_rows_prepare_nothing_when_switched_off():
    _postgresql_only()
    claim = ClaimFactory()
    connection.ensure_connection()
    raw = connection.connection
    threshold, raw.prepare_threshold = raw.prepare_threshold, None
    try:
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
        assert prepared_rows("test-off", _by_id, pk=claim.pk) == [{"id": claim.pk}]
        assert _server_statements() == []
    finally:
        raw.prepare_threshold = threshold
