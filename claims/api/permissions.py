"""Who may do what: consumers read reviewed claims; editors also submit and review."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

REVIEW_PERMISSION = "claims.review_claim"
SUBMIT_PERMISSION = "claims.add_article"


def can_review(user) -> bool:
    """Whether the user is an editor; token users carry the answer from authentication."""
    if not (user and user.is_authenticated):
        return False
    known = getattr(user, "api_can_review", None)
    if known is not None:
        return known
    return user.has_perm(REVIEW_PERMISSION)


class CanReviewClaims(BasePermission):
    message = "Only editors can see unreviewed claims, review history and give verdicts."

    def has_permission(self, request, view) -> bool:
        return can_review(request.user)


class CanSubmitArticles(BasePermission):
    """Reading is open to every authenticated user; submitting is for editors."""

    message = "Only editors can submit articles."

    def has_permission(self, request, view) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return bool(request.user and request.user.has_perm(SUBMIT_PERMISSION))
