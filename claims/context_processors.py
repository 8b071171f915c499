"""Template context every app page needs."""

from __future__ import annotations

from django.http import HttpRequest

from claims.api.permissions import REVIEW_PERMISSION
from claims.services.workers import workers_seen


def workers(request: HttpRequest) -> dict:
    """Editors are told when no worker is running: their articles would wait unseen."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm(REVIEW_PERMISSION):
        return {}
    return {"workers": workers_seen()}
