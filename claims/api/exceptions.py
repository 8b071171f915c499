"""One error format for every 4xx and 5xx the API answers.

    {"error": {"status": 400, "code": "invalid", "message": "...", "details": {...}}}

DRF exceptions go through ``api_exception_handler``; what happens outside a DRF view
under /api/ (an unknown URL, a body over the size limit, a crash in middleware) is
turned into the same shape by ``ApiErrorMiddleware``.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .throttling import refused_caller_wait

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

_MESSAGES = {
    400: "The request is not valid; see the details.",
    401: "Authentication is required: send an 'Authorization: Token <key>' header.",
    403: "You do not have permission to do this.",
    404: "Nothing was found at this address.",
    405: "This method is not allowed here.",
    406: "The requested response format is not available.",
    409: "The resource was changed by someone else.",
    413: "The request body is too large.",
    415: "The request body's media type is not supported; send JSON.",
    429: "Too many requests; slow down and try again later.",
    500: "Something went wrong on our side; the error has been logged.",
}


def error_body(status_code: int, *, code: str, message: str = "", details: object = None) -> dict:
    return {
        "error": {
            "status": status_code,
            "code": code,
            "message": message or _MESSAGES.get(status_code, "The request failed."),
            "details": details if details is not None else {},
        }
    }


def error_response(status_code: int, *, code: str, message: str = "", details=None) -> JsonResponse:
    """The error format as a plain Django response, for code outside DRF views."""
    return JsonResponse(
        error_body(status_code, code=code, message=message, details=details), status=status_code
    )


class StaleVersionError(exceptions.APIException):
    """A write refused by the optimistic lock; ``details`` carries the current state.

    Its code stays "conflict", HTTP's name for 409, which API clients already read.
    """

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = _MESSAGES[409]

    def __init__(self, message: str, *, details: dict) -> None:
        super().__init__(detail=message, code=self.default_code)
        self.details = details


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"
    default_detail = _MESSAGES[413]


def payload_too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return f"The request body is larger than the limit of {limit:,} bytes."


def _first_code(codes) -> str:
    if isinstance(codes, str):
        return codes
    if isinstance(codes, dict):
        codes = list(codes.values())
    for item in codes or []:
        found = _first_code(item)
        if found:
            return found
    return ""


def api_exception_handler(exc: Exception, context: dict) -> Response:
    """DRF's handler (for its headers: Retry-After, WWW-Authenticate), reshaped."""
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(payload_too_large_message())
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        wait = refused_caller_wait(context["request"], context.get("view"))
        if wait is not None:
            exc = exceptions.Throttled(wait=wait)

    response = drf_exception_handler(exc, context)
    if response is None:
        # Not an API error: a bug. Log it with its traceback and answer in the format.
        request = context.get("request")
        logger.error(
            "Internal Server Error: %s",
            getattr(request, "path", "?"),
            exc_info=(type(exc), exc, exc.__traceback__),
        )
        set_rollback()
        response = Response(status=status.HTTP_500_INTERNAL_SERVER_ERROR)
        response.data = error_body(500, code="server_error")
        _answer_in_json(context)
        return response

    status_code = response.status_code
    if isinstance(exc, exceptions.ValidationError):
        code, message, details = "invalid", _MESSAGES[400], exc.detail
        if isinstance(details, list):
            details = {"non_field_errors": details}
    else:
        detail = getattr(exc, "detail", "")
        code = _first_code(exc.get_codes()) if isinstance(exc, exceptions.APIException) else ""
        message = str(detail) if isinstance(detail, str) else _MESSAGES.get(status_code, "")
        details = getattr(exc, "details", None)
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            details = {"retry_after_seconds": int(exc.wait + 0.999)}
    response.data = error_body(status_code, code=code or "error", message=message, details=details)
    _answer_in_json(context)
    return response


def _answer_in_json(context: dict) -> None:
    """Errors are JSON even when the request asked for CSV or JSON-LD, or for a format
    that does not exist (content negotiation itself failed)."""
    request = context.get("request")
    if request is None:
        return
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or renderer.format not in {"json", "api"}:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type


class ApiErrorMiddleware:
    """Refuse oversized bodies with 413, and answer Django's own errors under /api/ in JSON.

    DRF parsers read the request stream directly, so Django's
    DATA_UPLOAD_MAX_MEMORY_SIZE check (made when ``request.body`` is read) never
    fires for JSON; the declared Content-Length is checked here instead, before
    anything is read.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(
                400, code="invalid", message="The Content-Length header is not a number."
            )
        if limit is not None and length > limit:
            return error_response(413, code="too_large", message=payload_too_large_message())
        response = self.get_response(request)
        # DRF's responses are already in the format (or are the browsable API's pages).
        drf_answer = isinstance(response, Response)
        if response.status_code >= 400 and not drf_answer and not _is_json(response):
            code = _DJANGO_CODES.get(response.status_code, "error")
            return error_response(response.status_code, code=code)
        return response

    def process_exception(self, request, exception):
        if not request.path_info.startswith(API_PREFIX):
            return None
        if isinstance(exception, Http404):
            return error_response(404, code="not_found")
        if isinstance(exception, RequestDataTooBig):
            return error_response(413, code="too_large", message=payload_too_large_message())
        logger.error("Internal Server Error: %s", request.path, exc_info=exception)
        return error_response(500, code="server_error")


_DJANGO_CODES = {
    400: "invalid",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    500: "server_error",
}


def _is_json(response) -> bool:
    return "json" in response.get("Content-Type", "")
