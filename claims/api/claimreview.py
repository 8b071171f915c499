"""A reviewed claim as schema.org ClaimReview (the JSON-LD search engines read).

Google's required properties: claimReviewed, reviewRating (with alternateName),
url, author; itemReviewed carries who made the claim and where it appeared.
"""

from __future__ import annotations

import re

from django.conf import settings

from claims.models import Claim

# Verdicts on a 1–5 scale (worst to best); alternateName carries the verdict itself.
WORST_RATING = 1
BEST_RATING = 5
RATING_VALUES = {
    Claim.Verdict.FALSE: 1,
    Claim.Verdict.MISLEADING: 2,
    Claim.Verdict.UNVERIFIABLE: 3,
    Claim.Verdict.VERIFIED: 5,
}

# Words that make an attribution an organisation rather than a person ("Syrian
# Observatory for Human Rights", "the health ministry", "OCHA").
_ORGANISATION_WORDS = frozenset(
    [
        "administration",
        "agency",
        "army",
        "association",
        "authority",
        "bank",
        "board",
        "bureau",
        "centre",
        "center",
        "commission",
        "committee",
        "company",
        "corporation",
        "council",
        "court",
        "cross",
        "crescent",
        "department",
        "federation",
        "forces",
        "foundation",
        "fund",
        "government",
        "group",
        "hospital",
        "institute",
        "league",
        "military",
        "ministry",
        "monitor",
        "network",
        "news",
        "newspaper",
        "observatory",
        "office",
        "organisation",
        "organization",
        "party",
        "police",
        "press",
        "programme",
        "program",
        "red",
        "service",
        "services",
        "statistics",
        "times",
        "union",
        "university",
        "watch",
        "nations",
    ]
)
_WORD = re.compile(r"[A-Za-z]+")


def is_organisation_name(name: str) -> bool:
    words = _WORD.findall(name)
    if any(word.lower() in _ORGANISATION_WORDS for word in words):
        return True
    # An acronym on its own (OCHA, UNHCR, WHO) names an organisation.
    return len(words) == 1 and len(words[0]) >= 2 and words[0].isupper()


def _date(moment) -> str | None:
    return moment.date().isoformat() if moment else None


def _claim_author(claim: Claim) -> dict | None:
    if claim.attribution:
        kind = "Organization" if is_organisation_name(claim.attribution) else "Person"
        return {"@type": kind, "name": claim.attribution}
    source = claim.article.source
    if source is not None:
        author = {"@type": "Organization", "name": source.name}
        if source.homepage:
            author["url"] = source.homepage
        return author
    return None


def _appearance(claim: Claim) -> dict:
    article = claim.article
    work: dict = {"@type": "CreativeWork"}
    if article.url:
        work["url"] = article.url
    if article.title:
        work["headline"] = article.title
    if article.published_at:
        work["datePublished"] = _date(article.published_at)
    return work


def claim_review_jsonld(claim: Claim, *, claim_url: str) -> dict:
    """The ClaimReview document of a reviewed claim."""
    organisation = {"@type": "Organization", "name": settings.NEWSFACTS_ORGANISATION_NAME}
    if settings.NEWSFACTS_ORGANISATION_URL:
        organisation["url"] = settings.NEWSFACTS_ORGANISATION_URL

    item: dict = {"@type": "Claim"}
    author = _claim_author(claim)
    if author is not None:
        item["author"] = author
    appearance = _appearance(claim)
    item["appearance"] = [appearance]
    item["firstAppearance"] = appearance
    if claim.article.published_at:
        item["datePublished"] = _date(claim.article.published_at)

    document = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": claim_url,
        "claimReviewed": claim.sentence,
        "author": organisation,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING_VALUES[claim.verdict],
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": claim.get_verdict_display(),
        },
        "itemReviewed": item,
    }
    if claim.reviewed_at:
        document["datePublished"] = _date(claim.reviewed_at)
    note = getattr(claim, "note", None)
    if note:
        document["reviewBody"] = note
    return document
