"""A short shared answer for API consumers' reads of reviewed claims.

Every consumer sees the same reviewed claims, and they change only when an editor
gives a verdict, so one rendered answer can serve every consumer's identical request
for ``NEWSFACTS_API_CACHE_SECONDS``: a new verdict reaches consumers within that
time. Editors, who must see their own work at once, are never served from it; nor is
anything but a successful GET.

The cached answer is served here, before the REST framework, after the same checks
it makes: a token that exists now and belongs to an active account (the same lookup
as the authentication's, so revoking a token takes effect at once), an account that
is not an editor, and the per-user rate limit. Everything else goes on to the
views, and their successful answers to consumers are stored on the way out.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from .authentication import token_account, token_expired
from .permissions import can_review
from .throttling import throttle_hit

CACHED_PREFIX = "/api/v1/claims/"
_STORED_HEADERS = ("Content-Type", "Link", "Vary", "Allow")


def _cache_key(request) -> str:
    # The Accept header picks the renderer (JSON, browsable API, CSV): part of the key.
    raw = f"{request.META.get('HTTP_ACCEPT', '')}|{request.get_full_path()}"
    return "api:consumer:" + hashlib.sha256(raw.encode()).hexdigest()


def _token_key(request) -> str | None:
    parts = request.META.get("HTTP_AUTHORIZATION", "").split()
    if len(parts) == 2 and parts[0].lower() == "token":
        return parts[1]
    return None


def consumer_account(key: str) -> int | None:
    """The id of the active, non-editor account the token belongs to, else None."""
    account = token_account(key)
    if account is None:
        return None
    user, token = account
    if not user.is_active or user.api_can_review or token_expired(token):
        return None
    return user.pk


class ConsumerCacheMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.NEWSFACTS_API_CACHE_SECONDS
        if (
            not seconds
            or request.method != "GET"
            or not request.path_info.startswith(CACHED_PREFIX)
        ):
            return self.get_response(request)
        key = _cache_key(request)
        served = self._serve(request, key)
        if served is not None:
            return served
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # Only token requests' data answers are kept: the browsable API's HTML pages
        # carry the logged-in account's name.
        if (
            response.status_code == 200
            and _token_key(request) is not None
            and "html" not in response.get("Content-Type", "")
            and user is not None
            and user.is_authenticated
            and not can_review(user)
            and not response.streaming
        ):
            headers = {h: response[h] for h in _STORED_HEADERS if response.has_header(h)}
            cache.set(key, (response.content, headers), seconds)
            response["Cache-Control"] = f"private, max-age={seconds}"
        return response

    def _serve(self, request, key: str) -> HttpResponse | None:
        token = _token_key(request)
        if token is None:
            return None
        hit = cache.get(key)
        if hit is None:
            return None
        user_id = consumer_account(token)
        if user_id is None:
            return None
        allowed, _wait = throttle_hit("user", str(user_id))
        if not allowed:
            return None  # the views answer 429 in the API's error format
        content, headers = hit
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        response["Cache-Control"] = f"private, max-age={settings.NEWSFACTS_API_CACHE_SECONDS}"
        return response
