"""Bulk import of articles from JSON lines or CSV (``manage.py import_articles``)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.text import slugify

from claims.models import Article, Source, SourceDomain, content_hash_for
from claims.services.articles import (
    SUPPORTED_LANGUAGES,
    SubmissionError,
    detect_language,
    extraction_enqueue_on_commit,
    unsupported_language_message,
    validate_article_text,
)
from claims.services.ingestion import article_submit_url

# CSV fields can hold a whole article.
csv.field_size_limit(16 * 1024 * 1024)
_NO_DATE = datetime.min.replace(tzinfo=UTC)


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why."""


@dataclass
class ImportReport:
    created: list[int] = field(default_factory=list)
    fetching: list[int] = field(default_factory=list)
    existing: int = 0
    same_text: int = 0
    bad_rows: list[tuple[int, str]] = field(default_factory=list)
    unknown_sources: Counter = field(default_factory=Counter)
    created_sources: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"{len(self.created)} articles imported"
            + (f", {len(self.fetching)} web addresses queued for fetching" if self.fetching else "")
            + f", {self.existing} already there (skipped), {len(self.bad_rows)} bad rows skipped."
        ]
        if self.same_text:
            lines.append(
                f"{self.same_text} imported articles have the same text as another article; "
                "they are kept as separate articles under their own ids."
            )
        if self.created_sources:
            lines.append(f"Sources created: {', '.join(self.created_sources)}.")
        if self.unknown_sources:
            named = ", ".join(f"{name} ({n})" for name, n in sorted(self.unknown_sources.items()))
            rows = sum(self.unknown_sources.values())
            lines.append(
                f"{rows} rows skipped for {len(self.unknown_sources)} unknown sources: {named}. "
                "Add them in the admin, or run again with --create-sources."
            )
        for line_number, message in self.bad_rows:
            lines.append(f"line {line_number}: {message}")
        return "\n".join(lines)


def read_rows(path: str | Path) -> Iterator[tuple[int, dict | None, str]]:
    """(line number, row or None, error) for each record of a .jsonl/.json or .csv file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path} is not UTF-8 text.") from exc
    if path.suffix.lower() == ".csv" or (
        path.suffix.lower() not in (".jsonl", ".json", ".ndjson")
        and not text.lstrip().startswith("{")
    ):
        yield from _csv_rows(text)
    else:
        yield from _json_rows(text)


def _json_rows(text: str) -> Iterator[tuple[int, dict | None, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, None, f"not valid JSON ({exc.msg} at column {exc.colno})"
            continue
        if not isinstance(row, dict):
            yield number, None, "not a JSON object"
            continue
        yield number, row, ""


def _csv_rows(text: str) -> Iterator[tuple[int, dict | None, str]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        return
    try:
        for row in reader:
            # The line where the record ends; a quoted field can span several lines.
            yield reader.line_num, dict(row), ""
    except csv.Error as exc:
        yield reader.line_num, None, f"not valid CSV ({exc})"


def parse_published_at(value) -> datetime | None:
    """An ISO 8601 date or date-time; a date alone is midnight UTC, a naive time UTC."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ValueError("published_at must be an ISO 8601 date, e.g. 2016-07-18")
    value = value.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"published_at {value[:40]!r} is not an ISO 8601 date, e.g. 2016-07-18"
        ) from None
    if len(value) <= 10:
        moment = datetime.combine(moment.date(), time.min)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


class _Sources:
    """Source lookup by slug, name or domain, cached for the run."""

    def __init__(self, *, create: bool) -> None:
        self.create = create
        self.cache: dict[str, Source | None] = {}
        self.created: list[str] = []

    def get(self, value: str) -> Source | None:
        key = value.strip().lower()
        if key not in self.cache:
            self.cache[key] = self._find(value.strip())
        return self.cache[key]

    def _find(self, value: str) -> Source | None:
        found = Source.objects.filter(Q(slug__iexact=value) | Q(name__iexact=value)).first()
        if found is None:
            domain = value.lower().removeprefix("www.")
            link = SourceDomain.objects.filter(domain=domain).select_related("source").first()
            found = link.source if link else None
        if found is None and self.create:
            slug = slugify(value)[:200] or "source"
            found, created = Source.objects.get_or_create(slug=slug, defaults={"name": value})
            if created:
                self.created.append(value)
        return found


