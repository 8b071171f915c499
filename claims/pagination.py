"""Keyset (cursor) pagination over one ordering field plus the id as tie-breaker.

The web queue and the API page the same way, with the same parameters: ``cursor`` (an
opaque token from a ``next`` or ``previous`` link) and ``page_size``.

The cursor holds the last row's (value, id), and a page asks for the rows after it.
Pages cost the same however deep they are, and rows added meanwhile never shift a page.
DRF's CursorPagination cannot do this over a nullable field (an editor's list ordered by
review date holds unreviewed claims with no date); here rows without a value come after
every value, whichever the direction, and are read by a second query only at that edge,
so that the rows with values are read in the plain order any index on the field gives.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from claims.prepared import prepared_rows

CURSOR_PARAM = "cursor"
PAGE_SIZE_PARAM = "page_size"

# Ids are 64-bit integers in every supported database; a larger one is not a row.
MAX_ID = 2**63 - 1
_INVALID_CURSOR = "The cursor is not valid; use the “next” or “previous” link as given."


class PageParameterError(ValueError):
    """A ``cursor`` or ``page_size`` that cannot be read; ``param`` names which."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param
        self.message = message


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


@dataclass(frozen=True)
class Cursor:
    value: object
    pk: int
    backwards: bool = False


@dataclass(frozen=True)
class KeysetPage:
    items: list
    next_cursor: str | None
    previous_cursor: str | None


def page_size_from(raw: str | None, *, default: int, maximum: int) -> int:
    """The page size a request asks for, capped at ``maximum``; none given is ``default``."""
    if raw is None:
        return default
    try:
        size = int(raw)
    except ValueError:
        raise PageParameterError(PAGE_SIZE_PARAM, "Give a whole number.") from None
    if size < 1:
        raise PageParameterError(PAGE_SIZE_PARAM, "The page size must be at least 1.")
    return min(size, maximum)


