"""Number normalisation: words, digits, scales and currencies to values.

Pure functions with no spaCy dependency, so they can be tested and benchmarked
on their own. Everything here works on lower-cased word lists or short strings.
"""

from __future__ import annotations

import math
import re

UNITS: dict[str, int] = {
    "zero": 0,
    "nought": 0,
    "naught": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS: dict[str, int] = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
# Words that multiply everything before them and close a group ("three million").
SCALES: dict[str, float] = {
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "quadrillion": 1e15,
    "quintillion": 1e18,
    "sextillion": 1e21,
}
# Abbreviated scales as written by wire services ("5.93 mln", "$2bn", "10k").
SCALE_ABBREVIATIONS: dict[str, float] = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "mil": 1e6,
    "mill": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "bln": 1e9,
    "billion": 1e9,
    "tn": 1e12,
    "trn": 1e12,
    "tln": 1e12,
    "trillion": 1e12,
    "quadrillion": 1e15,
    "quintillion": 1e18,
    "sextillion": 1e21,
}
FRACTIONS: dict[str, float] = {"half": 0.5, "quarter": 0.25}
ORDINALS: dict[str, int] = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "sixtieth": 60,
    "seventieth": 70,
    "eightieth": 80,
    "ninetieth": 90,
    "hundredth": 100,
    "thousandth": 1000,
    "millionth": 1_000_000,
}
# Every word that may take part in a spelled-out number.
NUMBER_WORDS: frozenset[str] = frozenset(
    [*UNITS, *TENS, *SCALES, "hundred", "dozen", "half", "quarter"]
)

# ISO codes a figure may carry as they are ("AUD1.5m", "115 USD").
ISO_CODES = frozenset(
    {"aud", "cad", "nzd", "hkd", "sgd", "inr", "jpy", "cny", "chf", "myr", "zar", "sek", "nok"}
    | {"dkk", "aed", "sar"}
)
# Currency symbols and words to lower-case ISO codes, the convention for `unit`.
CURRENCY_SYMBOLS: dict[str, str] = {
    "$": "usd",
    "us$": "usd",
    "usd": "usd",
    "£": "gbp",
    "gbp": "gbp",
    "€": "eur",
    "eur": "eur",
    "¥": "jpy",
    "c$": "cad",
    "a$": "aud",
    "nz$": "nzd",
    "hk$": "hkd",
    "$us": "usd",
    "$a": "aud",
    "s$": "sgd",
    "r$": "brl",
    "rm": "myr",
    "rs": "inr",
    "rs.": "inr",
    "₿": "btc",
    "元": "cny",
    **{code: code for code in ISO_CODES},
}
CURRENCY_WORDS: dict[str, str] = {
    "dollar": "usd",
    "dollars": "usd",
    "dlr": "usd",
    "dlrs": "usd",
    "usd": "usd",
    "buck": "usd",
    "bucks": "usd",
    "pound": "gbp",
    "pounds": "gbp",
    "sterling": "gbp",
    "quid": "gbp",
    "gbp": "gbp",
    "euro": "eur",
    "euros": "eur",
    "eur": "eur",
    "yen": "jpy",
    "yuan": "cny",
    "renminbi": "cny",
    "rouble": "rub",
    "roubles": "rub",
    "ruble": "rub",
    "rubles": "rub",
    "rupee": "inr",
    "rupees": "inr",
    "riyal": "sar",
    "riyals": "sar",
    "dirham": "aed",
    "dirhams": "aed",
    "franc": "chf",
    "francs": "chf",
    "shekel": "ils",
    "shekels": "ils",
    "lira": "try",
    "liras": "try",
    "lire": "try",
}
# Nationality adjectives that change the currency a word names ("Syrian pounds").
CURRENCY_NATIONALITY: dict[tuple[str, str], str] = {
    ("syrian", "gbp"): "syp",
    ("lebanese", "gbp"): "lbp",
    ("egyptian", "gbp"): "egp",
    ("canadian", "usd"): "cad",
    ("australian", "usd"): "aud",
    ("hong kong", "usd"): "hkd",
    ("new zealand", "usd"): "nzd",
    ("turkish", "try"): "try",
    ("iranian", "riyal"): "irr",
    ("saudi", "sar"): "sar",
    ("swiss", "chf"): "chf",
}

