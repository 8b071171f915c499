"""Keyset (cursor) pagination over one ordering field plus the id as tie-breaker.

DRF's CursorPagination cannot page over a nullable field (an editor's list ordered
by review date holds unreviewed claims with no date), so this one encodes the last
row's (value, id) in the cursor and asks for the rows after it. Pages cost the same
however deep they are, and rows added meanwhile never shift a page.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils.dateparse import parse_datetime
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

CURSOR_PARAM = "cursor"
PAGE_SIZE_PARAM = "page_size"


@dataclass(frozen=True)
class Ordering:
    """``field`` may span a relation (``article__published_at``)."""

    field: str
    descending: bool
    nullable: bool = False
    is_datetime: bool = False

    def value_of(self, row) -> object:
        """The field's value in a ``values()`` row or on a model instance."""
        if isinstance(row, dict):
            return row[self.field]
        for part in self.field.split("__"):
            row = getattr(row, part) if row is not None else None
        return row


def _pk(row) -> int:
    return row["id"] if isinstance(row, dict) else row.pk


@dataclass(frozen=True)
class Page:
    items: list
    next_url: str | None
    previous_url: str | None


class CursorParamsSerializer(serializers.Serializer):
    cursor = serializers.CharField(required=False, help_text="Opaque; from `next` or `previous`.")
    page_size = serializers.IntegerField(required=False, min_value=1)


def _order_by(ordering: Ordering, *, descending: bool, nulls_first: bool) -> list:
    nulls = {"nulls_first": True} if nulls_first else {"nulls_last": True}
    if not ordering.nullable:
        nulls = {}
    if descending:
        return [F(ordering.field).desc(**nulls), F("id").desc()]
    return [F(ordering.field).asc(**nulls), F("id").asc()]


def _after(ordering: Ordering, value, pk: int, *, descending: bool, nulls_first: bool) -> Q:
    """Rows strictly after (value, pk) in the given order."""
    field = ordering.field
    beyond = "lt" if descending else "gt"
    if value is None:
        tail = Q(**{f"{field}__isnull": True, f"id__{beyond}": pk})
        return tail | Q(**{f"{field}__isnull": False}) if nulls_first else tail
    # The inclusive bound comes first, on its own: an index can seek to it, while the
    # OR only filters the rows that share the cursor's value.
    condition = Q(**{f"{field}__{beyond}e": value}) & (
        Q(**{f"{field}__{beyond}": value}) | Q(**{f"id__{beyond}": pk})
    )
    if ordering.nullable and not nulls_first:
        condition |= Q(**{f"{field}__isnull": True})
    return condition


def _encode(value, pk: int, direction: str) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    raw = json.dumps([value, pk, direction], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, ordering: Ordering) -> tuple[object, int, str]:
    invalid = ValidationError(
        {CURSOR_PARAM: ["The cursor is not valid; use the `next` or `previous` link as given."]}
    )
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk, direction = json.loads(raw)
    except (ValueError, TypeError, binascii.Error):
        raise invalid from None
    if not isinstance(pk, int) or isinstance(pk, bool) or direction not in ("n", "p"):
        raise invalid
    if value is not None:
        if ordering.is_datetime:
            parsed = parse_datetime(value) if isinstance(value, str) else None
            if parsed is None:
                raise invalid
            value = parsed
        elif not isinstance(value, int | float) or isinstance(value, bool):
            raise invalid
    return value, pk, direction


