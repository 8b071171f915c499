"""Reviewing claims: verdicts, corrections, evidence, assignment, cross-referencing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from claims.models import EVIDENCE_NEEDS_ORIGIN, Claim, Evidence, Review, Source, TakeoverNotice
from claims.services import xref
from claims.services.tallies import claims_tally, reviews_tally
from claims.services.xref import Relation

# A correction of these can move the figure to another quantity or change a conflict.
_QUANTITY_FIELDS = frozenset(
    {"value", "lower", "upper", "qualifier", "measure", "population", "period", "place"}
)
# Claims reading the same on these fields are "identical figures" (repeats).
_IDENTITY_FIELDS = ("value", "lower", "upper", "qualifier", "unit", "event")


class StaleVersion(Exception):
    """Someone else changed the claim since the editor loaded it (a lost update refused).

    ``current`` is the claim as it is now, so the editor can see the other verdict.
    """

    def __init__(self, current: Claim) -> None:
        self.current = current
        who = current.reviewed_by.get_username() if current.reviewed_by else "someone"
        super().__init__(
            f"{who} changed this claim while you were reviewing it: it is now "
            f"“{current.get_verdict_display()}”. Nothing of yours was saved; "
            "look at their verdict and submit again if you still disagree."
        )


class VersionUnknown(ValueError):
    """The version sent was never the claim's: a made-up or garbled form, not a race."""

    def __init__(self, *, sent: int, current: int) -> None:
        self.sent, self.current = sent, current
        super().__init__(
            f"This claim has never been at version {sent}; it is at version {current}. "
            "Reload the claim and submit again."
        )


class EvidenceInvalid(ValueError):
    """Evidence that cannot be stored; the message is for the editor."""


@dataclass(frozen=True)
class EvidenceInput:
    stance: str
    url: str = ""
    source: Source | None = None
    quoted_figure: str = ""
    note: str = ""

    def is_empty(self) -> bool:
        """Nothing but a stance: no evidence was given."""
        return not (self.url or self.source or self.quoted_figure or self.note)

    def problem(self) -> str | None:
        """Why this evidence cannot be stored, or None. Forms and the API ask first;
        ``evidence_add`` asks again, so no path reaches the database constraint."""
        if not (self.url or self.source):
            return EVIDENCE_NEEDS_ORIGIN
        if self.stance not in Evidence.Stance.values:
            return f"Unknown stance {self.stance!r}."
        return None


def _take_version(*, claim_id: int, expected_version: int, **changes) -> Claim:
    """Apply ``changes`` only if the claim is still at ``expected_version``.

    The conditional UPDATE is the lock: of two editors saving the same version, one
    changes the row and the other changes nothing and gets a StaleVersion.
    """
    updated = Claim.objects.filter(pk=claim_id, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **changes
    )
    if not updated:
        current = Claim.objects.select_related("reviewed_by").get(pk=claim_id)
        if expected_version > current.version:
            # Versions only grow: nobody can have saved a version not reached yet.
            raise VersionUnknown(sent=expected_version, current=current.version)
        raise StaleVersion(current)
    return Claim.objects.select_related("article", "reviewed_by").get(pk=claim_id)


@transaction.atomic
def review_submit(
    *,
    claim_id: int,
    reviewer,
    verdict: str,
    expected_version: int,
    note: str = "",
    evidence: EvidenceInput | None = None,
    apply_to_identical: bool = False,
) -> Claim:
    """Record a verdict, its history entry and any evidence, under the optimistic lock.

    With ``apply_to_identical`` the same verdict goes to the repeats of the figure in
    the same article (same reading) that nobody has reviewed yet; each gets its own
    history entry pointing back to this claim.
    """
    if verdict not in Claim.Verdict.values:
        raise ValueError(f"Unknown verdict {verdict!r}.")
    if evidence is not None and not evidence.is_empty() and evidence.problem():
        # Refused before anything is written: the verdict is not half-recorded.
        raise EvidenceInvalid(evidence.problem())
    before = Claim.objects.filter(pk=claim_id).values_list("verdict", flat=True).first()
    if before is None:
        raise Claim.DoesNotExist(f"Claim {claim_id} does not exist.")
    now = timezone.now()
    claim = _take_version(
        claim_id=claim_id,
        expected_version=expected_version,
        verdict=verdict,
        reviewed_by=reviewer,
        reviewed_at=now,
    )
    Review.objects.create(
        claim=claim,
        reviewer=reviewer,
        from_verdict=before,
        to_verdict=verdict,
        note=note,
        created_at=now,
    )
    _tally_verdict_change(claim.article.source_id, before, verdict, now=now)
    if evidence is not None and not evidence.is_empty():
        evidence_add(claim=claim, added_by=reviewer, evidence=evidence)
    if apply_to_identical:
        _apply_to_identical(claim, reviewer=reviewer, note=note, now=now)
    return claim


