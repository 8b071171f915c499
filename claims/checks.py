"""System checks of our own, run by `manage.py check --deploy`."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

# Backends whose data lives in one process: each gunicorn worker keeps its own count.
_PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
}


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs, **kwargs):
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in _PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            "The cache is not shared between processes: with several web processes, "
            "API rate limits and login throttles count per process (4 processes let 4 "
            "times the limit through), and the worker heartbeat is not seen.",
            hint=(
                "Leave NEWSFACTS_CACHE_URL unset to use the broker's Redis, or set it to a "
                "redis:// URL."
            ),
            id="newsfacts.W001",
        )
    ]
