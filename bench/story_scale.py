"""Story assignment on a large PostgreSQL database: time to place one new article.

    DJANGO_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/i11a_bench \\
        .venv/bin/python bench/story_scale.py --articles 100000 --claims-per-article 10

Creates and migrates the database when missing, and fills it with COPY (when it holds
fewer articles than asked): synthetic stories of 1-8 articles over up to three days,
40 articles a day, their features (places, names, figures, words), story keys, key
counts, quantities and claims. Then assigns ``--new`` new articles, half of them
resembling an existing story and half about something new, and prints the median,
p95 and maximum of ``article_assign_story`` (which includes adding the article's
figures to the story's quantities), and of storing the features as the worker does
first.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsfacts.settings")

from ui_latency import ensure_postgres_database  # noqa: E402

START = datetime(2011, 1, 1, tzinfo=UTC)
PER_DAY = 40
SYLLABLES = [a + b for a in "bdfklmnrst" for b in "aeio"]
MEASURES = ["deaths", "injuries", "displaced", "detained", "other", "money"]
POPULATIONS = ["people", "civilians", "children", "combatants"]


def word(rng: random.Random, n: int = 3) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(n))


def zipf_pick(rng: random.Random, items: list[str]) -> str:
    # Rank r is picked with probability about 1/r: a few names are everywhere.
    return items[min(len(items) - 1, int(len(items) ** rng.random()) - 1)]


def copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_value(v) for v in row) + "\n")
    buffer.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        copy.write(buffer.getvalue())


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


class Vocabulary:
    def __init__(self, rng: random.Random) -> None:
        from claims.extraction import name_key

        self.places = sorted({name_key(word(rng)) for _ in range(600)} - {""})
        self.entities = sorted({name_key(word(rng, 4)) for _ in range(3000)} - {""})
        self.words = sorted({word(rng, 2 + rng.randrange(3)) for _ in range(8000)})
        self.country = "sr"

    def story_theme(self, rng: random.Random) -> dict:
        return {
            "places": [zipf_pick(rng, self.places) for _ in range(2)],
            "entities": [zipf_pick(rng, self.entities) for _ in range(4)],
            "figures": [str(rng.randrange(1, 300)) for _ in range(2)],
            "words": [zipf_pick(rng, self.words) for _ in range(50)],
        }

    def features(self, rng: random.Random, theme: dict) -> dict:
        places = {self.country: 3} if rng.random() < 0.9 else {}
        for p in theme["places"]:
            places[p] = rng.randrange(1, 4)
        places[zipf_pick(rng, self.places)] = 1
        entities = {e: 1 for e in theme["entities"] if rng.random() < 0.8}
        entities[zipf_pick(rng, self.entities)] = 1
        lead = [w for w in theme["words"] if rng.random() < 0.6]
        lead += [zipf_pick(rng, self.words) for _ in range(20)]
        return {
            "places": places,
            "entities": entities,
            "events": {"kill": 2, "attack": 1},
            "lead": lead[:80],
            "names": {},
            "title": lead[:8],
            "figures": [f for f in theme["figures"] if rng.random() < 0.7],
        }


def fill(articles: int, claims_per_article: int, seed: int) -> None:
    from django.db import connection, transaction

    from claims.models import Article, Claim, KeyFrequency, Quantity, Story, StoryKey
    from claims.services.stories import _lookup_keys, feature_keys

    rng = random.Random(seed)
    vocab = Vocabulary(rng)
    now = datetime.now(UTC)
    story_rows, article_rows, key_rows, quantity_rows, claim_rows = [], [], [], [], []
    frequency: Counter = Counter()
    story_id = Story.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    article_id = Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    quantity_id = Quantity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    made = 0
    while made < articles:
        story_id += 1
        theme = vocab.story_theme(rng)
        size = min(articles - made, rng.randrange(1, 9))
        first_day = START + timedelta(days=made // PER_DAY)
        quantities = []
        combos = rng.sample([(m, p) for m in MEASURES[:4] for p in POPULATIONS], 3)
        for measure, population in combos:
            quantity_id += 1
            quantities.append((quantity_id, measure, population))
            quantity_rows.append((quantity_id, story_id, measure, population, "event", "", False))
        days = set()
        for _ in range(size):
            article_id += 1
            made += 1
            published = first_day + timedelta(days=rng.randrange(3))
            features = vocab.features(rng, theme)
            keys = feature_keys(features)
            # Stored with their keys, as article_features_store keeps them.
            features["keys"] = sorted(keys)
            frequency.update(keys)
            days.add(published.date())
            for key in _lookup_keys(keys):
                key_rows.append((story_id, key, published.date()))
            article_rows.append(
                (article_id, f"Synthetic report {article_id}", published, story_id, features)
            )
            for k in range(claims_per_article):
                q_id, measure, population = rng.choice(quantities)
                value = float(rng.randrange(1, 500))
                claim_rows.append(
                    (article_id, k * 40, k * 40 + 3, value, measure, population, q_id)
                )
        story_rows.append((story_id, f"Synthetic story {story_id}", min(days), max(days), size))
    frequency[""] = articles

    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        copy_rows(
            cursor,
            Story._meta.db_table,
            [
                "id",
                "title",
                "title_edited",
                "places",
                "first_published_at",
                "last_published_at",
                "article_count",
                "conflict_count",
                "created_at",
                "updated_at",
            ],
            (
                (
                    sid,
                    title,
                    False,
                    "[]",
                    datetime.combine(d0, datetime.min.time(), UTC),
                    datetime.combine(d1, datetime.min.time(), UTC),
                    n,
                    0,
                    now,
                    now,
                )
                for sid, title, d0, d1, n in story_rows
            ),
        )
        copy_rows(
            cursor,
            Article._meta.db_table,
            [
                "id",
                "title",
                "byline",
                "published_at",
                "body",
                "language",
                "origin",
                "status",
                "status_changed_at",
                "attempts",
                "last_error",
                "extractor_version",
                "progress_done",
                "progress_total",
                "story_id",
                "story_features",
                "created_at",
                "updated_at",
            ],
            (
                (
                    aid,
                    title,
                    "",
                    published,
                    "synthetic",
                    "en",
                    "import",
                    "extracted",
                    now,
                    1,
                    "",
                    "bench",
                    1,
                    1,
                    sid,
                    json.dumps(features),
                    now,
                    now,
                )
                for aid, title, published, sid, features in article_rows
            ),
        )
        copy_rows(
            cursor,
            StoryKey._meta.db_table,
            ["story_id", "key", "day"],
            sorted(set(key_rows)),
        )
        copy_rows(
            cursor,
            KeyFrequency._meta.db_table,
            ["key", "articles"],
            sorted(frequency.items()),
        )
        copy_rows(
            cursor,
            Quantity._meta.db_table,
            ["id", "story_id", "measure", "population", "period", "place", "has_conflict"],
            quantity_rows,
        )
        copy_rows(
            cursor,
            Claim._meta.db_table,
            [
                "article_id",
                "start",
                '"end"',
                "text",
                "value",
                "lower",
                "upper",
                "qualifier",
                "kind",
                "unit",
                "event",
                "trend",
                "attribution",
                "measure",
                "population",
                "period",
                "place",
                "quantity_id",
                "in_conflict",
                "is_quote",
                "sentence",
                "sentence_start",
                "sentence_end",
                "checkworthiness",
                "extractor_version",
                "found_in_latest",
                "verdict",
                "version",
                "created_at",
                "updated_at",
            ],
            (
                (
                    aid,
                    start,
                    end,
                    str(int(value)),
                    value,
                    value,
                    value,
                    "exact",
                    "count",
                    "people",
                    "kill",
                    "",
                    "",
                    measure,
                    population,
                    "event",
                    "",
                    q_id,
                    False,
                    False,
                    "A synthetic sentence.",
                    0,
                    21,
                    0.5,
                    "bench",
                    True,
                    "unreviewed",
                    1,
                    now,
                    now,
                )
                for aid, start, end, value, measure, population, q_id in claim_rows
            ),
        )
        for model in (Story, Article, Quantity, Claim, StoryKey, KeyFrequency):
            table = model._meta.db_table  # our own model names, not input
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT MAX(id) FROM {table}))"
            )
        cursor.execute("ANALYZE")
    print(
        f"filled: {articles} articles, {len(claim_rows)} claims, {len(story_rows)} stories, "
        f"{len(set(key_rows))} story keys, {len(frequency)} key counts"
    )


def measure(new: int, seed: int) -> None:  # noqa: C901 - one linear measurement
    from claims.extraction import ArticleFeatures
    from claims.models import Article, Story
    from claims.services.stories import article_assign_story, article_features_store

    rng = random.Random(seed + 1)
    vocab = Vocabulary(random.Random(seed))
    story_ids = list(Story.objects.order_by("?").values_list("pk", flat=True)[: new // 2])
    from django.db import connection, reset_queries

    from claims.services.stories import story_refresh

    # Timings per query are kept (DEBUG) to split the wall time into this process's
    # CPU and the database's share: the machine may be busy with other work.
    connection.force_debug_cursor = True
    store_ms, assign_ms, cpu_ms, sql_ms, joined = [], [], [], [], 0
    for i in range(new):
        if i % 2 == 0 and story_ids:
            story = Story.objects.get(pk=story_ids.pop())
            # Synthetic stories were never refreshed; a live one has been, at its
            # previous article, so its flags are up to date before the new one comes.
            story_refresh(story_id=story.pk)
            sample = Article.objects.filter(story=story).first()
            features = dict(sample.story_features)
            published = sample.published_at + timedelta(hours=5)
        else:
            features = vocab.features(rng, vocab.story_theme(rng))
            published = START + timedelta(days=rng.randrange(2400))
        article = Article.objects.create(
            title=f"New report {i}",
            body="synthetic",
            published_at=published,
            status=Article.Status.EXTRACTED,
        )
        parsed = ArticleFeatures.from_dict(features)
        started = time.perf_counter()
        article_features_store(article_id=article.pk, features=parsed)
        store_ms.append(1000 * (time.perf_counter() - started))
        # The features as stored for the synthetic story (words, figures) are kept.
        Article.objects.filter(pk=article.pk).update(story_features=features)
        reset_queries()
        started, cpu = time.perf_counter(), time.process_time()
        story = article_assign_story(article_id=article.pk)
        assign_ms.append(1000 * (time.perf_counter() - started))
        cpu_ms.append(1000 * (time.process_time() - cpu))
        sql_ms.append(1000 * sum(float(q["time"]) for q in connection.queries))
        joined += bool(story and story.article_count > 1)

    def summary(values: list[float]) -> str:
        ordered = sorted(values)
        p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
        return (
            f"median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, "
            f"max {ordered[-1]:.1f} ms"
        )

    print(f"new articles: {new}, joined an existing story: {joined}")
    print(f"article_assign_story: {summary(assign_ms)}")
    print(f"  of which CPU of this process: {summary(cpu_ms)}")
    print(f"  of which SQL (database round trips): {summary(sql_ms)}")
    print(f"article_features_store: {summary(store_ms)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--claims-per-article", type=int, default=10)
    parser.add_argument("--new", type=int, default=40)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    ensure_postgres_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the bench is about scale.")
    call_command("migrate", verbosity=0)
    from claims.models import Article

    have = Article.objects.count()
    if have < args.articles:
        started = time.perf_counter()
        fill(args.articles - have, args.claims_per_article, args.seed)
        print(f"fill took {time.perf_counter() - started:.0f} s")
    measure(args.new, args.seed)


if __name__ == "__main__":
    main()
