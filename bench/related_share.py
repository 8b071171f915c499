"""Share of "related figures" that come from another story, before and after quantities.

Run on a database holding an imported corpus (``manage.py import_articles ... --now``).
For every fifth claim (by id), the related-figures panel is computed twice:

- before: the old rule, every figure anywhere with the same event, counted thing and
  kind (up to 50, newest articles first);
- after: ``claims_related``, the figures of the claim's quantity.

Printed: cross-article related figures, and how many of them come from an article in
another story, and (with --gold) from an article outside the claim's gold story, for
the claims of the gold's articles (an independent reference for "same event").

    DJANGO_DEBUG=1 NEWSFACTS_VAR_DIR=/tmp/var .venv/bin/python bench/related_share.py \\
        --gold ../shared/eval/xref_dev.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsfacts.settings")


def old_related(claim, limit: int = 50):
    """The rule this replaces: a global match on (event, unit, kind)."""
    from claims.models import Claim

    if not claim.unit:
        return []
    return list(
        Claim.objects.filter(unit=claim.unit, event=claim.event, kind=claim.kind)
        .exclude(pk=claim.pk)
        .select_related("article")
        .defer("article__body", "article__story_features")
        .order_by("-article__created_at", "start")[:limit]
    )


def share(numerator: int, denominator: int) -> str:
    return (
        f"{numerator}/{denominator} = {100 * numerator / denominator:.1f}%"
        if denominator
        else "0/0"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=5)
    parser.add_argument("--gold", help="xref gold file, for a reference independent of stories")
    args = parser.parse_args()

    import django

    django.setup()
    from claims.models import Article, Claim
    from claims.services.review import claims_related

    story_of = dict(Article.objects.values_list("pk", "story_id"))
    gold_story_of: dict[int, str] = {}
    if args.gold:
        gold = json.loads(Path(args.gold).read_text())
        by_external = dict(Article.objects.values_list("external_id", "pk"))
        for story in gold["stories"]:
            for external_id in story["article_ids"]:
                if external_id in by_external:
                    gold_story_of[by_external[external_id]] = story["id"]

    ids = list(Claim.objects.order_by("pk").values_list("pk", flat=True))[:: args.every]
    counts = {
        name: {"cross": 0, "other_story": 0, "gold_cross": 0, "gold_other": 0}
        for name in ("before", "after")
    }
    for claim in Claim.objects.filter(pk__in=ids).select_related("article"):
        panels = {
            "before": old_related(claim),
            "after": [r.claim for r in claims_related(claim)],
        }
        for name, others in panels.items():
            c = counts[name]
            for other in others:
                if other.article_id == claim.article_id:
                    continue
                c["cross"] += 1
                c["other_story"] += (
                    story_of.get(other.article_id) != story_of.get(claim.article_id)
                    or story_of.get(claim.article_id) is None
                )
                if claim.article_id in gold_story_of:
                    c["gold_cross"] += 1
                    c["gold_other"] += (
                        gold_story_of.get(other.article_id) != gold_story_of[claim.article_id]
                    )
    print(f"claims sampled: {len(ids)} (every {args.every}th of {Claim.objects.count()})")
    for name, c in counts.items():
        line = (
            f"{name:6}: cross-article related figures {c['cross']}, "
            f"from another story {share(c['other_story'], c['cross'])}"
        )
        if args.gold:
            line += (
                f"; gold articles' claims: from outside the gold story "
                f"{share(c['gold_other'], c['gold_cross'])}"
            )
        print(line)


if __name__ == "__main__":
    main()
