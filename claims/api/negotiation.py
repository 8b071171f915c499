"""Content negotiation: DRF's, with an empty ``format=`` refused like an unknown one."""

from __future__ import annotations

from django.http import Http404
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        # DRF reads an empty format as none and falls back to the Accept header, so
        # "?format=" would answer in a format the caller never named.
        param = self.settings.URL_FORMAT_OVERRIDE
        if not format_suffix and param and request.query_params.get(param) == "":
            raise Http404("No format named.")
        return super().select_renderer(request, renderers, format_suffix)
