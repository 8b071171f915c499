"""The API's fast paths write what DRF's own classes would: JSON bytes and dates."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy
from rest_framework.fields import DateTimeField
from rest_framework.renderers import JSONRenderer as DrfJsonRenderer

from claims.api.renderers import EmbeddableJsonRenderer, JSONRenderer, ReleasingResponse, _cell
from claims.api.serializers import _datetime, _moments_shown, claim_dicts

MOMENTS = [
    datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
    datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC),
    datetime(2024, 5, 1, 10, 0, 0, 500, tzinfo=timezone(timedelta(hours=-5))),
    datetime(2024, 12, 31, 23, 59, 59, tzinfo=ZoneInfo("Asia/Kathmandu")),
]

DATA = {
    "id": 12,
    "text": "more than 1,000 déplacés — 人",
    "value": 1.1,
    "big": 1e300,
    "small": -2.5e-12,
    "none": None,
    "flags": [True, False],
    "nested": {"list": [{"a": 1}, [], {}], "empty": ""},
    "when": MOMENTS[1],
    "day": date(2024, 5, 1),
    "price": Decimal("12.50"),
    "uuid": uuid.UUID(int=7),
    "lazy": gettext_lazy("Verified"),
    "separators": "line\u2028paragraph\u2029end",
    "script": "</script><!-- & -->",
    3: "a number as a key",
}


def test_json_renderer_writes_the_same_bytes_as_drfs():
    assert JSONRenderer().render(DATA) == DrfJsonRenderer().render(DATA)


def test_json_renderer_pretty_prints_as_drf_when_asked():
    media = "application/json; indent=4"
    rendered = JSONRenderer().render(DATA, media)
    assert rendered == DrfJsonRenderer().render(DATA, media)
    assert b"\n    " in rendered


def test_json_renderer_renders_nothing_for_no_data():
    assert JSONRenderer().render(None) == b""


def test_embeddable_json_keeps_html_out():
    rendered = EmbeddableJsonRenderer().render(DATA)
    assert b"<" not in rendered and b">" not in rendered and b"&" not in rendered
    assert b"\\u2028" in rendered


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/Sao_Paulo"])
@pytest.mark.parametrize("moment", MOMENTS)
def test_claim_dates_read_as_drfs_datetime_field(zone, moment):
    with django_timezone.override(ZoneInfo(zone)):
        assert _datetime(moment) == DateTimeField().to_representation(moment)
        assert _datetime(moment, django_timezone.get_current_timezone()) == (
            DateTimeField().to_representation(moment)
        )


def test_claim_dates_missing_stay_missing():
    assert _datetime(None) is None


@pytest.mark.parametrize(
    "moment", [*MOMENTS, datetime(2024, 5, 1, 10, 0), datetime(2024, 5, 1, 10, 0, 0, 7)]
)
def test_json_renderer_writes_dates_as_drfs(moment):
    assert JSONRenderer().render({"when": moment}) == DrfJsonRenderer().render({"when": moment})


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/Sao_Paulo"])
@pytest.mark.parametrize("moment", [*MOMENTS, None])
def test_claim_dates_as_a_page_shows_them_render_as_drfs_datetime_field(zone, moment):
    # A page leaves UTC dates to the renderer; what reaches the client is the same.
    with django_timezone.override(ZoneInfo(zone)):
        shown = _moments_shown(django_timezone.get_current_timezone())(moment)
        expected = None if moment is None else DateTimeField().to_representation(moment)
    assert JSONRenderer().render({"when": shown}) == DrfJsonRenderer().render({"when": expected})
    assert _cell(shown) == ("" if expected is None else expected)


def test_releasing_response_renders_then_lets_go_of_its_data():
    data = {"results": [{"id": 1, "when": MOMENTS[0]}]}
    response = ReleasingResponse(data)
    response.accepted_renderer = JSONRenderer()
    response.accepted_media_type = "application/json"
    response.renderer_context = {}
    response.render()
    assert response.content == DrfJsonRenderer().render(data)
    # Nothing keeps the page alive once it is written (see claim_dicts).
    assert response.data is None


def test_claim_pages_are_plain_lists_that_keep_no_serializer():
    assert type(claim_dicts([])) is list
