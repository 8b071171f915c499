from __future__ import annotations

import contextlib
from datetime import date, datetime, time

from django import forms
from django.forms.models import ModelChoiceIterator
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from claims.extraction.lemmas import stored_forms
from claims.models import EVIDENCE_NEEDS_ORIGIN, Claim, Evidence, Source
from claims.pagination import (
    CLAIM_ORDERINGS,
    CURSOR_PARAM,
    MAX_ID,
    PAGE_SIZE_PARAM,
    Cursor,
    Ordering,
    PageParameterError,
    cursor_decode,
    cursor_encode,
    page_size_from,
)

QUEUE_PAGE_SIZE = 50
QUEUE_MAX_PAGE_SIZE = 200
ANY_VERDICT = "any"


def _source_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        Source.objects.active(), required=False, empty_label="— none / unknown —"
    )


# --- Submitting articles ----------------------------------------------------------


class PasteForm(forms.Form):
    title = forms.CharField(max_length=500, required=False)
    source = _source_field()
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14, "placeholder": "Paste the article text"}),
        # No max_length: article_submit says how long is too long, in the editor's terms.
        strip=False,
    )


class UrlForm(forms.Form):
    url = forms.URLField(
        max_length=2000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://www.example.org/news/story"}),
    )
    source = _source_field()


class UploadForm(forms.Form):
    file = forms.FileField(help_text="A .txt or .html file.")
    title = forms.CharField(max_length=500, required=False)
    source = _source_field()


# --- The queue --------------------------------------------------------------------


QUEUE_ORDERINGS = [
    ("-checkworthiness", "Worth"),
    ("-added_at", "Newest article"),
    ("-published_at", "Publication date"),
]
ASSIGNED_CHOICES = [("", "Anyone or nobody"), ("me", "Me"), ("none", "Nobody (unassigned)")]
# Which date boxes the old ``dated`` selector pointed the single from/to pair at.
_OLD_DATED = {"created": "added", "published": "published"}


def queue_params(query: QueryDict) -> QueryDict:
    """The queue's query string in the current vocabulary, the one the API shares.

    Links made before the names changed keep working: ``after`` (a "worth_id" cursor),
    ``n``, ``mine=on`` and ``dated`` + ``date_from`` / ``date_to`` are translated.
    """
    params = query.copy()
    old_cursor = params.pop("after", [""])[-1]
    if old_cursor and CURSOR_PARAM not in params:
        worth, _, pk = old_cursor.partition("_")
        with contextlib.suppress(ValueError):
            params[CURSOR_PARAM] = cursor_encode(float(worth), int(pk))
    old_size = params.pop("n", [""])[-1]
    if old_size and PAGE_SIZE_PARAM not in params:
        params[PAGE_SIZE_PARAM] = old_size
    if params.pop("mine", [""])[-1] and "assigned" not in params:
        params["assigned"] = "me"
    prefix = _OLD_DATED.get(params.pop("dated", ["created"])[-1], "added")
    for old, suffix in (("date_from", "since"), ("date_to", "until")):
        value = params.pop(old, [""])[-1]
        if value and f"{prefix}_{suffix}" not in params:
            params[f"{prefix}_{suffix}"] = value
    return params


class FlatSelect(forms.Select):
    """A select of plain (value, label) choices, written in Python.

    Django's Select builds a context of a dozen keys for each option and renders two
    templates per option; the queue's filter form has about sixty options, so that
    was most of the form's 5 ms of CPU on every queue page. The HTML is the same as
    Django's; choices in groups are left to Django.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = self.format_value(value)
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        parts = [f'<select name="{conditional_escape(name)}"{_html_attrs(attrs)}>']
        has_selected = False
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                return super().render(name, value, attrs, renderer)
            option_value = "" if option_value is None else str(option_value)
            selected = (not has_selected or self.allow_multiple_selected) and (
                option_value in chosen
            )
            has_selected |= selected
            parts.append(
                f'\n  <option value="{conditional_escape(option_value)}"'
                f"{' selected' if selected else ''}>{conditional_escape(label)}</option>"
            )
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value is escaped above


def _html_attrs(attrs: dict) -> str:
    """Attributes as Django's attrs.html writes them, in their order."""
    return "".join(
        f" {key}" if value is True else f' {key}="{conditional_escape(value)}"'
        for key, value in attrs.items()
        if value is not False and value is not None
    )


