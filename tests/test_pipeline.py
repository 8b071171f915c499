"""Background extraction: the services on their own, the admin's re-run, and a real worker.

The worker tests run on whichever broker and database the settings name: the embedded
Redis and SQLite by default, Redis and PostgreSQL in CI.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from claims import extraction, services
from claims.extraction import pipeline
from claims.models import Article, Claim, Review
from claims.services.extraction import ExtractionLeaseLost

from .conftest import client_for
from .factories import ArticleFactory, ClaimFactory, EvidenceFactory, ReviewFactory, UserFactory
from .worker import (
    private_queue,
    require_broker,
    require_worker_database,
    running_worker,
    wait_until,
)

TEXT = (
    "More than 80 people were killed in the shelling of Douma on Sunday, the Syrian "
    "Observatory for Human Rights said. About 200 others were wounded, and at least "
    "3,000 families fled the town, according to the United Nations."
)


@pytest.fixture(scope="module", autouse=True)
def _queue():
    with private_queue("pipeline") as name:
        yield name


def _queued(body: str = TEXT, **kwargs) -> Article:
    return ArticleFactory(body=body, status=Article.Status.QUEUED, **kwargs)


def _held(body: str = TEXT) -> Article:
    article = _queued(body)
    return services.article_take_for_extraction(article_id=article.pk)


def _reheld(article: Article) -> Article:
    """The article queued again and taken by a new attempt, as a re-run does."""
    assert services.article_requeue(article_id=article.pk)
    return services.article_take_for_extraction(article_id=article.pk)


def _write(article: Article, found) -> services.extraction.WriteStats:
    return services.claims_write_for_article(
        article=article, found=found, extractor_version=extraction.EXTRACTOR_VERSION
    )


def _age(article: Article, seconds: float) -> None:
    Article.objects.filter(pk=article.pk).update(
        status_changed_at=timezone.now() - timedelta(seconds=seconds)
    )


def _spans(article: Article) -> list[tuple[int, int]]:
    return list(Claim.objects.filter(article=article).values_list("start", "end"))


# --- Claiming an article ----------------------------------------------------------


@pytest.mark.django_db
def test_take_for_extraction_second_take_returns_none():
    article = _queued()
    first = services.article_take_for_extraction(article_id=article.pk)
    second = services.article_take_for_extraction(article_id=article.pk)
    assert first is not None
    assert (first.status, first.attempts) == (Article.Status.EXTRACTING, 1)
    assert second is None


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Article.Status.EXTRACTED, Article.Status.FAILED])
def test_take_for_extraction_leaves_finished_article_alone(status):
    article = ArticleFactory(status=status)
    assert services.article_take_for_extraction(article_id=article.pk) is None


@pytest.mark.django_db
@override_settings(NEWSFACTS_EXTRACTION_LEASE_SECONDS=30)
def test_take_for_extraction_takes_over_after_the_lease():
    article = _held()
    assert services.article_take_for_extraction(article_id=article.pk) is None
    _age(article, 31)
    taken = services.article_take_for_extraction(article_id=article.pk)
    assert taken is not None
    assert taken.attempts == 2


# --- Writing claims ---------------------------------------------------------------


@pytest.fixture(scope="module")
def found():
    """The real extractor's claims for TEXT."""
    claims = extraction.extract_claims(TEXT)
    assert len(claims) >= 3
    return claims


@pytest.mark.django_db
def test_write_creates_claims_and_marks_article_extracted(found):
    article = _held()
    stats = _write(article, found)
    article.refresh_from_db()
    assert stats.created == len(found)
    assert _spans(article) == [(c.start, c.end) for c in found]
    assert article.status == Article.Status.EXTRACTED
    assert article.extractor_version == extraction.EXTRACTOR_VERSION


@pytest.mark.django_db
def test_write_again_updates_unreviewed_claims_in_place(found):
    article = _held()
    _write(article, found)
    claim = Claim.objects.get(article=article, start=found[0].start)
    Claim.objects.filter(pk=claim.pk).update(value=1.0, unit="goats")
    before = set(Claim.objects.filter(article=article).values_list("pk", flat=True))

    stats = _write(_reheld(article), found)

    claim.refresh_from_db()
    assert set(Claim.objects.filter(article=article).values_list("pk", flat=True)) == before
    assert (claim.value, claim.unit) == (found[0].value, found[0].unit or "")
    assert claim.version == 2  # a reviewer holding the old figure must reload
    assert (stats.created, stats.updated, stats.deleted) == (0, 1, 0)


