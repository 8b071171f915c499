"""Uploaded .txt and .html files, and every way an upload can be wrong."""

from __future__ import annotations

import codecs

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from claims.models import Article
from claims.services.articles import SubmissionError
from claims.services.ingestion import article_submit_upload

from .http_server import (
    BROKEN_HTML,
    BUDGET_PARAGRAPHS,
    COST_HTML_1252,
    FLOODS_HTML,
    FRENCH_PARAGRAPHS,
    NO_TEXT_HTML,
)

pytestmark = pytest.mark.django_db

BUDGET_TEXT = "\n\n".join(BUDGET_PARAGRAPHS)


def upload(name: str, data: bytes, **kwargs):
    return article_submit_upload(uploaded_file=SimpleUploadedFile(name, data), **kwargs)


def test_upload_txt_creates_queued_article(editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        result = upload(
            "budget.txt", BUDGET_TEXT.encode("utf-8"), title="Budget", submitted_by=editor
        )

    article = result.article
    assert result.created
    assert article.status == Article.Status.QUEUED
    assert article.origin == Article.Origin.UPLOAD
    assert article.body == BUDGET_TEXT
    assert article.title == "Budget"
    assert article.submitted_by == editor
    assert article.language == "en"
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_upload_txt_with_byte_order_mark_is_decoded(bom, codec):
    article = upload("budget.txt", bom + BUDGET_TEXT.encode(codec)).article
    assert article.body == BUDGET_TEXT


def test_upload_txt_in_legacy_encoding_is_detected():
    text = (
        "Café owners in the city centre say rents have risen by 18% since March, with a "
        "typical lease now costing £48,000 a year. A survey of 250 businesses found that "
        "one in five expected to close within 12 months."
    )
    article = upload("cafes.txt", text.encode("cp1252")).article
    assert article.body == text


def test_upload_html_keeps_main_text_only():
    result = upload("floods.html", FLOODS_HTML.encode("utf-8"))

    body = result.article.body
    assert "At least 80 people were killed" in body
    for junk in ("dataLayer", "font-family", "Subscribe", "Cookie banner", "Most read"):
        assert junk not in body
    assert result.article.title.startswith("Floods kill at least 80 people")
    assert result.article.byline == "Jane Roe"


def test_upload_html_uses_declared_meta_charset():
    body = upload("cafes.htm", COST_HTML_1252).article.body
    assert "Café owners" in body
    assert "£48,000" in body


def test_upload_html_with_broken_markup_keeps_text():
    body = upload("strike.html", BROKEN_HTML.encode("utf-8")).article.body
    assert "About 3,500 dock workers" in body
    assert "alert" not in body


def test_upload_title_given_wins_over_page_title():
    article = upload("floods.html", FLOODS_HTML.encode("utf-8"), title="Floods, day one").article
    assert article.title == "Floods, day one"


def test_upload_non_english_is_stored_unsupported(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        article = upload("inondations.txt", "\n".join(FRENCH_PARAGRAPHS).encode("utf-8")).article

    assert article.status == Article.Status.UNSUPPORTED
    assert article.language == "fr"
    assert callbacks == []


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", b"%PDF-1.4 ...", "only .txt and .html files can be uploaded"),
        ("report.docx", b"PK\x03\x04...", "only .txt and .html files can be uploaded"),
        ("no-extension", BUDGET_TEXT.encode(), "only .txt and .html files can be uploaded"),
        ("report.txt", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "is a PDF document, not a text or HTML"),
        ("photo.html", b"\x89PNG\r\n\x1a\n\x00\x00", "is a PNG image"),
        ("data.txt", b"\x01\x02\x00\x00\xff\xfe" * 50, "is binary data"),
        ("empty.txt", b"", "The file is empty."),
        ("blank.txt", b"  \n\n\t ", "The file is empty."),
        ("video.html", NO_TEXT_HTML.encode(), "No article text was found in the file."),
    ],
)
def test_upload_refused_with_clear_message(name, data, message):
    with pytest.raises(SubmissionError, match=message):
        upload(name, data)
    assert Article.objects.count() == 0


@override_settings(NEWSFACTS_MAX_UPLOAD_BYTES=1024)
def test_upload_over_size_limit_is_refused():
    with pytest.raises(SubmissionError, match="larger than the 0.0 MB upload limit"):
        upload("budget.txt", BUDGET_TEXT.encode() * 3)
    assert Article.objects.count() == 0


def test_upload_same_text_twice_returns_existing_article():
    first = upload("budget.txt", BUDGET_TEXT.encode("utf-8")).article
    again = upload("budget-copy.txt", codecs.BOM_UTF8 + BUDGET_TEXT.encode("utf-8"))
    assert not again.created
    assert again.article.pk == first.pk
