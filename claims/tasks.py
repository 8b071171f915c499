"""Celery tasks: each takes ids and calls one service.

Services never import this module; they queue these tasks by name through
``claims.services.dispatch``.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings

from claims import extraction
from claims.services import extraction as extraction_services
from claims.services import ingestion, outage, tallies

logger = logging.getLogger(__name__)


@worker_process_init.connect
def _load_model_at_worker_start(**_kwargs) -> None:
    # Load spaCy once per worker process, before the first task, not inside it.
    try:
        extraction.get_nlp()
    except Exception:
        # The worker still starts: each extraction then fails with this same error,
        # and its article ends failed with it, instead of the pool restarting forever.
        logger.exception("spaCy model could not be loaded; extractions will fail")


def retry_countdown(retries: int, *, base: int) -> int:
    """Seconds before the next attempt: base, 2 x base, 4 x base ..., capped.

    The cap stays under the broker's visibility timeout: a retry waits in the worker
    unacknowledged, and a message held longer would be handed to another worker.
    """
    return min(settings.NEWSFACTS_RETRY_BACKOFF_MAX_SECONDS, base * 2**retries)


def _retrying(task, service, retry_on: type[Exception], *, base: int, **ids: int) -> None:
    """Run the service; retry the task with a growing wait when it says to.

    Attempts are capped by the service, in the database, not by Celery, so that the
    count survives lost messages and sweeps.
    """
    try:
        service(**ids)
    except retry_on as exc:
        countdown = retry_countdown(task.request.retries, base=base)
        raise task.retry(exc=exc, countdown=countdown) from exc


# --- Extraction -------------------------------------------------------------------


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def extract_article_claims(self, article_id: int) -> None:
    _retrying(
        self,
        extraction_services.claims_extract_for_article,
        extraction_services.ExtractionRetry,
        base=settings.NEWSFACTS_RETRY_BACKOFF_SECONDS,
        article_id=article_id,
    )


@shared_task(acks_late=True)
def sweep_stale_articles() -> dict[str, int]:
    return extraction_services.articles_sweep_stale()


@shared_task(acks_late=True)
def resend_unsent_articles() -> dict[str, int]:
    return outage.articles_resend_unsent()


@shared_task(acks_late=True)
def recount_dashboard() -> None:
    tallies.tallies_recount()


# --- Fetching pages and polling feeds ---------------------------------------------


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def fetch_article(self, article_id: int) -> None:
    _retrying(
        self,
        ingestion.article_fetch,
        ingestion.FetchRetry,
        base=settings.NEWSFACTS_FETCH_RETRY_SECONDS,
        article_id=article_id,
    )


@shared_task(acks_late=True)
def poll_feeds() -> int:
    return ingestion.feeds_poll_enqueue()


@shared_task(acks_late=True)
def poll_new_feeds() -> int:
    return ingestion.feeds_poll_enqueue_new()


@shared_task(acks_late=True)
def poll_feed(feed_id: int) -> None:
    ingestion.feed_poll(feed_id=feed_id)


@shared_task(acks_late=True)
def sweep_stale_fetches() -> dict[str, int]:
    return ingestion.articles_fetch_sweep_stale()
