"""The dashboard's running counts move with the services and match a recount."""

from __future__ import annotations

import pytest
from django.utils import timezone

from claims.models import Article, ClaimTally, ReviewDayTally
from claims.services import article_submit, claims_extract_for_article
from claims.services.review import claim_correct, review_submit
from claims.services.tallies import claims_tally, tallies_recount

from .factories import ArticleFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "At least 40 people were killed in the strikes, the monitor said. "
    "Officials said 12 hospitals were hit and 3,000 families fled. "
    "Another 40 people were killed in the strikes, medics said."
)


def _tallies() -> dict:
    claims = {(t.source_key, t.verdict): t.count for t in ClaimTally.objects.all() if t.count}
    days = {t.day: t.count for t in ReviewDayTally.objects.all() if t.count}
    return {"claims": claims, "days": days}


def _recounted() -> dict:
    tallies_recount()
    return _tallies()


def test_tallies_follow_extraction_verdicts_and_repeats_without_a_recount(editor):
    source = SourceFactory()
    result = article_submit(
        text=TEXT, source=source, origin=Article.Origin.PASTE, submitted_by=editor
    )
    claims_extract_for_article(article_id=result.article.pk)
    claims = list(result.article.claims.order_by("start"))
    assert len(claims) >= 3
    assert _tallies()["claims"] == {(source.pk, "unreviewed"): len(claims)}

    review_submit(
        claim_id=claims[0].pk,
        reviewer=editor,
        verdict="verified",
        expected_version=claims[0].version,
        apply_to_identical=True,
    )
    review_submit(
        claim_id=claims[1].pk, reviewer=editor, verdict="false", expected_version=claims[1].version
    )
    claims[1].refresh_from_db()
    # The same verdict again is not a change: no count moves.
    review_submit(
        claim_id=claims[1].pk, reviewer=editor, verdict="false", expected_version=claims[1].version
    )
    claims[1].refresh_from_db()
    claim_correct(
        claim_id=claims[1].pk, editor=editor, expected_version=claims[1].version, unit="home"
    )
    kept = _tallies()
    assert kept == _recounted()
    assert kept["claims"][(source.pk, "false")] == 1
    assert sum(kept["days"].values()) == kept["claims"][(source.pk, "verified")] + 1
    assert list(kept["days"]) == [timezone.localdate()]


def test_tallies_follow_a_re_extraction_that_drops_claims(editor):
    result = article_submit(
        text=TEXT, source=None, origin=Article.Origin.PASTE, submitted_by=editor
    )
    article = result.article
    claims_extract_for_article(article_id=article.pk)
    Article.objects.filter(pk=article.pk).update(
        body="Officials said 12 hospitals were hit.", status=Article.Status.QUEUED
    )
    claims_extract_for_article(article_id=article.pk)
    assert _tallies()["claims"] == {(0, "unreviewed"): article.claims.count()}
    assert _tallies() == _recounted()


def test_recount_corrects_what_changed_outside_the_services():
    wire = SourceFactory()
    ClaimFactory(article=ArticleFactory(source=wire))
    ClaimFactory(article=ArticleFactory(source=None), verdict="misleading")
    claims_tally([(wire.pk, "verified", 5)])  # a count gone wrong
    assert _recounted()["claims"] == {(wire.pk, "unreviewed"): 1, (0, "misleading"): 1}


def test_claims_tally_adds_up_several_changes_to_one_row():
    claims_tally([(None, "unreviewed", 3), (None, "unreviewed", -1), (7, "false", 0)])
    assert _tallies()["claims"] == {(0, "unreviewed"): 2}
    assert not ClaimTally.objects.filter(source_key=7).exists()
