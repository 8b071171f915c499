"""Bad input to article_submit: each refused with a message an editor understands."""

from __future__ import annotations

import pytest
from django.test import override_settings

from claims.models import Article
from claims.services.articles import (
    SubmissionError,
    article_submit,
    detect_language,
    unsupported_language_message,
)

from .http_server import BUDGET_PARAGRAPHS, FRENCH_PARAGRAPHS

pytestmark = pytest.mark.django_db

FRENCH = "\n".join(FRENCH_PARAGRAPHS)
GERMAN = (
    "Mindestens 80 Menschen sind bei den Überschwemmungen im Süden des Landes ums Leben "
    "gekommen, mehr als 12.000 mussten ihre Häuser verlassen, teilte das Innenministerium "
    "am Dienstag mit. Nach Angaben der Behörden wurden 340 Häuser zerstört und rund 1.200 "
    "beschädigt; Hilfsorganisationen warnten, die Zahl der Opfer könne weiter steigen."
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The article text is empty."),
        ("   \n\t\n  ", "The article text is empty."),
        (b"80 people were killed", "The article text must be text."),
        ("80 people\x00were killed", "looks like a binary file"),
        ("\x01\x02\x03\x04\x05\x06" * 20 + "80 people were killed", "looks like a binary file"),
    ],
)
def test_submit_refuses_bad_text(text, message):
    with pytest.raises(SubmissionError, match=message):
        article_submit(text=text, origin=Article.Origin.PASTE)
    assert Article.objects.count() == 0


@override_settings(NEWSFACTS_MAX_ARTICLE_CHARS=1000)
def test_submit_refuses_text_over_maximum_length():
    with pytest.raises(SubmissionError, match="1,001 characters long; the limit is 1,000"):
        article_submit(text="x" * 1001, origin=Article.Origin.PASTE)
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "code", "name"), [(FRENCH, "fr", "French"), (GERMAN, "de", "German")]
)
def test_submit_non_english_is_stored_unsupported_without_extraction(
    text, code, name, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        result = article_submit(text=text, origin=Article.Origin.PASTE)

    assert result.created
    assert result.article.status == Article.Status.UNSUPPORTED
    assert result.article.language == code
    assert result.article.last_error.startswith(f"The article is written in {name}")
    assert callbacks == []


@pytest.mark.parametrize(
    ("code", "named"),
    [
        ("fa", "written in Persian (language code fa)"),
        ("zh-tw", "written in Traditional Chinese (language code zh-tw)"),
        ("PT", "written in Portuguese (language code PT)"),
        # A code Django has no name for is still said plainly.
        ("so", "written in a language other than English (language code so)"),
    ],
)
def test_unsupported_language_message_names_the_language(code, named):
    assert named in unsupported_language_message(code)


def test_submit_english_is_queued_with_language(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        result = article_submit(text="\n".join(BUDGET_PARAGRAPHS), origin=Article.Origin.PASTE)

    assert result.article.status == Article.Status.QUEUED
    assert result.article.language == "en"
    assert len(callbacks) == 1


def test_short_text_is_assumed_english():
    # Too few letters for a trustworthy guess: a line of figures is not "Somali".
    assert detect_language("Le bilan: 80 morts, 12 000 déplacés.") == "en"


def test_language_detection_is_deterministic():
    assert {detect_language(FRENCH) for _ in range(5)} == {"fr"}
