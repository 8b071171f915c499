"""Backup and restore as the README describes them: pg_dump / pg_restore on PostgreSQL,
SQLite's online backup for the embedded database. The restored copy holds the data."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import uuid

import pytest
from django.db import connection

from claims.models import Article, Claim, Review

from .conftest import services_required
from .factories import ClaimFactory, ReviewFactory


def _engine() -> str:
    return connection.settings_dict["ENGINE"].rsplit(".", 1)[-1]


def _require(engine: str, *tools: str) -> None:
    if _engine() != engine:
        pytest.skip(f"restores a {engine} database; this run uses {_engine()}")
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        message = f"{', '.join(missing)} not installed"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)


def _stored_rows() -> list[tuple]:
    """What must survive: a reviewed claim, its article and its history."""
    ReviewFactory(claim=ClaimFactory(verdict=Claim.Verdict.FALSE), to_verdict=Claim.Verdict.FALSE)
    review = Review.objects.select_related("claim__article").get()
    return [
        (review.claim.article.pk, review.claim.article.title),
        (review.claim.pk, review.claim.text, review.claim.verdict),
        (review.pk, review.to_verdict),
    ]


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(PGHOST=db.get("HOST") or "127.0.0.1", PGUSER=db.get("USER") or "postgres")
    if db.get("PORT"):
        env["PGPORT"] = str(db["PORT"])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_postgresql_dump_restores_into_a_new_database(tmp_path):
    _require("postgresql", "pg_dump", "pg_restore", "createdb", "dropdb")
    expected = _stored_rows()
    env = _pg_env()
    dump = tmp_path / "newsfacts.dump"
    source = connection.settings_dict["NAME"]
    target = f"{source}_restore_{uuid.uuid4().hex[:8]}"
    run = {"env": env, "check": True, "capture_output": True, "text": True, "timeout": 300}
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", source], **run)
    subprocess.run(["createdb", target], **run)
    try:
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={target}", str(dump)], **run)
        query = (
            "SELECT a.id, a.title, c.id, c.text, c.verdict, r.id, r.to_verdict "
            "FROM claims_review r JOIN claims_claim c ON c.id = r.claim_id "
            "JOIN claims_article a ON a.id = c.article_id"
        )
        restored = subprocess.run(
            ["psql", "--no-psqlrc", "-At", "-F", "|", "-d", target, "-c", query], **run
        ).stdout.strip()
    finally:
        subprocess.run(["dropdb", "--if-exists", target], env=env, timeout=120)
    (article_id, title), (claim_id, text, verdict), (review_id, to_verdict) = expected
    assert restored == f"{article_id}|{title}|{claim_id}|{text}|{verdict}|{review_id}|{to_verdict}"


@pytest.mark.django_db(transaction=True)
def test_sqlite_online_backup_holds_the_data(tmp_path):
    _require("sqlite3")
    expected = _stored_rows()
    copy = tmp_path / "backup.sqlite3"
    # What `sqlite3 var/newsfacts.sqlite3 ".backup backup.sqlite3"` does: a consistent
    # copy while the app runs, unlike copying the file.
    with sqlite3.connect(connection.settings_dict["NAME"]) as live, sqlite3.connect(copy) as out:
        live.backup(out)
    with sqlite3.connect(copy) as restored:
        row = restored.execute(
            "SELECT a.id, a.title, c.id, c.text, c.verdict, r.id, r.to_verdict "
            "FROM claims_review r JOIN claims_claim c ON c.id = r.claim_id "
            "JOIN claims_article a ON a.id = c.article_id"
        ).fetchone()
    (article_id, title), (claim_id, text, verdict), (review_id, to_verdict) = expected
    assert row == (article_id, title, claim_id, text, verdict, review_id, to_verdict)
    assert Article.objects.count() == 1
