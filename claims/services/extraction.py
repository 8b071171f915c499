"""Running the extractor on stored articles and writing its claims, exactly once.

A worker takes an article with a conditional UPDATE (queued → extracting) that also
counts the attempt. That count is the worker's ticket: every later write (progress,
claims, failure) is conditional on it, so that a worker that was given up for dead
and taken over cannot overwrite the work of the one that replaced it.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from claims import extraction
from claims.models import Article, Claim, Evidence, Review
from claims.prepared import prepared_rows
from claims.services.dispatch import (
    EXTRACT_ARTICLE,
    task_send_on_commit,
    tasks_send_each,
)
from claims.services.tallies import claims_tally

logger = logging.getLogger(__name__)

# Every column of a claim, in the model's order (as ``Model.from_db`` takes them).
_CLAIM_COLUMNS = tuple(f.attname for f in Claim._meta.concrete_fields)
# Text columns hold "" where the extractor says None.
_TEXT_FIELDS = frozenset(
    name
    for name in Claim.EXTRACTED_FIELDS
    if isinstance(Claim._meta.get_field(name), models.CharField | models.TextField)
)


class ExtractionRetry(Exception):
    """A failed attempt that has attempts left; the task retries it with a backoff."""


class ExtractionLeaseLost(Exception):
    """Another worker has taken the article over; this attempt's results are dropped."""


@dataclass(frozen=True)
class WriteStats:
    created: int
    updated: int
    deleted: int
    kept_missing: int


def extraction_lease() -> timedelta:
    """How long a worker may go without reporting before others may take its article.

    Longer than the task's hard time limit (see settings), so that a task still
    running within its limit is never taken from under it.
    """
    return timedelta(seconds=settings.NEWSFACTS_EXTRACTION_LEASE_SECONDS)


def article_take_for_extraction(*, article_id: int) -> Article | None:
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


def claims_extract_for_article(*, article_id: int, assign_story: bool = True) -> WriteStats | None:
    """Extract and store the claims of one article; None when another worker has it.

    The article's features are stored and, with ``assign_story``, it is put in its
    story (a bulk import assigns stories afterwards, in publication order).

    Raises ExtractionRetry when the attempt failed and attempts are left; after the
    last attempt the article is ``failed`` with the error and the error is raised.
    """
    article = article_take_for_extraction(article_id=article_id)
    if article is None:
        logger.info("extraction skipped article_id=%s: not queued or held elsewhere", article_id)
        return None

    started = time.monotonic()
    try:
        # The total is known before the first chunk is parsed, so the page shows 0 / n
        # instead of nothing while the parser works.
        _record_progress(article, 0, len(extraction.split_chunks(article.body)))
        found, features = extraction.extract_claims(
            article.body,
            on_progress=lambda done, total: _record_progress(article, done, total),
            with_features=True,
        )
        stats = claims_write_for_article(
            article=article, found=found, extractor_version=extraction.EXTRACTOR_VERSION
        )
    except ExtractionLeaseLost:
        logger.warning(
            "extraction abandoned article_id=%s attempt=%s: another worker took it over",
            article.pk,
            article.attempts,
        )
        return None
    except Exception as exc:
        logger.warning(
            "extraction failed article_id=%s attempt=%s seconds=%.3f error=%s: %s",
            article.pk,
            article.attempts,
            time.monotonic() - started,
            type(exc).__name__,
            exc,
        )
        _record_failure(article, exc)
        raise
    logger.info(
        "extraction done article_id=%s attempt=%s claims=%s created=%s updated=%s "
        "deleted=%s kept_missing=%s chars=%s seconds=%.3f",
        article.pk,
        article.attempts,
        len(found),
        stats.created,
        stats.updated,
        stats.deleted,
        stats.kept_missing,
        len(article.body),
        time.monotonic() - started,
    )
    article_story_update(
        article_id=article.pk, features=features, found=found, assign_story=assign_story
    )
    return stats


