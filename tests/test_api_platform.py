"""What every API endpoint shares: the error format, size limit, throttling, tokens, docs."""

from __future__ import annotations

import time
import uuid

import pytest
import yaml
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import include, path
from knox.models import AuthToken

from claims.api import views as api_views
from claims.api.throttling import cache_read_and_hit, throttle_hit

from .conftest import api_client, api_token_for
from .factories import ClaimFactory

API = "/api/v1"


def _crash(request):
    raise RuntimeError("boom")


# The project's URLs plus a plain Django view under /api/ that fails, for the 500 test.
urlpatterns = [
    path("api/crash", _crash),
    path("", include("newsfacts.urls")),
]


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "details"}
    assert (error["status"], error["code"]) == (status, code)
    assert error["message"]
    return error


# --- Error format -------------------------------------------------------------------


def test_api_unknown_address_is_404_in_the_error_format(api_consumer):
    assert_error(api_client(api_consumer).get(f"{API}/no-such-thing/"), 404, "not_found")


def test_api_unknown_address_outside_the_api_is_not_reshaped(api_consumer):
    response = api_client(api_consumer).get("/no-such-page-anywhere/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


def test_api_wrong_method_is_405(editor):
    response = api_client(editor).delete(f"{API}/claims/")
    assert_error(response, 405, "method_not_allowed")


def test_api_unsupported_body_type_is_415(editor):
    claim = ClaimFactory()
    response = api_client(editor).post(
        f"{API}/claims/{claim.pk}/reviews/",
        "verdict=verified&version=1",
        content_type="application/x-www-form-urlencoded",
    )
    assert_error(response, 415, "unsupported_media_type")


def test_api_malformed_json_is_400(editor):
    response = api_client(editor).post(
        f"{API}/articles/", "{not json", content_type="application/json"
    )
    assert_error(response, 400, "parse_error")


def test_api_unknown_format_is_404(api_consumer):
    # DRF answers an unknown ?format= with 404, as if the representation did not exist.
    response = api_client(api_consumer).get(f"{API}/claims/", {"format": "xml"})
    assert_error(response, 404, "not_found")


def test_api_body_over_the_limit_is_413(editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    body = {"title": "Long", "text": "More than 80 people were killed. " * 200}
    response = api_client(editor).post(f"{API}/articles/", body, content_type="application/json")
    error = assert_error(response, 413, "too_large")
    assert "2,048 bytes" in error["message"]


def test_api_body_under_the_limit_is_accepted(editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4096
    body = {"title": "Short", "text": "More than 80 people were killed. " * 20}
    response = api_client(editor).post(f"{API}/articles/", body, content_type="application/json")
    assert response.status_code == 202


def test_api_crash_in_an_api_view_is_500_in_the_error_format(api_consumer, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(api_views, "rows_with_evidence", broken)
    response = api_client(api_consumer).get(f"{API}/claims/")
    error = assert_error(response, 500, "server_error")
    assert "fire" not in error["message"]
    assert "database on fire" in caplog.text


@pytest.mark.urls(__name__)
def test_api_crash_outside_drf_under_api_is_500_in_the_error_format(caplog):
    response = Client(raise_request_exception=False).get("/api/crash")
    assert_error(response, 500, "server_error")
    assert "boom" in caplog.text


# --- Throttling ---------------------------------------------------------------------


def test_api_throttle_answers_429_with_retry_after(api_consumer, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "2/minute", "anon": "2/minute", "submit": None},
    }
    client = api_client(api_consumer)
    assert client.get(f"{API}/sources/").status_code == 200
    assert client.get(f"{API}/sources/").status_code == 200
    response = client.get(f"{API}/sources/")
    error = assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert error["details"]["retry_after_seconds"] > 0


def test_api_throttle_counts_a_window_from_its_first_request(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/hour", "anon": None, "submit": None},
    }
    ident = f"counted-{uuid.uuid4().hex}"
    assert [throttle_hit("user", ident)[0] for _ in range(4)] == [True, True, True, False]
    key = f"throttle:user:{ident}:{int(time.time() // 3600)}"
    assert cache.get(key) == 4
    # The counter ends with its window (and a second), not kept for ever.
    assert 0 < cache.ttl(key) <= 3601


def test_api_throttle_counts_with_a_cache_other_than_redis(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "2/hour", "anon": None, "submit": None},
    }
    assert [throttle_hit("user", "local")[0] for _ in range(3)] == [True, True, False]


def test_api_throttle_lets_requests_through_while_the_cache_is_down(settings):
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "1/hour", "anon": None, "submit": None},
    }
    assert [throttle_hit("user", "any")[0] for _ in range(3)] == [True, True, True]


def test_api_throttle_counts_every_token_of_an_account_against_its_rate(api_consumer, settings):
    # From its second request a key's rate is counted with its look-up; the count is
    # still the account's, whichever of its keys is used.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/minute", "anon": None, "submit": None},
    }
    first, second = (
        Client(headers={"Authorization": f"Token {api_token_for(api_consumer)}"}) for _ in range(2)
    )
    answers = [c.get(f"{API}/sources/").status_code for c in (first, first, second, second)]
    assert answers == [200, 200, 200, 429]


