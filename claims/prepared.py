"""``values()`` queries whose SQL is built once per connection and shape, then reused.

The API's reads are a handful of fixed shapes (a claim by id, a page of the list with
the same filters, a page's evidence), yet building a queryset and compiling it to SQL
costs more CPU than anything else in such a request: half of a claim's. Django keeps
no compiled query between requests, so this does: ``prepared_rows`` builds the query
once with stand-in values, notes where each stand-in landed among the SQL's
parameters, and from then on runs that SQL with the caller's values in their places,
with the converters Django's compiler would apply to the rows of ``values()``.

A shape whose stand-ins do not all come out as parameters (a value written into the
SQL, or changed on the way in, like the ``%`` around an ``icontains`` or a date that
SQLite stores as text) is not reused: it is built by the ORM every time, as before.
The shape is the key, the names of the values and their types (a list's length, a
``bool`` or ``None`` itself), so the query can only be reused for values that build
the same SQL. ``build`` must pass each value into the query as it is, once or more,
never changed.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections
from django.db.models import QuerySet

_UNSET = object()

# Columns whose values psycopg reads from PostgreSQL's binary format as the same Python
# objects as from text, which Django's converters then take alike. Others (JSON, which
# Django reads as text and decodes itself; addresses; arrays) keep the text format.
_BINARY_SAFE = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateField",
        "DateTimeField",
        "EmailField",
        "FloatField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallAutoField",
        "SmallIntegerField",
        "TextField",
        "URLField",
    }
)


@dataclass(frozen=True)
class _Compiled:
    compiler: object
    sql: str
    params: tuple
    names: tuple[str, ...]
    # (index among the flattened values, the SQL parameters it goes into)
    slots: tuple[tuple[int, tuple[int, ...]], ...]
    converters: dict
    fast_timestamps: bool
    binary: bool


# Per connection object: a compiler holds its connection, and each thread has its own.
_compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def prepared_rows(
    key: Hashable, build: Callable[..., QuerySet], /, *, using: str = "default", **values
) -> list[dict]:
    """``list(build(**values))``, where ``build`` returns a ``values()`` queryset."""
    connection = connections[using]
    shape = (key, tuple((name, _kind(value)) for name, value in values.items()))
    known = _compiled.setdefault(connection, {})
    compiled = known.get(shape, _UNSET)
    if compiled is _UNSET:
        compiled = known[shape] = _compile(build, values, using)
    flat = _flatten(values.values())
    if compiled is None or not all(map(_storable, flat)):
        return list(build(**values))
    params = list(compiled.params)
    for index, positions in compiled.slots:
        for position in positions:
            params[position] = flat[index]
    with _cursor(connection, binary=compiled.binary) as cursor:
        # Rows read in binary have a compiled loader of their own.
        if compiled.fast_timestamps and not getattr(cursor.cursor, "binary_rows", False):
            cursor.cursor.adapters.register_loader("timestamptz", _C_TIMESTAMPTZ_LOADER)
        cursor.execute(compiled.sql, params)
        results = cursor.fetchall()
    names = compiled.names
    if compiled.converters:
        results = compiled.compiler.apply_converters(results, compiled.converters)
    return [dict(zip(names, row, strict=True)) for row in results]


def _cursor(connection, *, binary: bool):
    """On PostgreSQL, a cursor that runs the SQL as a prepared statement (named, kept by
    the connection) and, where ``binary``, reads the rows in binary format.

    Django binds parameters on the client and never prepares, so PostgreSQL plans
    each query anew: for a page of the claim list, planning took longer than running
    it. These few fixed shapes are worth a plan kept per connection, while Django's
    other queries stay as they are. Parsing numbers and dates from binary rather than
    text saves a fifth of reading a page's rows. With prepared statements switched off
    (NEWSFACTS_DB_PREPARED_STATEMENTS, for a pooler that cannot keep them), this is
    Django's own cursor.
    """
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        return connection.cursor()
    cursor = _PreparingCursor(connection.connection)
    cursor.binary_rows = binary
    # Django's wrapper, so that the statement is logged, counted and timed as any other.
    return connection._prepare_cursor(cursor)


try:
    import psycopg

    class _PreparingCursor(psycopg.Cursor):
        binary_rows = False

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=self.binary_rows)
except ImportError:  # SQLite only
    pass


def _storable(value) -> bool:
    # The ORM answers a lookup of a number no column can hold without asking the
    # database (no row has it), which would refuse it in a query.
    return not isinstance(value, int) or -(2**63) <= value < 2**63


def _kind(value) -> Hashable:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, list | tuple):
        if set(map(type, value)) == {int}:
            # The common list, ids: told apart by its length alone, without a loop.
            return (type(value), int, len(value))
        return (type(value), tuple(_kind(item) for item in value))
    return type(value)


def _flatten(values) -> list:
    """The values with the items of lists (and theirs) in their places, in order."""
    flat = []
    for value in values:
        if isinstance(value, list | tuple):
            flat.extend(_flatten(value))
        else:
            flat.append(value)
    return flat


_counter = itertools.count(1)


def _stand_in(value):
    """A value of the same type that no query holds by itself."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, list | tuple):
        return type(value)(_stand_in(item) for item in value)
    number = next(_counter) % 1_000_000
    if isinstance(value, int):
        # Within 32 bits: Django drops a filter on a value its column cannot hold.
        return 2_000_000_000 - number * 7
    if isinstance(value, float):
        return 1_987_654_321.25 + number
    if isinstance(value, str):
        return f"\x1fprepared-{number}\x1f"
    if isinstance(value, datetime):
        return datetime(2391, 1, 1, 0, number // 1000, 0, number % 1000 * 7, tzinfo=UTC)
    return _UNSET  # a type this cannot stand in for


def _compile(build: Callable[..., QuerySet], values: dict, using: str) -> _Compiled | None:
    stand_ins = {name: _stand_in(value) for name, value in values.items()}
    flat = _flatten(stand_ins.values())
    if any(value is _UNSET for value in flat):
        return None
    queryset = build(**stand_ins)
    query = queryset.query
    if query.selected is None and not query.values_select and not query.annotation_select:
        return None  # not a values() query
    compiler = query.get_compiler(using)
    try:
        sql, params = compiler.as_sql()
    except (EmptyResultSet, FullResultSet):
        return None
    slots = []
    for index, stand_in in enumerate(flat):
        if stand_in is None or isinstance(stand_in, bool):
            continue
        positions = tuple(i for i, param in enumerate(params) if _same(param, stand_in))
        if not positions:
            return None
        slots.append((index, positions))
    # A stand-in changed on its way in (wrapped, cut, cast) must not be left behind.
    texts = [s for s in flat if isinstance(s, str)]
    taken = {p for _index, positions in slots for p in positions}
    for i, param in enumerate(params):
        if i not in taken and isinstance(param, str) and any(s in param for s in texts):
            return None
    if query.selected:
        names = tuple(query.selected)
    else:
        names = (*query.extra_select, *query.values_select, *query.annotation_select)
    # What results_iter() would do to each row, worked out once.
    converters = compiler.get_converters(
        [select[0] for select in compiler.select[: compiler.col_count]]
    )
    if compiler.has_composite_fields(
        [select[0] for select in compiler.select[: compiler.col_count]]
    ):
        return None
    columns = [select[0] for select in compiler.select[: compiler.col_count]]
    binary = all(
        getattr(column, "output_field", None) is not None
        and column.output_field.get_internal_type() in _BINARY_SAFE
        for column in columns
    )
    return _Compiled(
        compiler,
        sql,
        tuple(params),
        names,
        tuple(slots),
        converters,
        _fast_timestamps(using),
        binary,
    )


def _c_timestamptz_loader():
    try:
        import psycopg
        from psycopg.postgres import types
    except ImportError:
        return None
    loader = psycopg.adapters.get_loader(types["timestamptz"].oid, psycopg.pq.Format.TEXT)
    # Only psycopg's compiled loader is worth it; its pure-Python one is Django's base.
    compiled = loader.__module__.startswith(("psycopg_binary", "psycopg_c"))
    return loader if compiled else None


_C_TIMESTAMPTZ_LOADER = _c_timestamptz_loader()


def _fast_timestamps(using: str) -> bool:
    """Whether rows may read timestamps with psycopg's compiled loader.

    Django's loader for PostgreSQL is psycopg's pure-Python one, which then gives each
    value Django's time zone; a page of claims has a hundred timestamps, and parsing
    them was a tenth of its CPU. Django sets the session's time zone to its own (UTC
    with USE_TZ), so the compiled loader reads the same instants in the same zone.
    """
    connection = connections[using]
    return (
        _C_TIMESTAMPTZ_LOADER is not None
        and connection.vendor == "postgresql"
        and settings.USE_TZ
        and connection.timezone_name == "UTC"
    )


def _same(param, stand_in) -> bool:
    return type(param) is type(stand_in) and param == stand_in
