"""Settings are read from the environment; each case runs in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.subprocess

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "t3st-9fK2pL8qW4zR7vN1xB6mJ0hY5cD2sG8aE4uQ7iO3nT6kV",
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
    "DJANGO_DEBUG": "0",
}


def _clean_env(**env: str) -> dict[str, str]:
    """This process's environment without any of the app's own variables, plus ``env``."""
    ours = ("DJANGO_", "NEWSFACTS_", "DATABASE_URL", "CELERY_BROKER_URL")
    base = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    return {**base, "DJANGO_SETTINGS_MODULE": "newsfacts.settings", **env}


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    base = _clean_env(**env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _load_settings(**env: str) -> subprocess.CompletedProcess:
    return _run("import django; django.setup(); print('ok')", **env)


def test_settings_production_without_secret_key_refuses_to_start():
    result = _load_settings(DJANGO_ALLOWED_HOSTS="news.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_settings_production_without_allowed_hosts_refuses_to_start():
    result = _load_settings(DJANGO_SECRET_KEY="k" * 50)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is not set" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG must be one of"),
        ("NEWSFACTS_MAX_EXTRACTION_ATTEMPTS", "three", "must be a whole number"),
        ("NEWSFACTS_MAX_EXTRACTION_ATTEMPTS", "0", "must be at least 1"),
        ("CELERY_BROKER_URL", "amqp://guest@localhost//", "CELERY_BROKER_URL must be a redis"),
        ("DATABASE_URL", "nosuchdb://x/y", "DATABASE_URL is not a valid database URL"),
        ("DJANGO_CSRF_TRUSTED_ORIGINS", "news.example.org", "must start with https://"),
    ],
)
def test_settings_bad_value_raises_improperly_configured(name, value, message):
    result = _load_settings(**{**PRODUCTION_ENV, name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_settings_defaults_are_embedded_services():
    result = _run(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.DEBUG)",
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem://", "False"]


def test_settings_database_url_switches_to_postgresql():
    result = _run(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'])",
        **PRODUCTION_ENV,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/newsroom",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "newsroom"]


def test_check_deploy_passes_with_production_variables():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=_clean_env(**PRODUCTION_ENV),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_in_debug_mode():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=_clean_env(DJANGO_DEBUG="1"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on in deployment
