"""Soak test of the embedded default: `make run`'s processes for N minutes under load.

    python bench/soak.py [--minutes 10] [--sweep-every 5] [--submit-every 1]

Starts exactly what `make run` starts (python -m newsfacts.run: the embedded Redis, a
worker with beat, the web app) in a fresh var/ folder, with beat sending the sweep
every few seconds, and submits an article every second through the same service the
web app calls. At the end it waits for the queue to drain, stops everything as
Ctrl-C does, and prints:

- worker restarts: the worker process starting again, or a pool process lost (0);
- articles not extracted: submitted but not ``extracted`` after the drain (0);
- sweeps run, the web app's health answers, and whether any process or the socket
  was left behind.

Set DJANGO_DEBUG=1 as for ``make run``. Texts come from the shared corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "fakes_sample.jsonl"
DRAIN_SECONDS = 600
# A worker process starting or dying, as celery logs it.
RESTART_PATTERNS = {
    "worker ready": re.compile(r"celery@\S+ ready\."),
    "unrecoverable error": re.compile(r"Unrecoverable error"),
    "pool process lost": re.compile(r"WorkerLostError|Process '.*' pid:\d+ exited|exited with"),
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _texts(corpus: Path, run: str):
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line]
    i = 0
    while True:
        # Letters, not digits: the tag makes each text new without adding a claim.
        tag = "".join(chr(ord("a") + int(c, 16)) for c in f"{run}{i:06x}")
        yield f"{rows[i % len(rows)]['text']}\n\nSoak copy {tag}."
        i += 1


def _health(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def _stop(supervisor: subprocess.Popen) -> None:
    """Ctrl-C, as a person at the terminal would: to the whole process group."""
    if supervisor.poll() is None:
        os.killpg(supervisor.pid, signal.SIGINT)
    try:
        supervisor.wait(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(supervisor.pid, signal.SIGKILL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--sweep-every", type=int, default=5, help="seconds between sweeps")
    parser.add_argument("--submit-every", type=float, default=1.0, help="seconds")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="newsfacts-soak-"))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "DATABASE_URL"}}
    env.update(
        DJANGO_DEBUG=env.get("DJANGO_DEBUG", "1"),
        DJANGO_SETTINGS_MODULE="newsfacts.settings",
        NEWSFACTS_VAR_DIR=str(var_dir),
        NEWSFACTS_SWEEP_EVERY_SECONDS=str(args.sweep_every),
        NEWSFACTS_CACHE_URL="",
        PYTHONUNBUFFERED="1",
    )
    os.environ.update(env)
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.pop("DATABASE_URL", None)
    log_path = var_dir / "run.log"
    print(
        f"soak: {args.minutes:g} min, sweep every {args.sweep_every} s, an article every "
        f"{args.submit_every:g} s; var {var_dir}, log {log_path}",
        flush=True,
    )
    log = log_path.open("w")
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "newsfacts.run", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while _health(port) != 200:
            if supervisor.poll() is not None or time.monotonic() > deadline:
                print(log_path.read_text()[-3000:])
                raise SystemExit("make run's processes did not start.")
            time.sleep(1)

        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.db import transaction

        from claims import services
        from claims.models import Article

        texts = _texts(args.corpus, uuid.uuid4().hex[:6])
        ids: list[int] = []
        health_failures = 0
        started = time.monotonic()
        end = started + args.minutes * 60
        next_submit = started
        while time.monotonic() < end and supervisor.poll() is None:
            with transaction.atomic():
                ids.append(services.article_submit(text=next(texts), origin="api").article.pk)
            if _health(port) != 200:
                health_failures += 1
            next_submit += args.submit_every
            time.sleep(max(0.0, next_submit - time.monotonic()))
        submitted_for = time.monotonic() - started

        drain_deadline = time.monotonic() + DRAIN_SECONDS
        while supervisor.poll() is None and time.monotonic() < drain_deadline:
            pending = Article.objects.filter(pk__in=ids).exclude(status=Article.Status.EXTRACTED)
            if not pending.exists():
                break
            time.sleep(2)
        drained_after = time.monotonic() - started - submitted_for
        statuses: dict[str, int] = {}
        for status in Article.objects.filter(pk__in=ids).values_list("status", flat=True):
            statuses[status] = statuses.get(status, 0) + 1
        still_running = supervisor.poll() is None

    finally:
        _stop(supervisor)
    log.close()
    text = log_path.read_text()
    counts = {name: len(pattern.findall(text)) for name, pattern in RESTART_PATTERNS.items()}
    restarts = max(0, counts["worker ready"] - 1) + counts["unrecoverable error"]
    restarts += counts["pool process lost"]
    sweeps = len(re.findall(r"sweep_stale_articles\[[^\]]+\] succeeded", text))
    leftovers = subprocess.run(
        ["pgrep", "-f", str(var_dir)], capture_output=True, text=True
    ).stdout.split()
    not_extracted = len(ids) - statuses.get(Article.Status.EXTRACTED, 0)

    print(f"submitted: {len(ids)} articles in {submitted_for:.0f} s")
    print(f"statuses: {statuses}; queue drained {drained_after:.0f} s after the last submit")
    print(f"sweeps run: {sweeps}")
    print(f"health answers other than 200: {health_failures}")
    print(f"processes still up at the end: {'yes' if still_running else 'NO'}")
    print(f"worker restarts: {restarts} ({counts})")
    print(f"articles not extracted: {not_extracted}")
    print(
        f"left behind after Ctrl-C: {len(leftovers)} processes, socket "
        f"{'present' if (var_dir / 'redis.sock').exists() else 'removed'}"
    )
    return 0 if restarts == 0 and not_extracted == 0 and still_running else 1


if __name__ == "__main__":
    sys.exit(main())
