"""Server time of the editors' pages on a large database.

Fills the configured database (``DATABASE_URL``; PostgreSQL databases are created if
missing, and migrated) with synthetic articles and claims, then renders each page
through Django's test client N times and prints median and p95 in milliseconds.

    DJANGO_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/h5bench \\
        .venv/bin/python bench/ui_latency.py --claims 1000000 --repeat 30

The fill is story_scale's (stories of 1-8 articles, 10 claims an article, story keys
and quantities) made into a review queue: 20 sources, 30% of the claims reviewed with
their history, 1% assigned to the editor measured, and a sample of stories refreshed so
that their quantities carry relations and conflicts. A database that already holds at
least ``--claims`` claims is reused as it is. ``--only`` picks pages by name and
``--profile`` prints where each one's CPU time goes.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsfacts.settings")

CLAIMS_PER_ARTICLE = 10
SOURCES = 20
EVENTS = ["kill", "flee", "displace", "injure", "arrest", "rise", "fall", "cost", "be", "evacuate"]
UNITS = ["people", "civilian", "child", "refugee", "usd", "percent", "hospital", "home", "km"]
VERDICTS = ["verified", "false", "misleading", "unverifiable"]
SENTENCE = (
    "officials said the figure rose sharply after the strikes on the province while aid "
    "groups warned that the toll could climb as rescuers reached the villages"
)
WORDS = SENTENCE.split(" ")
# story_scale places claim k of an article at k * SPAN: each gets a sentence of its own.
SPAN = 40
STORIES_REFRESHED = 400


def ensure_postgres_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


def fill(target: int) -> None:
    """Stories, articles and claims by story_scale's COPY fill, then made into a queue.

    story_scale writes what story assignment needs (stories, their keys, quantities)
    with identical claims; the queue pages need sources, verdicts with their reviews,
    assignees, spread check-worthiness and sentences that a search can find, so those
    are written over the new rows here, again by COPY.
    """
    from django.contrib.auth.models import User
    from django.db import connection
    from story_scale import fill as story_fill

    from claims.models import Article, Claim, Story
    from claims.services.stories import story_refresh
    from claims.services.tallies import tallies_recount

    have = Claim.objects.count()
    if have >= target:
        print(f"reusing {have:,} claims")
        return
    started = time.perf_counter()
    last_article = Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_story = Story.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    story_fill(-(-(target - have) // CLAIMS_PER_ARTICLE), CLAIMS_PER_ARTICLE, seed=15)
    print(f"stories, articles and claims copied in {time.perf_counter() - started:.0f} s")
    _make_queue(last_article)
    # Relations and conflict flags as the workers leave them, for a sample of stories
    # (refreshing all of them would take longer than the rest of the fill).
    stories = Story.objects.filter(pk__gt=last_story).order_by("pk").values_list("pk", flat=True)
    for story_id in stories[:: max(1, stories.count() // STORIES_REFRESHED)]:
        story_refresh(story_id=story_id)
    tallies_recount()
    User.objects.get_or_create(username="bench-editor")
    with connection.cursor() as cursor:
        # What autovacuum does soon after a bulk load: statistics, and the visibility map
        # that lets counts run as index-only scans.
        cursor.execute("VACUUM ANALYZE")
    print(f"filled {Claim.objects.count():,} claims in {time.perf_counter() - started:.0f} s")


def _make_queue(last_article: int) -> None:
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.utils import timezone
    from story_scale import copy_rows

    from claims.models import Article, Claim, Review, Source

    rng = random.Random(5)
    now = timezone.now()
    sources = [
        Source.objects.get_or_create(slug=f"bench-{i}", defaults={"name": f"Bench Outlet {i}"})[
            0
        ].pk
        for i in range(SOURCES)
    ]
    reviewer = User.objects.get_or_create(username="bench-reviewer")[0].pk
    editor = User.objects.get_or_create(username="bench-editor")[0].pk
    article_rows, claim_rows, review_rows = [], [], []
    claims = (
        Claim.objects.filter(article_id__gt=last_article)
        .order_by("article_id", "start")
        .values_list("pk", "article_id", "start")
    )
    bodies: dict[int, list[str]] = {}
    for pk, article_id, start in claims.iterator(chunk_size=20_000):
        value = rng.randrange(100, 1000)
        # A sentence of SPAN characters that starts with the figure.
        words = [str(value)]
        while True:
            extra = rng.choice(WORDS)
            if len(" ".join(words)) + len(extra) + 2 > SPAN - 1:
                break
            words.append(extra)
        sentence = " ".join(words) + "."
        bodies.setdefault(article_id, []).append(sentence.ljust(SPAN))
        verdict = "unreviewed" if rng.random() < 0.7 else rng.choice(VERDICTS)
        reviewed_at = (
            None
            if verdict == "unreviewed"
            else now - timedelta(days=rng.randint(0, 40), minutes=rng.randint(0, 900))
        )
        roll = rng.random()
        assigned = editor if roll < 0.01 else reviewer if roll < 0.03 else None
        claim_rows.append(
            (
                pk,
                str(value),
                float(value),
                rng.choice(EVENTS),
                rng.choice(UNITS),
                sentence,
                start,
                start + len(sentence),
                round(rng.random(), 3),
                verdict,
                reviewer if reviewed_at else None,
                reviewed_at,
                assigned,
            )
        )
        if reviewed_at:
            review_rows.append((pk, reviewer, "unreviewed", verdict, "", reviewed_at))
    published = dict(Article.objects.filter(pk__gt=last_article).values_list("pk", "published_at"))
    for article_id, sentences in bodies.items():
        tail = " ".join(rng.choices(WORDS, k=150))
        # Added some minutes after publication, each at its own moment, as feeds add
        # them (the COPY gave them all one).
        added = published[article_id] + timedelta(minutes=rng.randint(5, 600))
        article_rows.append((article_id, rng.choice(sources), "".join(sentences) + tail, added))
    bodies.clear()

    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_article (id int, source_id int, body text, "
            "created_at timestamptz) ON COMMIT DROP"
        )
        copy_rows(cursor, "bench_article", ["id", "source_id", "body", "created_at"], article_rows)
        cursor.execute(
            f"UPDATE {Article._meta.db_table} a "  # noqa: S608 - our own table name
            "SET source_id = b.source_id, body = b.body, created_at = b.created_at "
            "FROM bench_article b WHERE a.id = b.id"
        )
        columns = [
            "id",
            "text",
            "value",
            "event",
            "unit",
            "sentence",
            "sentence_start",
            "sentence_end",
            "checkworthiness",
            "verdict",
            "reviewed_by_id",
            "reviewed_at",
            "assigned_to_id",
        ]
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_claim (id int, text varchar, value float, "
            "event varchar, unit varchar, sentence text, sentence_start int, "
            "sentence_end int, checkworthiness float, verdict varchar, reviewed_by_id int, "
            "reviewed_at timestamptz, assigned_to_id int) ON COMMIT DROP"
        )
        copy_rows(cursor, "bench_claim", columns, claim_rows)
        assignments = ", ".join(f"{c} = b.{c}" for c in columns[1:])
        cursor.execute(
            f"UPDATE {Claim._meta.db_table} c SET {assignments}, "  # noqa: S608 - our names
            'lower = b.value, upper = b.value, "end" = c.start + 3 '
            "FROM bench_claim b WHERE c.id = b.id"
        )
        copy_rows(
            cursor,
            Review._meta.db_table,
            ["claim_id", "reviewer_id", "from_verdict", "to_verdict", "note", "created_at"],
            review_rows,
        )
    print(f"{len(claim_rows):,} claims given sources, verdicts, reviews and sentences")


def measure(client, url: str, repeat: int) -> tuple[float, float, float, float, int]:
    """Median and p95 wall time, median and p95 CPU time of this process, query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches and connections
    times, cpu = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), _p95(times), statistics.median(cpu), _p95(cpu), len(queries)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def profile(client, url: str, repeat: int) -> None:
    """The functions that take most of this process's time over ``repeat`` requests."""
    import cProfile
    import io
    import pstats

    client.get(url)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(repeat):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    print(out.getvalue())


