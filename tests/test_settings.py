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
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, "
        "s.CACHES['default']['LOCATION'], s.NEWSFACTS_EMBEDDED_BROKER, s.DEBUG)",
        **PRODUCTION_ENV,
        NEWSFACTS_VAR_DIR="/srv/nf/var",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "redis+socket:///srv/nf/var/redis.sock",
        "unix:///srv/nf/var/redis.sock?db=1",
        "True",
        "False",
    ]


@pytest.mark.parametrize(
    ("broker", "cache"),
    [
        ("redis://redis.example:6379/0", "redis://redis.example:6379/1"),
        ("redis://:secret@redis.example:6380/5", "redis://:secret@redis.example:6380/6"),
        ("redis://redis.example", "redis://redis.example/1"),
        ("rediss://redis.example:6379/15", "rediss://redis.example:6379/0"),
        ("redis+socket:///run/redis/redis.sock", "unix:///run/redis/redis.sock?db=1"),
    ],
)
def test_settings_cache_defaults_to_the_brokers_redis_in_another_database(broker, cache):
    result = _run(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'], "
        "s.NEWSFACTS_EMBEDDED_BROKER)",
        **PRODUCTION_ENV,
        CELERY_BROKER_URL=broker,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django_redis.cache.RedisCache", cache, "False"]


def test_settings_cache_url_names_another_redis():
    result = _run(
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CACHES['default']['LOCATION'])",
        **PRODUCTION_ENV,
        CELERY_BROKER_URL="redis://broker.example:6379/0",
        NEWSFACTS_CACHE_URL="redis://cache.example:6379/3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["redis://cache.example:6379/3"]


@pytest.mark.parametrize("broker", ["filesystem://", "memory://"])
def test_settings_broker_other_than_redis_is_refused(broker):
    result = _load_settings(**PRODUCTION_ENV, CELERY_BROKER_URL=broker)
    assert result.returncode != 0
    assert "CELERY_BROKER_URL must be a redis://" in result.stderr


def test_check_deploy_warns_when_the_cache_is_per_process():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=_clean_env(**PRODUCTION_ENV, NEWSFACTS_CACHE_URL="locmem://"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "newsfacts.W001" in result.stderr
    assert "rate limits and login throttles count per process" in result.stderr


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


def test_settings_postgresql_connections_time_out():
    result = _run(
        "import django; django.setup(); from django.conf import settings as s; "
        "o = s.DATABASES['default']['OPTIONS']; print(o['connect_timeout'], o.get('options'))",
        **PRODUCTION_ENV,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/newsroom",
        NEWSFACTS_PROCESS="web",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["5", "-c", "statement_timeout=20000"]


@pytest.mark.services
@pytest.mark.django_db
def test_postgresql_statement_timeout_binds_web_processes_only():
    from django.db import connection

    from .worker import test_database_url

    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    show = (
        "import django; django.setup(); from django.db import connection; "
        "c = connection.cursor(); c.execute('SHOW statement_timeout'); print(c.fetchone()[0])"
    )
    web = _run(show, DJANGO_DEBUG="1", DATABASE_URL=test_database_url(), NEWSFACTS_PROCESS="web")
    worker = _run(show, DJANGO_DEBUG="1", DATABASE_URL=test_database_url())
    assert (web.returncode, worker.returncode) == (0, 0), web.stderr + worker.stderr
    assert (web.stdout.strip(), worker.stdout.strip()) == ("20s", "0")


@pytest.mark.django_db
def test_embedded_sqlite_database_keeps_a_write_ahead_log():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the embedded database's journal")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
