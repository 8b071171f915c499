"""The task module's wiring: names the services send, the beat schedule, retry waits."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from claims import tasks
from claims.services import dispatch
from newsfacts.celery import app as celery_app

SERVICES = Path(settings.BASE_DIR) / "claims" / "services"


@pytest.mark.parametrize(
    "task", [dispatch.EXTRACT_ARTICLE, dispatch.FETCH_ARTICLE, dispatch.POLL_FEED]
)
def test_every_task_the_services_send_by_name_exists(task):
    assert task.name in celery_app.tasks
    assert celery_app.tasks[task.name].__module__ == tasks.__name__


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_every_periodic_task_exists(entry):
    assert settings.CELERY_BEAT_SCHEDULE[entry]["task"] in celery_app.tasks


@pytest.mark.parametrize("module", sorted(SERVICES.glob("*.py")), ids=lambda p: p.name)
def test_services_never_import_the_tasks(module):
    imported = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    assert "claims.tasks" not in imported


@override_settings(NEWSFACTS_RETRY_BACKOFF_MAX_SECONDS=100)
@pytest.mark.parametrize(
    ("retries", "base", "seconds"),
    [(0, 10, 10), (1, 10, 20), (3, 10, 80), (4, 10, 100), (30, 10, 100), (2, 1, 4)],
)
def test_retry_countdown_doubles_up_to_the_cap(retries, base, seconds):
    assert tasks.retry_countdown(retries, base=base) == seconds


def test_retry_cap_stays_under_the_visibility_timeout():
    assert settings.NEWSFACTS_RETRY_BACKOFF_MAX_SECONDS < settings.CELERY_VISIBILITY_TIMEOUT
