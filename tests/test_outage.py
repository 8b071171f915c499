"""A broker that is down or hung at submit: the article is kept, the editor is told,
and it is sent again as soon as the broker answers, without the sweep's long wait."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from claims import services
from claims.models import Article
from claims.services.outage import UNREACHABLE_NOTICE, articles_resend_unsent

from .conftest import client_for
from .factories import ArticleFactory
from .worker import (
    broker_at,
    closed_port_url,
    private_queue,
    require_broker,
    require_worker_database,
    running_worker,
    wait_until,
)

TEXT = "Floods displaced more than 3,000 people in the north, officials said."


# Committed for real, as a request is: the task is sent when the article commits.
@pytest.mark.django_db(transaction=True)
def test_submit_with_the_broker_down_keeps_the_article_and_tells_the_editor(
    editor,
):
    with broker_at(closed_port_url()):
        response = client_for(editor).post(
            reverse("claims:article_submit_text"), {"title": "Floods", "text": TEXT}, follow=True
        )
    article = Article.objects.get()
    assert article.status == Article.Status.QUEUED
    assert article.send_failed_at is not None
    assert UNREACHABLE_NOTICE in response.content.decode()
    assert "Article submitted." not in response.content.decode()


# Committed for real, as a request is: the task is sent when the article commits.
@pytest.mark.django_db(transaction=True)
def test_api_submit_with_the_broker_down_answers_202_with_the_notice(
    editor,
):
    with broker_at(closed_port_url()):
        response = client_for(editor).post(
            "/api/v1/articles/", {"title": "Floods", "text": TEXT}, content_type="application/json"
        )
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    assert response.json()["notice"] == UNREACHABLE_NOTICE


# Committed for real, as a request is: the task is sent when the article commits.
@pytest.mark.django_db(transaction=True)
def test_api_submit_with_the_broker_up_has_no_notice(editor):
    require_broker()
    with private_queue("no-notice"):
        response = client_for(editor).post(
            "/api/v1/articles/", {"title": "Floods", "text": TEXT}, content_type="application/json"
        )
    assert response.status_code == 202
    assert response.json()["notice"] is None
    assert Article.objects.get().send_failed_at is None


@pytest.mark.django_db
def test_submit_to_a_hung_broker_gives_up_after_the_connect_timeout(
    settings,
    hung_server,
):
    article = ArticleFactory(status=Article.Status.QUEUED)
    url = f"redis://127.0.0.1:{hung_server}/0"
    started = time.monotonic()
    with broker_at(url, socket_connect_timeout=1, socket_timeout=1):
        assert services.extraction_enqueue(article.pk) is False
    # Was 10 s with a 3 s "connect" timeout: the send had a timeout of its own.
    assert time.monotonic() - started < 5
    article.refresh_from_db()
    assert article.send_failed_at is not None


@pytest.mark.django_db
def test_resend_with_the_broker_still_down_keeps_the_marks():
    article = ArticleFactory(status=Article.Status.QUEUED)
    with broker_at(closed_port_url()):
        assert services.extraction_enqueue(article.pk) is False
        assert articles_resend_unsent() == {"sent": 0, "unsent": 1, "skipped": 0}
    article.refresh_from_db()
    assert article.send_failed_at is not None


@pytest.mark.django_db
def test_resend_when_the_broker_is_back_sends_and_unmarks():
    require_broker()
    waiting = ArticleFactory(status=Article.Status.QUEUED)
    done = ArticleFactory(status=Article.Status.EXTRACTED)
    with broker_at(closed_port_url()):
        services.extraction_enqueue(waiting.pk)
        services.extraction_enqueue(done.pk)
    with private_queue("resend"):
        assert articles_resend_unsent() == {"sent": 1, "unsent": 0, "skipped": 0}
    assert list(Article.objects.filter(send_failed_at__isnull=False)) == []


@pytest.mark.django_db
def test_resend_runs_once_when_several_workers_reconnect_together():
    require_broker()
    article = ArticleFactory(status=Article.Status.QUEUED)
    with broker_at(closed_port_url()):
        services.extraction_enqueue(article.pk)
    with private_queue("resend-once"):
        first, second = articles_resend_unsent(), articles_resend_unsent()
    assert (first["sent"], second["skipped"]) == (1, 1)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_worker_sends_unsent_articles_as_soon_as_it_connects():
    """No sweep, no beat: the worker's connect step sends the marked article."""
    require_worker_database()
    require_broker()
    article = ArticleFactory(status=Article.Status.QUEUED, body=TEXT, title="Floods")
    with broker_at(closed_port_url()):
        assert services.extraction_enqueue(article.pk) is False
    with private_queue("on-connect"), running_worker(name="reconnect") as worker:
        wait_until(
            lambda: Article.objects.get(pk=article.pk).status == Article.Status.EXTRACTED,
            timeout=60,
            what="the marked article to be extracted\n" + worker.log,
        )
    article.refresh_from_db()
    assert article.send_failed_at is None
    assert article.claims.exists()