# Vague amounts: wording -> (lower, upper), from the conventions' table.
VAGUE_PLURALS: dict[str, tuple[float, float]] = {
    "dozens": (24, 99),
    "scores": (40, 199),
    "hundreds": (200, 999),
    "thousands": (2_000, 9_999),
    "millions": (2_000_000, 9_999_999),
    "billions": (2e9, 9.999e9),
    "trillions": (2e12, 9.999e12),
}
# "tens of thousands": the plural scale times ten, spanning its order of magnitude.
VAGUE_MULTIPLIERS: dict[str, float] = {"tens": 10, "hundreds": 100, "dozens": 12}

_DIGITS_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^[+-]?\.\d+$")
_SPLIT_RE = re.compile(r"[\s\-–]+")


def parse_digits(text: str) -> float | None:
    """Parse a written figure: "500,000" -> 500000.0, "5000" -> 5000.0, "-2.5" -> -2.5.

    Accepts a minus sign (ASCII or Unicode) and thousands separators placed every three
    digits; anything else returns None.
    """
    cleaned = text.strip().replace("\u2212", "-")
    if not _DIGITS_RE.match(cleaned):
        return None
    try:
        return float(cleaned.replace(",", ""))
    except ValueError:
        return None


def scale_value(word: str) -> float | None:
    """The multiplier of a scale word or abbreviation ("bn" -> 1e9), or None."""
    return SCALE_ABBREVIATIONS.get(word.lower().rstrip("."))


def vague_range(words: list[str]) -> tuple[float, float] | None:
    """Bounds of a vague amount given as lower-case words, or None.

    "dozens" -> (24, 99); "tens of thousands" -> (20000, 99999); "several hundred" ->
    (200, 900); "a few thousand" -> (2000, 9000); "several" -> (2, 9);
    "upper teens" -> (16, 19).
    """
    ws = [w for w in words if w not in ("of",)]
    if not ws:
        return None
    if ws == ["several"] or ws == ["a", "few"] or ws == ["few"]:
        return (2, 9)
    if ws in (["teens"], ["the", "teens"]):
        return (13, 19)
    if len(ws) == 2 and ws[1] == "teens":
        if ws[0] == "upper":
            return (16, 19)
        if ws[0] == "lower":
            return (13, 15)
        if ws[0] in ("mid", "middle"):
            return (14, 17)
    if len(ws) == 1 and ws[0] in VAGUE_PLURALS:
        return VAGUE_PLURALS[ws[0]]
    # "tens of thousands", "hundreds of millions", "dozens of thousands"
    if len(ws) == 2 and ws[0] in VAGUE_MULTIPLIERS and ws[1] in VAGUE_PLURALS:
        base = VAGUE_PLURALS[ws[1]][0] / 2  # "thousands" -> 1000
        low = 2 * base * VAGUE_MULTIPLIERS[ws[0]]
        return (low, 10 * base * VAGUE_MULTIPLIERS[ws[0]] - 1)
    # "several hundred", "a few thousand", "several dozen", "several million"
    prefix = ws[:-1]
    if prefix in (["several"], ["a", "few"], ["few"]):
        n = words_to_number([ws[-1]])
        if n is not None and n >= 12:
            return (2 * n, 9 * n)
    return None


def _split_glued(word: str) -> list[str]:
    """ "twentyone" -> ["twenty", "one"]: tens and units written as one word."""
    for tens in TENS:
        if word.startswith(tens) and word[len(tens) :] in UNITS and UNITS[word[len(tens) :]] < 10:
            return [tens, word[len(tens) :]]
    return [word]


_GLUED_SCALE_RE = re.compile(r"^(\d[\d,]*(?:\.\d+)?)([a-z]+)$")


def _tokens(words: list[str] | str) -> list[str]:
    if isinstance(words, str):
        words = _SPLIT_RE.split(words.lower().strip())
    out: list[str] = []
    for w in words:
        w = w.lower()
        if (m := _GLUED_SCALE_RE.match(w)) and m.group(2) in SCALE_ABBREVIATIONS:
            out.extend(m.groups())  # "10k" -> "10", "k"
        elif w:
            out.extend(_split_glued(w))
    return out


