"""Admin for sources and feeds: clean domains, re-mapped articles, polls that come soon."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from claims.models import Article, Feed, Source, SourceDomain, normalise_domain
from claims.services import articles_remap_source
from claims.services.ingestion import feeds_poll_enqueue_new

from .conftest import client_for
from .factories import ArticleFactory, SourceDomainFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("https://www.Example-News.org/path?x=1", "example-news.org"),
        ("example.org", "example.org"),
        ("  WWW.Example.ORG.  ", "example.org"),
        ("news.bbc.co.uk/world", "news.bbc.co.uk"),
        ("http://example.org:8080/", "example.org"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("http://10.0.0.7/news", "10.0.0.7"),
    ],
)
def test_normalise_domain_keeps_the_host_only(raw, domain):
    assert normalise_domain(raw) == domain


@pytest.mark.parametrize(
    "raw", ["", "localhost", "not a domain", "exa_mple.org", "-bad-.org", "https://", "10.0.1"]
)
def test_normalise_domain_refuses_what_is_not_a_host_name(raw):
    with pytest.raises(ValidationError) as error:
        normalise_domain(raw)
    assert "domain" in str(error.value)


def _source_form(**overrides) -> dict:
    data = {
        "name": "Example News",
        "slug": "example-news",
        "kind": Source.Kind.NEWS_OUTLET,
        "homepage": "",
        "country": "",
        "reliability_note": "",
        "is_active": "on",
        "domains-TOTAL_FORMS": "1",
        "domains-INITIAL_FORMS": "0",
        "domains-MIN_NUM_FORMS": "0",
        "domains-MAX_NUM_FORMS": "1000",
        "domains-0-domain": "",
        "feeds-TOTAL_FORMS": "0",
        "feeds-INITIAL_FORMS": "0",
        "feeds-MIN_NUM_FORMS": "0",
        "feeds-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_admin_stores_a_pasted_address_as_its_host(admin):
    response = client_for(admin).post(
        reverse("admin:claims_source_add"),
        _source_form(**{"domains-0-domain": "https://www.Example-News.org/path"}),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(SourceDomain.objects.values_list("domain", flat=True)) == ["example-news.org"]


def test_admin_refuses_a_domain_that_is_not_one_and_stores_nothing(admin):
    response = client_for(admin).post(
        reverse("admin:claims_source_add"),
        _source_form(**{"domains-0-domain": "not a domain"}),
    )
    assert response.status_code == 200
    assert "“not a domain” is not a domain" in response.content.decode()
    assert not Source.objects.exists()
    assert not SourceDomain.objects.exists()


def test_admin_refuses_a_domain_another_source_has_after_cleaning(admin):
    SourceDomainFactory(domain="example-news.org")
    response = client_for(admin).post(
        reverse("admin:claims_source_add"),
        _source_form(**{"domains-0-domain": "https://www.example-news.org/"}),
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert SourceDomain.objects.count() == 1


def _unmapped(url: str) -> Article:
    return ArticleFactory(source=None, url=url)


def test_adding_a_domain_in_the_admin_remaps_its_articles_without_a_source(admin):
    from_it = _unmapped("https://www.example-news.org/2024/idlib")
    from_subdomain = _unmapped("https://live.example-news.org/feed/1")
    elsewhere = _unmapped("https://not-example-news.org/a")
    pasted = ArticleFactory(source=None, url=None)
    chosen = SourceFactory(name="Chosen by an editor")
    kept = ArticleFactory(source=chosen, url="https://example-news.org/kept")

    response = client_for(admin).post(
        reverse("admin:claims_source_add"),
        _source_form(**{"domains-0-domain": "example-news.org"}),
        follow=True,
    )
    source = Source.objects.get(slug="example-news")
    assert "2 articles from example-news.org now have the source Example News" in (
        response.content.decode()
    )
    for article, expected in [
        (from_it, source),
        (from_subdomain, source),
        (elsewhere, None),
        (pasted, None),
        (kept, chosen),
    ]:
        article.refresh_from_db()
        assert article.source == expected, article.url


def test_remap_leaves_articles_alone_for_an_inactive_source():
    article = _unmapped("https://example-news.org/a")
    domain = SourceDomainFactory(domain="example-news.org", source__is_active=False)
    assert articles_remap_source(domain=domain) == 0
    article.refresh_from_db()
    assert article.source is None


def _feed(**kwargs) -> Feed:
    return Feed.objects.create(source=kwargs.pop("source", None) or SourceFactory(), **kwargs)


def test_feed_admin_poll_now_queues_each_active_feed(admin, django_capture_on_commit_callbacks):
    active = _feed(url="https://example.org/a.rss")
    inactive = _feed(url="https://example.org/b.rss", is_active=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(admin).post(
            reverse("admin:claims_feed_changelist"),
            {"action": "poll_now", "_selected_action": [active.pk, inactive.pk]},
            follow=True,
        )
    html = response.content.decode()
    assert "1 feed queued for polling. 1 skipped: inactive, or their source is." in html
    assert len(callbacks) == 1


def test_feed_added_in_the_admin_is_polled_at_once(admin, django_capture_on_commit_callbacks):
    source = SourceFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(admin).post(
            reverse("admin:claims_feed_add"),
            {"source": source.pk, "url": "https://example.org/new.rss", "is_active": "on"},
        )
    assert response.status_code == 302
    assert Feed.objects.filter(url="https://example.org/new.rss").exists()
    assert len(callbacks) == 1


def test_feed_added_inline_with_its_source_is_polled_at_once(
    admin, django_capture_on_commit_callbacks
):
    form = _source_form(
        **{
            "feeds-TOTAL_FORMS": "1",
            "feeds-0-url": "https://example-news.org/rss",
            "feeds-0-is_active": "on",
        }
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(admin).post(reverse("admin:claims_source_add"), form)
    assert response.status_code == 302
    assert len(callbacks) == 1


def test_new_feeds_are_checked_every_minute_and_only_never_polled_ones_are_sent():
    from django.utils import timezone

    _feed(url="https://example.org/new.rss")
    _feed(url="https://example.org/old.rss", last_polled_at=timezone.now())
    _feed(url="https://example.org/off.rss", is_active=False)
    assert feeds_poll_enqueue_new() == 1
    check = settings.CELERY_BEAT_SCHEDULE["poll-new-feeds"]
    assert check["task"] == "claims.tasks.poll_new_feeds"
    assert check["schedule"] <= 60


def test_feed_poll_now_is_refused_to_editors(editor):
    feed = _feed(url="https://example.org/a.rss")
    response = client_for(editor).post(
        reverse("admin:claims_feed_changelist"),
        {"action": "poll_now", "_selected_action": [feed.pk]},
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