def articles_extract_now(
    *, article_ids: Iterable[int], on_progress=None, batch_size: int = 16
) -> list[tuple[int, str]]:
    """Extract many articles in this process (``import_articles --now``); returns the
    failures as (article id, error). Stories are not assigned.

    The texts of ``batch_size`` articles are parsed together (``nlp.pipe``), which
    takes about a fifth less CPU than one at a time. When a batch fails, its articles
    are extracted one by one, so that only the article at fault fails.
    """
    ids = list(article_ids)
    failed: list[tuple[int, str]] = []
    done = 0
    for start in range(0, len(ids), batch_size):
        held = [
            article
            for article in (
                article_take_for_extraction(article_id=i) for i in ids[start : start + batch_size]
            )
            if article is not None
        ]
        try:
            results = extraction.extract_claims_batch([a.body for a in held], with_features=True)
        except Exception:
            logger.warning("batch extraction failed; extracting its articles one by one")
            results = [None] * len(held)
        for article, result in zip(held, results, strict=True):
            try:
                found, features = result or extraction.extract_claims(
                    article.body, with_features=True
                )
                claims_write_for_article(
                    article=article, found=found, extractor_version=extraction.EXTRACTOR_VERSION
                )
            except Exception as exc:
                failed.append((article.pk, f"{type(exc).__name__}: {exc}"))
                # Back in the queue for the workers, or failed for good after the
                # last attempt, as when a worker fails.
                with contextlib.suppress(ExtractionRetry):
                    _record_failure(article, exc)
            else:
                article_story_update(
                    article_id=article.pk, features=features, found=found, assign_story=False
                )
        done = min(len(ids), start + batch_size)
        if on_progress is not None:
            on_progress(done, len(ids))
    return failed


def article_story_update(
    *, article_id: int, features, found: list, assign_story: bool = True
) -> None:
    """Store what the article is about and put it in its story.

    The claims are stored already: a failure here leaves the article extracted and
    without a story (``manage.py assign_stories`` places it later), and is logged.
    """
    from claims.services.stories import (
        article_features_store,
        article_features_store_and_assign,
    )

    if assign_story:
        try:
            article_features_store_and_assign(
                article_id=article_id, features=features, claims=found
            )
            return
        except Exception:
            logger.exception("story assignment failed article_id=%s", article_id)
        # Both were undone together: the features alone are stored again, since
        # ``assign_stories`` places only articles that have them.
    try:
        article_features_store(article_id=article_id, features=features, claims=found)
    except Exception:
        logger.exception("storing story features failed article_id=%s", article_id)


def _held(article: Article):
    """The article's row, only while this worker's attempt still holds it."""
    return Article.objects.filter(
        pk=article.pk, status=Article.Status.EXTRACTING, attempts=article.attempts
    )


def _record_progress(article: Article, done: int, total: int) -> None:
    # Reporting progress also renews the lease: a long article is not taken over
    # while its chunks keep coming.
    if not _held(article).update(
        progress_done=done, progress_total=total, status_changed_at=timezone.now()
    ):
        raise ExtractionLeaseLost(article.pk)


def _record_failure(article: Article, exc: Exception) -> None:
    """Put the article back in the queue, or fail it for good after the attempt cap."""
    message = f"{type(exc).__name__}: {exc}"[:2000]
    final = article.attempts >= settings.NEWSFACTS_MAX_EXTRACTION_ATTEMPTS
    updated = _held(article).update(
        status=Article.Status.FAILED if final else Article.Status.QUEUED,
        status_changed_at=timezone.now(),
        last_error=(
            f"Extraction failed after {article.attempts} attempts. Last error: {message}"
            if final
            else f"Attempt {article.attempts} failed: {message}"
        ),
    )
    if updated and not final:
        raise ExtractionRetry(message) from exc


