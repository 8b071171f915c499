"""The editors' pages read claims through indexes, never by scanning the whole table.

On PostgreSQL, with enough claims for the planner's choice to mean something and
fresh statistics, every SELECT that the dashboard, the queue (filtered, searched,
mine), a claim page, an article page and a story page run is EXPLAINed; a sequential
scan of claims_claim fails the test. (SQLite
has no such planner to ask; the test is skipped there, and required in CI.)
"""

from __future__ import annotations

import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Article, Claim, Quantity, Source, Story

from .conftest import api_client, client_for, services_required

pytestmark = pytest.mark.django_db

_CLAIMS = re.compile(r"\bclaims_claim\b")
_CLAIMS_SCAN = re.compile(r"Seq Scan on claims_claim\b")
ARTICLES = 400
CLAIMS_PER_ARTICLE = 50
ARTICLES_PER_STORY = 8
MEASURES = ["deaths", "injuries", "displaced"]
_SENTENCE = (
    "officials said the toll rose after strikes on the province while rescuers "
    "reached villages and aid groups warned of displaced families near the border"
)
WORDS = _SENTENCE.split(" ")


@pytest.fixture
def many_claims(editor):
    if connection.vendor != "postgresql":
        message = "query plans are checked on PostgreSQL"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)
    rng = random.Random(11)
    sources = Source.objects.bulk_create(
        Source(name=f"Outlet {i}", slug=f"outlet-{i}") for i in range(10)
    )
    stories = Story.objects.bulk_create(
        Story(title=f"Story {i}", article_count=ARTICLES_PER_STORY)
        for i in range(ARTICLES // ARTICLES_PER_STORY)
    )
    quantities = {
        story.pk: Quantity.objects.bulk_create(
            Quantity(story=story, measure=m, population="people", period="event") for m in MEASURES
        )
        for story in stories
    }
    articles = Article.objects.bulk_create(
        Article(
            title=f"Article {i}",
            body="",
            content_hash=f"{i:064d}",
            source=rng.choice(sources),
            status=Article.Status.EXTRACTED,
            story=stories[i // ARTICLES_PER_STORY],
        )
        for i in range(ARTICLES)
    )
    claims = []
    for article in articles:
        for n in range(CLAIMS_PER_ARTICLE):
            value = float(rng.choice([5, 12, 40, 80, 500, 3000]))
            quantity = rng.choice(quantities[article.story_id])
            claims.append(
                Claim(
                    article=article,
                    quantity=quantity,
                    measure=quantity.measure,
                    population=quantity.population,
                    period=quantity.period,
                    assigned_to=editor if rng.random() < 0.01 else None,
                    start=n * 10,
                    end=n * 10 + 3,
                    text=str(int(value)),
                    value=value,
                    lower=value,
                    upper=value,
                    qualifier="exact",
                    unit=rng.choice(["people", "civilian", "child", "home"]),
                    event=rng.choice(["kill", "flee", "injure", "displace"]),
                    sentence=" ".join(rng.choices(WORDS, k=16)) + f" {int(value)} people.",
                    sentence_start=0,
                    sentence_end=120,
                    checkworthiness=rng.random(),
                    verdict=rng.choice(["unreviewed"] * 3 + ["verified", "false"]),
                    in_conflict=rng.random() < 0.01,
                )
            )
    Claim.objects.bulk_create(claims, batch_size=5000)
    with connection.cursor() as cursor:
        # What autovacuum does after a bulk load: the GIN indexes' pending entries
        # merged (the planner prices an index with a long pending list as a scan of
        # it), and fresh statistics.
        cursor.execute("SELECT gin_clean_pending_list('claim_search_idx')")
        cursor.execute("SELECT gin_clean_pending_list('claim_sentence_trgm_idx')")
        cursor.execute("ANALYZE")
    return Claim.objects.order_by("-checkworthiness").first()


def _scans_of_claims(client, url: str) -> list[str]:
    """The plans of the page's SELECTs on claims_claim that scan the whole table."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    scans = []
    for query in queries.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT") or not _CLAIMS.search(sql):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        if _CLAIMS_SCAN.search(plan):
            scans.append(f"{sql}\n{plan}")
    return scans


def test_editor_pages_read_claims_through_indexes(editor, many_claims):
    # One test for all pages: the claims take longer to write than the pages to check.
    queue = reverse("claims:claim_queue")
    article = many_claims.article
    urls = {
        "search_rare_word": queue + "?q=chlorine",
        "dashboard": reverse("claims:dashboard"),
        "claim": many_claims.get_absolute_url(),
        "conflicts": queue + "?in_conflict=on",
        "queue": queue,
        "queue_filtered": queue + f"?source={article.source_id}&event=killed",
        "queue_newest": queue + "?ordering=-added_at",
        "queue_published": queue + "?ordering=-published_at",
        "my_claims": queue + "?assigned=me",
        "article": article.get_absolute_url(),
        "story": reverse("claims:story_detail", args=[article.story_id]),
    }
    client = client_for(editor)
    scans = {page: _scans_of_claims(client, url) for page, url in urls.items()}
    assert {page: found for page, found in scans.items() if found} == {}


def test_search_for_a_common_word_stops_early_instead_of_reading_every_sentence(
    editor, many_claims
):
    # Where most sentences match, reading the table until enough matches are found is
    # the quick plan: the LIMIT stops it after about a thousand rows, not the table.
    scans = _scans_of_claims(client_for(editor), reverse("claims:claim_queue") + "?q=rescuers")
    assert all("Limit" in plan.split("Seq Scan")[0] for plan in scans)


def _plans_of_claims(client, url: str) -> list[str]:
    """The plans of the SELECTs on claims_claim a request runs, prepared ones included
    (their SQL and parameters are read as they are sent)."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = client.get(url)
    assert response.status_code == 200, url
    plans = []
    for sql, params in statements:
        if sql.lstrip().upper().startswith("SELECT") and _CLAIMS.search(sql):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN " + sql, params)
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


@pytest.mark.parametrize(
    ("reference", "more"), [("slug", ""), ("pk", ""), ("slug", "&value_min=100")]
)
def test_api_list_by_source_reads_an_index_range_in_order(
    api_consumer, many_claims, reference, more
):
    # Reviewed claims have a review date, spread out as a newsroom's would be.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE claims_claim SET reviewed_at = now() - (id % 5000) * interval '1 minute'"
            " WHERE verdict <> 'unreviewed'"
        )
        cursor.execute("ANALYZE claims_claim")
    source = many_claims.article.source
    url = f"/api/v1/claims/?source={getattr(source, reference)}{more}"
    plans = _plans_of_claims(api_client(api_consumer), url)
    assert plans
    # Read in the list's order from one range of (source, reviewed_at, id): neither the
    # whole table nor all the source's claims, sorted.
    for plan in plans:
        assert not _CLAIMS_SCAN.search(plan), plan
        assert "Sort Key: claims_claim." not in plan, plan
        assert "claim_source_reviewed_idx" in plan, plan
