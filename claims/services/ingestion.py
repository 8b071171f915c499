"""Articles from the outside world: web addresses, uploaded files and feeds.

A URL is stored at once as a ``fetching`` article and fetched by a worker, never in
the web request; the fetch goes through ``claims.fetching``, which refuses private
addresses. Uploaded files and fetched pages end up in ``article_submit``'s checks.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from pathlib import PurePath
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from claims import fetching
from claims.models import Article, Feed, Source, content_hash_for
from claims.services.articles import (
    SUPPORTED_LANGUAGES,
    SubmissionError,
    SubmitResult,
    article_submit,
    detect_language,
    extraction_enqueue_on_commit,
    unsupported_language_message,
    validate_article_text,
)
from claims.services.dispatch import (
    FETCH_ARTICLE,
    POLL_FEED,
    task_send,
    task_send_on_commit,
    tasks_send_each,
)
from claims.services.extraction import sweep_timeout

logger = logging.getLogger(__name__)

_URL_MAX_LENGTH = 2000
# Query parameters that only tell the publisher where a reader came from: without
# them two shares of one story are one article.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "igshid",
        "igsh",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ocid",
        "cmpid",
        "ncid",
        "smid",
        "sr_share",
        "ref_src",
        "ref_url",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "__twitter_impression",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
# Characters left as they are when non-ASCII parts of a URL are percent-encoded.
_URL_SAFE = "/%:@!$&'()*+,;=-._~?"

_UPLOAD_KINDS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html"}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BINARY_SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word, Excel or OpenDocument file)"),
    (b"\xd0\xcf\x11\xe0", "an old-style Word or Excel document"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE
)
_FALLBACK_DROP = (
    "//script|//style|//noscript|//template|//svg|//head|//nav|//footer|//form|"
    "//iframe|//button|//select"
)
# Fewer letters than this from a web page is a video or a "please enable JavaScript"
# shell, not an article.
_MIN_PAGE_LETTERS = 100
_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre"}
    | {"section", "article", "header"}
)


class FetchRetry(Exception):
    """A fetch that failed for a passing reason and has attempts left."""


@dataclass(frozen=True)
class FeedPollResult:
    feed_id: int
    status: str
    new_items: int = 0
    error: str = ""


@dataclass(frozen=True)
class _Document:
    text: str
    title: str = ""
    byline: str = ""
    published_at: datetime | None = None


# --- URLs -------------------------------------------------------------------------


def fetch_policy() -> fetching.FetchPolicy:
    """The fetch limits from the settings."""
    return fetching.FetchPolicy.build(
        allowed_hosts=settings.NEWSFACTS_FETCH_ALLOWED_HOSTS,
        connect_timeout=settings.NEWSFACTS_FETCH_CONNECT_TIMEOUT,
        read_timeout=settings.NEWSFACTS_FETCH_READ_TIMEOUT,
        total_timeout=settings.NEWSFACTS_FETCH_TOTAL_TIMEOUT,
        max_bytes=settings.NEWSFACTS_FETCH_MAX_BYTES,
        max_redirects=settings.NEWSFACTS_FETCH_MAX_REDIRECTS,
        user_agent=settings.NEWSFACTS_FETCH_USER_AGENT,
    )


def canonical_url(url: str) -> str:
    """The one spelling of an article's address, or a SubmissionError saying what is wrong.

    Scheme and host are lower-cased, the default port, the fragment and tracking
    parameters (utm_*, fbclid, gclid ...) removed; the rest of the query is kept in
    its order, since some sites route on it.
    """
    if not isinstance(url, str) or not url.strip():
        raise SubmissionError("Enter the web address of the article.")
    raw = url.strip()
    if len(raw) > _URL_MAX_LENGTH:
        raise SubmissionError(
            f"The web address is {len(raw):,} characters long; the limit is {_URL_MAX_LENGTH:,}."
        )
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", raw):
        raise SubmissionError("The web address must start with http:// or https://.")
    try:
        target = fetching.parse_target(raw)
        fetching.check_literal_host(
            target.host, allowed_hosts=settings.NEWSFACTS_FETCH_ALLOWED_HOSTS
        )
    except fetching.FetchError as exc:
        raise SubmissionError(str(exc)) from None

    parts = urlsplit(raw)
    host = target.host.lower()
    if ":" in host:
        host = f"[{host}]"
    default_port = 443 if target.scheme == "https" else 80
    netloc = host if target.port == default_port else f"{host}:{target.port}"
    path = quote(parts.path or "/", safe=_URL_SAFE)
    query = "&".join(
        quote(pair, safe=_URL_SAFE)
        for pair in parts.query.split("&")
        if pair and not _is_tracking_param(pair)
    )
    canonical = urlunsplit((target.scheme, netloc, path, query, ""))
    if len(canonical) > _URL_MAX_LENGTH:
        raise SubmissionError("The web address is too long.")
    try:
        URLValidator(schemes=["http", "https"])(canonical)
    except ValidationError:
        raise SubmissionError(f"{raw[:200]} is not a valid web address.") from None
    return canonical


def _is_tracking_param(pair: str) -> bool:
    name = unquote(pair.split("=", 1)[0]).strip().lower()
    return name in _TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES)


def article_submit_url(
    *,
    url: str,
    submitted_by=None,
    origin: str = Article.Origin.URL,
    feed: Feed | None = None,
    source: Source | None = None,
) -> SubmitResult:
    """Store an article for a web address and queue its fetch once the transaction commits.

    A known address (after canonicalisation) returns the article already stored,
    with ``created=False``. The page itself is fetched by ``article_fetch``.
    """
    return _url_submit(
        url=url, submitted_by=submitted_by, origin=origin, feed=feed, source=source, title=""
    )


def _url_submit(
    *, url: str, submitted_by, origin: str, feed: Feed | None, source: Source | None, title: str
) -> SubmitResult:
    canonical = canonical_url(url)
    existing = Article.objects.filter(url=canonical).first()
    if existing is not None:
        return SubmitResult(article=existing, created=False)
    if source is None:
        source = Source.objects.for_url(canonical)
    try:
        # A savepoint: losing the race to a concurrent submission of the same address
        # leaves the caller's transaction usable.
        with transaction.atomic():
            article = Article.objects.create(
                url=canonical,
                title=title.strip()[:500],
                body="",
                content_hash=None,
                source=source,
                origin=origin,
                feed=feed,
                submitted_by=submitted_by,
                status=Article.Status.FETCHING,
            )
    except IntegrityError:
        existing = Article.objects.filter(url=canonical).first()
        if existing is None:
            raise
        return SubmitResult(article=existing, created=False)
    fetch_enqueue_on_commit(article.pk)
    return SubmitResult(article=article, created=True)


def fetch_enqueue_on_commit(article_id: int) -> None:
    """Queue the fetch after the article is committed, so a worker always finds it."""
    task_send_on_commit(FETCH_ARTICLE, article_id)


def fetch_enqueue(article_id: int) -> bool:
    """Send the fetch task; False when the broker cannot be reached (the article is
    marked, and sent again as soon as the broker answers)."""
    return task_send(FETCH_ARTICLE, article_id)


# --- Fetching an article ----------------------------------------------------------


def article_take_for_fetch(*, article_id: int) -> Article | None:
    """Take a ``fetching`` article for this attempt, counting it; None when not ours.

    The UPDATE is conditional on the attempt count just read, so of two workers
    handed the same message only one counts the attempt and fetches.
    """
    attempts = (
        Article.objects.filter(pk=article_id, status=Article.Status.FETCHING)
        .values_list("attempts", flat=True)
        .first()
    )
    if attempts is None:
        return None
    taken = Article.objects.filter(
        pk=article_id, status=Article.Status.FETCHING, attempts=attempts
    ).update(attempts=F("attempts") + 1, status_changed_at=timezone.now())
    if not taken:
        return None
    return Article.objects.get(pk=article_id)


def article_fetch(*, article_id: int) -> Article | None:
    """Fetch a submitted address, store its text and queue extraction, or record why not.

    Ends in ``queued`` (extraction sent on commit), ``unsupported`` (not English) or
    ``failed`` with an editor-readable ``last_error``. A passing network failure with
    attempts left raises FetchRetry and leaves the article ``fetching``.
    Returns None when the article is not waiting for a fetch.
    """
    article = article_take_for_fetch(article_id=article_id)
    if article is None:
        logger.info("fetch skipped article_id=%s: not waiting for a fetch", article_id)
        return None
    try:
        result = fetching.fetch(article.url, policy=fetch_policy(), accept=fetching.ARTICLE_TYPES)
        document = _document_from_fetch(result)
        text = validate_article_text(document.text)
    except fetching.FetchError as exc:
        return _record_fetch_error(article, exc)
    except SubmissionError as exc:
        return _fail_fetch(article, str(exc))
    logger.info(
        "fetch downloaded article_id=%s bytes=%s chars=%s redirects=%s",
        article.pk,
        len(result.body),
        len(text),
        len(result.redirects),
    )
    return _store_fetched(article, document=document, text=text, final_url=result.url)


def _document_from_fetch(result: fetching.FetchResult) -> _Document:
    if result.content_type in fetching.TEXT_TYPES:
        document = _Document(text=decode_bytes(result.body, declared=result.charset))
    else:
        html = decode_bytes(result.body, declared=result.charset, html=True)
        document = html_document(html, url=result.url)
    if not _has_article_text(document.text, html=result.content_type in fetching.HTML_TYPES):
        raise SubmissionError(
            "No article text was found on the page. It may be an index or video page, or "
            "need JavaScript to show its text; paste the text instead."
        )
    return document


def _has_article_text(text: str, *, html: bool) -> bool:
    if not html:
        return bool(text.strip())
    return sum(1 for ch in text if ch.isalpha()) >= _MIN_PAGE_LETTERS


def _store_fetched(
    article: Article, *, document: _Document, text: str, final_url: str
) -> Article | None:
    content_hash = content_hash_for(text)
    duplicate = Article.objects.filter(content_hash=content_hash).exclude(pk=article.pk).first()
    if duplicate is not None:
        return _fail_fetch(article, _duplicate_message(duplicate))
    language = detect_language(text)
    supported = language.split("-")[0].lower() in SUPPORTED_LANGUAGES
    source = article.source or Source.objects.for_url(final_url)
    try:
        with transaction.atomic():
            stored = Article.objects.filter(pk=article.pk, status=Article.Status.FETCHING).update(
                body=text,
                content_hash=content_hash,
                title=(article.title or document.title).strip()[:500],
                byline=(article.byline or document.byline)[:500],
                published_at=article.published_at or document.published_at,
                language=language[:16],
                source=source,
                status=Article.Status.QUEUED if supported else Article.Status.UNSUPPORTED,
                status_changed_at=timezone.now(),
                # The count restarts for extraction, which caps its own attempts.
                attempts=0,
                last_error="" if supported else unsupported_language_message(language),
            )
            if stored and supported:
                extraction_enqueue_on_commit(article.pk)
    except IntegrityError:
        # Another article got the same text between the check and the update.
        duplicate = Article.objects.filter(content_hash=content_hash).exclude(pk=article.pk).first()
        if duplicate is None:
            raise
        return _fail_fetch(article, _duplicate_message(duplicate))
    return Article.objects.get(pk=article.pk)


def _duplicate_message(duplicate: Article) -> str:
    where = f" ({duplicate.url})" if duplicate.url else ""
    return (
        f"This page has the same text as article {duplicate.pk}{where}, which is already "
        "stored; its claims are on that article."
    )


def _record_fetch_error(article: Article, exc: fetching.FetchError) -> Article | None:
    attempts = article.attempts
    limit = settings.NEWSFACTS_MAX_FETCH_ATTEMPTS
    if exc.transient and attempts < limit:
        Article.objects.filter(pk=article.pk, status=Article.Status.FETCHING).update(
            last_error=f"Attempt {attempts} of {limit} to fetch the page failed: {exc} "
            "It will be tried again shortly.",
            status_changed_at=timezone.now(),
        )
        raise FetchRetry(str(exc)) from exc
    if attempts > 1:
        return _fail_fetch(
            article, f"The page could not be fetched after {attempts} attempts. {exc}"
        )
    return _fail_fetch(article, f"The page could not be fetched. {exc}")


def _fail_fetch(article: Article, message: str) -> Article | None:
    logger.info("fetch failed article_id=%s: %s", article.pk, message)
    Article.objects.filter(pk=article.pk, status=Article.Status.FETCHING).update(
        status=Article.Status.FAILED,
        status_changed_at=timezone.now(),
        last_error=message[:2000],
    )
    return Article.objects.filter(pk=article.pk).first()


def articles_fetch_sweep_stale(*, older_than: timedelta | None = None) -> dict[str, int]:
    """Send again the fetches whose task was lost; fail those past the attempt cap.

    Covers a broker that was down at submit time and a worker killed mid-fetch. As
    the extraction sweep does, it stops at the first send the broker refuses: what
    was not sent stays stale, and the next sweep tries again.
    """
    now = timezone.now()
    cutoff = now - (older_than if older_than is not None else sweep_timeout())
    limit = settings.NEWSFACTS_MAX_FETCH_ATTEMPTS
    stale = Article.objects.filter(status=Article.Status.FETCHING, status_changed_at__lt=cutoff)
    failed = stale.filter(attempts__gte=limit).update(
        status=Article.Status.FAILED,
        status_changed_at=now,
        last_error=f"The page could not be fetched after {limit} attempts "
        "(the worker stopped or timed out each time).",
    )
    ids = list(stale.order_by("status_changed_at").values_list("pk", flat=True))
    sent = tasks_send_each(FETCH_ARTICLE, ids)
    # Restart the clock of what was sent, so the next sweep leaves it to the workers.
    Article.objects.filter(pk__in=sent, status=Article.Status.FETCHING).update(
        status_changed_at=timezone.now()
    )
    result = {"failed": failed, "sent": len(sent), "unsent": len(ids) - len(sent)}
    logger.info("fetch sweep %s", " ".join(f"{k}={v}" for k, v in result.items()))
    return result


# --- Decoding and HTML ------------------------------------------------------------


def sniff_binary(data: bytes) -> str | None:
    """What a binary file is ("a PDF document"), or None when it may be text."""
    for signature, kind in _BINARY_SIGNATURES:
        if data.startswith(signature):
            return kind
    if any(data.startswith(bom) for bom, _codec in _BOMS):
        return None
    if b"\x00" in data[:8192]:
        return "binary data"
    return None


def decode_bytes(data: bytes, *, declared: str | None = None, html: bool = False) -> str:
    """Text from bytes: a byte-order mark, then the declared charset, then a guess."""
    if not data:
        return ""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace")
    kind = sniff_binary(data)
    if kind:
        raise SubmissionError(f"This is {kind}, not text.")
    candidates = [declared] if declared else []
    if html:
        match = _META_CHARSET.search(data[:4096])
        if match:
            candidates.append(match.group(1).decode("ascii", errors="ignore"))
    candidates.append("utf-8")
    for name in candidates:
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            continue
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise SubmissionError(
            "The text encoding could not be worked out; save the file as UTF-8 and try again."
        )
    return str(best)


def html_document(html: str, *, url: str | None = None) -> _Document:
    """The main text and metadata of a page; scripts, styles and navigation dropped."""
    import trafilatura

    try:
        extracted = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
        )
    except Exception:  # trafilatura raises assorted lxml errors on very broken markup
        logger.info("trafilatura could not read the page url=%s", url, exc_info=True)
        extracted = None
    text = (getattr(extracted, "text", None) or "").strip()
    if not text:
        text = _fallback_text(html)
    return _Document(
        text=text,
        title=(getattr(extracted, "title", None) or "").strip(),
        byline=(getattr(extracted, "author", None) or "").strip(),
        published_at=_parse_date(getattr(extracted, "date", None)),
    )


def _fallback_text(html: str) -> str:
    """All visible text of a page that trafilatura found no article in."""
    import lxml.etree
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return ""
    for element in tree.xpath(_FALLBACK_DROP):
        element.drop_tree()
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in tree.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# --- Uploads ----------------------------------------------------------------------


def article_submit_upload(
    *,
    uploaded_file,
    title: str = "",
    source: Source | None = None,
    submitted_by=None,
    origin: str = Article.Origin.UPLOAD,
) -> SubmitResult:
    """Store an uploaded .txt or .html file as an article (see ``article_submit``)."""
    name = PurePath(getattr(uploaded_file, "name", "") or "").name
    kind = _UPLOAD_KINDS.get(PurePath(name).suffix.lower())
    if kind is None:
        shown = f"“{name}”" if name else "This file"
        raise SubmissionError(
            f"{shown} cannot be used: only .txt and .html files can be uploaded. "
            "Save the article as text or HTML, or paste its text."
        )
    limit = settings.NEWSFACTS_MAX_UPLOAD_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise SubmissionError(_upload_too_large(limit))
    data = _read_upload(uploaded_file, limit)
    if len(data) > limit:
        raise SubmissionError(_upload_too_large(limit))
    if not data.strip():
        raise SubmissionError("The file is empty.")
    binary = sniff_binary(data)
    if binary:
        raise SubmissionError(
            f"“{name}” is {binary}, not a text or HTML file. Save the article as text or "
            "HTML, or paste its text."
        )
    text = decode_bytes(data, html=kind == "html")
    document = html_document(text) if kind == "html" else _Document(text=text)
    if not _has_article_text(document.text, html=kind == "html"):
        raise SubmissionError("No article text was found in the file.")
    return article_submit(
        text=document.text,
        origin=origin,
        title=title or document.title,
        source=source,
        byline=document.byline,
        published_at=document.published_at,
        submitted_by=submitted_by,
    )


def _read_upload(uploaded_file, limit: int) -> bytes:
    # Read one byte past the limit: enough to know it is too big, never the whole file.
    buffer = bytearray()
    chunks = uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else None
    if chunks is None:
        return uploaded_file.read(limit + 1)
    for chunk in chunks:
        buffer.extend(chunk)
        if len(buffer) > limit:
            break
    return bytes(buffer)


def _upload_too_large(limit: int) -> str:
    return f"The file is larger than the {limit / (1024 * 1024):.1f} MB upload limit."


# --- Feeds ------------------------------------------------------------------------


def feeds_poll_enqueue() -> int:
    """Queue a poll of every active feed; one task per feed, so one slow feed holds none up."""
    ids = Feed.objects.filter(is_active=True, source__is_active=True).values_list("pk", flat=True)
    # A feed not sent now is polled on the next round.
    return len(tasks_send_each(POLL_FEED, ids))


def feeds_poll_now(*, feed_ids: list[int]) -> int:
    """Queue a poll of these active feeds once the transaction commits (a new feed, or
    an admin's "poll now"); returns how many will be polled."""
    ids = list(
        Feed.objects.filter(pk__in=feed_ids, is_active=True, source__is_active=True).values_list(
            "pk", flat=True
        )
    )
    for feed_id in ids:
        task_send_on_commit(POLL_FEED, feed_id)
    return len(ids)


def feeds_poll_enqueue_new() -> int:
    """Queue a poll of the active feeds never polled yet.

    Run by beat every minute, so that a new feed is read within a minute however it
    was added (and even when the broker was down as it was saved).
    """
    ids = Feed.objects.filter(
        is_active=True, source__is_active=True, last_polled_at__isnull=True
    ).values_list("pk", flat=True)
    return len(tasks_send_each(POLL_FEED, ids))


def feed_poll(*, feed_id: int) -> FeedPollResult | None:
    """Fetch a feed (conditionally), submit its new items and record how it went.

    Items are submitted through ``article_submit_url``, so an item already known by
    its canonical address is not stored twice. None for a missing or inactive feed.
    """
    import feedparser

    feed = Feed.objects.select_related("source").filter(pk=feed_id, is_active=True).first()
    if feed is None:
        return None
    now = timezone.now()
    try:
        result = fetching.fetch(
            feed.url,
            policy=fetch_policy(),
            accept=fetching.FEED_TYPES,
            etag=feed.etag,
            last_modified=feed.last_modified,
        )
    except fetching.FetchError as exc:
        status = (
            f"HTTP {exc.status}, failed" if isinstance(exc, fetching.HTTPStatusError) else "Failed"
        )
        return _record_feed_error(feed, status=status, message=str(exc), now=now)
    if result.not_modified:
        Feed.objects.filter(pk=feed.pk).update(
            etag=result.etag[:500],
            last_modified=result.last_modified[:100],
            last_polled_at=now,
            last_success_at=now,
            last_status="304 not modified",
            last_error="",
        )
        return FeedPollResult(feed_id=feed.pk, status="304 not modified")

    parsed = feedparser.parse(
        io.BytesIO(result.body),
        response_headers={"content-location": result.url, "content-type": result.content_type},
    )
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        reason = parsed.get("bozo_exception") or "no items"
        return _record_feed_error(
            feed,
            status="Unreadable",
            message=f"The feed could not be read as RSS or Atom ({reason}).",
            now=now,
        )

    created, skipped = 0, []
    for link, title in _entry_links(parsed.entries)[: settings.NEWSFACTS_FEED_MAX_ITEMS]:
        try:
            submitted = _url_submit(
                url=link,
                submitted_by=None,
                origin=Article.Origin.FEED,
                feed=feed,
                source=feed.source,
                title=title,
            )
        except SubmissionError as exc:
            skipped.append(f"{link[:200]}: {exc}")
            continue
        created += submitted.created
    phrase = _status_phrase(result.status)
    status = f"{result.status} {phrase}, {created} new item{'' if created == 1 else 's'}"
    error = ""
    if skipped:
        error = f"{len(skipped)} item(s) skipped. First: {skipped[0]}"
    Feed.objects.filter(pk=feed.pk).update(
        etag=result.etag[:500],
        last_modified=result.last_modified[:100],
        last_polled_at=now,
        last_success_at=now,
        last_status=status[:100],
        last_error=error,
        items_submitted=F("items_submitted") + created,
    )
    logger.info("feed polled feed_id=%s status=%r", feed.pk, status)
    return FeedPollResult(feed_id=feed.pk, status=status, new_items=created, error=error)


def _entry_links(entries) -> list[tuple[str, str]]:
    links = []
    for entry in entries:
        link = entry.get("link") or ""
        if not link:
            for candidate in entry.get("links", []):
                if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
                    link = candidate["href"]
                    break
        if link:
            links.append((link.strip(), (entry.get("title") or "").strip()))
    return links


def _record_feed_error(feed: Feed, *, status: str, message: str, now) -> FeedPollResult:
    logger.info("feed poll failed feed_id=%s: %s", feed.pk, message)
    # The validators are kept: the next poll still asks only for what changed.
    Feed.objects.filter(pk=feed.pk).update(
        last_polled_at=now, last_status=status[:100], last_error=message
    )
    return FeedPollResult(feed_id=feed.pk, status=status, error=message)


def _status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
