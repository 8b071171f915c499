"""The dashboard's running counts: claims per source and verdict, reviews per day.

Every service that adds, removes or re-judges claims calls ``claims_tally`` (and
``reviews_tally``) inside its own transaction, so the counts move with the data.
``tallies_recount`` rebuilds them from the tables; the beat runs it now and then to
correct what changed outside the services (the admin edits an article's source or
deletes an article).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.db.models.functions import TruncDate

from claims.models import Claim, ClaimTally, Review, ReviewDayTally

NO_SOURCE = 0


def _source_key(source_id: int | None) -> int:
    return source_id or NO_SOURCE


def claims_tally(changes: Iterable[tuple[int | None, str, int]]) -> None:
    """Add ``delta`` to the count of (source id, verdict) for each change."""
    totals: Counter = Counter()
    for source_id, verdict, delta in changes:
        totals[(_source_key(source_id), verdict)] += delta
    # A fixed order, so that two transactions touching the same rows lock them in
    # the same order and cannot deadlock.
    for (source_key, verdict), delta in sorted(totals.items()):
        if delta:
            _add(ClaimTally, {"source_key": source_key, "verdict": verdict}, delta)


def reviews_tally(day: date, delta: int = 1) -> None:
    if delta:
        _add(ReviewDayTally, {"day": day}, delta)


def _add(model, key: dict, delta: int) -> None:
    if model.objects.filter(**key).update(count=F("count") + delta):
        return
    try:
        # A savepoint: on a concurrent insert of the same key only this step is undone.
        with transaction.atomic():
            model.objects.create(count=delta, **key)
    except IntegrityError:
        model.objects.filter(**key).update(count=F("count") + delta)


@transaction.atomic
def tallies_recount() -> None:
    """Rebuild both tallies from the claims and reviews as they are now."""
    if connection.vendor == "postgresql":
        # Services adding to a tally wait until the recount is written, so that no
        # change is counted twice or lost between the count and the write.
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {ClaimTally._meta.db_table}, {ReviewDayTally._meta.db_table} "
                "IN SHARE ROW EXCLUSIVE MODE"
            )
    claim_counts = (
        Claim.objects.order_by().values_list("article__source_id", "verdict").annotate(n=Count("*"))
    )
    ClaimTally.objects.all().delete()
    ClaimTally.objects.bulk_create(
        ClaimTally(source_key=_source_key(source_id), verdict=verdict, count=n)
        for source_id, verdict, n in claim_counts
    )
    day_counts = (
        Review.objects.exclude(from_verdict=F("to_verdict"))
        .annotate(day=TruncDate("created_at"))
        .order_by()
        .values_list("day")
        .annotate(n=Count("*"))
        .values_list("day", "n")
    )
    ReviewDayTally.objects.all().delete()
    ReviewDayTally.objects.bulk_create(ReviewDayTally(day=day, count=n) for day, n in day_counts)