def articles_import(
    *, path: str | Path, create_sources: bool = False, queue: bool = True
) -> ImportReport:
    """Import the articles of a JSON lines or CSV file; returns what happened.

    Each row: ``id`` (kept as ``external_id``; a re-import skips it), ``title``,
    ``text`` or ``url``, ``published_at`` (ISO 8601) and ``source`` (a source's slug,
    name or domain). A bad row is reported with its line number and skipped. With
    ``queue`` the new articles go to the workers; without, the caller extracts them.

    Articles are stored in publication order (those without a date last, the file's
    order among equals), as a stream of news would arrive: their ids then follow the
    order stories take them in, so each article's figures are added to its story's
    quantities instead of the story being worked out again (``stories``).
    """
    report = ImportReport()
    sources = _Sources(create=create_sources)
    for line_number, row, error in sorted(read_rows(path), key=_publication_order):
        if row is None:
            report.bad_rows.append((line_number, error))
            continue
        try:
            _import_row(row, sources=sources, report=report, queue=queue)
        except (SubmissionError, ValueError) as exc:
            report.bad_rows.append((line_number, str(exc)))
    report.bad_rows.sort()
    report.created_sources = sources.created
    return report


def _publication_order(item: tuple[int, dict | None, str]) -> tuple[bool, datetime]:
    """Sort key: undated rows (and rows that turn out bad) after the dated ones."""
    _line_number, row, _error = item
    try:
        published = parse_published_at(row.get("published_at")) if row is not None else None
    except ValueError:
        published = None
    return (published is None, published or _NO_DATE)


def _text_field(row: dict, name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text")
    return value


def _import_row(row: dict, *, sources: _Sources, report: ImportReport, queue: bool) -> None:
    external_id = _text_field(row, "id").strip()[:200] or None
    title = _text_field(row, "title").strip()
    text = _text_field(row, "text")
    url = _text_field(row, "url").strip()
    source_name = _text_field(row, "source").strip()
    published_at = parse_published_at(row.get("published_at"))
    if not text.strip() and not url:
        raise ValueError("the row has neither text nor url")
    if external_id and Article.objects.filter(external_id=external_id).exists():
        report.existing += 1
        return
    source = None
    if source_name:
        source = sources.get(source_name)
        if source is None:
            report.unknown_sources[source_name] += 1
            return
    if not text.strip():
        with transaction.atomic():
            result = article_submit_url(url=url, origin=Article.Origin.IMPORT, source=source)
            if not result.created:
                report.existing += 1
                return
            Article.objects.filter(pk=result.article.pk).update(
                external_id=external_id, title=title[:500], published_at=published_at
            )
        report.fetching.append(result.article.pk)
        return
    text = validate_article_text(text)
    content_hash = content_hash_for(text)
    if Article.objects.filter(content_hash=content_hash).exists():
        # The same words under another id: kept as its own article (an outlet's
        # copy is a report of its own), without the text's identity.
        content_hash = None
        report.same_text += 1
    language = detect_language(text)
    supported = language.split("-")[0].lower() in SUPPORTED_LANGUAGES
    try:
        with transaction.atomic():
            article = Article.objects.create(
                body=text,
                content_hash=content_hash,
                title=title[:500],
                source=source,
                url=url or None,
                published_at=published_at,
                language=language[:16],
                origin=Article.Origin.IMPORT,
                external_id=external_id,
                status=Article.Status.QUEUED if supported else Article.Status.UNSUPPORTED,
                last_error="" if supported else unsupported_language_message(language),
            )
            if supported and queue:
                extraction_enqueue_on_commit(article.pk)
    except IntegrityError:
        # Imported meanwhile by another run, or the URL is known: nothing is lost.
        report.existing += 1
        return
    if supported:
        report.created.append(article.pk)
