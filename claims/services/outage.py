"""Articles whose task could not be sent because the broker was down.

The submit still succeeds (the article is stored, queued), the article is marked, the
editor is told, and the marked articles are sent again as soon as the broker answers:
the resend task runs every NEWSFACTS_RESEND_EVERY_SECONDS, and each worker runs it
when it (re)connects to the broker.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.utils import timezone

from claims.models import Article

logger = logging.getLogger(__name__)

UNREACHABLE_NOTICE = "Queued; the workers are unreachable, it will be picked up when they are back."
# Several workers reconnecting together send each article once, not once per worker.
_RESEND_LOCK = "workers:resend-lock"
_RESEND_LOCK_SECONDS = 10


def article_mark_send_failed(*, article_id: int) -> None:
    Article.objects.filter(pk=article_id).update(send_failed_at=timezone.now())


def articles_resend_unsent() -> dict[str, int]:
    """Send again the articles whose task could not be sent; stop at the first failure.

    An article sent is unmarked; one still failing keeps its mark for the next run.
    Sending twice is harmless: a worker claims an article in the database before it
    starts, and turns a second message away.
    """
    from claims.services.articles import extraction_enqueue
    from claims.services.ingestion import fetch_enqueue

    if not cache.add(_RESEND_LOCK, 1, timeout=_RESEND_LOCK_SECONDS):
        return {"sent": 0, "unsent": 0, "skipped": 1}
    marked = Article.objects.filter(send_failed_at__isnull=False)
    # Marks left on articles that moved on (extracted by a sweep, deleted, failed).
    marked.exclude(status__in=[Article.Status.QUEUED, Article.Status.FETCHING]).update(
        send_failed_at=None
    )
    waiting = list(marked.order_by("send_failed_at").values_list("pk", "status"))
    sent = 0
    for article_id, status in waiting:
        send = fetch_enqueue if status == Article.Status.FETCHING else extraction_enqueue
        if not send(article_id):
            break
        Article.objects.filter(pk=article_id).update(send_failed_at=None)
        sent += 1
    if waiting:
        logger.info("resent after a broker outage sent=%s unsent=%s", sent, len(waiting) - sent)
    return {"sent": sent, "unsent": len(waiting) - sent, "skipped": 0}
