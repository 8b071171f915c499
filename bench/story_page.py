"""Server time of a story page, its API answer and a claim page, by story size.

The story page's cost grows with the story (its articles and figures), not with the
database: every query is by story or quantity on an index. Run it on the database
``bench/story_scale.py`` fills (1,000,000 claims in 100,000 articles, stories of 1-8
articles): it measures that database's smallest, median and largest story, then
stories of 10, 50 and 200 articles (5 figures an article over 4 quantities, with
conflicts) that it adds once and reuses. Each page is rendered N times through
Django's test client; it prints the median and p95 wall time, the median CPU time of
this process and the query count, with the load average (the machine may be busy).

    DJANGO_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/storyscale \\
        .venv/bin/python bench/story_scale.py --articles 100000 --claims-per-article 10
    DJANGO_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/storyscale \\
        .venv/bin/python bench/story_page.py --repeat 30

The goal: the story page's median under 50 ms and its p95 under 150 ms for every size,
and the API no slower than the page for the same story.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsfacts.settings")

from ui_latency import ensure_postgres_database, measure  # noqa: E402

SIZES = (10, 50, 200)
BENCH_TITLE = "Bench story of {} articles"
FIGURES_PER_ARTICLE = 5
QUANTITIES = (
    ("deaths", "civilians", "event"),
    ("deaths", "children", "event"),
    ("injuries", "people", "event"),
    ("displaced", "people", "window"),
)


def story_of(size: int):
    """A bench story with ``size`` articles, made once and reused."""
    from django.db import transaction

    from claims.models import Article, Claim, Source, Story, content_hash_for
    from claims.services.stories import story_refresh

    title = BENCH_TITLE.format(size)
    existing = Story.objects.filter(title=title).first()
    if existing is not None:
        return existing
    rng = random.Random(size)
    start = datetime(2018, 2, 19, 8, tzinfo=UTC)
    sources = [
        Source.objects.get_or_create(slug=f"story-bench-{i}", defaults={"name": f"Outlet {i}"})[0]
        for i in range(15)
    ]
    with transaction.atomic():
        story = Story.objects.create(title=title, title_edited=True)
        for i in range(size):
            body = f"Bench story {size}, report {i}. " + "The toll rose again. " * 40
            article = Article.objects.create(
                story=story,
                title=f"{title}: report {i}",
                body=body,
                content_hash=content_hash_for(body),
                source=rng.choice(sources),
                status=Article.Status.EXTRACTED,
                published_at=start + timedelta(hours=3 * i),
            )
            claims = []
            for n in range(FIGURES_PER_ARTICLE):
                measure_, population, period = QUANTITIES[n % len(QUANTITIES)]
                value = float(rng.choice([8, 21, 28, 30, 45, 60, 2000]) + i // 10)
                text = f"{int(value)}"
                sentence = f"At report {i} the figure was {text} people, officials said."
                at = sentence.index(text)
                position = 100 + n * 80
                claims.append(
                    Claim(
                        article=article,
                        start=position,
                        end=position + len(text),
                        text=text,
                        value=value,
                        lower=value,
                        upper=value,
                        qualifier="exact",
                        unit="people",
                        event="kill",
                        measure=measure_,
                        population=population,
                        period=period,
                        attribution=rng.choice(["", "the monitor", "civil defence"]),
                        sentence=sentence,
                        sentence_start=position - at,
                        sentence_end=position - at + len(sentence),
                        checkworthiness=0.5,
                    )
                )
            Claim.objects.bulk_create(claims)
        story_refresh(story_id=story.pk)
    return Story.objects.get(pk=story.pk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    ensure_postgres_database()
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from django.template import engines
    from django.test import Client
    from django.test.utils import setup_test_environment
    from knox.models import AuthToken

    from claims.models import Article, Claim

    setup_test_environment()
    # Production renders without the template engine's debug annotations.
    settings.DEBUG = False
    engines["django"].engine.debug = False
    call_command("migrate", verbosity=0)

    editor, _ = User.objects.get_or_create(username="bench-editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(editor)
    _, key = AuthToken.objects.create(user=editor)
    api = Client(headers={"Authorization": f"Token {key}"})

    print(
        f"\n{Claim.objects.count():,} claims in {Article.objects.count():,} articles on "
        f"{connection.vendor}; {args.repeat} requests each; load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
        + "\n"
    )
    stories = [(f"{label} story", story) for label, story in database_stories()]
    stories += [("bench story", story_of(size)) for size in SIZES]
    print(
        f"{'page':52} {'median ms':>10} {'p95 ms':>9} {'cpu ms':>8} {'cpu p95':>8} {'queries':>8}"
    )
    for label, story in stories:
        claim = Claim.objects.filter(article__story=story).order_by("pk").first()
        figures = Claim.objects.filter(article__story=story, quantity__isnull=False).count()
        size = f"{story.article_count} articles / {figures} figures"
        for name, who, url in (
            (f"story page, {label}, {size}", client, f"/stories/{story.pk}/"),
            (f"API story, {label}", api, f"/api/v1/stories/{story.pk}/"),
            (f"claim page, {label}", client, f"/claims/{claim.pk}/"),
        ):
            median, p95, cpu, cpu_p95, queries = measure(who, url, args.repeat)
            print(f"{name:52} {median:10.1f} {p95:9.1f} {cpu:8.1f} {cpu_p95:8.1f} {queries:8d}")
    print("\nload average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


def database_stories():
    """The smallest, the median and the largest story already in the database (by
    articles), leaving out the ones this script adds."""
    from claims.models import Story

    stories = Story.objects.exclude(title__startswith=BENCH_TITLE.split("{}")[0])
    sizes = sorted(stories.values_list("article_count", flat=True))
    if not sizes:
        return []
    picked = [("smallest", sizes[0]), ("median", int(statistics.median_low(sizes)))]
    picked.append(("largest", sizes[-1]))
    return [
        (label, stories.filter(article_count=count).order_by("pk").first())
        for label, count in picked
    ]


if __name__ == "__main__":
    main()
