"""What must stay wired together when a verdict, a kind or a reading field is added."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from django.conf import settings

from claims.api.claimreview import BEST_RATING, RATING_VALUES, WORST_RATING
from claims.api.renderers import CLAIM_CSV_COLUMNS
from claims.api.serializers import CLAIM_FIELDS, ClaimOutputSerializer
from claims.extraction import KINDS, ExtractedClaim, measures, qualifiers
from claims.forms import CorrectionForm
from claims.models import Claim
from claims.templatetags.claims_tags import QUICK_VERDICTS, VERDICT_KEYS

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
# Keys the queue and the claim page already use for something else.
OTHER_KEYS = {"j", "k", "o", "x", "a", "n", "g", "/", "?"}
REVIEWED_VERDICTS = [v for v in Claim.Verdict if v != Claim.Verdict.UNREVIEWED]


@pytest.mark.parametrize("verdict", REVIEWED_VERDICTS)
def test_every_reviewed_verdict_has_a_claimreview_rating(verdict):
    assert WORST_RATING <= RATING_VALUES[verdict] <= BEST_RATING


def test_every_verdict_has_its_own_key():
    assert set(VERDICT_KEYS) == set(Claim.Verdict)
    keys = list(VERDICT_KEYS.values())
    assert len(set(keys)) == len(keys)
    assert not set(keys) & OTHER_KEYS


def test_queue_offers_every_reviewed_verdict():
    assert [v.value for v in QUICK_VERDICTS] == REVIEWED_VERDICTS


@pytest.mark.parametrize("verdict", list(Claim.Verdict))
@pytest.mark.parametrize(
    "selector", [".badge.v-{}", "mark.v-{}", ".v-edge.v-{}", ".bar.v-{}", ".verdict-choice.v-{}"]
)
def test_every_verdict_has_a_style(verdict, selector):
    assert re.search(re.escape(selector.format(verdict.value)) + r"\b", CSS)


@pytest.mark.parametrize("verdict", REVIEWED_VERDICTS)
def test_every_quick_verdict_button_has_a_style(verdict):
    assert f".qv.v-{verdict.value}:hover" in CSS


def test_extractor_kinds_are_the_model_choices():
    assert set(KINDS) == set(Claim.Kind.values)


def test_extractor_measures_and_periods_are_the_model_choices():
    assert set(measures.MEASURES) == set(Claim.Measure.values)
    assert set(measures.PERIODS) == set(Claim.Period.values)
    # Every measure a word names is one the database takes.
    assert set(measures._MEASURE_WORDS.values()) <= set(measures.MEASURES)


def test_extractor_qualifiers_are_the_model_choices():
    constants = {
        value
        for name, value in vars(qualifiers).items()
        if name.isupper() and not name.startswith("_") and isinstance(value, str)
    }
    assert constants == set(Claim.Qualifier.values)


def test_reading_and_extracted_fields_are_claim_columns():
    columns = {field.name for field in Claim._meta.get_fields()}
    assert set(Claim.READING_FIELDS) <= columns
    assert set(Claim.EXTRACTED_FIELDS) <= columns


def test_every_field_the_extractor_gives_is_written():
    given = {field.name for field in dataclasses.fields(ExtractedClaim)} - {"start", "end"}
    assert given <= set(Claim.EXTRACTED_FIELDS)


def test_correction_form_offers_exactly_the_reading_fields():
    assert [name for name in CorrectionForm().fields if name != "version"] == list(
        Claim.READING_FIELDS
    )


@pytest.mark.parametrize(
    "shown",
    [CLAIM_FIELDS, tuple(ClaimOutputSerializer().fields), CLAIM_CSV_COLUMNS],
    ids=["api-rows", "api-serializer", "csv"],
)
def test_api_and_csv_show_every_reading_field(shown):
    assert set(Claim.READING_FIELDS) <= set(shown)
