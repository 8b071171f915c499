"""Property-based run of the whole API against its own OpenAPI schema.

Schemathesis generates requests from /api/schema/ (a bounded number per operation)
and sends them to the WSGI app as an editor with a token, the caller who can reach
every operation. No answer may be a 5xx, or differ from what the schema documents.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from claims.models import Claim

from .conftest import api_token_for
from .factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    QuantityFactory,
    ReviewFactory,
    StoryFactory,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _wsgi_requests_inside_the_test_transaction(settings):
    # Throttling is tested on its own; here it would only turn answers into 429s.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": None, "anon": None, "submit": None},
    }
    # The real WSGI handler closes the connection after each request, which would
    # end the test's transaction; Django's own test client unhooks the same signals.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def editor_token(editor):
    cache.clear()
    # Some rows for the generated ids to find: low ids are what the generator tries first.
    now = timezone.now()
    story = StoryFactory(first_published_at=now, last_published_at=now, conflict_count=1)
    quantity = QuantityFactory(story=story, has_conflict=True)
    for index in range(3):
        claim = ClaimFactory(
            article=ArticleFactory(published_at=now, story=story),
            quantity=quantity,
            measure=quantity.measure,
            in_conflict=True,
            verdict=Claim.Verdict.VERIFIED if index else Claim.Verdict.UNREVIEWED,
            reviewed_at=timezone.now() if index else None,
        )
        ReviewFactory(claim=claim)
        EvidenceFactory(claim=claim)
    return api_token_for(editor)


# The schema view needs no database, so the schema is read once, at collection.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, editor_token):
    case.call_and_validate(headers={"Authorization": f"Token {editor_token}"}, checks=CHECKS)
