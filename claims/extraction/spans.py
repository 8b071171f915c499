"""Finding quantity expressions in a sentence.

The finder works on its own light tokenisation of the sentence text (words, figures,
currency signs, single punctuation marks, each with its character offsets and whether
it is glued to the previous token). That keeps offsets exact and lets the rules see
"$2bn", "80+", "12-hour" or "S-400" as written, which spaCy's tokeniser splits in
ways that vary. The parse is consulted afterwards (see `pipeline`) for the counted
noun, the event and a few identifier checks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from . import numbers as nums
from . import qualifiers as q
from .lexicon import (
    AGE_NOUNS,
    ANCHOR_AFTER_UNIT,
    CHANGE_WORDS,
    CURRENCY_CODES,
    FRACTION_WORDS,
    FROM_CHANGE_WORDS,
    IDENTIFIER_NOUNS,
    IDENTIFIER_WORDS,
    LENGTH_CONTEXT,
    LONG_RANGES,
    MEASURE_UNITS,
    MONTHS,
    ONE_NOUNS,
    ORDINAL_NOUNS,
    ORDINAL_RUN_ADJECTIVES,
    ORDINAL_SUFFIXES,
    PERCENT_WORDS,
    QUALIFIER_WORDS,
    SCALED_CODES,
    SET_DETERMINERS,
    SPELLED_RUN_WORDS,
    STREET_WORDS,
    TIME_AFTER,
    TIME_UNITS,
    VAGUE_LEADS,
)

# A sentence is scanned only if this finds something: keeps the post-parse cost low.
QUICK_RE = re.compile(
    r"\d|\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|"
    r"billions?|trillions?|dozens?|scores|several|few|teens|half|second|third|fourth|"
    r"fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|[a-z]+-long|[a-z]+fold)\b",
    re.IGNORECASE,
)

_LEX_RE = re.compile(
    r"(?P<cur>(?:US|C|A|NZ|HK|S|R)\$|\$US|\$A|(?:RM|Rs)(?=\.?\d)\.?|[$£€¥₿元])"
    r"|(?P<num>\d{1,3}(?:[\u202f\u2009]\d{3})+(?:\.\d+)?|\d{1,3}(?: 0\d\d)+(?![\d.,])"
    r"|\d+(?:,\d{3})*(?:\.\d+)?"
    r"|(?<![\d.])\.\d+)(?P<suf>[^\W\d_]+[23²³]?(?![\w]))?"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<punct>\S)"
)
# Runs of digit groups that are phone numbers or similar identifiers, not amounts.
_PHONE_RE = re.compile(r"(?<![\w.])\+?\(?\d{2,4}\)?(?:[ .-]\(?\d{2,4}\)?){2,}(?![\w])")


# Words after a number that make it a postcode: "the 90049 ZIP code".
_POSTCODE_WORDS = nums.word_set("zip zipcode postcode")
# Era marks that make a number a year: "A.D. 1000", "AD 79", "753 BC".
_ERA_BEFORE_RE = re.compile(r"(?:\bA\.D\.|\bAD)$")
_ERA_AFTER_RE = re.compile(r"\s*(?:B\.C\.(?:E\.)?|BCE?\b|A\.D\.|AD\b)")
# Words glued before a number by a hyphen that date it rather than name it:
# "her now-18 month-old daughter", "the then-45 year-old coach".
_TIME_PREFIXES = nums.word_set("now then")
# Stock indices named with a number, in any case: "sp 500", "Nasdaq 100 e-minis".
_INDEX_NAMES = nums.word_set("ftse stoxx nikkei dax cac asx russell nasdaq sensex sp kospi tsx")
# Time units glued to a figure: "40min", "24hr".
_GLUED_TIME_UNITS = {"min": "minute", "mins": "minute", "hr": "hour", "hrs": "hour"}
# What follows "sq" glued to a figure: "3923sq m", "900sq ft".
_AREA_AFTER_SQ = frozenset({"m", "ft", "km", "mi", "metres", "meters", "feet", "miles"})

# Words that open a sentence before a comma and are not a person: "Overall, 45, ..."
_SENTENCE_OPENERS = nums.word_set(
    "meanwhile however overall also yet still so then now today yesterday thus instead "
    "besides nevertheless finally first second third last next here there"
)

# Words joined to a figure by a hyphen that are part of the amount: "minus-40", "sub-5".
_SIGN_WORDS = frozenset({"minus", "sub"})


@dataclass
class Tok:
    """One lexical token of a sentence."""

    text: str
    lower: str
    start: int
    end: int
    kind: str  # "num", "word", "cur", "punct"
    glued: bool  # no whitespace between this token and the previous one
    suffix: str = ""  # letters glued to a figure ("bn" in "2bn")


@dataclass
class Candidate:
    """A quantity expression found in a sentence, before the parse is consulted."""

    start: int
    end: int
    value: float | None
    lower: float | None
    upper: float | None
    qualifier: str
    kind: str = "count"
    unit: str | None = None
    # Character span of the number itself (no qualifier words), for the parse lookup.
    core_start: int = 0
    core_end: int = 0
    # True for "12-hour" style modifiers, whose unit is glued to the figure.
    modifier: bool = False
    spelled: bool = False
    flags: set[str] = field(default_factory=set)


def _looks_like_phone(digits: str) -> bool:
    """A run of digit groups is a phone number when it is dialled like one: a leading
    "+" or "(", or nine digits or more in groups with one kind of separator."""
    if digits.startswith(("+", "(")):
        return True
    separators = set(re.findall(r"[ .-]", digits))
    return len(separators) == 1 and sum(ch.isdigit() for ch in digits) >= 9


def _clock_reading(value: float) -> bool:
    """ "3 pm", "11.30 am", "1130 GMT": hours, or hours and minutes run together."""
    if value <= 24:
        return True
    return float(value).is_integer() and value <= 2359 and value % 100 < 60


def lex(text: str, offset: int = 0) -> list[Tok]:
    """Split text into tokens with absolute offsets (text starts at `offset`)."""
    toks: list[Tok] = []
    prev_end = -1
    for m in _LEX_RE.finditer(text):
        start, end = m.start() + offset, m.end() + offset
        kind = m.lastgroup or "punct"
        suffix = ""
        if m.group("num") is not None:
            kind = "num"
            suffix = (m.group("suf") or "").lower()
        t = m.group(0)
        toks.append(Tok(t, t.lower(), start, end, kind, start == prev_end, suffix))
        prev_end = end
    return toks


def _numeric_value(tok: Tok) -> float | None:
    digits = tok.text[: len(tok.text) - len(tok.suffix)] if tok.suffix else tok.text
    # Thin, narrow no-break and plain spaces separate thousands in some house styles
    # ("1 000"; the lexer only joins plain-spaced groups that start with a zero).
    return nums.parse_digits(re.sub(r"[\u202f\u2009 ]", "", digits))


@dataclass
class _Core:
    """The number itself: its token range and value."""

    i: int  # first token
    j: int  # one past the last token
    value: float
    kind: str = "count"
    unit: str | None = None
    spelled: bool = False
    has_scale: bool = False
    vague: tuple[float, float] | None = None
    modifier: bool = False
    ordinal: bool = False


class SentenceScanner:
    """Finds the quantity expressions of one sentence.

    `is_proper_noun(char_offset)` tells whether the word at an offset is a proper noun in
    the parse; it is used to recognise identifiers such as "Boeing 737" or "Route 66".
    """

    def __init__(
        self,
        text: str,
        offset: int,
        is_proper_noun: Callable[[int], bool] | None = None,
        is_plural_noun: Callable[[int], bool] | None = None,
        *,
        preceding: str = "",
        with_long_durations: bool = False,
    ) -> None:
        self.with_long_durations = with_long_durations
        # The end of the text before the sentence: the parser sometimes starts a
        # sentence right after ")" or "..." in scraped page furniture.
        self.preceding = preceding.rstrip()
        self.text = text
        self.offset = offset
        self.toks = lex(text, offset)
        self.is_proper_noun = is_proper_noun or (lambda _offset: False)
        self.is_plural_noun = is_plural_noun or (lambda _offset: False)
        # Headlines in Title Case make every word look like a name ("Army Kills 28").
        long_words = [t for t in self.toks if t.kind == "word" and len(t.text) > 3]
        capitalised = sum(t.text[:1].isupper() for t in long_words)
        self.title_case = len(long_words) >= 4 and capitalised >= 0.6 * len(long_words)
        self.masked: list[tuple[int, int]] = [
            (m.start() + offset, m.end() + offset)
            for m in _PHONE_RE.finditer(text)
            if _looks_like_phone(m.group(0))
        ]

    # -- small helpers -------------------------------------------------------------

    def _tok(self, i: int) -> Tok | None:
        return self.toks[i] if 0 <= i < len(self.toks) else None

    def _low(self, i: int) -> str:
        t = self._tok(i)
        return t.lower if t else ""

    def _is_masked(self, tok: Tok) -> bool:
        return any(s <= tok.start < e for s, e in self.masked)

    def _words_from(self, i: int, n: int) -> list[str]:
        return [t.lower for t in self.toks[i : i + n]]

    # -- number cores ---------------------------------------------------------------

    def _digit_core(self, i: int) -> _Core | None:
        tok = self.toks[i]
        value = _numeric_value(tok)
        if value is None:
            return None
        core = _Core(i, i + 1, value)
        suffix = tok.suffix
        if suffix:
            if tok.text.endswith("G") and suffix == "g":
                return None  # "4G", "5G": a network generation, not grams
            if suffix == "m" and self._length_follows(i + 1):
                core.unit, core.kind = "m", "measure"  # "12m (39ft)", "a 12m high wave"
            elif suffix in nums.SCALE_ABBREVIATIONS:
                core.value = value * nums.SCALE_ABBREVIATIONS[suffix]
                core.has_scale = True
            elif (
                suffix == "p"
                and value < 1000
                and not (self._low(i + 1) == "." and self._low(i + 2) == "m")
            ):
                # "85p": pence, written as pounds like every amount of money.
                core.value, core.kind, core.unit = value / 100, "money", "gbp"
            elif suffix in ORDINAL_SUFFIXES:
                core.ordinal = True
            elif suffix in MEASURE_UNITS:
                core.unit = MEASURE_UNITS[suffix]
                core.kind = "measure"
            elif suffix in ("c", "f") and value < 200:
                # "1.5C of warming": degrees
                core.unit, core.kind = "degree", "measure"
            elif suffix in _GLUED_TIME_UNITS:
                core.unit, core.kind = _GLUED_TIME_UNITS[suffix], "duration"  # "40min"
            elif suffix == "sq" and self._low(i + 1) in _AREA_AFTER_SQ:
                # "3923sq m": the area unit starts glued to the figure.
                core.unit, core.kind = f"square {self._low(i + 1)}", "measure"
                core.j = i + 2
            elif suffix in ("pc",):
                core.unit, core.kind = "percent", "percent"
            elif suffix in CURRENCY_CODES or suffix in SCALED_CODES or suffix == "元":
                code, scale = SCALED_CODES.get(suffix, (nums.currency_code(suffix), 1.0))
                core.kind, core.unit = "money", code
                core.value = value * scale
            else:
                return None  # "1990s", "3pm", "4G", "9mm" style identifiers
        # Decimal continued with a comma-less thousands group, e.g. a stripped "1 000".
        nxt = self._tok(i + 1)
        if nxt and not core.has_scale and not core.ordinal and core.unit is None:
            scale = nums.scale_value(nxt.lower) if nxt.kind == "word" else None
            if nxt.lower == "hundred":
                scale = 100.0
            single_letter = len(nxt.lower) == 1
            # "5 B users": a capital B, M or K set apart is a scale, "5 m" is metres.
            after_letter = self._tok(i + 2)
            capital_scale = nxt.text in ("B", "M", "K") and (
                after_letter is None
                or after_letter.kind == "punct"
                and after_letter.text != "."
                or self.is_plural_noun(after_letter.start)
            )
            if scale and (not single_letter or nxt.glued or capital_scale):
                core.value *= scale
                core.has_scale = True
                core.j = i + 2
                after = self._tok(i + 2)
                more = nums.SCALES.get(after.lower) if after is not None else None
                if nxt.lower == "hundred" and more is not None:
                    core.value *= more  # "3 hundred thousand"
                    core.j = i + 3
        if core.unit is None and not core.has_scale and not core.ordinal:
            self._scientific(core)
            self._fraction(core)
        return core

    def _fraction(self, core: _Core) -> None:
        """ "1/2 pound", "3/4 of a mile", "1⁄32 of a quart": a fraction of a unit. A bare
        "4/5" stays a date or a score."""
        slash, den = self._tok(core.j), self._tok(core.j + 1)
        if (
            core.j != core.i + 1
            or slash is None
            or slash.text not in ("/", "\u2044")
            or not slash.glued
            or den is None
            or den.kind != "num"
            or not den.glued
            or den.suffix
            or not self.toks[core.i].text.isdigit()
            or not den.text.isdigit()
        ):
            return
        numerator, denominator = core.value, float(den.text)
        after, then = self._low(core.j + 2), self._low(core.j + 3)
        follows_unit = (
            after in MEASURE_UNITS
            or after in ("pound", "pounds")  # "1/2 pound of chocolate": a weight
            or (after == "of" and then in ("a", "an", "the"))
        )
        if not (0 < numerator < denominator <= 1000) or not follows_unit:
            return
        nxt_after = self._tok(core.j + 2)
        if nxt_after is not None and nxt_after.glued:
            return
        core.value = numerator / denominator
        core.j += 2
        if after in ("pound", "pounds"):
            core.unit, core.kind = "pound", "measure"  # a pound of something is a weight
            core.j += 1

    def _scientific(self, core: _Core) -> None:
        """ "6.02×10^23", "6.02 x 10^23", "1.99×10−30": a figure in scientific notation."""
        times, ten = self._tok(core.j), self._tok(core.j + 1)
        if times is None or times.text not in ("×", "x", "*") or ten is None or ten.text != "10":
            return
        k = core.j + 2
        caret = self._tok(k)
        if caret is not None and caret.text == "^" and caret.glued:
            k += 1
        sign = 1.0
        mark = self._tok(k)
        if mark is not None and mark.text in ("−", "-", "+") and mark.glued:
            sign = -1.0 if mark.text != "+" else 1.0
            k += 1
        power = self._tok(k)
        if (
            k == core.j + 2  # "x 10" with neither a caret nor a sign is a product
            or power is None
            or power.kind != "num"
            or not power.glued
            or power.suffix
        ):
            return
        exponent = _numeric_value(power)
        if exponent is not None and exponent.is_integer() and abs(exponent) <= 300:
            core.value *= 10.0 ** (sign * exponent)
            core.has_scale = True
            core.j = k + 1

    def _length_follows(self, j: int) -> bool:
        nxt = self._tok(j)
        if nxt is None:
            return False
        if nxt.lower in LENGTH_CONTEXT:
            return True
        after = self._tok(j + 1)
        return (
            nxt.text == "("
            and after is not None
            and after.kind == "num"
            and (after.suffix in ("ft", "in", "yd") or self._low(j + 2) in ("ft", "feet", "foot"))
        )

    def _spelled_core(self, i: int) -> _Core | None:
        tok = self.toks[i]
        if tok.kind != "word":
            return None
        first = tok.lower
        if first not in nums.NUMBER_WORDS and first not in ("a", "an"):
            return None
        # Collect the longest run that could belong to one number.
        j = i
        while j < len(self.toks):
            t = self.toks[j]
            if t.kind == "word" and t.lower in SPELLED_RUN_WORDS:
                j += 1
                continue
            # hyphen inside "twenty-five"
            if (
                t.text in ("-", "–")
                and t.glued
                and j > i
                and self._low(j - 1) in nums.TENS
                and self._low(j + 1) in nums.UNITS
                and self.toks[j + 1].glued
            ):
                j += 1
                continue
            break
        while j > i:
            words = [t.lower for t in self.toks[i:j] if t.kind == "word"]
            last = words[-1] if words else ""
            if (
                last in nums.NUMBER_WORDS
                and last not in ("half", "quarter")
                or (last in ("half", "quarter") and len(words) > 1 and words[-2] == "a")
            ):
                value = nums.words_to_number(words)
                if value is not None:
                    break
            j -= 1
        else:
            return None
        words = [t.lower for t in self.toks[i:j] if t.kind == "word"]
        real = [w for w in words if w not in ("a", "an", "and", "of", "point")]
        if not real:
            return None
        # A fraction or a bare scale word on its own is not a count.
        if real in (["half"], ["quarter"]) or (len(words) == 1 and words[0] in nums.SCALES):
            return None
        if len(words) == 1 and words[0] == "hundred":
            return None
        core = _Core(i, j, value, spelled=True)
        core.has_scale = any(w in nums.SCALES for w in words)
        return core

    def _vague_core(self, i: int) -> _Core | None:
        w0 = self._low(i)
        w1, w2 = self._low(i + 1), self._low(i + 2)
        # "tens of thousands", "hundreds of millions"
        if w0 in nums.VAGUE_MULTIPLIERS and w1 == "of" and w2 in nums.VAGUE_PLURALS:
            rng = nums.vague_range([w0, w2])
            if rng:
                return _Core(i, i + 3, 0, vague=rng, spelled=True)
        # "several hundred", "a few thousand", "several dozen"
        if w0 in VAGUE_LEADS or (w0 == "a" and w1 == "few"):
            k = i + 2 if w0 == "a" else i + 1
            nxt = self._low(k)
            if nxt in ("hundred", "thousand", "million", "billion", "dozen"):
                rng = nums.vague_range(self._words_from(i, k - i + 1))
                if rng:
                    return _Core(i, k + 1, 0, vague=rng, spelled=True)
            if w0 == "several" and nxt not in ("of",):
                return _Core(i, i + 1, 0, vague=(2, 9), spelled=True)
            return None
        if w0 in ("upper", "lower", "mid") and w1 == "teens":
            rng = nums.vague_range([w0, w1])
            if rng:
                return _Core(i, i + 2, 0, vague=rng, spelled=True)
        if w0 == "scores" and w1 == "of":
            return _Core(i, i + 1, 0, vague=nums.VAGUE_PLURALS["scores"], spelled=True)
        if w0 in nums.VAGUE_PLURALS and w0 != "scores":
            # "many thousands" keeps the order of magnitude of "thousands".
            return _Core(i, i + 1, 0, vague=nums.VAGUE_PLURALS[w0], spelled=True)
        # "months-long", "years-long": no figure is written, and the conventions count
        # them as optional at best, so they are left out unless asked for.
        if (
            self.with_long_durations
            and w0 in LONG_RANGES
            and self._low(i + 1) in ("-", "–")
            and w2 == "long"
            and self.toks[i + 1].glued
            and self.toks[i + 2].glued
        ):
            core = _Core(i, i + 3, 0, vague=LONG_RANGES[w0], spelled=True)
            core.unit, core.kind, core.modifier = TIME_UNITS[w0], "duration", True
            return core
        return None

    def _ordinal_core(self, i: int) -> _Core | None:
        tok = self.toks[i]
        value: int | None = None
        j = i + 1
        if tok.kind == "num" and tok.suffix in ORDINAL_SUFFIXES:
            value = nums.ordinal_value(tok.lower)
        elif tok.kind == "word":
            value = nums.ORDINALS.get(tok.lower)
            if (
                value is None
                and tok.lower in nums.TENS
                and self._low(i + 1) in ("-",)
                and self._low(i + 2) in nums.ORDINALS
            ):
                value = nums.ordinal_value(f"{tok.lower}-{self._low(i + 2)}")
                j = i + 3
        if value is None or value < 2:
            return None
        # Only ordinals that state a fact: "its ninth year", "the third-largest".
        nxt = self._tok(j)
        if nxt is None:
            return None
        if nxt.text in ("-", "–") and nxt.glued and self._low(j + 1) in ORDINAL_NOUNS:
            end = j + 2
        elif nxt.lower in ORDINAL_NOUNS and nxt.kind == "word":
            end = j + 1
            if nxt.lower in ORDINAL_RUN_ADJECTIVES and self._low(end) in TIME_UNITS:
                end += 1  # "third straight week"
        else:
            return None
        if self._low(i - 1) in MONTHS or self._low(end) in ("of",) and self._low(end + 1) in MONTHS:
            return None
        core = _Core(i, end, float(value), kind="ordinal", ordinal=True)
        noun = self._low(end - 1)
        core.unit = TIME_UNITS.get(noun, noun)
        return core

    # -- filters --------------------------------------------------------------------

    def _is_identifier_or_date(self, core: _Core, money: bool = False) -> bool:
        """True for figures that are names, dates, times or phone numbers."""
        first = self.toks[core.i]
        prev = self._tok(core.i - 1)
        nxt = self._tok(core.j)
        if first.kind == "num":
            if self._is_masked(first):
                return True
            if re.match(r"0\d", first.text):
                return True  # "0742 PM", "007": codes and clock readings
            if self._is_page_furniture(core) or self._is_street_number(core):
                return True
            if nxt is not None and (
                nxt.lower in _POSTCODE_WORDS
                or (nxt.lower == "postal" and self._low(core.j + 1) == "code")
            ):
                return True  # "the 90049 ZIP code"
            if self._era_marked(core):
                return True  # "A.D. 1000", "500 BC": a year
            if (
                prev is not None
                and prev.text == "-"
                and first.glued
                and not prev.glued
                and (pp := self._tok(core.i - 2)) is not None
                and pp.kind == "word"
                and len(pp.text) >= 3
                and pp.text.isupper()
                and first.text.isdigit()
                and (
                    nxt is None
                    or (nxt.kind not in ("word", "num") and nxt.text != "%")
                    or self._only_noun_follows(core.j)
                )
            ):
                return True  # "COVID -19": a name spaced apart, not a negative count
            if core.i == 0 and nxt is not None and nxt.text in (".", ")") and nxt.glued:
                return True  # "3. Strikes:": list numbering
            if first.glued and prev is not None:
                if prev.kind in ("word", "num") and prev.lower not in CURRENCY_CODES:
                    return True  # "G20", "MH17"; "USD115" is money
                if prev.text in ("-", "/", ".", ":", "#") and (
                    (pp := self._tok(core.i - 2)) is not None
                    and prev.glued
                    and (pp.kind in ("word", "num"))
                    and not (prev.text == "-" and pp.lower in _SIGN_WORDS)
                    and not (prev.text == "-" and pp.lower in _TIME_PREFIXES)
                ):
                    return True  # "S-400", "Covid-19", "4/5/2017", "10.5.3"
                if prev.text in ("#", "№"):
                    return True
            if (
                nxt is not None
                and nxt.glued
                and nxt.text in (":", "/")
                and (after := self._tok(core.j + 1)) is not None
                and after.kind == "num"
            ):
                return True  # "10:30", "4/5"; "$15/hour" is a rate
            if (
                nxt is not None
                and nxt.glued
                and nxt.text == "."
                and (n2 := self._tok(core.j + 1)) is not None
                and n2.kind == "num"
                and n2.glued
            ):
                return True  # "192.168"
            if prev is not None and prev.kind == "word":
                if prev.lower in IDENTIFIER_WORDS:
                    return True
                if prev.lower in _INDEX_NAMES and not core.has_scale and core.unit is None:
                    return True  # "the sp 500", "Nasdaq 100 futures": a stock index
                if (
                    len(prev.text) == 1
                    and prev.text.isupper()
                    and prev.text not in ("A", "I")
                    and not core.has_scale
                ):
                    return True  # "S&P 500" written "S P 500", "Class C 12"
                if (
                    prev.lower in IDENTIFIER_NOUNS
                    and not prev.text[:1].isupper()
                    and (prev.text[1:2].isupper())
                ):
                    return True  # "iPhone 11", "eBay 2"
                if (
                    prev.text[:1].isupper()
                    and prev.lower not in MONTHS
                    and prev.lower not in CURRENCY_CODES
                    and not core.has_scale
                    and (
                        (self.is_proper_noun(prev.start) and not self.title_case)
                        or prev.lower in IDENTIFIER_NOUNS
                    )
                    and q.match_prefix([prev.lower]) is None
                    and (
                        not self._unit_follows(core.j)
                        # "Model 3 sedans", "Phase 2 trials": the name describes the things
                        or (prev.lower in IDENTIFIER_NOUNS and self._only_noun_follows(core.j))
                    )
                    and core.unit is None
                ):
                    return True  # "Boeing 737", "Section 427", "Route 66"
        # Calendar anchors: "5 April", "April 5", "May 5th", "05 Apr 2017", "Jan. 5"
        if prev is not None and prev.lower in MONTHS and (prev.text[:1].isupper()):
            return True
        if (
            prev is not None
            and prev.text == "."
            and (pp := self._tok(core.i - 2)) is not None
            and pp.lower in MONTHS
            and pp.text[:1].isupper()
        ):
            return True
        if nxt is not None and nxt.lower in MONTHS and nxt.text[:1].isupper():
            return True
        n2 = self._tok(core.j + 1)
        if (
            nxt is not None
            and nxt.lower == "of"
            and n2 is not None
            and n2.lower in MONTHS
            and n2.text[:1].isupper()
        ):
            return True
        # Clock times: "3pm", "3 p.m.", "10 GMT"
        if nxt is not None and nxt.lower in TIME_AFTER and _clock_reading(core.value):
            return True
        if (
            nxt is not None
            and nxt.lower in ("a", "p")
            and self._low(core.j + 1) == "."
            and self._low(core.j + 2) == "m"
        ):
            return True
        if nxt is not None and nxt.lower == "o" and self._low(core.j + 2) == "clock":
            return True
        # Years: "in 2011", "2011-2013"; a year-like figure counting things stays.
        if (
            prev is not None
            and prev.lower in ("and", "to", "until", "through")
            and (pp := self._tok(core.i - 2)) is not None
            and re.fullmatch(r"(?:1[89]|20)\d\d", pp.text)
            and self._low(core.i - 3) in ("between", "from")
            and re.fullmatch(r"(?:1[89]|20)\d\d", first.text)
        ):
            return True  # "between 2011 and 2013 prices rose": the second year of a span
        if (
            first.kind == "num"
            and not first.suffix
            and core.j == core.i + 1
            and re.fullmatch(r"\d{4}", first.text)
            and 1800 <= core.value <= 2100
            and not money
        ):
            return (
                nxt is None
                or not nxt.text[:1].islower()
                or nxt.lower in nums.VAGUE_PLURALS
                or not self.is_plural_noun(nxt.start)
            )
        return False

    def _era_marked(self, core: _Core) -> bool:
        """ "A.D. 1000", "AD 79", "500 BC", "300 B.C.": a year of an era."""
        before = self.text[: self.toks[core.i].start - self.offset].rstrip()
        after = self.text[self.toks[core.j - 1].end - self.offset :]
        return bool(_ERA_BEFORE_RE.search(before) or _ERA_AFTER_RE.match(after))

    def _is_page_furniture(self, core: _Core) -> bool:
        """Counters and links scraped with the text: "Air Base (200) 2510 The US ..."."""
        if core.j != core.i + 1 or self.toks[core.i].suffix:
            return False
        prev, nxt = self._tok(core.i - 1), self._tok(core.j)
        if prev is not None and prev.text == "(" and nxt is not None and nxt.text == ")":
            before = self._tok(core.i - 2)
            return before is not None and before.text[:1].isupper()
        after_break = (
            prev is not None
            and (prev.text in (")", "…") or (prev.text == "." and self._low(core.i - 2) == "."))
        ) or (prev is None and self.preceding.endswith((")", "…", "...")))
        return after_break and (nxt is None or (nxt.kind == "word" and nxt.text[:1].isupper()))

    def _spelled_name(self, core: _Core) -> bool:
        """ "World War Two", "Air Force One": a capitalised number word inside a name."""
        first, prev = self.toks[core.i], self._tok(core.i - 1)
        return (
            not self.title_case
            and first.text[:1].isupper()
            and prev is not None
            and prev.kind == "word"
            and prev.text[:1].isupper()
            and q.match_prefix([prev.lower]) is None
            and self.is_proper_noun(prev.start)
        )

    def _is_street_number(self, core: _Core) -> bool:
        """ "1600 Pennsylvania Avenue", "10 Downing Street": an address, not an amount."""
        k = core.j
        if self._low(k) == "-" and (end := self._tok(k + 1)) is not None and end.kind == "num":
            k += 2  # "16-18 Industrial Avenue": a run of house numbers
        first = k
        for k in range(first, min(first + 4, len(self.toks))):
            tok = self.toks[k]
            if tok.kind == "num" and tok.suffix in ("st", "nd", "rd", "th") and k > first:
                continue  # "9 E 71st St": a numbered street
            if tok.kind != "word" or not tok.text[:1].isupper():
                return False
            if tok.lower in STREET_WORDS and k > first:
                return True
        return False

    def _named_person_before(self, k: int) -> bool:
        """True when token k ends a capitalised name: "Ken Murphy, 58, said"."""
        tok = self._tok(k)
        return (
            tok is not None
            and tok.kind == "word"
            and tok.text[:1].isupper()
            and (
                self.is_proper_noun(tok.start)
                # A lone surname opening the sentence is often tagged as a common noun.
                or (k == 0 and tok.lower not in _SENTENCE_OPENERS)
            )
            and (k < 1 or self.toks[k - 1].kind == "word")
        )

    def _only_noun_follows(self, j: int) -> bool:
        """True when a plain counted noun follows, not a unit, a percent or a currency."""
        nxt = self._tok(j)
        if nxt is None or nxt.kind != "word":
            return False
        low = nxt.lower
        return not (
            low in MEASURE_UNITS
            or low in TIME_UNITS
            or low in PERCENT_WORDS
            or low in nums.CURRENCY_WORDS
        )

    def _unit_follows(self, j: int) -> bool:
        """True when a unit, a percent sign or a counted plural noun follows the figure."""
        nxt = self._tok(j)
        if nxt is None:
            return False
        low = nxt.lower
        return (
            nxt.text in ("%",)
            or low in MEASURE_UNITS
            or low in TIME_UNITS
            or low in PERCENT_WORDS
            or low in nums.CURRENCY_WORDS
            or (nxt.kind == "word" and nxt.text[:1].islower() and self.is_plural_noun(nxt.start))
        )

    # -- the scan -------------------------------------------------------------------

    def scan(self) -> list[Candidate]:
        out: list[Candidate] = []
        i = 0
        n = len(self.toks)
        while i < n:
            cand, next_i = self._match(i)
            if cand is not None:
                sign = self.text[cand.start - self.offset]
                if sign == "+":
                    cand.flags.add("plus")
                elif sign in "-\u2212–" or self.toks[i].lower in ("minus", "negative"):
                    cand.flags.add("minus")
                out.append(cand)
                i = max(next_i, i + 1)
            else:
                i += 1
        return out

    def _core_at(self, i: int) -> _Core | None:
        tok = self.toks[i]
        if tok.kind == "num":
            core = self._ordinal_core(i) if tok.suffix in ORDINAL_SUFFIXES else None
            if core is None and tok.suffix in ORDINAL_SUFFIXES:
                return None
            return core or self._digit_core(i)
        if tok.kind != "word":
            return None
        if tok.lower.endswith("fold") and tok.lower[:-4] in nums.NUMBER_WORDS:
            value = nums.words_to_number([tok.lower[:-4]])
            if value is not None:
                # "fourfold": a multiple, written as one word.
                return _Core(i, i + 1, value, unit="fold", spelled=True)
        return self._vague_core(i) or self._ordinal_core(i) or self._spelled_core(i)

    def _match(self, i: int) -> tuple[Candidate | None, int]:
        n = len(self.toks)
        tok = self.toks[i]
        currency: str | None = None
        start_i = i
        negative = False
        if (
            tok.text == "+"
            and (nxt0 := self._tok(i + 1)) is not None
            and nxt0.kind == "num"
            and nxt0.glued
            and (i == 0 or not tok.glued)
        ):
            # "+0.4%": a signed change; the sign is part of the expression.
            i += 1
            tok = self.toks[i]
        elif (
            tok.text in ("-", "\u2212", "–")
            and (nxt0 := self._tok(i + 1)) is not None
            and nxt0.kind == "num"
            and nxt0.glued
            and (i == 0 or not tok.glued)
        ):
            # "-12 degrees": a minus sign set off from the previous word.
            negative = True
            i += 1
            tok = self.toks[i]
        elif tok.lower in ("minus", "negative") and (nxt0 := self._tok(i + 1)) is not None:
            k = i + 1
            if nxt0.text in ("-", "–") and nxt0.glued and (n1 := self._tok(k + 1)) and n1.glued:
                k += 1  # "minus-40"
            after_sign = self.toks[k] if k < n else None
            if after_sign is not None and (
                after_sign.kind == "num" or after_sign.lower in nums.NUMBER_WORDS
            ):
                negative = True  # "minus five percent"
                i = k
                tok = self.toks[i]
        sub_bound = False
        if (
            tok.lower == "sub"
            and self._low(i + 1) in ("-", "–")
            and (n2 := self._tok(i + 2)) is not None
            and n2.kind == "num"
            and self.toks[i + 1].glued
            and n2.glued
        ):
            sub_bound = True  # "sub-5 nanometre": below 5
            i += 2
            tok = self.toks[i]
        if tok.kind == "cur" or (tok.lower in CURRENCY_CODES and self._tok(i + 1)):
            nxt = self._tok(i + 1)
            if (
                nxt is not None
                and nxt.text in ("-", "\u2212")
                and nxt.glued
                and (n2 := self._tok(i + 2)) is not None
                and n2.kind == "num"
                and n2.glued
            ):
                # "$-50.8bn": a negative amount with the sign after the currency.
                negative = True
                currency = nums.currency_code(tok.lower)
                i += 2
            elif nxt is not None and nxt.kind == "num":
                currency = nums.currency_code(tok.lower)
                i += 1
            elif tok.kind == "cur":
                return None, i + 1
        if currency is None and tok.kind not in ("num", "word"):
            return None, i + 1
        core = self._core_at(i)
        if core is None:
            return None, i + 1
        if negative:
            core.value = -core.value
        if core.kind == "ordinal":
            return self._finish_simple(start_i, core, q.EXACT), core.j
        if core.vague is None and self._is_identifier_or_date(core, money=currency is not None):
            return None, core.j
        if core.vague is None and core.spelled and not self._spelled_is_claim(core):
            return None, core.j
        if core.spelled and self._spelled_name(core):
            return None, core.j

        # Range: "50-60", "50 to 60", "$1.3 to $1.5bn", "between 50 and 60", "two or three".
        j = core.j
        second: _Core | None = None
        repeated_unit: list[str] = []
        between = self._low(start_i - 1) == "between"
        sep = self._tok(j)
        if sep is not None and sep.text in ("-", "–") and sep.glued:
            if self._low(j + 1) in ("to", "and", "or") and not core.spelled:
                j += 1  # "8- to 16-metre": the unit is written once, after the second
                sep = self._tok(j)
        elif sep is not None and (unit_len := self._unit_phrase(j)) and core.vague is None:
            after_unit = self._tok(j + unit_len)
            if after_unit is not None and (
                after_unit.lower == "to" or (after_unit.lower == "and" and between)
            ):
                j += unit_len  # "44 mg to 50 mg", "between 44 mg and 50 mg"
                sep = after_unit
                repeated_unit = [t.lower for t in self.toks[core.j : core.j + unit_len]]
        if sep is not None and core.vague is None:
            word = sep.lower
            k = j + 1
            # "dropped by 1 to 1.5 degrees": a bare figure after "by" may open a range,
            # where "rose by 5% to 105" is a change then a level (checked on the far end).
            by_range = (
                word == "to"
                and j == core.j
                and core.unit is None
                and not core.has_scale
                and self._low(start_i - 1) == "by"
            )
            is_sep = (
                sep.text in ("-", "–", "—")
                or (word == "to" and not self._change_before(start_i))
                or by_range
                or (word == "and" and between)
                or (word == "or" and core.spelled)
            )
            if is_sep and k < n:
                cur2 = None
                if self.toks[k].kind == "cur":
                    cur2 = nums.currency_code(self.toks[k].lower)
                    k += 1
                if k < n:
                    cand2 = self._core_at(k)
                    unit_after = (
                        [t.lower for t in self.toks[cand2.j : cand2.j + len(repeated_unit)]]
                        if cand2
                        else []
                    )
                    if by_range and cand2 is not None and not _close_range_end(self, core, cand2):
                        cand2 = None
                    if (
                        cand2 is not None
                        and cand2.vague is None
                        and not cand2.ordinal
                        and (cur2 is None or currency is None or cur2 == currency)
                        and unit_after == repeated_unit
                    ):
                        second = cand2
                        if cur2 and currency is None:
                            currency = cur2
        if second is not None:
            low, high = core.value, second.value
            if second.has_scale and not core.has_scale:
                # A scale shared by both ends: "$1.3 to $1.5bn".
                scale = self._scale_of(second)
                if scale and low * scale <= high:
                    low *= scale
            if (
                sep
                and sep.text in ("-", "–", "—")
                and sep.glued
                and self._is_year_pair(core, second)
            ):
                return None, second.j
            if (
                currency is None
                and self._four_digit_year(core)
                and self._four_digit_year(second)
                and not self._unit_follows(second.j)
            ):
                return None, second.j  # "between 1600 and 1900", "from 2011 to 2013"
            if sep is not None and sep.text in ("-", "–") and sep.glued and high <= low:
                return None, second.j  # "212-11", "737-800": a reference, not a range
            if high > low:
                core_end = second.j
                first_i = start_i - 1 if between else start_i
                cand = self._build(first_i, core_end, core, q.RANGE, None, low, high, currency)
                if cand.unit is None and second.unit is not None:
                    cand.kind, cand.unit = second.kind, second.unit  # "5-10W", "25-40min"
                cand.core_start = self.toks[start_i].start
                cand.core_end = self.toks[core_end - 1].end
                unit_core = second
                return self._after(cand, unit_core, core_end), cand_end_index(self, cand)
            # "rose from 50 to 40" and similar: the second figure is a claim of its own.

        if core.vague is not None:
            low, high = core.vague
            cand = self._build(start_i, core.j, core, q.VAGUE, None, low, high, currency)
            cand = self._after(cand, core, core.j)
            return cand, cand_end_index(self, cand)

        # Bounds and hedges before the number.
        qualifier = q.EXACT
        first_i = start_i
        words_before = [t.lower for t in self.toks[max(0, start_i - q.MAX_PREFIX_WORDS) : start_i]]
        # Only whole words count, with nothing but spaces in between.
        pre = q.match_prefix(words_before)
        if pre is None and words_before[-1:] == ["at"]:
            # "at least at 40": the bound before a repeated preposition.
            pre = q.match_prefix(words_before[:-1])
            if pre is not None:
                pre = (pre[0] + 1, pre[1])
        if sub_bound:
            qualifier = q.UPPER_BOUND
        elif pre is not None:
            count, qualifier = pre
            first_i = start_i - count
        value, lower, upper = q.bounds(qualifier, core.value)
        cand = self._build(first_i, core.j, core, qualifier, value, lower, upper, currency)
        cand.core_start = self.toks[start_i].start
        if core.has_scale:
            cand.flags.add("scaled")
        return self._after(cand, core, core.j), cand_end_index(self, cand)

    def _change_before(self, i: int) -> bool:
        """True after "from" or a verb of change: "rose 5% to 7%" is a change then a level."""
        k = i - 1
        while k >= 0 and self._low(k) in QUALIFIER_WORDS:
            k -= 1
        if self._low(k) == "from":
            # "rose from 40 to 55" is a change; "fines from $250,000 to $1m", "ranging
            # from 20 to 25" one range: "from" alone does not make a change.
            before: list[str] = []
            for b in range(k - 1, max(-1, k - 9), -1):
                if self._low(b) in (",", ";", ":", "(", ")"):
                    break
                before.append(self._low(b))
            return any(w in CHANGE_WORDS or w in FROM_CHANGE_WORDS for w in before) and not (
                self._low(k - 1).startswith(("rang", "var"))
            )
        return self._low(k) in CHANGE_WORDS

    def _unit_phrase(self, j: int) -> int:
        """Length of a unit written after a figure ("mg", "per kg", "%"), or 0."""
        tok = self._tok(j)
        if tok is None:
            return 0
        if tok.text == "%" or tok.lower in PERCENT_WORDS:
            return 1
        if tok.lower == "per" and self._low(j + 1):
            return 2
        if tok.kind == "word" and (tok.lower in MEASURE_UNITS or tok.lower in TIME_UNITS):
            if self._low(j + 1) == "per" and self._low(j + 2):
                return 3
            return 1
        return 0

    def _four_digit_year(self, core: _Core) -> bool:
        tok = self.toks[core.i]
        return (
            core.j == core.i + 1
            and not tok.suffix
            and re.fullmatch(r"\d{4}", tok.text) is not None
            and 1000 <= core.value <= 2100
        )

    def _is_year_pair(self, a: _Core, b: _Core) -> bool:
        """ "2011-2013" or "2011-13": a span of years, not a range of amounts."""
        first_is_year = (
            1800 <= a.value <= 2100 and re.fullmatch(r"\d{4}", self.toks[a.i].text) is not None
        )
        return first_is_year and (b.value < 100 or 1800 <= b.value <= 2100)

    def _scale_of(self, core: _Core) -> float | None:
        for t in self.toks[core.i : core.j]:
            if t.kind == "num" and t.suffix in nums.SCALE_ABBREVIATIONS:
                return nums.SCALE_ABBREVIATIONS[t.suffix]
            if t.kind == "word" and t.lower in nums.SCALE_ABBREVIATIONS and t.lower not in "mkb":
                return nums.SCALE_ABBREVIATIONS[t.lower]
        return None

    def _spelled_is_claim(self, core: _Core) -> bool:
        """Rules out idioms and pronoun-like uses of small spelled numbers."""
        words = [t.lower for t in self.toks[core.i : core.j]]
        nxt = self._low(core.j)
        prev = self._low(core.i - 1)
        if nxt in ("-",) and self._low(core.j + 1) in FRACTION_WORDS:
            return False  # "two-thirds"
        if nxt == "thanks" or (words == ["a", "thousand"] and nxt == "words"):
            return False
        if (
            core.value <= 10
            and not core.has_scale
            and prev in SET_DETERMINERS
            and not (nxt == "-" and self.toks[core.j].glued)
        ):
            return False  # "the two sides", but "the six-year war" is a duration
        if words == ["one"] or words == ["a"]:
            if nxt == "of" or prev in ("no", "any", "every", "each", "this", "that", "the"):
                return False
            if nxt in ("in", "out", "or", "to") or prev in ("minus", "negative"):
                return True
            if nxt == "per" and self._low(core.j + 1) == "cent":
                return True  # "one per cent"
            if q.match_prefix([self._low(core.i - 2), prev]):
                return True
            return nxt in ONE_NOUNS
        return nxt != "another"

    def _build(
        self,
        first_i: int,
        last_j: int,
        core: _Core,
        qualifier: str,
        value: float | None,
        lower: float | None,
        upper: float | None,
        currency: str | None,
    ) -> Candidate:
        start = self.toks[first_i].start
        end = self.toks[last_j - 1].end
        cand = Candidate(
            start=start,
            end=end,
            value=value,
            lower=lower,
            upper=upper,
            qualifier=qualifier,
            kind=core.kind,
            unit=core.unit,
            core_start=self.toks[core.i].start,
            core_end=self.toks[core.j - 1].end,
            modifier=core.modifier,
            spelled=core.spelled,
        )
        if currency:
            cand.kind, cand.unit = "money", currency
        return cand

    def _finish_simple(self, first_i: int, core: _Core, qualifier: str) -> Candidate:
        value, lower, upper = q.bounds(qualifier, core.value)
        return self._build(first_i, core.j, core, qualifier, value, lower, upper, None)

    def _after(self, cand: Candidate, core: _Core, j: int) -> Candidate:
        """Extends a candidate over what follows the number: %, +, units, "or more"."""
        n = len(self.toks)
        nxt = self._tok(j)
        if nxt is None:
            return cand
        # "80+" / "80-plus" / "80 or more"
        if nxt.text == "+" and nxt.glued and cand.qualifier in (q.EXACT,):
            cand.end = nxt.end
            cand.qualifier = q.LOWER_BOUND
            cand.value, cand.lower, cand.upper = q.bounds(q.LOWER_BOUND, cand.value or 0)
            j += 1
            nxt = self._tok(j)
        elif cand.qualifier == q.EXACT and cand.value is not None:
            words = self._words_from(j, 2)
            if words and words[0] == "-" and nxt.glued:
                words = self._words_from(j + 1, 2)
                suf = q.match_suffix(words)
                if suf and suf[0] == 1:
                    cand.end = self.toks[j + 1].end
                    cand.qualifier = suf[1]
                    cand.value, cand.lower, cand.upper = q.bounds(suf[1], cand.value)
                    j += 2
            else:
                suf = q.match_suffix(words)
                if suf:
                    cand.end = self.toks[j + suf[0] - 1].end
                    cand.qualifier = suf[1]
                    cand.value, cand.lower, cand.upper = q.bounds(suf[1], cand.value)
                    j += suf[0]
            nxt = self._tok(j)
        if nxt is None:
            return cand
        # Percent: "40%", "12 percent", "12 per cent", "5 pct", "3 percentage points"
        if nxt.text == "%" or nxt.text == "٪":
            cand.end, cand.kind, cand.unit = nxt.end, "percent", "percent"
            return cand
        if nxt.lower in PERCENT_WORDS:
            end = nxt.end
            unit = "percent"
            if nxt.lower == "percentage" and self._low(j + 1) in ("point", "points"):
                # A difference of two percentages is its own unit, not a percentage.
                end, unit = self.toks[j + 1].end, "percentage point"
            cand.end, cand.kind, cand.unit = end, "percent", unit
            return cand
        if nxt.lower == "per" and self._low(j + 1) == "cent":
            cand.end, cand.kind, cand.unit = self.toks[j + 1].end, "percent", "percent"
            return cand
        # Rates: "one in five", "1 in 10", "one in every four", "one out of five"
        if nxt.lower in ("in", "out") and cand.value and cand.qualifier in (q.EXACT, q.APPROXIMATE):
            k = j + 1
            if nxt.lower == "out" and self._low(k) == "of":
                k += 1
            if self._low(k) == "every":
                k += 1
            if k < n:
                denom = self._core_at(k)
                if (
                    denom is not None
                    and denom.vague is None
                    and not denom.ordinal
                    and denom.value > cand.value
                    and not self._is_identifier_or_date(denom)
                ):
                    rate = 100.0 * cand.value / denom.value
                    cand.value, cand.lower, cand.upper = q.bounds(cand.qualifier, rate)
                    cand.end, cand.kind, cand.unit = (
                        self.toks[denom.j - 1].end,
                        "percent",
                        "percent",
                    )
                    return cand
        # Currency sign or code after the figure: "5 €", "30 MUSD", "115 USD"
        if cand.kind not in ("money", "percent") and (
            nxt.kind == "cur" or nxt.lower in SCALED_CODES or nxt.lower in CURRENCY_CODES
        ):
            after_sign = self._tok(j + 1)
            if after_sign is None or after_sign.kind != "num":
                code, scale = SCALED_CODES.get(nxt.lower, (nums.currency_code(nxt.lower), 1.0))
                if code:
                    if scale != 1.0 and cand.value is not None:
                        cand.value, cand.lower, cand.upper = q.bounds(
                            cand.qualifier, cand.value * scale
                        )
                    cand.end, cand.kind, cand.unit = nxt.end, "money", code
                    return cand
        # Pence set apart: "down 68 p at 1112 p" ("5 p.m." is a clock time).
        if (
            nxt.text == "p"
            and cand.kind == "count"
            and cand.value is not None
            and not (self._low(j + 1) == "." and self._low(j + 2) == "m")
        ):
            cand.value, cand.lower, cand.upper = q.bounds(cand.qualifier, cand.value / 100)
            cand.end, cand.kind, cand.unit = nxt.end, "money", "gbp"
            return cand
        # Currency words: "5 mln dlrs", "3 million euros"
        if (
            nxt.kind == "word"
            and nxt.lower in nums.CURRENCY_WORDS
            and cand.kind != "percent"
            # "275 pound-feet" is a measure, not money
            and not (nxt.lower in ("pound", "pounds") and self._low(j + 1) == "-")
        ):
            cand.end, cand.kind, cand.unit = nxt.end, "money", nums.CURRENCY_WORDS[nxt.lower]
            return cand
        # Glued unit: "12-hour", "20-year-old", "40-km", "5-member"
        if (
            nxt.text in ("-", "–")
            and nxt.glued
            and (n2 := self._tok(j + 1)) is not None
            and n2.glued
        ):
            if n2.lower in TIME_UNITS and cand.kind == "count":
                n3, n4 = self._low(j + 2), self._low(j + 3)
                if n3 == "-" and n4 == "old":
                    # An age describing someone ("a 12-year-old boy") takes no event.
                    cand.end = self.toks[j + 3].end
                    cand.kind, cand.unit, cand.modifier = "age", TIME_UNITS[n2.lower], True
                    return cand
                cand.end = n2.end
                cand.kind, cand.unit, cand.modifier = "duration", TIME_UNITS[n2.lower], True
                return cand
            if n2.lower == "fold" and cand.kind == "count":
                cand.end, cand.unit = n2.end, "fold"  # "4-fold"
                return cand
            if n2.lower in MEASURE_UNITS and cand.kind == "count":
                cand.end = n2.end
                cand.kind, cand.unit, cand.modifier = "measure", MEASURE_UNITS[n2.lower], True
                return cand
        # "six month-old": the hyphen joins only the unit and "old"
        if (
            nxt.lower in TIME_UNITS
            and self._low(j + 1) in ("-", "–")
            and self._low(j + 2) == "old"
            and cand.kind == "count"
        ):
            cand.kind, cand.unit, cand.modifier = "age", TIME_UNITS[nxt.lower], True
            cand.end = self.toks[j + 2].end
            return cand
        # Ages: "12 years old"
        if nxt.lower in ("year", "years") and self._low(j + 1) == "old":
            cand.kind, cand.unit = "age", "year"
            cand.end = self.toks[j + 1].end
            return cand
        first = cand_start_index(self, cand)
        if self._low(first - 1) == "aged" or (
            self._low(first - 1) == "of" and self._low(first - 2) == "age"
        ):
            cand.kind, cand.unit = "age", "year"
            return cand
        if (
            cand.kind == "count"
            and cand.qualifier == q.EXACT
            and cand.value is not None
            and 0 < cand.value < 120
            and self._low(first - 1) == ","
            and (
                (self._low(first - 2) in AGE_NOUNS and (nxt.text in (",", ".", ")", ";")))
                or (self._named_person_before(first - 2) and nxt.text == ",")
                or (self._low(first - 2) in AGE_NOUNS and nxt.lower == "and")
            )
        ):
            cand.kind, cand.unit = "age", "year"  # "a man, 45, was ..."
            return cand
        # Compound and area units: "275 pound-feet", "10 square kilometres", "5 sq km"
        if nxt.kind == "word" and cand.kind in ("count", "money"):
            n2, n3 = self._tok(j + 1), self._tok(j + 2)
            if n2 is not None and n3 is not None and n2.text == "-" and n2.glued and n3.glued:
                joined = f"{nxt.lower}-{n3.lower}"
                if joined in MEASURE_UNITS:
                    cand.kind, cand.unit = "measure", MEASURE_UNITS[joined]
                    return cand
            if (
                nxt.lower in ("square", "sq", "cubic")
                and n2 is not None
                and n2.lower in MEASURE_UNITS
            ):
                shape = "cubic" if nxt.lower == "cubic" else "square"
                cand.kind, cand.unit = "measure", f"{shape} {MEASURE_UNITS[n2.lower]}"
                return cand
        # Units written after the figure: "40 km", "12 tonnes", "3 hours"
        if nxt.kind == "word" and cand.kind == "count":
            if nxt.lower in TIME_UNITS and nxt.lower not in ("second", "min", "h"):
                if self._low(j + 1) in ANCHOR_AFTER_UNIT:
                    cand.flags.add("anchor")
                cand.kind, cand.unit = "duration", TIME_UNITS[nxt.lower]
            elif nxt.lower in MEASURE_UNITS and len(nxt.lower) > 1:
                cand.kind, cand.unit = "measure", MEASURE_UNITS[nxt.lower]
        return cand


def _close_range_end(scanner: SentenceScanner, first: _Core, second: _Core) -> bool:
    """ "by 1 to 1.5 degrees": the far end is near the first and carries the unit."""
    if not 0 < first.value < second.value <= 3 * first.value:
        return False
    return second.unit is not None or scanner._unit_follows(second.j)


def cand_end_index(scanner: SentenceScanner, cand: Candidate) -> int:
    """Index of the first token after a candidate."""
    for idx, t in enumerate(scanner.toks):
        if t.start >= cand.end:
            return idx
    return len(scanner.toks)


def cand_start_index(scanner: SentenceScanner, cand: Candidate) -> int:
    for idx, t in enumerate(scanner.toks):
        if t.start >= cand.start:
            return idx
    return len(scanner.toks)
