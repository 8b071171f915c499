"""Output shapes shared by several endpoints.

The claim shape is on every list page, so claims are read as plain ``values()`` rows
(no model instances) and ``ClaimOutputSerializer`` builds its dict by hand, a fraction
of the time of field-by-field serialisation. Its declared fields are what the schema
documents; a test holds the two together.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.db.models import QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import DateTimeField

from claims.api.claimreview import CLAIM_REVIEW_FIELDS
from claims.models import Article, Claim, Evidence, Review, Source
from claims.prepared import prepared_rows
from claims.services.outage import UNREACHABLE_NOTICE

_drf_datetime = DateTimeField().to_representation


def _datetime(value: datetime | None, zone=None) -> str | None:
    """What DRF's DateTimeField shows (ISO 8601, UTC as "Z"), without its per-call
    settings and time-zone look-ups."""
    if value is None:
        return None
    if value.tzinfo is None:
        return _drf_datetime(value)
    text = value.astimezone(zone or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _moments_shown(zone) -> Callable:
    """How a page shows its dates in ``zone``: as ``_datetime`` writes them.

    In UTC, the zone the database gives every date in, the dates stay as they are and
    the renderer writes them: orjson in C, DRF's encoder for the browsable API and the
    CSV, each as ISO 8601 with "Z", like ``_datetime`` (DRF's own DateTimeField hands
    dates to the renderer the same way when DATETIME_FORMAT is None). A page has a
    hundred dates, and writing each in Python was a fifth of its serialisation.
    """
    if getattr(zone, "key", None) == "UTC" or zone is UTC:
        return _as_read
    return lambda value: _datetime(value, zone)


def _as_read(value):
    if value is None or value.tzinfo is UTC or value.utcoffset() == _ZERO:
        return value
    return _datetime(value, UTC)


_ZERO = timedelta(0)


CLAIM_FIELDS = (
    "id",
    "start",
    "end",
    "text",
    *Claim.READING_FIELDS,
    "kind",
    "quantity_id",
    "article__story_id",
    "is_quote",
    "sentence",
    "checkworthiness",
    "verdict",
    "version",
    "reviewed_at",
    "article_id",
    "article__title",
    "article__url",
    "article__published_at",
    "article__source_id",
    "article__source__name",
    "article__source__slug",
)
_EVIDENCE_FIELDS = (
    "id",
    "claim_id",
    "stance",
    "url",
    "source_id",
    "source__name",
    "quoted_figure",
    "note",
    "created_at",
)


def _latest_note_sql() -> str:
    # Only table and column names from the models go into the text, never input.
    review, claim = Review._meta, Claim._meta
    note, claim_id, created, pk = (
        review.get_field(name).column for name in ("note", "claim", "created_at", "id")
    )
    outer = f"{claim.db_table}.{claim.get_field('id').column}"
    return (
        f"SELECT r.{note} FROM {review.db_table} r WHERE r.{claim_id} = {outer} "  # noqa: S608
        f"ORDER BY r.{created} DESC, r.{pk} DESC LIMIT 1"
    )


# Raw SQL, not a Subquery: the ORM copies and resolves a subquery's whole query on every
# use, a third of the cost of building a claim page's query. It names the claim table
# as the outer query does when claims are read as rows, their only use (as a subquery
# of another query the table would be renamed). The (claim, -created_at, -id) index answers.
_LATEST_NOTE = RawSQL(_latest_note_sql(), (), output_field=TextField())  # noqa: S611


def claim_rows(queryset: QuerySet | None = None, *, extra: tuple[str, ...] = ()) -> QuerySet:
    """Claims as plain rows of what the API shows: one query, no model instances.

    Lists build a page of these per request, so they skip the ORM's object building;
    the article body is never read; the latest review's note is a subquery on the
    (claim, -created_at) index. ``rows_with_evidence`` adds the evidence afterwards.
    ``extra`` names more columns to read, such as the one a page is ordered by.
    """
    queryset = Claim.objects.all() if queryset is None else queryset
    fields = dict.fromkeys([*CLAIM_FIELDS, *extra])
    return queryset.values(*fields, note=_LATEST_NOTE)


def rows_with_evidence(rows: list[dict]) -> list[dict]:
    """Attach each row's evidence (``evidence`` list) with one query for all of them."""
    by_claim: dict[int, list[dict]] = {row["id"]: [] for row in rows}
    if by_claim:
        evidence = prepared_rows("api-evidence", _evidence_of, claim_ids=list(by_claim))
        for item in evidence:
            by_claim[item["claim_id"]].append(item)
    for row in rows:
        row["evidence"] = by_claim[row["id"]]
    return rows


