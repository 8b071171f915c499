"""API tokens verified once are taken from the cache, and every change that matters to
authentication (a revoked token, a deactivated account, lost permissions) is seen at
the next request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from claims.api import authentication
from claims.api.authentication import token_account

from .factories import ClaimFactory

pytestmark = pytest.mark.django_db

SOURCES = "/api/v1/sources/"


@pytest.fixture
def token_cache(settings):
    settings.NEWSFACTS_API_TOKEN_CACHE_SECONDS = 60


def _client(user) -> tuple[Client, str]:
    key = AuthToken.objects.create(user=user)[1]
    return Client(headers={"Authorization": f"Token {key}"}), key


def test_token_is_looked_up_once_then_taken_from_the_cache(
    api_consumer, token_cache, django_assert_num_queries
):
    client, _key = _client(api_consumer)
    with django_assert_num_queries(2):  # the token's account, the sources
        assert client.get(SOURCES).status_code == 200
    for _ in range(2):
        with django_assert_num_queries(1):  # the sources only
            assert client.get(SOURCES).status_code == 200


def test_token_without_the_cache_costs_one_query(api_consumer, settings, django_assert_num_queries):
    settings.NEWSFACTS_API_TOKEN_CACHE_SECONDS = 0
    client, _key = _client(api_consumer)
    client.get(SOURCES)
    with django_assert_num_queries(2):
        assert client.get(SOURCES).status_code == 200


@pytest.mark.parametrize("on_commit", [False, True], ids=["in-transaction", "committed"])
def test_revoked_token_is_refused_at_the_next_request(
    api_consumer, token_cache, django_capture_on_commit_callbacks, on_commit
):
    client, _key = _client(api_consumer)
    assert client.get(SOURCES).status_code == 200
    with django_capture_on_commit_callbacks(execute=on_commit):
        AuthToken.objects.filter(user=api_consumer).delete()
    assert client.get(SOURCES).status_code == 401


def test_deactivated_account_is_refused_at_the_next_request(api_consumer, token_cache):
    client, _key = _client(api_consumer)
    assert client.get(SOURCES).status_code == 200
    api_consumer.is_active = False
    api_consumer.save()
    assert client.get(SOURCES).status_code == 401


def test_editor_taken_out_of_the_editors_loses_review_access_at_the_next_request(
    editor, token_cache
):
    claim = ClaimFactory()
    client, _key = _client(editor)
    history = f"/api/v1/claims/{claim.pk}/reviews/"
    assert client.get(history).status_code == 200
    editor.groups.remove(Group.objects.get(name="Editors"))
    assert client.get(history).status_code == 403


def test_consumer_made_an_editor_sees_unreviewed_claims_at_the_next_request(
    api_consumer, token_cache
):
    claim = ClaimFactory()
    client, _key = _client(api_consumer)
    assert client.get(f"/api/v1/claims/{claim.pk}/").status_code == 404
    Group.objects.get(name="Editors").user_set.add(api_consumer)
    assert client.get(f"/api/v1/claims/{claim.pk}/").status_code == 200


def test_a_lookup_that_read_before_a_change_is_not_kept(
    api_consumer, token_cache, monkeypatch, django_assert_num_queries
):
    _client_unused, key = _client(api_consumer)
    authentication.tokens_forget()  # a generation exists, and nothing is kept under it
    read = authentication._account_from_database

    def read_then_revoked_elsewhere(key):
        account = read(key)
        authentication.tokens_forget()  # another request's change commits meanwhile
        return account

    monkeypatch.setattr(authentication, "_account_from_database", read_then_revoked_elsewhere)
    assert token_account(key) is not None
    monkeypatch.setattr(authentication, "_account_from_database", read)
    with django_assert_num_queries(1):  # what was read before the change is not served
        token_account(key)
    with django_assert_num_queries(0):
        token_account(key)


def test_a_login_does_not_make_every_token_be_looked_up_again(
    api_consumer, editor, token_cache, django_assert_num_queries
):
    client, _key = _client(api_consumer)
    client.get(SOURCES)
    Client().force_login(editor)  # stamps last_login on the editor's account
    with django_assert_num_queries(1):
        assert client.get(SOURCES).status_code == 200


def test_token_that_expires_while_kept_in_the_cache_is_refused(
    api_consumer, token_cache, monkeypatch
):
    token, key = AuthToken.objects.create(user=api_consumer, expiry=timedelta(minutes=5))
    client = Client(headers={"Authorization": f"Token {key}"})
    assert client.get(SOURCES).status_code == 200
    assert client.get(SOURCES).status_code == 200  # from the cache
    later = timezone.now() + timedelta(minutes=6)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.get(SOURCES)
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]
