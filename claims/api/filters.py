"""Query-string filters for claim lists, validated like any other input."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone
from rest_framework import serializers

from claims.models import Claim

from .pagination import Ordering

ORDERINGS = {
    "reviewed_at": Ordering("reviewed_at", descending=False, nullable=True, is_datetime=True),
    "-reviewed_at": Ordering("reviewed_at", descending=True, nullable=True, is_datetime=True),
    "checkworthiness": Ordering("checkworthiness", descending=False),
    "-checkworthiness": Ordering("checkworthiness", descending=True),
    "published_at": Ordering(
        "article__published_at", descending=False, nullable=True, is_datetime=True
    ),
    "-published_at": Ordering(
        "article__published_at", descending=True, nullable=True, is_datetime=True
    ),
    "id": Ordering("id", descending=False),
    "-id": Ordering("id", descending=True),
}
DEFAULT_ORDERING = "-reviewed_at"


class DateOrDateTimeField(serializers.DateTimeField):
    """Accepts 2024-05-01 as well as a full timestamp; a bare date means its midnight."""

    def __init__(self, *, end_of_day: bool = False, **kwargs) -> None:
        self.end_of_day = end_of_day
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        if isinstance(value, str) and len(value) == 10:
            day = serializers.DateField().to_internal_value(value)
            moment = datetime.combine(day, time.max if self.end_of_day else time.min)
            return timezone.make_aware(moment)
        return super().to_internal_value(value)


class ClaimFilterSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Claim.Verdict.choices, required=False)
    source = serializers.CharField(
        required=False, max_length=200, help_text="A source's id or its slug."
    )
    article = serializers.IntegerField(required=False, min_value=1)
    event = serializers.CharField(required=False, max_length=100)
    unit = serializers.CharField(required=False, max_length=100)
    qualifier = serializers.ChoiceField(choices=Claim.Qualifier.choices, required=False)
    value_min = serializers.FloatField(
        required=False,
        help_text="Claims whose [lower, upper] interval reaches at least this value.",
    )
    value_max = serializers.FloatField(
        required=False,
        help_text="Claims whose [lower, upper] interval reaches down to this value.",
    )
    reviewed_since = DateOrDateTimeField(required=False)
    reviewed_until = DateOrDateTimeField(required=False, end_of_day=True)
    published_since = DateOrDateTimeField(required=False)
    published_until = DateOrDateTimeField(required=False, end_of_day=True)
    q = serializers.CharField(
        required=False, max_length=200, help_text="Words in the claim's sentence."
    )
    ordering = serializers.ChoiceField(
        choices=list(ORDERINGS), required=False, default=DEFAULT_ORDERING
    )

    def validate_value_min(self, value: float) -> float:
        return _finite(value)

    def validate_value_max(self, value: float) -> float:
        return _finite(value)

    def validate(self, attrs: dict) -> dict:
        low, high = attrs.get("value_min"), attrs.get("value_max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"value_max": ["Must not be below value_min."]})
        return attrs


def _finite(value: float) -> float:
    if value != value or value in (float("inf"), float("-inf")):
        raise serializers.ValidationError("Give a finite number.")
    return value


def claims_filter(queryset: QuerySet, filters: dict) -> QuerySet:
    """Apply validated ``ClaimFilterSerializer`` data."""
    if "verdict" in filters:
        queryset = queryset.filter(verdict=filters["verdict"])
    if "source" in filters:
        source = filters["source"]
        if source.isdigit():
            queryset = queryset.filter(article__source_id=int(source))
        else:
            queryset = queryset.filter(article__source__slug=source)
    if "article" in filters:
        queryset = queryset.filter(article_id=filters["article"])
    for name in ("event", "unit", "qualifier"):
        if name in filters:
            queryset = queryset.filter(**{name: filters[name]})
    if "value_min" in filters or "value_max" in filters:
        # A figure with no bound at all commits to nothing, so matches no range.
        queryset = queryset.with_bounds().exclude(bound_low__isnull=True, bound_high__isnull=True)
        if "value_min" in filters:
            queryset = queryset.filter(
                Q(bound_high__gte=filters["value_min"]) | Q(bound_high__isnull=True)
            )
        if "value_max" in filters:
            queryset = queryset.filter(
                Q(bound_low__lte=filters["value_max"]) | Q(bound_low__isnull=True)
            )
    if "reviewed_since" in filters:
        queryset = queryset.filter(reviewed_at__gte=filters["reviewed_since"])
    if "reviewed_until" in filters:
        queryset = queryset.filter(reviewed_at__lte=filters["reviewed_until"])
    if "published_since" in filters:
        queryset = queryset.filter(article__published_at__gte=filters["published_since"])
    if "published_until" in filters:
        queryset = queryset.filter(article__published_at__lte=filters["published_until"])
    if filters.get("q"):
        queryset = queryset.filter(sentence__icontains=filters["q"])
    return queryset
