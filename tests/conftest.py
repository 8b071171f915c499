"""The cast of every permission test, and isolation of the embedded broker.

- ``editor`` / ``other_editor``: members of the Editors group (review work).
- ``admin``: a superuser, staff (Django admin).
- ``api_consumer``: a plain logged-in account that only reads reviewed claims.
- ``anonymous``: nobody logged in.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from knox.models import AuthToken

from newsfacts.celery import app as celery_app

from .factories import UserFactory

PASSWORD = "correct horse battery"


def services_required() -> bool:
    """In CI the real services must be there: a test that needs them fails, not skips."""
    return os.environ.get("NEWSFACTS_REQUIRE_SERVICES", "").strip() in {"1", "true", "yes"}


@pytest.fixture(scope="session", autouse=True)
def _isolated_filesystem_broker(tmp_path_factory):
    """Give each test run its own embedded broker folder, shared with its workers."""
    if not settings.CELERY_BROKER_URL.startswith("filesystem"):
        yield None
        return
    folder = tmp_path_factory.mktemp("broker")
    options = {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }
    for path in (folder / "queue", folder / "processed", folder / "control"):
        path.mkdir(parents=True, exist_ok=True)
    previous_options = celery_app.conf.broker_transport_options
    previous_env = os.environ.get("NEWSFACTS_BROKER_DIR")
    celery_app.conf.broker_transport_options = options
    settings.CELERY_BROKER_DIR = folder
    os.environ["NEWSFACTS_BROKER_DIR"] = str(folder)
    yield folder
    celery_app.conf.broker_transport_options = previous_options
    if previous_env is None:
        os.environ.pop("NEWSFACTS_BROKER_DIR", None)
    else:
        os.environ["NEWSFACTS_BROKER_DIR"] = previous_env


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
