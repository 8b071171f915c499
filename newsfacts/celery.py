from __future__ import annotations

import os
import socket
import threading

from celery import Celery
from celery.signals import worker_ready, worker_shutting_down

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsfacts.settings")

app = Celery("newsfacts")
# Every Celery setting lives in settings.py under the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


_heartbeat_stop = threading.Event()


@worker_ready.connect
def _start_heartbeat(sender=None, **_kwargs) -> None:
    # A thread in the worker's main process, so that the web app sees the worker even
    # while every pool process is busy with a long article.
    from claims.services.workers import worker_heartbeat_loop

    hostname = getattr(sender, "hostname", None) or socket.gethostname()
    threading.Thread(
        target=worker_heartbeat_loop,
        kwargs={"hostname": hostname, "stop": _heartbeat_stop},
        name="newsfacts-heartbeat",
        daemon=True,
    ).start()


@worker_shutting_down.connect
def _stop_heartbeat(**_kwargs) -> None:
    _heartbeat_stop.set()
