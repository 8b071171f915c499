from __future__ import annotations

from datetime import UTC, datetime

import pytest

from claims.models import Claim, Evidence, Review, Story
from claims.services import xref
from claims.services.review import (
    EvidenceInput,
    Relation,
    StaleVersion,
    claim_correct,
    claims_assign,
    claims_related,
    review_submit,
)
from claims.services.stories import story_refresh

from .factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db


def test_review_submit_records_verdict_history_and_evidence(editor):
    claim = ClaimFactory()
    saved = review_submit(
        claim_id=claim.pk,
        reviewer=editor,
        verdict=Claim.Verdict.VERIFIED,
        expected_version=claim.version,
        note="Matches the monitor's report.",
        evidence=EvidenceInput(stance="supports", url="https://example.org/r", quoted_figure="81"),
    )
    assert (saved.verdict, saved.version, saved.reviewed_by) == ("verified", 2, editor)
    review = Review.objects.get(claim=claim)
    assert (review.from_verdict, review.to_verdict, review.note) == (
        "unreviewed",
        "verified",
        "Matches the monitor's report.",
    )
    assert Evidence.objects.get(claim=claim).quoted_figure == "81"


def test_review_submit_stale_version_is_refused_and_keeps_first_verdict(editor, other_editor):
    claim = ClaimFactory()
    review_submit(
        claim_id=claim.pk, reviewer=editor, verdict="verified", expected_version=claim.version
    )
    with pytest.raises(StaleVersion) as refused:
        review_submit(claim_id=claim.pk, reviewer=other_editor, verdict="false", expected_version=1)
    assert refused.value.current.verdict == "verified"
    assert "editor changed this claim" in str(refused.value)
    assert "Verified" in str(refused.value)
    claim.refresh_from_db()
    assert claim.verdict == "verified"
    assert Review.objects.filter(claim=claim).count() == 1


def test_review_submit_unknown_verdict_refused(editor):
    claim = ClaimFactory()
    with pytest.raises(ValueError, match="Unknown verdict"):
        review_submit(claim_id=claim.pk, reviewer=editor, verdict="maybe", expected_version=1)
    assert Claim.objects.get(pk=claim.pk).version == 1


def test_review_submit_applies_to_identical_figures_only(editor):
    article = ArticleFactory()
    claim = ClaimFactory(article=article, start=0)
    repeat = ClaimFactory(article=article, start=100)
    different = ClaimFactory(article=article, start=200, value=81, lower=81)
    elsewhere = ClaimFactory(start=0)
    review_submit(
        claim_id=claim.pk,
        reviewer=editor,
        verdict="misleading",
        expected_version=1,
        apply_to_identical=True,
        note="Counts only one side.",
    )
    verdicts = dict(Claim.objects.values_list("pk", "verdict"))
    assert verdicts[repeat.pk] == "misleading"
    assert verdicts[different.pk] == "unreviewed"
    assert verdicts[elsewhere.pk] == "unreviewed"
    assert f"claim #{claim.pk}" in Review.objects.get(claim=repeat).note


def test_claim_correct_changes_reading_and_records_it(editor):
    claim = ClaimFactory(unit="people")
    corrected = claim_correct(claim_id=claim.pk, editor=editor, expected_version=1, unit="civilian")
    assert (corrected.unit, corrected.version) == ("civilian", 2)
    assert "unit: people → civilian" in Review.objects.get(claim=claim).note


def test_claim_correct_refuses_other_fields(editor):
    claim = ClaimFactory()
    with pytest.raises(ValueError, match="cannot be corrected"):
        claim_correct(claim_id=claim.pk, editor=editor, expected_version=1, verdict="false")


def test_claims_assign_skips_reviewed(editor):
    open_claim = ClaimFactory()
    done = ClaimFactory(verdict="verified")
    assert claims_assign(claim_ids=[open_claim.pk, done.pk], user=editor) == 1
    assert Claim.objects.get(pk=open_claim.pk).assigned_to == editor


@pytest.mark.parametrize(
    ("mine", "theirs", "relation", "difference"),
    [
        (("exact", 80, 80, 80), ("exact", 80, 80, 80), Relation.AGREES, 0),
        (("lower_bound", 80, 80, None), ("exact", 95, 95, 95), Relation.AGREES, 0),
        (("lower_bound", 80, 80, None), ("exact", 50, 50, 50), Relation.CONFLICTS, -30),
        (("exact", 100, 100, 100), ("upper_bound", 60, None, 60), Relation.CONFLICTS, -40),
        (("vague", None, 2000, 9999), ("exact", 12000, 12000, 12000), Relation.CONFLICTS, 2001),
        (("range", None, 50, 60), ("range", None, 55, 70), Relation.AGREES, 0),
        (("approximate", -12, None, None), ("exact", -12, -12, -12), Relation.AGREES, 0),
    ],
)
def test_figures_relate_by_their_ranges(mine, theirs, relation, difference):
    def build(spec):
        qualifier, value, lower, upper = spec
        return ClaimFactory.build(qualifier=qualifier, value=value, lower=lower, upper=upper)

    # Intervals alone, publication times aside: overlapping figures agree.
    got_difference, _ = xref.difference(build(mine), build(theirs))
    got_relation = Relation.AGREES if got_difference == 0 else Relation.CONFLICTS
    assert (got_relation, got_difference) == (relation, difference)


def test_claims_related_is_the_claims_quantity_only():
    story = Story.objects.create(title="Market bombing")
    when = datetime(2016, 7, 18, tzinfo=UTC)

    def figure(article=None, **fields):
        values = {"measure": "deaths", "population": "people", "period": "event", **fields}
        article = article or ArticleFactory(story=story, published_at=when)
        return ClaimFactory(article=article, **values)

    claim = figure(text="more than 80", value=80, lower=80, upper=None)
    agreeing = figure(qualifier="exact", value=85, lower=85, upper=85)
    conflicting = figure(qualifier="exact", value=40, lower=40, upper=40)
    repeat = figure(article=claim.article, start=claim.start + 500)
    figure(population="combatants")  # another group
    figure(measure="injuries")  # another measure
    ClaimFactory(measure="deaths", population="people", period="event")  # another story
    story_refresh(story_id=story.pk)
    claim.refresh_from_db()
    related = claims_related(claim)
    by_id = {r.claim.pk: r for r in related}
    assert set(by_id) == {agreeing.pk, conflicting.pk, repeat.pk}
    assert by_id[agreeing.pk].relation is Relation.AGREES
    assert by_id[conflicting.pk].relation is Relation.CONFLICTS
    assert by_id[conflicting.pk].difference == -40
    assert by_id[conflicting.pk].difference_percent == -50.0
    assert by_id[repeat.pk].same_article
    assert related[0].claim == conflicting


def test_claims_related_none_without_a_quantity():
    claim = ClaimFactory()
    ClaimFactory()  # the same event and counted thing, but no story
    assert claims_related(claim) == []
