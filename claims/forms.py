from __future__ import annotations

from django import forms
from django.utils.dateparse import parse_datetime

from claims.models import EVIDENCE_NEEDS_ORIGIN, Claim, Evidence, Source

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


class QueueFilterForm(forms.Form):
    """The queue's query string. Invalid values are dropped, never an error page."""

    verdict = forms.ChoiceField(
        choices=[(ANY_VERDICT, "Any verdict"), *Claim.Verdict.choices], required=False
    )
    q = forms.CharField(required=False, max_length=200, label="Search")
    source = forms.ModelChoiceField(Source.objects.all(), required=False, empty_label="Any")
    article = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    event = forms.CharField(required=False, max_length=100)
    unit = forms.CharField(required=False, max_length=100)
    qualifier = forms.ChoiceField(choices=[("", "Any"), *Claim.Qualifier.choices], required=False)
    dated = forms.ChoiceField(
        choices=[("created", "Added"), ("published", "Published")],
        required=False,
        label="Article",
    )
    date_from = forms.DateField(
        required=False, label="from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="to", widget=forms.DateInput(attrs={"type": "date"})
    )
    mine = forms.BooleanField(required=False, label="My claims")
    after = forms.CharField(required=False, widget=forms.HiddenInput)
    n = forms.IntegerField(
        required=False, min_value=1, max_value=QUEUE_MAX_PAGE_SIZE, widget=forms.HiddenInput
    )

    def clean_after(self) -> tuple[float, int] | None:
        raw = self.cleaned_data.get("after") or ""
        worth, _, pk = raw.partition("_")
        try:
            return float(worth), int(pk)
        except ValueError:
            return None

    def filters(self, *, user) -> dict:
        """Keyword arguments for ``ClaimQuerySet.matching``; unreviewed unless asked."""
        # Fields that do not validate are left out of cleaned_data and filter nothing.
        self.is_valid()
        data = self.cleaned_data
        verdict = data.get("verdict") or Claim.Verdict.UNREVIEWED
        source = data.get("source")
        return {
            "verdict": "" if verdict == ANY_VERDICT else verdict,
            "source_id": source.pk if source else None,
            "article_id": data.get("article"),
            "event": (data.get("event") or "").strip().lower(),
            "unit": (data.get("unit") or "").strip().lower(),
            "qualifier": data.get("qualifier") or "",
            "assigned_to": user if data.get("mine") else None,
            "search": (data.get("q") or "").strip(),
            "date_field": data.get("dated") or "created",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }

    def cursor(self) -> tuple[float, int] | None:
        self.is_valid()
        return self.cleaned_data.get("after")

    def page_size(self) -> int:
        self.is_valid()
        return self.cleaned_data.get("n") or QUEUE_PAGE_SIZE


def cursor_token(claim: Claim) -> str:
    # repr() of a float round-trips exactly, so the next page starts right after it.
    return f"{claim.checkworthiness!r}_{claim.pk}"


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
    evidence_source = forms.ModelChoiceField(
        Source.objects.active(), required=False, empty_label="—"
    )
    evidence_figure = forms.CharField(required=False, max_length=200, label="Quoted figure")
    evidence_stance = forms.ChoiceField(
        choices=Evidence.Stance.choices, initial=Evidence.Stance.SUPPORTS, label="This evidence"
    )
    apply_to_identical = forms.BooleanField(required=False)
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


class CorrectionForm(forms.ModelForm):
    """The extractor's reading of a figure (``Claim.READING_FIELDS``), as an editor
    corrects it. Never saved itself: ``claim_correct`` writes the changes under the
    optimistic lock, with a history entry."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Claim
        fields = Claim.READING_FIELDS
        labels = {"unit": "Counted thing"}

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
