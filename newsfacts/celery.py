from __future__ import annotations

import logging
import os
import socket
import threading

from celery import Celery, bootsteps
from celery.signals import worker_ready, worker_shutting_down

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsfacts.settings")

app = Celery("newsfacts")
# Every Celery setting lives in settings.py under the CELERY_ prefix.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _resend_unsent() -> None:
    from django.db import connection

    from claims.services.outage import articles_resend_unsent

    try:
        articles_resend_unsent()
    except Exception:
        logging.getLogger(__name__).exception("articles not sent again on connect")
    finally:
        connection.close()


class ResendUnsentOnConnect(bootsteps.StartStopStep):
    """Each time the worker (re)connects to the broker, send the articles whose task
    could not be sent while it was down: recovery does not wait for beat's next run."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def start(self, consumer) -> None:
        # A thread, so that the worker starts taking tasks meanwhile.
        threading.Thread(target=_resend_unsent, name="newsfacts-resend", daemon=True).start()


app.steps["consumer"].add(ResendUnsentOnConnect)


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
