"""Run extraction again on stored articles, keeping every claim that has a verdict."""

from __future__ import annotations

import argparse
import re
from datetime import date

from django.core.management.base import BaseCommand
from django.db.models import QuerySet

from claims.models import Article
from claims.services import articles_requeue

_VERSION = re.compile(r"\d+(?:\.\d+)*")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; give it as YYYY-MM-DD, e.g. 2024-05-01."
        ) from None


def version_key(text: str) -> tuple[int, ...] | None:
    """The numbers a version starts with ("1.3+sm-3.8" → (1, 3)); None for none."""
    match = _VERSION.match(text.strip())
    return tuple(int(part) for part in match.group().split(".")) if match else None


def _version(text: str) -> tuple[int, ...]:
    key = version_key(text)
    if key is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an extractor version; give one such as 1.3."
        )
    return key


class Command(BaseCommand):
    help = (
        "Queue stored articles for extraction again, as the admin's 'Re-run extraction' "
        "does: claims with a verdict (or with history or evidence) are kept, the others "
        "are replaced by what the extractor finds now. Articles being fetched, being "
        "extracted right now, or not in English are skipped."
    )

    def add_arguments(self, parser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--all", action="store_true", help="Every article.")
        which.add_argument(
            "--since", type=_day, metavar="DATE", help="Articles added on or after DATE."
        )
        which.add_argument(
            "--older-than",
            type=_version,
            metavar="VERSION",
            help="Articles last extracted by an extractor older than VERSION (e.g. 1.3).",
        )

    def handle(self, *args, **options) -> None:
        ids = self._article_ids(options)
        result = articles_requeue(article_ids=ids)
        self.stdout.write(result.summary())

    def _article_ids(self, options: dict) -> list[int]:
        articles: QuerySet = Article.objects.order_by("pk")
        if options["since"] is not None:
            articles = articles.filter(created_at__date__gte=options["since"])
        elif options["older_than"] is not None:
            # Versions are compared as numbers (1.10 is newer than 1.9), so in Python.
            wanted = options["older_than"]
            rows = articles.exclude(extractor_version="").values_list("pk", "extractor_version")
            return [pk for pk, version in rows.iterator() if _is_older(version, wanted)]
        return list(articles.values_list("pk", flat=True))


def _is_older(version: str, wanted: tuple[int, ...]) -> bool:
    key = version_key(version)
    # A version this command cannot read is older than any it can.
    return key is None or key < wanted
