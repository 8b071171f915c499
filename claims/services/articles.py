"""Submitting articles: the one way in for every entry point (web, API, admin, feeds, seed)."""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language_info

from claims.models import Article, Feed, Source, SourceDomain, content_hash_for
from claims.services.dispatch import EXTRACT_ARTICLE, task_send, task_send_on_commit

logger = logging.getLogger(__name__)

# The extractor reads English. Shorter texts are too short for a trustworthy guess
# (a detector calls a headline of figures Somali or Tagalog), so they pass as English.
SUPPORTED_LANGUAGES = frozenset({"en"})
_MIN_LETTERS_TO_DETECT = 200
# The languages a text is told apart among: those langdetect knew (its Chinese
# variants as one), so that the answers stay what they were.
_DETECTED_LANGUAGES = frozenset(
    "af ar bg bn ca cs cy da de el en es et fa fi fr gu he hi hr hu id it ja kn ko lt "  # noqa: SIM905
    "lv mk ml mr ne nl no pa pl pt ro ru sk sl so sq sv sw ta te th tl tr uk ur vi zh".split()
)
_DETECTION_SAMPLE_CHARS = 10_000
# A first line this short, with no closing full stop, reads as the article's headline.
_HEADLINE_MAX_CHARS = 150
_HEADLINE_MAX_WORDS = 20
# Origins whose text arrives without a title of its own (a page or a feed has one).
_TITLE_FROM_TEXT_ORIGINS = frozenset(
    {Article.Origin.PASTE, Article.Origin.UPLOAD, Article.Origin.API}
)
# Controls other than tab, newline, carriage return and form feed mean binary data.
_CONTROL_CHARS = {chr(c) for c in range(32) if c not in (9, 10, 12, 13)} | {"\x7f"}


class SubmissionError(ValueError):
    """An article that cannot be accepted; the message is meant for the editor."""


@dataclass(frozen=True)
class SubmitResult:
    article: Article
    created: bool


def validate_article_text(text: object) -> str:
    """The text as it will be stored, or a SubmissionError saying what is wrong with it."""
    if not isinstance(text, str):
        raise SubmissionError("The article text must be text.")
    if "\x00" in text or _looks_binary(text):
        raise SubmissionError(
            "This looks like a binary file, not article text. Paste the text or upload "
            "a .txt or .html file."
        )
    # Normalise line endings only: offsets of claims index into exactly what is stored.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SubmissionError("The article text is empty.")
    limit = settings.NEWSFACTS_MAX_ARTICLE_CHARS
    if len(text) > limit:
        raise SubmissionError(
            f"The article is {len(text):,} characters long; the limit is {limit:,}."
        )
    return text