@transaction.atomic
def claims_write_for_article(
    *, article: Article, found: list, extractor_version: str
) -> WriteStats:
    """Replace the article's claims by ``found`` without losing any reviewer's work.

    ``article`` must be held by this attempt (``article_take_for_extraction``);
    otherwise nothing is written and ExtractionLeaseLost is raised.

    Claims are matched on their span. Unreviewed claims are updated in place, added
    or removed; a claim with a verdict is never changed or dropped: when its figure
    is no longer found it is kept and flagged ``found_in_latest=False``. So is an
    unreviewed claim that has history (reviews) or evidence attached.
    """
    now = timezone.now()
    # Write first: the UPDATE locks the article row (PostgreSQL) or the database
    # (SQLite) before anything is read, and checks that the attempt still holds it.
    if not _held(article).update(status_changed_at=now):
        raise ExtractionLeaseLost(article.pk)
    # Locked, so that a verdict given while this runs waits for it and then sees the
    # bumped version, instead of being overwritten with the figures read here.
    existing = {(c.start, c.end): c for c in _claims_for_update(article.pk)}
    seen: set[tuple[int, int]] = set()
    to_create, to_update, found_again = [], [], []
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
                    # The database sets it too (Claim.source); here so that the
                    # instances agree with their rows.
                    source_id=article.source_id,
                    start=item.start,
                    end=item.end,
                    extractor_version=extractor_version,
                    **values,
                )
            )
        elif claim.is_reviewed:
            if not claim.found_in_latest:
                found_again.append(claim.pk)
        elif (
            (changed := _changed(claim, values))
            or claim.extractor_version != extractor_version
            or not claim.found_in_latest
        ):
            if changed:
                # A reviewer with the old figure on screen must reload before judging.
                claim.version += 1
            for name, value in values.items():
                setattr(claim, name, value)
            claim.extractor_version = extractor_version
            claim.found_in_latest = True
            claim.updated_at = now
            to_update.append(claim)

    gone = [c for key, c in existing.items() if key not in seen]
    with_history = _with_history([c.pk for c in gone if not c.is_reviewed])
    to_delete = [c.pk for c in gone if not c.is_reviewed and c.pk not in with_history]
    kept_missing = [c.pk for c in gone if c.is_reviewed or c.pk in with_history]

    # Deleted before the new ones are added: a span is unique within an article.
    # (Empty lists are skipped: a first extraction has none, and the ORM's work on
    # an empty delete costs as much as a statement.)
    if to_delete:
        Claim.objects.filter(pk__in=to_delete).delete()
    if kept_missing:
        Claim.objects.filter(pk__in=kept_missing).update(found_in_latest=False, updated_at=now)
    if found_again:
        Claim.objects.filter(pk__in=found_again).update(found_in_latest=True, updated_at=now)
    Claim.objects.bulk_create(to_create, batch_size=500)
    # New claims start unreviewed; only unreviewed claims are ever deleted here.
    claims_tally([(article.source_id, Claim.Verdict.UNREVIEWED, len(to_create) - len(to_delete))])
    Claim.objects.bulk_update(
        to_update,
        [*Claim.EXTRACTED_FIELDS, "extractor_version", "found_in_latest", "version", "updated_at"],
        batch_size=500,
    )
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.EXTRACTED,
        status_changed_at=now,
        extractor_version=extractor_version,
        last_error="",
        progress_done=F("progress_total"),
    )
    return WriteStats(
        created=len(to_create),
        updated=len(to_update),
        deleted=len(to_delete),
        kept_missing=len(kept_missing),
    )


def _claims_for_update(article_id: int) -> list[Claim]:
    """The article's claims, locked. The query is compiled once per process
    (``prepared_rows``): most articles have no claims yet, and building the query cost
    more than running it."""
    rows = prepared_rows(
        "extraction.claims_for_update",
        lambda article_id: (
            Claim.objects.select_for_update().filter(article_id=article_id).values(*_CLAIM_COLUMNS)
        ),
        article_id=article_id,
    )
    return [Claim.from_db(connection.alias, _CLAIM_COLUMNS, tuple(row.values())) for row in rows]


def _claim_values(item) -> dict:
    # Read off the record, not through ``to_dict()``: its deep copy was a tenth of
    # storing an article's claims.
    values = {name: getattr(item, name) for name in Claim.EXTRACTED_FIELDS if hasattr(item, name)}
    for name in _TEXT_FIELDS & values.keys():
        values[name] = values[name] or ""
    values["text"] = values["text"][:500]
    # Extractor versions without these fields leave them as they are.
    if "population" in values:
        values["population"] = values["population"][:100]
    if "place" in values:
        values["place"] = values["place"][:200]
    values["checkworthiness"] = min(1.0, max(0.0, float(values["checkworthiness"])))
    return values


def _changed(claim: Claim, values: dict) -> bool:
    return any(getattr(claim, name) != value for name, value in values.items())


def _with_history(claim_ids: list[int]) -> set[int]:
    """The claims among ``claim_ids`` that have reviews or evidence attached."""
    if not claim_ids:
        return set()
    reviewed = Review.objects.filter(claim_id__in=claim_ids).values_list("claim_id", flat=True)
    evidenced = Evidence.objects.filter(claim_id__in=claim_ids).values_list("claim_id", flat=True)
    return set(reviewed) | set(evidenced)


