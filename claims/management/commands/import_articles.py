"""Import articles in bulk from a JSON lines or CSV file."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import F

from claims.models import Article
from claims.services.extraction import articles_extract_now
from claims.services.imports import ImportFileError, articles_import
from claims.services.stories import article_assign_story


def progress_bar(label: str, stream=sys.stderr):
    """A one-line progress bar for a terminal: call it with (done, total)."""
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // total if total else width
        elapsed = time.monotonic() - started
        stream.write(
            f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {elapsed:5.0f}s"
        )
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


class Command(BaseCommand):
    help = (
        "Import articles from JSON lines (.jsonl) or CSV. Fields: id, title, text (or url), "
        "published_at (ISO 8601), source (a source's slug, name or domain)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument(
            "--create-sources", action="store_true", help="create sources not known yet"
        )
        parser.add_argument(
            "--now",
            action="store_true",
            help="extract and group into stories here, instead of queueing for the workers",
        )

    def handle(self, *args: Any, path: str, create_sources: bool, now: bool, **options: Any):
        try:
            report = articles_import(path=path, create_sources=create_sources, queue=not now)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(report.summary())
        if not now or not report.created:
            return
        # One log line per article would break the progress bar; failures are shown.
        logging.getLogger("claims.services.extraction").setLevel(logging.WARNING)
        failures = articles_extract_now(
            article_ids=report.created, on_progress=progress_bar("Extracting")
        )
        for article_id, error in failures:
            self.stderr.write(f"article {article_id}: extraction failed: {error}")
        failed = len(failures)
        # Stories are assigned in publication order, as a stream of news would arrive,
        # once every article's features are counted. The import stored the articles in
        # that order, so each one's figures are simply added to its story's quantities.
        ordered = list(
            Article.objects.filter(pk__in=report.created, status=Article.Status.EXTRACTED)
            .order_by(F("published_at").asc(nulls_last=True), "created_at", "id")
            .values_list("pk", flat=True)
        )
        show = progress_bar("Stories   ")
        for done, article_id in enumerate(ordered, start=1):
            article_assign_story(article_id=article_id)
            show(done, len(ordered))
        self.stdout.write(
            f"{len(ordered)} articles extracted and placed in stories"
            + (f"; {failed} failed (see above)." if failed else ".")
        )