def _evidence_of(*, claim_ids: list[int]) -> QuerySet:
    return (
        Evidence.objects.filter(claim_id__in=claim_ids)
        .order_by("created_at", "id")
        .values(*_EVIDENCE_FIELDS)
    )


def claim_review_rows(queryset: QuerySet) -> QuerySet:
    """Claims as the rows ClaimReview documents are made from, with the latest note."""
    return queryset.values(*CLAIM_REVIEW_FIELDS, note=_LATEST_NOTE)


class SourceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.SlugField()


class ArticleRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(allow_blank=True)
    url = serializers.URLField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)


class EvidenceSourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class EvidenceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    stance = serializers.ChoiceField(choices=Evidence.Stance.choices)
    url = serializers.CharField(allow_blank=True)
    source = EvidenceSourceSerializer(allow_null=True)
    quoted_figure = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


def _evidence_dict(item: dict, shown: Callable) -> dict:
    source_id = item["source_id"]
    return {
        "id": item["id"],
        "stance": item["stance"],
        "url": item["url"],
        "source": {"id": source_id, "name": item["source__name"]} if source_id else None,
        "quoted_figure": item["quoted_figure"],
        "note": item["note"],
        "created_at": shown(item["created_at"]),
    }


def claim_dicts(rows: list[dict]) -> list[dict]:
    """What ``ClaimOutputSerializer(rows, many=True).data`` holds, as a plain list.

    DRF's ``.data`` is a list that keeps its serializer, which keeps the list: every
    page of claims became garbage only the cyclic collector frees, and collecting
    them took a tenth of a page's CPU. Freed as soon as the answer is written instead.
    """
    # The time zone once for the page, not three times a row.
    shown = _moments_shown(timezone.get_current_timezone())
    return [claim_dict(row, shown) for row in rows]


class ClaimListSerializer(serializers.ListSerializer):
    def to_representation(self, rows) -> list[dict]:
        return claim_dicts(rows)


class ClaimOutputSerializer(serializers.ModelSerializer):
    """A claim as the API shows it; the reading fields are documented from the model."""

    text = serializers.CharField(help_text="The quantity expression as written.")
    story = serializers.IntegerField(
        allow_null=True, help_text="The story (event) its article belongs to."
    )
    quantity = serializers.IntegerField(
        allow_null=True,
        help_text="The figures of the story that measure the same thing share this id.",
    )
    verdict_label = serializers.CharField()
    version = serializers.IntegerField(help_text="Send it back with a review (optimistic lock).")
    note = serializers.CharField(allow_blank=True, help_text="The latest review's note.")
    article = ArticleRefSerializer()
    source = SourceRefSerializer(allow_null=True)
    evidence = EvidenceOutputSerializer(many=True)

    class Meta:
        model = Claim
        list_serializer_class = ClaimListSerializer
        fields = (
            "id",
            "text",
            "sentence",
            "start",
            "end",
            *Claim.READING_FIELDS,
            "story",
            "quantity",
            "kind",
            "is_quote",
            "checkworthiness",
            "verdict",
            "verdict_label",
            "version",
            "note",
            "reviewed_at",
            "article",
            "source",
            "evidence",
        )

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        # An output shape: every field is always there, null or blank where the model
        # allows it.
        kwargs.pop("required", None)
        return field_class, kwargs

    def to_representation(self, row: dict) -> dict:
        """``row`` is one of ``claim_rows`` with its evidence (``rows_with_evidence``)."""
        return claim_dict(row, _moments_shown(timezone.get_current_timezone()))


