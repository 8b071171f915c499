"""What does one keyset page of a claim list cost, first and deep, for each ordering?

    DATABASE_URL=postgres://USER@127.0.0.1:5432/DBNAME DJANGO_DEBUG=1 \\
        .venv/bin/python bench/list_pages.py --claims 200000

Fills the database the way ``bench/api_load.py`` does (once; later runs reuse the
rows), then times, in this process, the query work of one page of 50 as the API and
the queue run it (``claims.pagination.keyset_page``): the API's claim list for a
consumer and for an editor, by review date, first page and deep; filtered by verdict;
and the queue's three sorts. It prints the median and p95 in ms and the number of
queries per page (the goal: one).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))


def timed(page, runs: int) -> tuple[float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        page()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    import api_load

    api_load.CLAIMS = args.claims
    env = api_load._production_env(os.environ["DATABASE_URL"])
    env["DJANGO_DEBUG"] = os.environ.get("DJANGO_DEBUG", "1")
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    api_load.seed(env)

    from django.db import connection

    from claims.api.serializers import claim_rows
    from claims.models import Claim
    from claims.pagination import CLAIM_ORDERINGS, cursor_decode, keyset_page

    def deep(queryset, ordering, depth: int):
        """The cursor after row ``depth`` of ``queryset`` in ``ordering``."""
        cursor = None
        remaining = depth
        while remaining > 0:
            step = min(remaining, 1000)
            page = keyset_page(
                queryset,
                ordering,
                cursor=cursor,
                size=step,
                rows=lambda qs: qs.select_related(None).values("id", ordering.field),
            )
            cursor = cursor_decode(page.next_cursor, ordering)
            remaining -= step
        return cursor

    by_review = CLAIM_ORDERINGS["-reviewed_at"]
    by_publication = CLAIM_ORDERINGS["-published_at"]
    api = [
        ("API consumer, by review date", Claim.objects.reviewed(), by_review),
        ("API editor, by review date", Claim.objects.all(), by_review),
        ("API verdict=false, by review date", Claim.objects.filter(verdict="false"), by_review),
        ("API consumer, by publication", Claim.objects.reviewed(), by_publication),
    ]
    queue = Claim.objects.for_queue_page().filter(verdict=Claim.Verdict.UNREVIEWED)
    queue_sorts = [
        (f"queue, sorted by {name}", queue, CLAIM_ORDERINGS[name])
        for name in ("-checkworthiness", "-added_at", "-published_at")
    ]
    print(f"{Claim.objects.count():,} claims on {connection.vendor}; pages of 50")
    print(f"{'list':42} {'depth':>7} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, queryset, ordering in api + queue_sorts:
        rows = claim_rows if label.startswith("API") else (lambda qs: qs)
        for depth in (0, 10_000):
            cursor = deep(queryset, ordering, depth) if depth else None

            def page(queryset=queryset, ordering=ordering, cursor=cursor, rows=rows):
                return keyset_page(queryset, ordering, cursor=cursor, size=50, rows=rows).items

            median, p95, queries = timed(page, args.runs)
            print(f"{label:42} {depth:>7,} {median:>10.1f} {p95:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main()
