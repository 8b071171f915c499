"""Group articles into stories again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from claims.management.commands.import_articles import progress_bar
from claims.models import Article
from claims.services.stories import article_assign_story, stories_assign_all


class Command(BaseCommand):
    help = (
        "Put articles in stories. --all regroups every article no editor placed "
        "(oldest first); without it only articles that have no story yet are placed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--all", action="store_true", help="regroup every article")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, all: bool, quiet: bool, **options: Any) -> None:
        show = None if quiet else progress_bar("Stories")
        if all:
            count = stories_assign_all(on_progress=show)
        else:
            ids = list(
                Article.objects.filter(story__isnull=True, story_features__isnull=False)
                .order_by("published_at", "created_at", "id")
                .values_list("pk", flat=True)
            )
            if not ids:
                self.stdout.write("Every extracted article is in a story already.")
                return
            for done, article_id in enumerate(ids, start=1):
                article_assign_story(article_id=article_id)
                if show:
                    show(done, len(ids))
            count = len(ids)
        if count == 0 and all and not Article.objects.exists():
            raise CommandError("There are no articles to group.")
        self.stdout.write(f"{count} articles placed in stories.")