def claim_dict(row: dict, shown: Callable) -> dict:
    """The API's claim from one of ``claim_rows`` with its evidence, in one pass;
    ``shown`` writes its dates (``_moments_shown``)."""
    source_id = row["article__source_id"]
    return {
        "id": row["id"],
        "text": row["text"],
        "sentence": row["sentence"],
        "start": row["start"],
        "end": row["end"],
        # Claim.READING_FIELDS, which a test holds to this list.
        "value": row["value"],
        "lower": row["lower"],
        "upper": row["upper"],
        "qualifier": row["qualifier"],
        "unit": row["unit"],
        "event": row["event"],
        "trend": row["trend"],
        "attribution": row["attribution"],
        "measure": row["measure"],
        "population": row["population"],
        "period": row["period"],
        "kind": row["kind"],
        "story": row["article__story_id"],
        "quantity": row["quantity_id"],
        "is_quote": row["is_quote"],
        "checkworthiness": row["checkworthiness"],
        "verdict": row["verdict"],
        "verdict_label": _VERDICT_LABELS.get(row["verdict"], row["verdict"]),
        "version": row["version"],
        "note": row["note"] or "",
        "reviewed_at": shown(row["reviewed_at"]),
        "article": {
            "id": row["article_id"],
            "title": row["article__title"],
            "url": row["article__url"],
            "published_at": shown(row["article__published_at"]),
        },
        "source": (
            {
                "id": source_id,
                "name": row["article__source__name"],
                "slug": row["article__source__slug"],
            }
            if source_id
            else None
        ),
        "evidence": [_evidence_dict(item, shown) for item in row["evidence"]],
    }


_VERDICT_LABELS = {str(value): str(label) for value, label in Claim.Verdict.choices}


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(source="progress_done")
    total = serializers.IntegerField(source="progress_total")
    percent = serializers.IntegerField(source="progress_percent", min_value=0, max_value=100)


class ArticlePublicSerializer(serializers.Serializer):
    """What consumers see of an article: where its reviewed claims come from."""

    id = serializers.IntegerField()
    title = serializers.CharField(allow_blank=True)
    url = serializers.URLField(allow_null=True)
    source = SourceRefSerializer(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)


_EDITORS_ONLY = "Editors only."


class ArticleOutputSerializer(ArticlePublicSerializer):
    """Editors see the article's processing too. Consumers' answers leave these fields
    out, so the schema documents them as optional."""

    origin = serializers.ChoiceField(
        choices=Article.Origin.choices, required=False, help_text=_EDITORS_ONLY
    )
    created_at = serializers.DateTimeField(required=False, help_text=_EDITORS_ONLY)
    language = serializers.CharField(allow_blank=True, required=False, help_text=_EDITORS_ONLY)
    status = serializers.ChoiceField(
        choices=Article.Status.choices, required=False, help_text=_EDITORS_ONLY
    )
    status_label = serializers.CharField(
        source="get_status_display", required=False, help_text=_EDITORS_ONLY
    )
    error = serializers.CharField(
        source="last_error", allow_blank=True, required=False, help_text=_EDITORS_ONLY
    )
    progress = ProgressSerializer(source="*", required=False, help_text=_EDITORS_ONLY)
    claim_count = serializers.IntegerField(required=False, help_text=_EDITORS_ONLY)
    reviewed_count = serializers.IntegerField(required=False, help_text=_EDITORS_ONLY)
    notice = serializers.SerializerMethodField(
        help_text="Editors only. Set while the article waits because the workers could "
        "not be reached."
    )

    @extend_schema_field({"type": "string", "nullable": True})
    def get_notice(self, article: Article) -> str | None:
        return UNREACHABLE_NOTICE if article.workers_unreachable else None


def articles_for_api(queryset: QuerySet | None = None) -> QuerySet:
    """Articles with their counts and source, without their bodies."""
    queryset = Article.objects.all() if queryset is None else queryset
    return queryset.select_related("source").defer("body").with_claim_counts()


def public_articles_for_api(queryset: QuerySet | None = None) -> QuerySet:
    """Articles that have a reviewed claim, with only what consumers are shown."""
    queryset = Article.objects.all() if queryset is None else queryset
    return (
        queryset.with_reviewed_claims()
        .select_related("source")
        .only(
            "id",
            "title",
            "url",
            "published_at",
            "created_at",
            "source__id",
            "source__name",
            "source__slug",
        )
    )


class SourceOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ("id", "name", "slug", "kind", "homepage", "country", "is_active")