class _ListedChoices(ModelChoiceIterator):
    """The choices read with a plain query. Django's own reads them through
    ``iterator()``, a server-side cursor on PostgreSQL: a DECLARE ... WITH HOLD that
    costs more than the handful of rows it brings."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):
    """A choice of a few rows (sources), read and written without per-option overhead."""

    iterator = _ListedChoices
    widget = FlatSelect


class SourceChoiceField(ListedModelChoiceField):
    """A source by id (as the select sends it) or by slug (as the API accepts it)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value)
        if value.isascii() and value.isdigit():
            return super().to_python(value)
        source = self.queryset.filter(slug=value).first()
        if source is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return source


class OptionalCheckbox(forms.CheckboxInput):
    """A checkbox whose absence means "no filter", while ``=false`` still means no,
    as the API reads it: ticked is True, ``false`` / ``0`` is False, absent is None."""

    def value_from_datadict(self, data, files, name):
        if name not in data:
            return None
        return super().value_from_datadict(data, files, name)


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        required=False, label=label, widget=forms.DateInput(attrs={"type": "date"})
    )


class QueueFilterForm(forms.Form):
    """The queue's query string. Invalid values are left out and named, never a 500."""

    verdict = forms.ChoiceField(
        choices=[(ANY_VERDICT, "Any verdict"), *Claim.Verdict.choices],
        required=False,
        widget=FlatSelect,
    )
    q = forms.CharField(required=False, max_length=200, label="Search")
    source = SourceChoiceField(Source.objects.only("pk", "name"), required=False, empty_label="Any")
    article = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    story = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    event = forms.CharField(required=False, max_length=100)
    unit = forms.CharField(required=False, max_length=100, label="Counted thing")
    qualifier = forms.ChoiceField(
        choices=[("", "Any"), *Claim.Qualifier.choices], required=False, widget=FlatSelect
    )
    measure = forms.ChoiceField(
        choices=[("", "Any"), *Claim.Measure.choices], required=False, widget=FlatSelect
    )
    in_conflict = forms.NullBooleanField(
        required=False, widget=OptionalCheckbox, label="Only figures in conflict"
    )
    assigned = forms.ChoiceField(
        choices=ASSIGNED_CHOICES, required=False, label="Assigned to", widget=FlatSelect
    )
    ordering = forms.ChoiceField(
        choices=QUEUE_ORDERINGS, required=False, label="Sort by", widget=FlatSelect
    )
    published_since = _date_field("Published from")
    published_until = _date_field("Published to")
    added_since = _date_field("Added from")
    added_until = _date_field("Added to")
    cursor = forms.CharField(required=False, widget=forms.HiddenInput)
    page_size = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        for name in ("published", "added"):
            since, until = data.get(f"{name}_since"), data.get(f"{name}_until")
            if since and until and since > until:
                # Neither end is applied: half of an inverted range lists the wrong claims.
                self.add_error(
                    f"{name}_until", "The “to” date is before the “from” date: swap them."
                )
                data.pop(f"{name}_since", None)
        ordering = self._ordering()
        token = data.get("cursor")
        data["cursor"] = None
        if token:
            try:
                data["cursor"] = cursor_decode(token, ordering)
            except PageParameterError as error:
                self.add_error("cursor", error.message)
        try:
            data["page_size"] = page_size_from(
                data.get("page_size") or None,
                default=QUEUE_PAGE_SIZE,
                maximum=QUEUE_MAX_PAGE_SIZE,
            )
        except PageParameterError as error:
            data["page_size"] = QUEUE_PAGE_SIZE
            self.add_error("page_size", error.message)
        return data

    def _ordering(self) -> Ordering:
        name = self.cleaned_data.get("ordering") or QUEUE_ORDERINGS[0][0]
        return CLAIM_ORDERINGS[name]

    def filters(self, *, user) -> dict:
        """Keyword arguments for ``ClaimQuerySet.matching``; unreviewed unless asked."""
        # Fields that do not validate are left out of cleaned_data and filter nothing.
        self.is_valid()
        data = self.cleaned_data
        verdict = data.get("verdict") or Claim.Verdict.UNREVIEWED
        source = data.get("source")
        event, unit = (data.get("event") or "").strip(), (data.get("unit") or "").strip()
        return {
            "verdict": "" if verdict == ANY_VERDICT else verdict,
            "source": source.pk if source else None,
            "article_id": data.get("article"),
            "story_id": data.get("story"),
            "events": stored_forms(event, role="event") if event else (),
            "units": stored_forms(unit, role="unit") if unit else (),
            "qualifier": data.get("qualifier") or "",
            "measure": data.get("measure") or "",
            "in_conflict": data.get("in_conflict"),
            "assigned_to": user if data.get("assigned") == "me" else None,
            "unassigned": data.get("assigned") == "none",
            "search": (data.get("q") or "").strip(),
            **self._day_range("added"),
            **self._day_range("published"),
        }

    def _day_range(self, name: str) -> dict:
        """A from/to pair of days as the datetimes they span, both days included."""
        return {
            f"{name}_since": _day_edge(self.cleaned_data.get(f"{name}_since"), time.min),
            f"{name}_until": _day_edge(self.cleaned_data.get(f"{name}_until"), time.max),
        }

    def page(self) -> tuple[Ordering, Cursor | None, int]:
        """The order, the cursor (None for the first page) and the page size asked for."""
        self.is_valid()
        data = self.cleaned_data
        return self._ordering(), data.get("cursor"), data.get("page_size") or QUEUE_PAGE_SIZE

    def problems(self) -> list[tuple[str, str]]:
        """(label, message) for each parameter that could not be read: it filters nothing.

        An inverted date range is not listed: the page shows it under the dates.
        """
        self.is_valid()
        labels = {"cursor": "Page link", "page_size": "Page size"}
        found = []
        for name, errors in self.errors.items():
            if name in ("published_until", "added_until"):
                continue
            field = self.fields.get(name)
            label = labels.get(name) or (field and field.label) or name.capitalize()
            found.extend((label, message) for message in errors)
        return found


