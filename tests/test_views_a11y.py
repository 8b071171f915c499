"""The accessibility fixes, pinned in the HTML (the browser test runs axe-core on it)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from claims.models import Claim
from claims.services.dashboard import Bar
from claims.templatetags.claims_tags import bar_chart

from .conftest import client_for
from .factories import ClaimFactory

pytestmark = pytest.mark.django_db


def test_chart_with_links_is_a_group_of_links_not_an_image():
    bars = [Bar(key="verified", label="Verified", value=3)]
    linked = str(bar_chart(bars, link="/queue/?verdict="))
    assert 'role="group"' in linked and 'role="img"' not in linked
    assert 'role="img"' in str(bar_chart(bars))


def test_queue_date_and_select_fields_have_labels(editor):
    html = client_for(editor).get(reverse("claims:claim_queue")).content.decode()
    for field in (
        "id_published_since",
        "id_published_until",
        "id_added_since",
        "id_verdict",
        "id_source",
    ):
        assert f'<label for="{field}"' in html, field


def test_tables_have_no_empty_header_cells(editor):
    claim = ClaimFactory()
    ClaimFactory(value=40, lower=40, upper=40, qualifier=Claim.Qualifier.EXACT)
    client = client_for(editor)
    for url in (
        reverse("claims:claim_queue"),
        claim.get_absolute_url(),
        reverse("claims:dashboard"),
    ):
        html = client.get(url).content.decode()
        assert not re.search(r"<th[^>]*>\s*</th>", html), url
    assert "<th" in client.get(reverse("claims:claim_queue")).content.decode()


def test_queue_filters_fold_away_unless_the_screen_is_wide(editor):
    html = client_for(editor).get(reverse("claims:claim_queue")).content.decode()
    # Folded as sent (a phone shows the claims first); app.js unfolds it on a wide screen.
    assert '<details class="filters-fold" id="filters-fold">' in html
