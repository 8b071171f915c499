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


# What the document is made of: ``claim_review_jsonld`` reads one ``values()`` row.
CLAIM_REVIEW_FIELDS = (
    "id",
    "sentence",
    "attribution",
    "verdict",
    "reviewed_at",
    "article__url",
    "article__title",
    "article__published_at",
    "article__source_id",
    "article__source__name",
    "article__source__homepage",
)


def _claim_author(claim: dict) -> dict | None:
    if claim["attribution"]:
        kind = "Organization" if is_organisation_name(claim["attribution"]) else "Person"
        return {"@type": kind, "name": claim["attribution"]}
    if claim["article__source_id"] is not None:
        author = {"@type": "Organization", "name": claim["article__source__name"]}
        if claim["article__source__homepage"]:
            author["url"] = claim["article__source__homepage"]
        return author
    return None


def _appearance(claim: dict) -> dict:
    work: dict = {"@type": "CreativeWork"}
    if claim["article__url"]:
        work["url"] = claim["article__url"]
    if claim["article__title"]:
        work["headline"] = claim["article__title"]
    if claim["article__published_at"]:
        work["datePublished"] = _date(claim["article__published_at"])
    return work


def claim_review_jsonld(claim: dict, *, claim_url: str) -> dict:
    """The ClaimReview document of a reviewed claim: a row of ``CLAIM_REVIEW_FIELDS``,
    with the latest review's ``note``."""
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
    if claim["article__published_at"]:
        item["datePublished"] = _date(claim["article__published_at"])

    document = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": claim_url,
        "claimReviewed": claim["sentence"],
        "author": organisation,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING_VALUES[claim["verdict"]],
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": _VERDICT_LABELS[claim["verdict"]],
        },
        "itemReviewed": item,
    }
    if claim["reviewed_at"]:
        document["datePublished"] = _date(claim["reviewed_at"])
    if claim.get("note"):
        document["reviewBody"] = claim["note"]
    return document


_VERDICT_LABELS = {str(value): str(label) for value, label in Claim.Verdict.choices}
