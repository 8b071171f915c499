"""Bound and hedge wording around a number, from the conventions' qualifier table."""

from __future__ import annotations

EXACT = "exact"
APPROXIMATE = "approximate"
LOWER_BOUND = "lower_bound"
UPPER_BOUND = "upper_bound"
RANGE = "range"
VAGUE = "vague"

# Phrases written before the number. Matched longest first, so "no more than" wins
# over "more than" and "an estimated" over "estimated".
_PREFIX_PHRASES: dict[str, str] = {
    "about": APPROXIMATE,
    "around": APPROXIMATE,
    "roughly": APPROXIMATE,
    "some": APPROXIMATE,
    "approximately": APPROXIMATE,
    "approx": APPROXIMATE,
    "an estimated": APPROXIMATE,
    "estimated": APPROXIMATE,
    "an approximate": APPROXIMATE,
    "nearly": APPROXIMATE,
    "almost": APPROXIMATE,
    "close to": APPROXIMATE,
    "circa": APPROXIMATE,
    "ca": APPROXIMATE,
    "approaching": APPROXIMATE,
    "more than": LOWER_BOUND,
    "more then": LOWER_BOUND,
    "over": LOWER_BOUND,
    "well over": LOWER_BOUND,
    "just over": LOWER_BOUND,
    "above": LOWER_BOUND,
    "at least": LOWER_BOUND,
    "upwards of": LOWER_BOUND,
    "upward of": LOWER_BOUND,
    "no fewer than": LOWER_BOUND,
    "no less than": LOWER_BOUND,
    "not less than": LOWER_BOUND,
    "not fewer than": LOWER_BOUND,
    "in excess of": LOWER_BOUND,
    "greater than": LOWER_BOUND,
    "higher than": LOWER_BOUND,
    "larger than": LOWER_BOUND,
    "bigger than": LOWER_BOUND,
    "a minimum of": LOWER_BOUND,
    "exceeding": LOWER_BOUND,
    "exceeds": LOWER_BOUND,
    "exceeded": LOWER_BOUND,
    "surpassing": LOWER_BOUND,
    "surpasses": LOWER_BOUND,
    "surpassed": LOWER_BOUND,
    "over than": LOWER_BOUND,
    "~": APPROXIMATE,
    "up to": UPPER_BOUND,
    "at most": UPPER_BOUND,
    "less than": UPPER_BOUND,
    "lower than": UPPER_BOUND,
    "smaller than": UPPER_BOUND,
    "fewer than": UPPER_BOUND,
    "under": UPPER_BOUND,
    "just under": UPPER_BOUND,
    "below": UPPER_BOUND,
    "no more than": UPPER_BOUND,
    "not more than": UPPER_BOUND,
    "as many as": UPPER_BOUND,
    "as much as": UPPER_BOUND,
    "as high as": UPPER_BOUND,
    "as few as": LOWER_BOUND,
    "as little as": LOWER_BOUND,
    "as low as": LOWER_BOUND,
    "a maximum of": UPPER_BOUND,
}
PREFIX_PHRASES: list[tuple[tuple[str, ...], str]] = sorted(
    ((tuple(p.split()), q) for p, q in _PREFIX_PHRASES.items()),
    key=lambda item: -len(item[0]),
)
MAX_PREFIX_WORDS = max(len(p) for p, _ in PREFIX_PHRASES)

# Phrases written after the number ("80 or more", "200 or so").
SUFFIX_PHRASES: list[tuple[tuple[str, ...], str]] = [
    (("or", "more"), LOWER_BOUND),
    (("or", "above"), LOWER_BOUND),
    (("or", "over"), LOWER_BOUND),
    (("plus",), LOWER_BOUND),
    (("or", "so"), APPROXIMATE),
    (("odd",), APPROXIMATE),
    (("or", "fewer"), UPPER_BOUND),
    (("or", "less"), UPPER_BOUND),
]


def match_prefix(words: list[str]) -> tuple[int, str] | None:
    """Longest qualifier phrase ending the lower-case word list: (word count, qualifier)."""
    for phrase, qualifier in PREFIX_PHRASES:
        n = len(phrase)
        if n <= len(words) and tuple(words[-n:]) == phrase:
            return n, qualifier
    return None


def match_suffix(words: list[str]) -> tuple[int, str] | None:
    """Qualifier phrase starting the lower-case word list: (word count, qualifier)."""
    for phrase, qualifier in SUFFIX_PHRASES:
        n = len(phrase)
        if n <= len(words) and tuple(words[:n]) == phrase:
            return n, qualifier
    return None


def bounds(qualifier: str, value: float) -> tuple[float | None, float | None, float | None]:
    """(value, lower, upper) for a single figure under a qualifier."""
    if qualifier == EXACT:
        return value, value, value
    if qualifier == LOWER_BOUND:
        return value, value, None
    if qualifier == UPPER_BOUND:
        return value, None, value
    return value, None, None