@pytest.mark.django_db
def test_write_adds_new_and_deletes_unreviewed_claims_no_longer_found(found):
    article = _held()
    _write(article, found[:-1])
    stale = ClaimFactory(article=article, start=1000, text="5 goats")

    stats = _write(_reheld(article), found)

    assert not Claim.objects.filter(pk=stale.pk).exists()
    assert _spans(article) == [(c.start, c.end) for c in found]
    assert (stats.created, stats.deleted) == (1, 1)


@pytest.mark.django_db
def test_write_keeps_reviewed_claim_unchanged_when_found_again(found):
    article = _held()
    _write(article, found)
    claim = Claim.objects.get(article=article, start=found[0].start)
    Claim.objects.filter(pk=claim.pk).update(
        verdict=Claim.Verdict.VERIFIED, value=81.0, unit="civilians", version=2
    )

    _write(_reheld(article), found)

    claim.refresh_from_db()
    assert (claim.verdict, claim.value, claim.unit, claim.version) == (
        Claim.Verdict.VERIFIED,
        81.0,
        "civilians",
        2,
    )
    assert claim.found_in_latest


@pytest.mark.django_db
def test_write_keeps_reviewed_claim_no_longer_found_flagged(found):
    article = _held()
    _write(article, found)
    review = ReviewFactory(claim__article=article, claim__start=1000, claim__verdict="verified")

    stats = _write(_reheld(article), found)

    claim = Claim.objects.get(pk=review.claim_id)
    assert claim.verdict == Claim.Verdict.VERIFIED
    assert claim.found_in_latest is False
    assert Review.objects.filter(claim=claim).count() == 1
    assert stats.kept_missing == 1


@pytest.mark.django_db
def test_write_keeps_unreviewed_claim_with_evidence_no_longer_found(found):
    article = _held()
    _write(article, found)
    evidence = EvidenceFactory(claim__article=article, claim__start=1000)

    _write(_reheld(article), found)

    claim = Claim.objects.get(pk=evidence.claim_id)
    assert claim.found_in_latest is False
    assert claim.evidence.count() == 1


@pytest.mark.django_db
def test_write_reviewed_claim_found_again_is_flagged_found(found):
    article = _held()
    _write(article, found)
    Claim.objects.filter(article=article, start=found[0].start).update(
        verdict=Claim.Verdict.FALSE, found_in_latest=False
    )

    _write(_reheld(article), found)

    assert Claim.objects.get(article=article, start=found[0].start).found_in_latest


@pytest.mark.django_db
def test_write_unreviewed_claim_with_evidence_found_again_is_flagged_found(found):
    article = _held()
    _write(article, found)
    claim = Claim.objects.get(article=article, start=found[0].start)
    EvidenceFactory(claim=claim)
    Claim.objects.filter(pk=claim.pk).update(found_in_latest=False)

    _write(_reheld(article), found)

    claim.refresh_from_db()
    assert claim.found_in_latest
    assert claim.evidence.count() == 1


@pytest.mark.django_db
def test_write_by_a_worker_that_was_taken_over_writes_nothing(found):
    article = _held()
    _age(article, 10**6)
    assert services.article_take_for_extraction(article_id=article.pk) is not None
    with pytest.raises(ExtractionLeaseLost):
        _write(article, found)  # the first worker's ticket is attempt 1, now 2
    assert not Claim.objects.filter(article=article).exists()
    assert Article.objects.get(pk=article.pk).status == Article.Status.EXTRACTING


# --- The whole service: progress, log line, failure -------------------------------


