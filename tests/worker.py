"""Real Celery workers for the tests: a subprocess on the test database and broker.

The worker gets the same broker and cache as the test process (the test run's own
Redis, or the broker from ``CELERY_BROKER_URL``) and a ``DATABASE_URL`` naming the test
database, so that what a test commits is what the worker reads.
"""

from __future__ import annotations

import glob
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection
from kombu import pools as kombu_pools

from newsfacts.celery import app as celery_app

from .conftest import services_required

READY_MARK = "ready."


def test_database_url() -> str:
    """A DATABASE_URL for the database the tests are using right now."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    if db["ENGINE"].endswith("postgresql"):
        user = db.get("USER") or ""
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        auth = f"{user}{password}@" if user else ""
        host = db.get("HOST") or "127.0.0.1"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{auth}{host}{port}/{db['NAME']}"
    raise RuntimeError(f"no worker support for database engine {db['ENGINE']}")


def worker_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="newsfacts.settings",
        DATABASE_URL=test_database_url(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        NEWSFACTS_CACHE_URL=settings.CACHES["default"]["LOCATION"],
        NEWSFACTS_CELERY_QUEUE=celery_app.conf.task_default_queue,
        DJANGO_DEBUG=env.get("DJANGO_DEBUG", "1"),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@contextmanager
def private_queue(label: str) -> Iterator[str]:
    """Send this process's tasks, and its workers', through a queue of their own.

    Test runs that share a Redis database (other runs, the CI database, messages a
    killed worker left unacknowledged) then never hand each other their articles.
    """
    name = f"newsfacts-test-{os.getpid()}-{label}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = name
    try:
        yield name
    finally:
        celery_app.conf.task_default_queue = previous
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_purge(name)
            _forget_redis_leftovers(conn.default_channel, name)


def _forget_redis_leftovers(channel, queue: str) -> None:
    """Drop what the queue leaves in Redis: its bindings, and unacknowledged messages.

    Killed workers leave their messages unacknowledged; Redis would put them back,
    after the visibility timeout, into a queue that nobody reads any more.
    """
    client = getattr(channel, "client", None)
    if client is None or not hasattr(channel, "unacked_key"):
        return
    for tag, payload in client.hgetall(channel.unacked_key).items():
        _message, _exchange, routing_key = json.loads(payload)
        if routing_key == queue:
            client.hdel(channel.unacked_key, tag)
            client.zrem(channel.unacked_index_key, tag)
    client.delete(channel.keyprefix_queue % queue, channel.keyprefix_binding_permanent % queue)


_TASK_EVENT = re.compile(
    r"\[(?P<id>[0-9a-f-]{36})\] (?P<event>received|succeeded|retry|raised|failed)"
)


class WorkerProcess:
    """One ``celery worker`` subprocess whose log is collected for assertions.

    ``beat=True`` also runs the periodic sweep in it, as ``make run`` does.
    """

    def __init__(
        self, *, concurrency: int = 1, name: str = "w1", beat: bool = False, **env: str
    ) -> None:
        self.name = name
        self.lines: list[str] = []
        self._ready = threading.Event()
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "newsfacts",
            "worker",
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            f"--hostname={name}-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        self._schedule = os.path.join(tempfile.gettempdir(), f"newsfacts-beat-{os.getpid()}-{name}")
        if beat:
            command += ["--beat", f"--schedule={self._schedule}"]
        self.proc = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=worker_env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            if READY_MARK in line:
                self._ready.set()

    def wait_ready(self, timeout: float = 120) -> None:
        if not self._ready.wait(timeout):
            self.stop()
            raise RuntimeError("Celery worker did not start:\n" + self.log)

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def wait_idle(self, timeout: float = 120) -> None:
        """Wait until every task the worker received has ended (succeeded, failed or
        was retried). A test whose outcome shows before its task ends (an article is
        extracted, then put in its story) must not clear the database under it."""

        def idle() -> bool:
            received, ended = set(), set()
            for line in list(self.lines):
                if (found := _TASK_EVENT.search(line)) is not None:
                    (received if found["event"] == "received" else ended).add(found["id"])
            return received <= ended

        wait_until(idle, timeout=timeout, what=f"worker {self.name} to finish its tasks")

    def kill(self) -> None:
        """SIGKILL the whole process group: the main process and its pool children."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self, timeout: float = 30) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        for path in glob.glob(glob.escape(self._schedule) + "*"):
            os.remove(path)


@contextmanager
def running_worker(**kwargs) -> Iterator[WorkerProcess]:
    worker = WorkerProcess(**kwargs)
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()


def wait_until(predicate, *, timeout: float = 120, interval: float = 0.2, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")


def require_worker_database() -> None:
    """Skip (or, in CI, fail) where a worker cannot share the test database."""
    engine = connection.settings_dict["ENGINE"]
    if not (engine.endswith("sqlite3") or engine.endswith("postgresql")):
        message = f"a worker subprocess cannot share a {engine} test database"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)


def require_broker() -> None:
    """Skip (or, in CI, fail) where the configured broker does not answer."""
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=5)
    except Exception as exc:
        message = f"the Celery broker {settings.CELERY_BROKER_URL} does not answer: {exc}"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)


def _drop_connection_pools() -> None:
    # Celery keeps the connections it publishes with: a new broker URL is only used
    # by new ones.
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str, **options):
    """Send this process's tasks to ``url`` (a broker down or hung) for a while."""
    previous_url = celery_app.conf.broker_url
    previous_options = celery_app.conf.broker_transport_options
    previous_env = os.environ.get("CELERY_BROKER_URL")
    _drop_connection_pools()
    # Celery reads CELERY_BROKER_URL from the environment before its own setting.
    os.environ["CELERY_BROKER_URL"] = url
    celery_app.conf.broker_url = url
    celery_app.conf.broker_transport_options = {**previous_options, **options}
    try:
        yield
    finally:
        _drop_connection_pools()
        if previous_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = previous_env
        celery_app.conf.broker_url = previous_url
        celery_app.conf.broker_transport_options = previous_options


def closed_port_url() -> str:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        return f"redis://127.0.0.1:{closed.getsockname()[1]}/0"