def article_requeue(*, article_id: int) -> bool:
    """Queue an article for extraction again (a new extractor, or an admin's request).

    Reviewed claims survive a re-run; see ``claims_write_for_article``. Articles being
    fetched, being extracted within the lease, or in a language the extractor does
    not read are left alone; False says so.
    """
    if not _requeue(article_id):
        return False
    task_send_on_commit(EXTRACT_ARTICLE, article_id)
    return True


@dataclass(frozen=True)
class RequeueResult:
    queued: list[int]
    skipped: list[int]

    def summary(self) -> str:
        queued, skipped = len(self.queued), len(self.skipped)
        message = f"{queued} article{'s' if queued != 1 else ''} queued for extraction."
        if skipped:
            message += (
                f" {skipped} skipped: being fetched or extracted right now, or not in English."
            )
        return message


def articles_requeue(*, article_ids: Iterable[int]) -> RequeueResult:
    """``article_requeue`` for many articles (the admin's action, ``manage.py reextract``).

    The tasks are sent once the transaction commits, stopping at the first one the
    broker refuses: what is not sent stays queued, and the sweep sends it later.
    """
    queued, skipped = [], []
    for article_id in article_ids:
        (queued if _requeue(article_id) else skipped).append(article_id)
    if queued:
        transaction.on_commit(lambda: tasks_send_each(EXTRACT_ARTICLE, queued))
    return RequeueResult(queued=queued, skipped=skipped)


def _requeue(article_id: int) -> bool:
    now = timezone.now()
    changed = (
        Article.objects.filter(pk=article_id)
        .exclude(status__in=[Article.Status.FETCHING, Article.Status.UNSUPPORTED])
        .exclude(
            status=Article.Status.EXTRACTING,
            status_changed_at__gte=now - extraction_lease(),
        )
        .update(
            status=Article.Status.QUEUED,
            status_changed_at=now,
            attempts=0,
            last_error="",
            progress_done=0,
            progress_total=0,
        )
    )
    return bool(changed)


def articles_sweep_stale(*, older_than: timedelta | None = None) -> dict[str, int]:
    """Send again the articles whose task was lost; fail those past the attempt cap.

    Covers a broker that was down at submit time (article still ``queued``), a
    message the broker dropped with its worker (the embedded broker deletes a message
    when it is fetched) and a worker killed mid-task (article left ``extracting``).
    An article that cannot be sent now stays stale, so the next sweep tries again.
    """
    now = timezone.now()
    cutoff = now - (older_than if older_than is not None else sweep_timeout())
    max_attempts = settings.NEWSFACTS_MAX_EXTRACTION_ATTEMPTS

    # Each UPDATE re-checks the timestamp, so that an article whose worker reported
    # in the meantime is left to it.
    failed = (
        Article.objects.stale(older_than=cutoff)
        .filter(attempts__gte=max_attempts)
        .update(
            status=Article.Status.FAILED,
            status_changed_at=now,
            last_error=(
                f"Extraction did not finish after {max_attempts} attempts "
                "(the worker stopped or timed out each time)."
            ),
        )
    )
    requeued = (
        Article.objects.stale(older_than=cutoff)
        .filter(status=Article.Status.EXTRACTING)
        .update(status=Article.Status.QUEUED)
    )
    ids = list(
        Article.objects.stale(older_than=cutoff)
        .filter(status=Article.Status.QUEUED)
        .order_by("status_changed_at")
        .values_list("pk", flat=True)
    )
    sent = tasks_send_each(EXTRACT_ARTICLE, ids)
    # Restart the clock of what was sent, so the next sweep leaves it to the workers.
    Article.objects.filter(pk__in=sent, status=Article.Status.QUEUED).update(
        status_changed_at=timezone.now()
    )
    result = {
        "failed": failed,
        "requeued": requeued,
        "sent": len(sent),
        "unsent": len(ids) - len(sent),
    }
    logger.info("extraction sweep %s", " ".join(f"{k}={v}" for k, v in result.items()))
    return result


def sweep_timeout() -> timedelta:
    """How long a row may wait in queued, extracting or fetching before a sweep acts."""
    return timedelta(seconds=settings.NEWSFACTS_SWEEP_AFTER_SECONDS)
