"""What the health endpoint reports: the database, the broker and the workers, each checked."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connections

from claims.services.workers import workers_seen


def _timed(check, *, detail: bool) -> dict:
    started = time.monotonic()
    try:
        check()
    except Exception as exc:  # each backend raises its own types; all mean "down"
        seconds = round(time.monotonic() - started, 3)
        # Host names and addresses in the error are for staff, not for anyone.
        error = f"{type(exc).__name__}: {exc}".strip()[:300] if detail else "does not answer"
        return {"ok": False, "error": error, "seconds": seconds}
    return {"ok": True, "seconds": round(time.monotonic() - started, 3)}


def _database() -> None:
    # A connection of its own, opened for this check and closed after it: the
    # request's connection may be a healthy-looking one left from before an outage,
    # and a new one is bounded by the connect timeout when the server hangs.
    probe = connections["default"].copy()
    try:
        with probe.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        probe.close()


def _broker() -> None:
    from newsfacts.celery import app

    # Connecting follows the broker's transport options (no retry, the connect and
    # socket timeouts); a connection alone proves little, as a hung server accepts
    # and never answers, hence the PING.
    with app.connection_for_write() as conn:
        conn.default_channel.client.ping()


def health_report(*, detail: bool = False) -> tuple[bool, dict]:
    """(healthy, report). Healthy means the database and the broker answer; ``detail``
    adds each failure's error text.

    A missing worker is reported but does not make the app unhealthy: the web app
    still takes articles, which wait as queued, and restarting the web processes (what
    a load balancer does with an unhealthy one) would not bring a worker back.
    """
    database = _timed(_database, detail=detail)
    broker = _timed(_broker, detail=detail)
    seen = workers_seen()
    workers = {
        "ok": seen.running,
        "status": "running" if seen.running else "none seen",
        "last_seen_seconds_ago": None if seen.seconds_ago is None else round(seen.seconds_ago),
        "silent_after_seconds": settings.NEWSFACTS_WORKER_SILENT_SECONDS,
    }
    healthy = database["ok"] and broker["ok"]
    parts = {"database": database, "broker": broker}
    failing = [name for name, part in parts.items() if not part["ok"]]
    report = {
        "status": "ok" if healthy else "failing",
        "failing": failing,
        "database": database,
        "broker": broker,
        "workers": workers,
    }
    return healthy, report