def cursor_encode(value, pk: int, *, backwards: bool = False) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    raw = json.dumps([value, pk, "p" if backwards else "n"], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(token: str, ordering: Ordering) -> Cursor:
    """Read a cursor made by ``cursor_encode`` for this ordering, or refuse it.

    Everything in it is checked before it reaches a query: a cursor is text a client
    can edit, and a date that does not exist or a number no column holds must be a
    clear error, not a database failure.
    """
    invalid = PageParameterError(CURSOR_PARAM, _INVALID_CURSOR)
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        value, pk, direction = json.loads(raw)
    except (ValueError, TypeError, binascii.Error, RecursionError):
        raise invalid from None
    if not _is_int(pk) or not 0 < pk <= MAX_ID or direction not in ("n", "p"):
        raise invalid
    if value is not None:
        value = _cursor_value(value, ordering)
        if value is None:
            raise invalid
    elif not ordering.nullable:
        raise invalid
    return Cursor(value=value, pk=pk, backwards=direction == "p")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _cursor_value(value, ordering: Ordering):
    """The cursor's value as the ordering field holds it, or None when it cannot be."""
    if ordering.is_datetime:
        if not isinstance(value, str):
            return None
        try:
            moment = parse_datetime(value)
        except ValueError:  # well-formed but impossible, e.g. 30 February
            return None
        if moment is not None and timezone.is_naive(moment):
            return None
        return moment
    if ordering.field == "id" or ordering.field.endswith("_id"):
        return value if _is_int(value) and 0 < value <= MAX_ID else None
    if _is_int(value) or isinstance(value, float):
        try:
            number = float(value)
        except OverflowError:
            return None
        return number if math.isfinite(number) else None
    return None


def _after(ordering: Ordering, cursor: Cursor, *, descending: bool) -> Q:
    """Rows with a value strictly after the cursor's in the given order."""
    field, beyond = ordering.field, "lt" if descending else "gt"
    # The inclusive bound comes first, on its own: an index can seek to it, while the
    # OR only filters the rows that share the cursor's value.
    return Q(**{f"{field}__{beyond}e": cursor.value}) & (
        Q(**{f"{field}__{beyond}": cursor.value}) | Q(**{f"id__{beyond}": cursor.pk})
    )


def _in_order(queryset: QuerySet, field: str, *, descending: bool) -> QuerySet:
    # No NULLS FIRST/LAST: the rows read here have values (or the field is never
    # null), and the plain direction is the one an index on the field is read in.
    if descending:
        return queryset.order_by(F(field).desc(), F("id").desc())
    return queryset.order_by(F(field).asc(), F("id").asc())


@dataclass(frozen=True)
class PreparedQuery:
    """A queryset given as ``build(**values)``, for ``keyset_page`` to read through
    ``claims.prepared``: a page of the same shape reuses its SQL. ``key`` names the
    shape of ``build`` beyond the values' names and types."""

    key: Hashable
    build: Callable[..., QuerySet]
    values: dict
    using: str = "default"


def _read(source, key: tuple, refine: Callable[..., QuerySet], **more) -> list:
    """``list(refine(queryset, **more))`` of a queryset or a ``PreparedQuery``."""
    if not isinstance(source, PreparedQuery):
        return list(refine(source, **more))
    names = tuple(source.values)

    def build(**values) -> QuerySet:
        queryset = source.build(**{name: values[name] for name in names})
        return refine(queryset, **{name: values[name] for name in more})

    return prepared_rows((source.key, key), build, using=source.using, **source.values, **more)


def _rows_with_values(source, ordering, cursor, *, descending, limit) -> list:
    if cursor is not None and cursor.value is None:
        # Past every value already: from (backwards) the rows without one, the row
        # before is the last one with a value.
        if not cursor.backwards:
            return []
        cursor = None

    def refine(queryset, **after) -> QuerySet:
        if ordering.nullable:
            queryset = queryset.filter(**{f"{ordering.field}__isnull": False})
        if after:
            beyond = Cursor(value=after["after_value"], pk=after["after_pk"])
            queryset = queryset.filter(_after(ordering, beyond, descending=descending))
        return _in_order(queryset, ordering.field, descending=descending)[:limit]

    after = {} if cursor is None else {"after_value": cursor.value, "after_pk": cursor.pk}
    return _read(source, ("with", ordering, descending, limit), refine, **after)


def _rows_without_value(source, ordering, cursor, *, descending, limit) -> list:
    def refine(queryset, **after) -> QuerySet:
        queryset = queryset.filter(**{f"{ordering.field}__isnull": True})
        if after:
            queryset = queryset.filter(**{f"id__{'lt' if descending else 'gt'}": after["after_pk"]})
        return queryset.order_by(F("id").desc() if descending else F("id").asc())[:limit]

    after = {"after_pk": cursor.pk} if cursor is not None and cursor.value is None else {}
    return _read(source, ("without", ordering, descending, limit), refine, **after)


def keyset_page(
    queryset: QuerySet | PreparedQuery,
    ordering: Ordering,
    *,
    cursor: Cursor | None,
    size: int,
    rows: Callable[[QuerySet], QuerySet] = lambda queryset: queryset,
) -> KeysetPage:
    """One page of ``rows(queryset)`` after ``cursor`` (or the first page).

    One query per page; a second one only on the page where rows with a value give
    way to rows without one.
    """
    backwards = cursor is not None and cursor.backwards
    descending = ordering.descending != backwards
    limit = size + 1
    if isinstance(queryset, PreparedQuery):
        build = queryset.build
        queryset = replace(queryset, build=lambda **values: rows(build(**values)))
    else:
        queryset = rows(queryset)
    if not ordering.nullable:
        items = _rows_with_values(queryset, ordering, cursor, descending=descending, limit=limit)
    elif backwards:
        # Going back, the rows without a value (which come last) are met first.
        items = []
        if cursor.value is None:
            items = _rows_without_value(
                queryset, ordering, cursor, descending=descending, limit=limit
            )
        if len(items) < limit:
            items += _rows_with_values(
                queryset, ordering, cursor, descending=descending, limit=limit - len(items)
            )
    else:
        items = _rows_with_values(queryset, ordering, cursor, descending=descending, limit=limit)
        if len(items) < limit:
            items += _rows_without_value(
                queryset, ordering, cursor, descending=descending, limit=limit - len(items)
            )
    more = len(items) > size
    items = items[:size]
    if backwards:
        items.reverse()
        has_next, has_previous = True, more
    else:
        has_next, has_previous = more, cursor is not None
    next_cursor = previous_cursor = None
    if items and has_next:
        last = items[-1]
        next_cursor = cursor_encode(ordering.value_of(last), _pk(last))
    if items and has_previous:
        first = items[0]
        previous_cursor = cursor_encode(ordering.value_of(first), _pk(first), backwards=True)
    return KeysetPage(items=items, next_cursor=next_cursor, previous_cursor=previous_cursor)


def _pk(row) -> int:
    return row["id"] if isinstance(row, dict) else row.pk


# The orders a claim list can be read in, by the name the query string uses (the web
# queue offers some of them, the API all). A leading "-" is newest / highest first.
CLAIM_ORDERINGS = {
    "reviewed_at": Ordering("reviewed_at", descending=False, nullable=True, is_datetime=True),
    "-reviewed_at": Ordering("reviewed_at", descending=True, nullable=True, is_datetime=True),
    "checkworthiness": Ordering("checkworthiness", descending=False),
    "-checkworthiness": Ordering("checkworthiness", descending=True),
    "added_at": Ordering("article__created_at", descending=False, is_datetime=True),
    "-added_at": Ordering("article__created_at", descending=True, is_datetime=True),
    "published_at": Ordering(
        "article__published_at", descending=False, nullable=True, is_datetime=True
    ),
    "-published_at": Ordering(
        "article__published_at", descending=True, nullable=True, is_datetime=True
    ),
    "id": Ordering("id", descending=False),
    "-id": Ordering("id", descending=True),
}
