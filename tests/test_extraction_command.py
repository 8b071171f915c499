"""The extract_claims management command: JSON, table, JSON lines and stdin."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

ARTICLE = "The raids killed 14 farmers, medics said.\n\nNearly 900 pupils were sent home.\n"


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_extract_claims_command_prints_json_per_path(article, capsys):
    call_command("extract_claims", str(article), format="json")
    payload = json.loads(capsys.readouterr().out)
    assert payload[0]["path"] == str(article)
    assert [c["text"] for c in payload[0]["claims"]] == ["14", "Nearly 900"]
    assert payload[0]["claims"][0]["attribution"] == "medics"


def test_extract_claims_command_prints_a_table(article, capsys):
    call_command("extract_claims", str(article), format="table")
    out = capsys.readouterr().out
    assert f"{article}: 2 claims" in out
    assert "Nearly 900" in out and "approximate" in out and "medics" in out


def test_extract_claims_command_reads_stdin_for_a_dash(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(ARTICLE))
    call_command("extract_claims", "-")
    payload = json.loads(capsys.readouterr().out)
    assert payload[0]["path"] == "-" and len(payload[0]["claims"]) == 2


def test_extract_claims_command_reads_and_writes_json_lines(monkeypatch, capsys):
    lines = [json.dumps({"id": "a", "text": ARTICLE}), json.dumps({"id": 7, "text": "Calm."})]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    call_command("extract_claims", jsonl=True)
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in records] == ["a", 7]
    assert [len(r["claims"]) for r in records] == [2, 0]


def test_extract_claims_command_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("extract_claims", str(tmp_path / "missing.txt"))


def test_extract_claims_command_bad_json_line_is_a_clear_error(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO('{"id": 1, "text": "ok"}\n{oops\n'))
    with pytest.raises(CommandError, match="Line 2 is not valid JSON"):
        call_command("extract_claims", jsonl=True)


def test_extract_claims_command_json_line_without_text_is_a_clear_error(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO('{"id": 1}\n'))
    with pytest.raises(CommandError, match='needs a "text"'):
        call_command("extract_claims", jsonl=True)


def test_extract_claims_command_needs_a_path(capsys):
    with pytest.raises(CommandError, match="at least one file"):
        call_command("extract_claims")