@pytest.mark.django_db
def test_extract_for_article_records_progress_of_every_chunk():
    # Just over one chunk's worth: two chunks, each reported.
    body = "\n\n".join([TEXT] * (pipeline.CHUNK_CHARS // len(TEXT) + 1))
    chunks = len(extraction.split_chunks(body))
    assert chunks == 2
    article = _queued(body)
    services.claims_extract_for_article(article_id=article.pk)
    article.refresh_from_db()
    assert (article.progress_done, article.progress_total) == (chunks, chunks)
    assert article.progress_percent == 100


@pytest.mark.django_db
def test_extract_for_article_logs_one_line_with_id_claims_and_seconds(caplog, found):
    article = _queued()
    with caplog.at_level(logging.INFO, logger="claims.services.extraction"):
        services.claims_extract_for_article(article_id=article.pk)
    lines = [r.getMessage() for r in caplog.records if "extraction done" in r.getMessage()]
    assert len(lines) == 1
    assert f"article_id={article.pk} " in lines[0]
    assert f"claims={len(found)} " in lines[0]
    assert "seconds=" in lines[0]


@pytest.fixture
def missing_spacy_model(monkeypatch):
    """Make this process's extractor load a model that is not installed, for real."""
    monkeypatch.setenv("NEWSFACTS_SPACY_MODEL", "xx_no_such_model_sm")
    monkeypatch.setattr(pipeline, "_nlp", None)


@pytest.mark.django_db
@override_settings(NEWSFACTS_MAX_EXTRACTION_ATTEMPTS=2)
def test_extract_for_article_failure_is_retried_then_fails_with_the_error(missing_spacy_model):
    article = _queued()
    with pytest.raises(services.ExtractionRetry):
        services.claims_extract_for_article(article_id=article.pk)
    article.refresh_from_db()
    assert (article.status, article.attempts) == (Article.Status.QUEUED, 1)
    assert article.last_error.startswith("Attempt 1 failed: OSError")

    with pytest.raises(OSError):
        services.claims_extract_for_article(article_id=article.pk)
    article.refresh_from_db()
    assert (article.status, article.attempts) == (Article.Status.FAILED, 2)
    assert article.last_error.startswith("Extraction failed after 2 attempts. Last error: ")
    assert "xx_no_such_model_sm" in article.last_error


# --- Sweep and re-queue -----------------------------------------------------------


@pytest.mark.django_db
def test_sweep_sends_stale_queued_article_and_restarts_its_clock():
    article = _queued()
    _age(article, 3600)
    result = services.articles_sweep_stale(older_than=timedelta(minutes=10))
    article.refresh_from_db()
    assert result == {"failed": 0, "requeued": 0, "sent": 1, "unsent": 0}
    assert article.status == Article.Status.QUEUED
    assert article.status_changed_at > timezone.now() - timedelta(minutes=1)


@pytest.mark.django_db
def test_sweep_leaves_recent_articles_alone():
    _queued()
    _held(TEXT + " Again.")
    result = services.articles_sweep_stale(older_than=timedelta(minutes=10))
    assert result == {"failed": 0, "requeued": 0, "sent": 0, "unsent": 0}


@pytest.mark.django_db
@override_settings(NEWSFACTS_SWEEP_AFTER_SECONDS=60)
def test_sweep_puts_article_extracting_past_the_timeout_back_in_the_queue():
    article = _held()
    _age(article, 61)
    result = services.articles_sweep_stale()
    article.refresh_from_db()
    assert result["requeued"] == 1
    assert result["sent"] == 1
    assert (article.status, article.attempts) == (Article.Status.QUEUED, 1)


@pytest.mark.django_db
@override_settings(NEWSFACTS_MAX_EXTRACTION_ATTEMPTS=2)
def test_sweep_fails_article_whose_attempts_are_used_up():
    article = _held()
    Article.objects.filter(pk=article.pk).update(attempts=2)
    _age(article, 3600)
    result = services.articles_sweep_stale(older_than=timedelta(minutes=10))
    article.refresh_from_db()
    assert result["failed"] == 1
    assert result["sent"] == 0
    assert article.status == Article.Status.FAILED
    assert "did not finish after 2 attempts" in article.last_error


@pytest.mark.django_db
def test_requeue_resets_attempts_and_error_of_failed_article():
    article = ArticleFactory(status=Article.Status.FAILED, attempts=3, last_error="OSError: x")
    assert services.article_requeue(article_id=article.pk) is True
    article.refresh_from_db()
    assert (article.status, article.attempts, article.last_error) == (
        Article.Status.QUEUED,
        0,
        "",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [Article.Status.FETCHING, Article.Status.EXTRACTING, Article.Status.UNSUPPORTED]
)
def test_requeue_leaves_article_alone(status):
    article = ArticleFactory(status=status)
    assert services.article_requeue(article_id=article.pk) is False
    assert Article.objects.get(pk=article.pk).status == status


# --- Admin: re-run extraction -----------------------------------------------------


def _rerun(user, articles):
    return client_for(user).post(
        reverse("admin:claims_article_changelist"),
        {"action": "rerun_extraction", "_selected_action": [a.pk for a in articles]},
        follow=True,
    )


@pytest.mark.django_db
def test_admin_rerun_extraction_queues_selected_articles(admin):
    articles = ArticleFactory.create_batch(2, status=Article.Status.EXTRACTED)
    response = _rerun(admin, articles)
    assert response.status_code == 200
    assert set(Article.objects.values_list("status", flat=True)) == {Article.Status.QUEUED}
    assert [str(m) for m in response.context["messages"]] == ["2 articles queued for extraction."]


@pytest.mark.django_db
def test_admin_rerun_extraction_says_how_many_were_skipped(admin):
    done = ArticleFactory(status=Article.Status.FAILED)
    busy = ArticleFactory(status=Article.Status.EXTRACTING)
    response = _rerun(admin, [done, busy])
    assert Article.objects.get(pk=busy.pk).status == Article.Status.EXTRACTING
    assert [str(m) for m in response.context["messages"]] == [
        "1 article queued for extraction. 1 skipped: being fetched or extracted right now, "
        "or not in English."
    ]


@pytest.mark.django_db
def test_admin_rerun_extraction_refused_to_staff_who_may_only_view():
    staff = UserFactory(username="viewer", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_article"))
    article = ArticleFactory(status=Article.Status.EXTRACTED)
    response = _rerun(staff, [article])
    assert response.status_code == 200
    assert Article.objects.get(pk=article.pk).status == Article.Status.EXTRACTED


# --- A real worker ----------------------------------------------------------------


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    """One worker for the module's end-to-end tests: each start loads spaCy."""
    with django_db_blocker.unblock():
        require_worker_database()
        require_broker()
        with running_worker(name="pipeline") as process:
            yield process


def _submit(text: str) -> Article:
    with transaction.atomic():
        result = services.article_submit(text=text, origin=Article.Origin.PASTE)
    return result.article


def _wait_extracted(article: Article, worker, timeout: float = 120) -> Article:
    def done():
        article.refresh_from_db()
        return article.is_done

    wait_until(done, timeout=timeout, what=f"article {article.pk} to be extracted\n{worker.log}")
    assert article.status == Article.Status.EXTRACTED, article.last_error
    # The task goes on to put the article in its story.
    worker.wait_idle(timeout=timeout)
    return article


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_pipeline_submit_to_claims_through_a_real_worker(worker, found):
    article = _wait_extracted(_submit(TEXT), worker)
    assert _spans(article) == [(c.start, c.end) for c in found]
    assert article.attempts == 1
    assert f"extraction done article_id={article.pk} " in worker.log
    # What wait_idle() reads: the task's receipt and its end.
    assert re.search(r"\] received", worker.log) and re.search(r"\] succeeded in", worker.log)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_pipeline_rerun_keeps_verdicts_and_history(worker, found):
    # A plain user: the Editors group of the migrations does not survive a flush.
    editor = UserFactory(username="reviewer")
    article = _wait_extracted(_submit(TEXT), worker)
    before = dict(Claim.objects.filter(article=article).values_list("start", "pk"))
    judged = Claim.objects.get(article=article, start=found[0].start)
    Review.objects.create(
        claim=judged, reviewer=editor, from_verdict="unreviewed", to_verdict="false"
    )
    Claim.objects.filter(pk=judged.pk).update(verdict="false", reviewed_by=editor, version=2)
    # Figures an older extractor found and this one does not: one judged, one not.
    gone_judged = ClaimFactory(article=article, start=len(TEXT) + 10, verdict="verified")
    gone_unjudged = ClaimFactory(article=article, start=len(TEXT) + 40)

    with transaction.atomic():
        assert services.article_requeue(article_id=article.pk)
    article = _wait_extracted(article, worker)

    judged.refresh_from_db()
    gone_judged.refresh_from_db()
    assert (
        dict(Claim.objects.filter(article=article, found_in_latest=True).values_list("start", "pk"))
        == before
    )
    assert (judged.verdict, judged.version, judged.reviews.count()) == ("false", 2, 1)
    assert (gone_judged.verdict, gone_judged.found_in_latest) == ("verified", False)
    assert not Claim.objects.filter(pk=gone_unjudged.pk).exists()
