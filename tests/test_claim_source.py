"""A claim's copy of its article's source (``Claim.source``) stays equal to it, kept
by the database, whichever way the claim or the article is written."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.forms.models import model_to_dict
from django.urls import reverse

from claims import extraction, prepared, services
from claims.api.filters import claims_filter_values
from claims.api.serializers import claim_rows
from claims.models import Article, Claim

from .conftest import client_for, services_required
from .factories import ArticleFactory, ClaimFactory, SourceDomainFactory, SourceFactory
from .worker import wait_until

pytestmark = pytest.mark.django_db


def _sources(*claims: Claim) -> list[int | None]:
    by_id = dict(Claim.objects.filter(pk__in=[c.pk for c in claims]).values_list("pk", "source"))
    return [by_id[c.pk] for c in claims]


def _claim(article: Article, n: int = 0, **kwargs) -> Claim:
    return Claim(
        article=article,
        start=n * 20,
        end=n * 20 + 12,
        text="more than 80",
        value=80.0,
        qualifier=Claim.Qualifier.LOWER_BOUND,
        sentence="More than 80 people were killed.",
        sentence_start=0,
        sentence_end=32,
        **kwargs,
    )


def test_claim_source_is_set_from_the_article_when_saved():
    article = ArticleFactory()
    claim = _claim(article)
    claim.save()
    assert _sources(claim) == [article.source_id]


def test_claim_source_is_set_from_the_article_by_bulk_create():
    one, other = ArticleFactory(), ArticleFactory(source=None)
    claims = Claim.objects.bulk_create([_claim(one, 0), _claim(one, 1), _claim(other, 0)])
    assert _sources(*claims) == [one.source_id, one.source_id, None]


def test_claim_source_given_wrong_is_corrected_on_insert_and_on_save():
    article = ArticleFactory()
    elsewhere = SourceFactory()
    claim = _claim(article, source=elsewhere)
    claim.save()
    assert _sources(claim) == [article.source_id]
    claim.source = elsewhere
    claim.save()
    assert _sources(claim) == [article.source_id]
    Claim.objects.filter(pk=claim.pk).update(source=elsewhere)
    assert _sources(claim) == [article.source_id]


def test_claim_source_follows_the_claim_to_another_article():
    claim = ClaimFactory()
    other = ArticleFactory()
    Claim.objects.filter(pk=claim.pk).update(article=other)
    assert _sources(claim) == [other.source_id]


def test_claim_source_follows_an_article_saved_with_another_source():
    article = ArticleFactory()
    claims = [ClaimFactory(article=article) for _ in range(2)]
    untouched = ClaimFactory()
    article.source = SourceFactory()
    article.save()
    assert _sources(*claims, untouched) == [article.source_id] * 2 + [untouched.article.source_id]
    article.source = None
    article.save()
    assert _sources(*claims) == [None, None]


@pytest.mark.django_db(transaction=True)
def test_claim_inserted_while_its_article_changes_source_waits_and_takes_the_new_one():
    if connection.vendor != "postgresql":
        message = "concurrent writers are checked on PostgreSQL (SQLite has one writer)"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)
    article = ArticleFactory()
    new_source = SourceFactory()
    inserted = []

    def insert() -> None:
        try:
            claim = _claim(article)
            claim.save()
            inserted.append(claim)
        finally:
            connections.close_all()

    writer = threading.Thread(target=insert)
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(source=new_source)
        writer.start()

        def writer_waits_for_a_lock() -> bool:
            with connection.cursor() as cursor:
                # Within a transaction the activity is read once unless cleared.
                cursor.execute("SELECT pg_stat_clear_snapshot()")
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                    " AND datname = current_database()"
                )
                return cursor.fetchone()[0] > 0 or not writer.is_alive()

        # Either it waits for this transaction (right) or it is done already, having
        # read the source this transaction has not committed yet (wrong, seen below).
        wait_until(writer_waits_for_a_lock, timeout=30, what="the claim's insert")
    writer.join(timeout=30)
    assert inserted
    assert _sources(*inserted) == [new_source.pk]


def test_claim_source_follows_an_article_queryset_update():
    article = ArticleFactory(source=None, url="https://www.example-news.org/2024/idlib")
    claim = ClaimFactory(article=article)
    assert _sources(claim) == [None]
    domain = SourceDomainFactory(domain="example-news.org")
    assert services.articles_remap_source(domain=domain) == 1
    assert _sources(claim) == [domain.source_id]


def test_claim_source_is_cleared_when_the_source_is_deleted():
    article = ArticleFactory()
    claim = ClaimFactory(article=article)
    kept = ClaimFactory()
    article.source.delete()
    article.refresh_from_db()
    assert article.source_id is None
    assert _sources(claim, kept) == [None, kept.article.source_id]


def test_claim_source_follows_an_admin_edit_of_the_article(admin):
    article = ArticleFactory(url="https://outlet.example/a")
    claim = ClaimFactory(article=article)
    chosen = SourceFactory()
    form = {
        name: "" if value is None else value
        for name, value in model_to_dict(article).items()
        if name not in {"story", "story_placed_by", "external_id", "content_hash"}
    }
    form.update(source=chosen.pk, published_at_0="", published_at_1="", _save="Save")
    change = reverse("admin:claims_article_change", args=[article.pk])
    response = client_for(admin).post(change, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.source == chosen
    assert _sources(claim) == [chosen.pk]


def test_claims_written_by_extraction_carry_the_source_in_memory_and_in_the_database():
    article = ArticleFactory(
        body="More than 80 people were killed in Douma, the monitor said.",
        status=Article.Status.QUEUED,
    )
    article = services.article_take_for_extraction(article_id=article.pk)
    found = extraction.extract_claims(article.body)
    assert found
    services.claims_write_for_article(
        article=article, found=found, extractor_version=extraction.EXTRACTOR_VERSION
    )
    claims = list(Claim.objects.filter(article=article))
    assert [c.source_id for c in claims] == [article.source_id] * len(found)


def _listed(**values):
    """The API's claim list query for ``values``, as it is compiled and reused."""
    return claim_rows(claims_filter_values(Claim.objects.reviewed(), values, user=None)).order_by(
        "-reviewed_at", "-id"
    )


def test_source_slug_filter_is_compiled_once_and_reused_with_the_slug_as_a_parameter():
    wanted = ClaimFactory(
        article__source=SourceFactory(slug="sohr"), verdict=Claim.Verdict.VERIFIED
    )
    other = ClaimFactory(article__source=SourceFactory(slug="ocha"), verdict=Claim.Verdict.VERIFIED)
    assert prepared._compile(_listed, {"source": "sohr"}, connection.alias) is not None
    built = []

    def counting(**values):
        built.append(values)
        return _listed(**values)

    key = "test-source-slug"
    assert [r["id"] for r in prepared.prepared_rows(key, counting, source="sohr")] == [wanted.pk]
    assert len(built) == 1  # with stand-ins, once
    assert [r["id"] for r in prepared.prepared_rows(key, counting, source="ocha")] == [other.pk]
    assert prepared.prepared_rows(key, counting, source="nobody") == []
    assert len(built) == 1
