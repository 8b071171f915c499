"""Numeric-claim extraction: article text in, `ExtractedClaim` records out.

No Django here: the package runs and is tested without a database. The spaCy model is
loaded once per process, on first use (see `get_nlp`).
"""

from __future__ import annotations

from typing import Any

from .features import ArticleFeatures, content_words, name_key
from .numbers import words_to_number
from .pipeline import (
    RULES_VERSION,
    extract_claims,
    extract_claims_batch,
    extractor_version,
    get_nlp,
    load_model,
    split_chunks,
)
from .types import KINDS, ExtractedClaim

# The record is also known by its short name in the extraction contract.
Claim = ExtractedClaim


def __getattr__(name: str) -> Any:
    # EXTRACTOR_VERSION names the spaCy model as well as the rules, so it is read from
    # the loaded pipeline on first use rather than fixed at import time.
    if name == "EXTRACTOR_VERSION":
        return extractor_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "EXTRACTOR_VERSION",
    "ArticleFeatures",
    "KINDS",
    "RULES_VERSION",
    "Claim",
    "ExtractedClaim",
    "extract_claims",
    "extract_claims_batch",
    "content_words",
    "extractor_version",
    "get_nlp",
    "load_model",
    "name_key",
    "split_chunks",
    "words_to_number",
]
