"""Tasks that bring articles in from the web: fetching pages and polling feeds."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from claims.services import ingestion

# Retries of a failed fetch wait base, 2 x base, 4 x base ... up to this.
_MAX_BACKOFF_SECONDS = 300


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def fetch_article(self, article_id: int) -> None:
    try:
        ingestion.article_fetch(article_id=article_id)
    except ingestion.FetchRetry as exc:
        # The attempt cap is counted in the database, not by Celery, so that it
        # survives lost messages and sweeps.
        countdown = min(
            _MAX_BACKOFF_SECONDS, settings.NEWSFACTS_FETCH_RETRY_SECONDS * 2**self.request.retries
        )
        raise self.retry(exc=exc, countdown=countdown) from exc


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
