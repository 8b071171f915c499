"""`make run`: the embedded Redis, the set-up commands, a worker with beat, the web app.

Started in that order and stopped in the reverse one. Ctrl-C (or SIGTERM, or any of
the processes ending) stops them all: the web server, then the worker, which is
waited for so that it lets go of its messages, then the Redis server, whose socket
and pid file are removed. Nothing is left running.

With CELERY_BROKER_URL set, no Redis is started: the broker named there is used.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from newsfacts.embedded_redis import EmbeddedRedis, EmbeddedRedisError

BASE_DIR = Path(__file__).resolve().parent.parent
SETUP_COMMANDS = (["migrate", "--noinput"], ["seed"], ["create_demo_editor"])
# A worker may be in the middle of an article: give it time to finish it.
WORKER_STOP_SECONDS = 60


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m newsfacts.run", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument(
        "--no-setup", action="store_true", help="skip migrate, seed and the demo editor"
    )
    return parser.parse_args(argv)


class _Stop(Exception):
    pass


def _raise_stop(signum, _frame) -> None:
    raise _Stop(signal.Signals(signum).name)


def _stop(proc: subprocess.Popen, name: str, timeout: float) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            print(f"{name} did not stop within {timeout:.0f} s; killing it.", flush=True)
    # Its whole process group, whether it stopped or not: a worker that stops while it
    # is still trying to reach its broker leaves its beat (and pool) children running,
    # orphaned, otherwise.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsfacts.settings")
    from django.conf import settings

    python = sys.executable
    manage = [python, str(BASE_DIR / "manage.py")]
    children: list[tuple[str, subprocess.Popen]] = []
    redis: EmbeddedRedis | None = None
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    status = 0
    try:
        if settings.NEWSFACTS_EMBEDDED_BROKER:
            redis = EmbeddedRedis(settings.VAR_DIR).start()
            print(f"Embedded Redis (broker and cache) on {redis.socket}", flush=True)
        if not args.no_setup:
            for command in SETUP_COMMANDS:
                subprocess.run([*manage, *command], check=True, cwd=BASE_DIR)  # noqa: S603
        print(
            f"Starting the web app on http://{args.host}:{args.port}/ and a worker; "
            "Ctrl-C stops everything.",
            flush=True,
        )
        # The worker runs beat too (the periodic sweep and the heartbeat).
        worker = [
            python,
            "-m",
            "celery",
            "-A",
            "newsfacts",
            "worker",
            "--beat",
            f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}",
            "--loglevel=INFO",
            f"--concurrency={args.concurrency}",
        ]
        # Each child leads a process group of its own, so that it and everything it
        # starts can be stopped together; Ctrl-C reaches them through this supervisor.
        children.append(("worker", subprocess.Popen(worker, cwd=BASE_DIR, process_group=0)))  # noqa: S603
        web = [*manage, "runserver", "--noreload", f"{args.host}:{args.port}"]
        children.append(("web app", subprocess.Popen(web, cwd=BASE_DIR, process_group=0)))  # noqa: S603
        while True:
            for name, proc in children:
                if proc.poll() is not None:
                    print(f"The {name} stopped (exit code {proc.returncode}).", flush=True)
                    status = proc.returncode or 1
                    return status
            time.sleep(0.5)
    except _Stop:
        return status
    except (EmbeddedRedisError, subprocess.CalledProcessError) as exc:
        print(f"newsfacts could not start: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        # A second Ctrl-C must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for name, proc in reversed(children):
            _stop(proc, name, WORKER_STOP_SECONDS if name == "worker" else 10)
        if redis is not None:
            redis.stop()


if __name__ == "__main__":
    sys.exit(main())
