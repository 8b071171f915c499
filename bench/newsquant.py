"""Value, value+unit and value+change F1 on NewsQuant-style quantity annotations.

Usage: python bench/newsquant.py NEWSQUANT.json [--limit N] [--failures]

NEWSQUANT.json is the published test set of the CQE paper (EMNLP 2023) in its
formatted form: a list of {"text", "quantities": [{"value", "normalized_unit",
"change", ...}]}. The data is not part of this repository; pass its path.

Each sentence goes through `extract_claims_batch`. A claim is read in the data set's
terms:

- value: the claim's value, or (lower, upper) for ranges and vague amounts; a gold
  range "a-b" is (a, b). Vague amounts ("dozens", "tens of thousands") match a gold
  range they overlap, as `score.py` reads them: the data set spans them by powers of
  ten ("dozens" 12-120), the claims conventions by their own table (24-99).
- A change "from a to b" is one gold range "a-b" in the data set but two claims (old
  level, new level) in the claims conventions; a gold range no single claim matches is
  matched by such a pair, which then counts as one claim found; its change is the
  direction from the old level to the new one, which the data set gives the range.
- unit: currency codes and measure abbreviations are spelled out ("usd" -> "dollar",
  "percent" -> "percentage", "km" -> "kilometre"), on each side of a rate ("usd per
  barrel" -> "dollar per barrel"); an age ("a 50-year-old", kind "age") is the data
  set's "year of age"; pence, which the claims conventions write in pounds ("164p" is
  1.64 gbp), are the data set's 164 "point"; the data set keeps
  the adjectives of the counted noun ("different boss"), so a unit also matches when it
  is the last word of the gold unit;
- change: a bound or hedge from the qualifier (">", "<", "~"), "up" / "down" from the
  trend, otherwise "=". The data set writes a figure with both a hedge and a direction
  either way ("up about 19 per cent" is "~", "rose about 1.5%" is "up"), so such a claim
  matches both. The data set gives a direction only to a verb of change; a change named
  by a noun ("a 75 percent increase", "a 19% drop"), a change by the claims conventions,
  is "=" there, so such a claim also matches "=".

Gold and predicted quantities are paired one to one on equal values (a prediction
whose unit also matches is preferred). Precision is over the claims found, recall
over the gold quantities.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

from claims.extraction import ExtractedClaim, extract_claims_batch
from claims.extraction.roles import DOWN_NOUNS, UP_NOUNS

_UNIT_NAMES = {
    "usd": "dollar",
    "gbp": "pound sterling",
    "eur": "euro",
    "jpy": "japanese yen",
    "cny": "chinese yuan",
    "ils": "shekel",
    "myr": "malaysian ringgit",
    "dkk": "danish krone",
    "sgd": "singapore dollar",
    "zar": "south african rand",
    "w": "watt",
    "kv": "kilovolt",
    "pound": "pound-mass",
    "pound-foot": "foot pound-force",
    "meter": "metre",
    "kilometer": "kilometre",
    "centimeter": "centimetre",
    "millimeter": "millimetre",
    "liter": "litre",
    "inr": "indian rupee",
    "aud": "australian dollar",
    "cad": "canadian dollar",
    "hkd": "hong kong dollar",
    "nzd": "new zealand dollar",
    "percent": "percentage",
    "percentage point": "percentage point",
    "km": "kilometre",
    "m": "metre",
    "cm": "centimetre",
    "mm": "millimetre",
    "kg": "kilogram",
    "g": "gram",
    "mg": "milligram",
    "ml": "millilitre",
    "l": "litre",
    "tonne": "metric ton",
    "gigatonne": "gigaton",
    "μm": "micrometre",
    "nm": "nanometre",
    "square m": "square metre",
    "sq m": "square metre",
    "square km": "square kilometre",
    "sq ft": "square foot",
    "mpg": "mile per gallon",
    "km/h": "kilometre per hour",
    "km per hour": "kilometre per hour",
    "mbps": "megabit per second",
    "khz": "kilohertz",
    "mhz": "megahertz",
    "kw": "kilowatt",
    "gw": "gigawatt",
    "gwh": "gigawatt hour",
    "mah": "milliampere-hour",
    "ppb": "parts-per-billion",
    "ppm": "part per million",
    "mpa": "megapascal",
    "gpa": "gigapascal",
    "ksi": "kilopound per square inch",
    "time": "count",
    "fold": "count",
    "mph": "mile per hour",
    "kph": "kilometre per hour",
    "hp": "horsepower",
    "bhp": "horsepower",
    "gb": "gigabyte",
    "mb": "megabyte",
    "tb": "terabyte",
    "hz": "hertz",
    "ghz": "gigahertz",
    "mw": "megawatt",
    "kwh": "kilowatt hour",
    "rpm": "revolutions per minute",
    "people": "people",
    "person": "people",
}
_CHANGES = {
    "exact": {"="},
    "approximate": {"~"},
    "lower_bound": {">", ">="},
    "upper_bound": {"<", "<="},
    "range": {"="},
    "vague": {"=", "~"},
}


@dataclass
class Tally:
    gold: int = 0
    found: int = 0
    value: int = 0
    value_unit: int = 0
    value_change: int = 0


def _gold_value(raw: str) -> float | tuple[float, float]:
    text = str(raw).strip()
    if "-" in text[1:] and "e" not in text.lower():
        low, high = text[0] + text[1:].split("-", 1)[0], text[1:].split("-", 1)[1]
        return float(low), float(high)
    return float(text)


def _in_pence(claim: ExtractedClaim) -> bool:
    return claim.unit == "gbp" and claim.text.rstrip().endswith("p")


def _claim_value(claim: ExtractedClaim) -> float | tuple[float, float] | None:
    if claim.value is not None and _in_pence(claim):
        return claim.value * 100
    if claim.value is not None:
        return claim.value
    if claim.lower is not None and claim.upper is not None:
        return claim.lower, claim.upper
    return None


def _same_value(a: object, b: object, vague: bool = False) -> bool:
    if isinstance(a, tuple) != isinstance(b, tuple):
        return False
    if vague and isinstance(a, tuple) and isinstance(b, tuple):
        return min(a) <= max(b) and min(b) <= max(a)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return all(math.isclose(x, y, rel_tol=1e-5) for x, y in zip(a, b, strict=True))
    return math.isclose(float(a), float(b), rel_tol=1e-5)  # type: ignore[arg-type]


def _unit_name(claim: ExtractedClaim) -> str:
    unit = (claim.unit or "").lower()
    if _in_pence(claim):
        return "point"
    if claim.kind == "age" and unit in ("year", "month", "week", "day"):
        return f"{unit} of age"
    return " per ".join(_UNIT_NAMES.get(part, part) for part in unit.split(" per "))


def _same_unit(gold: str, claim: ExtractedClaim) -> bool:
    gold = (gold or "").strip().lower()
    name = _unit_name(claim)
    if not name:
        return gold in ("", "-")
    return gold == name or gold.split()[-1:] == [name] or gold.rstrip("s") == name


def _change_of(claim: ExtractedClaim) -> set[str]:
    # The data set gives a bound or a hedge precedence over a direction ("up about 19
    # per cent" is "~"), so the qualifier is read first.
    changes = set(_CHANGES.get(claim.qualifier, {"="}))
    if claim.trend in ("up", "down"):
        if claim.qualifier not in ("approximate", "lower_bound", "upper_bound"):
            changes.clear()
        changes.add(claim.trend)
        if claim.event in UP_NOUNS | DOWN_NOUNS:
            changes.add("=")
    return changes


def _level_pair(
    value: float | tuple[float, float], claims: list[ExtractedClaim]
) -> list[ExtractedClaim]:
    """Two claims, the old and the new level, that make up a gold range "a-b"."""
    if not isinstance(value, tuple):
        return []
    first = next(
        (c for c in claims if c.value is not None and _same_value(value[0], c.value)), None
    )
    second = next(
        (
            c
            for c in claims
            if c is not first and c.value is not None and _same_value(value[1], c.value)
        ),
        None,
    )
    return [first, second] if first and second else []


def score(items: list[dict], found: list[list[ExtractedClaim]], failures: bool) -> Tally:
    tally = Tally()
    for item, claims in zip(items, found, strict=True):
        golds = item.get("quantities") or []
        tally.gold += len(golds)
        tally.found += len(claims)
        unused = list(claims)
        for gold in golds:
            value = _gold_value(gold["value"])
            candidates = [
                c
                for c in unused
                if _same_value(value, _claim_value(c), vague=c.qualifier == "vague")
            ]
            pair = [] if candidates else _level_pair(value, unused)
            if pair:
                unused.remove(pair[1])
                tally.found -= 1
                candidates = [pair[0]]
                pair_change = "down" if pair[1].value < pair[0].value else "up"
            if not candidates:
                if failures:
                    print(f"MISSED {gold['value']} {gold['normalized_unit']!r}: {item['text']}")
                continue
            best = next(
                (c for c in candidates if _same_unit(gold["normalized_unit"], c)), candidates[0]
            )
            unused.remove(best)
            tally.value += 1
            if _same_unit(gold["normalized_unit"], best):
                tally.value_unit += 1
            elif failures:
                print(f"UNIT {best.unit!r} vs {gold['normalized_unit']!r}: {item['text']}")
            if gold["change"] in _change_of(best) or (pair and gold["change"] == pair_change):
                tally.value_change += 1
            elif failures:
                changes = sorted(_change_of(best))
                print(f"CHANGE {best.text!r} {changes} vs {gold['change']!r}: {item['text']}")
        if failures:
            for claim in unused:
                print(f"EXTRA {claim.text!r}: {item['text']}")
    return tally


def _f1(correct: int, gold: int, found: int) -> tuple[float, float, float]:
    precision = correct / found if found else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return 100 * precision, 100 * recall, 100 * f1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--failures", action="store_true", help="print every mismatch")
    args = parser.parse_args(argv)

    items = json.loads(args.data.read_text(encoding="utf-8"))[: args.limit]
    found = extract_claims_batch([item["text"] for item in items])
    tally = score(items, found, args.failures)
    print(f"sentences           {len(items)}")
    print(f"gold quantities     {tally.gold}")
    print(f"claims found        {tally.found}")
    print(f"{'':20}{'P':>7}{'R':>7}{'F1':>7}")
    for label, correct in (
        ("value", tally.value),
        ("value+unit", tally.value_unit),
        ("value+change", tally.value_change),
    ):
        p, r, f = _f1(correct, tally.gold, tally.found)
        print(f"{label:20}{p:7.1f}{r:7.1f}{f:7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