def _decimal_digits(tokens: list[str], i: int) -> tuple[str, int]:
    """Digits spoken after "point": "five" -> "5", "ninety-nine" -> "99", "o five" -> "05"."""
    digits = ""
    n = len(tokens)
    while i < n:
        w = tokens[i]
        if w in ("o", "oh", "zero"):
            digits += "0"
        elif w in UNITS:
            digits += str(UNITS[w])
        elif w in TENS:
            if i + 1 < n and tokens[i + 1] in UNITS and 0 < UNITS[tokens[i + 1]] < 10:
                digits += str(TENS[w] + UNITS[tokens[i + 1]])
                i += 1
            else:
                digits += str(TENS[w])
        else:
            break
        i += 1
    return digits, i


def words_to_number(words: list[str] | str) -> float | None:
    """Value of a spelled-out (or mixed) number, or None when the words are not one.

    Handles "three million", "two and a half million", "half a million", "a dozen",
    "one hundred and forty-two", "5.93 mln", "1.5 billion", "twenty five", "a quarter
    of a million", "two point five", "minus ten". Rejects sequences that are not a
    single number ("five six", "twenty thirty", "thousand thousand") so that a caller
    can split them.
    """
    tokens = _tokens(words)
    if not tokens:
        return None
    total = 0.0
    current = 0.0
    has_number = False
    # Class of the last word, so that "five six" or "twenty thirty" are rejected.
    last = ""
    last_scale = math.inf
    sign = 1.0
    i = 0
    n = len(tokens)
    while i < n:
        w = tokens[i]
        nxt = tokens[i + 1] if i + 1 < n else ""
        if w in ("minus", "negative") and i == 0:
            sign = -1.0
        elif w == "plus" and i == 0:
            pass
        elif (digits := parse_digits(w)) is not None:
            if last in ("unit", "tens", "digits", "hundred", "dozen"):
                return None
            current += digits
            last = "digits"
            has_number = True
        elif w in UNITS:
            value = UNITS[w]
            if last in ("unit", "digits") or (last == "tens" and (value >= 10 or value == 0)):
                return None
            current += value
            last = "unit"
            has_number = True
        elif w in TENS:
            if last in ("unit", "tens", "digits"):
                return None
            current += TENS[w]
            last = "tens"
            has_number = True
        elif w == "hundred":
            if last in ("hundred", "dozen", "and") or (current >= 100 and last != "digits"):
                return None
            current = (current or 1) * 100
            last = "hundred"
            has_number = True
        elif w == "dozen" or (w == "dozens" and current):
            if last in ("hundred", "dozen"):
                return None
            current = (current or 1) * 12
            last = "dozen"
            has_number = True
        elif (w in SCALE_ABBREVIATIONS and (w in SCALES or last == "digits")) or (
            w in _PLURAL_SCALES and current
        ):
            scale = SCALE_ABBREVIATIONS.get(w) or _PLURAL_SCALES[w]
            if current == 0 and last == "scale":
                if scale <= last_scale:
                    return None
                total *= scale  # "two thousand million"
            elif scale > last_scale:
                total = (total + (current or 1)) * scale  # "two thousand two million"
                current = 0
            elif scale == last_scale:
                return None
            else:
                total += (current or 1) * scale
                current = 0
            last_scale = scale
            last = "scale"
            has_number = True
        elif w in FRACTIONS:
            frac = FRACTIONS[w]
            if last == "and_a":
                # "two and a half million": a fraction added to the running group.
                current += frac
            elif nxt in ("a", "an", "of") or current == 0:
                # "half a million", "a quarter of a million": a fraction of what follows.
                current = frac if current == 0 else current * frac
            else:
                return None
            last = "fraction"
            has_number = True
        elif w in ("a", "an"):
            if last == "and":
                last = "and_a"
            elif last == "fraction":
                pass
            elif nxt in ("hundred", "dozen", *SCALES, "half", "quarter"):
                last = "a"
            else:
                return None
        elif w == "and":
            # "and" joins only after a hundred or a scale ("hundred and five", "million
            # and one") or before a fraction ("two and a half"); "twenty and five" is two.
            after_a = i + 2 < n and tokens[i + 1] in ("a", "an") and tokens[i + 2] in FRACTIONS
            if not has_number or not (last in ("hundred", "scale", "dozen") or after_a):
                return None
            last = "and"
        elif w == "of" and last == "fraction":
            pass
        elif w == "point" and (
            i == 0 or (has_number and last in ("unit", "tens", "digits", "hundred"))
        ):
            digits, j = _decimal_digits(tokens, i + 1)
            if not digits or not float(current).is_integer():
                return None
            current += float("0." + digits)
            i = j
            last = "digits"
            has_number = True
            continue
        else:
            return None
        i += 1
    if not has_number or last in ("and", "a", "and_a"):
        return None
    return sign * (total + current)


