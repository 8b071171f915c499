"""Polling RSS and Atom feeds: new items submitted once, feed health recorded."""

from __future__ import annotations

import pytest
from django.test import override_settings

from claims.models import Article, Feed
from claims.services.ingestion import feed_poll, feeds_poll_enqueue

from . import http_server
from .factories import SourceFactory
from .http_server import FEED_ETAG, FEED_LAST_MODIFIED

# The local news server, as a fixture of this module.
news_server = http_server.news_server

pytestmark = pytest.mark.django_db

allow_local = override_settings(NEWSFACTS_FETCH_ALLOWED_HOSTS=["127.0.0.1"])


def make_feed(url: str, **kwargs) -> Feed:
    return Feed.objects.create(source=SourceFactory(), url=url, **kwargs)


@allow_local
def test_poll_rss_submits_new_items_once(news_server, django_capture_on_commit_callbacks):
    feed = make_feed(news_server.url("/feeds/world.rss"))
    with django_capture_on_commit_callbacks() as callbacks:
        result = feed_poll(feed_id=feed.pk)

    assert result.new_items == 2
    articles = Article.objects.order_by("url")
    # Three items, two stories: tracking parameters and fragments do not make new ones.
    assert [a.url for a in articles] == [
        news_server.url("/news/budget.html"),
        news_server.url("/news/floods.html"),
    ]
    for article in articles:
        assert article.status == Article.Status.FETCHING
        assert article.origin == Article.Origin.FEED
        assert article.feed == feed
        assert article.source == feed.source
    assert articles[1].title == "Floods kill at least 80 people in southern provinces"
    assert len(callbacks) == 2

    feed.refresh_from_db()
    assert feed.last_status == "200 OK, 2 new items"
    assert feed.last_error == ""
    assert feed.etag == FEED_ETAG
    assert feed.last_modified == FEED_LAST_MODIFIED
    assert feed.items_submitted == 2
    assert feed.last_polled_at == feed.last_success_at


@allow_local
def test_poll_twice_is_not_modified_and_creates_no_duplicates(news_server):
    feed = make_feed(news_server.url("/feeds/world.rss"))
    feed_poll(feed_id=feed.pk)

    result = feed_poll(feed_id=feed.pk)

    assert result.status == "304 not modified"
    assert news_server.requests[-1].headers["if-none-match"] == FEED_ETAG
    assert Article.objects.count() == 2
    feed.refresh_from_db()
    assert feed.last_status == "304 not modified"
    assert feed.items_submitted == 2


@allow_local
def test_poll_again_without_validators_creates_no_duplicates(news_server):
    feed = make_feed(news_server.url("/feeds/world.rss"))
    feed_poll(feed_id=feed.pk)
    Feed.objects.filter(pk=feed.pk).update(etag="", last_modified="")

    result = feed_poll(feed_id=feed.pk)

    assert result.status == "200 OK, 0 new items"
    assert Article.objects.count() == 2
    feed.refresh_from_db()
    assert feed.items_submitted == 2


@allow_local
def test_poll_uses_last_modified_when_no_etag(news_server):
    feed = make_feed(news_server.url("/feeds/world.rss"), last_modified=FEED_LAST_MODIFIED)
    assert feed_poll(feed_id=feed.pk).status == "304 not modified"
    assert news_server.requests[0].headers["if-modified-since"] == FEED_LAST_MODIFIED


@allow_local
def test_poll_atom_resolves_relative_links_and_dedups_across_feeds(news_server):
    rss = make_feed(news_server.url("/feeds/world.rss"))
    atom = make_feed(news_server.url("/feeds/business.atom"))
    feed_poll(feed_id=rss.pk)

    result = feed_poll(feed_id=atom.pk)

    # The budget story came through the RSS feed already (with fbclid here).
    assert result.status == "200 OK, 1 new item"
    cafes = Article.objects.get(feed=atom)
    assert cafes.url == news_server.url("/news/cafes.html")
    assert Article.objects.count() == 3


@allow_local
@pytest.mark.parametrize(
    ("path", "status", "error"),
    [
        ("/feeds/broken.rss", "Unreadable", "could not be read as RSS or Atom"),
        ("/status/404", "HTTP 404, failed", "not found (HTTP 404)"),
        ("/files/report.pdf", "Failed", "of type application/pdf, not a feed"),
        ("/go/metadata", "Failed", "not fetched for safety"),
    ],
)
def test_poll_broken_feed_records_error(news_server, path, status, error):
    feed = make_feed(news_server.url(path))

    result = feed_poll(feed_id=feed.pk)

    assert result.new_items == 0
    feed.refresh_from_db()
    assert feed.last_status == status
    assert error in feed.last_error
    assert feed.last_polled_at is not None
    assert feed.last_success_at is None
    assert Article.objects.count() == 0


def test_poll_feed_on_local_address_refused_with_default_settings(news_server):
    feed = make_feed(news_server.url("/feeds/world.rss"))

    feed_poll(feed_id=feed.pk)

    feed.refresh_from_db()
    assert "not fetched for safety" in feed.last_error
    assert news_server.requests == []


def test_poll_inactive_feed_does_nothing(news_server):
    feed = make_feed(news_server.url("/feeds/world.rss"), is_active=False)
    assert feed_poll(feed_id=feed.pk) is None
    assert news_server.requests == []


def test_poll_enqueue_sends_active_feeds_only():
    make_feed("https://ledger.example/world.rss")
    make_feed("https://ledger.example/sport.rss", is_active=False)
    assert feeds_poll_enqueue() == 1
