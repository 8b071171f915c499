"""Request bodies: DRF's JSON parser, with nesting too deep for the parser a 400."""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JsonParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        # Python's decoder recurses once per level: "[" × 100,000 (a few hundred
        # kilobytes, under the body limit) exhausts the stack, which DRF does not catch.
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("The JSON is nested too deeply to read.") from None
