"""Bulk import from JSON lines and CSV (manage.py import_articles)."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.models import Article, Source, Story
from claims.services.imports import articles_import, parse_published_at

from .factories import SourceDomainFactory, SourceFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "A car bomb killed at least 21 civilians in a crowded market in Manbij on Monday, "
    "the Syrian Observatory for Human Rights said."
)
OTHER_TEXT = (
    "Floods in the Bangladeshi capital Dhaka drowned 12 people on Monday as monsoon "
    "rains swept away homes, the fire service said."
)


def _jsonl(tmp_path, rows, name="articles.jsonl"):
    path = tmp_path / name
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n",
        encoding="utf-8",
    )
    return path


def _run(*args) -> str:
    out = StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_import_jsonl_keeps_ids_dates_and_sources_and_queues(
    tmp_path, django_capture_on_commit_callbacks
):
    source = SourceFactory(slug="wire", name="The Wire")
    path = _jsonl(
        tmp_path,
        [
            {
                "id": "a-1",
                "title": "Bomb",
                "text": TEXT,
                "published_at": "2016-07-18",
                "source": "wire",
            },
            {
                "id": "a-2",
                "title": "Flood",
                "text": OTHER_TEXT,
                "published_at": "2016-07-18T09:30:00+02:00",
                "source": "THE WIRE",
            },
        ],
    )
    with django_capture_on_commit_callbacks() as callbacks:
        output = _run(path)
    assert "2 articles imported" in output
    first = Article.objects.get(external_id="a-1")
    assert first.source == source
    assert first.published_at == datetime(2016, 7, 18, tzinfo=UTC)
    assert first.origin == Article.Origin.IMPORT
    assert first.status == Article.Status.QUEUED
    assert Article.objects.get(external_id="a-2").published_at == datetime(
        2016, 7, 18, 7, 30, tzinfo=UTC
    )
    assert len(callbacks) == 2  # one extraction task each, sent after commit


def test_reimport_skips_what_is_there(tmp_path):
    path = _jsonl(tmp_path, [{"id": "a-1", "title": "Bomb", "text": TEXT}])
    _run(path)
    output = _run(path)
    assert "0 articles imported, 1 already there" in output
    assert Article.objects.count() == 1


def test_same_text_under_two_ids_is_two_articles(tmp_path):
    path = _jsonl(tmp_path, [{"id": "a-1", "text": TEXT}, {"id": "a-2", "text": TEXT}])
    output = _run(path)
    assert "2 articles imported" in output
    assert "same text" in output
    assert Article.objects.filter(external_id__in=["a-1", "a-2"]).count() == 2


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not a JSON object"),
        (json.dumps({"id": "x", "title": "No text"}), "neither text nor url"),
        (json.dumps({"id": "x", "text": TEXT, "published_at": "18/07/2016"}), "ISO 8601"),
        (json.dumps({"id": "x", "text": TEXT, "published_at": 20160718}), "ISO 8601"),
        (json.dumps({"id": "x", "text": ["a", "list"]}), "text must be text"),
        (json.dumps({"id": "x", "text": "   "}), "neither text nor url"),
        (json.dumps({"id": "x", "text": "bin\x00ary"}), "binary"),
    ],
)
def test_bad_row_is_reported_with_its_line_and_skipped(tmp_path, line, message):
    good = json.dumps({"id": "good", "text": TEXT})
    path = _jsonl(tmp_path, [good, line, json.dumps({"id": "good-2", "text": OTHER_TEXT})])
    output = _run(path)
    assert "2 articles imported" in output
    assert "1 bad rows skipped" in output
    bad_line = next(line for line in output.splitlines() if line.startswith("line 2:"))
    assert message in bad_line
    assert set(Article.objects.values_list("external_id", flat=True)) == {"good", "good-2"}


def test_import_stores_articles_in_publication_order(tmp_path):
    path = _jsonl(
        tmp_path,
        [
            {"id": "late", "text": TEXT, "published_at": "2016-07-20"},
            {"id": "undated", "text": OTHER_TEXT},
            "{not json",
            {"id": "early", "text": TEXT + " Again.", "published_at": "2016-07-18T09:00Z"},
            {"id": "bad-date", "text": TEXT, "published_at": "18/07/2016"},
        ],
    )
    report = articles_import(path=path, queue=False)
    assert list(Article.objects.order_by("pk").values_list("external_id", flat=True)) == [
        "early",
        "late",
        "undated",
    ]
    assert [line for line, _message in report.bad_rows] == [3, 5]


def test_unknown_sources_are_counted_and_named(tmp_path):
    SourceDomainFactory(domain="known.example", source=SourceFactory(slug="known"))
    path = _jsonl(
        tmp_path,
        [
            {"id": "1", "text": TEXT, "source": "known.example"},
            {"id": "2", "text": OTHER_TEXT, "source": "Daily Planet"},
            {"id": "3", "text": TEXT + " Again.", "source": "Daily Planet"},
            {"id": "4", "text": OTHER_TEXT + " Again.", "source": "Bugle"},
        ],
    )
    output = _run(path)
    assert "1 articles imported" in output
    assert "3 rows skipped for 2 unknown sources: Bugle (1), Daily Planet (2)" in output
    assert Article.objects.get(external_id="1").source.slug == "known"
    # The skipped rows come in with the sources once they are created.
    output = _run(path, "--create-sources")
    assert "3 articles imported, 1 already there" in output
    assert "Sources created: Daily Planet, Bugle." in output
    assert Source.objects.get(slug="daily-planet").name == "Daily Planet"


def test_csv_import(tmp_path):
    path = tmp_path / "articles.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "title", "text", "published_at"])
        writer.writeheader()
        writer.writerow({"id": "c-1", "title": "Bomb", "text": TEXT, "published_at": "2016-07-18"})
        writer.writerow({"id": "c-2", "title": "Bad", "text": TEXT, "published_at": "soon"})
        writer.writerow(
            {
                "id": "c-3",
                "title": "Multi",
                "text": "Line one.\n\n" + OTHER_TEXT,
                "published_at": "",
            }
        )
    output = _run(path)
    assert "2 articles imported" in output
    assert "line 3:" in output
    assert Article.objects.get(external_id="c-3").body.startswith("Line one.\n\n")


def test_url_rows_are_queued_for_fetching(tmp_path):
    path = _jsonl(
        tmp_path,
        [{"id": "u-1", "url": "https://news.example/a?utm_source=x", "published_at": "2016-07-18"}],
    )
    output = _run(path)
    assert "1 web addresses queued for fetching" in output
    article = Article.objects.get(external_id="u-1")
    assert article.status == Article.Status.FETCHING
    assert article.url == "https://news.example/a"


def test_unreadable_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        _run(tmp_path / "missing.jsonl")
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"id": "1", "text": "caf\xe9"}'.encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        _run(latin)


def test_import_now_extracts_and_groups(tmp_path):
    second = TEXT.replace("at least 21", "21").replace("Monday", "Monday evening")
    path = _jsonl(
        tmp_path,
        [
            {
                "id": "n-1",
                "title": "Manbij bomb kills 21",
                "text": TEXT,
                "published_at": "2016-07-18",
            },
            {
                "id": "n-2",
                "title": "Manbij market bomb",
                "text": second,
                "published_at": "2016-07-18",
            },
            {
                "id": "n-3",
                "title": "Dhaka floods",
                "text": OTHER_TEXT,
                "published_at": "2016-07-18",
            },
        ],
    )
    output = _run(path, "--now")
    assert "3 articles extracted and placed in stories" in output
    articles = {a.external_id: a for a in Article.objects.all()}
    assert all(a.status == Article.Status.EXTRACTED for a in articles.values())
    assert articles["n-1"].story_id == articles["n-2"].story_id != articles["n-3"].story_id
    assert Story.objects.count() == 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2016-07-18", datetime(2016, 7, 18, tzinfo=UTC)),
        ("2016-07-18T10:00:00Z", datetime(2016, 7, 18, 10, tzinfo=UTC)),
        ("2016-07-18 10:00", datetime(2016, 7, 18, 10, tzinfo=UTC)),
        ("", None),
        (None, None),
    ],
)
def test_parse_published_at(value, expected):
    assert parse_published_at(value) == expected


def test_import_service_reports_without_the_command(tmp_path):
    path = _jsonl(tmp_path, [{"id": "s-1", "text": TEXT}, "{"])
    report = articles_import(path=path, queue=False)
    assert len(report.created) == 1
    assert report.bad_rows[0][0] == 2