def _day_edge(day: date | None, at: time) -> datetime | None:
    return None if day is None else timezone.make_aware(datetime.combine(day, at))


# --- Reviewing a claim ------------------------------------------------------------


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(
        choices=[c for c in Claim.Verdict.choices if c[0] != Claim.Verdict.UNREVIEWED]
        + [(Claim.Verdict.UNREVIEWED, "Back to unreviewed")],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Why: what you checked"}),
    )
    evidence_url = forms.URLField(required=False, max_length=2000, assume_scheme="https")
    evidence_source = ListedModelChoiceField(
        Source.objects.active(), required=False, empty_label="—"
    )
    evidence_figure = forms.CharField(required=False, max_length=200, label="Quoted figure")
    evidence_stance = forms.ChoiceField(
        choices=Evidence.Stance.choices,
        initial=Evidence.Stance.SUPPORTS,
        label="This evidence",
        widget=FlatSelect,
    )
    apply_to_identical = forms.BooleanField(required=False)
    # Set once the editor has confirmed a verdict on a claim assigned to someone else.
    confirm_other_assignee = forms.BooleanField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self):
        data = super().clean()
        has_origin = data.get("evidence_url") or data.get("evidence_source")
        origin_refused = "evidence_url" in self.errors or "evidence_source" in self.errors
        if data.get("evidence_figure") and not has_origin and not origin_refused:
            self.add_error("evidence_figure", EVIDENCE_NEEDS_ORIGIN)
        return data

    def has_evidence(self) -> bool:
        data = self.cleaned_data
        return bool(data["evidence_url"] or data["evidence_source"] or data["evidence_figure"])


