"""Sending work to the workers by task name, so that services never import the tasks.

Tasks call services; services queue tasks through here. A dead broker must not lose
anything: a send that fails returns False and the row stays in its waiting state; an
article is also marked unsent and sent again as soon as the broker answers, feeds
wait for their next poll, anything else for the periodic sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from celery import current_app
from django.db import transaction

from claims.services.outage import article_mark_send_failed

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TaskRef:
    """A task of ``claims.tasks`` that takes one id."""

    name: str
    # For the log: what is not queued, and what the id is.
    what: str
    id_name: str
    # The id is an article's: one that cannot be sent is marked, and sent again as
    # soon as the broker answers (claims.services.outage).
    for_article: bool = False


EXTRACT_ARTICLE = TaskRef(
    "claims.tasks.extract_article_claims", "extraction", "article_id", for_article=True
)
FETCH_ARTICLE = TaskRef("claims.tasks.fetch_article", "fetch", "article_id", for_article=True)
POLL_FEED = TaskRef("claims.tasks.poll_feed", "feed poll", "feed_id")


def task_send(task: TaskRef, object_id: int) -> bool:
    """Send the task for one id; False when the broker cannot be reached."""
    try:
        current_app.send_task(task.name, args=[object_id], retry=False)
    except Exception as exc:  # kombu raises several unrelated types for a dead broker
        logger.warning(
            "%s not queued %s=%s error=%s: sent again when the broker answers",
            task.what,
            task.id_name,
            object_id,
            exc,
        )
        if task.for_article:
            article_mark_send_failed(article_id=object_id)
        return False
    return True


def task_send_on_commit(task: TaskRef, object_id: int) -> None:
    """Send the task once the transaction commits, so that a worker always finds the row."""
    transaction.on_commit(lambda: task_send(task, object_id))


def tasks_send_each(task: TaskRef, ids: Iterable[int]) -> list[int]:
    """Send the task for each id in turn, stopping at the first broker failure.

    Every send to a dead broker waits for the connection timeout; stopping at the
    first failure pays it once, not once per id. Returns the ids that were sent; the
    rest stay waiting for the next sweep.
    """
    sent = []
    for object_id in ids:
        if not task_send(task, object_id):
            break
        sent.append(object_id)
    return sent