def _apply_to_identical(claim: Claim, *, reviewer, note: str, now) -> int:
    repeats = list(claims_identical(claim).unreviewed().select_for_update())
    for repeat in repeats:
        Claim.objects.filter(pk=repeat.pk, version=repeat.version).update(
            verdict=claim.verdict,
            reviewed_by=reviewer,
            reviewed_at=now,
            version=F("version") + 1,
            updated_at=now,
        )
    Review.objects.bulk_create(
        Review(
            claim=repeat,
            reviewer=reviewer,
            from_verdict=repeat.verdict,
            to_verdict=claim.verdict,
            note=f"Same figure as claim #{claim.pk}. {note}".strip(),
            created_at=now,
        )
        for repeat in repeats
    )
    if repeats:
        source_id = claim.article.source_id
        unreviewed = Claim.Verdict.UNREVIEWED
        _tally_verdict_change(source_id, unreviewed, claim.verdict, now=now, n=len(repeats))
    return len(repeats)


def _tally_verdict_change(source_id: int | None, before: str, after: str, *, now, n: int = 1):
    if before == after:
        return  # Not a review for the dashboard, as for its reviews-per-day chart.
    claims_tally([(source_id, before, -n), (source_id, after, n)])
    reviews_tally(timezone.localdate(now), n)


def claims_identical(claim: Claim):
    """The repeats of this figure in the same article: the same normalised reading."""
    return (
        Claim.objects.filter(
            article_id=claim.article_id, **{f: getattr(claim, f) for f in _IDENTITY_FIELDS}
        )
        .exclude(pk=claim.pk)
        .order_by("start")
    )


def evidence_add(*, claim: Claim, added_by, evidence: EvidenceInput) -> Evidence:
    problem = evidence.problem()
    if problem:
        raise EvidenceInvalid(problem)
    return Evidence.objects.create(
        claim=claim,
        added_by=added_by,
        url=evidence.url,
        source=evidence.source,
        quoted_figure=evidence.quoted_figure,
        stance=evidence.stance,
        note=evidence.note,
    )


@transaction.atomic
def claim_correct(*, claim_id: int, editor, expected_version: int, **fields) -> Claim:
    """Correct the extractor's reading of a figure (``Claim.READING_FIELDS``); the change
    goes into the history."""
    unknown = set(fields) - set(Claim.READING_FIELDS)
    if unknown:
        raise ValueError(f"These fields cannot be corrected: {', '.join(sorted(unknown))}.")
    old = Claim.objects.get(pk=claim_id)
    changes = {name: value for name, value in fields.items() if getattr(old, name) != value}
    if not changes:
        return old
    claim = _take_version(claim_id=claim_id, expected_version=expected_version, **changes)
    described = "; ".join(
        f"{name}: {_shown(getattr(old, name))} → {_shown(value)}" for name, value in changes.items()
    )
    Review.objects.create(
        claim=claim,
        reviewer=editor,
        from_verdict=claim.verdict,
        to_verdict=claim.verdict,
        note=f"Corrected the reading. {described}",
    )
    if claim.article.story_id is not None and set(changes) & _QUANTITY_FIELDS:
        # The figure may now belong to another quantity, or stop or start a conflict.
        from claims.services.stories import story_refresh

        story_refresh(story_id=claim.article.story_id)
        claim.refresh_from_db()
    return claim


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return str(value)


@transaction.atomic
def claims_assign(*, claim_ids: list[int], user, take_over: bool = False) -> int:
    """Give unreviewed claims to an editor; returns how many were assigned.

    Claims another editor holds are only taken with ``take_over`` (the editor has
    confirmed it); each previous assignee then finds a notice in their "My claims".
    """
    now = timezone.now()
    claims = Claim.objects.filter(pk__in=claim_ids).unreviewed()
    # The condition is in the UPDATE: a claim someone took a moment ago stays theirs.
    assigned = claims.filter(Q(assigned_to__isnull=True) | Q(assigned_to=user)).update(
        assigned_to=user, updated_at=now
    )
    taken = []
    if take_over:
        for pk, owner in claims.held_by_others(user).values_list("pk", "assigned_to_id"):
            # Conditional on the holder just read, so that the notice goes to whoever
            # really lost the claim.
            if Claim.objects.filter(pk=pk, assigned_to_id=owner).update(
                assigned_to=user, updated_at=now
            ):
                taken.append(
                    TakeoverNotice(
                        claim_id=pk, previous_assignee_id=owner, taken_by=user, created_at=now
                    )
                )
        TakeoverNotice.objects.bulk_create(taken)
    return assigned + len(taken)


