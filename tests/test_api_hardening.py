"""Bad request bodies, what consumers see of articles, and JSON-LD safe to embed."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from claims.models import Article, Claim, Review

from .conftest import api_client
from .factories import ArticleFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _post(client, url: str, body) -> object:
    raw = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, raw, content_type="application/json")


def _assert_api_400(response, code: str = "invalid") -> dict:
    assert response.status_code == 400, response.content[:500]
    error = response.json()["error"]
    assert (error["status"], error["code"]) == (400, code)
    return error


# --- Bodies that used to crash ----------------------------------------------------


@pytest.mark.parametrize("body", ["[" * 100_000, '{"a":' * 100_000, "[" * 5000 + "]" * 5000])
@pytest.mark.parametrize("endpoint", ["reviews", "articles"])
def test_api_deeply_nested_json_is_400(editor, endpoint, body):
    claim = ClaimFactory()
    url = f"{API}/claims/{claim.pk}/reviews/" if endpoint == "reviews" else f"{API}/articles/"
    response = _post(api_client(editor), url, body)
    error = _assert_api_400(response, code="parse_error")
    assert error["message"] == "The JSON is nested too deeply to read."
    assert not Review.objects.exists()
    assert Article.objects.count() == 1


@pytest.mark.parametrize("reference", ["²", "١٢", "9" * 30, "٣"])
def test_api_article_submit_with_an_impossible_source_is_400(editor, reference):
    SourceFactory()
    response = _post(
        api_client(editor),
        f"{API}/articles/",
        {"title": "Floods", "text": "Floods displaced 3,000 people.", "source": reference},
    )
    error = _assert_api_400(response)
    assert "There is no source" in error["details"]["source"][0]
    assert not Article.objects.exists()


@pytest.mark.parametrize("reference", ["²", "9" * 30])
def test_api_review_evidence_with_an_impossible_source_is_400(editor, reference):
    claim = ClaimFactory()
    response = _post(
        api_client(editor),
        f"{API}/claims/{claim.pk}/reviews/",
        {"verdict": "false", "version": 1, "evidence": {"stance": "supports", "source": reference}},
    )
    _assert_api_400(response)
    claim.refresh_from_db()
    assert claim.verdict == "unreviewed"


def test_api_source_by_ascii_id_still_works(editor):
    source = SourceFactory()
    response = _post(
        api_client(editor),
        f"{API}/articles/",
        {"title": "Floods", "text": "Floods displaced 3,000 people.", "source": str(source.pk)},
    )
    assert response.status_code == 202
    assert Article.objects.get().source == source


# --- Consumers see articles only through their reviewed claims -------------------

_PUBLIC_FIELDS = {"id", "title", "url", "source", "published_at"}


@pytest.fixture
def articles():
    reviewed = ArticleFactory(
        title="Shelling in Douma",
        url="https://outlet.example/douma",
        published_at=timezone.now(),
        last_error="",
    )
    ClaimFactory(article=reviewed, verdict=Claim.Verdict.FALSE, reviewed_at=timezone.now())
    ClaimFactory(article=reviewed, sentence="An unreviewed sentence.")
    failed = ArticleFactory(status=Article.Status.FAILED, last_error="Traceback: spaCy exploded")
    unreviewed = ArticleFactory(title="Not reviewed yet")
    ClaimFactory(article=unreviewed)
    return reviewed, failed, unreviewed


def test_api_consumer_article_list_shows_only_articles_with_reviewed_claims(api_consumer, articles):
    reviewed, _, _ = articles
    response = api_client(api_consumer).get(f"{API}/articles/")
    results = response.json()["results"]
    assert [a["id"] for a in results] == [reviewed.pk]
    assert set(results[0]) == _PUBLIC_FIELDS
    assert results[0]["title"] == "Shelling in Douma"
    assert results[0]["source"]["name"] == reviewed.source.name


def test_api_consumer_article_detail_hides_processing_and_unreviewed_articles(
    api_consumer, articles
):
    reviewed, failed, unreviewed = articles
    client = api_client(api_consumer)
    detail = client.get(f"{API}/articles/{reviewed.pk}/").json()
    assert set(detail) == _PUBLIC_FIELDS
    for hidden in (failed, unreviewed):
        response = client.get(f"{API}/articles/{hidden.pk}/")
        assert response.status_code == 404
        assert b"spaCy" not in response.content and b"Not reviewed" not in response.content


def test_api_consumer_article_list_with_status_filter_shows_no_failed_article(
    api_consumer, articles
):
    response = api_client(api_consumer).get(f"{API}/articles/", {"status": "failed"})
    assert response.json()["results"] == []


def test_api_editor_article_list_still_shows_everything(editor, articles):
    response = api_client(editor).get(f"{API}/articles/")
    results = response.json()["results"]
    assert len(results) == 3
    failed = next(a for a in results if a["status"] == "failed")
    assert failed["error"] == "Traceback: spaCy exploded"


def test_api_consumer_article_list_query_count_is_fixed(
    api_consumer, articles, django_assert_num_queries
):
    client = api_client(api_consumer)
    client.get(f"{API}/articles/")
    # token (with the review permission) + one page of articles
    with django_assert_num_queries(2):
        assert client.get(f"{API}/articles/").status_code == 200


# --- ClaimReview JSON-LD is safe inside <script> ---------------------------------

_HOSTILE = "</script><script>alert(1)</script> & <!-- x"


@pytest.mark.parametrize("accept", ["application/ld+json", "application/json"])
def test_api_claimreview_escapes_markup_for_embedding(api_consumer, accept):
    claim = ClaimFactory(
        article=ArticleFactory(title=_HOSTILE),
        sentence=f"More than 80 {_HOSTILE} people.",
        attribution=_HOSTILE,
        verdict=Claim.Verdict.FALSE,
        reviewed_at=timezone.now(),
    )
    response = api_client(api_consumer).get(
        f"{API}/claims/{claim.pk}/claimreview", headers={"Accept": accept}
    )
    assert response.status_code == 200
    raw = response.content
    for character in (b"<", b">", b"&"):
        assert character not in raw
    assert b"\\u003c/script\\u003e" in raw and b"\\u0026" in raw
    document = json.loads(raw)
    assert document["itemReviewed"]["appearance"][0]["headline"] == _HOSTILE
    assert document["claimReviewed"] == claim.sentence


# --- An empty format names none ---------------------------------------------------


@pytest.mark.parametrize("path", ["claims/", "claims/{pk}/claimreview"])
def test_api_empty_format_is_404_like_an_unknown_one(api_consumer, path):
    claim = ClaimFactory(verdict=Claim.Verdict.FALSE, reviewed_at=timezone.now())
    response = api_client(api_consumer).get(f"{API}/{path.format(pk=claim.pk)}?format=")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_api_schema_documents_the_servers_414_without_a_body(api_consumer):
    schema = api_client(api_consumer).get("/api/schema/?format=json").json()
    for path in ("/api/v1/claims/", "/api/v1/articles/"):
        answer = schema["paths"][path]["get"]["responses"]["414"]
        assert "too long" in answer["description"]
        assert "content" not in answer
