"""What story assignment adds to extraction, per article, and the bulk import's cost.

    DJANGO_DEBUG=1 NEWSFACTS_VAR_DIR=/tmp/storybench .venv/bin/python bench/story_speed.py \\
        ../shared/corpora/fakes_sample.jsonl --limit 200

Uses the configured database, which must be empty of articles (a fresh SQLite file
under NEWSFACTS_VAR_DIR is made and migrated when it does not exist). Articles are
taken in publication order. For each one it times, in one process:

- extraction: parsing and reading the claims (``extract_claims``), as the worker does;
- features: reading what the article is about from the same parse;
- story: storing the features and assigning the story
  (``article_features_store_and_assign``, as the worker calls it, including adding
  the article's figures to the story's quantities); its queries are counted too.

Prints CPU-time totals (the machine may be shared, so wall time would measure the
neighbours), the story share of extraction time, and the slowest assignment.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsfacts.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="JSON lines with id, title, text, published_at")
    parser.add_argument("--limit", type=int, default=200)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    from claims.extraction import ArticleFeatures, get_nlp, split_chunks
    from claims.extraction.pipeline import _claims_from_doc
    from claims.models import Article
    from claims.services.extraction import article_take_for_extraction, claims_write_for_article
    from claims.services.stories import article_features_store_and_assign

    if Article.objects.exists():
        sys.exit("The database already holds articles; point NEWSFACTS_VAR_DIR at a new folder.")
    rows = [json.loads(line) for line in Path(args.path).read_text().splitlines() if line.strip()]
    rows.sort(key=lambda r: (r.get("published_at") or "", r["id"]))
    rows = rows[: args.limit]
    nlp = get_nlp()
    nlp("warm up the model")

    extract_s, features_s, story_s = [], [], []
    story_queries: list[int] = []

    class _QueryCounter:
        """Counts the statements run inside the block (the cost that does not depend
        on the machine's load)."""

        def __enter__(self):
            self.count = 0
            self._wrapper = connection.execute_wrapper(self)
            self._wrapper.__enter__()
            return self

        def __call__(self, execute, sql, params, many, context):
            self.count += 1
            return execute(sql, params, many, context)

        def __exit__(self, *exc):
            self._wrapper.__exit__(*exc)

    for row in rows:
        text = row["text"]
        published = datetime.fromisoformat(row["published_at"]).replace(tzinfo=UTC)
        article = Article.objects.create(
            title=row.get("title", ""), body=text, published_at=published, external_id=row["id"]
        )
        started = time.process_time()
        claims = []
        docs = []
        for start, end in split_chunks(text):
            doc = nlp(text[start:end])
            claims.extend(_claims_from_doc(doc, start))
            docs.append(doc)
        extract_s.append(time.process_time() - started)

        started = time.process_time()
        features = ArticleFeatures()
        for doc in docs:
            features.add_doc(doc)
        features_s.append(time.process_time() - started)

        held = article_take_for_extraction(article_id=article.pk)
        claims_write_for_article(article=held, found=claims, extractor_version="bench")
        started = time.process_time()
        with _QueryCounter() as counted:
            article_features_store_and_assign(
                article_id=article.pk, features=features, claims=claims
            )
        story_s.append(time.process_time() - started)
        story_queries.append(counted.count)

    n = len(rows)
    extraction, feats, story = sum(extract_s), sum(features_s), sum(story_s)
    print(f"articles: {n}")
    print(f"extraction: {extraction:.2f} s ({1000 * extraction / n:.1f} ms/article)")
    print(f"features:   {feats:.2f} s ({1000 * feats / n:.1f} ms/article)")
    print(
        f"story:      {story:.2f} s ({1000 * story / n:.1f} ms/article, "
        f"median {1000 * statistics.median(story_s):.1f} ms, max {1000 * max(story_s):.1f} ms)"
    )
    print(f"story queries: {sum(story_queries) / n:.1f}/article, max {max(story_queries)}")
    print(f"features + story as a share of extraction: {100 * (feats + story) / extraction:.1f}%")


if __name__ == "__main__":
    main()