def test_cache_read_and_hit_reads_and_counts_in_one_go(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "2/minute", "anon": None, "submit": None},
    }
    cache.set("read-me", {"a": 1})
    ident = f"both-{uuid.uuid4().hex}"
    hits = [cache_read_and_hit(["read-me", "absent"], "user", ident) for _ in range(3)]
    assert [found for found, _hit in hits] == [{"read-me": {"a": 1}}] * 3
    assert [hit[0] for _found, hit in hits] == [True, True, False]
    assert throttle_hit("user", ident)[0] is False  # the same counter


def test_cache_read_and_hit_leaves_the_count_to_the_throttle_without_redis(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.set("read-me", 5)
    assert cache_read_and_hit(["read-me"], "user", "any") == ({"read-me": 5}, None)


def test_api_throttle_counts_each_user_separately(api_consumer, editor, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "1/minute", "anon": None, "submit": None},
    }
    assert api_client(api_consumer).get(f"{API}/sources/").status_code == 200
    assert api_client(api_consumer).get(f"{API}/sources/").status_code == 429
    assert api_client(editor).get(f"{API}/sources/").status_code == 200


def test_api_submit_throttle_limits_submissions_but_not_reads(editor, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": None, "anon": None, "submit": "1/hour"},
    }
    client = api_client(editor)
    first = client.post(
        f"{API}/articles/",
        {"title": "A", "text": "About 40 homes."},
        content_type="application/json",
    )
    assert first.status_code == 202
    second = client.post(
        f"{API}/articles/",
        {"title": "B", "text": "About 50 homes."},
        content_type="application/json",
    )
    assert_error(second, 429, "throttled")
    assert client.get(f"{API}/articles/").status_code == 200


def test_api_health_is_never_throttled(settings, db):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "1/minute", "anon": "1/minute", "submit": None},
    }
    client = Client()
    assert [client.get(f"{API}/health").status_code for _ in range(3)] == [200, 200, 200]
    assert client.get(f"{API}/health").json()["status"] == "ok"


# --- Tokens -------------------------------------------------------------------------


def test_create_api_token_prints_a_working_key_on_its_last_line(api_consumer, capsys):
    call_command("create_api_token", "consumer")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert AuthToken.objects.get(user=api_consumer).token_key == key[:15]
    client = Client(headers={"Authorization": f"Token {key}"})
    assert client.get(f"{API}/claims/").status_code == 200


def test_create_api_token_again_replaces_the_old_key(api_consumer, capsys):
    call_command("create_api_token", "consumer")
    old = capsys.readouterr().out.strip().splitlines()[-1]
    call_command("create_api_token", "consumer")
    new = capsys.readouterr().out.strip().splitlines()[-1]
    assert new != old
    old_client = Client(headers={"Authorization": f"Token {old}"})
    assert old_client.get(f"{API}/claims/").status_code == 401


def test_create_api_token_revoke_deletes_the_key(api_consumer, capsys):
    call_command("create_api_token", "consumer")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    call_command("create_api_token", "consumer", "--revoke")
    assert "revoked" in capsys.readouterr().out
    assert not AuthToken.objects.filter(user=api_consumer).exists()
    client = Client(headers={"Authorization": f"Token {key}"})
    assert client.get(f"{API}/claims/").status_code == 401


def test_create_api_token_unknown_user_is_an_error(db):
    with pytest.raises(CommandError, match="no user called 'ghost'"):
        call_command("create_api_token", "ghost")


def test_api_token_admin_is_registered(admin):
    client = Client()
    client.force_login(admin)
    assert client.get("/admin/knox/authtoken/").status_code == 200


# --- Schema and docs ------------------------------------------------------------------


@pytest.mark.parametrize("user_fixture", ["anonymous", "api_consumer", "editor", "admin"])
def test_api_schema_is_openapi_3_with_every_operation(request, user_fixture):
    client = api_client(request.getfixturevalue(user_fixture))
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/claims/",
        "/api/v1/claims/{id}/",
        "/api/v1/claims/{id}/claimreview",
        "/api/v1/claims/{id}/reviews/",
        "/api/v1/claims/{id}/related/",
        "/api/v1/stories/",
        "/api/v1/stories/{id}/",
        "/api/v1/articles/",
        "/api/v1/articles/{id}/",
        "/api/v1/articles/{id}/claims/",
        "/api/v1/sources/",
    }
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    error = schema["paths"]["/api/v1/claims/"]["get"]["responses"]["400"]
    assert error["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"


@pytest.mark.parametrize("user_fixture", ["anonymous", "api_consumer", "editor", "admin"])
def test_api_docs_page_uses_the_vendored_swagger_ui(request, user_fixture):
    response = api_client(request.getfixturevalue(user_fixture)).get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()


def test_api_request_for_an_unknown_host_is_400_in_the_error_format(api_consumer):
    response = api_client(api_consumer).get(f"{API}/claims/", headers={"Host": "evil.example"})
    assert_error(response, 400, "invalid")


def test_api_browsable_error_pages_stay_html_for_browsers(editor):
    client = Client()
    client.force_login(editor)
    response = client.get(f"{API}/claims/999999/", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
