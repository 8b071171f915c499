"""Server time of the editors' pages on a large database.

Fills the configured database (``DATABASE_URL``; PostgreSQL databases are created if
missing, and migrated) with synthetic articles and claims, then renders each page
through Django's test client N times and prints median and p95 in milliseconds.

    DJANGO_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/h5bench \\
        .venv/bin/python bench/ui_latency.py --claims 100000 --repeat 30

A database that already holds at least ``--claims`` claims is reused as it is.
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

CLAIMS_PER_ARTICLE = 20
BATCH = 5000
EVENTS = ["kill", "flee", "displace", "injure", "arrest", "rise", "fall", "cost", "be", "evacuate"]
UNITS = ["people", "civilian", "child", "refugee", "usd", "percent", "hospital", "home", "km"]
QUALIFIERS = ["exact", "approximate", "lower_bound", "upper_bound", "range", "vague"]
SENTENCE = (
    "officials said the figure rose sharply after the strikes on the province while aid "
    "groups warned that the toll could climb as rescuers reached the villages"
)
WORDS = SENTENCE.split(" ")


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
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.utils import timezone

    from claims.models import Article, Claim, Review, Source, content_hash_for

    have = Claim.objects.count()
    if have >= target:
        print(f"reusing {have:,} claims")
        return
    rng = random.Random(5)
    started = time.perf_counter()
    sources = [
        Source.objects.get_or_create(slug=f"bench-{i}", defaults={"name": f"Bench Outlet {i}"})[0]
        for i in range(20)
    ]
    reviewer, _ = User.objects.get_or_create(username="bench-reviewer")
    now = timezone.now()
    articles_needed = (target - have + CLAIMS_PER_ARTICLE - 1) // CLAIMS_PER_ARTICLE
    offset = Article.objects.count()
    for first in range(0, articles_needed, BATCH // CLAIMS_PER_ARTICLE):
        count = min(BATCH // CLAIMS_PER_ARTICLE, articles_needed - first)
        with transaction.atomic():
            articles = []
            for i in range(first + offset, first + offset + count):
                body = f"Bench article {i}. " + " ".join(rng.choices(WORDS, k=300))
                articles.append(
                    Article(
                        title=f"Bench article {i}",
                        body=body,
                        content_hash=content_hash_for(body),
                        source=rng.choice(sources),
                        status=Article.Status.EXTRACTED,
                        published_at=now - timedelta(days=rng.randint(0, 365)),
                    )
                )
            articles = Article.objects.bulk_create(articles)
            claims = []
            for article in articles:
                for n in range(CLAIMS_PER_ARTICLE):
                    qualifier = rng.choice(QUALIFIERS)
                    value = float(rng.choice([5, 12, 40, 75, 80, 120, 500, 3000, 20000]))
                    lower, upper = {
                        "exact": (value, value),
                        "approximate": (None, None),
                        "lower_bound": (value, None),
                        "upper_bound": (None, value),
                        "range": (value, value * 1.5),
                        "vague": (value * 2, value * 10),
                    }[qualifier]
                    text = str(int(value))
                    sentence = " ".join(rng.choices(WORDS, k=18)) + f" {text} people."
                    at = sentence.rindex(text)
                    start = 400 + n * 200
                    verdict = (
                        "unreviewed"
                        if rng.random() < 0.7
                        else rng.choice(["verified", "false", "misleading", "unverifiable"])
                    )
                    claims.append(
                        Claim(
                            article=article,
                            start=start,
                            end=start + len(text),
                            text=text,
                            value=None if qualifier in ("range", "vague") else value,
                            lower=lower,
                            upper=upper,
                            qualifier=qualifier,
                            unit=rng.choice(UNITS),
                            event=rng.choice(EVENTS),
                            sentence=sentence,
                            sentence_start=start - at,
                            sentence_end=start - at + len(sentence),
                            checkworthiness=round(rng.random(), 3),
                            verdict=verdict,
                            reviewed_by=None if verdict == "unreviewed" else reviewer,
                        )
                    )
            claims = Claim.objects.bulk_create(claims)
            Review.objects.bulk_create(
                Review(
                    claim=c,
                    reviewer=reviewer,
                    from_verdict="unreviewed",
                    to_verdict=c.verdict,
                    created_at=now
                    - timedelta(days=rng.randint(0, 40), minutes=rng.randint(0, 900)),
                )
                for c in claims
                if c.verdict != "unreviewed"
            )
        done = min((first + count) * CLAIMS_PER_ARTICLE, target - have)
        print(f"  {done + have:,} claims", end="\r", flush=True)
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load: statistics, and the visibility map
        # that lets counts run as index-only scans.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"filled {Claim.objects.count():,} claims in {time.perf_counter() - started:.0f} s")


def measure(client, url: str, repeat: int) -> tuple[float, float, float, int]:
    """Median and p95 wall time, median CPU time of this process, and the query count."""
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
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, statistics.median(cpu), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--deep", type=int, default=50_000, help="queue rows before the deep page")
    args = parser.parse_args()

    ensure_postgres_database()
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from claims.models import Claim
    from claims.pagination import cursor_encode

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

    queue = Claim.objects.unreviewed().order_by("-checkworthiness", "-id")
    deep_row = queue[min(args.deep, queue.count() - 1)]
    related = Claim.objects.filter(unit="people", event="kill").order_by("-checkworthiness").first()
    source_id = Claim.objects.values_list("article__source_id", flat=True).first()
    pages = [
        ("queue, first page", "/queue/"),
        (
            f"queue, keyset page after row {args.deep:,}",
            f"/queue/?cursor={cursor_encode(deep_row.checkworthiness, deep_row.pk)}",
        ),
        ("queue, filtered by source + event", f"/queue/?source={source_id}&event=killed"),
        ("queue, sorted by newest article", "/queue/?ordering=-added_at"),
        ("queue, sorted by publication date", "/queue/?ordering=-published_at"),
        ("queue, search in sentence", "/queue/?q=rescuers+reached"),
        ("queue, 200 rows a page", "/queue/?page_size=200"),
        ("claim page (with related figures)", f"/claims/{related.pk}/"),
        ("dashboard", "/dashboard/"),
    ]
    from django.db import connection

    print(
        f"\n{Claim.objects.count():,} claims on {connection.vendor}; "
        f"{args.repeat} requests each, server time through Django's test client\n"
    )
    # "cpu ms" is the web process alone (Python and templates); the rest of the wall
    # time is the database, and waiting for a CPU on a busy machine.
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:.1f} on {os.cpu_count()} CPUs\n")
    print(f"{'page':40} {'median ms':>10} {'p95 ms':>9} {'cpu ms':>8} {'queries':>8}")
    for name, url in pages:
        median, p95, cpu, queries = measure(client, url, args.repeat)
        print(f"{name:40} {median:10.1f} {p95:9.1f} {cpu:8.1f} {queries:8d}")


if __name__ == "__main__":
    main()
