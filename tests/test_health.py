"""Workers you can see, and a health endpoint that checks what it reports.

The heartbeat goes through the shared cache (this test run's own Redis), so a real
worker subprocess is seen by the test process as the web app would see it.
"""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import Client
from django.urls import reverse

from claims.models import Article
from claims.services.workers import HEARTBEAT_KEY, worker_heartbeat_send, workers_seen

from .conftest import client_for
from .factories import ArticleFactory
from .worker import (
    broker_at,
    closed_port_url,
    require_broker,
    require_worker_database,
    running_worker,
    wait_until,
)

BANNER = "No worker is running: articles will wait as queued"
HOW_TO_START = "celery -A newsfacts worker"
HEALTH = "/api/v1/health"


def _beat(seconds_ago: float, hostname: str = "w1@test") -> None:
    cache.set(HEARTBEAT_KEY, {"hostname": hostname, "at": time.time() - seconds_ago})


# --- Heartbeat ----------------------------------------------------------------------


def test_workers_seen_without_any_heartbeat_is_not_running():
    seen = workers_seen()
    assert (seen.running, seen.seconds_ago, seen.last_seen) == (False, None, None)


def test_workers_seen_after_a_heartbeat_is_running():
    worker_heartbeat_send(hostname="w1@test")
    seen = workers_seen()
    assert seen.running
    assert seen.hostname == "w1@test"
    assert seen.seconds_ago < 5


def test_workers_seen_silent_longer_than_the_limit_is_not_running(settings):
    settings.NEWSFACTS_WORKER_SILENT_SECONDS = 60
    _beat(seconds_ago=59)
    assert workers_seen().running
    _beat(seconds_ago=61)
    assert not workers_seen().running


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_worker_heartbeat_reaches_the_web_process_through_the_shared_cache():
    require_worker_database()
    require_broker()
    assert not workers_seen().running
    with running_worker(name="heartbeat"):
        wait_until(lambda: workers_seen().running, timeout=30, what="the worker's heartbeat")
        assert "heartbeat" in workers_seen().hostname
        assert Client().get(HEALTH).json()["workers"]["status"] == "running"


# --- Banner -------------------------------------------------------------------------


@pytest.mark.django_db
def test_editor_pages_show_the_no_worker_banner_when_none_was_seen(editor):
    client = client_for(editor)
    for url in (reverse("claims:claim_queue"), reverse("claims:article_submit")):
        page = client.get(url).content.decode()
        assert BANNER in page
        assert HOW_TO_START not in page  # how to start one is for admins


@pytest.mark.django_db
def test_editor_pages_say_when_the_last_worker_was_seen(editor):
    _beat(seconds_ago=600)
    page = client_for(editor).get(reverse("claims:claim_queue")).content.decode()
    assert BANNER in page
    assert "The last one was seen 10\xa0minutes ago." in page


@pytest.mark.django_db
def test_editor_pages_have_no_banner_while_a_worker_beats(editor):
    _beat(seconds_ago=1)
    page = client_for(editor).get(reverse("claims:claim_queue")).content.decode()
    assert BANNER not in page


@pytest.mark.django_db
def test_admin_sees_how_to_start_a_worker(admin):
    page = client_for(admin).get(reverse("claims:claim_queue")).content.decode()
    assert BANNER in page
    assert HOW_TO_START in page


@pytest.mark.django_db
def test_login_page_shows_no_banner_to_anonymous():
    page = Client().get(reverse("login")).content.decode()
    assert BANNER not in page


@pytest.mark.django_db
def test_article_page_says_no_worker_instead_of_a_moving_bar(editor):
    article = ArticleFactory(status=Article.Status.QUEUED)
    client = client_for(editor)
    for url in (
        reverse("claims:article_detail", args=[article.pk]),
        reverse("claims:article_progress", args=[article.pk]),
    ):
        page = client.get(url).content.decode()
        box = page[page.index('id="article-progress"') :]
        assert BANNER in box
        assert "<progress" not in box
        assert "waiting for a worker" not in box


@pytest.mark.django_db
def test_article_page_shows_the_bar_while_a_worker_beats(editor):
    _beat(seconds_ago=1)
    article = ArticleFactory(status=Article.Status.QUEUED)
    page = client_for(editor).get(reverse("claims:article_detail", args=[article.pk]))
    text = page.content.decode()
    assert "<progress" in text
    assert BANNER not in text


# --- Health -------------------------------------------------------------------------


@pytest.mark.django_db
def test_health_reports_database_broker_and_workers():
    require_broker()
    _beat(seconds_ago=3)
    response = Client().get(HEALTH)
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["failing"]) == ("ok", [])
    assert (body["database"]["ok"], body["broker"]["ok"]) == (True, True)
    assert body["workers"]["status"] == "running"
    assert body["workers"]["last_seen_seconds_ago"] in (3, 4)


@pytest.mark.django_db
def test_health_with_no_worker_is_200_and_says_none_seen():
    require_broker()
    response = Client().get(HEALTH)
    assert response.status_code == 200
    assert response.json()["workers"] == {
        "ok": False,
        "status": "none seen",
        "last_seen_seconds_ago": None,
        "silent_after_seconds": 60,
    }


@pytest.mark.django_db
def test_health_with_the_broker_down_is_503_naming_the_broker(admin):
    with broker_at(closed_port_url()):
        response = client_for(admin).get(HEALTH)
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["failing"]) == ("failing", ["broker"])
    assert body["database"]["ok"]
    assert "Connection" in body["broker"]["error"]


@pytest.mark.django_db
def test_health_with_a_hung_broker_answers_503_within_the_timeout(settings, hung_server):
    settings.CELERY_BROKER_CONNECTION_TIMEOUT = 1
    started = time.monotonic()
    with broker_at(f"redis://127.0.0.1:{hung_server}/0", socket_timeout=1):
        response = Client().get(HEALTH)
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]
    assert response.json()["broker"]["error"] == "does not answer"  # no detail for anonymous
    assert time.monotonic() - started < 10


@pytest.mark.django_db
def test_health_with_the_database_down_is_503_naming_the_database(monkeypatch, hung_server):
    require_broker()
    database = connections["default"].settings_dict
    if database["ENGINE"].endswith("postgresql"):
        # A server that accepts and never answers: the connect timeout must end it.
        monkeypatch.setitem(database, "HOST", "127.0.0.1")
        monkeypatch.setitem(database, "PORT", str(hung_server))
        monkeypatch.setitem(database, "OPTIONS", {**database["OPTIONS"], "connect_timeout": 2})
    else:
        monkeypatch.setitem(database, "NAME", "/nonexistent-folder/newsfacts.sqlite3")
    started = time.monotonic()
    response = Client().get(HEALTH)
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["failing"]) == ("failing", ["database"])
    assert body["broker"]["ok"]
    assert time.monotonic() - started < 10


@pytest.mark.django_db
def test_liveness_answers_with_the_database_and_broker_down(monkeypatch, django_assert_num_queries):
    """A process manager restarts what fails its liveness check: an outage of the
    database or the broker must not get healthy web processes restarted."""
    database = connections["default"].settings_dict
    monkeypatch.setitem(database, "NAME", "/nonexistent-folder/newsfacts.sqlite3")
    with broker_at(closed_port_url()), django_assert_num_queries(0):
        response = Client().get("/api/v1/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert response["Cache-Control"] == "no-store"
