"""Token authentication: one query for a token's first request, none for the next ones.

Every API request authenticates, and most then ask whether the caller is an editor
(``claims.review_claim``); asking Django's permission backend costs two more queries,
so the token's one query answers that as well. The account found is then kept in the
shared cache for ``NEWSFACTS_API_TOKEN_CACHE_SECONDS``, keyed by a digest of the key
(the cache never sees a key itself), so that a client's following requests touch no
table to authenticate.

Revoking a token, or changing an account, its groups or their permissions, moves a
generation number (at once and again on commit); an entry stored under an older one
is never used again, so the change takes effect at the next request. An entry's
lifetime bounds what a cache that missed the change (it was down then) could serve.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.signals import m2m_changed, post_delete, post_save
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from .permissions import REVIEW_PERMISSION

_ENTRY_PREFIX = "api:token:"
_GENERATION_KEY = "api:token-generation"


def token_digest(key: str) -> str:
    """What a key is remembered by: never the key itself."""
    return hashlib.sha512(key.encode()).hexdigest()


def token_account(key: str):
    """The (user, token) a key belongs to, with ``user.api_can_review`` set, or None.

    The user may be inactive; the callers decide what that means.
    """
    seconds = settings.NEWSFACTS_API_TOKEN_CACHE_SECONDS
    if not seconds:
        return _account_from_database(key)
    entry_key = _ENTRY_PREFIX + token_digest(key)
    found = cache.get_many([_GENERATION_KEY, entry_key])
    generation, entry = found.get(_GENERATION_KEY), found.get(entry_key)
    if entry is not None and generation is not None and entry[0] == generation:
        return entry[1]
    # The generation is read before the database: a change committed after this read
    # moves it, and the entry stored below is then already out of date.
    account = _account_from_database(key)
    if generation is None:
        # None yet (or evicted): start one. If a change set one since the read above,
        # the account read may predate it, and is not kept.
        generation = secrets.token_hex(8)
        if not cache.add(_GENERATION_KEY, generation, timeout=None):
            return account
    if account is not None:
        cache.set(entry_key, (generation, account), timeout=seconds)
    return account


def _account_from_database(key: str):
    app_label, codename = REVIEW_PERMISSION.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    token = (
        Token.objects.select_related("user")
        .annotate(
            reviews_directly=Exists(permission.filter(user=OuterRef("user_id"))),
            reviews_by_group=Exists(permission.filter(group__user=OuterRef("user_id"))),
        )
        .filter(key=key)
        .first()
    )
    if token is None:
        return None
    user = token.user
    user.api_can_review = user.is_superuser or token.reviews_directly or token.reviews_by_group
    return user, token


def tokens_forget() -> None:
    """Make every remembered token be looked up again: at once, for what runs in this
    transaction, and again when it commits, since a request that read the old rows in
    between may have stored them under the generation of the moment."""
    _new_generation()
    transaction.on_commit(_new_generation, robust=True)


def _new_generation() -> None:
    cache.set(_GENERATION_KEY, secrets.token_hex(8), timeout=None)


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; the user comes back with ``api_can_review`` set."""

    def authenticate_credentials(self, key: str):
        account = token_account(key)
        if account is None:
            raise AuthenticationFailed("Invalid token.")
        user, token = account
        if not user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        return user, token


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
    post_delete.connect(_forget_on_change, sender=Token, dispatch_uid=f"{uid}-token")
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
