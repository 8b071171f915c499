"""Running the extractor on stored articles and writing its claims, exactly once."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from claims import extraction
from claims.models import Article, Claim

logger = logging.getLogger(__name__)

# Extractor fields copied onto a Claim row; None becomes "" in the text columns.
_TEXT_FIELDS = ("unit", "event", "trend", "attribution")
_FIELDS = (
    "text",
    "value",
    "lower",
    "upper",
    "qualifier",
    "kind",
    *_TEXT_FIELDS,
    "is_quote",
    "sentence",
    "sentence_start",
    "sentence_end",
    "checkworthiness",
)


class ExtractionRetry(Exception):
    """A failed attempt that has attempts left; the task retries it with a backoff."""


@dataclass(frozen=True)
class WriteStats:
    created: int
    updated: int
    deleted: int
    kept_missing: int


def extraction_lease() -> timedelta:
    """How long a worker may hold an article before others may take it over.

    Longer than the task's hard time limit: a task that is still running within its
    limit is never taken from under it.
    """
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def article_claim_for_extraction(*, article_id: int) -> Article | None:
    """Take the article for this worker with a conditional UPDATE; None when not ours.

    Queued articles can be taken, and so can articles whose holder has not reported
    for longer than the lease (a worker killed mid-task). Whoever's UPDATE changes
    the row has it; every other worker gets 0 rows and walks away.
    """
    now = timezone.now()
    taken = Article.objects.filter(
        Q(status=Article.Status.QUEUED)
        | Q(status=Article.Status.EXTRACTING, status_changed_at__lt=now - extraction_lease()),
        pk=article_id,
    ).update(
        status=Article.Status.EXTRACTING,
        status_changed_at=now,
        attempts=F("attempts") + 1,
        progress_done=0,
        progress_total=0,
    )
    if not taken:
        return None
    return Article.objects.get(pk=article_id)


def claims_extract_for_article(*, article_id: int) -> WriteStats | None:
    """Extract and store the claims of one article; None when another worker has it."""
    article = article_claim_for_extraction(article_id=article_id)
    if article is None:
        logger.info("extraction skipped article_id=%s: not queued or held elsewhere", article_id)
        return None

    started = time.monotonic()
    try:
        found = extraction.extract_claims(
            article.body, on_progress=lambda done, total: _record_progress(article, done, total)
        )
        stats = claims_write_for_article(
            article=article, found=found, extractor_version=extraction.EXTRACTOR_VERSION
        )
    except Exception as exc:
        _record_failure(article, exc)
        raise
    seconds = time.monotonic() - started
    logger.info(
        "extraction done article_id=%s claims=%s created=%s updated=%s deleted=%s "
        "kept_missing=%s chars=%s seconds=%.3f",
        article.pk,
        len(found),
        stats.created,
        stats.updated,
        stats.deleted,
        stats.kept_missing,
        len(article.body),
        seconds,
    )
    return stats


def _record_progress(article: Article, done: int, total: int) -> None:
    Article.objects.filter(pk=article.pk, status=Article.Status.EXTRACTING).update(
        progress_done=done, progress_total=total, status_changed_at=timezone.now()
    )


def _record_failure(article: Article, exc: Exception) -> None:
    """Put the article back in the queue, or fail it for good after the attempt cap."""
    message = f"{type(exc).__name__}: {exc}"[:2000]
    attempts = Article.objects.filter(pk=article.pk).values_list("attempts", flat=True).first()
    if attempts is None:
        return
    final = attempts >= settings.NEWSFACTS_MAX_EXTRACTION_ATTEMPTS
    Article.objects.filter(pk=article.pk, status=Article.Status.EXTRACTING).update(
        status=Article.Status.FAILED if final else Article.Status.QUEUED,
        status_changed_at=timezone.now(),
        last_error=(
            f"Extraction failed after {attempts} attempts. Last error: {message}"
            if final
            else f"Attempt {attempts} failed: {message}"
        ),
    )
    if not final:
        raise ExtractionRetry(message) from exc


@transaction.atomic
def claims_write_for_article(
    *, article: Article, found: list, extractor_version: str
) -> WriteStats:
    """Replace the article's claims by ``found`` without losing any reviewer's work.

    Claims are matched on their span. Unreviewed claims are updated in place, added
    or removed; a claim with a verdict is never changed or dropped: when its figure
    is no longer found it is kept and flagged ``found_in_latest=False``.
    """
    existing = {
        (c.start, c.end): c
        for c in Article.objects.select_for_update().get(pk=article.pk).claims.all()
    }
    seen: set[tuple[int, int]] = set()
    to_create, to_update = [], []
    for item in found:
        key = (item.start, item.end)
        if key in seen:
            continue
        seen.add(key)
        values = _claim_values(item)
        claim = existing.get(key)
        if claim is None:
            to_create.append(
                Claim(
                    article=article,
                    start=item.start,
                    end=item.end,
                    extractor_version=extractor_version,
                    **values,
                )
            )
        elif not claim.is_reviewed:
            for name, value in values.items():
                setattr(claim, name, value)
            claim.extractor_version = extractor_version
            claim.found_in_latest = True
            to_update.append(claim)
        elif not claim.found_in_latest:
            claim.found_in_latest = True
            to_update.append(claim)

    gone = [c for key, c in existing.items() if key not in seen]
    stale_unreviewed = [c.pk for c in gone if not c.is_reviewed]
    kept_missing = [c.pk for c in gone if c.is_reviewed]

    Claim.objects.filter(pk__in=stale_unreviewed).delete()
    Claim.objects.filter(pk__in=kept_missing).update(found_in_latest=False)
    Claim.objects.bulk_create(to_create, batch_size=500)
    Claim.objects.bulk_update(
        to_update, [*_FIELDS, "extractor_version", "found_in_latest"], batch_size=500
    )
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.EXTRACTED,
        status_changed_at=timezone.now(),
        extractor_version=extractor_version,
        last_error="",
        progress_done=F("progress_total"),
    )
    return WriteStats(
        created=len(to_create),
        updated=len(to_update),
        deleted=len(stale_unreviewed),
        kept_missing=len(kept_missing),
    )


def _claim_values(item) -> dict:
    data = item.to_dict()
    values = {name: data[name] for name in _FIELDS}
    for name in _TEXT_FIELDS:
        values[name] = values[name] or ""
    values["text"] = values["text"][:500]
    values["checkworthiness"] = min(1.0, max(0.0, float(values["checkworthiness"])))
    return values


def article_requeue(*, article_id: int) -> bool:
    """Queue an article for extraction again (a new extractor, or an admin's request).

    Reviewed claims survive a re-run; see ``claims_write_for_article``. Articles being
    fetched or mid-extraction are left alone.
    """
    from claims.services.articles import extraction_enqueue_on_commit

    changed = (
        Article.objects.filter(pk=article_id)
        .exclude(status__in=[Article.Status.EXTRACTING, Article.Status.FETCHING])
        .update(
            status=Article.Status.QUEUED,
            status_changed_at=timezone.now(),
            attempts=0,
            last_error="",
        )
    )
    if changed:
        extraction_enqueue_on_commit(article_id)
    return bool(changed)


def articles_sweep_stale(*, older_than: timedelta | None = None) -> dict[str, int]:
    """Send again the articles whose task was lost; fail those past the attempt cap.

    Covers a broker that was down at submit time (article still ``queued``) and a
    worker killed mid-task (article left ``extracting`` past the lease).
    """
    from claims.services.articles import extraction_enqueue

    now = timezone.now()
    cutoff = now - (older_than if older_than is not None else _sweep_timeout())
    max_attempts = settings.NEWSFACTS_MAX_EXTRACTION_ATTEMPTS
    stale = Article.objects.stale(older_than=cutoff)

    failed = stale.filter(attempts__gte=max_attempts).update(
        status=Article.Status.FAILED,
        status_changed_at=now,
        last_error=(
            f"Extraction did not finish after {max_attempts} attempts "
            "(the worker stopped or timed out each time)."
        ),
    )
    # An article left extracting by a dead worker goes back to the queue, conditional
    # on its timestamp so that a worker that just reported keeps it.
    requeued = stale.filter(status=Article.Status.EXTRACTING).update(
        status=Article.Status.QUEUED, status_changed_at=now
    )
    ids = list(
        Article.objects.filter(status=Article.Status.QUEUED)
        .filter(Q(status_changed_at__lt=cutoff) | Q(status_changed_at=now))
        .values_list("pk", flat=True)
    )
    sent = 0
    for article_id in ids:
        if extraction_enqueue(article_id):
            sent += 1
    Article.objects.filter(pk__in=ids, status=Article.Status.QUEUED).update(
        status_changed_at=timezone.now()
    )
    result = {"failed": failed, "requeued": requeued, "sent": sent, "unsent": len(ids) - sent}
    logger.info("extraction sweep %s", " ".join(f"{k}={v}" for k, v in result.items()))
    return result


def _sweep_timeout() -> timedelta:
    return timedelta(seconds=settings.NEWSFACTS_SWEEP_AFTER_SECONDS)
