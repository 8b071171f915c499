"""Articles from web addresses: submission, canonical URLs, and the fetch service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from claims.models import Article, Source
from claims.services.articles import SubmissionError
from claims.services.ingestion import (
    FetchRetry,
    article_fetch,
    article_submit_url,
    articles_fetch_sweep_stale,
    canonical_url,
)

from . import http_server
from .factories import ArticleFactory, SourceDomainFactory

# The local news server, as a fixture of this module.
news_server = http_server.news_server

pytestmark = pytest.mark.django_db

allow_local = override_settings(NEWSFACTS_FETCH_ALLOWED_HOSTS=["127.0.0.1"])


def submit_and_fetch(url: str) -> Article:
    article = article_submit_url(url=url).article
    return article_fetch(article_id=article.pk)


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTPS://WWW.Ledger.EXAMPLE/world/floods?utm_source=tw&utm_medium=social#comments",
            "https://www.ledger.example/world/floods",
        ),
        (
            "https://ledger.example/story?id=42&fbclid=IwAR0x&gclid=abc&page=2",
            "https://ledger.example/story?id=42&page=2",
        ),
        ("http://ledger.example:80/a", "http://ledger.example/a"),
        ("https://ledger.example:443", "https://ledger.example/"),
        ("https://ledger.example:8443/a", "https://ledger.example:8443/a"),
        ("  https://ledger.example/a?UTM_Campaign=x&mc_eid=1  ", "https://ledger.example/a"),
        ("https://bücher.example/straße", "https://xn--bcher-kva.example/stra%C3%9Fe"),
    ],
)
def test_canonical_url_removes_tracking_and_fragment(url, canonical):
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "Enter the web address"),
        ("ledger.example/world/floods", "must start with http:// or https://"),
        ("ftp://ledger.example/a.txt", "http:// or https://"),
        ("javascript:alert(1)", "must start with http:// or https://"),
        ("https://editor:pw@ledger.example/a", "user name or password"),
        ("https://ledger example/a", "spaces"),
        ("https://ledger.example:99999/", "not a valid web address"),
        ("https://" + "a" * 2100 + ".example/", "limit is 2,000"),
        ("http://not_a_host/", "not a valid web address"),
        ("http://127.0.0.1/admin", "loopback"),
        ("http://localhost:8000/admin", "this machine"),
        ("http://intranet.localhost/", "this machine"),
        ("http://2130706433/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "IPv4 address written as IPv6"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.1.2.3/", "private network"),
    ],
)
def test_submit_url_refuses_bad_address(url, message):
    with pytest.raises(SubmissionError, match=message):
        article_submit_url(url=url)
    assert Article.objects.count() == 0


def test_submit_url_creates_fetching_article_and_queues_fetch(
    editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        result = article_submit_url(
            url="https://ledger.example/world/floods?utm_source=x", submitted_by=editor
        )

    article = result.article
    assert result.created
    assert article.status == Article.Status.FETCHING
    assert article.url == "https://ledger.example/world/floods"
    assert article.body == ""
    assert article.content_hash is None
    assert article.origin == Article.Origin.URL
    assert article.submitted_by == editor
    assert len(callbacks) == 1


def test_submit_url_twice_returns_existing_article(django_capture_on_commit_callbacks):
    first = article_submit_url(url="https://ledger.example/world/floods").article
    with django_capture_on_commit_callbacks() as callbacks:
        again = article_submit_url(url="https://LEDGER.example/world/floods?fbclid=1#top")

    assert not again.created
    assert again.article.pk == first.pk
    assert callbacks == []
    assert Article.objects.count() == 1


def test_submit_url_maps_known_domain_to_source():
    domain = SourceDomainFactory(domain="ledger.example")
    article = article_submit_url(url="https://news.ledger.example/a").article
    assert article.source == domain.source


def test_submit_url_leaves_unknown_domain_without_source():
    article = article_submit_url(url="https://unknown.example/a").article
    assert article.source is None
    assert Source.objects.count() == 0


@allow_local
def test_fetch_stores_main_text_and_queues_extraction(
    news_server, django_capture_on_commit_callbacks
):
    domain = SourceDomainFactory(domain="127.0.0.1")
    article = article_submit_url(url=news_server.url("/news/floods.html")).article
    with django_capture_on_commit_callbacks() as callbacks:
        fetched = article_fetch(article_id=article.pk)

    assert fetched.status == Article.Status.QUEUED
    assert len(callbacks) == 1
    assert "At least 80 people were killed" in fetched.body
    assert "$5 million" in fetched.body
    # Navigation, scripts, styles, ads and footers are not article text.
    for junk in ("Subscribe", "dataLayer", "font-family", "Advertisement", "Cookie", "Most read"):
        assert junk not in fetched.body
    assert fetched.title.startswith("Floods kill at least 80 people")
    assert fetched.byline == "Jane Roe"
    assert fetched.published_at.date().isoformat() == "2026-11-17"
    assert fetched.language == "en"
    assert fetched.content_hash
    assert fetched.source == domain.source
    assert fetched.attempts == 0
    assert fetched.last_error == ""


@allow_local
def test_fetch_leaves_unknown_domain_without_source(news_server):
    fetched = submit_and_fetch(news_server.url("/news/budget.html"))
    assert fetched.status == Article.Status.QUEUED
    assert fetched.source is None
    assert Source.objects.count() == 0


def test_fetch_refuses_name_resolving_to_local_address_with_default_settings(news_server):
    # Stored as if its name had looked public at submission: refused once resolved.
    article = ArticleFactory(
        url=f"http://localhost:{news_server.port}/news/floods.html",
        body="",
        content_hash=None,
        status=Article.Status.FETCHING,
    )
    fetched = article_fetch(article_id=article.pk)

    assert fetched.status == Article.Status.FAILED
    assert "loopback" in fetched.last_error
    assert "not fetched for safety" in fetched.last_error
    assert news_server.requests == []


@allow_local
@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/go/metadata", "link-local address (169.254.169.254), which is not fetched for safety"),
        ("/go/private", "private network address (10.0.0.5)"),
        ("/go/loop-a", "redirects in a loop"),
        ("/go/chain-9", "redirects more than 5 times"),
        ("/files/report.pdf", "document of type application/pdf, not a web page"),
        ("/status/404", "not found (HTTP 404)"),
        ("/news/video.html", "No article text was found on the page"),
    ],
)
def test_fetch_failure_has_clear_message(news_server, path, message):
    fetched = submit_and_fetch(news_server.url(path))

    assert fetched.status == Article.Status.FAILED
    assert fetched.last_error.startswith("The page could not be fetched") or (
        "No article text" in fetched.last_error
    )
    assert message in fetched.last_error
    assert fetched.body == ""
    assert fetched.content_hash is None


@allow_local
@override_settings(NEWSFACTS_FETCH_MAX_BYTES=64 * 1024)
def test_fetch_fails_page_over_size_limit(news_server):
    fetched = submit_and_fetch(news_server.url("/huge/streamed"))
    assert fetched.status == Article.Status.FAILED
    assert "larger than the 0.1 MB limit" in fetched.last_error


@allow_local
def test_fetch_of_non_english_page_is_unsupported(news_server, django_capture_on_commit_callbacks):
    article = article_submit_url(url=news_server.url("/news/french.html")).article
    with django_capture_on_commit_callbacks() as callbacks:
        fetched = article_fetch(article_id=article.pk)

    assert fetched.status == Article.Status.UNSUPPORTED
    assert fetched.language == "fr"
    assert "French" in fetched.last_error
    assert callbacks == []


@allow_local
def test_fetch_of_duplicate_text_names_existing_article(news_server):
    original = submit_and_fetch(news_server.url("/news/floods.html"))
    copy = submit_and_fetch(news_server.url("/mirror/floods-copy.html"))

    assert copy.status == Article.Status.FAILED
    assert f"same text as article {original.pk}" in copy.last_error
    assert copy.content_hash is None
    assert Article.objects.get(pk=original.pk).status == Article.Status.QUEUED


@allow_local
def test_fetch_of_text_already_pasted_names_pasted_article(news_server):
    floods = submit_and_fetch(news_server.url("/news/floods.html"))
    Article.objects.filter(pk=floods.pk).delete()
    pasted = ArticleFactory(body=floods.body + "\n", url=None)

    again = submit_and_fetch(news_server.url("/news/floods.html"))
    assert again.status == Article.Status.FAILED
    assert f"same text as article {pasted.pk}, which is already stored" in again.last_error


@allow_local
@pytest.mark.parametrize(
    ("path", "present", "absent"),
    [
        ("/news/cafes.html", ["Café owners", "£48,000", "naïve"], []),
        ("/news/broken.html", ["About 3,500 dock workers", "$90 million a day"], ["alert"]),
    ],
    ids=["declared-meta-charset", "broken-markup"],
)
def test_fetch_reads_the_page_text(news_server, path, present, absent):
    fetched = submit_and_fetch(news_server.url(path))
    assert fetched.status == Article.Status.QUEUED
    for words in present:
        assert words in fetched.body
    for words in absent:
        assert words not in fetched.body


@allow_local
def test_fetch_reads_plain_text(news_server):
    fetched = submit_and_fetch(news_server.url("/news/budget.txt"))
    assert fetched.status == Article.Status.QUEUED
    assert fetched.body.startswith("The government will raise spending")


@allow_local
def test_fetch_follows_redirect_and_keeps_submitted_url(news_server):
    fetched = submit_and_fetch(news_server.url("/go/floods"))
    assert fetched.status == Article.Status.QUEUED
    assert fetched.url == news_server.url("/go/floods")


@allow_local
@override_settings(NEWSFACTS_MAX_FETCH_ATTEMPTS=3)
def test_fetch_counts_attempts_and_fails_after_the_cap(news_server):
    article = article_submit_url(url=news_server.url("/status/503")).article

    for attempt in (1, 2):
        with pytest.raises(FetchRetry):
            article_fetch(article_id=article.pk)
        article.refresh_from_db()
        assert article.status == Article.Status.FETCHING
        assert article.attempts == attempt
        assert f"Attempt {attempt} of 3" in article.last_error

    fetched = article_fetch(article_id=article.pk)
    assert fetched.status == Article.Status.FAILED
    assert fetched.attempts == 3
    assert fetched.last_error.startswith("The page could not be fetched after 3 attempts.")
    assert "HTTP 503" in fetched.last_error
    assert news_server.hits["/status/503"] == 3


@allow_local
def test_fetch_succeeds_on_retry_after_transient_error(news_server):
    article = article_submit_url(url=news_server.url("/flaky/floods.html")).article
    with pytest.raises(FetchRetry):
        article_fetch(article_id=article.pk)

    fetched = article_fetch(article_id=article.pk)
    assert fetched.status == Article.Status.QUEUED
    assert fetched.last_error == ""
    # Extraction counts its own attempts from zero.
    assert fetched.attempts == 0


@allow_local
def test_fetch_does_nothing_for_article_not_waiting(news_server):
    article = ArticleFactory(url=news_server.url("/news/floods.html"), status="extracted")
    assert article_fetch(article_id=article.pk) is None
    assert news_server.requests == []


@override_settings(NEWSFACTS_MAX_FETCH_ATTEMPTS=2)
def test_sweep_fails_fetch_past_cap_and_resends_others():
    old = timezone.now() - timedelta(hours=2)
    spent = article_submit_url(url="https://ledger.example/spent").article
    lost = article_submit_url(url="https://ledger.example/lost").article
    fresh = article_submit_url(url="https://ledger.example/fresh").article
    Article.objects.filter(pk=spent.pk).update(attempts=2, status_changed_at=old)
    Article.objects.filter(pk=lost.pk).update(attempts=1, status_changed_at=old)

    counts = articles_fetch_sweep_stale()

    assert counts == {"failed": 1, "sent": 1, "unsent": 0}
    spent.refresh_from_db()
    assert spent.status == Article.Status.FAILED
    assert "after 2 attempts" in spent.last_error
    lost.refresh_from_db()
    assert lost.status == Article.Status.FETCHING
    assert lost.status_changed_at > old
    fresh.refresh_from_db()
    assert fresh.status == Article.Status.FETCHING
