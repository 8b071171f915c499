"""Who is asking (the client's address behind trusted proxies), and the answer to a
login refused because of too many failed attempts (django-axes)."""

from __future__ import annotations

import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def client_address(request: HttpRequest) -> str:
    """The address the request came from.

    Behind ``NEWSFACTS_TRUSTED_PROXIES`` proxies, the address the nearest proxy saw,
    read from X-Forwarded-For counting from the right: entries further left are
    written by the client and prove nothing. Login lockouts and the API's rate for
    anonymous callers both count by this address.
    """
    proxies = settings.NEWSFACTS_TRUSTED_PROXIES
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "")


def login_locked_out(request: HttpRequest, original_response=None, credentials=None):
    """Too many failed logins for the account or from the address: say when to retry.

    Each failed attempt during the lockout starts the cool-off again, so the time
    given is from now.
    """
    cool_off = get_cool_off(request) or settings.AXES_COOLOFF_TIME
    seconds = math.ceil(cool_off.total_seconds())
    retry_at = timezone.localtime(timezone.now() + cool_off)
    response: HttpResponse = render(
        request,
        "registration/locked_out.html",
        {
            "minutes": math.ceil(seconds / 60),
            "retry_at": retry_at,
            "time_zone": timezone.get_current_timezone_name(),
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