def headline_of(text: str) -> str:
    """The text's first line when it looks like a headline, else "".

    A headline is short, has letters, ends without a full stop (or a comma, colon or
    semicolon: then it is the start of a sentence) and is not the whole text.
    """
    first, _, rest = text.strip().partition("\n")
    first = " ".join(first.split())
    if not rest.strip() or not first or len(first) > _HEADLINE_MAX_CHARS:
        return ""
    if len(first.split()) > _HEADLINE_MAX_WORDS or first[-1] in ".,:;…":
        return ""
    if not any(ch.isalpha() for ch in first):
        return ""
    return first


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ch in _CONTROL_CHARS)
    # A stray control character happens in pasted text; many of them never do.
    return controls > max(2, len(sample) // 100)


def detect_language(text: str) -> str:
    """The ISO code of the text's language; "en" when the text is too short to tell."""
    sample = text[:_DETECTION_SAMPLE_CHARS]
    if sum(1 for ch in sample if ch.isalpha()) < _MIN_LETTERS_TO_DETECT:
        return "en"
    return _language_classifier()(sample)[0]


@functools.cache
def _language_classifier():
    """py3langid's classifier, told apart among ``_DETECTED_LANGUAGES`` only.

    py3langid (a naive Bayes model over byte n-grams, deterministic) takes under a
    millisecond for an article where langdetect took about four. Its full set also
    holds languages close to English (Nigerian Pidgin took two English wire stories
    of the corpus), which the set langdetect knew leaves out.
    """
    import py3langid

    py3langid.set_languages(sorted(_DETECTED_LANGUAGES))
    return py3langid.classify


def unsupported_language_message(language: str) -> str:
    try:
        name = get_language_info(language.lower())["name"]
    except KeyError:
        name = "a language other than English"
    return (
        f"The article is written in {name} (language code {language}). "
        "Only English articles are analysed for claims."
    )


def article_submit(
    *,
    text: str,
    origin: str,
    title: str = "",
    source: Source | None = None,
    url: str | None = None,
    byline: str = "",
    published_at: datetime | None = None,
    language: str = "",
    feed: Feed | None = None,
    submitted_by=None,
) -> SubmitResult:
    """Store an article and queue its extraction once the transaction commits.

    The same text (or the same canonical URL) a second time returns the article
    already stored, with ``created=False``, and queues nothing. A text that is not
    in English is stored as ``unsupported`` with its language, and not extracted.
    """
    text = validate_article_text(text)
    content_hash = content_hash_for(text)
    existing = _find_existing(content_hash=content_hash, url=url)
    if existing is not None:
        return SubmitResult(article=existing, created=False)

    if source is None and url:
        source = Source.objects.for_url(url)
    if not title.strip() and not url and origin in _TITLE_FROM_TEXT_ORIGINS:
        title = headline_of(text)
    language = language or detect_language(text)
    supported = language.split("-")[0].lower() in SUPPORTED_LANGUAGES
    try:
        # A savepoint, so that losing the race to a concurrent identical submission
        # leaves the caller's transaction usable.
        with transaction.atomic():
            article = Article.objects.create(
                body=text,
                content_hash=content_hash,
                title=title.strip()[:500],
                source=source,
                url=url or None,
                byline=byline[:500],
                published_at=published_at,
                language=language[:16],
                origin=origin,
                feed=feed,
                submitted_by=submitted_by,
                status=Article.Status.QUEUED if supported else Article.Status.UNSUPPORTED,
                last_error="" if supported else unsupported_language_message(language),
            )
    except IntegrityError:
        existing = _find_existing(content_hash=content_hash, url=url)
        if existing is None:
            raise
        return SubmitResult(article=existing, created=False)

    if supported:
        extraction_enqueue_on_commit(article.pk)
    return SubmitResult(article=article, created=True)


def _find_existing(*, content_hash: str, url: str | None) -> Article | None:
    article = Article.objects.filter(content_hash=content_hash).first()
    if article is None and url:
        article = Article.objects.filter(url=url).first()
    return article


def extraction_enqueue_on_commit(article_id: int) -> None:
    """Queue extraction after the article is committed, so a worker always finds it."""
    task_send_on_commit(EXTRACT_ARTICLE, article_id)


def extraction_enqueue(article_id: int) -> bool:
    """Send the extraction task; False when the broker cannot be reached.

    A broker that is down must not lose the submission: the article stays queued in
    the database, marked, and is sent again as soon as the broker answers.
    """
    return task_send(EXTRACT_ARTICLE, article_id)


def articles_remap_source(*, domain: SourceDomain) -> int:
    """Give a newly known domain's source to the articles already fetched from it (or a
    subdomain of it) that have no source yet; returns how many.

    Articles that have a source keep it: an editor may have chosen it.
    """
    if not domain.source.is_active:
        return 0
    host = r"^https?://([^/?#@]*\.)?" + re.escape(domain.domain) + r"(:[0-9]+)?([/?#]|$)"
    return Article.objects.filter(source__isnull=True, url__iregex=host).update(
        source=domain.source, updated_at=timezone.now()
    )
