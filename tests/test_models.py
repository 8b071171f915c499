from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from claims.models import Article, Claim, Review, Source, content_hash_for

from .factories import (
    ArticleFactory,
    ClaimFactory,
    ReviewFactory,
    SourceDomainFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def test_article_duplicate_content_hash_refused():
    article = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(body=article.body + " ", content_hash=article.content_hash)


def test_article_duplicate_url_refused():
    ArticleFactory(url="https://example.org/story")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(url="https://example.org/story")


def test_article_many_without_url_allowed():
    ArticleFactory(url=None)
    ArticleFactory(url=None)
    assert Article.objects.filter(url__isnull=True).count() == 2


def test_content_hash_ignores_whitespace_and_line_endings():
    assert content_hash_for("Ten people\r\nwere hurt. ") == content_hash_for(
        "Ten  people\nwere hurt."
    )
    assert content_hash_for("Ten people") != content_hash_for("Eleven people")


def test_claim_duplicate_span_refused():
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(article=claim.article, start=claim.start, end=claim.end)


def test_claim_same_span_in_other_article_allowed():
    claim = ClaimFactory()
    ClaimFactory(start=claim.start, end=claim.end)
    assert Claim.objects.count() == 2


def test_claim_span_must_not_be_empty():
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(start=10, end=10)


def test_claim_checkworthiness_outside_0_1_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(checkworthiness=1.5)


def test_review_is_append_only():
    review = ReviewFactory()
    review.note = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        review.save()
    assert Review.objects.get(pk=review.pk).note != "rewritten"


def test_source_for_url_matches_domain_and_subdomain():
    domain = SourceDomainFactory(domain="example-news.org")
    assert Source.objects.for_url("https://www.example-news.org/a/b?x=1") == domain.source
    assert Source.objects.for_url("https://live.example-news.org/story") == domain.source
    assert Source.objects.for_url("https://notexample-news.org/story") is None


def test_source_for_url_prefers_most_specific_domain():
    SourceDomainFactory(domain="bbc.co.uk")
    news = SourceDomainFactory(domain="news.bbc.co.uk")
    assert Source.objects.for_url("https://news.bbc.co.uk/1") == news.source


def test_source_with_article_counts():
    source = SourceFactory()
    ArticleFactory.create_batch(3, source=source)
    assert Source.objects.with_article_counts().get(pk=source.pk).article_count == 3


@pytest.mark.parametrize(
    ("qualifier", "value", "lower", "upper", "bounds"),
    [
        ("exact", 80, 80, 80, (80, 80)),
        ("approximate", 100, None, None, (90, 110)),
        # Negative figures keep low below high: "about -12" is -13.2..-10.8.
        ("approximate", -12, None, None, (-13.2, -10.8)),
        ("approximate", None, 5, 9, (5, 9)),
        ("lower_bound", 80, 80, None, (80, None)),
        ("upper_bound", 10, None, 10, (None, 10)),
        ("range", None, 50, 60, (50, 60)),
        ("vague", None, 2000, 9999, (2000, 9999)),
    ],
)
def test_claim_bounds_follow_qualifier_in_python_and_sql(qualifier, value, lower, upper, bounds):
    claim = ClaimFactory(qualifier=qualifier, value=value, lower=lower, upper=upper)
    annotated = Claim.objects.with_bounds().get(pk=claim.pk)
    assert claim.bounds == pytest.approx(bounds)
    assert (annotated.bound_low, annotated.bound_high) == pytest.approx(bounds)


def test_editors_group_has_review_permissions(editor):
    assert editor.has_perm("claims.review_claim")
    assert editor.has_perm("claims.add_article")
    assert not editor.has_perm("claims.change_source")
    assert not editor.is_staff