def pages(deep: int) -> list[tuple[str, str]]:
    """(name, URL) of each page measured, on rows that exercise what each page shows."""
    from django.db.models import Count

    from claims.models import Article, Claim, Quantity
    from claims.pagination import cursor_encode

    queue = Claim.objects.unreviewed().order_by("-checkworthiness", "-id")
    deep_row = queue[min(deep, queue.count() - 1)]
    # The refreshed story with the most figures of one quantity: its story page has the
    # largest tables, its claims the most related figures.
    quantity = (
        Quantity.objects.filter(has_conflict=True)
        .annotate(n=Count("claims"))
        .order_by("-n", "pk")
        .first()
    ) or Quantity.objects.annotate(n=Count("claims")).order_by("-n", "pk").first()
    claim = quantity.claims.order_by("-checkworthiness", "pk").first()
    article = Article.objects.filter(story_id=quantity.story_id).order_by("pk").first()
    source_id = Claim.objects.values_list("article__source_id", flat=True).first()
    return [
        ("queue, first page", "/queue/"),
        (
            f"queue, keyset page after row {deep:,}",
            f"/queue/?cursor={cursor_encode(deep_row.checkworthiness, deep_row.pk)}",
        ),
        ("queue, filtered by source + event", f"/queue/?source={source_id}&event=killed"),
        ("queue, sorted by newest article", "/queue/?ordering=-added_at"),
        ("queue, sorted by publication date", "/queue/?ordering=-published_at"),
        ("queue, search in sentence", "/queue/?q=rescuers+reached"),
        ("queue, 200 rows a page", "/queue/?page_size=200"),
        ("my claims", "/queue/?assigned=me"),
        ("claim page (with related figures)", f"/claims/{claim.pk}/"),
        ("article page", f"/articles/{article.pk}/"),
        ("story page", f"/stories/{quantity.story_id}/"),
        ("stories list", "/stories/"),
        ("dashboard", "/dashboard/"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--deep", type=int, default=50_000, help="queue rows before the deep page")
    parser.add_argument(
        "--only", default="", help="measure only the pages whose name contains this"
    )
    parser.add_argument(
        "--profile", action="store_true", help="print a CPU profile of each page measured"
    )
    args = parser.parse_args()

    ensure_postgres_database()
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from claims.models import Claim

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the bench is about scale.")
    setup_test_environment()
    # DJANGO_DEBUG=1 spares the bench a secret key and HTTPS, but would also time the
    # template engine's debug annotations, which production does not render with.
    from django.conf import settings
    from django.template import engines

    settings.DEBUG = False
    engines["django"].engine.debug = False
    call_command("migrate", verbosity=0)
    fill(args.claims)

    editor, _ = User.objects.get_or_create(username="bench-editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(editor)

    print(
        f"\n{Claim.objects.count():,} claims on {connection.vendor}; "
        f"{args.repeat} requests each, server time through Django's test client\n"
    )
    # "cpu" is the web process alone (Python and templates); the rest of the wall time
    # is the database, and waiting for a CPU on a busy machine.
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:.1f} on {os.cpu_count()} CPUs\n")
    print(
        f"{'page':40} {'median ms':>10} {'p95 ms':>9} {'cpu ms':>8} {'cpu p95':>8} {'queries':>8}"
    )
    for name, url in pages(args.deep):
        if args.only not in name:
            continue
        median, p95, cpu, cpu_p95, queries = measure(client, url, args.repeat)
        print(f"{name:40} {median:10.1f} {p95:9.1f} {cpu:8.1f} {cpu_p95:8.1f} {queries:8d}")
        if args.profile:
            profile(client, url, args.repeat)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nload average {load:.1f} at the end")


if __name__ == "__main__":
    main()
