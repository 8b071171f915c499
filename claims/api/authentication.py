"""Token authentication that also learns, in the same query, whether the user reviews.

Every API request authenticates, and most then ask whether the caller is an editor
(``claims.review_claim``); asking Django's permission backend costs two more queries.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from .permissions import REVIEW_PERMISSION


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; the user comes back with ``api_can_review`` set."""

    def authenticate_credentials(self, key: str):
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
            raise AuthenticationFailed("Invalid token.")
        user = token.user
        if not user.is_active:
            raise AuthenticationFailed("User inactive or deleted.")
        user.api_can_review = user.is_superuser or token.reviews_directly or token.reviews_by_group
        return user, token
