"""Business operations: writes that touch several rows, and everything that calls out.

Views, API views, admin actions, tasks and commands call these; they hold no rules.
"""

from claims.services.articles import (
    SubmissionError,
    SubmitResult,
    article_submit,
    articles_remap_source,
    extraction_enqueue,
    extraction_enqueue_on_commit,
    validate_article_text,
)
from claims.services.extraction import (
    ExtractionRetry,
    article_requeue,
    article_take_for_extraction,
    articles_requeue,
    articles_sweep_stale,
    claims_extract_for_article,
    claims_write_for_article,
)

__all__ = [
    "ExtractionRetry",
    "SubmissionError",
    "SubmitResult",
    "article_take_for_extraction",
    "article_requeue",
    "article_submit",
    "articles_remap_source",
    "articles_requeue",
    "articles_sweep_stale",
    "claims_extract_for_article",
    "claims_write_for_article",
    "extraction_enqueue",
    "extraction_enqueue_on_commit",
    "validate_article_text",
]
