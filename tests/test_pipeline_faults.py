"""Faults in background extraction, with real workers: each article ends with one set
of claims however the workers and the broker fail.

The tests run on whichever broker and database the settings name (the embedded
Redis and SQLite by default; Redis and PostgreSQL in CI).
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from claims import extraction, services
from claims.models import Article, Claim

from .factories import ArticleFactory
from .worker import (
    WorkerProcess,
    private_queue,
    require_broker,
    require_worker_database,
    running_worker,
    wait_until,
    worker_env,
)

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

TEXT = (
    "At least 42 people were killed when an air strike hit a market in Idlib, the "
    "civil defence said. Nearly 100 were wounded, and about 2,000 people left the "
    "town within a day, the United Nations said."
)
# Long enough for an extraction to take a few seconds: several chunks.
LONG_TEXT = "\n\n".join(f"Report {i}. {TEXT}" for i in range(120))
CLOSED_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture(scope="module", autouse=True)
def _queue():
    with private_queue("faults") as name:
        yield name


@pytest.fixture(autouse=True)
def _services():
    require_worker_database()
    require_broker()


def _submit(text: str) -> Article:
    with transaction.atomic():
        return services.article_submit(text=text, origin=Article.Origin.PASTE).article


def _run_with_broker_down(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh process whose broker does not answer."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=worker_env(CELERY_BROKER_URL=CLOSED_BROKER),
        capture_output=True,
        text=True,
        timeout=120,  # a send gives up on the broker within seconds, never hangs
    )


def _reload(article: Article) -> Article:
    article.refresh_from_db()
    return article


def _wait_done(article: Article, *workers: WorkerProcess, timeout: float = 180) -> Article:
    logs = "\n".join(w.log for w in workers)
    wait_until(
        lambda: _reload(article).is_done,
        timeout=timeout,
        what=f"article {article.pk} to be done\n{logs}",
    )
    return article


@functools.cache
def _expected_spans(text: str) -> list[tuple[int, int]]:
    return [(c.start, c.end) for c in extraction.extract_claims(text)]


def _assert_one_set_of_claims(article: Article, text: str) -> None:
    spans = list(Claim.objects.filter(article=article).values_list("start", "end"))
    assert spans == _expected_spans(text)


def _done_lines(article: Article, *workers: WorkerProcess) -> list[str]:
    mark = f"extraction done article_id={article.pk} "
    return [line for w in workers for line in w.lines if mark in line]


def test_worker_killed_mid_extraction_article_recovered_by_sweep_once():
    victim = WorkerProcess(name="victim")
    try:
        victim.wait_ready()
        article = _submit(LONG_TEXT)
        # Killed between two chunks of the parse: after the first, well before the last
        # (a fixed wait let a fast machine finish the article first).
        wait_until(
            lambda: (
                _reload(article).status == Article.Status.EXTRACTING
                and 0 < article.progress_done < article.progress_total
            ),
            interval=0.02,
            what=f"extraction to be under way\n{victim.log}",
        )
        victim.kill()
    finally:
        victim.stop()
    article = _reload(article)
    assert (article.status, article.attempts) == (Article.Status.EXTRACTING, 1)
    assert not Claim.objects.filter(article=article).exists()

    with running_worker(name="rescuer") as rescuer:
        # The killed worker's message is invisible for the
        # visibility timeout (Redis): only the sweep brings the article back now.
        result = services.articles_sweep_stale(older_than=timedelta(0))
        assert (result["requeued"], result["sent"]) == (1, 1)
        _wait_done(article, rescuer)

    assert (article.status, article.attempts) == (Article.Status.EXTRACTED, 2)
    _assert_one_set_of_claims(article, LONG_TEXT)
    assert len(_done_lines(article, rescuer)) == 1


def test_broker_down_at_submit_article_kept_queued_then_sent_when_a_worker_connects():
    # A web process whose broker does not answer submits an article.
    code = (
        "import json, time, django; django.setup()\n"
        "from django.db import transaction\n"
        "from claims import services\n"
        "started = time.monotonic()\n"
        "with transaction.atomic():\n"
        f"    result = services.article_submit(text={TEXT!r}, origin='paste')\n"
        "print(json.dumps({'id': result.article.pk, 'seconds': time.monotonic() - started}))\n"
    )
    submit = _run_with_broker_down(code)
    assert submit.returncode == 0, submit.stderr
    assert "extraction not queued" in submit.stderr
    article = Article.objects.get(pk=json.loads(submit.stdout.splitlines()[-1])["id"])
    assert (article.status, article.attempts) == (Article.Status.QUEUED, 0)
    assert article.send_failed_at is not None

    # The broker is back: the worker sends the marked article as soon as it connects,
    # long before the sweep's wait for lost tasks (12 minutes by default) is over.
    with running_worker(name="reconnect") as worker:
        _wait_done(article, worker)
        assert "resent after a broker outage sent=1 unsent=0" in worker.log

    assert (article.status, article.attempts) == (Article.Status.EXTRACTED, 1)
    assert article.send_failed_at is None
    _assert_one_set_of_claims(article, TEXT)


@pytest.mark.parametrize(
    ("sweep", "status", "what"),
    [
        ("extraction.articles_sweep_stale", Article.Status.QUEUED, "extraction"),
        ("ingestion.articles_fetch_sweep_stale", Article.Status.FETCHING, "fetch"),
    ],
)
def test_sweep_with_broker_down_stops_at_first_failure_and_leaves_the_rest(sweep, status, what):
    articles = [
        ArticleFactory(status=status, url=f"https://news.example/unsent-{i}") for i in (1, 2)
    ]
    Article.objects.update(status_changed_at=timezone.now() - timedelta(hours=1))
    stale_before = {a.pk: _reload(a).status_changed_at for a in articles}
    code = (
        "import json, django; django.setup()\n"
        "from datetime import timedelta\n"
        "from claims.services import extraction, ingestion\n"
        f"print(json.dumps({sweep}(older_than=timedelta(0))))\n"
    )
    result = _run_with_broker_down(code)
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout.splitlines()[-1])
    assert (counts["sent"], counts["unsent"]) == (0, 2)
    # One refused send, not one per article: each costs the broker's timeout.
    assert result.stderr.count(f"{what} not queued") == 1
    for article in articles:
        assert _reload(article).status_changed_at == stale_before[article.pk]


def test_two_workers_given_the_same_article_write_one_set_of_claims():
    first, second = WorkerProcess(name="first"), WorkerProcess(name="second")
    try:
        first.wait_ready()
        second.wait_ready()
        article = _submit(LONG_TEXT)
        for _ in range(3):  # duplicates, as a redelivery or an eager sweep would send
            services.extraction_enqueue(article.pk)
        _wait_done(article, first, second)
        skipped = f"extraction skipped article_id={article.pk}:"
        wait_until(
            lambda: sum(skipped in line for w in (first, second) for line in w.lines) == 3,
            what="the three duplicates to be turned away",
        )
    finally:
        first.stop()
        second.stop()
    assert (article.status, article.attempts) == (Article.Status.EXTRACTED, 1)
    _assert_one_set_of_claims(article, LONG_TEXT)
    assert len(_done_lines(article, first, second)) == 1


def test_two_threads_extracting_one_article_write_one_set_of_claims():
    article = _submit(TEXT + " Raced.")
    results: list[object] = []

    def extract():
        try:
            results.append(services.claims_extract_for_article(article_id=article.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=extract) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(r is None for r in results) == [False, True]
    assert (_reload(article).status, article.attempts) == (Article.Status.EXTRACTED, 1)
    _assert_one_set_of_claims(article, TEXT + " Raced.")


def test_extractor_that_raises_ends_failed_with_the_error_after_the_attempt_cap():
    cap = settings.NEWSFACTS_MAX_EXTRACTION_ATTEMPTS
    with running_worker(
        name="broken",
        # A model that is not installed: spaCy raises on every extraction.
        NEWSFACTS_SPACY_MODEL="xx_no_such_model_sm",
        NEWSFACTS_RETRY_BACKOFF_SECONDS="1",
    ) as worker:
        article = _submit(TEXT + " Broken.")
        _wait_done(article, worker, timeout=120)

    assert (article.status, article.attempts) == (Article.Status.FAILED, cap)
    assert article.last_error.startswith(f"Extraction failed after {cap} attempts. Last error: ")
    assert "xx_no_such_model_sm" in article.last_error
    assert not Claim.objects.filter(article=article).exists()
    assert worker.log.count("Retry in ") == cap - 1