_PLURAL_SCALES: dict[str, float] = {
    "thousands": 1e3,
    "millions": 1e6,
    "billions": 1e9,
    "trillions": 1e12,
}
_FIND_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|[+-]?\d+(?:,\d{3})*(?:\.\d+)?|[^\w\s]")
_RUN_WORDS = (
    NUMBER_WORDS
    | set(_PLURAL_SCALES)
    | {"and", "a", "an", "of", "point", "minus", "negative", "plus", "o"}
)


def find_numbers(text: str) -> list[float]:
    """Every number written in a phrase, in order: "one, two and three" -> [1, 2, 3].

    Runs of number words are cut at punctuation and split greedily into the longest
    pieces that read as one number ("twenty thirty fifty hundred" -> [20, 30, 5000]).
    """
    values: list[float] = []
    run: list[str] = []

    def flush() -> None:
        i = 0
        while i < len(run):
            for j in range(len(run), i, -1):
                value = words_to_number(run[i:j])
                if value is not None:
                    values.append(value)
                    i = j
                    break
            else:
                i += 1
        run.clear()

    for m in _FIND_RE.finditer(text):
        token = m.group(0).lower()
        parts = [p for piece in token.split("-") for p in _split_glued(piece)]
        if parse_digits(token) is not None or all(p in _RUN_WORDS for p in parts):
            run.extend(parts)
        else:
            flush()
    flush()
    return values


_ORDINAL_AS_CARDINAL: dict[str, str] = {
    "first": "one",
    "second": "two",
    "third": "three",
    "fifth": "five",
    "eighth": "eight",
    "ninth": "nine",
    "twelfth": "twelve",
}


def parse_quantity(text: str) -> float | None:
    """Value of a number written on its own, in figures, words or both.

    "1,234,567" -> 1234567, "10k" -> 10000, "2.33 k" -> 2330, "minus 5" -> -5,
    "4 thousand 3 hundred and 21" -> 4321, ".08" -> 0.08. None when it is not one number.
    """
    cleaned = text.strip().rstrip(".!?;:,").strip()
    cleaned = cleaned.replace("\u2212", "-").replace("\u202f", "").replace("\u2009", "")
    sign = 1.0
    if cleaned.startswith("-") and not cleaned.startswith("--"):
        sign, cleaned = -1.0, cleaned[1:].strip()
    if cleaned.startswith("."):
        cleaned = "0" + cleaned
    value = words_to_number(cleaned)
    return None if value is None else sign * value


def ordinal_value(text: str) -> int | None:
    """Value of an ordinal: "ninth" -> 9, "21st" -> 21, "one hundred thirty-fourth" -> 134."""
    w = text.lower().strip()
    m = re.fullmatch(r"(\d+(?:,\d{3})*)(?:st|nd|rd|th)", w)
    if m:
        return int(m.group(1).replace(",", ""))
    if w in ORDINALS:
        return ORDINALS[w]
    words = [p for p in _SPLIT_RE.split(w) if p]
    if not words or words[-1] not in ORDINALS:
        return None
    last = words[-1]
    if last in _ORDINAL_AS_CARDINAL:
        cardinal = _ORDINAL_AS_CARDINAL[last]
    elif last.endswith("ieth"):
        cardinal = last[:-4] + "y"  # "twentieth" -> "twenty"
    else:
        cardinal = last[:-2]  # "fourth" -> "four", "hundredth" -> "hundred"
    value = words_to_number([*words[:-1], cardinal])
    return int(value) if value is not None and float(value).is_integer() else None


def currency_code(word: str) -> str | None:
    """ISO code (lower-case) for a currency symbol or word, or None."""
    w = word.lower()
    return CURRENCY_SYMBOLS.get(w) or CURRENCY_WORDS.get(w)


def word_set(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string (keeps long lexicons short)."""
    return frozenset(text.split())
