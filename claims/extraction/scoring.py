"""Checkworthiness: how much a reviewer should care about a claim."""

from __future__ import annotations

import math

from .numbers import word_set

# Events and counted nouns of the kind fact-checkers chase first in conflict reporting.
HIGH_STAKES = word_set(
    "kill die death dead wound injure injury casualty massacre execute flee displace "
    "displacement refugee evacuate civilian child arrest detain detention missing starve "
    "besiege bomb airstrike strike attack shell destroy rape torture abduct kidnap "
    "victim prisoner hostage body migrant"
)


def checkworthiness(
    *,
    kind: str,
    qualifier: str,
    value: float | None,
    lower: float | None,
    upper: float | None,
    unit: str | None,
    event: str | None,
    attribution: str | None,
    trend: str | None,
) -> float:
    """Score a claim in [0, 1]; higher means more worth checking.

    Starts from 0.3 and adds:
      +0.25 when the event or counted noun is a casualty or displacement term
            (kill, flee, displace, civilian, refugee, ...);
      +0.15 when the figure is attributed to a source (a checkable statement);
      +0.10 for money and percentages, figures that are often disputed;
      +0.10 for bounds and hedges ("more than", "about") and +0.05 for vague amounts,
            which invite checking the real figure;
      up to +0.15 for magnitude, growing with log10 of the figure (1e6 gets the maximum);
      +0.05 for a change ("rose 5%").
    and subtracts 0.25 for durations and ordinals and 0.1 for ages, which are rarely
    what a story stands on. The result is clamped to [0, 1] and rounded to 3 places.
    """
    score = 0.3
    if (event and event in HIGH_STAKES) or (unit and unit in HIGH_STAKES):
        score += 0.25
    if attribution:
        score += 0.15
    if kind in ("money", "percent"):
        score += 0.10
    if qualifier in ("lower_bound", "upper_bound", "approximate"):
        score += 0.10
    elif qualifier in ("vague", "range"):
        score += 0.05
    magnitude = next((v for v in (value, upper, lower) if v is not None), None)
    if magnitude is not None and abs(magnitude) >= 1:
        score += 0.15 * min(1.0, math.log10(abs(magnitude)) / 6)
    if trend:
        score += 0.05
    if kind in ("duration", "ordinal"):
        score -= 0.25
    elif kind == "age":
        score -= 0.10
    return round(min(1.0, max(0.0, score)), 3)
