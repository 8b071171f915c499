"""Query-string filters for claim lists, validated like any other input."""

from __future__ import annotations

import copy
import functools
from datetime import datetime, time

from django.db.models import Q, QuerySet
from django.utils import timezone
from rest_framework import serializers

from claims.extraction.lemmas import stored_forms
from claims.models import Claim
from claims.pagination import CLAIM_ORDERINGS, MAX_ID

ORDERINGS = CLAIM_ORDERINGS
DEFAULT_ORDERING = "-reviewed_at"


class QueryParamsSerializer(serializers.Serializer):
    """Query-string parameters: one given but left empty (``status=``) is refused.

    DRF reads an empty optional parameter as absent, so ``verdict=`` would list every
    claim; a client that sends one has lost its value somewhere and should be told.
    """

    def get_fields(self) -> dict:
        # Every list request reads its query string through one of these. DRF gives
        # each serializer deep copies of the declared fields, which builds every field
        # anew (a tenth of a claim page's CPU); a shallow copy is enough here, as
        # binding sets the copy's own attributes and validation keeps no other state.
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}

    def to_internal_value(self, data):
        empty = [name for name in self.fields if name in data and data.get(name) == ""]
        if empty:
            raise serializers.ValidationError(
                {name: ["Give a value, or leave the parameter out."] for name in empty}
            )
        return super().to_internal_value(data)


class SourceReferenceField(serializers.RegexField):
    """A source's id or its slug: ``source=12`` or ``source=reuters``."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", "A source's id or its slug.")
        kwargs.setdefault(
            "error_messages", {"invalid": "Give a source's id (a number) or its slug."}
        )
        super().__init__(r"^[-a-zA-Z0-9_]+\Z", **kwargs)

    def run_validation(self, data=serializers.empty) -> int | str:
        # The text is checked as text first (length, blank), then read.
        reference = super().run_validation(data)
        return source_reference(reference)


def source_reference(reference: str) -> int | str:
    """An id (ASCII digits, within a database id) or else a slug.

    ``str.isdigit`` is not enough: "²" passes it and fails ``int()``.
    """
    if reference.isascii() and reference.isdigit():
        number = int(reference)
        if 0 < number <= MAX_ID:
            return number
        raise serializers.ValidationError("There is no source with this id.")
    return reference


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


class ClaimFilterSerializer(QueryParamsSerializer):
    """The claim list's filters: the same names, and meanings, as the web queue's."""

    verdict = serializers.ChoiceField(choices=Claim.Verdict.choices, required=False)
    source = SourceReferenceField(required=False)
    article = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    story = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    event = serializers.CharField(
        required=False, max_length=100, help_text="Any form of the word: killed, kills, kill."
    )
    unit = serializers.CharField(
        required=False,
        max_length=100,
        help_text="The counted thing, in any form: persons, person.",
    )
    qualifier = serializers.ChoiceField(choices=Claim.Qualifier.choices, required=False)
    measure = serializers.ChoiceField(choices=Claim.Measure.choices, required=False)
    in_conflict = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Only figures another figure of the same quantity contradicts (or not).",
    )
    assigned = serializers.ChoiceField(
        choices=[("me", "Assigned to me"), ("none", "Assigned to nobody")], required=False
    )
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
    added_since = DateOrDateTimeField(
        required=False, help_text="When the article was added to newsfacts."
    )
    added_until = DateOrDateTimeField(required=False, end_of_day=True)
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
        for name in ("reviewed", "published", "added"):
            since, until = attrs.get(f"{name}_since"), attrs.get(f"{name}_until")
            if since is not None and until is not None and since > until:
                raise serializers.ValidationError(
                    {f"{name}_until": [f"Must not be before {name}_since."]}
                )
        return attrs


def _finite(value: float) -> float:
    if value != value or value in (float("inf"), float("-inf")):
        raise serializers.ValidationError("Give a finite number.")
    return value


def claim_filters(params) -> dict:
    """The validated filters of a query string (``ValidationError`` when they are not).

    The same filters come back again and again (a client polls its list, pages through
    it), and validating twenty fields cost as much CPU as reading a claim: the result
    is kept per query string's filters and time zone (a bare date is midnight there).
    """
    names = _filter_names()
    given = tuple((name, tuple(params.getlist(name))) for name in names if name in params)
    return dict(_validated_filters(given, timezone.get_current_timezone_name()))


@functools.cache
def _filter_names() -> tuple[str, ...]:
    return tuple(ClaimFilterSerializer().fields)


@functools.lru_cache(maxsize=1024)
def _validated_filters(given: tuple, zone: str) -> dict:
    # What a QueryDict gives a field: the last value of its name.
    filters = ClaimFilterSerializer(data={name: values[-1] for name, values in given})
    filters.is_valid(raise_exception=True)
    return dict(filters.validated_data)


def claims_filter(queryset: QuerySet, filters: dict, *, user) -> QuerySet:
    """Apply validated ``ClaimFilterSerializer`` data."""
    return claims_filter_values(queryset, claim_filter_values(filters), user=user)


def claim_filter_values(filters: dict) -> dict:
    """Validated ``ClaimFilterSerializer`` data as the values ``claims_filter_values``
    puts into the query as they are: an event or unit as the list of its stored forms."""
    values = {name: value for name, value in filters.items() if name != "ordering"}
    if "event" in values:
        values["event"] = list(stored_forms(values["event"], role="event"))
    if "unit" in values:
        values["unit"] = list(stored_forms(values["unit"], role="unit"))
    return values


def claims_filter_values(queryset: QuerySet, values: dict, *, user) -> QuerySet:
    """Apply ``claim_filter_values``."""
    queryset = queryset.matching(
        verdict=values.get("verdict", ""),
        source=values.get("source"),
        article_id=values.get("article"),
        story_id=values.get("story"),
        events=values.get("event", ()),
        units=values.get("unit", ()),
        qualifier=values.get("qualifier", ""),
        measure=values.get("measure", ""),
        in_conflict=values.get("in_conflict"),
        assigned_to=user if values.get("assigned") == "me" else None,
        unassigned=values.get("assigned") == "none",
        search=(values.get("q") or "").strip(),
        added_since=values.get("added_since"),
        added_until=values.get("added_until"),
        published_since=values.get("published_since"),
        published_until=values.get("published_until"),
        reviewed_since=values.get("reviewed_since"),
        reviewed_until=values.get("reviewed_until"),
    )
    if "value_min" in values or "value_max" in values:
        # A figure with no bound at all commits to nothing, so matches no range.
        queryset = queryset.with_bounds().exclude(bound_low__isnull=True, bound_high__isnull=True)
        if "value_min" in values:
            queryset = queryset.filter(
                Q(bound_high__gte=values["value_min"]) | Q(bound_high__isnull=True)
            )
        if "value_max" in values:
            queryset = queryset.filter(
                Q(bound_low__lte=values["value_max"]) | Q(bound_low__isnull=True)
            )
    return queryset
