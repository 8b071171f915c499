from __future__ import annotations

from celery import shared_task
from celery.signals import worker_process_init

from claims import extraction, services

# Retries of a failed attempt wait 10 s, 20 s, 40 s ... up to this.
_MAX_BACKOFF_SECONDS = 300


@worker_process_init.connect
def _load_model_at_worker_start(**_kwargs) -> None:
    # Load spaCy once per worker process, before the first task, not inside it.
    extraction.get_nlp()


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def extract_article_claims(self, article_id: int) -> None:
    try:
        services.claims_extract_for_article(article_id=article_id)
    except services.ExtractionRetry as exc:
        # The attempt cap is counted in the database, not by Celery, so that it
        # survives lost messages and sweeps.
        countdown = min(_MAX_BACKOFF_SECONDS, 10 * 2**self.request.retries)
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(acks_late=True)
def sweep_stale_articles() -> dict[str, int]:
    return services.articles_sweep_stale()
