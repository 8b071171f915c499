"""End-to-end extraction throughput: submit N articles, let W Celery workers extract them.

    python bench/pipeline_throughput.py N [--workers W] [--corpus PATH]

Runs on whatever the environment configures: the embedded SQLite database and
embedded Redis by default (started here when `make run` is not running),
PostgreSQL and Redis with DATABASE_URL and CELERY_BROKER_URL. It migrates the
configured database, submits the first N articles of the corpus (each in its own
transaction, as the web app does), starts W worker processes on a queue of its own,
waits until every article is extracted,
and prints articles/s and claims/s from the first submit to the last extraction.
It then runs the extractor directly, in this one process, on the same texts: the
ratio of the two is what the queue, the database and the workers cost (or gain,
with more than one worker). Everything it submitted is deleted at the end.

Set DJANGO_DEBUG=1 as for ``make run``, or the production variables.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "fakes_sample.jsonl"
READY_MARK = "ready."
# No article finishing for this long means the workers are stuck, not slow.
STALL_SECONDS = 300


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of articles to submit")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="JSON lines file")
    args = parser.parse_args()

    run = uuid.uuid4().hex[:8]
    # A queue of its own, so that a running app's workers do not take these articles.
    os.environ["NEWSFACTS_CELERY_QUEUE"] = f"newsfacts-bench-{run}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsfacts.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    texts = _texts(args.corpus, args.n, run)
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"{args.n} articles from {args.corpus.name}, {args.workers} worker processes, "
        f"broker {settings.CELERY_BROKER_URL.split('://')[0]}, database {database}"
    )

    from newsfacts.embedded_redis import EmbeddedRedis, answers, socket_path

    redis = None
    if settings.NEWSFACTS_EMBEDDED_BROKER and not answers(socket_path(settings.VAR_DIR)):
        redis = EmbeddedRedis(settings.VAR_DIR).start()
    workers = [_Worker(i) for i in range(args.workers)]
    ids: list[int] = []
    try:
        for worker in workers:
            worker.wait_ready()
        ids, seconds, claims = _run_pipeline(texts)
    finally:
        for worker in workers:
            worker.stop()
        _clean_up(ids)
        if redis is not None:
            redis.stop()
    _report("pipeline", len(ids), claims, seconds, f"end to end, {args.workers} workers")

    direct_seconds, direct_claims = _run_direct(texts)
    _report("direct", len(texts), direct_claims, direct_seconds, "in one process")
    if direct_claims != claims:
        print(f"warning: the pipeline stored {claims} claims, the extractor found {direct_claims}")
    ratio = (len(ids) / seconds) / (len(texts) / direct_seconds)
    print(
        f"ratio     pipeline / direct = {ratio:.2f} "
        f"(per worker process: {ratio / args.workers:.2f})"
    )
    return 0


def _texts(corpus: Path, n: int, run: str) -> list[str]:
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line]
    if not rows:
        raise SystemExit(f"{corpus} has no articles.")
    texts = []
    for i in range(n):
        # A closing line with no figures makes each text new to the database (an
        # identical text would be recognised as already submitted) without adding
        # a claim. Letters, not digits, for the same reason.
        tag = "".join(chr(ord("a") + int(c, 16)) for c in f"{run}{i:06x}")
        texts.append(f"{rows[i % len(rows)]['text']}\n\nBench copy {tag}.")
    return texts


def _run_pipeline(texts: list[str]) -> tuple[list[int], float, int]:
    from django.db import transaction

    from claims import services
    from claims.models import Article, Claim

    started = time.monotonic()
    ids = []
    for text in texts:
        with transaction.atomic():
            result = services.article_submit(text=text, origin=Article.Origin.API)
        if not result.created:
            raise SystemExit(f"article {result.article.pk} was already stored; nothing to time.")
        ids.append(result.article.pk)
    submitted = time.monotonic() - started
    print(f"submit    {len(ids)} articles in {submitted:.2f} s ({len(ids) / submitted:.1f}/s)")

    done_statuses = [Article.Status.EXTRACTED, Article.Status.FAILED]
    done, last_change, last_done = 0, time.monotonic(), -1
    while done < len(ids):
        time.sleep(0.2)
        done = Article.objects.filter(pk__in=ids, status__in=done_statuses).count()
        if done != last_done:
            last_done, last_change = done, time.monotonic()
        elif time.monotonic() - last_change > STALL_SECONDS:
            raise SystemExit(f"stalled: {done} of {len(ids)} articles done.")
    seconds = time.monotonic() - started

    failed = Article.objects.filter(pk__in=ids, status=Article.Status.FAILED)
    for article in failed[:5]:
        print(f"failed    article {article.pk}: {article.last_error}")
    if failed.exists():
        raise SystemExit(f"{failed.count()} articles failed.")
    return ids, seconds, Claim.objects.filter(article_id__in=ids).count()


def _run_direct(texts: list[str]) -> tuple[float, int]:
    from claims import extraction

    extraction.get_nlp()  # loaded before the clock starts, as a worker does
    started = time.monotonic()
    claims = sum(len(extraction.extract_claims(text)) for text in texts)
    return time.monotonic() - started, claims


def _clean_up(ids: list[int]) -> None:
    from claims.models import Article
    from newsfacts.celery import app

    Article.objects.filter(pk__in=ids).delete()
    queue = app.conf.task_default_queue
    with app.connection_for_write() as conn:
        channel = conn.default_channel
        channel.queue_purge(queue)
        if hasattr(channel, "keyprefix_queue"):  # Redis keeps the queue's bindings
            channel.client.delete(
                channel.keyprefix_queue % queue, channel.keyprefix_binding_permanent % queue
            )


def _report(label: str, articles: int, claims: int, seconds: float, how: str) -> None:
    print(
        f"{label:<9} {articles} articles, {claims} claims in {seconds:.2f} s {how}: "
        f"{articles / seconds:.2f} articles/s, {claims / seconds:.1f} claims/s"
    )


class _Worker:
    """A ``celery worker`` subprocess with one pool process, logging to a temp file."""

    def __init__(self, index: int) -> None:
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open while it runs
            "w+", prefix=f"newsfacts-bench-worker{index}-", suffix=".log"
        )
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "newsfacts",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                f"--hostname=bench{index}-{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.log.seek(0)
            output = self.log.read()
            if READY_MARK in output:
                return
            if self.proc.poll() is not None:
                raise SystemExit(f"a worker exited at start:\n{output}")
            time.sleep(0.2)
        raise SystemExit("a worker did not start within two minutes.")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


if __name__ == "__main__":
    sys.exit(main())
