"""API tokens: stored as digests, shown once, optionally expiring; old keys carried over."""

from __future__ import annotations

import hashlib
import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from .conftest import api_client, api_token_for, client_for
from .factories import ClaimFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _key_from(output: str) -> str:
    return output.strip().splitlines()[-1]


def _token_client(key: str) -> Client:
    return Client(headers={"Authorization": f"Token {key}"})


def test_api_token_key_is_not_stored_anywhere(api_consumer, capsys):
    call_command("create_api_token", "consumer")
    key = _key_from(capsys.readouterr().out)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AuthToken._meta.db_table}")  # noqa: S608
        stored = [str(value) for row in cursor.fetchall() for value in row]
    assert key not in stored
    assert hashlib.sha512(key.encode()).hexdigest() in stored
    assert _token_client(key).get(f"{API}/claims/").status_code == 200


def test_create_api_token_says_the_key_is_shown_once(api_consumer, capsys):
    call_command("create_api_token", "consumer")
    assert "cannot be shown again" in capsys.readouterr().out


def test_create_api_token_with_expiry_stops_working_after_it(api_consumer, capsys):
    call_command("create_api_token", "consumer", "--expires", "30")
    output = capsys.readouterr().out
    key = _key_from(output)
    token = AuthToken.objects.get(user=api_consumer)
    assert timedelta(days=29) < token.expiry - timezone.now() <= timedelta(days=30)
    assert f"expires on {token.expiry:%Y-%m-%d}" in output
    client = _token_client(key)
    assert client.get(f"{API}/claims/").status_code == 200
    AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    response = client.get(f"{API}/claims/")
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]


@pytest.mark.parametrize("days", ["0", "-3", "99999"])
def test_create_api_token_refuses_an_impossible_expiry(api_consumer, days):
    with pytest.raises(CommandError, match="--expires takes a number of days"):
        call_command("create_api_token", "consumer", "--expires", days)


def test_create_api_token_without_expiry_never_expires(api_consumer, capsys):
    call_command("create_api_token", "consumer")
    assert AuthToken.objects.get(user=api_consumer).expiry is None


def test_api_expired_token_is_refused_by_the_consumer_cache_too(api_consumer, settings):
    settings.NEWSFACTS_API_CACHE_SECONDS = 60
    ClaimFactory(verdict="verified", reviewed_at=timezone.now())
    key = api_token_for(api_consumer, expiry=timedelta(hours=1))
    client = _token_client(key)
    assert client.get(f"{API}/claims/").status_code == 200
    assert client.get(f"{API}/claims/").status_code == 200  # served from the cache
    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))
    assert client.get(f"{API}/claims/").status_code == 401


@pytest.mark.parametrize(
    "header",
    [b"Token \xff\xfe", "Token ²²²".encode(), b"Token " + b"a" * 5000, b"Token"],
    ids=["latin-1", "unicode", "long", "no-key"],
)
def test_api_malformed_token_is_401_not_500(api_consumer, header):
    client = Client(HTTP_AUTHORIZATION=header.decode("latin-1"))
    response = client.get(f"{API}/claims/")
    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401


def test_api_token_admin_lists_a_prefix_only(admin, api_consumer):
    key = api_token_for(api_consumer)
    token = AuthToken.objects.get(user=api_consumer)
    html = client_for(admin).get("/admin/knox/authtoken/").content.decode()
    assert f"{key[:8]}…" in html
    assert key[:9] not in html
    # The digest is the row's id (in links); it is never shown as a value.
    assert f">{token.digest}" not in html


def test_api_token_admin_add_shows_the_key_once(admin, api_consumer):
    client = client_for(admin)
    response = client.post(
        "/admin/knox/authtoken/add/", {"user": api_consumer.pk, "expiry": ""}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    key = next(m for m in messages if "New API token" in m).split(": ")[1].split(" ")[0]
    assert _token_client(key).get(f"{API}/claims/").status_code == 200
    assert key not in client.get("/admin/knox/authtoken/").content.decode()


def test_existing_plain_keys_are_carried_over_as_digests(api_consumer, editor):
    migration = importlib.import_module("claims.migrations.0005_isec_api_tokens")
    created = timezone.now() - timedelta(days=100)
    keys = {api_consumer: "a" * 40, editor: "0123456789abcdef0123456789abcdef01234567"}
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "user_id integer NOT NULL, created timestamp with time zone NOT NULL)"
        )
        for user, key in keys.items():
            cursor.execute(
                "INSERT INTO authtoken_token (key, user_id, created) VALUES (%s, %s, %s)",
                [key, user.pk, created],
            )
    # The migration only runs SQL through its schema editor; SQLite cannot open a
    # real one inside the test's transaction.
    schema_editor = SimpleNamespace(connection=connection, execute=connection.cursor().execute)
    migration.keys_to_digests(apps, schema_editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    assert AuthToken.objects.count() == 2
    consumer_token = AuthToken.objects.get(user=api_consumer)
    assert consumer_token.expiry is None
    assert abs(consumer_token.created - created) < timedelta(seconds=1)
    assert _token_client(keys[api_consumer]).get(f"{API}/claims/").status_code == 200
    assert _token_client(keys[editor]).get(f"{API}/articles/1/claims/").status_code == 404


def test_api_each_of_several_tokens_works(api_consumer):
    first, second = api_client(api_consumer), api_client(api_consumer)
    assert first.get(f"{API}/claims/").status_code == 200
    assert second.get(f"{API}/claims/").status_code == 200
