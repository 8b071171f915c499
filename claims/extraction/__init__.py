"""Numeric-claim extraction: article text in, `ExtractedClaim` records out.

No Django here: the package runs and is tested without a database. The spaCy model is
loaded once per process, on first use (see `get_nlp`).
"""

from __future__ import annotations

from .features import ArticleFeatures, content_words, name_key
from .numbers import words_to_number
from .pipeline import (
    extract_claims,
    extract_claims_batch,
    get_nlp,
    load_model,
    split_chunks,
)
from .types import KINDS, ExtractedClaim

# The record is also known by its short name in the extraction contract.
Claim = ExtractedClaim

# Bump whenever the output for the same text can change, so stored claims can be redone.
EXTRACTOR_VERSION = "1.4"

__all__ = [
    "EXTRACTOR_VERSION",
    "ArticleFeatures",
    "KINDS",
    "Claim",
    "ExtractedClaim",
    "extract_claims",
    "extract_claims_batch",
    "get_nlp",
    "content_words",
    "load_model",
    "name_key",
    "split_chunks",
    "words_to_number",
]
