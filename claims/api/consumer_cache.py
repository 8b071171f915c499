"""A short shared answer for API consumers' reads of reviewed claims.

Every consumer sees the same reviewed claims, and they change only when an editor
gives a verdict, so one rendered answer can serve every consumer's identical request
for ``NEWSFACTS_API_CACHE_SECONDS``: a new verdict reaches consumers within that
time. Editors, who must see their own work at once, are never served from it; nor is
anything but a successful GET.

The cached answer is served here, before the REST framework, after the same checks
it makes: a token that exists now and belongs to an active account (read from the
database on every request, so revoking a token takes effect at once), an account
that is not an editor, and the per-user rate limit. Everything else goes on to the
views, and their successful answers to consumers are stored on the way out.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone
from knox.models import AuthToken

from .authentication import token_digest
from .permissions import REVIEW_PERMISSION, can_review
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


_ACCOUNT_SQL = None


def _account_sql() -> str:
    """One query: the token's account, whether it is active, and whether it reviews.

    The token is found by its key's digest (what is stored) and must not have expired.
    """
    global _ACCOUNT_SQL
    if _ACCOUNT_SQL is None:
        user = get_user_model()
        user_perms = user.user_permissions.through._meta.db_table
        user_groups = user.groups.through._meta.db_table
        group_perms = Group.permissions.through._meta.db_table
        permission = Permission._meta.db_table
        content_type = Permission._meta.get_field("content_type").related_model._meta.db_table
        # The permission's id is looked up inside the query (a one-row scalar subquery
        # the planner handles cheaply) rather than joined in each EXISTS, which costs
        # more to plan than to run; nothing is cached between requests.
        review_permission = f"""(
            SELECT p.id FROM {permission} p JOIN {content_type} ct ON ct.id = p.content_type_id
            WHERE p.codename = %s AND ct.app_label = %s
        )"""  # noqa: S608 - table names come from the models, values are parameters
        _ACCOUNT_SQL = f"""
            SELECT u.id, u.is_active, u.is_superuser OR EXISTS (
                SELECT 1 FROM {user_perms} up
                WHERE up.user_id = u.id AND up.permission_id = {review_permission}
            ) OR EXISTS (
                SELECT 1 FROM {user_groups} ug
                JOIN {group_perms} gp ON gp.group_id = ug.group_id
                WHERE ug.user_id = u.id AND gp.permission_id = {review_permission}
            )
            FROM {AuthToken._meta.db_table} t JOIN {user._meta.db_table} u ON u.id = t.user_id
            WHERE t.digest = %s AND (t.expiry IS NULL OR t.expiry > %s)
        """  # noqa: S608 - table names come from the models, values are parameters
    return _ACCOUNT_SQL


def consumer_account(key: str) -> int | None:
    """The id of the active, non-editor account the token belongs to, else None."""
    app_label, codename = REVIEW_PERMISSION.split(".")
    with connection.cursor() as cursor:
        cursor.execute(
            _account_sql(),
            [codename, app_label, codename, app_label, token_digest(key), timezone.now()],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    user_id, is_active, reviews = row
    return user_id if is_active and not reviews else None


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
