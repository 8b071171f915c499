"""What a verdict's evidence must hold, and versions that never existed, on every path.

The rule: evidence is a link or a source (a quoted figure and a note are details of
it). The claim page, the API, the service, the model and the database all say the
same; a verdict sent with evidence that breaks it is refused with a clear 400 and
nothing is written, never half-saved and never a 500.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from claims.models import EVIDENCE_NEEDS_ORIGIN, Claim, Evidence, Review
from claims.services.review import (
    EvidenceInput,
    EvidenceInvalid,
    VersionUnknown,
    claim_correct,
    evidence_add,
    review_submit,
)

from .conftest import api_client, client_for
from .factories import ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db

# (link, source, quoted figure) given, and whether the evidence may be stored.
EVIDENCE_CASES = [
    pytest.param(False, False, True, False, id="figure-only"),
    pytest.param(True, False, False, True, id="link"),
    pytest.param(False, True, False, True, id="source"),
    pytest.param(True, False, True, True, id="link+figure"),
    pytest.param(False, True, True, True, id="source+figure"),
    pytest.param(True, True, True, True, id="link+source+figure"),
]


@pytest.fixture
def source():
    return SourceFactory(name="OCHA", slug="ocha")


def _assert_nothing_written(claim: Claim) -> None:
    claim.refresh_from_db()
    assert (claim.verdict, claim.version) == ("unreviewed", 1)
    assert not Review.objects.filter(claim=claim).exists()
    assert not Evidence.objects.filter(claim=claim).exists()


@pytest.mark.parametrize(("link", "by_source", "figure", "stored"), EVIDENCE_CASES)
def test_review_evidence_on_the_claim_page(editor, source, link, by_source, figure, stored):
    claim = ClaimFactory()
    response = client_for(editor).post(
        reverse("claims:claim_review", args=[claim.pk]),
        {
            "verdict": "verified",
            "note": "My careful note",
            "evidence_url": "https://example.org/report" if link else "",
            "evidence_source": source.pk if by_source else "",
            "evidence_figure": "12 killed" if figure else "",
            "evidence_stance": "supports",
            "version": claim.version,
        },
    )
    if stored:
        assert response.status_code == 302
        claim.refresh_from_db()
        assert claim.verdict == "verified"
        evidence = Evidence.objects.get(claim=claim)
        assert (bool(evidence.url), evidence.source_id is not None) == (link, by_source)
        assert evidence.quoted_figure == ("12 killed" if figure else "")
    else:
        assert response.status_code == 400
        html = response.content.decode()
        assert "Evidence needs a link or a source" in html
        # What the editor typed is still there to complete.
        assert "My careful note</textarea>" in html
        assert 'value="12 killed"' in html
        _assert_nothing_written(claim)


@pytest.mark.parametrize(("link", "by_source", "figure", "stored"), EVIDENCE_CASES)
def test_review_evidence_in_the_api(editor, source, link, by_source, figure, stored):
    claim = ClaimFactory()
    evidence = {"stance": "supports"}
    if link:
        evidence["url"] = "https://example.org/report"
    if by_source:
        evidence["source"] = "ocha"
    if figure:
        evidence["quoted_figure"] = "12 killed"
    response = api_client(editor).post(
        f"/api/v1/claims/{claim.pk}/reviews/",
        {"verdict": "verified", "version": claim.version, "evidence": evidence},
        content_type="application/json",
    )
    if stored:
        assert response.status_code == 201, response.content
        assert len(response.json()["claim"]["evidence"]) == 1
    else:
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid"
        assert error["details"]["evidence"]["non_field_errors"] == [EVIDENCE_NEEDS_ORIGIN]
        _assert_nothing_written(claim)


def test_review_evidence_with_only_a_note_is_refused_in_the_api(editor):
    claim = ClaimFactory()
    response = api_client(editor).post(
        f"/api/v1/claims/{claim.pk}/reviews/",
        {"verdict": "false", "version": 1, "evidence": {"stance": "supports", "note": "seen"}},
        content_type="application/json",
    )
    assert response.status_code == 400
    _assert_nothing_written(claim)


def test_review_submit_refuses_evidence_without_origin_before_writing(editor):
    claim = ClaimFactory()
    with pytest.raises(EvidenceInvalid, match="Evidence needs a link or a source"):
        review_submit(
            claim_id=claim.pk,
            reviewer=editor,
            verdict="verified",
            expected_version=1,
            evidence=EvidenceInput(stance="supports", quoted_figure="12 killed"),
        )
    _assert_nothing_written(claim)


def test_evidence_add_refuses_a_figure_without_origin(editor):
    claim = ClaimFactory()
    with pytest.raises(EvidenceInvalid):
        evidence_add(
            claim=claim, added_by=editor, evidence=EvidenceInput("supports", quoted_figure="3")
        )


def test_evidence_model_validation_names_the_rule():
    evidence = Evidence(claim=ClaimFactory(), stance="supports", quoted_figure="12")
    with pytest.raises(ValidationError) as error:
        evidence.full_clean()
    assert EVIDENCE_NEEDS_ORIGIN in str(error.value)


def test_evidence_database_refuses_a_figure_without_origin():
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(claim=claim, stance="supports", quoted_figure="12")


# --- A version the claim never had -------------------------------------------------


def test_review_submit_version_from_the_future_is_not_a_conflict(editor):
    claim = ClaimFactory()
    with pytest.raises(VersionUnknown, match="never been at version 7"):
        review_submit(claim_id=claim.pk, reviewer=editor, verdict="false", expected_version=7)
    _assert_nothing_written(claim)


def test_claim_correct_version_from_the_future_is_refused(editor):
    claim = ClaimFactory()
    with pytest.raises(VersionUnknown):
        claim_correct(claim_id=claim.pk, editor=editor, expected_version=5, unit="children")


@pytest.mark.parametrize("version", [3, 99, 2**31 - 1])
def test_api_review_version_that_never_existed_is_400_naming_nobody(editor, other_editor, version):
    claim = ClaimFactory()
    review_submit(claim_id=claim.pk, reviewer=other_editor, verdict="false", expected_version=1)
    response = api_client(editor).post(
        f"/api/v1/claims/{claim.pk}/reviews/",
        {"verdict": "verified", "version": version},
        content_type="application/json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "never been at version" in error["details"]["version"][0]
    assert "other_editor" not in response.content.decode()
    claim.refresh_from_db()
    assert claim.verdict == "false"


def test_api_review_version_beyond_the_integer_range_is_400(editor):
    claim = ClaimFactory()
    response = api_client(editor).post(
        f"/api/v1/claims/{claim.pk}/reviews/",
        {"verdict": "verified", "version": 10**30},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "version" in response.json()["error"]["details"]


def test_claim_page_version_that_never_existed_is_400(editor):
    claim = ClaimFactory()
    response = client_for(editor).post(
        reverse("claims:claim_review", args=[claim.pk]),
        {"verdict": "verified", "note": "kept", "evidence_stance": "supports", "version": 9},
    )
    assert response.status_code == 400
    assert "never been at version 9" in response.content.decode()
    _assert_nothing_written(claim)


def test_quick_verdict_version_that_never_existed_says_so(editor):
    claim = ClaimFactory()
    response = client_for(editor).post(
        reverse("claims:claim_quick_verdict", args=[claim.pk]),
        {"verdict": "false", "version": 4},
        headers={"HX-Request": "true"},
    )
    assert "never been at version 4" in response.content.decode()
    _assert_nothing_written(claim)


@pytest.mark.parametrize("version", ["2147483648", "9" * 25])
def test_claim_page_version_beyond_the_integer_range_is_400(editor, version):
    claim = ClaimFactory()
    response = client_for(editor).post(
        reverse("claims:claim_review", args=[claim.pk]),
        {"verdict": "verified", "evidence_stance": "supports", "version": version},
    )
    assert response.status_code == 400
    assert "never been at version" in response.content.decode()
    _assert_nothing_written(claim)
