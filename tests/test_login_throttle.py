"""Guessing passwords and tokens is slowed down: per account and per address."""

from __future__ import annotations

import pytest
from axes.handlers.proxy import AxesProxyHandler
from django.test import Client
from django.urls import reverse

from .conftest import PASSWORD, api_token_for
from .factories import UserFactory

pytestmark = pytest.mark.django_db

LOCKED_OUT = "Too many failed logins for this account or from this address. Try again in"
HANDLERS = ["axes.handlers.cache.AxesCacheHandler", "axes.handlers.database.AxesDatabaseHandler"]
LOGIN_PAGES = ["login", "admin:login"]


@pytest.fixture(autouse=True, params=HANDLERS, ids=["cache", "database"])
def axes_handler(request, settings):
    settings.AXES_HANDLER = request.param
    AxesProxyHandler.get_implementation(force=True)
    yield request.param
    settings.AXES_HANDLER = HANDLERS[1]
    AxesProxyHandler.get_implementation(force=True)


@pytest.fixture
def staff(db):
    return UserFactory(username="deskchief", is_staff=True, is_superuser=True)


def _login(page: str, username: str, password: str, address: str = "203.0.113.7"):
    return Client(REMOTE_ADDR=address).post(
        reverse(page), {"username": username, "password": password}
    )


def _is_locked_out(response) -> bool:
    return response.status_code == 429 and LOCKED_OUT in response.content.decode()


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_login_sixth_wrong_password_is_locked_out_with_when_to_retry(staff, page):
    answers = [_login(page, "deskchief", f"guess {n}") for n in range(6)]
    assert [r.status_code for r in answers[:4]] == [200] * 4
    assert not any(_is_locked_out(r) for r in answers[:4])
    sixth = answers[5]
    assert _is_locked_out(sixth)
    assert "Try again in 15 minutes, after" in sixth.content.decode()
    assert sixth["Retry-After"] == "900"


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_login_right_password_is_refused_while_locked_out(staff, page):
    for n in range(10):
        _login(page, "deskchief", f"guess {n}")
    response = _login(page, "deskchief", PASSWORD)
    assert _is_locked_out(response)
    assert "_auth_user_id" not in response.client.session


def test_login_locks_the_account_whatever_the_address(staff):
    for n in range(5):
        _login("login", "deskchief", "wrong", address=f"198.51.100.{n}")
    assert _is_locked_out(_login("login", "deskchief", PASSWORD, address="192.0.2.99"))


def test_login_locks_the_address_whatever_the_account(staff, editor):
    for n in range(5):
        _login("login", f"nobody{n}", "wrong")
    assert _is_locked_out(_login("login", "editor", PASSWORD))
    # Another address can still log in to the same account.
    assert _login("login", "editor", PASSWORD, address="192.0.2.1").status_code == 302


def test_login_success_clears_the_failures(editor):
    for _ in range(4):
        _login("login", "editor", "wrong")
    assert _login("login", "editor", PASSWORD).status_code == 302
    for _ in range(4):
        assert not _is_locked_out(_login("login", "editor", "wrong"))


def test_login_forwarded_for_header_is_not_trusted_without_a_proxy(editor):
    for n in range(5):
        Client(HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").post(
            reverse("login"), {"username": f"nobody{n}", "password": "wrong"}
        )
    assert _is_locked_out(_login("login", "editor", PASSWORD, address="127.0.0.1"))


def test_login_behind_a_proxy_counts_the_address_the_proxy_saw(editor, settings):
    settings.NEWSFACTS_TRUSTED_PROXIES = 1
    for n in range(5):
        Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"spoofed, 198.51.100.{n}").post(
            reverse("login"), {"username": f"nobody{n}", "password": "wrong"}
        )
    # Five different clients behind the same proxy: none of them is locked out.
    other = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.200")
    response = other.post(reverse("login"), {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302


# --- The API: refused tokens count against the anonymous rate --------------------


@pytest.fixture
def anon_rate(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": None, "anon": "3/hour", "submit": None},
    }


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Token not-a-token"}, {"Authorization": "Bearer x"}],
    ids=["no-token", "bad-token", "other-scheme"],
)
def test_api_refused_callers_are_throttled_per_address(anon_rate, headers):
    client = Client(headers=headers)
    statuses = [client.get("/api/v1/claims/").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    error = client.get("/api/v1/claims/").json()["error"]
    assert error["code"] == "throttled"
    assert error["details"]["retry_after_seconds"] > 0


def test_api_guessing_tokens_from_one_address_does_not_block_real_tokens(anon_rate, api_consumer):
    guesser = Client(headers={"Authorization": "Token guess"})
    for _ in range(5):
        guesser.get("/api/v1/claims/")
    consumer = Client(headers={"Authorization": f"Token {api_token_for(api_consumer)}"})
    assert consumer.get("/api/v1/claims/").status_code == 200
