"""The Content-Security-Policy, with the one page that needs more than our own files."""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.urls import reverse

# The API docs page (drf-spectacular's Swagger UI) keeps a small <style> block in its
# template; its scripts are separate files (the split view), so only styles are relaxed.
_DOCS_EXTRA = {"style-src": [UNSAFE_INLINE]}


class ScopedCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with inline styles allowed on the API docs page only."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info == reverse("api_docs"):
            parts.update = {**(parts.update or {}), **_DOCS_EXTRA}
        return parts