@dataclass
class BulkReviewResult:
    applied: list[Claim]
    # Rows someone else changed since the editor loaded the queue, with what happened.
    stale: list[tuple[int, StaleVersion]]
    missing: list[int]


def reviews_submit_bulk(*, reviewer, verdict: str, versions: dict[int, int]) -> BulkReviewResult:
    """The same verdict on several claims, each through ``review_submit`` with the version
    the editor saw. Deliberately not one transaction: a conflict on one row is reported
    for that row and the others are still saved."""
    result = BulkReviewResult(applied=[], stale=[], missing=[])
    for claim_id, version in versions.items():
        try:
            claim = review_submit(
                claim_id=claim_id, reviewer=reviewer, verdict=verdict, expected_version=version
            )
        except StaleVersion as stale:
            result.stale.append((claim_id, stale))
        except Claim.DoesNotExist:
            result.missing.append(claim_id)
        else:
            result.applied.append(claim)
    return result


def takeover_notices_dismiss(*, user, notice_ids: list[int] | None = None) -> int:
    """Mark the editor's takeover notices seen (all of them, or these)."""
    notices = TakeoverNotice.objects.filter(previous_assignee=user, seen_at__isnull=True)
    if notice_ids is not None:
        notices = notices.filter(pk__in=notice_ids)
    return notices.update(seen_at=timezone.now())


def claims_unassign(*, claim_ids: list[int], user) -> int:
    return Claim.objects.filter(pk__in=claim_ids, assigned_to=user).update(
        assigned_to=None, updated_at=timezone.now()
    )


# --- Cross-referencing ------------------------------------------------------------


@dataclass(frozen=True)
class RelatedFigure:
    claim: Claim
    relation: Relation
    same_article: bool
    # How far apart the two figures' ranges are: 0 when they overlap; otherwise the
    # gap between them, signed (+ when the other figure is higher).
    difference: float
    # The gap relative to this claim's figure, when that is meaningful.
    difference_percent: float | None

    @property
    def agrees(self) -> bool:
        return self.relation is Relation.AGREES


# The fields of a related figure that xref.relate / difference and the claim page's
# related rows (claims_tags.related_rows) read.
RELATED_FIGURE_FIELDS = (
    "article_id",
    "start",
    "end",
    "text",
    "value",
    "lower",
    "upper",
    "qualifier",
    "kind",
    "unit",
    "measure",
    "attribution",
    "sentence",
    "sentence_start",
    "sentence_end",
    "verdict",
    "article__title",
    "article__url",
    "article__source_id",
    "article__published_at",
    "article__created_at",
    "article__source__name",
)


def claims_related(claim: Claim, *, limit: int = 50) -> list[RelatedFigure]:
    """The other figures of the claim's quantity: the same story, measure, population,
    period and place, from every article (repeats in its own article included).

    Never a match on words across stories: a claim without a quantity has none.
    Conflicts come first, then figures from other articles before repeats, in the
    order they were reported.
    """
    if claim.quantity_id is None:
        return []
    candidates = list(
        Claim.objects.filter(quantity_id=claim.quantity_id)
        .exclude(pk=claim.pk)
        .select_related("article", "article__source")
        # What relating and showing a figure reads: a quantity holds dozens of them,
        # and each of the other columns would be decoded and set on every one.
        .only(*RELATED_FIGURE_FIELDS)
        .order_by("article_id", "start")[:limit]
    )
    related = []
    for other in candidates:
        gap, percent = xref.difference(claim, other)
        related.append(
            RelatedFigure(
                claim=other,
                relation=xref.relate(claim, other),
                same_article=other.article_id == claim.article_id,
                difference=gap,
                difference_percent=percent,
            )
        )
    related.sort(
        key=lambda r: (
            r.relation is not Relation.CONFLICTS,
            r.same_article,
            xref.published_time(r.claim),
            r.claim.article_id,
            r.claim.start,
        )
    )
    return related
