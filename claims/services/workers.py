"""Whether a worker is running: each worker renews a key in the shared cache.

The cache is the broker's Redis by default, so that the web processes see the
heartbeat of workers running anywhere. A worker that cannot reach Redis is as good
as none to the web app: it cannot receive articles either.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "workers:heartbeat"


@dataclass(frozen=True)
class WorkersSeen:
    hostname: str | None
    seconds_ago: float | None

    @property
    def last_seen(self) -> datetime | None:
        if self.seconds_ago is None:
            return None
        return timezone.now() - timedelta(seconds=self.seconds_ago)

    @property
    def running(self) -> bool:
        return (
            self.seconds_ago is not None
            and self.seconds_ago <= settings.NEWSFACTS_WORKER_SILENT_SECONDS
        )


def worker_heartbeat_send(*, hostname: str) -> None:
    """Record that the worker ``hostname`` is alive now."""
    # Kept well past the silence limit, so that the page can say how long it has been.
    cache.set(HEARTBEAT_KEY, {"hostname": hostname, "at": time.time()}, timeout=24 * 3600)


def workers_seen() -> WorkersSeen:
    """The last heartbeat any worker sent, and how long ago."""
    beat = cache.get(HEARTBEAT_KEY)
    if not isinstance(beat, dict) or "at" not in beat:
        return WorkersSeen(hostname=None, seconds_ago=None)
    seconds_ago = max(0.0, time.time() - beat["at"])
    return WorkersSeen(hostname=beat.get("hostname"), seconds_ago=seconds_ago)


def worker_heartbeat_loop(*, hostname: str, stop: threading.Event) -> None:
    """Send a heartbeat now and then every NEWSFACTS_WORKER_HEARTBEAT_SECONDS until ``stop``."""
    while not stop.is_set():
        try:
            worker_heartbeat_send(hostname=hostname)
        except Exception:
            # The next beat tries again; a worker never stops for its heartbeat.
            logger.exception("worker heartbeat could not be sent")
        stop.wait(settings.NEWSFACTS_WORKER_HEARTBEAT_SECONDS)