class KeysetPagination:
    def __init__(self, *, default_size: int, max_size: int) -> None:
        self.default_size = default_size
        self.max_size = max_size

    def page_size(self, request) -> int:
        raw = request.query_params.get(PAGE_SIZE_PARAM)
        if raw is None or raw == "":
            return self.default_size
        try:
            size = int(raw)
        except ValueError:
            raise ValidationError({PAGE_SIZE_PARAM: ["Give a whole number."]}) from None
        if size < 1:
            raise ValidationError({PAGE_SIZE_PARAM: ["The page size must be at least 1."]})
        return min(size, self.max_size)

    def paginate(
        self,
        queryset: QuerySet,
        request,
        ordering: Ordering,
        *,
        rows: Callable[[QuerySet], QuerySet] = lambda queryset: queryset,
        partitions: list[Q] | None = None,
    ) -> Page:
        """One page of ``queryset`` after the request's cursor, as ``rows(queryset)``.

        With ``partitions`` (conditions that split the rows into disjoint sets, each
        with an index that leads with its condition and continues with the ordering
        field), the page is found by taking the first rows of every partition and
        merging them: the database then walks indexes instead of sorting every row.
        """
        size = self.page_size(request)
        cursor = request.query_params.get(CURSOR_PARAM)
        value = pk = None
        backwards = False
        if cursor:
            value, pk, direction = _decode(cursor, ordering)
            backwards = direction == "p"
        descending = ordering.descending != backwards
        # Nulls sort after every value, whichever the direction.
        nulls_first = backwards
        if partitions and connection.features.supports_slicing_ordering_in_compound:
            items = self._merged_partitions(
                queryset,
                rows,
                ordering,
                partitions,
                cursor=(value, pk) if cursor else None,
                descending=descending,
                nulls_first=nulls_first,
                limit=size + 1,
            )
        else:
            if cursor:
                queryset = queryset.filter(
                    _after(ordering, value, pk, descending=descending, nulls_first=nulls_first)
                )
            queryset = rows(queryset).order_by(
                *_order_by(ordering, descending=descending, nulls_first=nulls_first)
            )
            items = list(queryset[: size + 1])
        more = len(items) > size
        rows = items[:size]
        if backwards:
            rows.reverse()
            has_next, has_previous = True, more
        else:
            has_next, has_previous = more, bool(cursor)
        next_url = previous_url = None
        if rows and has_next:
            last = rows[-1]
            next_url = _url(request, _encode(ordering.value_of(last), _pk(last), "n"))
        if rows and has_previous:
            first = rows[0]
            previous_url = _url(request, _encode(ordering.value_of(first), _pk(first), "p"))
        return Page(items=rows, next_url=next_url, previous_url=previous_url)

    @staticmethod
    def _merged_partitions(
        queryset: QuerySet,
        rows: Callable[[QuerySet], QuerySet],
        ordering: Ordering,
        partitions: list[Q],
        *,
        cursor: tuple | None,
        descending: bool,
        nulls_first: bool,
        limit: int,
    ) -> list:
        field = ordering.field
        beyond = "lt" if descending else "gt"
        value, pk = cursor if cursor is not None else (None, None)
        at_nulls = cursor is not None and value is None

        def valued_keys() -> list[tuple]:
            if at_nulls and not nulls_first:
                return []  # past every value already
            parts = []
            for partition in partitions:
                part = queryset.filter(partition, **{f"{field}__isnull": False})
                if cursor is not None and value is not None:
                    part = part.filter(
                        Q(**{f"{field}__{beyond}e": value})
                        & (Q(**{f"{field}__{beyond}": value}) | Q(**{f"id__{beyond}": pk}))
                    )
                parts.append(_ordered(part.values_list(field, "id"), field, descending)[:limit])
            found = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
            return sorted(found, reverse=descending)

        def null_keys(wanted: int) -> list[tuple]:
            # Rows without a value come after every value; asked for only at that edge.
            if not ordering.nullable or (cursor is not None and value is not None and nulls_first):
                return []
            part = queryset.filter(**{f"{field}__isnull": True})
            if at_nulls:
                part = part.filter(**{f"id__{beyond}": pk})
            return list(
                part.order_by("-id" if descending else "id").values_list(field, "id")[:wanted]
            )

        if nulls_first:
            keys = null_keys(limit)
            if len(keys) < limit:
                keys += valued_keys()
        else:
            keys = valued_keys()
            if len(keys) < limit:
                keys += null_keys(limit - len(keys))
        ids = [key[1] for key in keys[:limit]]
        if not ids:
            return []
        found_rows = {_pk(row): row for row in rows(queryset.filter(pk__in=ids).order_by())}
        return [found_rows[pk] for pk in ids if pk in found_rows]


def _ordered(queryset: QuerySet, field: str, descending: bool) -> QuerySet:
    # No NULLS FIRST/LAST here: these rows have values, and the plain direction is the
    # one an index on the field can be read in.
    if descending:
        return queryset.order_by(F(field).desc(), F("id").desc())
    return queryset.order_by(F(field).asc(), F("id").asc())


def _url(request, cursor: str) -> str:
    params = request.query_params.copy()
    params[CURSOR_PARAM] = cursor
    return request.build_absolute_uri(request.path) + "?" + urlencode(params, doseq=True)


def paginated_serializer(item_serializer: type[serializers.Serializer], name: str):
    """The documented shape of one page of ``item_serializer`` results."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item_serializer(many=True),
        },
    )
