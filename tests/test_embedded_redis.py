"""The embedded Redis, and `make run`'s processes: started together, and Ctrl-C leaves
nothing behind (no redis-server, no worker, no socket or pid file)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import redis
from django.conf import settings

from newsfacts.embedded_redis import EmbeddedRedis, EmbeddedRedisError, answers
from newsfacts.run import _stop


@pytest.fixture
def folder():
    # Short: unix socket paths are limited to about 100 bytes.
    path = Path(tempfile.mkdtemp(prefix="nf-er-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _running(pattern: str) -> list[str]:
    found = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True)
    return found.stdout.split()


def test_embedded_redis_serves_on_its_socket_and_stop_leaves_nothing(folder):
    server = EmbeddedRedis(folder, persist=False).start()
    client = redis.Redis(unix_socket_path=str(server.socket))
    client.set("k", "v")
    assert client.get("k") == b"v"
    assert client.config_get("port") == {"port": "0"}  # no TCP port at all
    client.close()
    server.stop()
    assert not server.socket.exists()
    assert not (folder / "redis.pid").exists()
    assert _running(str(folder)) == []


def test_embedded_redis_keeps_queued_data_across_a_restart_when_persisting(folder):
    with EmbeddedRedis(folder) as server:
        redis.Redis(unix_socket_path=str(server.socket)).rpush("celery", "task")
    with EmbeddedRedis(folder) as server:
        assert redis.Redis(unix_socket_path=str(server.socket)).lrange("celery", 0, -1) == [b"task"]


def test_embedded_redis_replaces_a_stale_socket(folder):
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(folder / "redis.sock"))
    stale.close()  # the file stays, nobody answers: a server killed outright
    with EmbeddedRedis(folder, persist=False) as server:
        assert answers(server.socket)


def test_embedded_redis_refuses_a_second_server_on_the_same_folder(folder):
    second = EmbeddedRedis(folder, persist=False)
    with (
        EmbeddedRedis(folder, persist=False),
        pytest.raises(EmbeddedRedisError, match="already answers"),
    ):
        second.start()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run_env(folder: Path, **extra: str) -> dict[str, str]:
    ours = ("DJANGO_", "NEWSFACTS_", "DATABASE_URL", "CELERY_BROKER_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env.update(DJANGO_DEBUG="1", NEWSFACTS_VAR_DIR=str(folder), PYTHONUNBUFFERED="1", **extra)
    return env


def _health(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


@pytest.mark.services
@pytest.mark.subprocess
def test_make_run_starts_everything_and_ctrl_c_leaves_nothing(folder):
    port = _free_port()
    log = folder / "run.log"
    with log.open("w") as out:
        run = subprocess.Popen(
            [sys.executable, "-m", "newsfacts.run", "--no-setup", "--port", str(port)],
            cwd=settings.BASE_DIR,
            env=_run_env(folder),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 180
            while not (_health(port) == 200 and " ready." in log.read_text()):
                assert run.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.5)
            assert answers(folder / "redis.sock")
            assert "Connected to redis+socket://" in log.read_text()
        finally:
            # Ctrl-C at a terminal reaches the whole foreground process group.
            os.killpg(run.pid, signal.SIGINT)
            run.wait(timeout=240)
    assert run.returncode == 0, log.read_text()
    assert _running(str(folder)) == []
    assert not (folder / "redis.sock").exists()
    assert not (folder / "redis.pid").exists()


@pytest.mark.services
@pytest.mark.subprocess
def test_make_run_with_a_broker_url_starts_no_embedded_redis(folder):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        broker = f"redis://127.0.0.1:{closed.getsockname()[1]}/0"
    port = _free_port()
    run = subprocess.Popen(
        [sys.executable, "-m", "newsfacts.run", "--no-setup", "--port", str(port)],
        cwd=settings.BASE_DIR,
        env=_run_env(folder, CELERY_BROKER_URL=broker),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while _health(port) == 0 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _health(port) == 503  # the web app runs; the broker named is down
        assert not (folder / "redis.sock").exists()
        # Stopped once the worker has children (its beat, named by the schedule in the
        # folder): a worker that stops while reconnecting leaves them behind otherwise.
        deadline = time.monotonic() + 60
        while len(_running(str(folder))) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        os.killpg(run.pid, signal.SIGINT)
        # A worker still reconnecting to a dead broker may ignore the warm shutdown; the
        # supervisor kills it after its grace period (newsfacts.run.WORKER_STOP_SECONDS),
        # and whatever of its process group is left in any case.
        output = run.communicate(timeout=240)[0]
    assert "Embedded Redis" not in output
    assert _running(str(folder)) == []


@pytest.mark.subprocess
def test_stopping_a_child_that_exited_ends_what_it_left_running(folder):
    # A worker that stops by itself (or on SIGTERM) while its beat or pool children
    # still run must not leave them behind, holding the terminal.
    marker = folder / "left-running"
    sleeper = f"{sys.executable} -c 'import time; time.sleep(300)' {marker}"
    child = subprocess.Popen(["sh", "-c", f"{sleeper} & exit 0"], process_group=0)
    child.wait(timeout=10)
    assert len(_running(str(marker))) == 1
    _stop(child, "worker", timeout=1)
    deadline = time.monotonic() + 10
    while _running(str(marker)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _running(str(marker)) == []
