"""API tokens: ``Authorization: Token <key>``, stored only as a digest (django-rest-knox).

A key is shown once, when it is made (``manage.py create_api_token`` or the admin),
and the database keeps its SHA-512 digest, so a copy of the database gives nobody a
working key. A token may carry an expiry.

Every API request authenticates, and most then ask whether the caller is an editor
(``claims.review_claim``); asking Django's permission backend costs two more queries,
so the token's one query answers that as well.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.exceptions import AuthenticationFailed

from .permissions import REVIEW_PERMISSION

_UNKNOWN_KEY = "Invalid token."


def token_digest(key: str) -> str:
    """What the database stores for a key, and what a request's key is looked up by."""
    return hash_token(key)


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; the user comes back with ``api_can_review`` set.

    The key's digest is the token's primary key: one indexed lookup, where knox's
    own class hashes the key once per token sharing its first characters.
    """

    def authenticate_credentials(self, key: bytes):
        try:
            digest = token_digest(key.decode("utf-8"))
        except UnicodeDecodeError:
            raise AuthenticationFailed(_UNKNOWN_KEY) from None
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
            raise AuthenticationFailed(_UNKNOWN_KEY)
        if token.expiry is not None and token.expiry <= timezone.now():
            raise AuthenticationFailed("This token has expired; ask for a new one.")
        user = token.user
        if not user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        user.api_can_review = user.is_superuser or token.reviews_directly or token.reviews_by_group
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
