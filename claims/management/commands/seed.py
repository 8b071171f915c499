from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from claims import services
from claims.models import Article, Source, SourceDomain

SEEDS_DIR = settings.BASE_DIR / "seeds"


class Command(BaseCommand):
    help = "Load the seed sources and articles. Running it again changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=SEEDS_DIR, help="Folder of the seeds.")

    @transaction.atomic
    def handle(self, *args, dir: Path, **options):
        sources = self._load_json(dir / "sources.json")
        articles = self._load_json(dir / "articles.json")

        created_sources = 0
        for row in sources:
            domains = row.pop("domains", [])
            source, created = Source.objects.update_or_create(slug=row["slug"], defaults=row)
            created_sources += created
            for domain in domains:
                SourceDomain.objects.get_or_create(domain=domain, defaults={"source": source})

        created_articles = 0
        for row in articles:
            path = dir / row["file"]
            try:
                text = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Cannot read seed article {path}: {exc.strerror}") from None
            source = Source.objects.filter(slug=row.get("source")).first()
            result = services.article_submit(
                text=text,
                title=row.get("title", ""),
                source=source,
                origin=Article.Origin.PASTE,
            )
            created_articles += result.created

        self.stdout.write(
            f"Seeds loaded: {created_sources} new of {len(sources)} sources, "
            f"{created_articles} new of {len(articles)} articles."
        )

    def _load_json(self, path: Path) -> list[dict]:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path} is not valid JSON: {exc}") from None
