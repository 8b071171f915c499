"""Submitting articles: the one way in for every entry point (web, API, admin, feeds, seed)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction

from claims.models import Article, Feed, Source, content_hash_for

logger = logging.getLogger(__name__)


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
    if "\x00" in text:
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
    already stored, with ``created=False``, and queues nothing.
    """
    text = validate_article_text(text)
    content_hash = content_hash_for(text)
    existing = _find_existing(content_hash=content_hash, url=url)
    if existing is not None:
        return SubmitResult(article=existing, created=False)

    if source is None and url:
        source = Source.objects.for_url(url)
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
                language=language,
                origin=origin,
                feed=feed,
                submitted_by=submitted_by,
                status=Article.Status.QUEUED,
            )
    except IntegrityError:
        existing = _find_existing(content_hash=content_hash, url=url)
        if existing is None:
            raise
        return SubmitResult(article=existing, created=False)

    extraction_enqueue_on_commit(article.pk)
    return SubmitResult(article=article, created=True)


def _find_existing(*, content_hash: str, url: str | None) -> Article | None:
    article = Article.objects.filter(content_hash=content_hash).first()
    if article is None and url:
        article = Article.objects.filter(url=url).first()
    return article


def extraction_enqueue_on_commit(article_id: int) -> None:
    """Queue extraction after the article is committed, so a worker always finds it."""
    transaction.on_commit(lambda: extraction_enqueue(article_id))


def extraction_enqueue(article_id: int) -> bool:
    """Send the extraction task; False when the broker cannot be reached.

    A broker that is down must not lose the submission: the article stays queued in
    the database and the periodic sweep sends it again once the broker is back.
    """
    from claims.tasks import extract_article_claims

    try:
        extract_article_claims.apply_async(args=[article_id], retry=False)
    except Exception as exc:  # kombu raises several unrelated types for a dead broker
        logger.warning(
            "extraction not queued article_id=%s error=%s: the sweep will retry",
            article_id,
            exc,
        )
        return False
    return True
