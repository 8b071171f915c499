from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Article, Claim, Evidence, Feed, Review, Source, SourceDomain

from .conftest import client_for
from .factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    ReviewFactory,
    SourceDomainFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [Source, Feed, Article, Claim, Review, Evidence]


@pytest.fixture
def sample_rows(admin):
    domain = SourceDomainFactory()
    Feed.objects.create(source=domain.source, url="https://outlet.example/feed.xml")
    claim = ClaimFactory(article__source=domain.source)
    ReviewFactory(claim=claim, reviewer=admin)
    EvidenceFactory(claim=claim, added_by=admin)
    return claim


def _changelist(model) -> str:
    return reverse(f"admin:claims_{model._meta.model_name}_changelist")


def _change(obj) -> str:
    return reverse(f"admin:claims_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_changelist_renders_for_admin(admin, sample_rows, model):
    response = client_for(admin).get(_changelist(model))
    assert response.status_code == 200
    assert response.context["cl"].result_count == model.objects.count() >= 1


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_change_page_renders_for_admin(admin, sample_rows, model):
    obj = model.objects.first()
    response = client_for(admin).get(_change(obj))
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_changelist_refused_to_editor(editor, sample_rows, model):
    response = client_for(editor).get(_changelist(model))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_change_page_refused_to_editor(editor, sample_rows, model):
    response = client_for(editor).get(_change(model.objects.first()))
    assert response.status_code == 302


def test_admin_review_history_cannot_be_edited(admin, sample_rows):
    review = Review.objects.first()
    response = client_for(admin).post(_change(review), {"note": "rewritten"})
    assert response.status_code == 403
    assert Review.objects.get(pk=review.pk).note != "rewritten"


def test_admin_source_domains_editable_inline(admin):
    response = client_for(admin).post(
        reverse("admin:claims_source_add"),
        {
            "name": "Example Wire",
            "slug": "example-wire",
            "kind": "wire_agency",
            "is_active": "on",
            "domains-TOTAL_FORMS": "1",
            "domains-INITIAL_FORMS": "0",
            "domains-0-domain": "www.Example-Wire.org",
            "feeds-TOTAL_FORMS": "0",
            "feeds-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SourceDomain.objects.get().domain == "example-wire.org"


def _queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_changelist_queries_do_not_grow_with_rows(admin, sample_rows, model):
    client = client_for(admin)
    few = _queries_for(client, _changelist(model))
    for _ in range(5):
        claim = ClaimFactory(article=ArticleFactory(source=SourceDomainFactory().source))
        Feed.objects.create(source=claim.article.source, url=f"https://f{claim.pk}.example/rss")
        ReviewFactory(claim=claim, reviewer=admin)
        EvidenceFactory(claim=claim, added_by=admin)
    many = _queries_for(client, _changelist(model))
    assert many == few
