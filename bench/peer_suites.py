"""Other projects' number-parsing test suites, run through our normaliser and extractor.

Usage: python bench/peer_suites.py PEER_DIR [--failures]

PEER_DIR holds the converted suites (number_parser, numerizer, text2num, quantulum3,
recognizers_text). Each case is either checked or counted as not applicable, with the
reason: where a suite's convention differs from the newsfacts claim conventions
(fractions, free-standing ordinals, digit-by-digit dictation, ...), our answer is
not expected to match theirs. Prints one row per suite: cases, applicable, correct, %.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from claims.extraction import ExtractedClaim, extract_claims_batch
from claims.extraction.numbers import (
    find_numbers,
    ordinal_value,
    parse_quantity,
    words_to_number,
)

_NUMBER_RE = re.compile(r"[+-]?\d+(?:[.,]\d+)*")
_FRACTION_WORDS = re.compile(
    r"\b(?:halves|thirds?|quarters?|fourths|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?"
    r"|hundredths|thousandths|millionths|over)\b|[½⅓⅔¼¾⅕⅛]|\d/\d",
    re.IGNORECASE,
)


@dataclass
class Case:
    suite: str
    text: str
    expected: object
    check: Callable[[], bool] | None = None
    reason: str = ""  # why the case is not applicable, when it is not


@dataclass
class Tally:
    cases: int = 0
    applicable: int = 0
    correct: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)


def _numbers_in(text: str) -> list[float]:
    """The figures of an expected output string ("25 cows, 12 chickens" -> [25, 12])."""
    return [float(m.group(0).replace(",", "")) for m in _NUMBER_RE.finditer(text)]


def _same_list(got: list[float], want: list[float]) -> bool:
    return len(got) == len(want) and all(_close(a, b) for a, b in zip(got, want, strict=True))


# -- phrase suites: the normaliser --------------------------------------------------


def number_parser_cases(root: Path) -> list[Case]:
    cases: list[Case] = []
    folder = root / "number_parser"
    for path in sorted(folder.glob("*.csv")):
        ordinal = "ordinal" in path.name
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                text, number = row["text"].strip(), float(row["number"])
                if ordinal:
                    check = lambda t=text, n=number: _close(ordinal_value(t), n)  # noqa: E731
                else:
                    check = lambda t=text, n=number: _close(words_to_number(t), n)  # noqa: E731
                cases.append(Case("number_parser", text, number, check))
    data = json.loads((folder / "number_parser_en_cases.json").read_text(encoding="utf-8"))
    for item in data["cases"]:
        text, expected = item["input"], item["expected"]
        if isinstance(expected, str):
            want = _numbers_in(expected)
            check = lambda t=text, w=want: _same_list(find_numbers(t), w)  # noqa: E731
        else:
            check = lambda t=text, e=expected: _close(words_to_number(t), e)  # noqa: E731
        cases.append(Case("number_parser", text, expected, check))
    return cases


def numerizer_cases(root: Path) -> list[Case]:
    data = json.loads((root / "numerizer_cases.json").read_text(encoding="utf-8"))
    cases: list[Case] = []
    for item in data["cases"]:
        text, expected, kwargs = item["input"], item["expected"], item["kwargs"]
        case = Case("numerizer", text, expected)
        if kwargs:
            case.reason = "option of that library (ignore/bias)"
        elif "/" in expected or _FRACTION_WORDS.search(text):
            case.reason = "fractions are not counts in our conventions"
        elif re.fullmatch(r"(?:the )?\d+(?:st|nd|rd|th)", expected.strip()):
            word = re.sub(r"^the ", "", text.strip(), flags=re.IGNORECASE)
            case.check = lambda w=word, e=expected: ordinal_value(w) == int(re.sub(r"\D", "", e))
        elif re.fullmatch(r"one fifty", text.strip()):
            case.reason = "'one fifty' is two numbers in written news"
        elif re.fullmatch(r"[\d.]+", expected.strip()):
            case.check = lambda t=text, e=expected: _close(words_to_number(t), float(e))
        else:
            want = _numbers_in(expected)
            case.check = lambda t=text, w=want: _same_list(find_numbers(t), w)
        cases.append(case)
    return cases


def text2num_cases(root: Path) -> list[Case]:
    data = json.loads((root / "text2num_en_cases.json").read_text(encoding="utf-8"))
    cases: list[Case] = []
    for item in data["cases"]:
        text, expected, kwargs = item["input"], item["expected"], item["kwargs"]
        case = Case("text2num", text, expected)
        if item["func"] == "text2num":
            if re.match(r"zero \w", text) and expected != "ValueError":
                case.reason = "leading zeros are digit strings, not amounts"
            else:
                want = None if expected == "ValueError" else float(expected)
                case.check = lambda t=text, w=want: _close(words_to_number(t), w)
        elif kwargs:
            case.reason = "option of that library (relaxed/ordinal threshold)"
        elif re.search(r"\d(?:st|nd|rd|th)\b", expected):
            case.reason = "free-standing ordinals are not figures in our conventions"
        elif re.search(r"\b0\d", expected) or "+" in expected:
            case.reason = "digit-by-digit dictation (phone numbers), not amounts"
        elif re.search(r"\b(?:one|One)\b", text) and "1" in expected:
            case.reason = "'one' as a word is a claim only when it counts something"
        elif not re.search(r"\d", expected):
            # Idioms ("no one", "one cannot know"): the extractor must report nothing.
            case.check = lambda t=text: not extract_claims_batch([t])[0]
        else:
            want = _numbers_in(expected)
            case.check = lambda t=text, w=want: _same_list(find_numbers(t), w)
        cases.append(case)
    return cases


def quantulum_spellout_cases(root: Path) -> list[Case]:
    path = root / "quantulum3" / "spellout_cases.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    cases: list[Case] = []
    for item in data["cases"]:
        text, want = item["input"], [float(v) for v in item["expected"]]
        case = Case("quantulum3 spellout", text, want)
        if re.search(r"\bseveral\b", text):
            case.reason = "vague amount (a claim with bounds) in our conventions"
        elif re.search(r"\ba small\b", text):
            case.reason = "'a' alone is not a figure"
        else:
            case.check = lambda t=text, w=want: _same_list(find_numbers(t), w)
        cases.append(case)
    return cases


# -- sentence suites: the extractor -------------------------------------------------


@dataclass
class _Expected:
    start: int
    end: int
    value: float | None
    lower: float | None = None
    upper: float | None = None


def _claim_matches(claims: list[ExtractedClaim], want: _Expected) -> bool:
    for claim in claims:
        if claim.start >= want.end or claim.end <= want.start:
            continue
        if want.lower is not None:
            if _close(claim.lower, want.lower) and _close(claim.upper, want.upper):
                return True
        elif _close(claim.value, want.value) or (claim.qualifier == "vague" and want.value is None):
            return True
    return False


def _no_claims(claims: list[ExtractedClaim]) -> bool:
    return not claims


def quantulum_quantity_cases(root: Path, run: _ExtractorRun) -> list[Case]:
    data = json.loads((root / "quantulum3" / "quantities.json").read_text(encoding="utf-8"))
    cases: list[Case] = []
    for item in data:
        text = item["req"]
        for res in item["res"]:
            surface, value, unit = res["surface"], float(res["value"]), res["unit"]
            case = Case("quantulum3 quantities", f"{text} :: {surface}", value)
            start = text.find(surface)
            if start < 0:
                case.reason = "surface not found verbatim"
            elif unit == "dimensionless" and re.fullmatch(r"(?:19|20)\d\d", surface.strip()):
                case.reason = "calendar years are anchors, not claims"
            elif _FRACTION_WORDS.search(surface):
                case.reason = "fractions are not counts in our conventions"
            elif not re.search(
                r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                r"hundred|thousand|million|zero|twenty|dozen)\b",
                surface,
                re.I,
            ):
                case.reason = "'a' + unit is not a written figure"
            elif unit == "dozen":
                case.reason = "'a dozen' is 12 items in our conventions, not 1 dozen"
            elif re.search(r"\d[eE][+-]?\d|×10|\^", surface):
                case.reason = "scientific notation is not news copy"
            elif re.match(r"(?:an?|one)\s+[a-z']+", surface, re.I) and not re.search(
                r"\d", surface
            ):
                case.reason = "'a'/'one' + unit is not a written figure"
            elif unit == "dimensionless" and re.search(r"[A-Z][\w-]*\W{0,2}\s?$", text[:start]):
                case.reason = "number in a name or identifier (not a claim)"
            elif re.search(r"\b\d+(?:\.\d+)? ?[ap]m\b", surface):
                case.reason = "reads as a clock time in news copy"
            elif re.search(r"\bfrom\s+(?:about\s+)?$", text[:start]) or "from" in surface:
                case.reason = "'from X to Y' gives two levels in our conventions"
            elif surface.startswith("(") or re.search(r"\$-", surface):
                case.reason = "accounting notation for negatives"
            else:
                unc = res.get("uncertainty")
                want = _Expected(start, start + len(surface), value)
                if unc:
                    want = _Expected(start, want.end, None, value - unc, value + unc)
                case.check = lambda t=text, w=want: _claim_matches(run.claims(t), w)
            cases.append(case)
    return cases


def recognizers_cases(root: Path, run: _ExtractorRun, model: str, suite: str) -> list[Case]:
    path = root / "recognizers_text" / f"{model}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    cases: list[Case] = []
    for item in data:
        text = item["Input"]
        if not item["Results"]:
            case = Case(suite, text, [])
            reason = _recognizers_reason(text, text)
            if reason:
                case.reason = reason
            elif re.search(r"\d\s?(?:ml|km|m)\b", text):
                case.reason = "measures with units are claims in our conventions"
            elif model == "NumberModel":
                case.check = lambda t=text: _no_claims(run.claims(t))
            else:
                case.reason = "no unit found there; plain figures are still claims for us"
            cases.append(case)
            continue
        for res in item["Results"]:
            resolution = res["Resolution"]
            case = Case(suite, f"{text} :: {res['Text']}", resolution.get("value"))
            subtype = resolution.get("subtype")
            raw_value = resolution.get("value")
            surface = res["Text"]
            reason = _recognizers_reason(text, surface)
            if subtype in ("fraction", "power") or _FRACTION_WORDS.search(surface):
                case.reason = "fractions and powers are not counts in our conventions"
            elif raw_value is None or not re.fullmatch(r"-?[\d.]+%?", str(raw_value)):
                case.reason = "no single value resolved (ranges, compound amounts)"
            elif reason:
                case.reason = reason
            elif (
                text.strip().rstrip(".").lower() == surface.strip().lower()
                and model == "NumberModel"
            ):
                # A number on its own: no claim around it, so the normaliser reads it.
                value = float(str(raw_value).rstrip("%"))
                case.check = lambda t=text, v=value: _close(parse_quantity(t), v)
            else:
                value = float(str(raw_value).rstrip("%"))
                want = _Expected(res["Start"], res["End"] + 1, value)
                case.check = lambda t=text, w=want: _claim_matches(run.claims(t), w)
            cases.append(case)
    return cases


def _recognizers_reason(text: str, surface: str) -> str:
    """Why a Recognizers-Text case does not apply to newsfacts, or ""."""
    if re.search(r"\b(?:lakh|crore)\b|\d,\d\d,\d{3}", text, re.I):
        return "Indian numbering (lakh, crore)"
    if re.search(r"\d\.\d{3},\d|\b\d,\d{1,2}\b(?!,?\d)", surface):
        return "decimal comma"
    if re.search(r"\d+\.\d+\.\d+|\d/\d|\+\d-|[A-Z]{2,}-\d|\bnrs?\.", text):
        return "identifier (address, date, phone, code) is not a claim"
    if re.search(r"\d\s?(?:G|MM)\b|\d[.,\d]*\s[GM]\s*$", text):
        return "SI or finance letter suffix on a bare figure"
    if re.search(r"\d(?:m)\b", text) and "isn't" in text:
        return "'1m' is one million in news copy"
    if re.search(r"\bone last\b", text):
        return "'one' used like 'a'"
    if re.search(r"\w-nought-\w", text):
        return "digit-by-digit dictation, not amounts"
    if re.search(r"\bpercent of\b|\bper cent of\b", surface):
        return "reversed order ('percent of N')"
    if re.search(r"\b(?:cents?|mao|kuai)\b", surface) or len(find_numbers(surface)) >= 2:
        return "compound amount (dollars and cents)"
    return ""


class _ExtractorRun:
    """Extracts every sentence once, in one batch, and serves the claims by text."""

    def __init__(self) -> None:
        self._texts: list[str] = []
        self._claims: dict[str, list[ExtractedClaim]] = {}

    def want(self, texts: list[str]) -> None:
        self._texts.extend(texts)

    def claims(self, text: str) -> list[ExtractedClaim]:
        if text not in self._claims:
            self._claims[text] = extract_claims_batch([text])[0]
        return self._claims[text]

    def prefetch(self) -> None:
        unique = [t for t in dict.fromkeys(self._texts) if t not in self._claims]
        for text, found in zip(unique, extract_claims_batch(unique), strict=True):
            self._claims[text] = found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("peer_dir", type=Path)
    parser.add_argument("--failures", action="store_true", help="List the failed cases.")
    args = parser.parse_args(argv)
    root: Path = args.peer_dir

    run = _ExtractorRun()
    quantulum = json.loads((root / "quantulum3" / "quantities.json").read_text(encoding="utf-8"))
    run.want([item["req"] for item in quantulum])
    for model in ("NumberModel", "PercentModel", "CurrencyModel"):
        data = json.loads((root / "recognizers_text" / f"{model}.json").read_text("utf-8"))
        run.want([item["Input"] for item in data])
    run.prefetch()

    suites = [
        *number_parser_cases(root),
        *numerizer_cases(root),
        *text2num_cases(root),
        *quantulum_spellout_cases(root),
        *quantulum_quantity_cases(root, run),
        *recognizers_cases(root, run, "NumberModel", "recognizers Number"),
        *recognizers_cases(root, run, "PercentModel", "recognizers Percent"),
        *recognizers_cases(root, run, "CurrencyModel", "recognizers Currency"),
    ]
    tallies: dict[str, Tally] = {}
    for case in suites:
        tally = tallies.setdefault(case.suite, Tally())
        tally.cases += 1
        if case.check is None:
            tally.reasons[case.reason or "not applicable"] += 1
            continue
        tally.applicable += 1
        try:
            ok = case.check()
        except Exception as exc:  # a crash is a failure of ours, reported as such
            ok = False
            tally.failures.append(f"{case.text!r}: raised {type(exc).__name__}: {exc}")
        if ok:
            tally.correct += 1
        elif not tally.failures or not tally.failures[-1].startswith(repr(case.text)):
            tally.failures.append(f"{case.text!r} expected {case.expected!r}")

    header = f"{'suite':<24} {'cases':>5} {'applic.':>7} {'correct':>7} {'%':>6}  not applicable"
    print(header)
    print("-" * len(header))
    totals = Tally()
    for name, t in tallies.items():
        share = 100 * t.correct / t.applicable if t.applicable else 0.0
        reasons = "; ".join(f"{n} {r}" for r, n in t.reasons.most_common())
        print(f"{name:<24} {t.cases:>5} {t.applicable:>7} {t.correct:>7} {share:>5.1f}%  {reasons}")
        totals.cases += t.cases
        totals.applicable += t.applicable
        totals.correct += t.correct
    share = 100 * totals.correct / totals.applicable if totals.applicable else 0.0
    print("-" * len(header))
    total_row = f"{totals.cases:>5} {totals.applicable:>7} {totals.correct:>7} {share:>5.1f}%"
    print(f"{'total':<24} {total_row}")
    if args.failures:
        for name, t in tallies.items():
            for line in t.failures:
                print(f"FAIL {name}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
