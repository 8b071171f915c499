"""A web address through a real Celery worker: submitted, fetched, claims extracted."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from claims.models import Article
from claims.services.ingestion import article_submit_url

from . import http_server
from .factories import SourceDomainFactory
from .worker import (
    private_queue,
    require_broker,
    require_worker_database,
    running_worker,
    wait_until,
)

# The local news server, as a fixture of this module.
news_server = http_server.news_server

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module", autouse=True)
def _queue():
    with private_queue("ingestion") as name:
        yield name


@override_settings(NEWSFACTS_FETCH_ALLOWED_HOSTS=["127.0.0.1"])
def test_url_submitted_is_fetched_and_extracted_by_worker(news_server):
    require_worker_database()
    require_broker()
    domain = SourceDomainFactory(domain="127.0.0.1")

    with running_worker(name="ingest", NEWSFACTS_FETCH_ALLOWED_HOSTS="127.0.0.1") as worker:
        with transaction.atomic():
            result = article_submit_url(
                url=news_server.url("/news/floods.html?utm_source=newsletter#top")
            )
        article = result.article
        assert article.status == Article.Status.FETCHING

        def done():
            article.refresh_from_db()
            return article.is_done

        wait_until(done, timeout=180, what=f"article {article.pk} to be done\n{worker.log}")

    assert article.status == Article.Status.EXTRACTED, article.last_error
    assert article.url == news_server.url("/news/floods.html")
    assert article.source == domain.source
    assert article.title.startswith("Floods kill at least 80 people")
    assert "dataLayer" not in article.body
    claims = list(article.claims.order_by("start").values_list("text", flat=True))
    print(f"article {article.pk} {article.status}: {article.title!r}; claims: {claims}")
    assert "At least 80" in claims
    assert any("12,000" in claim for claim in claims)
    assert news_server.hits["/news/floods.html"] == 1
    assert f"fetch downloaded article_id={article.pk} " in worker.log
    assert f"extraction done article_id={article.pk} " in worker.log