class IdListField(forms.Field):
    """Several ids under one name (ticked checkboxes); the service ignores unknown ones."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        try:
            return [int(v) for v in value or []]
        except (TypeError, ValueError):
            raise forms.ValidationError("Those claims could not be read.") from None

    def validate(self, value) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class ClaimIdsForm(forms.Form):
    """The rows an editor ticked in the queue (or the one row they acted on)."""

    claim = IdListField()


class QuickVerdictForm(forms.Form):
    verdict = forms.ChoiceField(choices=Claim.Verdict.choices)
    version = forms.IntegerField(min_value=1)
    confirm_other_assignee = forms.BooleanField(required=False)


class BulkVerdictForm(forms.Form):
    """A verdict for the ticked rows; each row sends the version it showed as
    ``version-<id>``, so that each claim is saved under its own optimistic lock."""

    verdict = forms.ChoiceField(choices=Claim.Verdict.choices)
    claim = IdListField()
    confirm_other_assignee = forms.BooleanField(required=False)

    def versions(self) -> dict[int, int | None]:
        """Each ticked claim with the version its row showed (None when it sent none)."""
        versions: dict[int, int | None] = {}
        for claim_id in self.cleaned_data["claim"]:
            raw = (self.data.get(f"version-{claim_id}") or "").strip()
            versions[claim_id] = int(raw) if raw.isascii() and raw.isdigit() else None
        return versions


class CorrectionForm(forms.ModelForm):
    """The extractor's reading of a figure (``Claim.READING_FIELDS``), as an editor
    corrects it. Never saved itself: ``claim_correct`` writes the changes under the
    optimistic lock, with a history entry."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Claim
        fields = Claim.READING_FIELDS
        labels = {"unit": "Counted thing"}
        widgets = {name: FlatSelect for name in ("qualifier", "trend", "measure", "period")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                choices = [c for c in field.choices if c[0] != ""]
                field.choices = choices if field.required else [("", "—"), *choices]

    @classmethod
    def for_claim(cls, claim: Claim) -> CorrectionForm:
        return cls(instance=claim, initial={"version": claim.version})

    def clean(self):
        data = super().clean()
        lower, upper = data.get("lower"), data.get("upper")
        if lower is not None and upper is not None and lower > upper:
            raise forms.ValidationError("The lower bound is above the upper bound.")
        for name in ("unit", "event", "population"):
            if name in data:
                data[name] = data[name].strip().lower()
        if "attribution" in data:
            data["attribution"] = data["attribution"].strip()
        return data

    def changes(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


# --- Stories ----------------------------------------------------------------------

STORY_PAGE_SIZE = 50


class StoryListForm(forms.Form):
    """The story list's query string. Invalid values are dropped, never an error page."""

    q = forms.CharField(required=False, max_length=200, label="Title")
    conflict = forms.BooleanField(required=False, label="With conflicting figures")
    after = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_after(self):
        moment, _, pk = (self.cleaned_data.get("after") or "").rpartition("_")
        try:
            parsed = parse_datetime(moment) if moment else None
        except ValueError:  # well-formed but impossible, e.g. 30 February
            parsed = None
        if parsed is None or not pk.isdigit() or len(pk) > 18:
            return None
        return parsed, int(pk)

    def values(self) -> dict:
        self.is_valid()
        return self.cleaned_data


class StoryPageForm(forms.Form):
    """The story page's query string: which page of articles, which quantity in full.
    Invalid values are dropped, never an error page."""

    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)
    quantity = forms.IntegerField(required=False, min_value=1, max_value=2**62)

    def values(self) -> dict:
        self.is_valid()
        return self.cleaned_data


def story_cursor_token(story) -> str:
    return f"{story.last_published_at.isoformat()}_{story.pk}"


class StoryTitleForm(forms.Form):
    title = forms.CharField(
        required=False,
        max_length=500,
        help_text="Leave empty to go back to the automatic title.",
    )


class StoryMergeForm(forms.Form):
    into = forms.IntegerField(min_value=1, label="Merge into story number")


class StorySplitForm(forms.Form):
    article = IdListField()
    title = forms.CharField(required=False, max_length=500, label="Title of the new story")


class ArticleMoveForm(forms.Form):
    article = forms.IntegerField(min_value=1)
    story = forms.IntegerField(min_value=1, label="Move to story number")
