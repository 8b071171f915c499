from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings

from claims import extraction, services
from claims.services.outage import articles_resend_unsent

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


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def extract_article_claims(self, article_id: int) -> None:
    try:
        services.claims_extract_for_article(article_id=article_id)
    except services.ExtractionRetry as exc:
        # The attempt cap is counted in the database, not by Celery, so that it
        # survives lost messages and sweeps.
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries)) from exc


@shared_task(acks_late=True)
def sweep_stale_articles() -> dict[str, int]:
    return services.articles_sweep_stale()


@shared_task(acks_late=True)
def resend_unsent_articles() -> dict[str, int]:
    return articles_resend_unsent()


def _backoff(retries: int) -> int:
    return min(
        settings.NEWSFACTS_RETRY_BACKOFF_MAX_SECONDS,
        settings.NEWSFACTS_RETRY_BACKOFF_SECONDS * 2**retries,
    )
