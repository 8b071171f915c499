"""The extractor's output record."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

KINDS = ("count", "money", "percent", "measure", "duration", "ordinal", "age")


@dataclass(frozen=True, slots=True)
class ExtractedClaim:
    """One numeric claim, with the fields and normalisation of the claims conventions.

    Offsets are Python `str` indices into the document passed to `extract_claims`.
    `value` is None for ranges and vague amounts; `lower`/`upper` are None where the
    text commits to no bound.
    """

    start: int
    end: int
    text: str
    value: float | None
    lower: float | None
    upper: float | None
    qualifier: str
    unit: str | None
    event: str | None
    trend: str | None
    attribution: str | None
    is_quote: bool
    sentence: str
    sentence_start: int
    sentence_end: int
    checkworthiness: float
    kind: str
    # What the figure measures (the cross-referencing contract); see measures.py.
    measure: str = "other"
    population: str | None = None
    period: str | None = None
    place: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: the conventions' field names plus `kind`."""
        return asdict(self)
