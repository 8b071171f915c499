"""API tokens: ``Authorization: Token <key>``, stored only as a digest (django-rest-knox).

A key is shown once, when it is made (``manage.py create_api_token`` or the admin),
and the database keeps its SHA-512 digest, so a copy of the database gives nobody a
working key. A token may carry an expiry.

Every API request authenticates, and most then ask whether the caller is an editor
(``claims.review_claim``); asking Django's permission backend costs two more queries,
so the token's one query answers that as well. The account found is then kept in the
shared cache for ``NEWSFACTS_API_TOKEN_CACHE_SECONDS``, under the key's digest (the
cache never sees a key), so that a client's following requests touch no table to
authenticate.

Revoking a token, or changing an account, its groups or their permissions, moves a
generation number (at once and again on commit); an entry stored under an older one
is never used again, so the change takes effect at the next request. An entry's
lifetime bounds what a cache that missed the change (it was down then) could serve.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.exceptions import AuthenticationFailed

from .permissions import REVIEW_PERMISSION
from .throttling import ApiUserThrottle, cache_read_and_hit

_UNKNOWN_KEY = "Invalid token."
_ENTRY_PREFIX = "api:token:"
_GENERATION_KEY = "api:token-generation"


def token_digest(key: str) -> str:
    """What the database stores for a key, and what a request's key is looked up by."""
    return hash_token(key)


def token_account(key: str):
    """The (user, token) a key belongs to, with ``user.api_can_review`` set, or None.

    The user may be inactive and the token expired; the callers decide what that means.
    """
    return _token_account(token_digest(key), read=cache.get_many)


# Whose each key seen by this process is: a token never changes hands, so a client's
# next request can count against its account's rate in the same round trip to the
# cache as the key's look-up (one round trip a request instead of two).
_USER_OF_DIGEST: dict[str, int] = {}
_USERS_KEPT = 10_000


def token_account_and_hit(key: str) -> tuple[object, tuple[str, str, tuple] | None]:
    """``token_account(key)`` and, when this process knows whose the key is, the
    request counted against that account's rate: (scope, ident, (allowed, wait))."""
    digest = token_digest(key)
    user_id = _USER_OF_DIGEST.get(digest)
    hit = None

    def read(keys: list[str]) -> dict:
        nonlocal hit
        if user_id is None:
            return cache.get_many(keys)
        scope, ident = ApiUserThrottle.scope, str(user_id)
        found, counted = cache_read_and_hit(keys, scope, ident)
        if counted is not None:
            hit = (scope, ident, counted)
        return found

    account = _token_account(digest, read=read)
    if account is not None and user_id is None:
        if len(_USER_OF_DIGEST) >= _USERS_KEPT:
            _USER_OF_DIGEST.clear()
        _USER_OF_DIGEST[digest] = account[0].pk
    return account, hit


def _token_account(digest: str, *, read: Callable[[list[str]], dict]):
    seconds = settings.NEWSFACTS_API_TOKEN_CACHE_SECONDS
    if not seconds:
        return _account_from_database(digest)
    entry_key = _ENTRY_PREFIX + digest
    found = read([_GENERATION_KEY, entry_key])
    generation, entry = found.get(_GENERATION_KEY), found.get(entry_key)
    if entry is not None and generation is not None and entry[0] == generation:
        return entry[1]
    # The generation is read before the database: a change committed after this read
    # moves it, and the entry stored below is then already out of date.
    account = _account_from_database(digest)
    if generation is None:
        # None yet (or evicted): start one. If a change set one since the read above,
        # the account read may predate it, and is not kept.
        generation = secrets.token_hex(8)
        if not cache.add(_GENERATION_KEY, generation, timeout=None):
            return account
    if account is not None:
        cache.set(entry_key, (generation, account), timeout=seconds)
    return account


def _account_from_database(digest: str):
    app_label, codename = REVIEW_PERMISSION.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    token = (
        AuthToken.objects.select_related("user")
        .annotate(
            reviews_directly=Exists(permission.filter(user=OuterRef("user_id"))),
            reviews_by_group=Exists(permission.filter(group__user=OuterRef("user_id"))),
        )
        .filter(digest=digest)
        .first()
    )
    if token is None:
        return None
    user = token.user
    user.api_can_review = user.is_superuser or token.reviews_directly or token.reviews_by_group
    return user, token


def token_expired(token: AuthToken) -> bool:
    return token.expiry is not None and token.expiry <= timezone.now()


def tokens_forget() -> None:
    """Make every remembered token be looked up again: at once, for what runs in this
    transaction, and again when it commits, since a request that read the old rows in
    between may have stored them under the generation of the moment."""
    _new_generation()
    transaction.on_commit(_new_generation, robust=True)


def _new_generation() -> None:
    cache.set(_GENERATION_KEY, secrets.token_hex(8), timeout=None)


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; the user comes back with ``api_can_review`` set.

    The key's digest is the token's primary key: one indexed lookup, where knox's
    own class hashes the key once per token sharing its first characters.
    """

    rate_counted = None

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None and self.rate_counted is not None:
            # For the user throttle (claims.api.throttling), which then asks no cache.
            request._request.api_rate_counted = self.rate_counted
        return found

    def authenticate_credentials(self, key: bytes):
        try:
            account, self.rate_counted = token_account_and_hit(key.decode("utf-8"))
        except UnicodeDecodeError:
            raise AuthenticationFailed(_UNKNOWN_KEY) from None
        if account is None:
            raise AuthenticationFailed(_UNKNOWN_KEY)
        user, token = account
        if token_expired(token):
            raise AuthenticationFailed("This token has expired; ask for a new one.")
        if not user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        return user, token


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token-based authentication with required prefix `Token`.",
        }


# --- What makes a remembered token out of date ---------------------------------------


def _forget_on_change(sender, **kwargs) -> None:
    tokens_forget()


def _forget_on_account_save(sender, update_fields=None, **kwargs) -> None:
    # A login only stamps last_login; anything else may change what the account may do.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    tokens_forget()


def _forget_on_membership(sender, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        tokens_forget()


def connect_token_invalidation() -> None:
    """Called once from the app's ready()."""
    user = get_user_model()
    uid = "api-token-cache"
    post_delete.connect(_forget_on_change, sender=AuthToken, dispatch_uid=f"{uid}-token")
    # An expiry moved later (or earlier) is a change too.
    post_save.connect(_forget_on_change, sender=AuthToken, dispatch_uid=f"{uid}-token-save")
    post_save.connect(_forget_on_account_save, sender=user, dispatch_uid=f"{uid}-user-save")
    post_delete.connect(_forget_on_change, sender=user, dispatch_uid=f"{uid}-user-delete")
    post_delete.connect(_forget_on_change, sender=Group, dispatch_uid=f"{uid}-group")
    post_delete.connect(_forget_on_change, sender=Permission, dispatch_uid=f"{uid}-permission")
    for through, name in (
        (user.groups.through, "groups"),
        (user.user_permissions.through, "user-permissions"),
        (Group.permissions.through, "group-permissions"),
    ):
        m2m_changed.connect(_forget_on_membership, sender=through, dispatch_uid=f"{uid}-{name}")
