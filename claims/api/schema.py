"""OpenAPI additions: the error format, documented on every operation."""

from __future__ import annotations

_ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message", "details"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"description": "Per-field messages, or more about the error."},
            },
        }
    },
}
_ERRORS = {
    "400": "The request is not valid.",
    "401": "No valid token or session.",
    "403": "Not allowed for this account.",
    "404": "Not found.",
    "405": "Method not allowed.",
    "406": "The requested format is not available.",
    "409": "Conflict with the current state.",
    "413": "The request body is too large.",
    "414": "The address is too long; the web server in front answers this, in its own format.",
    "415": "Unsupported request media type.",
    "429": "Too many requests.",
    "500": "Server error.",
}
_READ_ONLY_ERRORS = {"400", "401", "403", "404", "405", "406", "414", "429", "500"}
# Answered before the request reaches the app (gunicorn's request-line limit): the
# status is documented, its body is whatever the server sends.
_SERVER_ANSWERS = {"414"}


def add_error_responses(result: dict, generator, request, public) -> dict:
    """Document ``{"error": {...}}`` for each 4xx/5xx an operation can answer."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = _ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            codes = _READ_ONLY_ERRORS if method == "get" else set(_ERRORS)
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                existing = responses.get(code)
                if code in _SERVER_ANSWERS:
                    responses.setdefault(code, {"description": _ERRORS[code]})
                elif existing is None or "content" not in existing:
                    responses[code] = {
                        "description": (existing or {}).get("description") or _ERRORS[code],
                        "content": {"application/json": {"schema": reference}},
                    }
    return result
